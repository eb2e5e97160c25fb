// Package detecttest lets you unit-test redflag rules the way you test
// code. It checks that a text raises given rules (optionally only those,
// optionally at exact byte spans), that a text stays clean, that a
// category scores within bounds, and it runs every match and no_match
// example of your lexicons as subtests named after the entry ids.
//
//	func TestCommunityRules(t *testing.T) {
//		lexs, err := lexicon.LoadFiles("rules/")
//		require.NoError(t, err)
//		builtin, err := lexicon.Builtin()
//		require.NoError(t, err)
//		d, err := detect.Compile(append(builtin, lexs...))
//		require.NoError(t, err)
//
//		detecttest.RunExamples(t, d, lexs...)
//		detecttest.AssertRules(t, d, "Send 1 BTC, get 2 BTC back!", "crypto-giveaway.en.double-your-coins")
//		detecttest.AssertClean(t, d, "The node upgrade ships on Monday.")
//	}
//
// Failures are reported with testify's assert.Fail, so they read like any
// other testify failure. Each message shows the text, the expected and
// the actual matches (rule, byte span, matched text, category, points and
// the note that explains reduced points), and a "fix:" line that tells
// the rule author what to change: the phrase, the example, the expected
// span, or an option.
//
// "Raises a rule" always means a match with points: a match that the
// context cancelled (a negation, an unless: exception) is listed in the
// report but does not count.
//
// The functions only read the Detector, so they may run in parallel
// tests.
package detecttest

import (
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/redflag-go/redflag/detect"
	"github.com/redflag-go/redflag/lexicon"
)

// Hit is a match a test expects: a rule id and, when End > 0, the exact
// byte span [Start, End) of the text the match must cover. With End == 0
// the rule may match anywhere.
type Hit struct {
	Rule  string
	Start int
	End   int
}

// At returns a Hit for the rule id on the byte span [start, end) of the
// text.
func At(id string, start, end int) Hit { return Hit{Rule: id, Start: start, End: end} }

// String formats the hit as "rule start-end", or "rule (any span)".
func (h Hit) String() string {
	if h.End == 0 && h.Start == 0 {
		return h.Rule + " (any span)"
	}
	return fmt.Sprintf("%s %d-%d", h.Rule, h.Start, h.End)
}

// AssertRules checks that text raises every rule in ids, each with
// points, anywhere in the text. Other rules may fire too; use
// AssertOnlyRules to forbid them. It reports whether the check passed.
func AssertRules(t testing.TB, d *detect.Detector, text string, ids ...string) bool {
	t.Helper()
	return checkHits(t, d, text, hitsOf(ids), false)
}

// AssertOnlyRules is AssertRules that also fails when any rule not in ids
// adds points to the text.
func AssertOnlyRules(t testing.TB, d *detect.Detector, text string, ids ...string) bool {
	t.Helper()
	return checkHits(t, d, text, hitsOf(ids), true)
}

// AssertHits checks that text raises every expected hit: a match of the
// hit's rule with points, at exactly the hit's span when it has one. Each
// match satisfies at most one hit, so listing a rule twice expects two
// matches. Other rules may fire too; use AssertOnlyHits to forbid them.
// It reports whether the check passed.
func AssertHits(t testing.TB, d *detect.Detector, text string, want ...Hit) bool {
	t.Helper()
	return checkHits(t, d, text, want, false)
}

// AssertOnlyHits is AssertHits that also fails when a match with points
// is not expected: a rule not listed, or, for rules listed with a span,
// a further hit elsewhere.
func AssertOnlyHits(t testing.TB, d *detect.Detector, text string, want ...Hit) bool {
	t.Helper()
	return checkHits(t, d, text, want, true)
}

// AssertClean checks that no rule adds points to text. Matches that the
// context cancelled (0 points) are allowed. It reports whether the check
// passed.
func AssertClean(t testing.TB, d *detect.Detector, text string) bool {
	t.Helper()
	if d == nil {
		return assert.Fail(t, nilDetector)
	}
	rep, err := d.Score(text)
	var fixes []string
	for _, m := range rep.Matches {
		if m.Contribution <= 0 {
			continue
		}
		fixes = append(fixes, fmt.Sprintf("%s fires on %d-%d %q: if this text is fine for you, make the rule more specific (a longer phrase, =word for one exact form, an unless: exception for this context) or switch it off with detect.WithDisabled(%q); if the text is a red flag after all, assert it with AssertRules",
			m.Rule, m.Start, m.End, m.Text, m.Rule))
	}
	if err != nil {
		fixes = append(fixes, scoringAdvice(err))
	}
	if len(fixes) == 0 {
		return true
	}
	return assert.Fail(t, message("text is not clean", text, "no match with points", rep.Matches, fixes))
}

