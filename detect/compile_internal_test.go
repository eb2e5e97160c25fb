package detect

import (
	"errors"
	"runtime"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/redflag-go/redflag/lexicon"
)

// errTaskFailed is what a task of TestRunTasks panics with on purpose.
var errTaskFailed = errors.New("this task fails on purpose")

// runTasks runs every task once, whatever GOMAXPROCS is, and a task's
// panic reaches the caller after the other tasks have finished.
func TestRunTasks(t *testing.T) {
	tests := []struct {
		name   string
		n      int
		panics int // index of the task that panics, or -1
	}{
		{"none", 0, -1},
		{"one", 1, -1},
		{"many", 50, -1},
		{"panic first", 9, 0},
		{"panic last", 9, 8},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var ran atomic.Int32
			tasks := make([]func(), tt.n)
			for i := range tasks {
				tasks[i] = func() {
					ran.Add(1)
					if i == tt.panics {
						panic(errTaskFailed)
					}
				}
			}
			if tt.panics < 0 {
				runTasks(tasks)
			} else {
				assert.PanicsWithValue(t, errTaskFailed, func() { runTasks(tasks) })
			}
			assert.Equal(t, int32(tt.n), ran.Load())
		})
	}
}

// The process-wide compile caches stay under their bound: past it they
// are emptied, and Compile works the same, however often that happens
// during it.
func TestCompileCacheLimit(t *testing.T) {
	lexs, err := lexicon.Builtin()
	require.NoError(t, err)
	ref, err := Compile(lexs)
	require.NoError(t, err)
	texts := []string{
		"This changes everything!!! Studies show 97% of experts agree. Tag a friend 🧵",
		"Esto es revolucionario. Según un estudio de Harvard, nadie te lo cuenta.",
		"We replaced the rotten floor joists over the weekend.",
	}
	defer func(old int64) { compileCacheLimit = old; forgetCompileCaches() }(compileCacheLimit)
	compileCacheLimit = 1000
	forgetCompileCaches()
	d, err := Compile(lexs)
	require.NoError(t, err)
	assert.LessOrEqual(t, compileCacheSize.Load(), compileCacheLimit)
	for _, text := range texts {
		want, err := ref.Score(text)
		require.NoError(t, err)
		got, err := d.Score(text)
		require.NoError(t, err)
		assert.Equal(t, want, got, text)
	}
}

// warmRegexes analyses the regexes of the entries the options keep, each
// once, and no others.
func TestWarmRegexes(t *testing.T) {
	lexs, err := lexicon.Builtin()
	require.NoError(t, err)
	countCached := func() (n int) {
		prefixCache.Range(func(_, _ any) bool { n++; return true })
		return n
	}
	regexes := map[literalKey]bool{}
	enRegexes := map[literalKey]bool{}
	for _, lex := range lexs {
		for _, e := range lex.Entries {
			for _, src := range e.Regex {
				regexes[literalKey{src, e.MatchCase}] = true
				if e.Lang == "en" {
					enRegexes[literalKey{src, e.MatchCase}] = true
				}
			}
		}
	}
	require.NotEmpty(t, enRegexes)
	tests := []struct {
		name string
		opts []Option
		want int
	}{
		{"all", nil, len(regexes)},
		{"english only", []Option{WithDisabled("*.es.*", "*.fr.*", "*.xx.*", "*.und.*")}, len(enRegexes)},
		{"none", []Option{WithDisabled("*")}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			forgetCompileCaches()
			var cfg config
			for _, o := range tt.opts {
				o(&cfg)
			}
			warmRegexes(lexs, &cfg)
			assert.Equal(t, tt.want, countCached())
			warmRegexes(lexs, &cfg) // everything is cached: nothing to do
			assert.Equal(t, tt.want, countCached())
		})
	}
}

// A small lexicon compiled after a large one costs what it costs alone:
// the memo of trie keys is sized by the lexicon, not by every word the
// process-wide caches have met.
func TestCompileAfterLargeLexicon(t *testing.T) {
	entry := func(id string, phrases ...string) lexicon.Entry {
		return lexicon.Entry{ID: id, Category: "hype", Lang: "en", Weight: 1, Message: "m", Source: "s",
			Phrases: phrases, Pos: lexicon.Position{File: "x.yaml", Line: 1}}
	}
	small := []*lexicon.Lexicon{{Name: "small.yaml", Entries: []lexicon.Entry{
		entry("hype.en.small", "game changer", "=Changes everything"),
	}}}
	var words []string
	for i := 0; i < 40000; i++ {
		w := []byte("zq")
		for n := i; n > 0 || len(w) < 5; n /= 26 {
			w = append(w, byte('a'+n%26))
		}
		words = append(words, string(w))
	}
	large := []*lexicon.Lexicon{{Name: "large.yaml", Entries: []lexicon.Entry{
		entry("hype.en.large", words...), entry("hype.en.exact", "=Changes "+words[len(words)-1]),
	}}}
	allocated := func(lexs []*lexicon.Lexicon) uint64 {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		_, err := Compile(lexs)
		require.NoError(t, err)
		runtime.ReadMemStats(&after)
		return after.TotalAlloc - before.TotalAlloc
	}
	forgetCompileCaches()
	allocated(small)
	alone := allocated(small)
	allocated(large)
	after := allocated(small)
	// 40,000 word ids in a slice would be 320 KB per memo.
	assert.Less(t, after, alone+64<<10, "alone %d B, after the large lexicon %d B", alone, after)
}

// Compiles with the same regexes share one literal automaton; other sets
// of regexes get their own, the same as a Compile from empty caches
// builds; and the cache keeps a few automata only.
func TestLiteralAutomatonCache(t *testing.T) {
	lexs, err := lexicon.Builtin()
	require.NoError(t, err)
	optionSets := [][]Option{
		nil,
		{WithDisabled("*.en.*")},
		{WithDisabled("engagement-bait.*")},
		{WithDisabled("hype.*")},
		{WithDisabled("fabricated-citation.*")},
		{WithDisabled("*.es.*")},
	}
	texts := []string{
		"This changes EVERYTHING!!! Tag a friend who needs to see this. Did I miss any? 🧵",
		"¡¡¡Esto lo cambia TOTALMENTE!!! Comenta SÍ si estás de acuerdo. Según un estudio de la Universidad de Springfield...",
		"As of my last knowledge update, Certainly, here is a possible introduction. doi:10.1234/abc",
	}
	scores := func(d *Detector) []Report {
		var out []Report
		for _, text := range texts {
			rep, err := d.Score(text)
			require.NoError(t, err)
			out = append(out, rep)
		}
		return out
	}
	forgetCompileCaches()
	var fresh [][]Report
	for _, opts := range optionSets {
		forgetCompileCaches()
		d, err := Compile(lexs, opts...)
		require.NoError(t, err)
		fresh = append(fresh, scores(d))
	}
	forgetCompileCaches()
	first, err := Compile(lexs)
	require.NoError(t, err)
	for i, opts := range optionSets {
		d, err := Compile(lexs, opts...)
		require.NoError(t, err)
		assert.Equal(t, fresh[i], scores(d), "options %d", i)
		if i == 0 {
			assert.Same(t, first.ac, d.ac, "the same regexes share an automaton")
		} else {
			assert.NotSame(t, first.ac, d.ac, "options %d: other regexes, another automaton", i)
		}
		acCache.Lock()
		assert.LessOrEqual(t, len(acCache.m), acCacheSize)
		acCache.Unlock()
	}
}
