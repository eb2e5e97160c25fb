package detect

import (
	"cmp"
	"math"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/redflag-go/redflag/detect/internal/token"
)

// RepeatDecay is the factor applied to each further hit of the same rule
// in one text: the first hit counts its full weight, the second half of
// it, the third a quarter, and so on, so one phrase pasted 50 times adds
// at most twice its weight.
const RepeatDecay = 0.5

// ReferenceWords is the length, in words, up to which a text counts as
// short (a post, a headline): its matches count in full. Longer texts
// scale the contributions of rules below SignatureWeight by
// sqrt(ReferenceWords/words).
const ReferenceWords = 40

// SignatureWeight is the weight from which a rule is a signature — a
// near-certain marker such as chatbot residue — that counts in full
// whatever the length of the text.
const SignatureWeight = 2.0

// MaxInputBytes is the largest text Score accepts in one call; score
// longer documents with ScoreReader, which works in bounded memory.
const MaxInputBytes = 32 << 20

// InputError reports a text too large for one Score call.
type InputError struct {
	Size int // bytes given
}

// Error says what was wrong and what to do.
func (e *InputError) Error() string {
	return "input is " + itoa(e.Size) + " bytes; Score accepts at most " + itoa(MaxInputBytes) + ": use ScoreReader for long documents"
}

// hotSize is the number of slots of the direct-mapped word cache.
const hotSize = 4096

// hotSlot remembers one word, held inline so that remembering costs no
// allocation: its offset in the cache, or hotNone for a word in no
// phrase (the prefilter's "no" is remembered too).
type hotSlot struct {
	n   uint8 // length of the word; 0 for an empty slot
	key [hotKeyLen]byte
	off int32
}

// hotKeyLen is the longest word the direct-mapped cache holds.
const hotKeyLen = 27

// hotNone marks a hot slot whose word is in no phrase (whether the
// prefilter rejected it or its stems are in no trie).
const hotNone = -1

// maxCacheWords bounds the per-goroutine cache of word stems.
const maxCacheWords = 1 << 16

// scratchPool keeps per-call working memory for reuse. It is a small
// mutex-guarded free list rather than a sync.Pool: a sync.Pool hands a
// goroutine that moved to another P a fresh object, and the word-stem
// cache inside a scratch is worth keeping. Buffers grown by a huge text
// are dropped before a scratch goes back, so the pool stays small.
type scratchPool struct {
	mu   sync.Mutex
	free []*scratch
	big  *scratch // at most one scratch with large buffers is kept
	d    *Detector
}

// smallTokens is the token capacity up to which a pooled scratch is
// small; maxPooledTokens bounds what even the one big scratch may keep
// (about 4 M tokens: 20 MB of prose, some 300 MB of buffers).
const (
	smallTokens     = 1 << 14
	maxPooledTokens = 1 << 22
)

// get returns a scratch for a text of n bytes. The one big scratch is
// kept only while texts of its size keep coming: a call for a much
// smaller text lets it go, so that a bot that scored one long document
// does not hold that document's memory while it scores short messages.
func (p *scratchPool) get(n int) *scratch {
	p.mu.Lock()
	if p.big != nil {
		s := p.big
		p.big = nil
		if 16*n >= cap(s.tok.Buf) {
			p.mu.Unlock()
			return s
		}
		// Dropped: the collector reclaims its buffers.
	}
	if n := len(p.free); n > 0 {
		s := p.free[n-1]
		p.free = p.free[:n-1]
		p.mu.Unlock()
		return s
	}
	p.mu.Unlock()
	return newScratch(p.d).(*scratch)
}

