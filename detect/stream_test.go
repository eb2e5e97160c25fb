package detect_test

import (
	"os"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/redflag-go/redflag/detect"
)

type span struct {
	rule       string
	start, end int
}

func phraseSpans(r detect.Report) []span {
	var out []span
	for _, m := range r.Matches {
		if m.Kind == "feature" {
			continue // whole-text features are judged per chunk
		}
		out = append(out, span{m.Rule, m.Start, m.End})
	}
	return out
}

func TestScoreReaderMatchesScore(t *testing.T) {
	d := testDetector(t)
	seed, err := os.ReadFile("../testdata/seed-posts.txt")
	require.NoError(t, err)
	unit := string(seed) + "They keep changing everything with these game-changers. Share this now if you agree!!!\n"
	long := strings.Repeat(unit, 1+3*detect.StreamChunk/len(unit))
	noLines := strings.ReplaceAll(long, "\n", " ")
	for name, text := range map[string]string{"lines": long, "one long line": noLines, "short": unit} {
		t.Run(name, func(t *testing.T) {
			want, err := d.Score(text)
			require.NoError(t, err)
			for rname, rd := range map[string]func() *strings.Reader{"reader": func() *strings.Reader { return strings.NewReader(text) }} {
				got, err := d.ScoreReader(rd())
				require.NoError(t, err, rname)
				assert.Equal(t, phraseSpans(want), phraseSpans(got))
				assert.Equal(t, want.Words, got.Words)
				for _, m := range got.Matches {
					assert.Equal(t, text[m.Start:m.End], m.Text)
				}
			}
			got, err := d.ScoreReader(iotest.OneByteReader(strings.NewReader(text)))
			require.NoError(t, err)
			assert.Equal(t, phraseSpans(want), phraseSpans(got))
		})
	}
}

func TestScoreTooLarge(t *testing.T) {
	d := testDetector(t)
	_, err := d.Score(strings.Repeat("a", detect.MaxInputBytes+1))
	var ie *detect.InputError
	require.ErrorAs(t, err, &ie)
	assert.Contains(t, err.Error(), "use ScoreReader")
}
