package detect

import (
	"errors"
	"fmt"
	"unicode/utf8"

	"github.com/dlclark/regexp2/v2"
)

// This file is the only place that talks to regexp2. regexp2 reports rune
// offsets; the text is decoded to runes once per Score call, with a table
// from rune index to byte offset, and every match is converted through it.

type regexRule struct {
	rule int32
	re   *regexp2.Regexp
}

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

// decodeRunes fills s.runes and s.runeByte for text.
func (s *scratch) decodeRunes(text string) {
	s.runes = s.runes[:0]
	s.runeByte = s.runeByte[:0]
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		s.runes = append(s.runes, r)
		s.runeByte = append(s.runeByte, int32(i))
		i += size
	}
	s.runeByte = append(s.runeByte, int32(len(text)))
}

// runRegexes appends regex candidates and returns errors for rules that
// timed out.
func (d *Detector) runRegexes(s *scratch, text string, out []cand) ([]cand, []error) {
	if len(d.regexes) == 0 || len(text) == 0 {
		return out, nil
	}
	s.decodeRunes(text)
	var errs []error
	for _, rr := range d.regexes {
		err := rr.re.FindRunesMatches(s.runes, 0, func(v regexp2.MatchView) bool {
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
			}
			errs = append(errs, &RuleError{Rule: d.rules[rr.rule].ID, Err: err})
		}
	}
	return out, errs
}
