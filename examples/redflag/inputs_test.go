package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/redflag-go/redflag/detect"
)

// writeTree creates files under dir; a name ending in "/" is a directory.
func writeTree(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, body := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if strings.HasSuffix(name, "/") {
			require.NoError(t, os.MkdirAll(p, 0o755))
			continue
		}
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, []byte(body), 0o644))
	}
}

// TestWalkDir checks which files a directory argument yields, and in what
// order.
func TestWalkDir(t *testing.T) {
	dir := t.TempDir()
	long := strings.Repeat("é", sniffBytes) // valid UTF-8 cut inside a character at 8 KiB
	writeTree(t, dir, map[string]string{
		"b.txt":              "this changes everything",
		"a.md":               "# notes",
		"empty.txt":          "",
		"long.txt":           long,
		"sub/c.txt":          "did I miss any?",
		"sub/deeper/d.html":  "<p>text</p>",
		".hidden/x.txt":      "this changes everything",
		"sub/.e.txt":         "hidden file",
		".git/config":        "[core]",
		"image.png":          "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
		"latin1.txt":         "caf\xe9 cr\xe8me",
		"utf16.txt":          "\xff\xfet\x00h\x00i\x00s\x00",
		"sub/empty-dir/":     "",
		"sub/deeper/z.jsonl": `{"text":"ok"}`,
	})
	require.NoError(t, os.Symlink(filepath.Join(dir, "b.txt"), filepath.Join(dir, "link.txt")))

	srcs, err := expandArgs([]string{dir})
	require.NoError(t, err)
	var got []string
	for _, s := range srcs {
		rel, err := filepath.Rel(dir, s.name)
		require.NoError(t, err)
		got = append(got, filepath.ToSlash(rel))
	}
	assert.Equal(t, []string{"a.md", "b.txt", "empty.txt", "long.txt", "sub/c.txt", "sub/deeper/d.html", "sub/deeper/z.jsonl"}, got)
	assert.Equal(t, int64(len(long)), srcs[3].size)

	// A hidden directory named explicitly is walked; a binary file named
	// explicitly is scored as given.
	srcs, err = expandArgs([]string{filepath.Join(dir, ".hidden"), filepath.Join(dir, "image.png"), "-"})
	require.NoError(t, err)
	require.Len(t, srcs, 3)
	assert.Equal(t, filepath.Join(dir, ".hidden", "x.txt"), srcs[0].name)
	assert.Equal(t, filepath.Join(dir, "image.png"), srcs[1].name)
	assert.Equal(t, source{name: "-", size: -1}, srcs[2])

	_, err = expandArgs([]string{filepath.Join(dir, "nope")})
	assert.ErrorContains(t, err, "cannot read")
}

// TestWalkDirThroughLink: a directory argument that is a symbolic link to
// a directory is walked like the directory (it used to yield nothing, and
// the run exited 0, "clean"); links inside the tree are still skipped.
func TestWalkDirThroughLink(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, filepath.Join(dir, "real"), map[string]string{
		"a.txt":     "this changes everything",
		"sub/b.txt": "did I miss any?",
	})
	require.NoError(t, os.Symlink(filepath.Join(dir, "real", "a.txt"), filepath.Join(dir, "real", "inner-link.txt")))
	link := filepath.Join(dir, "link")
	require.NoError(t, os.Symlink(filepath.Join(dir, "real"), link))
	tests := []struct {
		name string
		arg  string
		want []string
	}{
		{"the directory", filepath.Join(dir, "real"), []string{"real/a.txt", "real/sub/b.txt"}},
		{"a link to it", link, []string{"link/a.txt", "link/sub/b.txt"}},
		{"a link to it, with a trailing separator", link + string(filepath.Separator), []string{"link/a.txt", "link/sub/b.txt"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srcs, err := expandArgs([]string{tt.arg})
			require.NoError(t, err)
			var got []string
			for _, s := range srcs {
				rel, err := filepath.Rel(dir, s.name)
				require.NoError(t, err)
				got = append(got, filepath.ToSlash(rel))
				assert.NotContains(t, s.name, string(filepath.Separator)+string(filepath.Separator), "paths stay clean")
			}
			assert.Equal(t, tt.want, got)
		})
	}
	var out bytes.Buffer
	code, err := run([]string{"-format", "jsonl", "-no-builtin", "-lexicon", mini, link}, strings.NewReader(""), &out, io.Discard, false)
	require.NoError(t, err)
	assert.Equal(t, 2, strings.Count(out.String(), "\n"), out.String())
	assert.Equal(t, 1, code, "the files behind the link are scored, and one is flagged")
}

