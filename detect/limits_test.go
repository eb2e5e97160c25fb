package detect_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/redflag-go/redflag/detect"
	"github.com/redflag-go/redflag/lexicon"
)

// catastrophicLexicon has one regex that backtracks exponentially on a
// long run of "a" that does not end the text, next to a phrase entry and
// an ordinary (prefiltered) regex entry whose matches must survive it.
const catastrophicLexicon = `lang: en
category: hype
entries:
  - id: hype.en.catastrophic
    weight: 1
    message: Nested quantifiers; this pattern backtracks exponentially.
    source: test
    regex: ['(a+)+$']
    examples: {match: [aaaa], no_match: [b]}
  - id: hype.en.changes-everything
    weight: 1.2
    message: Sweeping claim.
    source: test
    phrases: [changes everything]
    examples: {match: [this changes everything], no_match: [changes nothing]}
  - id: fabricated-citation.en.short-doi
    category: fabricated-citation
    weight: 2
    message: A DOI needs a registrant code of at least four digits.
    source: DOI Handbook
    regex: ['\bdoi:\s*10\.\d{1,3}/']
    examples: {match: ["doi: 10.12/abc"], no_match: ["doi: 10.1234/abc"]}
`

// TestCatastrophicRegexIsBounded scores 1 MB of "a" (plus phrase text that
// other entries match) with a user lexicon holding (a+)+$. Scoring must
// come back once the regex timeout expires, with a *RuleError naming the
// entry, and with the other entries' matches in the report. The time bound
// is a hang guard, far above the expected time, not a speed test.
func TestCatastrophicRegexIsBounded(t *testing.T) {
	lex, err := lexicon.Parse("catastrophic.yaml", []byte(catastrophicLexicon))
	require.NoError(t, err, "the loader accepts the pattern: it compiles and does not match the empty text")
	const timeout = 200 * time.Millisecond
	d, err := detect.Compile([]*lexicon.Lexicon{lex}, detect.WithRegexTimeout(timeout))
	require.NoError(t, err)

	tail := "! This changes everything, see doi: 10.12/abc"
	text := strings.Repeat("a", 1<<20) + tail

	start := time.Now()
	rep, err := d.Score(text)
	elapsed := time.Since(start)
	t.Logf("(a+)+$ on 1 MB of 'a': Score returned after %v (regex timeout %v)", elapsed.Round(time.Millisecond), timeout)
	assert.Less(t, elapsed, 5*time.Second, "hang guard: the regex timeout must stop the search")

	require.Error(t, err)
	var ruleErr *detect.RuleError
	require.ErrorAs(t, err, &ruleErr)
	assert.Equal(t, "hype.en.catastrophic", ruleErr.Rule, "the error names the entry")
	assert.ErrorIs(t, err, detect.ErrRegexTimeout)
	assert.Contains(t, err.Error(), "hype.en.catastrophic")
	assert.Less(t, len(err.Error()), 500, "the error must not quote the 1 MB input: %.200s", err.Error())

	got := map[string]string{}
	for _, m := range rep.Matches {
		got[m.Rule] = m.Text
		assert.Equal(t, text[m.Start:m.End], m.Text)
	}
	assert.Equal(t, "changes everything", got["hype.en.changes-everything"], "the phrase entry still matches")
	assert.Equal(t, "doi: 10.12/", got["fabricated-citation.en.short-doi"], "the other regex entry still matches")
	assert.NotContains(t, got, "hype.en.catastrophic")
	assert.True(t, rep.Flagged)
	checkReport(t, d, text, rep)
}

