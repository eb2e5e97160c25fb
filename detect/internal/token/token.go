// Package token splits text into word and emoji tokens that keep byte
// offsets into the original text, with a folded (lowercased, diacritics
// removed, compatibility-normalised) form of each word for matching.
//
// The same code tokenizes lexicon phrases at compile time and input text at
// scoring time, so both sides always agree on what a word is.
//
// Besides splitting, the tokenizer marks context that changes what a word
// means: words inside quotation marks (a mention, not a use), hashtags,
// and sentence boundaries. URLs, e-mail addresses, @handles and code spans
// produce no tokens at all: they are not prose.
package token

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Kind tells what a token is.
type Kind uint8

// Token kinds.
const (
	Word  Kind = iota // letters, digits and combining marks
	Emoji             // one pictographic symbol (with its modifiers)
)

// Flags describe the context of a token.
type Flags uint8

// Token flags.
const (
	Quoted    Flags = 1 << iota // inside quotation marks
	Hashtag                     // a #hashtag; its folded form starts with '#'
	Homoglyph                   // Cyrillic or Greek look-alikes mixed into a Latin word, folded to Latin
	Leet                        // letters mixed with digits or $ @ ("ch4nges", "fr$e")
	Stretched                   // the folded form has an ASCII letter 3 or more times in a row ("sooooo")
	Digits                      // contains a digit
	Spaced                      // joined from letters spaced out ("t a g"); set by the detector
)

// Token is one word or emoji. Start and End are byte offsets into the
// original text; the folded form is Buf[FoldStart:FoldEnd] of the
// Tokenizer that produced it.
type Token struct {
	Start, End         int32 // span in the original text
	FoldStart, FoldEnd int32 // span of the folded form in the fold buffer
	Sentence           int32 // index of the sentence the token is in
	Kind               Kind
	Flags              Flags
	Upper              uint16 // number of uppercase letters
	Lower              uint16 // number of lowercase letters
	Letters            uint16 // number of letters
}

// Tokenizer holds reusable buffers. It is not safe for concurrent use;
// keep one per goroutine (or in a sync.Pool).
type Tokenizer struct {
	Tokens []Token
	Buf    []byte // folded forms of all tokens, back to back
}

// Reset empties the tokenizer, keeping its buffers.
func (t *Tokenizer) Reset() {
	t.Tokens = t.Tokens[:0]
	t.Buf = t.Buf[:0]
}

// Fold returns the folded form of token i as bytes in the fold buffer.
func (t *Tokenizer) Fold(i int) []byte {
	tk := &t.Tokens[i]
	return t.Buf[tk.FoldStart:tk.FoldEnd]
}

// IsEmoji reports whether r is a pictographic symbol that stands as a token
// of its own.
func IsEmoji(r rune) bool {
	switch {
	case r < 0x2000:
		return false
	case r >= 0x1F000 && r <= 0x1FAFF:
		return r < 0x1F3FB || r > 0x1F3FF // skin-tone modifiers extend, not start
	case r >= 0x2600 && r <= 0x27BF:
		return true
	case r >= 0x2B00 && r <= 0x2BFF, r >= 0x2300 && r <= 0x23FF:
		return unicode.Is(unicode.So, r)
	case r == 0x203C || r == 0x2049 || r == 0x2122 || r == 0x2139:
		return true
	}
	return false
}

// isEmojiExtender reports runes that continue the emoji before them:
// variation selectors, skin tones, the zero-width joiner, tag characters and
// the combining enclosing keycap.
func isEmojiExtender(r rune) bool {
	return r == 0xFE0F || r == 0xFE0E || r == 0x200D || r == 0x20E3 ||
		(r >= 0x1F3FB && r <= 0x1F3FF) || (r >= 0xE0020 && r <= 0xE007F)
}

// asciiClass classifies ASCII bytes: 1 lowercase letter, 2 uppercase
// letter, 3 digit, 0 anything else.
var asciiClass = func() (t [128]uint8) {
	for c := 'a'; c <= 'z'; c++ {
		t[c] = 1
	}
	for c := 'A'; c <= 'Z'; c++ {
		t[c] = 2
	}
	for c := '0'; c <= '9'; c++ {
		t[c] = 3
	}
	return
}()

