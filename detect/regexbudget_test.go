package detect

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/redflag-go/redflag/lexicon"
)

// TestBuiltinRegexesArePrefiltered keeps the built-in lexicons fast: every
// built-in regex must require a literal the prefilter can search for, so
// it only runs near that literal instead of over every text. A regex that
// cannot (a bare shape such as `\w+\.\s+\w+\.`) belongs in a feature or
// in phrases. The rule is structural, not timed.
func TestBuiltinRegexesArePrefiltered(t *testing.T) {
	lexs, err := lexicon.Builtin()
	require.NoError(t, err)
	d, err := Compile(lexs, WithRegexTimeout(10*time.Second))
	require.NoError(t, err)
	var without []string
	for i := range d.regexes {
		if rr := &d.regexes[i]; rr.lits == nil {
			without = append(without, d.rules[rr.rule].ID+" /"+rr.src+"/")
		}
	}
	assert.Empty(t, without, "built-in regexes with no selective literal: rewrite them as phrases, or give them a required literal")
}
