package detect

import (
	"errors"
	"fmt"
	"math/bits"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/dlclark/regexp2/v2"
	"github.com/dlclark/regexp2/v2/syntax"

	"github.com/redflag-go/redflag/lexicon"
)

// This file is the only place that talks to regexp2. regexp2 reports rune
// offsets; the text is decoded to runes once per Score call, with a table
// from rune index to byte offset, and every match is converted through it.

type regexRule struct {
	rule         int32
	src          string
	matchCase    bool
	timeout      time.Duration
	once         sync.Once
	re           *regexp2.Regexp // compiled on first use
	reErr        error
	lits         literalSet      // required literals; nil runs on the whole text
	also         []literalSet    // further required literals, checked per window
	prefixes     literalSet      // literals every match starts with, or nil
	bol          bool            // every match starts at a line start
	skip         *syntax.CharSet // a run of these may come before the prefix
	prefixDigit  bool            // a match may start with a digit
	prefixLine   bool            // a match may start at a line start
	prefixSymbol bool            // a match may start with a \p{So} symbol
	anchOnce     sync.Once
	anchRe       *regexp2.Regexp // \G(?:src): tried at one position only
	prefixLits   bool            // some prefix is a literal, found by prefAC
	prefAC       *acMatcher      // finds the prefix literals; nil if too many
	windowed     bool            // may run on windows around its literals
	symbols      bool            // one of its literals is "any \p{So} symbol"
}

// ErrRegexTimeout is wrapped by the RuleError of a regex that ran past
// its timeout (see WithRegexTimeout): errors.Is(err, ErrRegexTimeout).
var ErrRegexTimeout = errors.New("regex timed out")

// RuleError reports a rule that could not finish on a text, such as a
// regex that ran past its timeout. The other rules' matches are still in
// the report.
type RuleError struct {
	Rule string // entry id
	Err  error
}

// Error names the rule and what went wrong.
func (e *RuleError) Error() string {
	return fmt.Sprintf("rule %s: %v; its matches on this text are incomplete (simplify the regex or raise the timeout with WithRegexTimeout)", e.Rule, e.Err)
}

// Unwrap returns the underlying error.
func (e *RuleError) Unwrap() error { return e.Err }

// regexp returns the compiled regex, compiling it on first use: a
// Detector with hundreds of regexes compiles fast, and each regex is
// compiled once, safely, whichever goroutine needs it first.
func (rr *regexRule) regexp() (*regexp2.Regexp, error) {
	rr.once.Do(func() {
		rr.re, rr.reErr = lexicon.CompileRegex(rr.src, rr.matchCase)
		if rr.re != nil {
			rr.re.MatchTimeout = rr.timeout
		}
	})
	return rr.re, rr.reErr
}

// anchored returns the regex anchored where the search starts, or nil
// when its matches have no known start (prefix literals or line starts),
// or the anchored form does not compile.
func (rr *regexRule) anchored() *regexp2.Regexp {
	if rr.prefixes == nil && !rr.bol {
		return nil
	}
	rr.anchOnce.Do(func() {
		re, err := lexicon.CompileRegex(`\G(?:`+rr.src+`)`, rr.matchCase)
		if err == nil {
			re.MatchTimeout = rr.timeout
			rr.anchRe = re
		}
	})
	return rr.anchRe
}