// TestRegexTimeoutErrorIsShort checks every timed-out rule in one call is
// reported, each naming its entry, in a message of bounded size.
func TestRegexTimeoutErrorIsShort(t *testing.T) {
	lex, err := lexicon.Parse("two.yaml", []byte(`lang: en
category: hype
entries:
  - id: hype.en.nested-one
    weight: 1
    message: m
    source: s
    regex: ['(a+)+$']
    examples: {match: [a], no_match: [b]}
  - id: hype.en.nested-two
    weight: 1
    message: m
    source: s
    regex: ['^(a|aa)+$']
    examples: {match: [a], no_match: [b]}
`))
	require.NoError(t, err)
	d, err := detect.Compile([]*lexicon.Lexicon{lex}, detect.WithRegexTimeout(50*time.Millisecond))
	require.NoError(t, err)
	_, err = d.Score(strings.Repeat("a", 64<<10) + "!")
	require.Error(t, err)
	var ids []string
	for _, e := range unwrapAll(err) {
		var re *detect.RuleError
		if errors.As(e, &re) {
			ids = append(ids, re.Rule)
		}
	}
	assert.Equal(t, []string{"hype.en.nested-one", "hype.en.nested-two"}, ids)
	assert.Less(t, len(err.Error()), 1000, "%.300s", err.Error())
}

func unwrapAll(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}

