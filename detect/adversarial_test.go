package detect_test

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/redflag-go/redflag/detect"
)

// The adversarial set (testdata/adversarial/<lang>.tsv) is built from our
// labeled positives: for every positive the detector flags, the words it
// matched are disguised once per kind of obfuscation. Rebuild it after a
// lexicon change with
//
//	go test ./detect -run Adversarial -update
//
// The test then requires, per language and kind, that recall on the
// disguised texts is at least 95 % of recall on the originals, and that
// every span still points at the disguised text.

type obfuscation struct {
	name  string
	apply func(word string) string
}

var cyrillic = map[rune]rune{'a': 'а', 'e': 'е', 'o': 'о', 'p': 'р', 'c': 'с', 'x': 'х', 'y': 'у', 'i': 'і'}

var obfuscations = []obfuscation{
	{"homoglyph", func(w string) string {
		// Replace every other look-alike letter, keeping some Latin ones.
		var b strings.Builder
		n := 0
		for _, r := range w {
			if c, ok := cyrillic[r]; ok && n%2 == 0 {
				b.WriteRune(c)
				n++
				continue
			} else if ok {
				n++
			}
			b.WriteRune(r)
		}
		return b.String()
	}},
	{"leetspeak", func(w string) string {
		leet := map[rune]rune{'a': '4', 'e': '3', 'o': '0', 'i': '1', 's': '$'}
		var b strings.Builder
		letters := 0
		for _, r := range w {
			if unicode.IsLetter(r) {
				letters++
			}
		}
		done := 0
		for _, r := range w {
			if c, ok := leet[unicode.ToLower(r)]; ok && letters-done > 1 && done < 2 {
				b.WriteRune(c)
				done++
				continue
			}
			b.WriteRune(r)
		}
		return b.String()
	}},
	{"spaced", func(w string) string {
		var b strings.Builder
		for i, r := range w {
			if i > 0 {
				b.WriteByte(' ')
			}
			b.WriteRune(r)
		}
		return b.String()
	}},
	{"stretched", func(w string) string {
		// Repeat the last vowel four more times.
		rs := []rune(w)
		for i := len(rs) - 1; i >= 0; i-- {
			if strings.ContainsRune("aeiouAEIOU", rs[i]) {
				return string(rs[:i+1]) + strings.Repeat(string(rs[i]), 4) + string(rs[i+1:])
			}
		}
		return w
	}},
	{"zero-width", func(w string) string {
		rs := []rune(w)
		if len(rs) < 2 {
			return w
		}
		return string(rs[:len(rs)/2]) + "\u200b" + string(rs[len(rs)/2:])
	}},
	{"full-width", func(w string) string {
		var b strings.Builder
		for _, r := range w {
			if r > ' ' && r < 0x7f {
				r += 0xFEE0
			}
			b.WriteRune(r)
		}
		return b.String()
	}},
}

