package lexicon_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/redflag-go/redflag/lexicon"
)

// entryYAML is one complete, valid entry; tests splice broken fields in.
const entryYAML = `  - id: hype.en.fine
    weight: 1.0
    message: A sentence that explains the red flag.
    source: a test
    phrases: [some phrase]
    examples: {match: [some phrase], no_match: [a phrase]}
`

// TestParseHostile covers the problems the loader used to accept
// silently or report without a line, and its hints for YAML mistakes.
func TestParseHostile(t *testing.T) {
	head := "lang: en\ncategory: hype\nentries:\n"
	tests := []struct {
		name string
		yaml string
		want []string // the whole error lines, in order
	}{
		{"second entries key would drop the first list", head + entryYAML + "entries: []\n",
			[]string{`x.yaml:10: top-level key "entries" appears twice; keep one`}},
		{"duplicate key under examples", head + strings.Replace(entryYAML, "no_match: [a phrase]", "no_match: [a phrase], match: [other]", 1),
			[]string{`x.yaml:9: hype.en.fine: key "match" appears twice under examples; merge the two lists`}},
		{"empty phrase list", head + strings.Replace(entryYAML, "[some phrase]", "[]", 1),
			[]string{`x.yaml:8: hype.en.fine: "phrases" is an empty list; add at least one item or remove the key`}},
		{"empty regex list", head + strings.Replace(entryYAML, "phrases: [some phrase]", "regex: []", 1),
			[]string{`x.yaml:8: hype.en.fine: "regex" is an empty list; add at least one item or remove the key`}},
		{"empty feature", head + strings.Replace(entryYAML, "phrases: [some phrase]", `feature: ""`, 1),
			[]string{`x.yaml:8: hype.en.fine: "feature" is empty; name one of: ` + strings.Join(lexicon.Features(), ", ")}},
		{"text after the document end", head + entryYAML + "...\nnot: [yaml\n",
			[]string{`x.yaml:10: YAML syntax error: did not find expected <document start>; only a new document may follow the end marker "..."`}},
		{"control character has a line", head + strings.Replace(entryYAML, "A sentence", "A \x07sentence", 1),
			[]string{"x.yaml:6: YAML syntax error: control characters are not allowed"}},
		{"unknown anchor has a line", head + strings.Replace(entryYAML, "source: a test", "source: *nowhere", 1),
			[]string{"x.yaml:7: YAML syntax error: unknown anchor 'nowhere' referenced"}},
		{"tab in the indentation", head + strings.Replace(entryYAML, "    source", "\tsource", 1),
			[]string{"x.yaml:7: YAML syntax error: found a tab character that violates indentation; the line is indented with a tab: indent YAML with spaces only"}},
		{"colon in an unquoted text", head + strings.Replace(entryYAML, "A sentence that", "Warning: a sentence that", 1),
			[]string{`x.yaml:6: YAML syntax error: mapping values are not allowed in this context; quote texts that contain ": ", and indent each key like the key before it`}},
		{"quoted number", head + strings.Replace(entryYAML, "weight: 1.0", `weight: "1.0"`, 1),
			[]string{`x.yaml:5: hype.en.fine: weight must be a number such as 1.0, found the quoted text "1.0" (remove the quotes)`}},
		{"quoted boolean", head + strings.Replace(entryYAML, "    source", "    negatable: 'false'\n    source", 1),
			[]string{`x.yaml:7: hype.en.fine: "negatable" must be true or false, found the quoted text "false" (remove the quotes)`}},
		{"empty weight", head + strings.Replace(entryYAML, "weight: 1.0", "weight:", 1),
			[]string{`x.yaml:5: hype.en.fine: weight must be a number such as 1.0, found nothing`}},
		{"alias", "lang: en\ncategory: hype\nx: &w 1.0\nentries:\n" + strings.Replace(entryYAML, "weight: 1.0", "weight: *w", 1),
			[]string{
				`x.yaml:3: unknown top-level key "x"; allowed: lang, category, negatable, entries`,
				`x.yaml:6: hype.en.fine: weight must be a number such as 1.0, found an alias (*w); anchors and aliases are not supported in lexicon files: write the value out`,
			}},
		{"merge key", head + strings.Replace(entryYAML, "    source: a test\n", "    <<: {source: a test}\n", 1),
			[]string{
				`x.yaml:4: hype.en.fine: missing "source"; name where this pattern is documented (policy, paper, style guide, seed post line)`,
				`x.yaml:7: hype.en.fine: unknown key "<<" (merge keys are not supported: write the fields out); allowed keys: id, category, lang, weight, message, source, phrases, regex, feature, match_case, unless, negatable, cross_sentences, examples`,
			}},
		{"complex key", head + strings.Replace(entryYAML, "    source", "    ? [a, b]\n    : c\n    source", 1),
			[]string{`x.yaml:7: hype.en.fine: unknown key a list (keys must be plain names); allowed keys: id, category, lang, weight, message, source, phrases, regex, feature, match_case, unless, negatable, cross_sentences, examples`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lex, err := lexicon.Parse("x.yaml", []byte(tt.yaml))
			require.Error(t, err)
			assert.Nil(t, lex)
			var got []string
			for _, e := range lexicon.AsList(err) {
				got = append(got, e.Error())
			}
			assert.Equal(t, tt.want, got)
		})
	}
}

// TestParseBOM accepts a UTF-8 byte order mark and keeps line numbers.
func TestParseBOM(t *testing.T) {
	data := "\ufefflang: en\ncategory: hype\nentries:\n" + entryYAML
	lex, err := lexicon.Parse("bom.yaml", []byte(data))
	require.NoError(t, err)
	require.Len(t, lex.Entries, 1)
	assert.Equal(t, 4, lex.Entries[0].Pos.Line)
}

// TestParseBombs checks that hostile YAML structure is neither expanded
// nor followed without bound: a billion-laughs alias bomb and nesting
// deeper than the decoder allows. The time limit is a hang guard.
func TestParseBombs(t *testing.T) {
	var bomb strings.Builder
	bomb.WriteString("lang: en\ncategory: hype\nl0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n")
	for i := 1; i < 10; i++ {
		bomb.WriteString("l" + string(rune('0'+i)) + ": &l" + string(rune('0'+i)) + " [")
		for j := 0; j < 9; j++ {
			if j > 0 {
				bomb.WriteString(", ")
			}
			bomb.WriteString("*l" + string(rune('0'+i-1)))
		}
		bomb.WriteString("]\n")
	}
	bomb.WriteString("entries:\n" + strings.Replace(strings.Replace(entryYAML, "[some phrase]", "*l9", 1), "weight: 1.0", "weight: *l9", 1))
	deep := "lang: en\ncategory: hype\nentries:\n" + strings.Replace(entryYAML, "[some phrase]", strings.Repeat("[", 100000)+strings.Repeat("]", 100000), 1)
	tests := []struct {
		name string
		yaml string
		want string // a substring of the error
	}{
		{"billion laughs", bomb.String(), "found an alias (*l9); anchors and aliases are not supported"},
		{"deep nesting", deep, "x.yaml:8: YAML syntax error: exceeded max depth of 10000"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start := time.Now()
			_, err := lexicon.Parse("x.yaml", []byte(tt.yaml))
			elapsed := time.Since(start)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
			assert.Less(t, elapsed, 5*time.Second, "hang guard")
			t.Logf("rejected in %v", elapsed)
		})
	}
}