// decodeRunes fills s.runes for text, and the block tables that convert
// between byte offsets and rune indexes (runeIndex, runeOffset).
func (s *scratch) decodeRunes(text string) {
	n := len(text)
	if cap(s.runes) < n {
		s.runes = make([]rune, n, n+n/4)
	}
	runes := s.runes[:n]
	s.runeText = text
	s.runeBlock = s.runeBlock[:0]
	s.blockByte = s.blockByte[:0]
	s.blockStarts = s.blockStarts[:0]
	j := 0
	// Block by block, so that the inner loop has one test per byte.
	for i := 0; i < n; {
		for len(s.runeBlock) <= i/runeBlockSize {
			s.runeBlock = append(s.runeBlock, int32(j))
			s.blockByte = append(s.blockByte, int32(i))
			s.blockStarts = append(s.blockStarts, 0)
		}
		end := min(n, (i/runeBlockSize+1)*runeBlockSize)
		var starts uint64 // bit b: a rune starts at byte b of the block
		for i < end {
			// Eight ASCII bytes at a time: each is a rune.
			if i+8 <= end {
				if x := load64(text, i); x&highBits == 0 {
					dst := runes[j : j+8 : j+8]
					dst[0], dst[1], dst[2], dst[3] = rune(byte(x)), rune(byte(x>>8)), rune(byte(x>>16)), rune(byte(x>>24))
					dst[4], dst[5], dst[6], dst[7] = rune(byte(x>>32)), rune(byte(x>>40)), rune(byte(x>>48)), rune(byte(x>>56))
					starts |= 0xFF << (i & (runeBlockSize - 1))
					i += 8
					j += 8
					continue
				}
			}
			starts |= 1 << (i & (runeBlockSize - 1))
			if c := text[i]; c < utf8.RuneSelf {
				runes[j] = rune(c)
				i++
				j++
				continue
			}
			r, size := utf8.DecodeRuneInString(text[i:])
			if r == utf8.RuneError && size == 1 {
				r = invalidRune
			}
			runes[j] = r
			i += size
			j++
		}
		s.blockStarts[len(s.blockStarts)-1] = starts
	}
	// A last entry for the end of the text.
	s.runeBlock = append(s.runeBlock, int32(j))
	s.blockByte = append(s.blockByte, int32(n))
	s.blockStarts = append(s.blockStarts, 1)
	s.runes = runes[:j]
}

// highBits has the top bit of each byte of a word set: a word of eight
// bytes is all ASCII when it has none of them.
const highBits = 0x8080808080808080

// load64 reads eight bytes of s from i, little-endian.
func load64(s string, i int) uint64 {
	s = s[i : i+8]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}

// invalidRune is what regexes see for an invalid UTF-8 byte: a
// noncharacter that no class a rule uses (\p{So}, \p{L}, \w, \s) contains.
// U+FFFD, the usual stand-in, is a symbol (\p{So}), so garbage bytes
// would pass for emoji ("\xff for yes, \xfe for no").
const invalidRune = 0xFFFF

