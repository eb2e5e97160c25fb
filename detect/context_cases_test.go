package detect_test

import (
	"bufio"
	"flag"
	"fmt"
	"math"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/redflag-go/redflag/detect"
	"github.com/redflag-go/redflag/lexicon"
)

// The context cases: testdata/context-cases.tsv holds before/after pairs.
// "before" uses a red flag in earnest; "after" is the same claim negated,
// hedged, quoted or mocked, excepted, buried in a long text, moved into a
// URL, and so on. Each side has an expected outcome for one category.
// They run against the small frozen lexicon
// testdata/lexicons/context-test.yaml, so that they test the context
// machinery and not the built-in lexicons, which keep changing.
//
//	go test ./detect -run ContextCases -v
//
// Rows marked with a known bug in their 8th column are expected to fail
// until the bug is fixed: they are skipped with the reason while they
// fail, and fail (so that the mark gets removed) once they pass. Run with
// -context.bugs to see them fail.

var contextBugs = flag.Bool("context.bugs", false, "run context cases marked as known bugs as ordinary cases (they fail)")

const (
	contextCasesFile   = "../testdata/context-cases.tsv"
	contextLexiconFile = "../testdata/lexicons/context-test.yaml"
)

// Acceptance of issue 4: how many cases the table must hold.
const (
	minContextCases   = 75
	minCasesPerLang   = 15
	contextCaseFields = 7 // plus an optional 8th: known bug
)

// Kinds every table must cover.
var requiredCaseKinds = []string{"negation", "mention", "exception", "length", "structure", "nonprose"}

type contextCase struct {
	line         int
	kind, lang   string
	category     string
	expectBefore string
	before       string
	expectAfter  string
	after        string
	bug          string // known bug this row demonstrates, or ""
}

func (c contextCase) name() string {
	return fmt.Sprintf("%03d-%s-%s", c.line, c.kind, c.lang)
}

// Filler texts for {filler:LANG:N}: plain, neutral prose that matches no
// entry of the context-test lexicon and trips no structural feature.
var fillers = map[string]string{
	"en": "The committee met on Tuesday to review the budget for the coming year. " +
		"Members read the minutes of the last meeting and approved them without changes. " +
		"The treasurer presented the accounts and answered several questions about the cost of repairs to the library roof. " +
		"The next meeting will take place in the town hall at seven in the evening, and residents are welcome to attend. ",
	"es": "El comité se reunió el martes para revisar el presupuesto del próximo año. " +
		"Los miembros leyeron el acta de la reunión anterior y la aprobaron tal como estaba. " +
		"La tesorera presentó las cuentas y respondió varias preguntas sobre el coste de reparar el tejado de la biblioteca. " +
		"La próxima reunión tendrá lugar en el ayuntamiento a las siete de la tarde, y los vecinos pueden asistir. ",
	"fr": "Le comité s'est réuni mardi pour examiner le budget de l'année prochaine. " +
		"Les membres ont lu le compte rendu de la réunion précédente et l'ont approuvé tel quel. " +
		"La trésorière a présenté les comptes et a répondu à plusieurs questions sur le coût de la réparation du toit de la bibliothèque. " +
		"La prochaine réunion aura lieu à la mairie à sept heures du soir, et les habitants sont invités à y assister. ",
}

var macroRE = regexp.MustCompile(`\{(filler|repeat):([^:{}]+):([^{}]*)\}`)

