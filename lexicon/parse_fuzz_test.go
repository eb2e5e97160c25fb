package lexicon_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/redflag-go/redflag/detect"
	"github.com/redflag-go/redflag/lexicon"
)

// FuzzParse checks that decoding a lexicon file never panics and always
// ends in one of two ways: a valid lexicon (every entry complete and in
// range), or an error whose every item names the file and a line. Parsing
// is deterministic, and a valid lexicon compiles (or fails with a located
// error) and scores its own examples without panicking. The seed corpus
// is in testdata/fuzz/FuzzParse; run with
// go test -run '^$' -fuzz '^FuzzParse$' ./lexicon.
func FuzzParse(f *testing.F) {
	f.Add([]byte(good))
	f.Add([]byte("entries: []\n"))
	f.Add([]byte("lang: en\nentries:\n  - id: a.en.b\n    weight: *x\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		const name = "fuzz.yaml"
		lex, err := lexicon.Parse(name, data)
		again, err2 := lexicon.Parse(name, data)
		require.Equal(t, lex, again, "Parse must be deterministic")
		require.Equal(t, err, err2, "Parse must be deterministic")
		if err != nil {
			require.Nil(t, lex, "a failed Parse returns no lexicon")
			list := lexicon.AsList(err)
			require.NotEmpty(t, list, "the error must be a lexicon.ErrorList: %v", err)
			for _, e := range list {
				require.Equal(t, name, e.Pos.File, "every problem names the file: %s", e)
				require.GreaterOrEqual(t, e.Pos.Line, 1, "every problem names a line: %s", e)
				require.True(t, strings.HasPrefix(e.Error(), name+":"), "message starts with file:line: %s", e)
				require.NotEmpty(t, strings.TrimSpace(e.Msg), "every problem says what is wrong")
			}
			return
		}
		require.NotNil(t, lex)
		checkValidLexicon(t, name, lex)

		// A valid lexicon compiles, or fails with located errors, and
		// scores its own examples without panicking.
		d, err := detect.Compile([]*lexicon.Lexicon{lex}, detect.WithRegexTimeout(20*time.Millisecond))
		if err != nil {
			for _, e := range lexicon.AsList(err) {
				require.Equal(t, name, e.Pos.File, "compile problem names the file: %s", e)
				require.NotEmpty(t, e.Entry, "compile problem names the entry: %s", e)
			}
			return
		}
		_ = detect.CheckExamples(d, lex)
	})
}

// checkValidLexicon asserts what Parse promises about a lexicon it
// returns without error.
func checkValidLexicon(t *testing.T, name string, lex *lexicon.Lexicon) {
	t.Helper()
	require.Equal(t, name, lex.Name)
	ids := map[string]bool{}
	for _, e := range lex.Entries {
		require.False(t, ids[e.ID], "duplicate id %q accepted", e.ID)
		ids[e.ID] = true
		require.NotEmpty(t, e.ID)
		require.NotEmpty(t, e.Category, "%s: category", e.ID)
		require.NotEmpty(t, e.Lang, "%s: lang", e.ID)
		require.Truef(t, e.Weight > 0 && e.Weight <= lexicon.MaxWeight, "%s: weight %v", e.ID, e.Weight)
		require.NotEmpty(t, strings.TrimSpace(e.Message), "%s: message", e.ID)
		require.NotEmpty(t, strings.TrimSpace(e.Source), "%s: source", e.ID)
		require.Truef(t, len(e.Phrases) > 0 || len(e.Regex) > 0 || e.Feature != "", "%s: nothing to match", e.ID)
		if e.Feature != "" {
			require.NotEmpty(t, lexicon.FeatureDoc(e.Feature), "%s: unknown feature %q", e.ID, e.Feature)
		}
		for _, p := range append(append([]string(nil), e.Phrases...), e.Unless...) {
			_, err := lexicon.ParsePhrase(p)
			require.NoError(t, err, "%s: phrase %q", e.ID, p)
		}
		for _, r := range e.Regex {
			require.NoError(t, lexicon.CheckRegex(r, e.MatchCase), "%s: regex %q", e.ID, r)
		}
		require.NotEmpty(t, e.Examples.Match, "%s: examples.match", e.ID)
		require.NotEmpty(t, e.Examples.NoMatch, "%s: examples.no_match", e.ID)
		for _, x := range append(append([]string(nil), e.Examples.Match...), e.Examples.NoMatch...) {
			require.NotEmpty(t, strings.TrimSpace(x), "%s: empty example", e.ID)
		}
		require.Equal(t, name, e.Pos.File)
		require.GreaterOrEqual(t, e.Pos.Line, 1, "%s: position", e.ID)
	}
}