// runRegexes appends regex candidates and returns errors for rules that
// timed out. Each regex runs only on the windows around its required
// literals (see regexfilter.go), or on the whole text when it has none.
func (d *Detector) runRegexes(s *scratch, text string, out []cand) ([]cand, []error) {
	if len(d.regexes) == 0 || len(text) == 0 {
		return out, nil
	}
	// The per-regex lists are reset only for the regexes the last call
	// touched: a short message costs nothing for the hundreds of regexes
	// whose literals it does not contain.
	if n := len(d.regexes); cap(s.regWin) < n {
		s.regWin = make([][]window, n)
		s.alsoHits = make([][]int32, n*maxAlso)
		s.prefHits = make([][]int32, n)
		s.touchedMark = make([]bool, n)
		s.candWin = make([][]window, n)
		s.touched = s.touched[:0]
	}
	s.regWin = s.regWin[:len(d.regexes)]
	s.candWin = s.candWin[:len(d.regexes)]
	for _, ri := range s.touched {
		s.regWin[ri] = s.regWin[ri][:0]
		s.candWin[ri] = s.candWin[ri][:0]
		s.prefHits[ri] = s.prefHits[ri][:0]
		for k := int(ri) * maxAlso; k < int(ri+1)*maxAlso; k++ {
			s.alsoHits[k] = s.alsoHits[k][:0]
		}
		s.touchedMark[ri] = false
	}
	s.touched = s.touched[:0]
	s.digitsDone = false
	touch := func(ri int32) {
		if !s.touchedMark[ri] {
			s.touchedMark[ri] = true
			s.touched = append(s.touched, ri)
		}
	}
	for _, ri := range d.unfiltered {
		touch(ri)
		s.regWin[ri] = append(s.regWin[ri], window{0, len(text)})
		s.candWin[ri] = append(s.candWin[ri], window{0, len(text)})
	}
	addHit := func(a, b int, ri int32, also int8) {
		touch(ri)
		if also == alsoPrefix {
			s.prefHits[ri] = append(s.prefHits[ri], int32(a))
			return
		}
		if also > 0 {
			k := int(ri)*maxAlso + int(also) - 1
			s.alsoHits[k] = append(s.alsoHits[k], int32(b))
			return
		}
		rr := &d.regexes[ri]
		ws := s.regWin[ri]
		if !rr.windowed {
			if len(ws) == 0 {
				s.regWin[ri] = append(ws, window{0, len(text)})
				s.candWin[ri] = append(s.candWin[ri], window{0, len(text)})
			}
			return
		}
		if rr.prefixLits {
			// A match starts at most regexFilterReach bytes before its
			// literal, and before the literal ends.
			cw := window{max(0, a-regexFilterReach), b}
			if c := s.candWin[ri]; len(c) > 0 && cw.start <= c[len(c)-1].end {
				c[len(c)-1].end = max(c[len(c)-1].end, cw.end)
			} else {
				s.candWin[ri] = append(c, cw)
			}
		}
		// A hit whose window the last window already covers changes
		// nothing; skipping it keeps a long line with many hits linear
		// (windowAround scans to the end of the line).
		if n := len(ws); n > 0 && a-regexFilterReach >= ws[n-1].start && b+regexFilterReach <= ws[n-1].end {
			return
		}
		w := windowAround(text, a, b)
		if n := len(ws); n > 0 && w.start <= ws[n-1].end {
			if w.end > ws[n-1].end {
				ws[n-1].end = w.end
			}
			if w.start < ws[n-1].start {
				ws[n-1].start = w.start
			}
			return
		}
		s.regWin[ri] = append(ws, w)
	}
	if d.anySymbols {
		for i := 0; i < len(text); {
			if i+8 <= len(text) && load64(text, i)&highBits == 0 {
				i += 8 // eight ASCII bytes: no symbol
				continue
			}
			c := text[i]
			if c < utf8.RuneSelf {
				i++
				continue
			}
			r, size := utf8.DecodeRuneInString(text[i:])
			if size > 1 && unicode.Is(unicode.So, r) { // an invalid byte is no symbol
				for ri := range d.regexes {
					if d.regexes[ri].symbols {
						addHit(i, i+size, int32(ri), 0)
					}
					if d.regexes[ri].prefixSymbol {
						addHit(i, i+size, int32(ri), alsoPrefix)
					}
				}
			}
			i += size
		}
	}
	if d.ac != nil {
		d.ac.scanText(text, &s.acPending, addHit)
	}
	slices.Sort(s.touched) // rules run in their order, as compiled
	any := false
	for _, ri := range s.touched {
		i := int(ri)
		if also := d.regexes[i].also; len(also) > 0 && len(s.regWin[i]) > 0 {
			s.regWin[i] = s.keepWindows(text, s.regWin[i], also, s.alsoHits[i*maxAlso:i*maxAlso+len(also)])
		}
		if len(s.regWin[i]) > 0 {
			any = true
		}
	}
	if !any {
		return out, nil
	}
	d.findPrefixes(s, text)
	s.decodeRunes(text)
	var errs []error
	for _, ri := range s.touched {
		i := int(ri)
		rr := &d.regexes[i]
		if len(s.regWin[i]) == 0 {
			continue
		}
		re, err := rr.regexp()
		if err != nil {
			errs = append(errs, &RuleError{Rule: d.rules[rr.rule].ID, Err: err})
			continue
		}
		if are := rr.anchored(); are != nil && d.ac != nil && (!rr.prefixLits || rr.prefAC != nil) {
			s.regWin[i] = mergeWindows(s.regWin[i]) // sorted, disjoint: the order tries go in
			starts := s.prefHits[i]
			switch {
			case rr.prefixes == nil:
				starts = lineStarts(text, s.regWin[i], starts[:0])
			default:
				if rr.prefixLine {
					starts = lineStarts(text, s.regWin[i], starts)
				}
				if rr.skip != nil {
					starts = skipBack(text, rr.skip, starts)
				}
				if rr.prefixDigit {
					s.listDigits(text)
					for _, w := range s.regWin[i] {
						k, _ := slices.BinarySearch(s.digits, int32(w.start))
						for ; k < len(s.digits) && int(s.digits[k]) < w.end; k++ {
							starts = append(starts, s.digits[k])
						}
					}
				}
			}
			s.prefHits[i] = starts
			var err error
			out, err = s.runAnchored(are, rr, s.regWin[i], starts, out)
			if err != nil {
				errs = append(errs, &RuleError{Rule: d.rules[rr.rule].ID, Err: regexError(err, are, 0, len(text))})
			}
			continue
		}
		for _, w := range s.regWin[i] {
			ra, _ := s.runeIndex(w.start)
			rb, _ := s.runeIndex(w.end)
			err := re.FindRunesMatches(s.runes[:rb], ra, func(v regexp2.MatchView) bool {
				idx, n, ok := v.GroupRange(0)
				if !ok || n == 0 {
					return true
				}
				out = append(out, cand{start: s.runeOffset(idx), end: s.runeOffset(idx + n), tokA: -1, tokB: -1, rule: rr.rule, kind: kindRegex})
				return true
			})
			if err != nil {
				errs = append(errs, &RuleError{Rule: d.rules[rr.rule].ID, Err: regexError(err, re, w.start, w.end)})
				break
			}
		}
	}
	return out, errs
}