// AssertCategory checks that the score of category on text lies within
// [min, max]; scores are in [0, 1), and a category is flagged at the
// detector's threshold (0.5 by default). It reports whether the check
// passed.
func AssertCategory(t testing.TB, d *detect.Detector, text, category string, min, max float64) bool {
	t.Helper()
	if d == nil {
		return assert.Fail(t, nilDetector)
	}
	if min > max {
		return assert.Fail(t, fmt.Sprintf("AssertCategory: the bounds %g..%g are reversed; pass the lower bound first", min, max))
	}
	rep, err := d.Score(text)
	cs, ok := rep.Category(category)
	if !ok {
		return assert.Fail(t, fmt.Sprintf("category %q is not scored by this detector; it scores: %s. Check the spelling, or compile the lexicon that defines it",
			category, strings.Join(d.Categories(), ", ")))
	}
	var fixes []string
	switch {
	case cs.Score < min:
		fixes = append(fixes, fmt.Sprintf("the text needs more evidence of %s: add a rule of that category for the words it uses, raise the weight of one that fires (weight:, detect.WithWeight), or lower the bound", category))
	case cs.Score > max:
		fixes = append(fixes, fmt.Sprintf("%s scores too high: make the rules that fire more specific, lower their weight (weight:, detect.WithWeight, detect.WithCategoryWeight(%q, f)), or raise the bound", category, category))
	}
	if err != nil {
		fixes = append(fixes, scoringAdvice(err))
	}
	if len(fixes) == 0 {
		return true
	}
	var own []detect.Match
	for _, m := range rep.Matches {
		if m.Category == category {
			own = append(own, m)
		}
	}
	head := fmt.Sprintf("category %s scores %s (%s points) on the text; want %s..%s",
		category, num(cs.Score), num(cs.Points), num(min), num(max))
	return assert.Fail(t, message(head, text, fmt.Sprintf("%s score in [%s, %s]", category, num(min), num(max)), own, fixes))
}

const nilDetector = "the Detector is nil; build one with detect.Compile (and check its error) before asserting"

func hitsOf(ids []string) []Hit {
	out := make([]Hit, len(ids))
	for i, id := range ids {
		out[i] = Hit{Rule: id}
	}
	return out
}

func checkHits(t testing.TB, d *detect.Detector, text string, want []Hit, only bool) bool {
	t.Helper()
	if d == nil {
		return assert.Fail(t, nilDetector)
	}
	if len(want) == 0 {
		return assert.Fail(t, "no expected rules given; name at least one rule id, or use AssertClean to check that the text raises nothing")
	}
	rep, err := d.Score(text)
	var fixes []string
	used := make([]bool, len(rep.Matches))
	for _, w := range want {
		if p := badSpan(w, text); p != "" {
			fixes = append(fixes, p)
			continue
		}
		if i := findHit(rep.Matches, w, used); i >= 0 {
			used[i] = true
			continue
		}
		fixes = append(fixes, diagnoseMissing(d, text, rep.Matches, w))
	}
	if only {
		for i, m := range rep.Matches {
			if used[i] || m.Contribution <= 0 || wantedAnywhere(want, m.Rule) {
				continue
			}
			fixes = append(fixes, fmt.Sprintf("unexpected %s: add it to the expected rules if it is right here, or keep %s from firing on this text (a longer phrase, an unless: exception, detect.WithDisabled)",
				formatMatch(m), m.Rule))
		}
	}
	if err != nil {
		fixes = append(fixes, scoringAdvice(err))
	}
	if len(fixes) == 0 {
		return true
	}
	head := "text does not raise the expected rules"
	if only {
		head = "text does not raise exactly the expected rules"
	}
	names := make([]string, len(want))
	for i, w := range want {
		names[i] = w.String()
	}
	wantLine := strings.Join(names, ", ")
	if only {
		wantLine += ", and nothing else with points"
	}
	return assert.Fail(t, message(head, text, wantLine, rep.Matches, fixes))
}

