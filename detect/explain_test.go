package detect_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/redflag-go/redflag/detect"
	"github.com/redflag-go/redflag/lexicon"
)

const explainLexicon = `
entries:
  - id: hype.en.changes-everything
    lang: en
    category: hype
    weight: 1.2
    message: Sweeping claim.
    source: test
    phrases: [changes everything, this changes ...2 everything, =amen, game-changer, 🧵, tag * friend]
    unless: [patch notes]
    examples:
      match: [And that changes everything.]
      no_match: [The patch changes nothing.]
  - id: hype.xx.unstemmed
    lang: xx
    category: hype
    weight: 1
    message: Unstemmed language.
    source: test
    phrases: [Changes Everything]
    examples:
      match: [changes everything]
      no_match: [changed everything]
  - id: hype.en.bangs
    lang: en
    category: hype
    weight: 0.5
    message: Shouting.
    source: test
    regex: ['!{3,}']
    match_case: true
    examples:
      match: [wow!!!]
      no_match: [wow!]
  - id: hype.en.caps
    lang: en
    category: hype
    weight: 0.5
    message: Caps.
    source: test
    feature: caps-run
    examples:
      match: [THIS IS THE GREATEST THING]
      no_match: [NASA and ESA]
`

func TestExplain(t *testing.T) {
	lex, err := lexicon.Parse("explain.yaml", []byte(explainLexicon))
	require.NoError(t, err)
	d, err := detect.Compile([]*lexicon.Lexicon{lex}, detect.WithCategoryWeight("hype", 0.5))
	require.NoError(t, err)

	tests := []struct {
		id      string
		phrases map[string][]string
		unless  map[string][]string
		regex   []string
		feature string
		stemmed bool
		weight  float64
	}{
		{
			id: "hype.en.changes-everything",
			phrases: map[string][]string{
				"changes everything":           {"chang", "everyth"},
				"this changes ...2 everything": {"this", "chang", "...2", "everyth"},
				"=amen":                        {"=amen"},
				"game-changer":                 {"game", "changer"},
				"🧵":                            {"🧵"},
				"tag * friend":                 {"tag", "*", "friend"},
			},
			unless:  map[string][]string{"patch notes": {"patch", "note"}},
			stemmed: true,
			weight:  0.6,
		},
		{
			id:      "hype.xx.unstemmed",
			phrases: map[string][]string{"Changes Everything": {"changes", "everything"}},
			weight:  0.5,
		},
		{id: "hype.en.bangs", regex: []string{"!{3,}"}, stemmed: true, weight: 0.25},
		{id: "hype.en.caps", feature: "caps-run", stemmed: true, weight: 0.25},
	}
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			rd, ok := d.Explain(tt.id)
			require.True(t, ok)
			assert.Equal(t, tt.id, rd.ID)
			assert.Equal(t, tt.stemmed, rd.Stemmed)
			assert.InDelta(t, tt.weight, rd.Weight, 1e-9, "weight after options")
			assert.InDelta(t, tt.weight, rd.Entry.Weight, 1e-9, "entry weight after options")
			got := map[string][]string{}
			for _, p := range rd.Phrases {
				got[p.Phrase] = p.Terms
			}
			if tt.phrases == nil {
				assert.Empty(t, got)
			} else {
				assert.Equal(t, tt.phrases, got)
			}
			gotUnless := map[string][]string{}
			for _, p := range rd.Unless {
				gotUnless[p.Phrase] = p.Terms
			}
			if tt.unless == nil {
				assert.Empty(t, gotUnless)
			} else {
				assert.Equal(t, tt.unless, gotUnless)
			}
			assert.Equal(t, tt.regex, rd.Regex)
			assert.Equal(t, tt.feature, rd.Feature)
			if tt.feature != "" {
				assert.NotEmpty(t, rd.FeatureDoc)
			}
			assert.NotEmpty(t, rd.Match)
			assert.NotEmpty(t, rd.NoMatch)
			assert.NotEmpty(t, rd.Patterns)
		})
	}

	_, ok := d.Explain("hype.en.no-such-rule")
	assert.False(t, ok, "unknown id")
}

// TestExplainCopies checks that changing a RuleDetail does not change the
// Detector it came from.
func TestExplainCopies(t *testing.T) {
	lex, err := lexicon.Parse("explain.yaml", []byte(explainLexicon))
	require.NoError(t, err)
	d, err := detect.Compile([]*lexicon.Lexicon{lex})
	require.NoError(t, err)
	rd, ok := d.Explain("hype.en.changes-everything")
	require.True(t, ok)
	rd.Entry.Phrases[0] = "changed"
	rd.Match[0] = "changed"
	rd.Patterns[0] = "changed"
	again, _ := d.Explain("hype.en.changes-everything")
	assert.Equal(t, "changes everything", again.Entry.Phrases[0])
	assert.Equal(t, "And that changes everything.", again.Match[0])
	assert.Equal(t, "changes everything", again.Patterns[0])
}