// byteClass is asciiClass for any byte: 0 for bytes of multi-byte
// characters.
var byteClass = func() (t [256]uint8) {
	copy(t[:], asciiClass[:])
	return
}()

// IsWordRune reports whether r belongs inside a word: letters, digits and
// combining marks. Everything else, including apostrophes and hyphens,
// separates words.
func IsWordRune(r rune) bool {
	if r < utf8.RuneSelf {
		return asciiClass[r] != 0
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r)
}

// IsIgnorable reports format characters that are dropped inside words:
// zero-width spaces and joiners, soft hyphens, bidi controls.
func IsIgnorable(r rune) bool {
	switch r {
	case 0x00AD, 0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF,
		0x200E, 0x200F, 0x202A, 0x202B, 0x202C, 0x202D, 0x202E,
		0x2066, 0x2067, 0x2068, 0x2069:
		return true
	}
	return false
}

// isSentenceEnd reports punctuation that ends a sentence when followed by
// a space, a line break, a closing quote or the end of the text.
func isSentenceEnd(r rune) bool {
	switch r {
	case '.', '!', '?', '…', '。', '！', '？', '‼', '⁉':
		return true
	}
	return false
}

func isCloser(r rune) bool {
	switch r {
	case '"', '\'', ')', ']', '}', '»', '”', '’', '›', '“', '*', '_':
		return true
	}
	return false
}

func isSpace(r rune) bool {
	if r < utf8.RuneSelf {
		return r == ' ' || r == '\t' || r == '\n' || r == '\r' || r == '\v' || r == '\f'
	}
	return unicode.IsSpace(r)
}

// state is the tokenizer's position while scanning one text.
type state struct {
	t            *Tokenizer
	text         string
	base         int
	sentence     int32
	pendingBreak bool
	quoteClose   rune // closing quote expected, or 0 when not in a quote
	quoteTok     int  // first token inside the open quote
}

// Tokenize splits text into tokens, appending to t.Tokens and t.Buf.
// Offsets are relative to text plus base. Invalid UTF-8 bytes separate
// words.
func (t *Tokenizer) Tokenize(text string, base int) {
	st := state{t: t, text: text, base: base}
	if n := len(t.Tokens); n > 0 {
		st.sentence = t.Tokens[n-1].Sentence + 1
	}
	// Room for a long text up front: prose has a token every five or six
	// bytes, and folding keeps about its length. Growing by appends would
	// copy a large text's tokens several times.
	if len(text) >= 1<<16 {
		t.Tokens = slices.Grow(t.Tokens, len(text)/5)
		t.Buf = slices.Grow(t.Buf, len(text)+len(text)/16)
	}
	st.run()
}

func (st *state) newSentence() {
	if st.pendingBreak {
		st.sentence++
		st.pendingBreak = false
	}
}

// closeQuoteUnbalanced forgets a quote that never closed: its words are
// not a quotation after all.
func (st *state) dropOpenQuote() {
	if st.quoteClose == 0 {
		return
	}
	for k := st.quoteTok; k < len(st.t.Tokens); k++ {
		st.t.Tokens[k].Flags &^= Quoted
	}
	st.quoteClose = 0
}

