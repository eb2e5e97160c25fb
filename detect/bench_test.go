package detect_test

import (
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/redflag-go/redflag/detect"
	"github.com/redflag-go/redflag/internal/floor"
	"github.com/redflag-go/redflag/lexicon"
)

// Benchmarks run over committed public-domain prose (testdata/prose, see
// SOURCES.md there). Compare ratios within one run:
//
//	go test ./detect -run '^$' -bench . -benchmem -count 6 | tee bench.txt
//	benchstat bench.txt

var (
	proseOnce sync.Once
	prose     = map[string]string{}
)

func loadProse(b *testing.B, lang string) string {
	b.Helper()
	proseOnce.Do(func() {
		for _, l := range []string{"en", "es"} {
			f, err := os.Open(filepath.Join("..", "testdata", "prose", l+".txt.gz"))
			if err != nil {
				continue
			}
			zr, err := gzip.NewReader(f)
			if err == nil {
				data, _ := io.ReadAll(zr)
				prose[l] = string(data)
			}
			f.Close()
		}
	})
	p := prose[lang]
	if p == "" {
		b.Skipf("no prose for %s in testdata/prose", lang)
	}
	return p
}

func builtin(b *testing.B) (*detect.Detector, []*lexicon.Lexicon) {
	b.Helper()
	lexs, err := lexicon.Builtin()
	if err != nil || len(lexs) == 0 {
		b.Skipf("built-in lexicons unavailable: %v", err)
	}
	d, err := detect.Compile(lexs)
	if err != nil {
		b.Fatal(err)
	}
	return d, lexs
}

func BenchmarkFloor(b *testing.B) {
	for _, lang := range []string{"en", "es"} {
		b.Run(lang, func(b *testing.B) {
			text := loadProse(b, lang)
			var buf []byte
			var spans [][2]int32
			b.SetBytes(int64(len(text)))
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				buf, spans = floor.Tokens(text, buf, spans)
			}
		})
	}
}

// baselineRegexp is one case-insensitive stdlib alternation of the
// surface forms of every built-in phrase without gaps or wildcards.
func baselineRegexp(lexs []*lexicon.Lexicon) *regexp.Regexp {
	seen := map[string]bool{}
	var alts []string
	for _, lex := range lexs {
		for _, e := range lex.Entries {
			for _, p := range e.Phrases {
				if strings.Contains(p, "...") || strings.Contains(p, "…") || strings.Contains(p, "*") {
					continue
				}
				p = strings.ReplaceAll(p, "=", "")
				if !seen[p] {
					seen[p] = true
					alts = append(alts, regexp.QuoteMeta(p))
				}
			}
		}
	}
	sort.Slice(alts, func(i, j int) bool { return len(alts[i]) > len(alts[j]) })
	return regexp.MustCompile(`(?i)\b(?:` + strings.Join(alts, "|") + `)\b`)
}

func BenchmarkRegexpBaseline(b *testing.B) {
	_, lexs := builtin(b)
	re := baselineRegexp(lexs)
	text := loadProse(b, "en")[:4<<10] // the baseline is very slow: 4 KB is enough for MB/s
	b.SetBytes(int64(len(text)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		re.FindAllStringIndex(text, -1)
	}
}

func BenchmarkScore(b *testing.B) {
	d, _ := builtin(b)
	for _, lang := range []string{"en", "es"} {
		b.Run(lang, func(b *testing.B) {
			text := loadProse(b, lang)
			var r detect.Report
			b.SetBytes(int64(len(text)))
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				_ = d.ScoreTo(&r, text)
			}
		})
	}
}

// BenchmarkScoreSize shows that cost grows linearly with input size.
func BenchmarkScoreSize(b *testing.B) {
	d, _ := builtin(b)
	en := loadProse(b, "en")
	big := strings.Repeat(en, 1+(10<<20)/len(en))
	for _, size := range []struct {
		name string
		n    int
	}{{"10KB", 10 << 10}, {"1MB", 1 << 20}, {"10MB", 10 << 20}} {
		b.Run(size.name, func(b *testing.B) {
			text := big[:size.n]
			for !utf8.RuneStart(text[len(text)-1]) || text[len(text)-1] >= utf8.RuneSelf {
				text = text[:len(text)-1]
			}
			var r detect.Report
			b.SetBytes(int64(len(text)))
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				_ = d.ScoreTo(&r, text)
			}
		})
	}
}

