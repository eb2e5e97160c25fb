package detect_test

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/redflag-go/redflag/detect"
	"github.com/redflag-go/redflag/lexicon"
)

// concurrencyTexts returns varied texts: the seed posts, a sample of the
// labeled texts of every language, and odd inputs.
func concurrencyTexts(t *testing.T) []string {
	t.Helper()
	texts := readLines(t, "../testdata/seed-posts.txt")
	files, err := filepath.Glob("../testdata/labeled/*/*.tsv")
	require.NoError(t, err)
	require.NotEmpty(t, files)
	for _, f := range files {
		for i, l := range readLines(t, f) {
			if _, text, ok := strings.Cut(l, "\t"); ok && !strings.HasPrefix(l, "#") && i%20 == 0 {
				texts = append(texts, text)
			}
		}
	}
	texts = append(texts,
		"", "!!!", "🔥🔥🔥🚀🚀🚀", "THIS CHANGES EVERYTHING!!! TAG A FRIEND 🧵", "a\xffb\x00c",
		"t.a.g a f.r.i.e.n.d", "rеvolutionary", "ch4nges 3verything", "مرحبا بالعالم", "this is not a game changer",
		strings.Repeat("This changes everything. ", 200),
	)
	return texts
}

func readLines(t *testing.T, path string) []string {
	t.Helper()
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		if l := sc.Text(); strings.TrimSpace(l) != "" {
			out = append(out, l)
		}
	}
	require.NoError(t, sc.Err())
	return out
}

// TestConcurrentScoringMatchesSequential shares one detector between many
// goroutines, each scoring every text in its own order with Score,
// ScoreTo (reusing its report) and ScoreReader, and checks every report
// equals the one scored sequentially. Run it with -race: it is there to
// catch shared state in the pooled scratch space, the stem caches and the
// lazily compiled regexes.
func TestConcurrentScoringMatchesSequential(t *testing.T) {
	fresh := func() *detect.Detector {
		// Not yet used by any test: its lazy state is built under load.
		lexs, err := lexicon.Builtin()
		require.NoError(t, err)
		d, err := detect.Compile(lexs)
		require.NoError(t, err)
		return d
	}
	detectors := []struct {
		name string
		d    func() *detect.Detector
	}{
		{"Default", detect.Default},
		{"fresh builtin", fresh},
	}
	texts := concurrencyTexts(t)
	goroutines, rounds := 16, 2
	if testing.Short() || raceEnabled {
		goroutines, rounds = 8, 1
	}
	for _, dt := range detectors {
		t.Run(dt.name, func(t *testing.T) {
			d := dt.d()
			// Concurrent first: the fresh detector warms up under load.
			type result struct {
				rep detect.Report
				err error
			}
			got := make([][]result, goroutines)
			var wg sync.WaitGroup
			for g := 0; g < goroutines; g++ {
				got[g] = make([]result, len(texts))
				wg.Add(1)
				go func(g int) {
					defer wg.Done()
					var reused detect.Report
					for round := 0; round < rounds; round++ {
						for k := range texts {
							i := (k*7 + g*13 + round) % len(texts) // a different order per goroutine
							var rep detect.Report
							var err error
							switch (g + k + round) % 3 {
							case 0:
								rep, err = d.Score(texts[i])
							case 1:
								err = d.ScoreTo(&reused, texts[i])
								rep = cloneReport(reused)
							default:
								rep, err = d.ScoreReader(strings.NewReader(texts[i]))
							}
							got[g][i] = result{rep, err}
						}
					}
					_ = d.Rules()
					_ = d.Categories()
				}(g)
			}
			wg.Wait()

			compared, timedOut := 0, 0
			for i, text := range texts {
				want, wantErr := d.Score(text)
				for g := range got {
					r := got[g][i]
					if wantErr != nil || r.err != nil {
						// A regex timeout depends on the load: such a
						// report may legitimately differ.
						timedOut++
						continue
					}
					compared++
					if !assert.Equal(t, normalize(want), normalize(r.rep), "goroutine %d, text %d %.80q", g, i, text) {
						return
					}
				}
			}
			t.Logf("%d texts x %d goroutines x %d rounds: %d reports compared, %d skipped after a regex timeout", len(texts), goroutines, rounds, compared, timedOut)
			assert.Greater(t, compared, 9*len(texts)*goroutines/10, "most reports must be compared")
		})
	}
}

// cloneReport copies a report whose slices ScoreTo will reuse.
func cloneReport(r detect.Report) detect.Report {
	r.Matches = append([]detect.Match(nil), r.Matches...)
	r.Categories = append([]detect.CategoryScore(nil), r.Categories...)
	return r
}

// TestConcurrentCompileMatchesSequential compiles the built-in lexicons
// in several goroutines at once, starting from empty process-wide caches
// (word stems, regex analyses, prefix automata), and checks that every
// detector scores like one compiled alone. Compile also builds its tries
// side by side; run it with -race.
func TestConcurrentCompileMatchesSequential(t *testing.T) {
	lexs, err := lexicon.Builtin()
	require.NoError(t, err)
	texts := concurrencyTexts(t)
	if testing.Short() {
		texts = texts[:20]
	}
	ref, err := detect.Compile(lexs)
	require.NoError(t, err)
	want := make([]detect.Report, len(texts))
	for i, text := range texts {
		want[i], err = ref.Score(text)
		require.NoError(t, err)
	}
	detect.ForgetCompileCaches()
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			d, err := detect.Compile(lexs)
			if !assert.NoError(t, err) {
				return
			}
			assert.Equal(t, ref.Rules(), d.Rules())
			for i, text := range texts {
				got, err := d.Score(text)
				assert.NoError(t, err)
				assert.Equal(t, want[i], got, "text %d", i)
			}
		}()
	}
	wg.Wait()
}
