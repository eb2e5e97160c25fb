package detect_test

import (
	"math"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/require"

	"github.com/redflag-go/redflag/detect"
	"github.com/redflag-go/redflag/lexicon"
)

// fuzzLexicon exercises every kind of rule on fuzzed text: phrases with
// gaps, wildcards, exact words, hashtags, emoji, exceptions and sentence
// crossing; regexes that the prefilter windows, that run on the whole text
// (they test the end of the text), that need an emoji, that have no
// literal at all, and a case-sensitive one; and every structural feature.
const fuzzLexicon = `lang: en
category: hype
entries:
  - id: hype.en.fz-changes
    weight: 1.2
    message: m
    source: s
    phrases: [changes ... everything, game changer, "=gamechanger"]
    unless: [changes nothing]
    examples: {match: [changes everything], no_match: [x]}
  - id: hype.en.fz-cross
    weight: 0.5
    message: m
    source: s
    cross_sentences: true
    phrases: [he was not done]
    examples: {match: [he was not done], no_match: [x]}
  - id: engagement-bait.en.fz-tag
    category: engagement-bait
    weight: 1
    message: m
    source: s
    negatable: false
    phrases: [tag * friend, "#tagafriend", 🧵, share ...2 if you agree]
    examples: {match: [tag a friend], no_match: [x]}
  - id: es.fz-increible
    category: custom-cat
    lang: es
    weight: 0.7
    message: m
    source: s
    phrases: [increíble, no te lo vas a creer]
    examples: {match: [increíble], no_match: [x]}
  - id: xx.fz-unstemmed
    category: custom-cat
    lang: zz
    weight: 0.4
    message: m
    source: s
    phrases: [foo bar]
    examples: {match: [foo bar], no_match: [x]}
  - id: fabricated-citation.en.fz-doi
    category: fabricated-citation
    weight: 2
    message: m
    source: s
    regex: ['\bdoi:\s*10\.\d{1,3}/\S*', '(?:[!?¡¿]\s*){3,}']
    examples: {match: ["doi: 10.12/abc"], no_match: [x]}
  - id: fabricated-citation.en.fz-end
    category: fabricated-citation
    weight: 0.3
    message: m
    source: s
    regex: ['et al\.?$', '^as an ai']
    examples: {match: [et al.], no_match: [x]}
  - id: hype.en.fz-shapes
    weight: 0.6
    message: m
    source: s
    regex: ['\p{So}{2,}', '\b\d+ (?:things|reasons)\b', '(.)\1\1\1']
    examples: {match: [17 things], no_match: [x]}
  - id: hype.en.fz-case
    weight: 0.8
    match_case: true
    message: m
    source: s
    regex: ['\b[A-Z]{5,}\b']
    examples: {match: [WOWWOW], no_match: [x]}
  - id: hype.en.fz-caps-run
    weight: 0.6
    message: m
    source: s
    feature: caps-run
    examples: {match: [x], no_match: [x]}
  - id: hype.en.fz-caps-ratio
    weight: 0.5
    message: m
    source: s
    feature: caps-ratio
    examples: {match: [x], no_match: [x]}
  - id: hype.en.fz-punct
    weight: 0.5
    message: m
    source: s
    feature: punct-run
    examples: {match: [x], no_match: [x]}
  - id: engagement-bait.en.fz-emoji
    category: engagement-bait
    weight: 0.5
    message: m
    source: s
    feature: emoji-density
    examples: {match: [x], no_match: [x]}
  - id: engagement-bait.en.fz-listicle
    category: engagement-bait
    weight: 0.5
    message: m
    source: s
    feature: listicle-number
    examples: {match: [x], no_match: [x]}
  - id: engagement-bait.en.fz-you
    category: engagement-bait
    weight: 0.3
    message: m
    source: s
    feature: second-person-headline
    examples: {match: [x], no_match: [x]}
  - id: engagement-bait.en.fz-thread
    category: engagement-bait
    weight: 0.5
    message: m
    source: s
    feature: thread-marker
    examples: {match: [x], no_match: [x]}
`

var (
	fuzzOnce sync.Once
	fuzzDet  *detect.Detector
	fuzzErr  error
)

// fuzzDetector compiles fuzzLexicon once per process.
func fuzzDetector(t testing.TB) *detect.Detector {
	fuzzOnce.Do(func() {
		var lex *lexicon.Lexicon
		lex, fuzzErr = lexicon.Parse("fuzz.yaml", []byte(fuzzLexicon))
		if fuzzErr == nil {
			fuzzDet, fuzzErr = detect.Compile([]*lexicon.Lexicon{lex}, detect.WithRegexTimeout(time.Second))
		}
	})
	require.NoError(t, fuzzErr)
	return fuzzDet
}