// disguise applies an obfuscation to every word inside the given spans of
// text (words separated by spaces keep double spaces when spaced out).
func disguise(text string, spans [][2]int, o obfuscation) string {
	sort.Slice(spans, func(i, j int) bool { return spans[i][0] < spans[j][0] })
	var b strings.Builder
	last := 0
	for _, sp := range spans {
		if sp[0] < last {
			continue
		}
		b.WriteString(text[last:sp[0]])
		seg := text[sp[0]:sp[1]]
		words := strings.FieldsFunc(seg, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
		out := seg
		pos := 0
		var ob strings.Builder
		for _, w := range words {
			i := strings.Index(out[pos:], w) + pos
			ob.WriteString(out[pos:i])
			if utf8.RuneCountInString(w) >= 3 {
				ob.WriteString(o.apply(w))
			} else {
				ob.WriteString(w)
			}
			pos = i + len(w)
		}
		ob.WriteString(out[pos:])
		res := ob.String()
		if o.name == "spaced" {
			res = strings.ReplaceAll(res, " ", " ") // keep as is: words inside are single-spaced
		}
		b.WriteString(res)
		last = sp[1]
	}
	b.WriteString(text[last:])
	return b.String()
}

func flaggedCats(r detect.Report) map[string]bool {
	out := map[string]bool{}
	for _, c := range r.Categories {
		if c.Flagged {
			out[c.Category] = true
		}
	}
	return out
}

func TestAdversarial(t *testing.T) {
	if raceEnabled {
		t.Skip("corpus-sized: runs in the plain test pass, not under -race")
	}
	d := builtinDetector(t)
	dir := filepath.Join("..", "testdata", "adversarial")
	if *update {
		require.NoError(t, os.MkdirAll(dir, 0o755))
		items := loadLabeled(t)
		byLang := map[string][]string{}
		for _, it := range items {
			if len(it.labels) == 0 {
				continue
			}
			r, err := d.Score(it.text)
			require.NoError(t, err)
			var spans [][2]int
			for _, m := range r.Matches {
				if m.Contribution > 0 && it.labels[m.Category] && m.Kind == "phrase" {
					spans = append(spans, [2]int{m.Start, m.End})
				}
			}
			if len(spans) == 0 {
				continue
			}
			var labels []string
			for l := range it.labels {
				labels = append(labels, l)
			}
			sort.Strings(labels)
			for _, o := range obfuscations {
				dis := disguise(it.text, append([][2]int(nil), spans...), o)
				if dis == it.text || strings.ContainsAny(dis, "\t\n") {
					continue
				}
				byLang[it.lang] = append(byLang[it.lang], strings.Join([]string{o.name, strings.Join(labels, ","), it.text, dis}, "\t"))
			}
		}
		for lang, lines := range byLang {
			head := "# kind\tlabels\toriginal\tdisguised — generated by go test ./detect -run Adversarial -update\n"
			require.NoError(t, os.WriteFile(filepath.Join(dir, lang+".tsv"), []byte(head+strings.Join(lines, "\n")+"\n"), 0o644))
		}
	}
	files, err := filepath.Glob(filepath.Join(dir, "*.tsv"))
	require.NoError(t, err)
	require.NotEmpty(t, files, "no adversarial set; run go test ./detect -run Adversarial -update")
	type tally struct{ clean, disguised, total int }
	tallies := map[string]*tally{}
	var keys []string
	for _, f := range files {
		lang := strings.TrimSuffix(filepath.Base(f), ".tsv")
		fh, err := os.Open(f)
		require.NoError(t, err)
		sc := bufio.NewScanner(fh)
		sc.Buffer(make([]byte, 1<<16), 1<<20)
		for sc.Scan() {
			line := sc.Text()
			if strings.HasPrefix(line, "#") || line == "" {
				continue
			}
			parts := strings.Split(line, "\t")
			require.Len(t, parts, 4, "%s: %q", f, line)
			kind, labels, orig, dis := parts[0], parts[1], parts[2], parts[3]
			key := lang + "/" + kind
			if tallies[key] == nil {
				tallies[key] = &tally{}
				keys = append(keys, key)
			}
			tl := tallies[key]
			ro, err := d.Score(orig)
			require.NoError(t, err)
			rd, err := d.Score(dis)
			require.NoError(t, err)
			fo, fd := flaggedCats(ro), flaggedCats(rd)
			for _, l := range strings.Split(labels, ",") {
				tl.total++
				if fo[l] {
					tl.clean++
				}
				if fd[l] {
					tl.disguised++
				}
			}
			for _, m := range rd.Matches {
				require.Equal(t, dis[m.Start:m.End], m.Text, "span of %s in %q", m.Rule, dis)
			}
		}
		require.NoError(t, sc.Err())
		fh.Close()
	}
	sort.Strings(keys)
	var report strings.Builder
	fmt.Fprintf(&report, "| lang/kind | texts | recall clean | recall disguised | ratio |\n|---|---|---|---|---|\n")
	for _, k := range keys {
		tl := tallies[k]
		rc := float64(tl.clean) / float64(tl.total)
		rdis := float64(tl.disguised) / float64(tl.total)
		fmt.Fprintf(&report, "| %s | %d | %.3f | %.3f | %.3f |\n", k, tl.total, rc, rdis, rdis/rc)
		assert.GreaterOrEqual(t, rdis, 0.95*rc, "%s: recall on disguised texts %.3f < 95%% of %.3f", k, rdis, rc)
	}
	t.Logf("adversarial recall:\n%s", report.String())
}
