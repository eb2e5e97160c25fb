package detect

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/dlclark/regexp2/v2"

	"github.com/redflag-go/redflag/lexicon"
)

// This file is the only place that talks to regexp2. regexp2 reports rune
// offsets; the text is decoded to runes once per Score call, with a table
// from rune index to byte offset, and every match is converted through it.

type regexRule struct {
	rule      int32
	src       string
	matchCase bool
	timeout   time.Duration
	once      sync.Once
	re        *regexp2.Regexp // compiled on first use
	reErr     error
	lits      literalSet // required literals; nil runs on the whole text
	windowed  bool       // may run on windows around its literals
	symbols   bool       // one of its literals is "any \p{So} symbol"
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

// decodeRunes fills s.runes and s.runeByte for text.
func (s *scratch) decodeRunes(text string) {
	s.runes = s.runes[:0]
	s.runeByte = s.runeByte[:0]
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		if r == utf8.RuneError && size == 1 {
			r = invalidRune
		}
		s.runes = append(s.runes, r)
		s.runeByte = append(s.runeByte, int32(i))
		i += size
	}
	s.runeByte = append(s.runeByte, int32(len(text)))
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
	if cap(s.regWin) < len(d.regexes) {
		s.regWin = make([][]window, len(d.regexes))
	}
	s.regWin = s.regWin[:len(d.regexes)]
	any := false
	for i := range d.regexes {
		s.regWin[i] = s.regWin[i][:0]
		if d.regexes[i].lits == nil {
			s.regWin[i] = append(s.regWin[i], window{0, len(text)})
			any = true
		}
	}
	addHit := func(a, b int, ri int32) {
		rr := &d.regexes[ri]
		ws := s.regWin[ri]
		if !rr.windowed {
			if len(ws) == 0 {
				s.regWin[ri] = append(ws, window{0, len(text)})
			}
			return
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
			c := text[i]
			if c < utf8.RuneSelf {
				i++
				continue
			}
			r, size := utf8.DecodeRuneInString(text[i:])
			if size > 1 && unicode.Is(unicode.So, r) { // an invalid byte is no symbol
				for ri := range d.regexes {
					if d.regexes[ri].symbols {
						addHit(i, i+size, int32(ri))
					}
				}
			}
			i += size
		}
	}
	if d.ac != nil {
		d.ac.scan(text, addHit)
	}
	for i := range s.regWin {
		if len(s.regWin[i]) > 0 {
			any = true
		}
	}
	if !any {
		return out, nil
	}
	s.decodeRunes(text)
	var errs []error
	for i := range d.regexes {
		rr := &d.regexes[i]
		if len(s.regWin[i]) == 0 {
			continue
		}
		re, err := rr.regexp()
		if err != nil {
			errs = append(errs, &RuleError{Rule: d.rules[rr.rule].ID, Err: err})
			continue
		}
		for _, w := range s.regWin[i] {
			ra, rb := s.runeIndex(w.start), s.runeIndex(w.end)
			err := re.FindRunesMatches(s.runes[:rb], ra, func(v regexp2.MatchView) bool {
				idx, n, ok := v.GroupRange(0)
				if !ok || n == 0 {
					return true
				}
				out = append(out, cand{start: s.runeByte[idx], end: s.runeByte[idx+n], tokA: -1, tokB: -1, rule: rr.rule, kind: kindRegex})
				return true
			})
			if err != nil {
				if errors.Is(err, regexp2.ErrBacktrackingStackLimit) {
					err = errors.New("regex exceeded its backtracking limit")
				} else if strings.HasPrefix(err.Error(), "match timeout") {
					// regexp2 quotes the whole input in its timeout error:
					// up to MaxInputBytes in one message. Say where instead.
					err = fmt.Errorf("%w after %v on bytes %d-%d", ErrRegexTimeout, re.MatchTimeout, w.start, w.end)
				}
				errs = append(errs, &RuleError{Rule: d.rules[rr.rule].ID, Err: err})
				break
			}
		}
	}
	return out, errs
}

// runeIndex converts a byte offset on a rune boundary to a rune index.
func (s *scratch) runeIndex(b int) int {
	return sort.Search(len(s.runeByte), func(i int) bool { return int(s.runeByte[i]) >= b })
}
