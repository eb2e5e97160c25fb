package detect_test

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/redflag-go/redflag/detect"
	"github.com/redflag-go/redflag/lexicon"
)

// The quality report: precision, recall and F1 per category and language
// on our own labeled texts (testdata/labeled), the false-flag rate on
// neutral texts, built-in entries that never fire on their category's
// positives, and entries that fire on neutral texts.
//
//	go test ./detect -run Quality -v

// Regression floors, on our own labeled sets.
const (
	minPrecision       = 0.90
	maxNeutralFlagRate = 0.03
)

type labeled struct {
	lang   string
	labels map[string]bool // empty for neutral texts
	text   string
}

func loadLabeled(t testing.TB) []labeled {
	files, err := filepath.Glob("../testdata/labeled/*/*.tsv")
	require.NoError(t, err)
	require.NotEmpty(t, files)
	var out []labeled
	for _, f := range files {
		lang := filepath.Base(filepath.Dir(f))
		fh, err := os.Open(f)
		require.NoError(t, err)
		sc := bufio.NewScanner(fh)
		sc.Buffer(make([]byte, 1<<16), 1<<20)
		line := 0
		for sc.Scan() {
			line++
			l := sc.Text()
			if l == "" || strings.HasPrefix(l, "#") {
				continue
			}
			label, text, ok := strings.Cut(l, "\t")
			require.True(t, ok, "%s:%d: want label<TAB>text", f, line)
			item := labeled{lang: lang, labels: map[string]bool{}, text: text}
			for _, c := range strings.Split(label, ",") {
				if c = strings.TrimSpace(c); c != "neutral" {
					item.labels[c] = true
				}
			}
			out = append(out, item)
		}
		require.NoError(t, sc.Err())
		fh.Close()
	}
	return out
}

type counts struct{ tp, fp, fn int }

func (c counts) precision() float64 {
	if c.tp+c.fp == 0 {
		return 1
	}
	return float64(c.tp) / float64(c.tp+c.fp)
}

func (c counts) recall() float64 {
	if c.tp+c.fn == 0 {
		return 0
	}
	return float64(c.tp) / float64(c.tp+c.fn)
}

func (c counts) f1() float64 {
	p, r := c.precision(), c.recall()
	if p+r == 0 {
		return 0
	}
	return 2 * p * r / (p + r)
}

type quality struct {
	cells         map[[2]string]*counts // (category, lang)
	neutral       map[string]int        // lang -> neutral texts
	neutralFlag   map[string]int        // lang -> neutral texts flagged
	firedOnPos    map[string]bool       // rule ids that fired on a positive of their category
	firedNeutral  map[string]int        // rule id -> neutral texts it added points to
	neutralSample map[string]string     // rule id -> one neutral text
}

func measure(t testing.TB, d *detect.Detector, items []labeled) quality {
	q := quality{cells: map[[2]string]*counts{}, neutral: map[string]int{}, neutralFlag: map[string]int{},
		firedOnPos: map[string]bool{}, firedNeutral: map[string]int{}, neutralSample: map[string]string{}}
	cats := lexicon.Categories()
	for _, it := range items {
		r, err := d.Score(it.text)
		require.NoError(t, err)
		flagged := map[string]bool{}
		for _, c := range r.Categories {
			if c.Flagged {
				flagged[c.Category] = true
			}
		}
		for _, c := range cats {
			k := [2]string{c, it.lang}
			if q.cells[k] == nil {
				q.cells[k] = &counts{}
			}
			switch {
			case it.labels[c] && flagged[c]:
				q.cells[k].tp++
			case it.labels[c]:
				q.cells[k].fn++
			case flagged[c]:
				q.cells[k].fp++
			}
		}
		if len(it.labels) == 0 {
			q.neutral[it.lang]++
			if r.Flagged {
				q.neutralFlag[it.lang]++
			}
		}
		for _, m := range r.Matches {
			if m.Contribution <= 0 {
				continue
			}
			if it.labels[m.Category] {
				q.firedOnPos[m.Rule] = true
			}
			if len(it.labels) == 0 {
				q.firedNeutral[m.Rule]++
				q.neutralSample[m.Rule] = it.text
			}
		}
	}
	return q
}

