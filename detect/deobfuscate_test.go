package detect_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/redflag-go/redflag/detect"
	"github.com/redflag-go/redflag/lexicon"
)

const obfLexicon = `lang: en
entries:
  - {id: hype.en.revolutionary, category: hype, weight: 1, message: m, source: s, phrases: [revolutionary], examples: {match: [revolutionary], no_match: [revolution]}}
  - {id: hype.en.changes-everything, category: hype, weight: 1, message: m, source: s, phrases: [changes everything], examples: {match: [changes everything], no_match: [changes]}}
  - {id: engagement-bait.en.tag, category: engagement-bait, weight: 1, message: m, source: s, phrases: [tag a friend who], examples: {match: [tag a friend who], no_match: [tag]}}
  - {id: hype.en.free, category: hype, weight: 0.5, message: m, source: s, phrases: [free money], examples: {match: [free money], no_match: [free]}}
  - {id: hype.es.increible, category: hype, lang: es, weight: 1, message: m, source: s, phrases: [increible], examples: {match: [increible], no_match: [creible]}}
`

func TestDeobfuscation(t *testing.T) {
	lex, err := lexicon.Parse("obf.yaml", []byte(obfLexicon))
	require.NoError(t, err)
	d, err := detect.Compile([]*lexicon.Lexicon{lex})
	require.NoError(t, err)
	tests := []struct {
		name, text, rule, span, kind string
	}{
		{"cyrillic e", "This r\u0435volutionary tool", "hype.en.revolutionary", "r\u0435volutionary", "look-alike letters"},
		{"greek o", "revοlutionary", "hype.en.revolutionary", "revοlutionary", "look-alike letters"},
		{"leetspeak", "it ch4nges 3verything", "hype.en.changes-everything", "ch4nges 3verything", "leetspeak"},
		{"leet digits", "fr3e m0n3y", "hype.en.free", "fr3e m0n3y", "leetspeak"},
		{"leet symbols", "ch@nge$ everything", "hype.en.changes-everything", "ch@nge$ everything", "leetspeak"},
		{"spaced with wide gaps", "t a g  a  f r i e n d who needs this", "engagement-bait.en.tag", "t a g  a  f r i e n d who", "spaced-out letters"},
		{"dotted", "t.a.g a f.r.i.e.n.d who cares", "engagement-bait.en.tag", "t.a.g a f.r.i.e.n.d who", "spaced-out letters"},
		{"uniform spacing", "t a g a f r i e n d w h o", "engagement-bait.en.tag", "t a g a f r i e n d w h o", "spaced-out letters"},
		{"stretched", "so revolutionaryyyy", "hype.en.revolutionary", "revolutionaryyyy", "stretched letters"},
		{"stretched spanish", "¡¡¡increíbleeee!!!", "hype.es.increible", "increíbleeee", "stretched letters"},
		{"zero width", "revolu\u200btionary", "hype.en.revolutionary", "revolu\u200btionary", ""},
		{"full width", "ｒｅｖｏｌｕｔｉｏｎａｒｙ", "hype.en.revolutionary", "ｒｅｖｏｌｕｔｉｏｎａｒｙ", ""},
		{"math bold", "𝐟𝐫𝐞𝐞 money", "hype.en.free", "𝐟𝐫𝐞𝐞 money", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := d.Score(tt.text)
			require.NoError(t, err)
			var m *detect.Match
			for i := range r.Matches {
				if r.Matches[i].Rule == tt.rule {
					m = &r.Matches[i]
				}
			}
			require.NotNil(t, m, "want %s in %q:\n%s", tt.rule, tt.text, r.String())
			assert.Equal(t, tt.span, tt.text[m.Start:m.End])
			assert.Equal(t, tt.span, m.Text)
			if tt.kind != "" {
				assert.Equal(t, tt.kind, m.Deobfuscated)
				assert.Greater(t, m.Contribution, m.Weight, "de-obfuscation adds weight")
			}
		})
	}
	// Plain Cyrillic text is not folded: it is Russian, not a disguise.
	r, err := d.Score("революционный")
	require.NoError(t, err)
	assert.Empty(t, r.Matches)
	// Ordinary single letters are left alone.
	r, err = d.Score("Plan A, B or C")
	require.NoError(t, err)
	assert.Empty(t, r.Matches)
}