// TestLimits checks that exceeding each named limit is a clear error.
func TestLimits(t *testing.T) {
	entry := func(id, field string) string {
		return fmt.Sprintf(`  - id: %s
    weight: 1
    message: m
    source: s
    %s
    examples: {match: [a], no_match: [b]}
`, id, field)
	}
	words := func(n int) string {
		w := make([]string, n)
		for i := range w {
			w[i] = fmt.Sprintf("w%d", i)
		}
		return strings.Join(w, " ")
	}
	var many strings.Builder
	many.WriteString("lang: en\ncategory: hype\nentries:\n")
	for i := 0; i <= lexicon.MaxEntries; i++ {
		many.WriteString("  - {}\n")
	}
	tests := []struct {
		name string
		file string
		want string // the whole first error
	}{
		{
			name: "MaxPhraseWords",
			file: "lang: en\ncategory: hype\nentries:\n" + entry("hype.en.long", "phrases: ["+words(lexicon.MaxPhraseWords+1)+"]"),
			want: fmt.Sprintf("x.yaml:8: hype.en.long: phrases[0]: phrase %q has %d parts; the limit is %d", words(lexicon.MaxPhraseWords+1), lexicon.MaxPhraseWords+1, lexicon.MaxPhraseWords),
		},
		{
			name: "MaxGap",
			file: "lang: en\ncategory: hype\nentries:\n" + entry("hype.en.gap", "phrases: [\"a ...9 b\"]"),
			want: fmt.Sprintf("x.yaml:8: hype.en.gap: phrases[0]: gap \"...9\" is not valid; write ... for 0-3 words or ...N with N from 1 to %d", lexicon.MaxGap),
		},
		{
			name: "MaxPatternBytes phrase",
			file: "lang: en\ncategory: hype\nentries:\n" + entry("hype.en.bytes", "phrases: ["+strings.Repeat("x", lexicon.MaxPatternBytes+1)+"]"),
			want: fmt.Sprintf("x.yaml:8: hype.en.bytes: phrases[0]: phrase is %d bytes long; the limit is %d", lexicon.MaxPatternBytes+1, lexicon.MaxPatternBytes),
		},
		{
			name: "MaxPatternBytes regex",
			file: "lang: en\ncategory: hype\nentries:\n" + entry("hype.en.regex-bytes", "regex: ['"+strings.Repeat("x", lexicon.MaxPatternBytes+1)+"']"),
			want: fmt.Sprintf("x.yaml:8: hype.en.regex-bytes: regex[0]: pattern is %d bytes long; the limit is %d", lexicon.MaxPatternBytes+1, lexicon.MaxPatternBytes),
		},
		{
			name: "MaxWeight",
			file: "lang: en\ncategory: hype\nentries:\n" + strings.Replace(entry("hype.en.heavy", "phrases: [a]"), "weight: 1", "weight: 5.5", 1),
			want: "x.yaml:5: hype.en.heavy: weight 5.5 is out of range; use a number in (0, 5] (see the weight scale in lexicon/README.md)",
		},
		{
			name: "MaxEntries",
			file: many.String(),
			want: fmt.Sprintf("x.yaml:4: file has %d entries; the limit is %d: split it", lexicon.MaxEntries+1, lexicon.MaxEntries),
		},
		{
			name: "MaxFileBytes",
			file: "# " + strings.Repeat("x", lexicon.MaxFileBytes),
			want: fmt.Sprintf("x.yaml: file is %d bytes; the limit is %d: split it into several files", lexicon.MaxFileBytes+2, lexicon.MaxFileBytes),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lex, err := lexicon.Parse("x.yaml", []byte(tt.file))
			require.Error(t, err)
			assert.Nil(t, lex)
			list := lexicon.AsList(err)
			require.NotEmpty(t, list)
			assert.Equal(t, tt.want, list[0].Error())
		})
	}

	// The same limit applies after splitting at hyphens, which only the
	// compiler does.
	t.Run("MaxPhraseWords after splitting", func(t *testing.T) {
		hyphenated := strings.ReplaceAll(words(lexicon.MaxPhraseWords+1), " ", "-")
		lex, err := lexicon.Parse("x.yaml", []byte("lang: en\ncategory: hype\nentries:\n"+entry("hype.en.hyphens", "phrases: ["+hyphenated+"]")))
		require.NoError(t, err)
		_, err = detect.Compile([]*lexicon.Lexicon{lex})
		require.Error(t, err)
		assert.Equal(t, fmt.Sprintf("x.yaml:4: hype.en.hyphens: phrases[0]: phrase %q has %d words; the limit is %d", hyphenated, lexicon.MaxPhraseWords+1, lexicon.MaxPhraseWords), err.Error())
	})
	t.Run("exactly MaxPhraseWords", func(t *testing.T) {
		lex, err := lexicon.Parse("x.yaml", []byte("lang: en\ncategory: hype\nentries:\n"+entry("hype.en.twelve", "phrases: ["+words(lexicon.MaxPhraseWords)+"]")))
		require.NoError(t, err)
		_, err = detect.Compile([]*lexicon.Lexicon{lex})
		require.NoError(t, err)
	})
	t.Run("MaxRules", func(t *testing.T) {
		// Several files that are each within MaxEntries, but too many in all.
		var lexs []*lexicon.Lexicon
		n := 0
		for n <= detect.MaxRules {
			lex := &lexicon.Lexicon{Name: fmt.Sprintf("part%d.yaml", len(lexs))}
			for i := 0; i < lexicon.MaxEntries && n <= detect.MaxRules; i++ {
				lex.Entries = append(lex.Entries, lexicon.Entry{
					ID: fmt.Sprintf("hype.en.rule-%d", n), Category: "hype", Lang: "en", Weight: 1,
					Message: "m", Source: "s", Phrases: []string{"a"},
					Examples: lexicon.Examples{Match: []string{"a"}, NoMatch: []string{"b"}},
					Pos:      lexicon.Position{File: lex.Name, Line: i + 1},
				})
				n++
			}
			lexs = append(lexs, lex)
		}
		d, err := detect.Compile(lexs)
		require.Error(t, err)
		assert.Nil(t, d)
		assert.Equal(t, fmt.Sprintf("lexicons: %d entries in all; the limit is %d", detect.MaxRules+1, detect.MaxRules), err.Error())
	})
	t.Run("MaxInputBytes", func(t *testing.T) {
		d := detect.Default()
		text := strings.Repeat(" ", detect.MaxInputBytes+1)
		rep, err := d.Score(text)
		var inErr *detect.InputError
		require.ErrorAs(t, err, &inErr)
		assert.Equal(t, detect.MaxInputBytes+1, inErr.Size)
		assert.Equal(t, fmt.Sprintf("input is %d bytes; Score accepts at most %d: use ScoreReader for long documents", detect.MaxInputBytes+1, detect.MaxInputBytes), err.Error())
		assert.Empty(t, rep.Matches)
		assert.Len(t, rep.Categories, len(d.Categories()), "the report still lists every category")
		assert.False(t, rep.Flagged)
	})
	t.Run("options", func(t *testing.T) {
		_, err := detect.Compile(nil, detect.WithRegexTimeout(0), detect.WithThreshold(2))
		require.Error(t, err)
		assert.Contains(t, err.Error(), "options: threshold 2 is out of range; use a value in (0, 1]")
		assert.Contains(t, err.Error(), "options: regex timeout 0s must be positive")
	})
}