// findPrefixes lists where the prefix literals of anchored regexes occur
// where a match may start: up to regexFilterReach bytes before one of the
// regex's required literals (candWin). Each regex's own small automaton
// runs over those stretches only, not over the whole text, and only for
// regexes that kept windows.
func (d *Detector) findPrefixes(s *scratch, text string) {
	for _, ri := range s.touched {
		rr := &d.regexes[ri]
		if rr.prefAC == nil || len(s.regWin[ri]) == 0 {
			continue
		}
		hits := s.prefHits[ri]
		hit := func(a, _ int, _ int32, _ int8) { hits = append(hits, int32(a)) }
		for _, w := range s.candWin[ri] {
			// A literal that starts inside the stretch may end past it.
			rr.prefAC.scan(text, w.start, min(len(text), w.end+acKeep), hit)
		}
		s.prefHits[ri] = hits
	}
}

// regexError rewrites an error of regexp2 for a report.
func regexError(err error, re *regexp2.Regexp, start, end int) error {
	if errors.Is(err, regexp2.ErrBacktrackingStackLimit) {
		return errors.New("regex exceeded its backtracking limit")
	}
	if strings.HasPrefix(err.Error(), "match timeout") {
		// regexp2 quotes the whole input in its timeout error: up to
		// MaxInputBytes in one message. Say where instead.
		return fmt.Errorf("%w after %v on bytes %d-%d", ErrRegexTimeout, re.MatchTimeout, start, end)
	}
	return err
}

// runAnchored tries a regex whose matches all start with one of its
// prefix literals at each occurrence of those literals inside its
// windows, anchored there, in text order, skipping occurrences inside the
// previous match: the matches a scan of the whole text would find, with
// one cheap attempt per occurrence instead of a scan of every position.
// The windows must be sorted and disjoint (mergeWindows).
func (s *scratch) runAnchored(re *regexp2.Regexp, rr *regexRule, ws []window, starts []int32, out []cand) ([]cand, error) {
	if len(starts) == 0 {
		return out, nil
	}
	slices.Sort(starts)
	starts = slices.Compact(starts)
	lastEnd := int32(-1)
	j := 0
	for _, w := range ws {
		for j < len(starts) && int(starts[j]) < w.start {
			j++
		}
		for ; j < len(starts) && int(starts[j]) < w.end; j++ {
			p := starts[j]
			if p < lastEnd {
				continue
			}
			rc, ok := s.runeIndex(int(p))
			if !ok {
				continue // inside a character: a literal's bytes matched across runes
			}
			err := re.FindRunesMatches(s.runes, rc, func(v regexp2.MatchView) bool {
				idx, n, ok := v.GroupRange(0)
				if ok && n > 0 {
					c := cand{start: s.runeOffset(idx), end: s.runeOffset(idx + n), tokA: -1, tokB: -1, rule: rr.rule, kind: kindRegex}
					out = append(out, c)
					lastEnd = c.end
				}
				return false
			})
			if err != nil {
				return out, err
			}
		}
	}
	return out, nil
}