func (st *state) run() {
	text := st.text
	chunkStart := true
	// The current chunk (run of non-space characters) and the state at its
	// start: if it turns out to be a URL or an address, it is rolled back.
	var chunk chunkMark
	i := 0
	for i < len(text) {
		c := text[i]
		// ASCII word fast path.
		if c < utf8.RuneSelf && asciiClass[c] != 0 {
			if chunkStart {
				chunkStart = false
				chunk = st.mark(i)
			}
			i = st.word(i, 0)
			continue
		}
		if c == ' ' {
			chunkStart = true
			i++
			continue
		}
		r, size := rune(c), 1
		if c >= utf8.RuneSelf {
			r, size = utf8.DecodeRuneInString(text[i:])
		}
		if isSpace(r) {
			chunkStart = true
			if r == '\n' || r == '\r' || r == 0x2028 || r == 0x2029 || r == 0x85 {
				st.pendingBreak = true
				st.dropOpenQuote()
			}
			i += size
			continue
		}
		if chunkStart {
			chunkStart = false
			chunk = st.mark(i)
		}
		// Only a chunk with '/', ':', '@' or an inner '.' can be an
		// address: check it then, once.
		if !chunk.checked && (r == '/' || r == ':' || r == '@' || (r == '.' && i+1 < len(text) && text[i+1] < utf8.RuneSelf && asciiClass[text[i+1]] != 0)) {
			chunk.checked = true
			if n := skipNonProse(text, chunk.pos); n > 0 {
				st.rollback(chunk)
				i = st.skipped(chunk.pos, n)
				chunkStart = true
				continue
			}
		}
		if r != utf8.RuneError || size > 1 {
			if IsWordRune(r) {
				i = st.word(i, 0)
				continue
			}
			if IsEmoji(r) {
				i = st.emoji(i)
				continue
			}
		}
		switch {
		case r == '$' && i+1 < len(text) && text[i+1] < utf8.RuneSelf && asciiClass[text[i+1]] != 0 && asciiClass[text[i+1]] != 3 && !prevIsWord(text, i):
			// "$hare": a dollar sign standing for an s opens the word.
			if j := st.word(i, 0); j > i {
				i = j
				continue
			}
		case r == '#' && i+1 < len(text) && startsWord(text[i+1:]) && !prevIsWord(text, i):
			i = st.word(i+1, Hashtag)
			continue
		case r == '@' && i+1 < len(text) && startsWord(text[i+1:]) && !prevIsWord(text, i):
			// An @handle is a name, not prose.
			j := i + 1
			for j < len(text) {
				nr, ns := utf8.DecodeRuneInString(text[j:])
				if !IsWordRune(nr) && nr != '_' && !(nr == '.' && j+ns < len(text) && startsWord(text[j+ns:])) {
					break
				}
				j += ns
			}
			i = j
			continue
		case r == '`':
			if j := codeSpanEnd(text, i); j > 0 {
				i = j
				continue
			}
		case r == '.' && st.abbreviationBefore(i):
			// "Dr. Smith", "J. Smith", "e.g. this", "et al. 2020": not an end.
		case isSentenceEnd(r):
			j := i + size
			for j < len(text) {
				nr, ns := utf8.DecodeRuneInString(text[j:])
				if isSentenceEnd(nr) || isCloser(nr) {
					if isQuoteRune(nr) {
						break
					}
					j += ns
					continue
				}
				break
			}
			if j >= len(text) {
				st.pendingBreak = true
			} else {
				nr, _ := utf8.DecodeRuneInString(text[j:])
				if isSpace(nr) || IsEmoji(nr) || isQuoteRune(nr) {
					st.pendingBreak = true
				}
			}
			// The rest of the run would scan to the same end and decide the
			// same: skip it, so that "!!!!…" is linear, not quadratic.
			i = j
			continue
		case isQuoteRune(r):
			st.quote(r, i, size)
		}
		i += size
	}
	st.dropOpenQuote()
}

// abbreviations are folded words that a period follows without ending
// the sentence (titles and scholarly shorthand in en, es, fr).
var abbreviations = map[string]bool{
	"dr": true, "drs": true, "dra": true, "prof": true, "mr": true, "mrs": true, "ms": true, "mme": true,
	"mlle": true, "sr": true, "sra": true, "srta": true, "st": true, "jr": true, "vs": true, "al": true,
	"fig": true, "figs": true, "vol": true, "pp": true, "ed": true, "eds": true, "approx": true, "dept": true,
	"univ": true, "cf": true, "ca": true, "pr": true, "ud": true, "uds": true, "pag": true, "num": true,
	"nr": true, "ref": true, "refs": true, "ch": true, "sec": true, "eq": true, "op": true, "cit": true,
}