func TestIsText(t *testing.T) {
	tests := []struct {
		name string
		b    string
		cut  bool
		want bool
	}{
		{"ascii", "hello", false, true},
		{"empty", "", false, true},
		{"utf-8", "¡Increíble! 🚀", false, true},
		{"NUL byte", "hel\x00lo", false, false},
		{"latin-1", "caf\xe9", false, false},
		{"character cut at the end of a sample", "caf\xc3", true, true},
		{"emoji cut after 3 of 4 bytes", "ok \xf0\x9f\x9a", true, true},
		{"the same bytes ending a whole file", "caf\xc3", false, false},
		{"invalid byte before the cut", "caf\xe9 ok", true, false},
		{"stray continuation byte at the cut", "ok\x80", true, false},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, isText([]byte(tt.b), tt.cut), tt.name)
	}
}

func TestEachLine(t *testing.T) {
	type line struct {
		text        string
		offset, raw int
	}
	tests := []struct {
		name string
		in   string
		want []line
	}{
		{"LF", "a\nbb\n", []line{{"a", 0, 2}, {"bb", 2, 3}}},
		{"CRLF and no final break", "a\r\nbb", []line{{"a", 0, 3}, {"bb", 3, 2}}},
		{"empty lines", "\n\nx", []line{{"", 0, 1}, {"", 1, 1}, {"x", 2, 1}}},
		{"lone CR stays", "a\rb\n", []line{{"a\rb", 0, 4}}},
		{"empty input", "", nil},
	}
	for _, tt := range tests {
		var got []line
		err := eachLine("x", strings.NewReader(tt.in), func(in input, offset, raw int) bool {
			assert.Equal(t, len(got)+1, in.line, tt.name)
			got = append(got, line{in.text, offset, raw})
			return true
		})
		require.NoError(t, err, tt.name)
		assert.Equal(t, tt.want, got, tt.name)
	}
}

// TestDirectoryArguments scores a walked directory end to end.
func TestDirectoryArguments(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{
		"one.txt":       "this changes everything",
		"two/two.txt":   "release notes",
		".skip/bad.txt": "this changes everything",
		"blob.bin":      "\x00\x01changes everything",
	})
	code, out, stderr := runCLI(t, "", "-no-builtin", "-lexicon", mini, "-format", "jsonl", dir)
	require.Equal(t, 1, code, stderr)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	require.Len(t, lines, 2)
	assert.Contains(t, lines[0], `"file":"`+filepath.Join(dir, "one.txt")+`"`)
	assert.Contains(t, lines[1], `"file":"`+filepath.Join(dir, "two", "two.txt")+`"`)
}

// TestParallelOrder checks that -j N gives exactly the output of -j 1, in
// argument and walk order, whatever order the workers finish in.
func TestParallelOrder(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{}
	var want []string
	for i := range 40 {
		// Early files are the longest, so that later ones finish first.
		body := strings.Repeat("plain words and then some more plain words. ", (40-i)*8)
		if i%3 == 0 {
			body += "\nthis changes everything"
		}
		name := fmt.Sprintf("d%d/f%02d.txt", i/10, i)
		files[name] = body
		want = append(want, filepath.Join(dir, filepath.FromSlash(name)))
	}
	writeTree(t, dir, files)
	extra := filepath.Join(t.TempDir(), "extra.txt")
	require.NoError(t, os.WriteFile(extra, []byte("Did I miss any?"), 0o644))
	want = append(want, "", extra) // "" is standard input

	for _, format := range []string{"jsonl", "text", "sarif", "html"} {
		t.Run(format, func(t *testing.T) {
			var outs []string
			for _, j := range []string{"1", "2", "8"} {
				args := []string{"-no-builtin", "-lexicon", mini, "-format", format, "-j", j, dir, "-", extra}
				code, out, stderr := runCLI(t, "stdin changes everything", args...)
				require.Equal(t, 1, code, stderr)
				outs = append(outs, out)
			}
			assert.Equal(t, outs[0], outs[1], "-j 2 differs from -j 1")
			assert.Equal(t, outs[0], outs[2], "-j 8 differs from -j 1")
			if format != "jsonl" {
				return
			}
			var got []string
			for _, l := range strings.Split(strings.TrimSpace(outs[2]), "\n") {
				var rec struct {
					File string `json:"file"`
				}
				require.NoError(t, json.Unmarshal([]byte(l), &rec))
				got = append(got, rec.File)
			}
			assert.Equal(t, want, got)
		})
	}
}

// TestParallelLines checks -lines with several workers: every line, in
// order, with line numbers per file.
func TestParallelLines(t *testing.T) {
	dir := t.TempDir()
	var a, b strings.Builder
	for i := range 300 {
		fmt.Fprintf(&a, "a line %d\n", i)
		fmt.Fprintf(&b, "b line %d changes everything\n", i)
	}
	writeTree(t, dir, map[string]string{"a.txt": a.String(), "b.txt": b.String()})
	code, out, stderr := runCLI(t, "", "-no-builtin", "-lexicon", mini, "-lines", "-j", "4", "-format", "jsonl", dir)
	require.Equal(t, 1, code, stderr)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	require.Len(t, lines, 600)
	for i, l := range lines {
		wantFile, wantLine := "a.txt", i+1
		if i >= 300 {
			wantFile, wantLine = "b.txt", i-299
		}
		assert.Contains(t, l, fmt.Sprintf(`%s","line":%d,`, wantFile, wantLine))
	}
}

