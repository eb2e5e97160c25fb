package detecttest

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/redflag-go/redflag/detect"
	"github.com/redflag-go/redflag/lexicon"
)

// Runner is what RunExamples needs from a test: a testing.TB that runs
// subtests of its own type. *testing.T and *testing.B are Runners, so
// RunExamples(t, ...) works in any test or benchmark.
type Runner[T any] interface {
	testing.TB
	Run(name string, f func(T)) bool
}

// RunExamples checks every match and no_match example of every entry of
// lexs against d, in one subtest per entry named after its id (run one
// with go test -run 'TestX/crypto-giveaway.en.double-your-coins').
//
// A match example must raise its entry with points; a no_match example
// must not (a match that the context cancels is fine). Each failing
// example is one failure that names the file, line and entry, shows the
// text and every match with its span, points and note, and says what to
// change. When a match example fails, the entry is also compiled on its
// own to tell apart a phrase that does not match (the terms it compiled
// to are shown) from one that another rule shadows.
//
// d should be the detector you ship, built from the built-ins, your
// lexicons and your options, so the examples are checked against the
// competition they will meet. An entry that d does not hold (left out by
// detect.WithDisabled) or holds with weight 0 is skipped, with the reason.
// RunExamples fails when lexs hold no entry at all, so a wrong path
// cannot make the test pass by checking nothing.
func RunExamples[T Runner[T]](t T, d *detect.Detector, lexs ...*lexicon.Lexicon) {
	t.Helper()
	if d == nil {
		assert.Fail(t, nilDetector)
		return
	}
	n := 0
	for _, lex := range lexs {
		if lex == nil {
			continue
		}
		for _, e := range lex.Entries {
			n++
			t.Run(e.ID, func(t T) {
				t.Helper()
				checkEntry(t, d, e)
			})
		}
	}
	if n == 0 {
		assert.Fail(t, "RunExamples: the lexicons hold no entries, so nothing was checked; pass the lexicons you loaded (lexicon.LoadFiles, lexicon.LoadFS) and check their error")
	}
}

func checkEntry(t testing.TB, d *detect.Detector, e lexicon.Entry) {
	t.Helper()
	rd, ok := d.Explain(e.ID)
	if !ok {
		t.Skipf("%s: %s is not compiled into this detector (left out by detect.WithDisabled, or its lexicon was not passed to detect.Compile); its examples are not checked", e.Pos, e.ID)
		return
	}
	if rd.Weight == 0 {
		t.Skipf("%s: %s has weight 0 in this detector (detect.WithWeight or detect.WithCategoryWeight); its match examples cannot score points, so they are not checked", e.Pos, e.ID)
		return
	}
	if len(e.Examples.Match) == 0 && len(e.Examples.NoMatch) == 0 {
		assert.Fail(t, fmt.Sprintf("%s: %s: the entry has no examples; add match: texts it must flag and no_match: near-misses it must not", e.Pos, e.ID))
		return
	}
	one := &lexicon.Lexicon{Name: e.Pos.File, Entries: []lexicon.Entry{e}}
	for _, f := range detect.CheckExamples(d, one) {
		assert.Fail(t, exampleMessage(d, f))
	}
}

// exampleMessage explains one failing example to its rule author.
func exampleMessage(d *detect.Detector, f detect.ExampleFailure) string {
	var head, want string
	var fixes []string
	if f.WantHit {
		head = fmt.Sprintf("%s: %s: match example is not flagged by this entry", f.Pos, f.Entry)
		want = f.Entry + " with points (this is a match: example)"
		hit := false
		for _, m := range f.Got {
			if m.Rule == f.Entry && m.Contribution > 0 {
				hit = true
			}
		}
		if !hit {
			fixes = append(fixes, diagnoseMissing(d, f.Text, f.Got, Hit{Rule: f.Entry})+
				"; or, if the text is not a red flag after all, move it to no_match:")
		}
	} else {
		head = fmt.Sprintf("%s: %s: no_match example is flagged by this entry", f.Pos, f.Entry)
		want = "no match of " + f.Entry + " with points (this is a no_match: near-miss)"
		var own []string
		for _, m := range f.Got {
			if m.Rule == f.Entry && m.Contribution > 0 {
				own = append(own, fmt.Sprintf("%d-%d %q", m.Start, m.End, m.Text))
			}
		}
		if len(own) > 0 {
			fixes = append(fixes, fmt.Sprintf("%s flags this near-miss at %s: make the phrase more specific (more words, or =word for one exact form), add an unless: exception that names this context, or move the text to match: if it is a red flag after all",
				f.Entry, strings.Join(own, ", ")))
		}
	}
	if f.Err != nil {
		fixes = append(fixes, scoringAdvice(f.Err))
	}
	return message(head, f.Text, want, f.Got, fixes)
}