func (p *scratchPool) put(s *scratch) {
	s.text, s.runeText = "", ""
	if cap(s.tok.Tokens) > maxPooledTokens {
		s.tok.Tokens, s.tok.Buf = nil, nil
		s.exact, s.obf = nil, nil
		for k := range s.syms {
			s.syms[k] = nil
		}
	}
	if cap(s.runes) > 4*maxPooledTokens {
		s.runes = nil
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if cap(s.tok.Tokens) > smallTokens || cap(s.runes) > 4*smallTokens {
		if p.big == nil {
			p.big = s
		}
		return
	}
	if len(p.free) < 2*runtime.GOMAXPROCS(0) {
		p.free = append(p.free, s)
	}
}

// scratch is the per-call working memory, pooled and reused.
type scratch struct {
	tok       token.Tokenizer
	syms      [][]int32 // per matcher: stem symbol of each token, or -1
	exact     []int32   // exact-form symbol of each token, or -1
	cache     map[string]int32
	cacheVal  []int32 // per cached word: nMatchers stem symbols
	cands     []cand
	acPending [acStreams - 1][]acPending // hits of the later parts of a split literal scan
	runes     []rune
	runeText  string  // the text runes holds
	blockByte []int32 // byte offset of the first rune of each block
	// per block: a bit for each byte where a rune starts
	blockStarts []uint64
	// runeBlock[k] is the index of the first rune at or after byte
	// k*runeBlockSize: byte offsets convert to rune indexes in a few steps.
	runeBlock   []int32
	regWin      [][]window
	alsoHits    [][]int32  // per regex and further literal set: ends of its hits
	prefHits    [][]int32  // per regex: starts of its prefix literals
	candWin     [][]window // per regex: where its matches may start
	gaps        []int      // joinSpaced's separators of one run
	touched     []int32    // regexes the current call has hits or windows for
	touchedMark []bool     // per regex: in touched
	digits      []int32    // offsets of the digits of the text, once digitsDone
	digitsDone  bool
	// exception checks (unlessScan)
	unlessExact, unlessSyms []int32
	unlessOut               []cand
	unlessStems             map[string]map[string]string // per language: folded word -> stem
	ruleEnd                 map[int32]int32              // selectCands: end of each rule's last kept hit
	walk                    walker                       // the phrase walker's buffers
	text                    string                       // the text being analysed
	hot                     [hotSize]hotSlot             // direct-mapped front of cache
	obf                     []uint8                      // per token: the de-obfuscation it needed
	ranker
	alt []byte // scratch for rewritten words
	// gen numbers the analyses done with this scratch; unlessMemo entries
	// of an earlier analysis are stale.
	gen        uint64
	unlessMemo []unlessMemo
}

func newScratch(d *Detector) any {
	return &scratch{syms: make([][]int32, len(d.matchers)), cache: map[string]int32{}}
}

// lookup fills s.syms and s.exact for every token. A word that no
// prefilter admits is skipped without hashing or stemming; the others are
// looked up in the per-goroutine cache, and stemmed only on a miss. Words
// that look obfuscated (leetspeak, stretched letters) are tried again in
// plain form when they are not lexicon words as written.
func (d *Detector) lookup(s *scratch) {
	n := len(s.tok.Tokens)
	nm := len(d.matchers)
	s.exact = grow(s.exact, n)
	for k := range d.matchers {
		s.syms[k] = grow(s.syms[k], n)
	}
	if cap(s.obf) < n {
		s.obf = make([]uint8, n, n+n/4)
	}
	s.obf = s.obf[:n]
	for i := 0; i < n; i++ {
		tk := &s.tok.Tokens[i]
		s.obf[i] = obfNone
		switch {
		case tk.Flags&token.Spaced != 0:
			s.obf[i] = obfSpaced
		case tk.Flags&token.Homoglyph != 0:
			s.obf[i] = obfHomoglyph
		}
		v := d.wordSyms(s, s.tok.Fold(i), tk.Kind == token.Emoji)
		if v == nil && tk.Flags&(token.Leet|token.Stretched) != 0 {
			f := s.tok.Fold(i)
			if tk.Flags&token.Leet != 0 {
				for _, alt := range []byte{'i', 'l'} {
					if w := deleet(s, f, alt); w != nil {
						if v = d.wordSyms(s, w, false); v != nil {
							s.obf[i] = obfLeet
							break
						}
					}
				}
			}
			if v == nil && tk.Flags&token.Stretched != 0 {
				for _, keep := range []int{2, 1} {
					if v = d.wordSyms(s, destretch(s, f, keep), false); v != nil {
						s.obf[i] = obfStretched
						break
					}
				}
			}
		}
		if v == nil {
			s.exact[i] = -1
			for k := 0; k < nm; k++ {
				s.syms[k][i] = -1
			}
			continue
		}
		s.exact[i] = v[0]
		for k := 0; k < nm; k++ {
			s.syms[k][i] = v[k+1]
		}
	}
}

// wordSyms returns the exact-form symbol and the stem symbol of each
// matcher for a folded word (a slice into the cache), or nil when the word
// is in no phrase at all.
func (d *Detector) wordSyms(s *scratch, f []byte, emoji bool) []int32 {
	nm := len(d.matchers)
	stride := nm + 2 // [known, exact, stems...]
	// A small direct-mapped cache in front of everything answers the
	// common words of a text, known or not, without the prefilter or a
	// map lookup.
	var slot *hotSlot
	if len(f) <= hotKeyLen {
		h := uint32(2166136261)
		for _, c := range f {
			h = (h ^ uint32(c)) * 16777619
		}
		slot = &s.hot[h&(hotSize-1)]
		if int(slot.n) == len(f) && len(f) > 0 && string(slot.key[:len(f)]) == string(f) {
			if slot.off == hotNone {
				return nil
			}
			v := s.cacheVal[slot.off : int(slot.off)+stride]
			if v[0] == 0 {
				return nil
			}
			return v[1:]
		}
	}
	remember := func(off int32) {
		if slot != nil {
			slot.n, slot.off = uint8(len(f)), off
			copy(slot.key[:], f)
		}
	}
	pass := uint32(0)
	ks := keysOf(f)
	long := len(f) >= 4
	for k, m := range d.matchers {
		if m.pf.passKeys(&ks, long) {
			pass |= 1 << k
		}
	}
	if pass == 0 && !d.exactPF.passKeys(&ks, long) {
		remember(hotNone)
		return nil
	}
	if off, ok := s.cache[string(f)]; ok {
		v := s.cacheVal[off : int(off)+stride]
		if v[0] == 0 {
			remember(hotNone)
			return nil
		}
		remember(off)
		return v[1:]
	}
	if len(s.cache) >= maxCacheWords {
		clear(s.cache)
		s.cacheVal = s.cacheVal[:0]
		s.hot = [hotSize]hotSlot{}
		slot = nil // the word goes in the map only, this once
	}
	off := int32(len(s.cacheVal))
	word := string(f)
	id, ok := d.exact[word]
	if !ok {
		id = -1
	}
	known := id >= 0
	s.cacheVal = append(s.cacheVal, 0, id)
	for k, m := range d.matchers {
		id := int32(-1)
		if pass&(1<<k) != 0 {
			st := word
			if m.stem != nil && !emoji {
				st = m.stem(word)
			}
			if v, ok := m.stems[st]; ok {
				id = v
				known = true
			}
		}
		s.cacheVal = append(s.cacheVal, id)
	}
	if known {
		s.cacheVal[off] = 1
	}
	s.cache[word] = off
	if !known {
		remember(hotNone) // a hit then needs no look at the values
		return nil
	}
	remember(off)
	return s.cacheVal[off+1 : int(off)+stride]
}

// Kinds of de-obfuscation a token needed.
const (
	obfNone uint8 = iota
	obfHomoglyph
	obfLeet
	obfStretched
	obfSpaced
)

var obfNames = [...]string{"", "look-alike letters", "leetspeak", "stretched letters", "spaced-out letters"}

// ObfuscationBonus multiplies the weight of a match that needed
// de-obfuscation: hiding a red flag is itself a red flag.
const ObfuscationBonus = 1.25

// deleet rewrites digits and symbols that stand for letters; one is the
// letter used for "1" (i or l). It returns nil when nothing changes.
func deleet(s *scratch, f []byte, one byte) []byte {
	s.alt = s.alt[:0]
	changed := false
	for _, c := range f {
		switch c {
		case '4', '@':
			c = 'a'
		case '3':
			c = 'e'
		case '0':
			c = 'o'
		case '1':
			c = one
		case '5', '$':
			c = 's'
		case '7':
			c = 't'
		default:
			s.alt = append(s.alt, c)
			continue
		}
		changed = true
		s.alt = append(s.alt, c)
	}
	if !changed {
		return nil
	}
	return s.alt
}

// destretch collapses runs of 3 or more identical bytes to keep copies;
// shorter runs ("mm" in "comments") stay as they are.
func destretch(s *scratch, f []byte, keep int) []byte {
	s.alt = s.alt[:0]
	for i := 0; i < len(f); {
		j := i
		for j < len(f) && f[j] == f[i] {
			j++
		}
		n := j - i
		if n >= 3 {
			n = keep
		}
		for k := 0; k < n; k++ {
			s.alt = append(s.alt, f[i])
		}
		i = j
	}
	return s.alt
}

func grow(b []int32, n int) []int32 {
	if cap(b) < n {
		return make([]int32, n, n+n/4)
	}
	return b[:n]
}

// Score scores text with every compiled rule and explains the result.
//
// The error is nil when every rule ran to completion. When a regex rule
// runs past its timeout, the report still holds every other rule's
// matches and the error (a *RuleError, or several joined) names the rules
// that did not finish. Score never panics on any input, including invalid
// UTF-8: invalid bytes separate words and never start or end a match.
func (d *Detector) Score(text string) (Report, error) {
	var r Report
	err := d.ScoreTo(&r, text)
	return r, err
}

// ScoreTo is Score writing into r, reusing r's slices so that scoring many
// texts in a loop allocates little. r is overwritten completely.
func (d *Detector) ScoreTo(r *Report, text string) error {
	r.Matches = r.Matches[:0]
	if len(text) > MaxInputBytes {
		d.finalize(r, 0, &ranker{})
		return &InputError{Size: len(text)}
	}
	s := d.pool.get(len(text))
	defer d.pool.put(s)
	words, errs := d.analyze(s, text, &r.Matches)
	s.text = "" // do not keep the caller's text alive in the pool
	d.finalize(r, words, &s.ranker)
	return joinErrors(errs)
}

// analyze finds every match in text and appends it to out with its
// context factor applied (contribution = weight × context factor); it
// returns the number of words. finalize applies repeats and length.
func (d *Detector) analyze(s *scratch, text string, out *[]Match) (int, []error) {
	s.tok.Reset()
	s.gen++
	s.text = text
	s.tok.Tokenize(text, 0)
	d.joinSpaced(s, text)
	d.lookup(s)
	toks := s.tok.Tokens
	s.cands = s.cands[:0]
	for k, m := range d.matchers {
		s.cands = m.scan(&s.walk, toks, s.syms[k], s.exact, s.cands)
	}
	s.cands = d.dropForeignSingles(s, s.cands)
	var errs []error
	s.cands, errs = d.runRegexes(s, text, s.cands)
	s.cands = d.features(s, text, s.cands)
	s.tokenSpans(s.cands)
	sel := d.selectCands(s, s.cands)
	words := 0
	for i := range toks {
		if toks[i].Kind == token.Word {
			words++
		}
	}
	for _, c := range sel {
		ru := &d.rules[c.rule]
		m := Match{
			Rule: ru.ID, Category: ru.Category, Lang: ru.Lang,
			Start: int(c.start), End: int(c.end), Text: text[c.start:c.end],
			Message: ru.Message, Source: ru.Source, Weight: ru.Weight,
			Kind: kindName(c.kind),
		}
		if c.tokA >= 0 {
			m.Sentence = s.sentenceSpan(int(c.tokA))
		} else {
			m.Sentence = s.sentenceAt(int(c.start), text)
		}
		factor, note := d.context(s, text, ru, c)
		if c.tokA >= 0 && factor > 0 {
			for k := c.tokA; k < c.tokB && int(k) < len(s.obf); k++ {
				if o := s.obf[k]; o != obfNone {
					m.Deobfuscated = obfNames[o]
					factor *= ObfuscationBonus
					note = addNote(note, "de-obfuscated "+obfNames[o]+" (x"+ftoa(ObfuscationBonus)+")")
					break
				}
			}
		}
		m.Note = note
		m.Contribution = ru.Weight * factor
		*out = append(*out, m)
	}
	return words, errs
}

// tokenSpans gives regex and feature candidates the range of tokens they
// cover, so quotation and exceptions apply to them too.
func (s *scratch) tokenSpans(cs []cand) {
	toks := s.tok.Tokens
	for k := range cs {
		c := &cs[k]
		if c.tokA >= 0 || len(toks) == 0 {
			continue
		}
		a := sort.Search(len(toks), func(i int) bool { return toks[i].End > c.start })
		b := a
		for b < len(toks) && toks[b].Start < c.end {
			b++
		}
		if a < b {
			c.tokA, c.tokB = int32(a), int32(b)
		}
	}
}

// selectCands keeps, per category, the leftmost-longest phrase matches
// that do not overlap, and drops overlapping hits of the same rule.
func (d *Detector) selectCands(s *scratch, cs []cand) []cand {
	slices.SortFunc(cs, func(a, b cand) int {
		ca, cb := d.rules[a.rule].cat, d.rules[b.rule].cat
		if ca != cb {
			return cmp.Compare(ca, cb)
		}
		if a.start != b.start {
			return cmp.Compare(a.start, b.start)
		}
		if a.end != b.end {
			return cmp.Compare(b.end, a.end)
		}
		wa, wb := d.rules[a.rule].Weight, d.rules[b.rule].Weight
		if wa != wb {
			return cmp.Compare(wb, wa)
		}
		return cmp.Compare(a.rule, b.rule)
	})
	out := cs[:0]
	lastCat := -1
	var phraseEnd int32 = -1
	var keptStart, keptEnd int32 = -1, -1
	if s.ruleEnd == nil {
		s.ruleEnd = map[int32]int32{}
	}
	ruleEnd := s.ruleEnd
	clear(ruleEnd)
	for _, c := range cs {
		cat := d.rules[c.rule].cat
		if cat != lastCat {
			lastCat = cat
			phraseEnd, keptStart, keptEnd = -1, -1, -1
		}
		if e, ok := ruleEnd[c.rule]; ok && c.start < e {
			continue // overlaps an earlier hit of the same rule
		}
		if c.kind == kindPhrase {
			if c.start < phraseEnd {
				continue // shadowed by a longer or earlier phrase of this category
			}
			if c.start == keptStart && c.end == keptEnd {
				continue // same span already taken by a heavier rule
			}
			phraseEnd = c.end
			keptStart, keptEnd = c.start, c.end
		}
		ruleEnd[c.rule] = c.end
		out = append(out, c)
	}
	slices.SortFunc(out, func(a, b cand) int {
		if a.start != b.start {
			return cmp.Compare(a.start, b.start)
		}
		if a.end != b.end {
			return cmp.Compare(a.end, b.end)
		}
		return cmp.Compare(a.rule, b.rule)
	})
	return out
}

// finalize applies repeat decay and length scaling to the matches of r
// (in text order), and computes the totals and scores.
func (d *Detector) finalize(r *Report, words int, s *ranker) {
	r.Threshold = d.cfg.threshold
	r.Points = 0
	r.Score = 0
	r.Flagged = false
	r.Words = words
	if cap(r.Categories) < len(d.categories) {
		r.Categories = make([]CategoryScore, len(d.categories))
	}
	r.Categories = r.Categories[:len(d.categories)]
	for i, c := range d.categories {
		r.Categories[i] = CategoryScore{Category: c}
	}
	if len(r.Matches) == 0 {
		return
	}
	catIndex := func(name string) int {
		for i, c := range d.categories {
			if c == name {
				return i
			}
		}
		return 0
	}
	lf := lengthFactor(words)
	// Repeat decay ranks the hits of one rule strongest first, so a quoted
	// mention before an earnest use does not discount the earnest one.
	rank := s.rank(r.Matches)
	lengthNote := "" // the same for every match of the text: built once
	for i := range r.Matches {
		m := &r.Matches[i]
		if m.Contribution > 0 {
			if k := rank[i]; k > 0 {
				rep := math.Pow(RepeatDecay, float64(k))
				m.Contribution *= rep
				m.Note = addNote(m.Note, "repeat "+itoa(k+1)+" of this rule (x"+ftoa(rep)+")")
			}
			if lf < 1 && m.Weight < SignatureWeight {
				m.Contribution *= lf
				if lengthNote == "" {
					lengthNote = "long text: " + itoa(words) + " words (x" + ftoa(lf) + ")"
				}
				m.Note = addNote(m.Note, lengthNote)
			}
		}
		ci := catIndex(m.Category)
		r.Categories[ci].Points += m.Contribution
		r.Points += m.Contribution
	}
	for i := range r.Categories {
		cs := &r.Categories[i]
		cs.Score = scoreOf(cs.Points)
		cs.Flagged = cs.Score >= d.cfg.threshold
		if cs.Score > r.Score {
			r.Score = cs.Score
		}
		if cs.Flagged {
			r.Flagged = true
		}
	}
}

// ranker holds, for each match, its rank among the live hits of its rule
// (0 for the strongest), reusing buf.
type ranker struct {
	buf []int
	idx []int
}

// rank orders each rule's hits by contribution, strongest first, ties in
// text order; cancelled hits (no points) get rank 0 and do not count.
func (s *ranker) rank(ms []Match) []int {
	if cap(s.buf) < len(ms) {
		s.buf = make([]int, len(ms))
	}
	rank := s.buf[:len(ms)]
	s.idx = s.idx[:0]
	for i := range ms {
		rank[i] = 0
		if ms[i].Contribution > 0 {
			s.idx = append(s.idx, i)
		}
	}
	if len(s.idx) < 2 {
		return rank
	}
	idx := s.idx
	slices.SortStableFunc(idx, func(a, b int) int {
		ma, mb := &ms[a], &ms[b]
		if ma.Rule != mb.Rule {
			return strings.Compare(ma.Rule, mb.Rule)
		}
		return cmp.Compare(mb.Contribution, ma.Contribution)
	})
	for k := 1; k < len(idx); k++ {
		if ms[idx[k]].Rule == ms[idx[k-1]].Rule {
			rank[idx[k]] = rank[idx[k-1]] + 1
		}
	}
	return rank
}

func addNote(note, more string) string {
	if note == "" {
		return more
	}
	return note + "; " + more
}

// lengthFactor scales the weak and clear tells of texts longer than
// ReferenceWords: sqrt(ReferenceWords/words), so one tell in a 5,000-word
// article weighs about a tenth of the same tell in a headline.
func lengthFactor(words int) float64 {
	if words <= ReferenceWords {
		return 1
	}
	return math.Sqrt(float64(ReferenceWords) / float64(words))
}

// scoreOf maps points to [0,1): 1 - 2^(-points). One point scores 0.5,
// two 0.75, three 0.875.
func scoreOf(points float64) float64 {
	if points <= 0 {
		return 0
	}
	return 1 - math.Exp2(-points)
}

func kindName(k uint8) string {
	switch k {
	case kindRegex:
		return "regex"
	case kindFeature:
		return "feature"
	}
	return "phrase"
}