func (q quality) table() string {
	var b strings.Builder
	fmt.Fprintf(&b, "| category | lang | precision | recall | F1 | TP | FP | FN |\n|---|---|---|---|---|---|---|---|\n")
	keys := make([][2]string, 0, len(q.cells))
	for k := range q.cells {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if keys[i][0] != keys[j][0] {
			return keys[i][0] < keys[j][0]
		}
		return keys[i][1] < keys[j][1]
	})
	for _, k := range keys {
		c := q.cells[k]
		fmt.Fprintf(&b, "| %s | %s | %.3f | %.3f | %.3f | %d | %d | %d |\n", k[0], k[1], c.precision(), c.recall(), c.f1(), c.tp, c.fp, c.fn)
	}
	fmt.Fprintf(&b, "\n| lang | neutral texts | flagged | false-flag rate |\n|---|---|---|---|\n")
	langs := make([]string, 0, len(q.neutral))
	for l := range q.neutral {
		langs = append(langs, l)
	}
	sort.Strings(langs)
	for _, l := range langs {
		fmt.Fprintf(&b, "| %s | %d | %d | %.2f%% |\n", l, q.neutral[l], q.neutralFlag[l], 100*float64(q.neutralFlag[l])/float64(q.neutral[l]))
	}
	return b.String()
}

func TestQuality(t *testing.T) {
	if raceEnabled {
		t.Skip("corpus-sized: runs in the plain test pass, not under -race")
	}
	lexs, err := lexicon.Builtin()
	require.NoError(t, err)
	d, err := detect.Compile(lexs, detect.WithRegexTimeout(10*time.Second))
	require.NoError(t, err)
	items := loadLabeled(t)
	q := measure(t, d, items)
	t.Logf("quality at the default threshold %.2f:\n%s", detect.DefaultThreshold, q.table())

	// Entries that never fire on their own category's positives.
	var never []string
	perCell := map[string]int{}
	for _, lex := range lexs {
		for _, e := range lex.Entries {
			if !q.firedOnPos[e.ID] {
				never = append(never, e.ID)
				perCell[e.Category+"/"+e.Lang]++
			}
		}
	}
	t.Logf("%d built-in entries never fire on their category's labeled positives (per category/lang: %v); first ones: %s",
		len(never), perCell, strings.Join(first(never, 25), ", "))
	var noisy []string
	for id, n := range q.firedNeutral {
		noisy = append(noisy, fmt.Sprintf("%s (%d, e.g. %q)", id, n, q.neutralSample[id]))
	}
	sort.Strings(noisy)
	t.Logf("%d entries add points on neutral texts:\n  %s", len(noisy), strings.Join(noisy, "\n  "))

	if os.Getenv("REDFLAG_QUALITY_CONTEXT") != "" {
		dn, err := detect.Compile(lexs, detect.WithContext(false), detect.WithRegexTimeout(10*time.Second))
		require.NoError(t, err)
		qn := measure(t, dn, items)
		t.Logf("without context handling (negation, quotation, hedges, exceptions):\n%s", qn.table())
	}

	for k, c := range q.cells {
		if c.tp+c.fn == 0 {
			continue
		}
		assert.GreaterOrEqual(t, c.precision(), minPrecision, "precision of %s/%s", k[0], k[1])
	}
	for l, n := range q.neutral {
		assert.LessOrEqual(t, float64(q.neutralFlag[l])/float64(n), maxNeutralFlagRate, "neutral false-flag rate for %s", l)
	}
}

func first(s []string, n int) []string {
	if len(s) > n {
		return s[:n]
	}
	return s
}