// badSpan says what is wrong with a hit's span, or "".
func badSpan(w Hit, text string) string {
	if w.End == 0 {
		if w.Start != 0 {
			return fmt.Sprintf("expected hit %s has Start %d but End 0: give both ends (detecttest.At(id, start, end)) or neither", w.Rule, w.Start)
		}
		return ""
	}
	if w.Start < 0 || w.End <= w.Start || w.End > len(text) {
		return fmt.Sprintf("expected span %d-%d of %s is not a span of the text (0-%d): use byte offsets with start < end, e.g. strings.Index(text, \"...\")", w.Start, w.End, w.Rule, len(text))
	}
	return ""
}

func findHit(ms []detect.Match, w Hit, used []bool) int {
	for i, m := range ms {
		if used[i] || m.Rule != w.Rule || m.Contribution <= 0 {
			continue
		}
		if w.End != 0 && (m.Start != w.Start || m.End != w.End) {
			continue
		}
		return i
	}
	return -1
}

func wantedAnywhere(want []Hit, id string) bool {
	for _, w := range want {
		if w.Rule == id && w.End == 0 {
			return true
		}
	}
	return false
}

// diagnoseMissing explains why rule w.Rule did not produce the expected
// hit on text, given the matches the detector reported, and says what to
// change.
func diagnoseMissing(d *detect.Detector, text string, got []detect.Match, w Hit) string {
	rd, ok := d.Explain(w.Rule)
	if !ok {
		s := fmt.Sprintf("no rule %q in this detector: check the id", w.Rule)
		if near := nearestID(d, w.Rule); near != "" {
			s += fmt.Sprintf(" (did you mean %q?)", near)
		}
		return s + ", compile the lexicon that defines it, or check that an option (detect.WithDisabled) did not leave it out"
	}
	if rd.Weight == 0 {
		return fmt.Sprintf("%s has weight 0 in this detector (detect.WithWeight or detect.WithCategoryWeight set it), so it never adds points: expect it with a weight, or do not expect it", w.Rule)
	}
	var scored, cancelled []detect.Match
	for _, m := range got {
		if m.Rule != w.Rule {
			continue
		}
		if m.Contribution > 0 {
			scored = append(scored, m)
		} else {
			cancelled = append(cancelled, m)
		}
	}
	if len(scored) > 0 && w.End == 0 {
		return fmt.Sprintf("%s fires %d time(s) (%s), fewer than the test expects: drop the extra expectation, or add the text that should raise it again",
			w.Rule, len(scored), spans(scored))
	}
	if len(scored) > 0 {
		return fmt.Sprintf("%s matched at %s instead of %d-%d %q: fix the expected span, or change the phrase if it should cover exactly that text",
			w.Rule, spans(scored), w.Start, w.End, text[w.Start:w.End])
	}
	if len(cancelled) > 0 {
		m := cancelled[0]
		return fmt.Sprintf("%s matched %d-%d %q but scored 0 points (%s): rephrase the text, remove the unless: exception, or set negatable: false if the rule must fire whatever surrounds it",
			w.Rule, m.Start, m.End, m.Text, m.Note)
	}
	// The rule did not match: does it match when no other rule competes?
	alone := soloMatches(d, rd, text)
	for _, m := range alone {
		if m.Contribution <= 0 {
			continue
		}
		if w.End != 0 && (m.Start != w.Start || m.End != w.End) {
			continue
		}
		var takers []string
		for _, o := range got {
			if o.Rule != w.Rule && o.Category == m.Category && o.Start < m.End && m.Start < o.End {
				takers = append(takers, formatMatch(o))
			}
		}
		if len(takers) > 0 {
			return fmt.Sprintf("on its own %s matches %d-%d %q, but %s took that span (within a category the longest phrase wins, then the heavier rule): make this phrase longer than the other, expect the other rule instead, or disable it",
				w.Rule, m.Start, m.End, m.Text, strings.Join(takers, "; "))
		}
		return fmt.Sprintf("on its own %s matches %d-%d %q, but not among the other rules: another rule of category %s covers an overlapping span; run the text through `redflag -explain-rule %s` and compare",
			w.Rule, m.Start, m.End, m.Text, m.Category, w.Rule)
	}
	if w.End != 0 {
		for _, m := range alone {
			if m.Contribution > 0 {
				return fmt.Sprintf("on its own %s matches %d-%d %q, not %d-%d: fix the expected span or the phrase", w.Rule, m.Start, m.End, m.Text, w.Start, w.End)
			}
		}
	}
	return fmt.Sprintf("%s does not match this text at all: %s", w.Rule, patternAdvice(rd))
}