// Two ~280-byte posts: one clean, one with red flags.
const (
	cleanPost = "Spent the weekend rebuilding the garden shed with my brother. We replaced the rotten floor joists, " +
		"added a small window for light and painted the door dark green. Next job is guttering before the autumn rain " +
		"arrives. Photos of the before and after are in the album."
	flaggedPost = "This changes EVERYTHING!!! The new model is a total game-changer and you're falling behind if you " +
		"are not using it yet. Experts agree it will replace all engineers in two more weeks. Tag a friend who needs " +
		"to see this and share if you agree! Did I miss any? 🧵"
)

func BenchmarkMessage(b *testing.B) {
	d, _ := builtin(b)
	for _, post := range []struct{ name, text string }{{"clean", cleanPost}, {"flagged", flaggedPost}} {
		b.Run(post.name, func(b *testing.B) {
			var r detect.Report
			_ = d.ScoreTo(&r, post.text)
			b.ReportAllocs()
			b.SetBytes(int64(len(post.text)))
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				_ = d.ScoreTo(&r, post.text)
			}
			b.ReportMetric(float64(len(r.Matches)), "matches")
		})
	}
}

func BenchmarkCompile(b *testing.B) {
	lexs, err := lexicon.Builtin()
	if err != nil || len(lexs) == 0 {
		b.Skip("built-in lexicons unavailable")
	}
	// Heap held by one compiled detector. A first compile from empty
	// caches fills the process-wide tables (stems, parsed phrases, regex
	// analyses, prefix and literal automata): heap-first-B is what the
	// process holds after it, detector and caches. The second compile
	// shares those tables, so heap-B is what a detector keeps of its own
	// (the literal automaton it shares with the first is not in it).
	var before, after runtime.MemStats
	detect.ForgetCompileCaches()
	runtime.GC()
	runtime.ReadMemStats(&before)
	first, err := detect.Compile(lexs)
	if err != nil {
		b.Fatal(err)
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	heapFirst := float64(after.HeapAlloc) - float64(before.HeapAlloc)
	runtime.GC()
	runtime.ReadMemStats(&before)
	d, err := detect.Compile(lexs)
	if err != nil {
		b.Fatal(err)
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	heap := float64(after.HeapAlloc) - float64(before.HeapAlloc)
	runtime.KeepAlive(d)
	runtime.KeepAlive(first)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := detect.Compile(lexs); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(heap, "heap-B")
	b.ReportMetric(heapFirst, "heap-first-B")
}

// BenchmarkCompileCold is Compile as the first one in a process: the
// caches of word stems, regex analyses and prefix automata that later
// Compile calls share are emptied before each.
func BenchmarkCompileCold(b *testing.B) {
	lexs, err := lexicon.Builtin()
	if err != nil || len(lexs) == 0 {
		b.Skip("built-in lexicons unavailable")
	}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		detect.ForgetCompileCaches()
		if _, err := detect.Compile(lexs); err != nil {
			b.Fatal(err)
		}
	}
}

// TestMessageAllocations pins the allocation behaviour the Message
// benchmark reports: once the detector is warm, scoring a post into a
// reused Report allocates nothing for a clean post, and for a post with
// matches only for what the report holds about them (their notes), at
// most once per reported match. (Counting allocations is deterministic;
// timing is left to the benchmarks.)
func TestMessageAllocations(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector adds allocations of its own")
	}
	lexs, err := lexicon.Builtin()
	require.NoError(t, err)
	d, err := detect.Compile(lexs)
	require.NoError(t, err)
	for _, tt := range []struct {
		name, post string
		flagged    bool
	}{{"clean", cleanPost, false}, {"flagged", flaggedPost, true}} {
		t.Run(tt.name, func(t *testing.T) {
			var r detect.Report
			_ = d.ScoreTo(&r, tt.post)
			require.Equal(t, tt.flagged, len(r.Matches) > 0, "matches: %d", len(r.Matches))
			allocs := testing.AllocsPerRun(50, func() { _ = d.ScoreTo(&r, tt.post) })
			assert.LessOrEqual(t, allocs, float64(len(r.Matches)), "allocations for a post with %d matches; want at most one per match", len(r.Matches))
		})
	}
}
