package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// manyFiles writes n small files and returns their directory.
func manyFiles(t *testing.T, n int) string {
	t.Helper()
	dir := t.TempDir()
	for i := range n {
		body := fmt.Sprintf("post %d: this changes everything\n", i)
		require.NoError(t, os.WriteFile(filepath.Join(dir, fmt.Sprintf("p%03d.txt", i)), []byte(body), 0o644))
	}
	return dir
}

// showProgressAtOnce makes the bar appear without its usual delay.
func showProgressAtOnce(t *testing.T) {
	old := progressDelay
	progressDelay = 0
	t.Cleanup(func() { progressDelay = old })
}

// TestProgressSilentWhenNotATerminal checks that nothing at all is
// written to a standard error that is not a terminal (a pipe, a file),
// even for work that would show a bar on one.
func TestProgressSilentWhenNotATerminal(t *testing.T) {
	showProgressAtOnce(t)
	dir := manyFiles(t, 3*progressMinFiles)
	file, err := os.Create(filepath.Join(t.TempDir(), "stderr.txt"))
	require.NoError(t, err)
	defer file.Close()
	tests := []struct {
		name   string
		stderr io.Writer
		read   func() string
	}{
		{"buffer", &bytes.Buffer{}, nil},
		{"regular file", file, func() string { b, _ := os.ReadFile(file.Name()); return string(b) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, args := range [][]string{
				{"-no-builtin", "-lexicon", mini, "-format", "jsonl", dir},
				{"-no-builtin", "-lexicon", mini, "-lines", "-format", "sarif", dir},
				{"-no-builtin", "-lexicon", mini, "-coverage", dir},
			} {
				code, err := run(args, strings.NewReader(""), io.Discard, tt.stderr, false)
				require.NoError(t, err)
				assert.NotEqual(t, 2, code)
			}
			got := ""
			if b, ok := tt.stderr.(*bytes.Buffer); ok {
				got = b.String()
			} else {
				got = tt.read()
			}
			assert.Empty(t, got)
		})
	}
	assert.Nil(t, newProgress(&bytes.Buffer{}, []source{{name: "x", size: 1 << 30}}))
}

// TestProgressOnTerminal runs the tool with a pseudo-terminal as standard
// error and checks that the bar is drawn there, then erased.
func TestProgressOnTerminal(t *testing.T) {
	master, tty := openPTY(t)
	showProgressAtOnce(t)
	dir := manyFiles(t, 2*progressMinFiles)

	read := make(chan string)
	go func() {
		var b bytes.Buffer
		_, _ = io.Copy(&b, master) // ends with EIO once tty is closed
		read <- b.String()
	}()
	var out bytes.Buffer
	code, err := run([]string{"-no-builtin", "-lexicon", mini, "-j", "1", "-format", "jsonl", dir}, strings.NewReader(""), &out, tty, false)
	require.NoError(t, err)
	assert.Equal(t, 1, code)
	require.NoError(t, tty.Close())
	var screen string
	select {
	case screen = <-read:
	case <-time.After(5 * time.Second):
		t.Fatal("no output from the terminal")
	}
	master.Close()
	t.Logf("terminal output: %q", screen)
	assert.Contains(t, screen, "scoring ")
	assert.Contains(t, screen, "files")
	assert.True(t, strings.HasSuffix(screen, "\r"), "the bar is erased at the end: %q", screen[max(0, len(screen)-40):])
	assert.Equal(t, 2*progressMinFiles, strings.Count(out.String(), "\n"), "stdout is untouched")
}

// TestProgressThresholds checks when a bar is worth showing.
func TestProgressThresholds(t *testing.T) {
	showProgressAtOnce(t)
	_, tty := openPTY(t)
	defer tty.Close()
	tests := []struct {
		name  string
		srcs  []source
		added int64
		shown bool
	}{
		{"one small file", []source{{name: "a", size: 10}}, 10, false},
		{"many files", make([]source, progressMinFiles), 0, true},
		{"one long file", []source{{name: "a", size: progressMinBytes}}, 0, true},
		{"standard input, short", []source{{name: "-", size: -1}}, 100, false},
		{"standard input, long", []source{{name: "-", size: -1}}, progressMinBytes, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := newProgress(tty, tt.srcs)
			require.NotNil(t, p)
			p.add(tt.added)
			assert.Equal(t, tt.shown, p.shown)
			p.finish()
		})
	}
}

// TestProgressRateCountsFromStart: the bar appears only after a delay, but
// its rate and time left count from the start of the run. (A bar made
// only when it appears counted the bytes scored before as done in no time,
// and its first reading was many GB/s.)
func TestProgressRateCountsFromStart(t *testing.T) {
	master, tty := openPTY(t)
	old := progressDelay
	progressDelay = 200 * time.Millisecond
	t.Cleanup(func() { progressDelay = old })
	read := make(chan string)
	go func() {
		var b bytes.Buffer
		_, _ = io.Copy(&b, master) // ends with EIO once tty is closed
		read <- b.String()
	}()

	const total = 4 << 20
	p := newProgress(tty, []source{{name: "long.txt", size: total}})
	require.NotNil(t, p)
	p.add(total / 2) // scored at once, while the bar is still hidden
	assert.False(t, p.shown)
	time.Sleep(300 * time.Millisecond)
	p.add(total / 4) // the bar appears: 3 MiB in about 0.3 s
	assert.True(t, p.shown)
	p.finish()
	require.NoError(t, tty.Close())
	var screen string
	select {
	case screen = <-read:
	case <-time.After(5 * time.Second):
		t.Fatal("no output from the terminal")
	}
	t.Logf("terminal output: %q", screen)
	rates := regexp.MustCompile(`\(([0-9.]+) ([kMGT]?B)/s\)`).FindAllStringSubmatch(screen, -1)
	require.NotEmpty(t, rates, "the bar shows a rate")
	for _, r := range rates {
		v, err := strconv.ParseFloat(r[1], 64)
		require.NoError(t, err)
		mbps := v * map[string]float64{"B": 1e-6, "kB": 1e-3, "MB": 1, "GB": 1e3, "TB": 1e6}[r[2]]
		// 3 MiB in at least 0.3 s is at most about 10.5 MB/s.
		assert.LessOrEqual(t, mbps, 11.0, "rate %s %s/s: counted from when the bar appeared, not from the start", r[1], r[2])
	}
}