// soloMatches scores text with a detector that holds only the rule of rd,
// so that nothing competes with it. It returns nil if that fails.
func soloMatches(d *detect.Detector, rd detect.RuleDetail, text string) []detect.Match {
	solo, err := detect.Compile([]*lexicon.Lexicon{{Name: "detecttest", Entries: []lexicon.Entry{rd.Entry}}}, detect.WithThreshold(d.Threshold()))
	if err != nil {
		return nil
	}
	rep, _ := solo.Score(text)
	return rep.Matches
}

// patternAdvice describes what the rule looks for, so the author can see
// why a text's words do not reach it.
func patternAdvice(rd detect.RuleDetail) string {
	var parts []string
	if len(rd.Phrases) > 0 {
		var ps []string
		for _, p := range rd.Phrases {
			ps = append(ps, fmt.Sprintf("%q → [%s]", p.Phrase, strings.Join(p.Terms, " ")))
		}
		how := "each word of the text must reduce to the same Snowball stem (" + rd.Lang + "); use =word for one exact form, and add the forms people really type as phrases"
		if !rd.Stemmed {
			how = "language " + rd.Lang + " is not stemmed, so each word must be written exactly (after lowercasing and removing diacritics); add the other forms as phrases"
		}
		parts = append(parts, fmt.Sprintf("its phrases compile to %s; %s", strings.Join(ps, ", "), how))
	}
	if len(rd.Regex) > 0 {
		cs := "case-insensitive"
		if rd.MatchCase {
			cs = "case-sensitive"
		}
		parts = append(parts, fmt.Sprintf("its regexes /%s/ (%s) find nothing in the text; test them against it", strings.Join(rd.Regex, "/, /"), cs))
	}
	if rd.Feature != "" {
		parts = append(parts, fmt.Sprintf("its feature %s fires on %s, and the text does not have it", rd.Feature, rd.FeatureDoc))
	}
	if len(parts) == 0 {
		return "it has no pattern"
	}
	return strings.Join(parts, "; ")
}

func scoringAdvice(err error) string {
	return fmt.Sprintf("scoring error: %v; a regex that times out on a short text backtracks badly: rewrite it without nested repetition", err)
}

func spans(ms []detect.Match) string {
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = fmt.Sprintf("%d-%d %q", m.Start, m.End, m.Text)
	}
	return strings.Join(out, ", ")
}

// formatMatch shows one match as "rule start-end "text" (category, +points) [note]".
func formatMatch(m detect.Match) string {
	s := fmt.Sprintf("%s %d-%d %q (%s, +%s)", m.Rule, m.Start, m.End, m.Text, m.Category, num(m.Contribution))
	if m.Note != "" {
		s += " [" + m.Note + "]"
	}
	return s
}

// message lays out a failure: a headline, then the text, what was
// expected, what the detector found and what to change.
func message(head, text, want string, got []detect.Match, fixes []string) string {
	var b strings.Builder
	b.WriteString(head)
	fmt.Fprintf(&b, "\ntext: %q", text)
	fmt.Fprintf(&b, "\nwant: %s", want)
	if len(got) == 0 {
		b.WriteString("\ngot:  no matches")
	}
	for i, m := range got {
		if i == 0 {
			b.WriteString("\ngot:  ")
		} else {
			b.WriteString("\n      ")
		}
		b.WriteString(formatMatch(m))
	}
	for _, f := range fixes {
		b.WriteString("\nfix:  ")
		b.WriteString(f)
	}
	return b.String()
}

// num formats a score or points compactly: at most 3 decimals.
func num(f float64) string {
	s := strconv.FormatFloat(f, 'f', 3, 64)
	s = strings.TrimRight(s, "0")
	s = strings.TrimSuffix(s, ".")
	if s == "" || s == "-" {
		return "0"
	}
	return s
}

// nearestID returns the rule id closest to id by edit distance, when it
// is close enough to be a likely typo.
func nearestID(d *detect.Detector, id string) string {
	best, bestDist := "", len(id)/4+2
	for _, r := range d.Rules() {
		if dist := editDistance(id, r.ID, bestDist); dist < bestDist {
			best, bestDist = r.ID, dist
		}
	}
	return best
}

// editDistance is the Levenshtein distance between a and b, or limit when
// it is at least limit.
func editDistance(a, b string, limit int) int {
	if diff := len(a) - len(b); diff >= limit || -diff >= limit {
		return limit
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		rowMin := cur[0]
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			rowMin = min(rowMin, cur[j])
		}
		if rowMin >= limit {
			return limit
		}
		prev, cur = cur, prev
	}
	return min(prev[len(b)], limit)
}