// TestScorerStopsOnReadError checks that a source that cannot be read
// stops the run after the sources before it were emitted, and that no
// worker is left behind.
func TestScorerStopsOnReadError(t *testing.T) {
	dir := t.TempDir()
	var srcs []source
	for i := range 30 {
		name := filepath.Join(dir, fmt.Sprintf("f%02d.txt", i))
		if i != 3 {
			require.NoError(t, os.WriteFile(name, []byte("this changes everything"), 0o644))
		}
		srcs = append(srcs, source{name: name})
	}
	d, err := buildDetector(options{lexicons: multiFlag{mini}, noBuiltin: true, threshold: detect.DefaultThreshold})
	require.NoError(t, err)
	for _, jobs := range []int{1, 4} {
		sc := &scorer{d: d, jobs: jobs}
		var emitted []string
		err := sc.run(srcs, func(source) {}, func(u unit, _ bool) error {
			emitted = append(emitted, filepath.Base(u.file))
			return nil
		})
		require.ErrorContains(t, err, "f03.txt")
		assert.Equal(t, []string{"f00.txt", "f01.txt", "f02.txt"}, emitted, "jobs=%d", jobs)
	}

	// An error from emit stops the run too.
	sc := &scorer{d: d, jobs: 4}
	n := 0
	err = sc.run(srcs[4:], func(source) {}, func(unit, bool) error {
		n++
		if n == 2 {
			return io.ErrShortWrite
		}
		return nil
	})
	assert.ErrorIs(t, err, io.ErrShortWrite)
	assert.Equal(t, 2, n)
}

func TestJobsFlag(t *testing.T) {
	code, _, stderr := runCLI(t, "x", "-j", "0")
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, "-j 0")
}

// TestCoverageWalksDirectories checks that -coverage takes directories
// and -j like scoring does.
func TestCoverageWalksDirectories(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{"a.txt": "this changes everything", "b/b.txt": "Did I miss any?", ".h/c.txt": "wow!!!"})
	var out bytes.Buffer
	code, err := run([]string{"-no-builtin", "-lexicon", mini, "-coverage", "-format", "json", "-j", "2", dir}, strings.NewReader(""), &out, io.Discard, false)
	require.NoError(t, err)
	assert.Equal(t, 0, code)
	var rep coverageReport
	require.NoError(t, json.Unmarshal(out.Bytes(), &rep))
	assert.Equal(t, 2, rep.Texts)
	assert.Equal(t, 2, rep.Flagged)
	assert.Contains(t, rep.NeverFired, "hype.en.bang-run", "the hidden directory is skipped")
}

// TestLexiconFlagPaths: -lexicon (and -lint) read a symbolic link to a
// directory through the link (lexicon.LoadFiles alone loaded nothing from
// it, silently), and a directory with no lexicon file is an error rather
// than a run without the rules asked for.
func TestLexiconFlagPaths(t *testing.T) {
	dir := t.TempDir()
	real := filepath.Join(dir, "rules")
	require.NoError(t, os.MkdirAll(real, 0o755))
	b, err := os.ReadFile(mini)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(real, "mini.yaml"), b, 0o644))
	link := filepath.Join(dir, "current")
	require.NoError(t, os.Symlink(real, link))
	empty := filepath.Join(dir, "empty")
	require.NoError(t, os.MkdirAll(empty, 0o755))
	tests := []struct {
		name     string
		args     []string
		wantCode int
		wantOut  string // in standard output or standard error
		wantErr  string // in the returned error
	}{
		{"a directory", []string{"-no-builtin", "-lexicon", real}, 1, "hype.en.changes-everything", ""},
		{"a link to a directory", []string{"-no-builtin", "-lexicon", link}, 1, "hype.en.changes-everything", ""},
		{"a directory with no lexicon file", []string{"-lexicon", empty}, 2, "", empty + ": directory holds no lexicon files"},
		{"a path that is not there", []string{"-lexicon", filepath.Join(dir, "nope")}, 2, "", filepath.Join(dir, "nope") + ": cannot read"},
		{"-lint through a link", []string{"-lint", link}, 1, "in 1 file", ""}, // mini.yaml has findings
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			code, err := run(append([]string{"-format", "text"}, tt.args...), strings.NewReader("this changes everything"), &out, &out, false)
			assert.Equal(t, tt.wantCode, code, "%v", err)
			if tt.wantErr != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tt.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Contains(t, out.String(), tt.wantOut)
		})
	}
}
