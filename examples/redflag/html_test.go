package main

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/redflag-go/redflag/detect"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/html")

const htmlRules = "testdata/html/rules.yaml"

// TestHTMLGolden renders testdata/html/small.txt (overlapping categories,
// a negated match, hostile markup, an emoji) with the test lexicon and
// compares the page with testdata/html/small.html. After a deliberate
// change: go test ./examples/redflag -run HTMLGolden -update, then look
// at the page in a browser and review the diff.
func TestHTMLGolden(t *testing.T) {
	code, out, stderr := runCLI(t, "", "-no-builtin", "-lexicon", htmlRules, "-format", "html", "testdata/html/small.txt")
	require.Equal(t, 1, code, stderr)
	golden := "testdata/html/small.html"
	if *update {
		require.NoError(t, os.WriteFile(golden, []byte(out), 0o644))
	}
	want, err := os.ReadFile(golden)
	require.NoError(t, err, "missing golden file; run go test ./examples/redflag -run HTMLGolden -update")
	if !assert.Equal(t, string(want), out) {
		t.Log("run go test ./examples/redflag -run HTMLGolden -update after a deliberate change, and review the diff")
	}
}

// TestHTMLEscapes checks that hostile text in the input and in a file
// name comes out as text, never as markup.
func TestHTMLEscapes(t *testing.T) {
	dir := t.TempDir()
	name := filepath.Join(dir, `<img src=x onerror=alert(1)>.txt`)
	hostile := `<script>alert("x")</script> this changes everything <b onmouseover="alert(2)">did I miss any</b>?`
	require.NoError(t, os.WriteFile(name, []byte(hostile), 0o644))
	code, out, stderr := runCLI(t, "", "-no-builtin", "-lexicon", mini, "-format", "html", name)
	require.Equal(t, 1, code, stderr)
	absent := func(sub string) {
		t.Helper()
		assert.False(t, strings.Contains(out, sub), "the page contains %q", sub)
	}
	for _, bad := range []string{"<script", "<img", "<b onmouseover", "</b>?", "onerror=alert(1)>"} {
		absent(bad)
	}
	assert.Contains(t, out, `&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;`)
	assert.Contains(t, out, `&lt;img src=x onerror=alert(1)&gt;.txt`)
	assert.Contains(t, out, `&lt;b onmouseover=&#34;alert(2)&#34;&gt;`)
	// Self-contained: the page loads nothing.
	for _, ext := range []string{"<link", "http:", "https:", "@import", "url("} {
		absent(ext)
	}
}

// TestHTMLSections checks one page with a section per file, a table of
// contents, and -lines rows with their own verdicts.
func TestHTMLSections(t *testing.T) {
	dir := t.TempDir()
	a := filepath.Join(dir, "a.txt")
	b := filepath.Join(dir, "b.txt")
	require.NoError(t, os.WriteFile(a, []byte("quiet release notes\nthis changes everything\n"), 0o644))
	require.NoError(t, os.WriteFile(b, []byte("nothing to see"), 0o644))

	code, out, _ := runCLI(t, "", "-no-builtin", "-lexicon", mini, "-format", "html", a, b)
	require.Equal(t, 1, code)
	assert.Equal(t, 1, strings.Count(out, "<html"))
	assert.Contains(t, out, `<section class="card doc" id="f1">`)
	assert.Contains(t, out, `<section class="card doc" id="f2">`)
	assert.Contains(t, out, `<li><a href="#f1">`+a+`</a> <span class="verdict bad">flagged</span></li>`)
	assert.Contains(t, out, `<li><a href="#f2">`+b+`</a> <span class="verdict ok">clean</span></li>`)
	assert.Less(t, strings.Index(out, a+"</h2>"), strings.Index(out, b+"</h2>"), "argument order")
	assert.Contains(t, out, "2 texts scored, 1 flagged")

	code, out, _ = runCLI(t, "", "-no-builtin", "-lexicon", mini, "-format", "html", "-lines", a)
	require.Equal(t, 1, code)
	assert.Contains(t, out, "2 lines scored, 1 flagged")
	assert.Contains(t, out, `<div class="row" id="f1-L1">`)
	assert.Contains(t, out, `<div class="row hit flagged" id="f1-L2">`)
	assert.Contains(t, out, `<a href="#f1-m1">2:6</a>`)
}

