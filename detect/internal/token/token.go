// Package token splits text into word and emoji tokens that keep byte
// offsets into the original text, with a folded (lowercased, diacritics
// removed, compatibility-normalised) form of each word for matching.
//
// The same code tokenizes lexicon phrases at compile time and input text at
// scoring time, so both sides always agree on what a word is.
package token

import (
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

// Token is one word or emoji. Start and End are byte offsets into the
// original text; the folded form is Buf[FoldStart:FoldEnd] of the
// Tokenizer that produced it.
type Token struct {
	Start, End         int32 // span in the original text
	FoldStart, FoldEnd int32 // span of the folded form in the fold buffer
	Sentence           int32 // index of the sentence the token is in
	Kind               Kind
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
	case r >= 0x1F000 && r <= 0x1FAFF:
		return r < 0x1F3FB || r > 0x1F3FF // skin-tone modifiers extend, not start
	case r >= 0x2600 && r <= 0x27BF:
		return true
	case r >= 0x2B00 && r <= 0x2BFF:
		return unicode.Is(unicode.So, r)
	case r >= 0x2300 && r <= 0x23FF:
		return unicode.Is(unicode.So, r)
	case r == 0x203C || r == 0x2049 || r == 0x2122 || r == 0x2139:
		return true
	case r >= 0x2190 && r <= 0x21FF:
		return false
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

// IsWordRune reports whether r belongs inside a word: letters, digits and
// combining marks. Everything else, including apostrophes and hyphens,
// separates words.
func IsWordRune(r rune) bool {
	if r < utf8.RuneSelf {
		return ('a' <= r && r <= 'z') || ('A' <= r && r <= 'Z') || ('0' <= r && r <= '9')
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r)
}

// isIgnorable reports format characters that are dropped inside words:
// zero-width spaces and joiners, soft hyphens, bidi controls.
func isIgnorable(r rune) bool {
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
	case '"', '\'', ')', ']', '}', '»', '”', '’', '›', '“':
		return true
	}
	return false
}

// Tokenize splits text into tokens, appending to t.Tokens and t.Buf.
// Offsets are relative to text plus base. Invalid UTF-8 bytes separate
// words.
func (t *Tokenizer) Tokenize(text string, base int) {
	sentence := int32(0)
	if n := len(t.Tokens); n > 0 {
		sentence = t.Tokens[n-1].Sentence
	}
	pendingBreak := false
	inWord := false
	var cur Token
	i := 0
	for i < len(text) {
		c := text[i]
		var r rune
		size := 1
		if c < utf8.RuneSelf {
			r = rune(c)
		} else {
			r, size = utf8.DecodeRuneInString(text[i:])
		}
		if IsWordRune(r) && !(r == utf8.RuneError && size == 1) {
			if !inWord {
				if pendingBreak {
					sentence++
					pendingBreak = false
				}
				inWord = true
				cur = Token{Start: int32(i + base), FoldStart: int32(len(t.Buf)), Sentence: sentence, Kind: Word}
			}
			if unicode.IsLetter(r) {
				cur.Letters++
				if unicode.IsUpper(r) {
					cur.Upper++
				} else if unicode.IsLower(r) {
					cur.Lower++
				}
			}
			t.Buf = AppendFold(t.Buf, r)
			i += size
			cur.End = int32(i + base)
			continue
		}
		if inWord && isIgnorable(r) && i+size < len(text) {
			// A zero-width or bidi character inside a word does not split it.
			nr, _ := utf8.DecodeRuneInString(text[i+size:])
			if IsWordRune(nr) {
				i += size
				continue
			}
		}
		if inWord {
			cur.FoldEnd = int32(len(t.Buf))
			t.Tokens = append(t.Tokens, cur)
			inWord = false
		}
		if IsEmoji(r) {
			if pendingBreak {
				sentence++
				pendingBreak = false
			}
			tk := Token{Start: int32(i + base), FoldStart: int32(len(t.Buf)), Sentence: sentence, Kind: Emoji}
			t.Buf = utf8.AppendRune(t.Buf, r)
			i += size
			// Absorb modifiers and joined emoji into the same token.
			for i < len(text) {
				nr, ns := utf8.DecodeRuneInString(text[i:])
				if isEmojiExtender(nr) {
					if nr == 0x200D && i+ns < len(text) {
						jr, js := utf8.DecodeRuneInString(text[i+ns:])
						if IsEmoji(jr) {
							t.Buf = utf8.AppendRune(t.Buf, jr)
							i += ns + js
							continue
						}
					}
					i += ns
					continue
				}
				break
			}
			tk.End = int32(i + base)
			tk.FoldEnd = int32(len(t.Buf))
			t.Tokens = append(t.Tokens, tk)
			continue
		}
		switch {
		case r == '\n' || r == '\r' || r == 0x2028 || r == 0x2029:
			pendingBreak = true
		case isSentenceEnd(r):
			// Ends a sentence when what follows is a space, a closer or the end.
			j := i + size
			for j < len(text) {
				nr, ns := utf8.DecodeRuneInString(text[j:])
				if isSentenceEnd(nr) || isCloser(nr) {
					j += ns
					continue
				}
				break
			}
			if j >= len(text) {
				pendingBreak = true
			} else {
				nr, _ := utf8.DecodeRuneInString(text[j:])
				if unicode.IsSpace(nr) || IsEmoji(nr) {
					pendingBreak = true
				}
			}
		}
		i += size
	}
	if inWord {
		cur.FoldEnd = int32(len(t.Buf))
		t.Tokens = append(t.Tokens, cur)
	}
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
