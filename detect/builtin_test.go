package detect_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/redflag-go/redflag/detect"
	"github.com/redflag-go/redflag/lexicon"
)

// TestBuiltinLoads checks that every built-in lexicon file parses and
// compiles; failures name file, line and entry.
func TestBuiltinLoads(t *testing.T) {
	lexs, err := lexicon.Builtin()
	require.NoError(t, err, "built-in lexicons must load")
	require.NotEmpty(t, lexs)
	_, err = detect.Compile(lexs, detect.WithRegexTimeout(10*time.Second))
	require.NoError(t, err, "built-in lexicons must compile")
}

// TestBuiltinExamples checks every match and no_match example of every
// built-in entry against the detector compiled from all built-ins.
func TestBuiltinExamples(t *testing.T) {
	lexs, err := lexicon.Builtin()
	require.NoError(t, err)
	d, err := detect.Compile(lexs, detect.WithRegexTimeout(10*time.Second))
	require.NoError(t, err)
	for _, lex := range lexs {
		t.Run(lex.Name, func(t *testing.T) {
			for _, f := range detect.CheckExamples(d, lex) {
				assert.Fail(t, "example", f.Error())
			}
		})
	}
}

// TestBuiltinCuration holds the built-in lexicons to the curation rules
// of lexicon/README.md: a message and a source, at least two match
// examples and at least one no_match near-miss per entry.
func TestBuiltinCuration(t *testing.T) {
	lexs, err := lexicon.Builtin()
	require.NoError(t, err)
	for _, lex := range lexs {
		for _, e := range lex.Entries {
			assert.NotEmpty(t, e.Message, "%s: %s: message", e.Pos, e.ID)
			assert.NotEmpty(t, e.Source, "%s: %s: source", e.Pos, e.ID)
			assert.GreaterOrEqual(t, len(e.Examples.Match), 2, "%s: %s: needs at least two match examples", e.Pos, e.ID)
			assert.GreaterOrEqual(t, len(e.Examples.NoMatch), 1, "%s: %s: needs a no_match near-miss", e.Pos, e.ID)
		}
	}
}