// FuzzScore checks, on any text, with the built-in detector and with a
// small custom lexicon of every rule kind: no panic; every match span is
// inside the text, on rune boundaries, and text[Start:End] is its Text;
// the same text scores the same again (through ScoreTo, into a reused
// report) and through ScoreReader; contributions add up to the category
// points and to the total points. The seed corpus is in
// testdata/fuzz/FuzzScore; run with
// go test -run '^$' -fuzz '^FuzzScore$' ./detect.
func FuzzScore(f *testing.F) {
	for _, s := range []string{"", "This changes everything!!! Tag a friend who needs to see this.", "a\xffb\x00c"} {
		f.Add(s)
	}
	detectors := []*detect.Detector{detect.Default(), fuzzDetector(f)}
	f.Fuzz(func(t *testing.T, text string) {
		for k, d := range detectors {
			r1, err1 := d.Score(text)
			checkReport(t, d, text, r1)

			// The same text scored again, into a report that held another
			// one, gives the same report. A regex timeout depends on the
			// machine's load: compare only runs that both completed.
			var reused detect.Report
			_ = d.ScoreTo(&reused, "A different text first: this changes everything!!! 🧵 #TagAFriend")
			err2 := d.ScoreTo(&reused, text)
			if err1 == nil && err2 == nil {
				require.Equal(t, normalize(r1), normalize(reused), "detector %d: the same text must give the same report", k)
			}

			if len(text) < detect.StreamChunk {
				r3, err3 := d.ScoreReader(strings.NewReader(text))
				checkReport(t, d, text, r3)
				if err1 == nil && err3 == nil {
					require.Equal(t, normalize(r1), normalize(r3), "detector %d: ScoreReader on a short text must equal Score", k)
				}
			}
		}
	})
}

// normalize makes reports comparable when one has nil slices and the
// other empty ones.
func normalize(r detect.Report) detect.Report {
	if len(r.Matches) == 0 {
		r.Matches = nil
	}
	return r
}

// checkReport asserts the invariants every report must keep.
func checkReport(t *testing.T, d *detect.Detector, text string, r detect.Report) {
	t.Helper()
	bounds := runeBoundaries(text)
	cats := d.Categories()
	require.Len(t, r.Categories, len(cats))
	points := map[string]float64{}
	total := 0.0
	prevStart := 0
	for i, m := range r.Matches {
		require.Truef(t, 0 <= m.Start && m.Start < m.End && m.End <= len(text),
			"match %d (%s) span %d-%d outside the text (%d bytes)", i, m.Rule, m.Start, m.End, len(text))
		require.Truef(t, bounds[m.Start] && bounds[m.End], "match %d (%s) span %d-%d is not on rune boundaries", i, m.Rule, m.Start, m.End)
		require.Equal(t, text[m.Start:m.End], m.Text, "match %d (%s): Text must be text[Start:End]", i, m.Rule)
		require.Truef(t, m.Start >= prevStart, "match %d (%s) at %d comes after a match at %d: matches must be in text order", i, m.Rule, m.Start, prevStart)
		require.Truef(t, 0 <= m.Sentence.Start && m.Sentence.Start <= m.Sentence.End && m.Sentence.End <= len(text),
			"match %d (%s) sentence %d-%d outside the text", i, m.Rule, m.Sentence.Start, m.Sentence.End)
		require.Truef(t, m.Contribution >= 0 && !math.IsInf(m.Contribution, 0) && !math.IsNaN(m.Contribution),
			"match %d (%s) contribution %v", i, m.Rule, m.Contribution)
		require.Contains(t, cats, m.Category)
		points[m.Category] += m.Contribution
		total += m.Contribution
		prevStart = m.Start
	}
	maxScore, flagged := 0.0, false
	for i, c := range r.Categories {
		require.Equal(t, cats[i], c.Category)
		require.InDelta(t, points[c.Category], c.Points, 1e-9, "category %s: points must be the sum of its contributions", c.Category)
		require.InDelta(t, 1-math.Exp2(-c.Points), c.Score, 1e-9, "category %s: score must be 1-2^-points", c.Category)
		require.Equal(t, c.Score >= r.Threshold, c.Flagged, "category %s: flagged iff score >= threshold", c.Category)
		maxScore = math.Max(maxScore, c.Score)
		flagged = flagged || c.Flagged
	}
	require.InDelta(t, total, r.Points, 1e-9, "total points must be the sum of all contributions")
	require.InDelta(t, maxScore, r.Score, 1e-12, "the score is the highest category score")
	require.Equal(t, flagged, r.Flagged)
	require.GreaterOrEqual(t, r.Words, 0)
}

// runeBoundaries marks the offsets where decoding text rune by rune
// stops: the start of every rune (an invalid byte counts as one) and the
// end of the text.
func runeBoundaries(text string) []bool {
	b := make([]bool, len(text)+1)
	for i := 0; i < len(text); {
		b[i] = true
		_, size := utf8.DecodeRuneInString(text[i:])
		i += size
	}
	b[len(text)] = true
	return b
}