// TestHTMLRows checks how the text is cut into highlighted pieces, with
// overlapping matches of different categories nested or crossing, matches
// over a line break, cancelled matches and empty spans.
func TestHTMLRows(t *testing.T) {
	m := func(cat string, start, end int, pts float64) detect.Match {
		return detect.Match{Rule: cat + ".en.r", Category: cat, Start: start, End: end, Contribution: pts, Weight: 1}
	}
	type piece struct{ text, classes string }
	tests := []struct {
		name    string
		text    string
		matches []detect.Match
		want    [][]piece // per line
		anchors []string  // per match: where the table links
	}{
		{
			name:    "crossing categories are split into three pieces",
			text:    "it changes everything tag a friend",
			matches: []detect.Match{m("hype", 3, 21, 1), m("engagement-bait", 11, 34, 1)},
			want: [][]piece{{{"it ", ""}, {"changes ", "hl a-c0"}, {"everything", "hl a-c0 b-c2 two"},
				{" tag a friend", "hl a-c2"}}},
			anchors: []string{"f1-m1", "f1-m2"},
		},
		{
			name:    "a match nested in another category's",
			text:    "share if this game changer helps",
			matches: []detect.Match{m("engagement-bait", 0, 32, 1), m("hype", 14, 26, 1)},
			want: [][]piece{{{"share if this ", "hl a-c2"}, {"game changer", "hl a-c0 b-c2 two"},
				{" helps", "hl a-c2"}}},
			anchors: []string{"f1-m1", "f1-m2"},
		},
		{
			name:    "three categories on one piece",
			text:    "abc",
			matches: []detect.Match{m("hype", 0, 3, 1), m("fabricated-citation", 0, 3, 1), m("engagement-bait", 1, 2, 1)},
			want:    [][]piece{{{"a", "hl a-c0 b-c1 two"}, {"b", "hl a-c0 b-c1 c-c2 three"}, {"c", "hl a-c0 b-c1 two"}}},
			anchors: []string{"f1-m1", "f1-m1", "f1-m3"},
		},
		{
			name:    "a match across a line break is cut at the break",
			text:    "He was not done.\r\nHe kept going.\n",
			matches: []detect.Match{m("engagement-bait", 11, 31, 1)},
			want:    [][]piece{{{"He was not ", ""}, {"done.", "hl a-c2"}}, {{"He kept going", "hl a-c2"}, {".", ""}}},
			anchors: []string{"f1-m1"},
		},
		{
			name:    "a cancelled match is dashed, unless a counted one covers it too",
			text:    "not a game changer",
			matches: []detect.Match{m("hype", 6, 18, 0), m("engagement-bait", 0, 10, 1)},
			want:    [][]piece{{{"not a ", "hl a-c2"}, {"game", "hl a-c2"}, {" changer", "hl a-c0 zero"}}},
			anchors: []string{"f1-m1", "f1-m2"},
		},
		{
			name:    "an empty span is listed, linked to its line",
			text:    "one\ntwo",
			matches: []detect.Match{m("hype", 5, 5, 1)},
			want:    [][]piece{{{"one", ""}}, {{"two", ""}}},
			anchors: []string{"f1-L2"},
		},
		{
			name: "empty text",
			text: "",
			want: [][]piece{nil},
		},
	}
	d, err := buildDetector(options{lexicons: multiFlag{htmlRules}, noBuiltin: true, threshold: detect.DefaultThreshold})
	require.NoError(t, err)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHTMLReport(d, options{})
			h.startSource(source{name: "x"})
			h.add(unit{input: input{file: "x", text: tt.text}, rep: detect.Report{Matches: tt.matches}})
			dc := h.Docs[0]
			var got [][]piece
			for _, row := range dc.Rows {
				var ps []piece
				for _, s := range row.Segs {
					ps = append(ps, piece{s.Text, s.Classes})
				}
				got = append(got, ps)
			}
			assert.Equal(t, tt.want, got)
			var anchors []string
			for _, mm := range dc.Matches {
				anchors = append(anchors, mm.Anchor)
			}
			assert.Equal(t, tt.anchors, anchors)
		})
	}
}
