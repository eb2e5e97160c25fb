package detect

import (
	"fmt"
	"strings"

	"github.com/redflag-go/redflag/lexicon"
)

// ExampleFailure is a lexicon example that does not behave as its entry
// says: a match text the entry does not flag, or a no_match text it does.
type ExampleFailure struct {
	Entry   string // entry id
	Pos     lexicon.Position
	Text    string  // the example text
	WantHit bool    // true for a match example, false for no_match
	Got     []Match // every match the detector reported on Text
	Err     error   // a scoring error (regex timeout), if any
}

// Error says what failed and what the rule author can change.
func (f ExampleFailure) Error() string {
	var b strings.Builder
	hit := false
	for _, m := range f.Got {
		if m.Rule == f.Entry && m.Contribution > 0 {
			hit = true
		}
	}
	if f.Err != nil && hit == f.WantHit {
		// The example behaved, but scoring it did not finish (a regex ran
		// out of time): say so instead of claiming it was (not) flagged.
		kind := "no_match"
		if f.WantHit {
			kind = "match"
		}
		fmt.Fprintf(&b, "%s: %s: %s example %q could not be checked: %s", f.Pos, f.Entry, kind, f.Text, strings.ReplaceAll(f.Err.Error(), "\n", "; "))
		return b.String()
	}
	if f.WantHit {
		fmt.Fprintf(&b, "%s: %s: match example %q is not flagged by this entry", f.Pos, f.Entry, f.Text)
	} else {
		fmt.Fprintf(&b, "%s: %s: no_match example %q is flagged by this entry", f.Pos, f.Entry, f.Text)
	}
	var own, other []string
	for _, m := range f.Got {
		s := fmt.Sprintf("%s %d-%d %q (+%s)", m.Rule, m.Start, m.End, m.Text, ftoa(m.Contribution))
		if m.Note != "" {
			s += " [" + m.Note + "]"
		}
		if m.Rule == f.Entry {
			own = append(own, s)
		} else {
			other = append(other, s)
		}
	}
	switch {
	case f.WantHit && len(own) > 0:
		fmt.Fprintf(&b, "; it matched with no points: %s: rephrase the example or set negatable: false", strings.Join(own, "; "))
	case f.WantHit && len(other) > 0:
		fmt.Fprintf(&b, "; other rules took the text: %s: a longer phrase of the same category may be shadowing this one", strings.Join(other, "; "))
	case f.WantHit:
		b.WriteString("; nothing matched: check the phrase words (they are compared by stem; use =word for exact forms) or the regex")
	default:
		fmt.Fprintf(&b, "; matched %s: make the phrase more specific, add an unless: exception, or change the example", strings.Join(own, "; "))
	}
	if f.Err != nil {
		fmt.Fprintf(&b, " (scoring error: %s)", strings.ReplaceAll(f.Err.Error(), "\n", "; "))
	}
	return b.String()
}

// CheckExamples scores every match and no_match example of every entry
// in lexs with d and returns the examples that fail: a match text must
// produce a match of its entry with a positive contribution; a no_match
// text must not (a match cancelled by negation or an exception, with no
// points, is fine).
func CheckExamples(d *Detector, lexs ...*lexicon.Lexicon) []ExampleFailure {
	var out []ExampleFailure
	for _, lex := range lexs {
		if lex == nil {
			continue
		}
		for _, e := range lex.Entries {
			out = append(out, checkEntry(d, e)...)
		}
	}
	return out
}

func checkEntry(d *Detector, e lexicon.Entry) []ExampleFailure {
	var out []ExampleFailure
	check := func(text string, want bool) {
		r, err := d.Score(text)
		hit := false
		for _, m := range r.Matches {
			if m.Rule == e.ID && m.Contribution > 0 {
				hit = true
			}
		}
		if hit != want || err != nil {
			out = append(out, ExampleFailure{Entry: e.ID, Pos: e.Pos, Text: text, WantHit: want, Got: r.Matches, Err: err})
		}
	}
	for _, t := range e.Examples.Match {
		check(t, true)
	}
	for _, t := range e.Examples.NoMatch {
		check(t, false)
	}
	return out
}
