package detect_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/redflag-go/redflag/detect"
	"github.com/redflag-go/redflag/lexicon"
)

// TestBadExamplesGolden checks the files of testdata/bad-lexicons that the
// loader accepts but detect rejects: *.examples.yaml files whose phrases
// cannot be compiled, or whose examples contradict their entries (a match
// text that is not flagged, a no_match text that is, an example on which a
// catastrophic regex runs out of time). Each file is compiled on its own,
// and the compile error or the example failures, one per line, are
// compared with the golden file *.examples.golden. Run with -update to
// rewrite the golden files after a deliberate change.
//
// The loader-level files (*.yaml without .examples) are checked by
// TestBadLexiconsGolden in package lexicon.
func TestBadExamplesGolden(t *testing.T) {
	files, err := filepath.Glob("../testdata/bad-lexicons/*.examples.yaml")
	require.NoError(t, err)
	require.NotEmpty(t, files)
	for _, f := range files {
		name := filepath.Base(f)
		t.Run(name, func(t *testing.T) {
			lexs, err := lexicon.LoadFS(os.DirFS("../testdata"), "bad-lexicons/"+name)
			require.NoError(t, err, "an .examples.yaml file must load; loader errors belong in a plain .yaml file")
			start := time.Now()
			got := badExamplesReport(t, lexs)
			// A hang guard, not a speed test: the catastrophic regexes
			// must be stopped by their timeout.
			assert.Less(t, time.Since(start), 30*time.Second, "checking the examples must be bounded by the regex timeout")
			require.NotEmpty(t, got, "a bad file must be rejected by Compile or by CheckExamples")
			for _, line := range strings.Split(strings.TrimSpace(got), "\n") {
				assert.True(t, strings.HasPrefix(line, "bad-lexicons/"+name+":"), "each problem must name file:line: %s", line)
			}
			golden := strings.TrimSuffix(f, ".yaml") + ".golden"
			if *update {
				require.NoError(t, os.WriteFile(golden, []byte(got), 0o644))
			}
			want, err := os.ReadFile(golden)
			require.NoError(t, err, "missing golden file; run go test ./detect -run BadExamplesGolden -update")
			assert.Equal(t, string(want), got)
		})
	}
}

// badExamplesReport compiles lexs alone and returns the compile error, or
// else every failing example, one per line; "" when all is well.
func badExamplesReport(t *testing.T, lexs []*lexicon.Lexicon) string {
	t.Helper()
	// A fixed timeout keeps the golden messages independent of the default.
	d, err := detect.Compile(lexs, detect.WithRegexTimeout(100*time.Millisecond))
	if err != nil {
		for _, e := range lexicon.AsList(err) {
			assert.NotEmpty(t, e.Entry, "a compile error must name the entry: %s", e)
			assert.Positive(t, e.Pos.Line, "a compile error must name the line: %s", e)
		}
		return err.Error() + "\n"
	}
	var b strings.Builder
	for _, f := range detect.CheckExamples(d, lexs...) {
		b.WriteString(f.Error())
		b.WriteString("\n")
	}
	return b.String()
}
