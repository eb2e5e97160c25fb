package detect_test

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"flag"
	"fmt"
	"io"
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

var update = flag.Bool("update", false, "rewrite golden files in testdata/golden")

func builtinDetector(t testing.TB) *detect.Detector {
	t.Helper()
	lexs, err := lexicon.Builtin()
	require.NoError(t, err)
	d, err := detect.Compile(lexs, detect.WithRegexTimeout(10*time.Second))
	require.NoError(t, err)
	return d
}

// golden compares got with testdata/golden/name, or rewrites it with
// -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("..", "testdata", "golden", name)
	if strings.HasSuffix(name, ".gz") {
		var b bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&b, gzip.BestCompression)
		zw.Write(got)
		zw.Close()
		if *update {
			require.NoError(t, os.WriteFile(path, b.Bytes(), 0o644))
		}
		f, err := os.Open(path)
		require.NoError(t, err, "missing golden file; run go test ./detect -run Golden -update")
		defer f.Close()
		zr, err := gzip.NewReader(f)
		require.NoError(t, err)
		want, err := io.ReadAll(zr)
		require.NoError(t, err)
		if !assert.Equal(t, string(want), string(got)) {
			t.Log("run go test ./detect -run Golden -update after a deliberate change, and review the diff")
		}
		return
	}
	if *update {
		require.NoError(t, os.WriteFile(path, got, 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "missing golden file; run go test ./detect -run Golden -update")
	assert.Equal(t, string(want), string(got), "run go test ./detect -run Golden -update after a deliberate change")
}

// TestGoldenSeedPosts explains every line of the seed posts, and the whole
// file as one text, with the built-in lexicons.
func TestGoldenSeedPosts(t *testing.T) {
	d := builtinDetector(t)
	data, err := os.ReadFile("../testdata/seed-posts.txt")
	require.NoError(t, err)
	var b bytes.Buffer
	for i, line := range strings.Split(strings.TrimRight(string(data), "\n"), "\n") {
		r, err := d.Score(line)
		require.NoError(t, err)
		if len(r.Matches) == 0 {
			continue
		}
		fmt.Fprintf(&b, "== seed-posts.txt:%d %s\n", i+1, line)
		require.NoError(t, r.Explain(&b))
		b.WriteString("\n")
	}
	r, err := d.Score(string(data))
	require.NoError(t, err)
	b.WriteString("== seed-posts.txt (whole file)\n")
	require.NoError(t, r.Explain(&b))
	golden(t, "seed-posts.explain.txt", b.Bytes())
}

// TestGoldenLabeledReports records, for every labeled text, the score and
// every match (rule, span, contribution): any change to matching or
// scoring shows up here, so speed work can prove it changed nothing.
func TestGoldenLabeledReports(t *testing.T) {
	if raceEnabled {
		t.Skip("corpus-sized: runs in the plain test pass, not under -race")
	}
	d := builtinDetector(t)
	files, err := filepath.Glob("../testdata/labeled/*/*.tsv")
	require.NoError(t, err)
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	type m struct {
		Rule  string  `json:"r"`
		Start int     `json:"s"`
		End   int     `json:"e"`
		C     float64 `json:"c"`
	}
	for _, f := range files {
		fh, err := os.Open(f)
		require.NoError(t, err)
		sc := bufio.NewScanner(fh)
		n := 0
		for sc.Scan() {
			n++
			_, text, ok := strings.Cut(sc.Text(), "\t")
			if !ok || strings.HasPrefix(sc.Text(), "#") {
				continue
			}
			r, err := d.Score(text)
			require.NoError(t, err)
			rec := struct {
				Where   string  `json:"at"`
				Score   float64 `json:"score"`
				Matches []m     `json:"m,omitempty"`
			}{Where: fmt.Sprintf("%s:%d", filepath.ToSlash(strings.TrimPrefix(f, "../testdata/")), n), Score: round4(r.Score)}
			for _, x := range r.Matches {
				rec.Matches = append(rec.Matches, m{x.Rule, x.Start, x.End, round4(x.Contribution)})
			}
			require.NoError(t, enc.Encode(rec))
		}
		fh.Close()
	}
	golden(t, "labeled-reports.jsonl.gz", b.Bytes())
}

func round4(f float64) float64 { return float64(int64(f*10000+0.5)) / 10000 }
