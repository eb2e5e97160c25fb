package detect_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/redflag-go/redflag/detect"
	"github.com/redflag-go/redflag/lexicon"
)

func TestContextFactors(t *testing.T) {
	d := testDetector(t)
	tests := []struct {
		name    string
		text    string
		rule    string
		contrib float64
		note    string
	}{
		{"plain use", "a game changer", "hype.en.game-changer", 1, ""},
		{"double-quoted mention", `they keep saying "game changer" here`, "hype.en.game-changer", 0.25, "quoted"},
		{"curly-quoted mention", "“Game changer” - the claim", "hype.en.game-changer", 0.25, "quoted"},
		{"so-called", "this so-called game changer", "hype.en.game-changer", 0.25, "introduced by \"so called\""},
		{"frases como", "frases como game changer", "hype.en.game-changer", 0.25, "introduced by"},
		{"hedge", "maybe a game changer", "hype.en.game-changer", 0.5, "hedged by \"maybe\""},
		{"negation", "never a game changer", "hype.en.game-changer", 0, "negated by \"never\""},
		{"french negation", "ce n'est pas un game changer", "hype.en.game-changer", 0, "negated by \"pas\""},
		{"non-negatable ignores quotes", `the paper said "As an AI language model"`, "fabricated-citation.en.ai-model", 3, ""},
		{"non-negatable ignores negation", `I am not writing as an AI language model`, "fabricated-citation.en.ai-model", 3, ""},
		{"sin embargo is not a negation", "sin embargo es un game changer", "hype.en.game-changer", 1, ""},
		{"french dont is not a negation", "c'est le produit dont il parle game changer", "hype.en.game-changer", 1, ""},
		{"english dont is", "you dont need a game changer", "hype.en.game-changer", 0, "negated by \"dont\""},
		{"url is not prose", "see https://example.com/game-changer now", "", 0, ""},
		{"handle is not prose", "thanks @gamechanger", "", 0, ""},
		{"code is not prose", "run `game changer` now", "", 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := d.Score(tt.text)
			require.NoError(t, err)
			if tt.rule == "" {
				assert.Empty(t, r.Matches)
				return
			}
			require.NotEmpty(t, r.Matches, tt.text)
			var m *detect.Match
			for i := range r.Matches {
				if r.Matches[i].Rule == tt.rule {
					m = &r.Matches[i]
				}
			}
			require.NotNil(t, m, "no %s in\n%s", tt.rule, r.String())
			assert.InDelta(t, tt.contrib, m.Contribution, 1e-9, r.String())
			assert.Contains(t, m.Note, tt.note)
		})
	}
}

func TestLengthScaling(t *testing.T) {
	d := testDetector(t)
	filler := "The committee met on Tuesday to review the budget and the schedule. "
	short, err := d.Score("What a game changer for our team")
	require.NoError(t, err)
	assert.True(t, short.Flagged)
	long := ""
	for i := 0; i < 40; i++ {
		long += filler
	}
	r, err := d.Score(long + "What a game changer for our team.")
	require.NoError(t, err)
	require.Len(t, r.Matches, 1)
	assert.False(t, r.Flagged, "one clear tell in a long article is not a flag")
	assert.Less(t, r.Matches[0].Contribution, 0.3)
	assert.Contains(t, r.Matches[0].Note, "long text")
	// A signature marker counts in full whatever the length.
	r, err = d.Score(long + "As an AI language model, I cannot do that.")
	require.NoError(t, err)
	assert.True(t, r.Flagged)
}

func TestSentenceSpan(t *testing.T) {
	d := testDetector(t)
	text := "First one. Then a game changer arrived! Last."
	r, err := d.Score(text)
	require.NoError(t, err)
	require.Len(t, r.Matches, 1)
	sp := r.Matches[0].Sentence
	assert.Equal(t, "Then a game changer arrived", text[sp.Start:sp.End])
}

const featureLexicon = `lang: en
category: hype
entries:
  - {id: f.caps-run, weight: 1, message: m, source: s, feature: caps-run, examples: {match: [AAA BBB CCCC], no_match: [a]}}
  - {id: f.caps-ratio, weight: 1, message: m, source: s, feature: caps-ratio, examples: {match: [AAA BBB CCCC DD EE FF], no_match: [a]}}
  - {id: f.punct-run, weight: 1, message: m, source: s, feature: punct-run, examples: {match: [wow!!!], no_match: [a]}}
  - {id: f.emoji-density, weight: 1, message: m, source: s, feature: emoji-density, examples: {match: [🔥🔥🔥 hot], no_match: [a]}}
  - {id: f.listicle, weight: 1, message: m, source: s, feature: listicle-number, examples: {match: [17 things], no_match: [a]}}
  - {id: f.second-person, weight: 1, message: m, source: s, feature: second-person-headline, examples: {match: [you did it], no_match: [a]}}
  - {id: f.thread, weight: 1, message: m, source: s, feature: thread-marker, examples: {match: [🧵], no_match: [a]}}
`

func TestFeatures(t *testing.T) {
	lex, err := lexicon.Parse("f.yaml", []byte(featureLexicon))
	require.NoError(t, err)
	d, err := detect.Compile([]*lexicon.Lexicon{lex})
	require.NoError(t, err)
	tests := []struct {
		text string
		want []string // "rule=text"
	}{
		{"¡¡¡ INTERNET Y LA NEUTRALIDAD DE LA RED HA MUERTO !!!", []string{"f.punct-run=¡¡¡", "f.caps-run=INTERNET Y LA NEUTRALIDAD DE LA RED HA MUERTO", "f.caps-ratio=INTERNET Y LA NEUTRALIDAD DE LA RED HA MUERTO", "f.punct-run=!!!"}},
		{"Claude Code is NOT a pure LLM", nil},
		{"What?!?! No way", []string{"f.punct-run=?!?!"}},
		{"Great news! Really!", nil},
		{"🔥🔥🔥 deal 🔥", []string{"f.emoji-density=🔥🔥🔥 deal 🔥"}},
		{"17 things only 90s kids remember", []string{"f.listicle=17 things"}},
		{"2 second exposure", nil},
		{"You won't believe this", []string{"f.second-person=You"}},
		{"Here is the story 🧵", []string{"f.thread=🧵"}},
		{"1/ It started in 2003", []string{"f.thread=1"}},
		{"A long story (thread) below", []string{"f.thread=thread"}},
		{"in 1/2 of cases", nil},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			r, err := d.Score(tt.text)
			require.NoError(t, err)
			var got []string
			for _, m := range r.Matches {
				got = append(got, m.Rule+"="+m.Text)
			}
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestCrossSentences(t *testing.T) {
	lex, err := lexicon.Parse("x.yaml", []byte(`lang: en
category: engagement-bait
entries:
  - id: engagement-bait.en.not-done
    weight: 1
    message: m
    source: s
    cross_sentences: true
    phrases: [he was not done he kept going]
    examples: {match: [He was not done. He kept going.], no_match: [he was done]}
  - id: engagement-bait.en.same-sentence
    weight: 1
    message: m
    source: s
    phrases: [story thread]
    examples: {match: [story thread], no_match: [story. thread]}
`))
	require.NoError(t, err)
	d, err := detect.Compile([]*lexicon.Lexicon{lex})
	require.NoError(t, err)
	assert.Empty(t, detect.CheckExamples(d, lex))
}