// abbreviationBefore reports whether the period at i closes an
// abbreviation or an initial: the word right before it is a known
// abbreviation or a single letter.
func (st *state) abbreviationBefore(i int) bool {
	n := len(st.t.Tokens)
	if n == 0 {
		return false
	}
	last := &st.t.Tokens[n-1]
	if int(last.End)-st.base != i || last.Kind != Word {
		return false
	}
	f := st.t.Buf[last.FoldStart:last.FoldEnd]
	if last.Letters == 1 && len(f) <= 2 {
		return true
	}
	return abbreviations[string(f)]
}

// chunkMark records the tokenizer state at the start of a chunk.
type chunkMark struct {
	pos, tokens, buf int
	sentence         int32
	pendingBreak     bool
	quoteClose       rune
	quoteTok         int
	checked          bool
}

func (st *state) mark(i int) chunkMark {
	return chunkMark{pos: i, tokens: len(st.t.Tokens), buf: len(st.t.Buf), sentence: st.sentence,
		pendingBreak: st.pendingBreak, quoteClose: st.quoteClose, quoteTok: st.quoteTok}
}

func (st *state) rollback(m chunkMark) {
	st.t.Tokens = st.t.Tokens[:m.tokens]
	st.t.Buf = st.t.Buf[:m.buf]
	st.sentence, st.pendingBreak = m.sentence, m.pendingBreak
	st.quoteClose, st.quoteTok = m.quoteClose, m.quoteTok
}

// skipped moves past a non-prose chunk of n bytes starting at i, keeping a
// sentence end that closes it ("see https://x.org/a. Next").
func (st *state) skipped(i, n int) int {
	end := i + n
	if last, _ := utf8.DecodeLastRuneInString(st.text[i:end]); isSentenceEnd(last) {
		st.pendingBreak = true
	}
	return end
}

func isQuoteRune(r rune) bool {
	switch r {
	case '"', '\'', '“', '”', '‘', '’', '«', '»', '„', '‹', '›', '‚':
		return true
	}
	return false
}

// quote updates the quotation state for a quote mark at i.
func (st *state) quote(r rune, i, size int) {
	text := st.text
	prevWord := prevIsWord(text, i)
	nextWord := i+size < len(text) && startsWord(text[i+size:])
	open := func(closer rune) {
		if st.quoteClose == 0 {
			st.quoteClose = closer
			st.quoteTok = len(st.t.Tokens)
		}
	}
	closeIf := func(rs ...rune) bool {
		for _, c := range rs {
			if st.quoteClose == c {
				st.quoteClose = 0
				return true
			}
		}
		return false
	}
	switch r {
	case '"':
		if !closeIf('"', '“', '”') {
			open('"')
		}
	case '“':
		if !closeIf('“') {
			open('”')
		}
	case '”':
		closeIf('”', '"', '“')
	case '„':
		open('“')
	case '«':
		open('»')
	case '»':
		closeIf('»')
	case '‹':
		open('›')
	case '›':
		closeIf('›')
	case '‚':
		open('‘')
	case '‘':
		if !closeIf('‘') && !prevWord {
			open('’')
		}
	case '’', '\'':
		// Between letters it is an apostrophe.
		if prevWord && nextWord {
			return
		}
		if st.quoteClose == '’' || st.quoteClose == '\'' {
			if !nextWord {
				st.quoteClose = 0
			}
			return
		}
		if r == '\'' && !prevWord && nextWord {
			open('\'')
		}
	}
}