// skipBack adds to starts, for each start, the offsets of the run of
// characters of class cs just before it: where a match that begins with
// such a run may start.
func skipBack(text string, cs *syntax.CharSet, starts []int32) []int32 {
	n := len(starts)
	for _, p := range starts[:n] {
		for q := int(p); q > 0; {
			r, size := utf8.DecodeLastRuneInString(text[:q])
			if !cs.CharIn(r) {
				break
			}
			q -= size
			starts = append(starts, int32(q))
		}
	}
	return starts
}

// lineStarts appends the offsets inside the windows where a line starts:
// 0 and every offset after a '\n', which is where (?m)^ holds.
func lineStarts(text string, ws []window, out []int32) []int32 {
	for _, w := range ws {
		p := w.start
		if p > 0 && text[p-1] != '\n' {
			k := strings.IndexByte(text[p:w.end], '\n')
			if k < 0 {
				continue
			}
			p += k + 1
		}
		for p < w.end {
			out = append(out, int32(p))
			k := strings.IndexByte(text[p:w.end], '\n')
			if k < 0 {
				break
			}
			p += k + 1
		}
	}
	return out
}

// mergeWindows sorts windows and joins those that overlap, in place.
func mergeWindows(ws []window) []window {
	if len(ws) < 2 {
		return ws
	}
	slices.SortFunc(ws, func(a, b window) int { return a.start - b.start })
	out := ws[:1]
	for _, w := range ws[1:] {
		last := &out[len(out)-1]
		if w.start <= last.end {
			last.end = max(last.end, w.end)
			continue
		}
		out = append(out, w)
	}
	return out
}

// runeBlockSize is the stride, in bytes, of scratch.runeBlock.
const runeBlockSize = 64

// runeIndex converts a byte offset to a rune index; ok is false when the
// offset is inside a rune: the rune index at the start of the offset's
// 64-byte block plus the runes that start in the block before it.
func (s *scratch) runeIndex(b int) (int, bool) {
	k := b / runeBlockSize
	if k >= len(s.runeBlock) {
		k = len(s.runeBlock) - 1
	}
	if k == len(s.runeBlock)-1 { // the end of the text
		return int(s.runeBlock[k]), b == len(s.runeText)
	}
	off := uint(b - k*runeBlockSize)
	m := s.blockStarts[k]
	return int(s.runeBlock[k]) + bits.OnesCount64(m&(1<<off-1)), m&(1<<off) != 0
}

// runeOffset converts a rune index to a byte offset.
func (s *scratch) runeOffset(r int) int32 {
	// The last block that starts at or before rune r.
	k := sort.Search(len(s.runeBlock), func(k int) bool { return int(s.runeBlock[k]) > r }) - 1
	n, i := int(s.runeBlock[k]), int(s.blockByte[k])
	if k+1 < len(s.runeBlock) && int(s.runeBlock[k+1])-n == runeBlockSize && i == k*runeBlockSize {
		return int32(i + r - n) // all ASCII
	}
	text := s.runeText
	for ; n < r; n++ {
		if text[i] < utf8.RuneSelf {
			i++
		} else {
			_, size := utf8.DecodeRuneInString(text[i:])
			i += size
		}
	}
	return int32(i)
}