// expandCaseText turns the escapes of a table cell into the text to score:
// \n is a line break, \t a tab, \\ a backslash; {filler:LANG:N} is at
// least N words of neutral filler prose in LANG; {repeat:N:TEXT} is TEXT
// written N times, separated by spaces.
func expandCaseText(cell string) (string, error) {
	var err error
	out := macroRE.ReplaceAllStringFunc(cell, func(m string) string {
		p := macroRE.FindStringSubmatch(m)
		switch p[1] {
		case "filler":
			n, e := strconv.Atoi(p[3])
			f, ok := fillers[p[2]]
			if e != nil || !ok || n <= 0 {
				err = fmt.Errorf("bad macro %s: want {filler:en|es|fr:WORDS}", m)
				return m
			}
			var b strings.Builder
			for words := 0; words < n; words += len(strings.Fields(f)) {
				b.WriteString(f)
			}
			return strings.TrimSpace(b.String())
		default:
			n, e := strconv.Atoi(p[2])
			if e != nil || n <= 0 || n > 1000 {
				err = fmt.Errorf("bad macro %s: want {repeat:COUNT:TEXT}", m)
				return m
			}
			return strings.TrimSpace(strings.Repeat(p[3]+" ", n))
		}
	})
	if err != nil {
		return "", err
	}
	r := strings.NewReplacer(`\\`, `\`, `\n`, "\n", `\t`, "\t")
	return r.Replace(out), nil
}

func loadContextCases(t testing.TB) []contextCase {
	t.Helper()
	f, err := os.Open(contextCasesFile)
	require.NoError(t, err)
	defer f.Close()
	var out []contextCase
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<16), 1<<20)
	line := 0
	for sc.Scan() {
		line++
		l := sc.Text()
		if strings.TrimSpace(l) == "" || strings.HasPrefix(l, "#") {
			continue
		}
		cols := strings.Split(l, "\t")
		require.True(t, len(cols) == contextCaseFields || len(cols) == contextCaseFields+1,
			"%s:%d: want %d tab-separated columns (kind, lang, category, expect_before, before, expect_after, after[, bug]), got %d",
			contextCasesFile, line, contextCaseFields, len(cols))
		c := contextCase{line: line, kind: cols[0], lang: cols[1], category: cols[2],
			expectBefore: cols[3], expectAfter: cols[5]}
		if len(cols) > contextCaseFields {
			c.bug = strings.TrimSpace(cols[7])
		}
		c.before, err = expandCaseText(cols[4])
		require.NoError(t, err, "%s:%d", contextCasesFile, line)
		c.after, err = expandCaseText(cols[6])
		require.NoError(t, err, "%s:%d", contextCasesFile, line)
		require.Contains(t, []string{"en", "es", "fr"}, c.lang, "%s:%d: lang", contextCasesFile, line)
		require.Contains(t, lexicon.Categories(), c.category, "%s:%d: category", contextCasesFile, line)
		require.NoError(t, checkExpectSyntax(c.expectBefore, false), "%s:%d: expect_before", contextCasesFile, line)
		require.NoError(t, checkExpectSyntax(c.expectAfter, true), "%s:%d: expect_after", contextCasesFile, line)
		out = append(out, c)
	}
	require.NoError(t, sc.Err())
	return out
}

// An expectation is one or more conditions joined by "+":
//
//	flag    the category is flagged
//	clean   the category is not flagged
//	lower   (after only) the category score is strictly lower than before's
//	same    (after only) the category score equals before's
//	<=X     the category score is at most X
//	>=X     the category score is at least X
func checkExpectSyntax(expect string, after bool) error {
	if expect == "" {
		return fmt.Errorf("empty expectation")
	}
	for _, c := range strings.Split(expect, "+") {
		switch {
		case c == "flag" || c == "clean":
		case c == "lower" || c == "same":
			if !after {
				return fmt.Errorf("%q compares with before: use it in expect_after only", c)
			}
		case strings.HasPrefix(c, "<=") || strings.HasPrefix(c, ">="):
			if _, err := strconv.ParseFloat(c[2:], 64); err != nil {
				return fmt.Errorf("bad bound %q", c)
			}
		default:
			return fmt.Errorf("unknown expectation %q: use flag, clean, lower, same, <=X, >=X joined by +", c)
		}
	}
	return nil
}

// meetsExpect reports whether a category result meets an expectation;
// ref is the "before" score for lower and same. The string says which
// condition failed.
func meetsExpect(expect string, got detect.CategoryScore, ref float64) (bool, string) {
	for _, c := range strings.Split(expect, "+") {
		ok := true
		switch {
		case c == "flag":
			ok = got.Flagged
		case c == "clean":
			ok = !got.Flagged
		case c == "lower":
			ok = got.Score < ref-1e-9
		case c == "same":
			ok = math.Abs(got.Score-ref) <= 1e-9
		case strings.HasPrefix(c, "<="):
			v, _ := strconv.ParseFloat(c[2:], 64)
			ok = got.Score <= v+1e-9
		case strings.HasPrefix(c, ">="):
			v, _ := strconv.ParseFloat(c[2:], 64)
			ok = got.Score >= v-1e-9
		}
		if !ok {
			return false, fmt.Sprintf("want %s, got score %.4f (flagged %v, before %.4f)", c, got.Score, got.Flagged, ref)
		}
	}
	return true, ""
}

// runContextCase scores both sides of a case and returns what did not
// meet the expectations (empty when the case passes), with the reports.
func runContextCase(d *detect.Detector, c contextCase) (problems []string, before, after detect.Report, err error) {
	before, err = d.Score(c.before)
	if err != nil {
		return nil, before, after, err
	}
	after, err = d.Score(c.after)
	if err != nil {
		return nil, before, after, err
	}
	b, ok := before.Category(c.category)
	if !ok {
		return []string{"no category " + c.category}, before, after, nil
	}
	a, _ := after.Category(c.category)
	if ok, why := meetsExpect(c.expectBefore, b, b.Score); !ok {
		problems = append(problems, "before: "+why)
	}
	if ok, why := meetsExpect(c.expectAfter, a, b.Score); !ok {
		problems = append(problems, "after: "+why)
	}
	return problems, before, after, nil
}

func contextTestDetector(t testing.TB) (*detect.Detector, []*lexicon.Lexicon) {
	t.Helper()
	lexs, err := lexicon.LoadFiles(contextLexiconFile)
	require.NoError(t, err)
	d, err := detect.Compile(lexs)
	require.NoError(t, err)
	return d, lexs
}

// TestContextCaseTable checks the table itself: size, languages, kinds,
// and that the test lexicon's own examples hold.
func TestContextCaseTable(t *testing.T) {
	d, lexs := contextTestDetector(t)
	for _, f := range detect.CheckExamples(d, lexs...) {
		assert.Fail(t, "context-test lexicon example", f.Error())
	}
	cases := loadContextCases(t)
	assert.GreaterOrEqual(t, len(cases), minContextCases, "cases in %s", contextCasesFile)
	perLang := map[string]int{}
	perKind := map[string]int{}
	for _, c := range cases {
		perLang[c.lang]++
		perKind[c.kind]++
		assert.NotEqual(t, c.before, c.after, "%s: before and after are the same text", c.name())
	}
	for _, l := range []string{"en", "es", "fr"} {
		assert.GreaterOrEqual(t, perLang[l], minCasesPerLang, "cases in %s", l)
	}
	for _, k := range requiredCaseKinds {
		assert.Positive(t, perKind[k], "no %s cases", k)
	}
	t.Logf("%d cases; per language %v; per kind %v", len(cases), perLang, perKind)
}

// TestContextCases runs every before/after pair against the test lexicon.
func TestContextCases(t *testing.T) {
	d, _ := contextTestDetector(t)
	for _, c := range loadContextCases(t) {
		t.Run(c.name(), func(t *testing.T) {
			problems, before, after, err := runContextCase(d, c)
			require.NoError(t, err)
			if c.bug != "" && !*contextBugs {
				if len(problems) == 0 {
					assert.Fail(t, "known bug no longer reproduces",
						"%s:%d is marked %q but now passes: remove the mark", contextCasesFile, c.line, c.bug)
					return
				}
				t.Skipf("known bug (%s): %s", c.bug, strings.Join(problems, "; "))
			}
			if len(problems) > 0 {
				assert.Fail(t, "context case", "%s:%d (%s, %s, %s): %s\nbefore %q:\n%s\nafter %q:\n%s",
					contextCasesFile, c.line, c.kind, c.lang, c.category, strings.Join(problems, "; "),
					clip(c.before), before.String(), clip(c.after), after.String())
			}
		})
	}
}

// TestContextCasesBuiltin runs the same texts through the built-in
// lexicons and logs how often they agree with the expected outcomes.
// Nothing is asserted: the built-ins are still changing, and the table
// was written for the test lexicon. It shows where the built-ins and the
// context machinery together still disagree with a moderator.
//
//	go test ./detect -run ContextCasesBuiltin -v
func TestContextCasesBuiltin(t *testing.T) {
	lexs, err := lexicon.Builtin()
	require.NoError(t, err)
	d, err := detect.Compile(lexs, detect.WithRegexTimeout(10*time.Second))
	require.NoError(t, err)
	type tally struct{ ok, before, after, n int }
	perKind := map[string]*tally{}
	perLang := map[string]*tally{}
	var total tally
	var misses []string
	for _, c := range loadContextCases(t) {
		problems, _, _, err := runContextCase(d, c)
		if err != nil {
			t.Logf("%s: scoring error: %v", c.name(), err)
			continue
		}
		tk, tl := perKind[c.kind], perLang[c.lang]
		if tk == nil {
			tk = &tally{}
			perKind[c.kind] = tk
		}
		if tl == nil {
			tl = &tally{}
			perLang[c.lang] = tl
		}
		beforeOK, afterOK := true, true
		for _, p := range problems {
			if strings.HasPrefix(p, "before") {
				beforeOK = false
			} else {
				afterOK = false
			}
		}
		for _, x := range []*tally{tk, tl, &total} {
			x.n++
			if beforeOK {
				x.before++
			}
			if afterOK {
				x.after++
			}
			if beforeOK && afterOK {
				x.ok++
			}
		}
		if len(problems) > 0 {
			misses = append(misses, fmt.Sprintf("%s: %s", c.name(), strings.Join(problems, "; ")))
		}
	}
	pct := func(a, n int) string { return fmt.Sprintf("%d/%d (%.0f%%)", a, n, 100*float64(a)/float64(max(n, 1))) }
	line := func(name string, x *tally) {
		t.Logf("  %-10s both %-14s before %-14s after %s", name, pct(x.ok, x.n), pct(x.before, x.n), pct(x.after, x.n))
	}
	t.Logf("built-in lexicons vs the expected outcomes of %s:", contextCasesFile)
	for _, m := range []map[string]*tally{perKind, perLang} {
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			line(k, m[k])
		}
	}
	line("all", &total)
	if testing.Verbose() {
		for _, m := range misses {
			t.Logf("  differs: %s", m)
		}
	}
}

// The seed post that lists "LLM marketing scams" in quotes in order to
// mock them (testdata/seed-posts.txt lines 62-79) must score far lower
// on hype than a post that makes the same claims in earnest.
const (
	seedQuotedFirst = 62
	seedQuotedLast  = 79
)

// earnestScamPost makes the claims of the quoted list in earnest: no
// quotation marks, no explanation of how the trick works, no mockery.
const earnestScamPost = `Two more weeks. The models will be good enough to do everything we claim very soon.
They're already good enough to replace workers.
We just built God in the backroom, and no, you can't see it.
They already have replaced jobs: the layoffs are AI.
You just don't know how to use them as well as me.
I built an app making big money with LLMs.
You aren't using the right model.
You're falling behind.
All these companies are using LLMs, so do you think you know better than they do?
The benchmark score went up.
It can now count the letters in Strawberry.
It has escaped our control.
It's feeling sad and scared, so it is conscious.
Costs are going down and the LLM service is profitable.`

func seedLines(t testing.TB, first, last int) string {
	t.Helper()
	data, err := os.ReadFile("../testdata/seed-posts.txt")
	require.NoError(t, err)
	lines := strings.Split(string(data), "\n")
	require.GreaterOrEqual(t, len(lines), last)
	return strings.Join(lines[first-1:last], "\n")
}

func TestSeedPostQuotedVersusEarnest(t *testing.T) {
	lexs, err := lexicon.Builtin()
	require.NoError(t, err)
	d, err := detect.Compile(lexs, detect.WithRegexTimeout(10*time.Second))
	require.NoError(t, err)
	quotedPost := seedLines(t, seedQuotedFirst, seedQuotedLast)
	require.True(t, strings.HasPrefix(quotedPost, "After seeing that Claude Mythos"), "seed-posts.txt moved: lines %d-%d are no longer the master list", seedQuotedFirst, seedQuotedLast)
	require.Contains(t, quotedPost, "Did I miss any?")

	quoted, err := d.Score(quotedPost)
	require.NoError(t, err)
	earnest, err := d.Score(earnestScamPost)
	require.NoError(t, err)
	q, _ := quoted.Category(lexicon.Hype)
	e, _ := earnest.Category(lexicon.Hype)

	// For comparison: the quoted post with context handling switched off.
	raw, err := detect.Compile(lexs, detect.WithRegexTimeout(10*time.Second), detect.WithContext(false))
	require.NoError(t, err)
	rawQuoted, err := raw.Score(quotedPost)
	require.NoError(t, err)
	rq, _ := rawQuoted.Category(lexicon.Hype)

	t.Logf("hype, earnest claims (%d words):   score %.3f, %.2f points", earnest.Words, e.Score, e.Points)
	t.Logf("hype, quoted master list (%d words): score %.3f, %.2f points (%.0f%% of the earnest points)", quoted.Words, q.Score, q.Points, 100*q.Points/math.Max(e.Points, 1e-9))
	t.Logf("hype, quoted master list without context handling: score %.3f, %.2f points", rq.Score, rq.Points)
	if testing.Verbose() {
		t.Logf("quoted:\n%s", quoted.String())
		t.Logf("earnest:\n%s", earnest.String())
	}

	assert.GreaterOrEqual(t, e.Score, 0.9, "the earnest claims must score high on hype:\n%s", earnest.String())
	assert.LessOrEqual(t, q.Points, 0.25*e.Points, "the quoted list must carry at most a quarter of the earnest points:\n%s", quoted.String())
	assert.LessOrEqual(t, q.Score, e.Score-0.3, "the quoted list must score far lower than the earnest claims:\n%s", quoted.String())
	assert.Less(t, q.Points, rq.Points, "context handling must lower the quoted list")
}

// clip shortens long case texts (filler) for failure messages.
func clip(s string) string {
	r := []rune(s)
	if len(r) <= 160 {
		return s
	}
	return string(r[:80]) + " … " + string(r[len(r)-60:])
}