// word scans one word starting at i and returns the index after it.
func (st *state) word(i int, flags Flags) int {
	t, text := st.t, st.text
	st.newSentence()
	tk := Token{Start: int32(i + st.base), FoldStart: int32(len(t.Buf)), Sentence: st.sentence, Kind: Word, Flags: flags}
	if flags&Hashtag != 0 {
		tk.Start--
		t.Buf = append(t.Buf, '#')
	}
	if st.quoteClose != 0 {
		tk.Flags |= Quoted
	}
	wordStart := i
	var latin, other bool // scripts seen, for homoglyph folding
	for i < len(text) {
		c := text[i]
		if c < utf8.RuneSelf {
			switch asciiClass[c] {
			case 1, 2:
				// A run of ASCII letters, the bulk of prose, in a tight
				// loop of its own. A letter is stretched when the two
				// folded bytes before it in this word are the same letter.
				buf := t.Buf
				fs := int(tk.FoldStart)
				j, upper, stretched := i, 0, false
				for j < len(text) {
					c := text[j]
					cl := byteClass[c]
					if cl == 0 || cl > 2 {
						break
					}
					if cl == 2 {
						upper++
						c += 'a' - 'A'
					}
					if n := len(buf); n-2 >= fs && buf[n-1] == c && buf[n-2] == c {
						stretched = true
					}
					buf = append(buf, c)
					j++
				}
				t.Buf = buf
				tk.Letters += uint16(j - i)
				tk.Upper += uint16(upper)
				tk.Lower += uint16(j - i - upper)
				if stretched {
					tk.Flags |= Stretched
				}
				latin = true
				i = j
				continue
			case 3:
				tk.Flags |= Digits
				t.Buf = append(t.Buf, c)
				i++
				continue
			}
			if c != '$' && c != '@' {
				break
			}
			nextLetter := i+1 < len(text) && text[i+1] < utf8.RuneSelf && asciiClass[text[i+1]] != 0 && asciiClass[text[i+1]] != 3
			nextDigit := i+1 < len(text) && asciiClass[text[i+1]&0x7f] == 3 && text[i+1] < utf8.RuneSelf
			leetOK := (i > wordStart && (nextLetter || (c == '$' && !nextDigit && !startsWord(text[i+1:])))) ||
				(i == wordStart && c == '$' && nextLetter)
			if leetOK {
				// "fr$e", "t@g", "th1$", "$hare": a symbol standing for a
				// letter (never "$100").
				tk.Flags |= Leet
				t.Buf = append(t.Buf, c)
				i++
				continue
			}
			break
		}
		r, size := utf8.DecodeRuneInString(text[i:])
		if r == utf8.RuneError && size == 1 {
			break
		}
		if IsIgnorable(r) {
			// A zero-width or bidi character inside a word does not split it.
			if i+size < len(text) && startsWord(text[i+size:]) {
				i += size
				continue
			}
			break
		}
		if !IsWordRune(r) {
			break
		}
		if unicode.IsLetter(r) {
			tk.Letters++
			if unicode.IsUpper(r) {
				tk.Upper++
			} else if unicode.IsLower(r) {
				tk.Lower++
			}
			if _, ok := confusable[r]; ok {
				other = true
			} else if r < 0x250 || (r >= 0x1D400 && r <= 0x1D7FF) || (r >= 0xFF21 && r <= 0xFF5A) {
				latin = true
			}
		} else if unicode.IsDigit(r) {
			tk.Flags |= Digits
		}
		n := len(t.Buf)
		t.Buf = AppendFold(t.Buf, r)
		if len(t.Buf) == n+1 && n-2 >= int(tk.FoldStart) {
			if c := t.Buf[n]; 'a' <= c && c <= 'z' && t.Buf[n-1] == c && t.Buf[n-2] == c {
				tk.Flags |= Stretched
			}
		}
		i += size
	}
	tk.End = int32(i + st.base)
	if latin && other {
		// Cyrillic or Greek look-alikes inside a Latin word: an attempt to
		// slip past filters. Fold them to the Latin letters they imitate.
		t.Buf = t.Buf[:tk.FoldStart]
		for _, r := range text[tk.Start-int32(st.base)+int32(boolInt(flags&Hashtag != 0)) : i] {
			if IsIgnorable(r) {
				continue
			}
			if l, ok := confusable[r]; ok {
				t.Buf = append(t.Buf, l)
				continue
			}
			t.Buf = AppendFold(t.Buf, r)
		}
		if flags&Hashtag != 0 {
			t.Buf = append(t.Buf[:tk.FoldStart], append([]byte{'#'}, t.Buf[tk.FoldStart:]...)...)
		}
		tk.Flags |= Homoglyph
	}
	if tk.Flags&Digits != 0 && tk.Letters > 0 {
		tk.Flags |= Leet
	}
	if int(tk.FoldStart) == len(t.Buf) {
		// Only marks that fold away (a stray accent, a variation
		// selector): keep them as they are, since an empty folded form
		// would match every other one.
		for _, r := range text[wordStart:i] {
			if !IsIgnorable(r) {
				t.Buf = utf8.AppendRune(t.Buf, r)
			}
		}
	}
	tk.FoldEnd = int32(len(t.Buf))
	t.Tokens = append(t.Tokens, tk)
	return i
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// confusable maps Cyrillic and Greek letters that look like Latin ones to
// the lowercase Latin letter they imitate (after the Unicode confusables
// data, restricted to near-identical shapes).
var confusable = map[rune]byte{
	// Cyrillic lowercase
	'а': 'a', 'в': 'b', 'е': 'e', 'к': 'k', 'м': 'm', 'н': 'h', 'о': 'o', 'р': 'p', 'с': 'c', 'т': 't',
	'у': 'y', 'х': 'x', 'і': 'i', 'ј': 'j', 'ѕ': 's', 'ԁ': 'd', 'ԛ': 'q', 'ԝ': 'w', 'һ': 'h', 'ӏ': 'l', 'ɡ': 'g',
	// Cyrillic uppercase
	'А': 'a', 'В': 'b', 'Е': 'e', 'К': 'k', 'М': 'm', 'Н': 'h', 'О': 'o', 'Р': 'p', 'С': 'c', 'Т': 't',
	'У': 'y', 'Х': 'x', 'І': 'i', 'Ј': 'j', 'Ѕ': 's', 'Ԁ': 'd', 'Ԛ': 'q', 'Ԝ': 'w', 'Һ': 'h', 'Ӏ': 'l',
	// Greek
	'α': 'a', 'ο': 'o', 'ρ': 'p', 'ι': 'i', 'κ': 'k', 'ν': 'v', 'υ': 'u', 'χ': 'x', 'ε': 'e', 'τ': 't',
	'Α': 'a', 'Β': 'b', 'Ε': 'e', 'Ζ': 'z', 'Η': 'h', 'Ι': 'i', 'Κ': 'k', 'Μ': 'm', 'Ν': 'n', 'Ο': 'o',
	'Ρ': 'p', 'Τ': 't', 'Υ': 'y', 'Χ': 'x',
}

// emoji scans one emoji with its modifiers and joined emoji.
func (st *state) emoji(i int) int {
	t, text := st.t, st.text
	st.newSentence()
	r, size := utf8.DecodeRuneInString(text[i:])
	tk := Token{Start: int32(i + st.base), FoldStart: int32(len(t.Buf)), Sentence: st.sentence, Kind: Emoji}
	if st.quoteClose != 0 {
		tk.Flags |= Quoted
	}
	t.Buf = utf8.AppendRune(t.Buf, r)
	i += size
	for i < len(text) {
		nr, ns := utf8.DecodeRuneInString(text[i:])
		if !isEmojiExtender(nr) {
			break
		}
		if nr == 0x200D && i+ns < len(text) {
			jr, js := utf8.DecodeRuneInString(text[i+ns:])
			if IsEmoji(jr) {
				t.Buf = utf8.AppendRune(t.Buf, jr)
				i += ns + js
				continue
			}
		}
		i += ns
	}
	tk.End = int32(i + st.base)
	tk.FoldEnd = int32(len(t.Buf))
	t.Tokens = append(t.Tokens, tk)
	return i
}

func startsWord(s string) bool {
	if s == "" {
		return false
	}
	c := s[0]
	if c < utf8.RuneSelf {
		return asciiClass[c] != 0
	}
	r, size := utf8.DecodeRuneInString(s)
	return !(r == utf8.RuneError && size == 1) && IsWordRune(r)
}

func prevIsWord(text string, i int) bool {
	if i == 0 {
		return false
	}
	r, size := utf8.DecodeLastRuneInString(text[:i])
	return !(r == utf8.RuneError && size == 1) && IsWordRune(r)
}

// codeSpanEnd returns the index after a code span starting with a
// backtick at i: a ``` fence up to the next fence, or `code` up to the
// next backtick on the same line. It returns 0 when there is no span.
func codeSpanEnd(text string, i int) int {
	if strings.HasPrefix(text[i:], "```") {
		if j := strings.Index(text[i+3:], "```"); j >= 0 {
			return i + 3 + j + 3
		}
		return 0
	}
	// Find the closing backtick first and then check that no line break
	// comes before it: searching for the line break first would scan to
	// the end of a long line for every backtick ("` ` ` …"), quadratically.
	rest := text[i+1:]
	if j := strings.IndexByte(rest, '`'); j > 0 && strings.IndexByte(rest[:j], '\n') < 0 {
		return i + 1 + j + 1
	}
	return 0
}

// skipNonProse returns the length of a URL, e-mail address or bare web
// address starting at i (after optional opening punctuation), or 0.
func skipNonProse(text string, i int) int {
	end := i
	marks := false // a '/', '@' or an inner '.': the chunk may be an address
	for end < len(text) {
		c := text[end]
		if c == ' ' || c == '\n' || c == '\t' || c == '\r' {
			break
		}
		if c >= utf8.RuneSelf {
			r, size := utf8.DecodeRuneInString(text[end:])
			if unicode.IsSpace(r) {
				break
			}
			end += size
			continue
		}
		if c == '/' || c == '@' || (c == '.' && end+1 < len(text) && text[end+1] < utf8.RuneSelf && asciiClass[text[end+1]] != 0) {
			marks = true
		}
		end++
	}
	if !marks {
		return 0
	}
	chunk := text[i:end]
	lead := 0
	for lead < len(chunk) && strings.IndexByte("([<{\"'", chunk[lead]) >= 0 {
		lead++
	}
	body := chunk[lead:]
	if len(body) < 4 {
		return 0
	}
	// Trailing punctuation belongs to the sentence, not to the address.
	trail := len(body)
	for trail > 0 && strings.IndexByte(".,;:!?)]}>\"'", body[trail-1]) >= 0 {
		trail--
	}
	core := body[:trail]
	lower := core
	for k := 0; k < len(core); k++ {
		if c := core[k]; 'A' <= c && c <= 'Z' {
			lower = strings.ToLower(core)
			break
		}
	}
	switch {
	case strings.Contains(lower, "://"), strings.HasPrefix(lower, "www."), strings.HasPrefix(lower, "mailto:"):
	case isEmail(core):
	case isBareDomainPath(lower):
	default:
		return 0
	}
	return lead + trail
}

func isEmail(s string) bool {
	at := strings.IndexByte(s, '@')
	if at <= 0 || at == len(s)-1 {
		return false
	}
	dot := strings.LastIndexByte(s, '.')
	return dot > at+1 && dot < len(s)-1
}

// isBareDomainPath recognises "t.co/abc" and "example.com" style
// addresses: a dotted host with a known top-level domain, or followed by
// a path.
func isBareDomainPath(s string) bool {
	host := s
	path := false
	if j := strings.IndexByte(s, '/'); j > 0 {
		host, path = s[:j], true
	}
	dot := strings.LastIndexByte(host, '.')
	if dot <= 0 || dot == len(host)-1 {
		return false
	}
	for k := 0; k < len(host); k++ {
		c := host[k]
		if !(c == '.' || c == '-' || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
			return false
		}
	}
	tld := host[dot+1:]
	for _, c := range tld {
		if c < 'a' || c > 'z' {
			return false
		}
	}
	if path {
		return true
	}
	switch tld {
	case "com", "org", "net", "io", "ai", "co", "es", "fr", "edu", "gov", "dev", "app", "ly", "me", "uk", "de", "info", "tv":
		return true
	}
	return false
}

// Piece is one folded word or emoji of a phrase.
type Piece struct {
	Text string
	Kind Kind
}

// Words splits a phrase into folded words and emoji with the same rules
// as Tokenize: it is what the compiler uses for lexicon phrases.
func Words(s string) []Piece {
	var t Tokenizer
	t.Tokenize(s, 0)
	out := make([]Piece, len(t.Tokens))
	for i := range t.Tokens {
		out[i] = Piece{Text: string(t.Fold(i)), Kind: t.Tokens[i].Kind}
	}
	return out
}
