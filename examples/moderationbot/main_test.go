package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"math"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/redflag-go/redflag/detect"
)

// Test lexicons: small, so that compiling them is fast even under -race.
const (
	lexV1 = `category: spam
lang: en
entries:
  - id: spam.en.buy-followers
    weight: 1.0
    message: Selling followers is spam.
    source: our moderation log
    phrases: [buy followers]
    examples:
      match: [buy followers today]
      no_match: [I follow you]
  - id: spam.en.send-password
    weight: 3.0
    negatable: false
    message: Nobody legitimate asks for your password in chat.
    source: our moderation log
    phrases: [send me your password]
    examples:
      match: [send me your password now]
      no_match: [I forgot my password]
`
	// lexV2 adds a rule: messages scored by it are recognisable.
	lexV2 = lexV1 + `  - id: spam.en.free-robux
    weight: 3.0
    message: Free in-game currency is the usual bait for account theft.
    source: our moderation log
    phrases: [free robux]
    examples:
      match: [get free robux here]
      no_match: [robux prices went up]
`
	// lexExtra is another team's file, in a subdirectory.
	lexExtra = `category: spam
lang: en
entries:
  - id: spam.en.giveaway
    weight: 1.0
    message: Giveaways that insist they are legit rarely are.
    source: our moderation log
    phrases: [totally legit giveaway]
    examples:
      match: [a totally legit giveaway]
      no_match: [legit]
`
	// lexBrokenYAML has a YAML syntax error on line 5.
	lexBrokenYAML = "category: spam\nlang: en\nentries:\n  - id: spam.en.broken\n    weight: [1\n"
)

const waitFor = 5 * time.Second

// syncBuffer is a bytes.Buffer safe for the logger's goroutines.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.String()
}

// harness is a bot on test lexicons in a temp dir, with its reloads
// reported on a channel and its reload signal injected.
type harness struct {
	b       *bot
	dir     string // the -lexicon directory
	file    string // dir/spam.yaml
	reloads chan reloadResult
	sig     chan os.Signal
	log     *syncBuffer
	ctx     context.Context
}

func newHarness(t *testing.T, edit func(*config)) *harness {
	t.Helper()
	h := &harness{dir: t.TempDir(), reloads: make(chan reloadResult, 16), sig: make(chan os.Signal, 1), log: &syncBuffer{}}
	h.file = filepath.Join(h.dir, "spam.yaml")
	require.NoError(t, os.WriteFile(h.file, []byte(lexV1), 0o644))
	cfg := config{
		lexicons: []string{h.dir}, noBuiltin: true, policy: defaultPolicy(),
		workers: 4, maxBytes: DefaultMaxBytes, watch: false, debounce: 20 * time.Millisecond,
		onReload: func(r reloadResult) { h.reloads <- r },
	}
	if edit != nil {
		edit(&cfg)
	}
	b, err := newBot(cfg, log.New(h.log, "moderationbot: ", 0))
	require.NoError(t, err)
	h.b = b
	ctx, cancel := context.WithCancel(context.Background())
	done, err := b.startReloads(ctx, h.sig)
	require.NoError(t, err)
	h.ctx = ctx
	t.Cleanup(func() {
		cancel()
		<-done
	})
	return h
}

// nextReload waits for the next reload result.
func (h *harness) nextReload(t *testing.T) reloadResult {
	t.Helper()
	select {
	case r := <-h.reloads:
		return r
	case <-time.After(waitFor):
		t.Fatalf("no reload within %v; log:\n%s", waitFor, h.log)
		return reloadResult{}
	}
}

// waitChanged waits for a reload that swapped in new rules, skipping
// others (an editor's partial write may give a failed reload first).
func (h *harness) waitChanged(t *testing.T) reloadResult {
	t.Helper()
	deadline := time.After(waitFor)
	for {
		select {
		case r := <-h.reloads:
			if r.changed {
				return r
			}
		case <-deadline:
			t.Fatalf("no successful reload within %v; log:\n%s", waitFor, h.log)
		}
	}
}

// stream runs serveStream on pipes: the test writes messages and reads
// verdicts as they come.
type stream struct {
	in       *io.PipeWriter
	verdicts chan Verdict
	result   chan streamResult
}

type streamResult struct {
	st  streamStats
	err error
}

func (h *harness) startStream(t *testing.T) *stream {
	t.Helper()
	return h.startStreamCtx(t, h.ctx)
}

// startStreamCtx is startStream stopped by ctx (SIGINT in run).
func (h *harness) startStreamCtx(t *testing.T, ctx context.Context) *stream {
	t.Helper()
	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	s := &stream{in: inW, verdicts: make(chan Verdict, 1024), result: make(chan streamResult, 1)}
	go func() {
		st, err := h.b.serveStream(ctx, inR, outW)
		outW.Close()
		s.result <- streamResult{st, err}
	}()
	go func() {
		defer close(s.verdicts)
		dec := json.NewDecoder(outR)
		for {
			var v Verdict
			if err := dec.Decode(&v); err != nil {
				return
			}
			s.verdicts <- v
		}
	}()
	t.Cleanup(func() { inW.Close(); outR.Close() })
	return s
}

// msg is a message line.
func msg(id int, author, text string) string {
	b, _ := json.Marshal(map[string]any{"id": id, "author": author, "channel": "#test", "text": text})
	return string(b)
}

func (s *stream) send(t *testing.T, lines ...string) {
	t.Helper()
	_, err := io.WriteString(s.in, strings.Join(lines, "\n")+"\n")
	require.NoError(t, err)
}

func (s *stream) recv(t *testing.T, n int) []Verdict {
	t.Helper()
	out := make([]Verdict, 0, n)
	deadline := time.After(waitFor)
	for len(out) < n {
		select {
		case v, ok := <-s.verdicts:
			require.True(t, ok, "verdict stream ended after %d of %d verdicts", len(out), n)
			out = append(out, v)
		case <-deadline:
			t.Fatalf("got %d of %d verdicts within %v", len(out), n, waitFor)
		}
	}
	return out
}

func (s *stream) close(t *testing.T) streamStats {
	t.Helper()
	require.NoError(t, s.in.Close())
	select {
	case r := <-s.result:
		require.NoError(t, r.err)
		_, more := <-s.verdicts
		assert.False(t, more, "a verdict came after the last message")
		return r.st
	case <-time.After(waitFor):
		t.Fatalf("serveStream did not return within %v of the end of input", waitFor)
		return streamStats{}
	}
}

func idOf(t *testing.T, v Verdict) int {
	t.Helper()
	var id int
	require.NoError(t, json.Unmarshal(v.ID, &id), "id %s", v.ID)
	return id
}

func rules(v Verdict) []string {
	var out []string
	for _, m := range v.Matches {
		out = append(out, m.Rule)
	}
	return out
}

func TestStdinVerdicts(t *testing.T) {
	h := newHarness(t, func(c *config) { c.maxBytes = 512 })
	tests := []struct {
		name       string
		line       string
		blank      bool // no verdict expected
		wantAction Action
		wantRules  []string
		wantErr    string
		check      func(t *testing.T, v Verdict, line string)
	}{
		{name: "clean message is allowed", line: msg(1, "ana", "morning all, the build is green again"), wantAction: Allow},
		{name: "one clear tell is held for review", line: msg(2, "bo", "Want to buy followers? DM me"), wantAction: Review,
			wantRules: []string{"spam.en.buy-followers"},
			check: func(t *testing.T, v Verdict, _ string) {
				require.Len(t, v.Matches, 1)
				m := v.Matches[0]
				assert.Equal(t, "buy followers", m.Text)
				assert.Equal(t, 8, m.Start)
				assert.Equal(t, 21, m.End)
				assert.Equal(t, "Selling followers is spam.", m.Message)
				assert.Equal(t, 1.0, m.Contribution)
				require.Len(t, v.Categories, 1)
				assert.Equal(t, CategoryVerdict{Category: "spam", Score: 0.5, Points: 1, Review: DefaultReview, Block: DefaultBlock, Action: Review}, v.Categories[0])
				assert.Contains(t, v.Reason, `review: spam 0.50 ≥ review threshold 0.50 — "buy followers" (spam.en.buy-followers, +1.00)`)
				assert.Equal(t, &RulesInfo{Generation: 1, Version: h.b.rules.current().version}, v.Rules)
			}},
		{name: "near-certain marker blocks", line: msg(3, "cy", "hey, send me your password so I can fix it"), wantAction: Block,
			wantRules: []string{"spam.en.send-password"}},
		{name: "negated tell is listed with 0 points", line: msg(4, "di", "Do not buy followers, ever."), wantAction: Allow,
			wantRules: []string{"spam.en.buy-followers"},
			check: func(t *testing.T, v Verdict, _ string) {
				assert.Equal(t, 0.0, v.Matches[0].Contribution)
				assert.Contains(t, v.Matches[0].Note, "negated")
			}},
		{name: "spans are byte offsets into the text", line: msg(5, "el", "¡Atención! ¿buy followers?"), wantAction: Review,
			check: func(t *testing.T, v Verdict, line string) {
				var m Message
				require.NoError(t, json.Unmarshal([]byte(line), &m))
				assert.Equal(t, "buy followers", (*m.Text)[v.Matches[0].Start:v.Matches[0].End])
			}},
		{name: "string id is echoed", line: `{"id":"m-7","author":"fe","text":"hello"}`, wantAction: Allow,
			check: func(t *testing.T, v Verdict, _ string) { assert.JSONEq(t, `"m-7"`, string(v.ID)) }},
		{name: "blank line is skipped", line: "   ", blank: true},
		{name: "invalid UTF-8 is scored, not fatal", line: "{\"id\":8,\"text\":\"buy \xff followers \xfe buy followers\"}", wantAction: Review},
		{name: "not JSON", line: `hello bot`, wantErr: "a message must be a JSON object"},
		{name: "broken JSON", line: `{"id":10,"text":"abc`, wantErr: "invalid message JSON: the object is cut off"},
		{name: "unknown field", line: `{"id":11,"txt":"abc"}`, wantErr: `unknown field "txt"`},
		{name: "missing text", line: `{"id":12,"author":"x"}`, wantErr: `message has no "text" field`},
		{name: "wrong type", line: `{"id":13,"text":42}`, wantErr: `field "text" must be a string, not a JSON number`},
		{name: "object id", line: `{"id":{"a":1},"text":"x"}`, wantErr: `"id" must be a string or a number`},
		{name: "two objects on one line", line: `{"text":"a"} {"text":"b"}`, wantErr: "data after the object"},
		{name: "author id too long", line: msg(16, strings.Repeat("a", MaxAuthorBytes+1), "hi"), wantErr: `"author" is 257 bytes, the limit is 256`},
		{name: "line over -max-bytes", line: msg(17, "gi", strings.Repeat("buy followers ", 60)), wantErr: "line 17 is longer than 512 bytes: split the message, or raise -max-bytes"},
		{name: "after the errors, scoring goes on", line: msg(18, "hu", "buy followers"), wantAction: Review},
	}
	s := h.startStream(t)
	var lines []string
	for _, tc := range tests {
		lines = append(lines, tc.line)
	}
	s.send(t, lines...)
	want := 0
	for _, tc := range tests {
		if !tc.blank {
			want++
		}
	}
	got := s.recv(t, want)
	st := s.close(t)
	assert.EqualValues(t, want, st.Messages)

	i := 0
	for n, tc := range tests {
		if tc.blank {
			continue
		}
		v := got[i]
		i++
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, n+1, v.Line, "verdicts come in input order, numbered by input line")
			if tc.wantErr != "" {
				assert.Contains(t, v.Error, tc.wantErr)
				assert.Empty(t, v.Action)
				return
			}
			require.Empty(t, v.Error)
			assert.Equal(t, tc.wantAction, v.Action, v.Reason)
			if tc.wantRules != nil {
				assert.Equal(t, tc.wantRules, rules(v))
			}
			if tc.check != nil {
				tc.check(t, v, tc.line)
			}
		})
	}
}

func TestStdinOrderWithManyWorkers(t *testing.T) {
	h := newHarness(t, func(c *config) { c.workers = 8 })
	s := h.startStream(t)
	const n = 500
	go func() {
		var lines []string
		for i := 1; i <= n; i++ {
			text := "fine"
			if i%3 == 0 {
				text = strings.Repeat("a long clean sentence about the weather. ", i%5) + "buy followers"
			}
			lines = append(lines, msg(i, fmt.Sprint("u", i%7), text))
		}
		io.WriteString(s.in, strings.Join(lines, "\n")+"\n")
		s.in.Close()
	}()
	got := s.recv(t, n)
	for i, v := range got {
		require.Equal(t, i+1, idOf(t, v), "verdict %d out of order", i)
		assert.Equal(t, i%3 == 2, v.Action != Allow, "message %d", i+1)
	}
	select {
	case r := <-s.result:
		require.NoError(t, r.err)
		assert.EqualValues(t, n, r.st.Messages)
	case <-time.After(waitFor):
		t.Fatal("serveStream did not return")
	}
}

// TestStdinStop: when the bot is told to stop (SIGINT, SIGTERM), it
// answers every line it took and returns, though the input is still open.
func TestStdinStop(t *testing.T) {
	h := newHarness(t, nil)
	ctx, cancel := context.WithCancel(context.Background())
	s := h.startStreamCtx(t, ctx)
	s.send(t, msg(1, "a", "hello"), msg(2, "b", "buy followers"), msg(3, "c", "bye"))
	got := s.recv(t, 3)
	cancel()
	select {
	case r := <-s.result:
		require.NoError(t, r.err)
		assert.EqualValues(t, 3, r.st.Messages)
	case <-time.After(waitFor):
		t.Fatal("serveStream did not stop")
	}
	_, more := <-s.verdicts
	assert.False(t, more)
	for i, v := range got {
		assert.Equal(t, i+1, idOf(t, v))
	}
}

// TestReloadByFileChange edits a watched lexicon in the middle of a stream:
// fsnotify sees it, the new rules score every later message.
func TestReloadByFileChange(t *testing.T) {
	h := newHarness(t, func(c *config) { c.watch = true })
	s := h.startStream(t)
	text := "free robux and buy followers"

	s.send(t, msg(1, "a", text), msg(2, "b", text))
	before := s.recv(t, 2)
	for _, v := range before {
		assert.Equal(t, uint64(1), v.Rules.Generation)
		assert.Equal(t, []string{"spam.en.buy-followers"}, rules(v))
		assert.Equal(t, Review, v.Action)
	}

	writeAtomic(t, h.file, lexV2)
	r := h.waitChanged(t)
	assert.Equal(t, uint64(2), r.gen)
	assert.Contains(t, r.why, "spam.yaml")

	s.send(t, msg(3, "c", text), msg(4, "d", text))
	after := s.recv(t, 2)
	for _, v := range after {
		assert.Equal(t, uint64(2), v.Rules.Generation)
		assert.Equal(t, r.version, v.Rules.Version)
		assert.Equal(t, []string{"spam.en.free-robux", "spam.en.buy-followers"}, rules(v))
		assert.Equal(t, Block, v.Action)
	}
	st := s.close(t)
	assert.EqualValues(t, 4, st.Messages)
	for i, v := range append(before, after...) {
		assert.Equal(t, i+1, idOf(t, v))
	}
	assert.Contains(t, h.log.String(), "rules generation 2")

	// A new file in a subdirectory created later is watched too.
	sub := filepath.Join(h.dir, "team")
	require.NoError(t, os.Mkdir(sub, 0o755))
	r = h.nextReload(t) // the new directory is watched once this reload is done
	require.NoError(t, r.err)
	assert.False(t, r.changed, "an empty directory changes no rule")
	writeAtomic(t, filepath.Join(sub, "extra.yaml"), lexExtra)
	r = h.waitChanged(t)
	assert.Equal(t, uint64(3), r.gen)
	_, ok := h.b.rules.current().det.Explain("spam.en.giveaway")
	assert.True(t, ok)
}

// writeAtomic saves a file the way careful editors and deploy tools do:
// a temporary file renamed over the old one, so that a watcher never sees
// it half written.
func writeAtomic(t *testing.T, path, content string) {
	t.Helper()
	tmp := path + ".tmp"
	require.NoError(t, os.WriteFile(tmp, []byte(content), 0o644))
	require.NoError(t, os.Rename(tmp, path))
}

// TestReloadBySignalUnderLoad streams messages while a reload signal
// arrives: each message is scored by exactly one rule set (its
// generation and its matches agree), none is lost or repeated, order holds.
func TestReloadBySignalUnderLoad(t *testing.T) {
	h := newHarness(t, nil)
	s := h.startStream(t)
	const n = 1200
	text := "free robux for everyone"
	lines := func(from, to int) []string {
		var out []string
		for i := from; i <= to; i++ {
			out = append(out, msg(i, fmt.Sprint("u", i%50), text))
		}
		return out
	}
	reloaded := make(chan struct{})
	go func() {
		io.WriteString(s.in, strings.Join(lines(1, n/2), "\n")+"\n")
		<-reloaded // messages sent after the swap must see the new rules
		io.WriteString(s.in, strings.Join(lines(n/2+1, n), "\n")+"\n")
		s.in.Close()
	}()
	got := s.recv(t, 100)
	require.NoError(t, os.WriteFile(h.file, []byte(lexV2), 0o644))
	h.sig <- syscall.SIGHUP // what run() forwards from signal.Notify
	r := h.nextReload(t)
	require.NoError(t, r.err)
	require.True(t, r.changed)
	close(reloaded)
	got = append(got, s.recv(t, n-100)...)
	res := <-s.result
	require.NoError(t, res.err)

	gens := map[uint64]int{}
	for i, v := range got {
		require.Equal(t, i+1, idOf(t, v), "verdict %d: lost, repeated or out of order", i)
		gens[v.Rules.Generation]++
		switch v.Rules.Generation {
		case 1:
			assert.Empty(t, v.Matches, "message %d: generation 1 has no free-robux rule", i+1)
			assert.Equal(t, Allow, v.Action)
		case 2:
			assert.Equal(t, []string{"spam.en.free-robux"}, rules(v), "message %d", i+1)
			assert.Equal(t, r.version, v.Rules.Version)
		default:
			t.Fatalf("message %d: generation %d", i+1, v.Rules.Generation)
		}
		if i < 100 {
			assert.Equal(t, uint64(1), v.Rules.Generation, "message %d was answered before the reload", i+1)
		}
		if i >= n/2 {
			assert.Equal(t, uint64(2), v.Rules.Generation, "message %d was sent after the reload", i+1)
		}
	}
	assert.Equal(t, n, gens[1]+gens[2])
	t.Logf("generation 1 scored %d messages, generation 2 scored %d", gens[1], gens[2])
}

// TestReloadSeesEveryChange: the version covers every field of an entry,
// so a change that only adds an exception is a new generation too; saving
// the same content again is not.
func TestReloadSeesEveryChange(t *testing.T) {
	h := newHarness(t, nil)
	v1 := h.b.rules.current()
	require.NoError(t, os.WriteFile(h.file, []byte(lexV1), 0o644))
	h.sig <- syscall.SIGHUP
	r := h.nextReload(t)
	require.NoError(t, r.err)
	assert.False(t, r.changed)
	assert.Equal(t, v1.version, r.version)

	withUnless := strings.Replace(lexV1, "    phrases: [buy followers]\n", "    phrases: [buy followers]\n    unless: [report]\n", 1)
	require.NoError(t, os.WriteFile(h.file, []byte(withUnless), 0o644))
	h.sig <- syscall.SIGHUP
	r = h.nextReload(t)
	require.NoError(t, r.err)
	assert.True(t, r.changed)
	assert.Equal(t, uint64(2), r.gen)
	assert.NotEqual(t, v1.version, r.version)
	rep, err := h.b.rules.current().det.Score("report anyone who offers to buy followers")
	require.NoError(t, err)
	assert.False(t, rep.Flagged, "the new exception is in force")
}

// TestBadReloadKeepsOldRules: a broken lexicon is rejected with an error
// naming file, line and entry; the old rules stay in force; once the file
// is fixed, the next reload takes it.
func TestBadReloadKeepsOldRules(t *testing.T) {
	tests := []struct {
		name    string
		file    string // written into the lexicon dir
		content string
		wantErr []string
	}{
		{"broken YAML", "spam.yaml", lexBrokenYAML, []string{"spam.yaml:", "YAML syntax error"}},
		{"unknown key", "spam.yaml", strings.Replace(lexV1, "    weight: 1.0\n", "    weight: 1.0\n    wieght: 2\n", 1),
			[]string{`spam.yaml:6: spam.en.buy-followers: unknown key "wieght"`}},
		{"weight out of range", "spam.yaml", strings.Replace(lexV1, "weight: 1.0", "weight: 9", 1), []string{"spam.yaml:", "spam.en.buy-followers", "weight"}},
		{"regex that does not compile", "regex.yaml",
			"category: spam\nlang: en\nentries:\n  - id: spam.en.re\n    weight: 1\n    message: m.\n    source: s.\n    regex: ['(unclosed']\n    examples: {match: [x], no_match: [y]}\n",
			[]string{"regex.yaml:", "spam.en.re"}},
		{"duplicate id in another file", "copy.yaml", lexV1, []string{"spam.en.buy-followers"}},
	}
	h := newHarness(t, nil)
	s := h.startStream(t)
	good := h.b.rules.current()
	id := 0
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(h.dir, tc.file)
			require.NoError(t, os.WriteFile(path, []byte(tc.content), 0o644))
			h.sig <- syscall.SIGHUP
			r := h.nextReload(t)
			require.Error(t, r.err)
			for _, want := range tc.wantErr {
				assert.Contains(t, r.err.Error(), want)
			}
			assert.Regexp(t, `\.yaml:\d+: `, r.err.Error(), "the error names file:line")
			assert.False(t, r.changed)
			assert.Equal(t, good, h.b.rules.current(), "the old rules stay in force")
			assert.Contains(t, h.log.String(), "failed; keeping rules generation 1")
			assert.Contains(t, h.log.String(), tc.wantErr[0])

			id++
			s.send(t, msg(id, fmt.Sprint("author-", id), "buy followers"))
			v := s.recv(t, 1)[0]
			assert.Equal(t, uint64(1), v.Rules.Generation)
			assert.Equal(t, Review, v.Action)

			// Undo: the same rules as before come back, unchanged.
			if tc.file == "spam.yaml" {
				require.NoError(t, os.WriteFile(path, []byte(lexV1), 0o644))
			} else {
				require.NoError(t, os.Remove(path))
			}
			h.sig <- syscall.SIGHUP
			r = h.nextReload(t)
			require.NoError(t, r.err)
			assert.False(t, r.changed, "same rules, same version: no new generation")
			assert.Equal(t, good.version, r.version)
		})
	}
	s.close(t)
}

// TestLexiconPaths: what a -lexicon path may be. A symbolic link to a
// directory is read through (lexicon.LoadFiles alone loads nothing from
// it); a path with no lexicon file under it is an error, not a bot that
// runs without the rules it was given.
func TestLexiconPaths(t *testing.T) {
	dir := t.TempDir()
	real := filepath.Join(dir, "rules")
	require.NoError(t, os.MkdirAll(filepath.Join(real, "team"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(real, "spam.yaml"), []byte(lexV1), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(real, "team", "extra.yaml"), []byte(lexExtra), 0o644))
	link := filepath.Join(dir, "current")
	require.NoError(t, os.Symlink(real, link))
	empty := filepath.Join(dir, "empty")
	require.NoError(t, os.MkdirAll(empty, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(empty, "README.md"), []byte("rules go here\n"), 0o644))
	sep := string(filepath.Separator)
	tests := []struct {
		name      string
		paths     []string
		wantRules int
		wantErr   string
	}{
		{"a directory", []string{real}, 3, ""},
		{"a link to a directory", []string{link}, 3, ""},
		{"a link to a directory, trailing separator", []string{link + sep}, 3, ""},
		{"a file through the link", []string{filepath.Join(link, "spam.yaml")}, 2, ""},
		{"a directory with no lexicon file", []string{empty}, 0, empty + ": directory holds no lexicon files (*.yaml, *.yml)"},
		{"one good path, one empty", []string{link, empty}, 0, empty + ": directory holds no lexicon files"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := newRuleStore(tt.paths, true, defaultPolicy(), log.New(io.Discard, "", 0), nil)
			if tt.wantErr != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tt.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.wantRules, s.current().rules)
		})
	}
}

// TestReloadThroughLinkedDirectory: a -lexicon directory reached through
// a symbolic link is watched (a save reloads it), and emptying it is a
// bad reload: rejected, the old rules stay.
func TestReloadThroughLinkedDirectory(t *testing.T) {
	h := newHarness(t, func(c *config) {
		link := filepath.Join(t.TempDir(), "rules")
		require.NoError(t, os.Symlink(c.lexicons[0], link))
		c.lexicons = []string{link}
		c.watch = true
	})
	require.Equal(t, 2, h.b.rules.current().rules)
	writeAtomic(t, h.file, lexV2)
	r := h.waitChanged(t)
	assert.Equal(t, uint64(2), r.gen)
	assert.Equal(t, 3, h.b.rules.current().rules)

	good := h.b.rules.current()
	require.NoError(t, os.Remove(h.file))
	deadline := time.After(waitFor)
	for r = (reloadResult{}); r.err == nil; {
		select {
		case r = <-h.reloads:
			require.False(t, r.changed)
		case <-deadline:
			t.Fatalf("emptying the directory was not reported; log:\n%s", h.log)
		}
	}
	assert.Contains(t, r.err.Error(), "directory holds no lexicon files (*.yaml, *.yml)")
	assert.Equal(t, good, h.b.rules.current(), "the old rules stay in force")
}

// TestBadReloadByFileChange: the same through fsnotify: a broken save is
// rejected, messages are still scored by the old rules, the fixed save
// goes in.
func TestBadReloadByFileChange(t *testing.T) {
	h := newHarness(t, func(c *config) { c.watch = true })
	s := h.startStream(t)
	writeAtomic(t, h.file, lexBrokenYAML)
	deadline := time.After(waitFor)
	var r reloadResult
	for r.err == nil {
		select {
		case r = <-h.reloads:
			require.False(t, r.changed)
		case <-deadline:
			t.Fatalf("the broken file was not reported; log:\n%s", h.log)
		}
	}
	assert.Contains(t, r.err.Error(), h.file+":")
	assert.Contains(t, r.err.Error(), "YAML syntax error")
	assert.Contains(t, h.log.String(), "YAML syntax error")

	s.send(t, msg(1, "x", "free robux, buy followers"))
	v := s.recv(t, 1)[0]
	assert.Equal(t, uint64(1), v.Rules.Generation)
	assert.Equal(t, []string{"spam.en.buy-followers"}, rules(v))

	writeAtomic(t, h.file, lexV2)
	r = h.waitChanged(t)
	s.send(t, msg(2, "x", "free robux, buy followers"))
	v = s.recv(t, 1)[0]
	assert.Equal(t, r.gen, v.Rules.Generation)
	assert.Equal(t, uint64(2), v.Rules.Generation)
	assert.Equal(t, []string{"spam.en.free-robux", "spam.en.buy-followers"}, rules(v))
	s.close(t)
}

// TestReloadByRealSIGHUP runs the program as main does, and reloads it
// with a real SIGHUP sent to the process.
func TestReloadByRealSIGHUP(t *testing.T) {
	self, err := os.FindProcess(os.Getpid())
	require.NoError(t, err)
	dir := t.TempDir()
	file := filepath.Join(dir, "spam.yaml")
	require.NoError(t, os.WriteFile(file, []byte(lexV1), 0o644))
	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	stderr := &syncBuffer{}
	code := make(chan int, 1)
	go func() {
		code <- run(context.Background(), []string{"-no-builtin", "-lexicon", file, "-watch=false"}, inR, outW, stderr)
		outW.Close()
	}()
	out := bufio.NewScanner(outR)
	ask := func(id int) Verdict {
		t.Helper()
		_, err := io.WriteString(inW, msg(id, "a", "free robux")+"\n")
		require.NoError(t, err)
		require.True(t, out.Scan(), "no verdict; stderr:\n%s", stderr)
		var v Verdict
		require.NoError(t, json.Unmarshal(out.Bytes(), &v))
		return v
	}
	// The first verdict proves run() has set up signal.Notify: only then
	// is SIGHUP safe to send (unhandled, it would end the test binary).
	v := ask(1)
	assert.Equal(t, uint64(1), v.Rules.Generation)
	assert.Equal(t, Allow, v.Action)

	require.NoError(t, os.WriteFile(file, []byte(lexV2), 0o644))
	if err := self.Signal(syscall.SIGHUP); err != nil {
		t.Skipf("cannot send SIGHUP here: %v", err)
	}
	require.Eventually(t, func() bool { return strings.Contains(stderr.String(), "rules generation 2") },
		waitFor, 5*time.Millisecond, "no reload after SIGHUP; stderr:\n%s", stderr)
	assert.Contains(t, stderr.String(), "reload (hangup)")

	v = ask(2)
	assert.Equal(t, uint64(2), v.Rules.Generation)
	assert.Equal(t, Block, v.Action)
	require.NoError(t, inW.Close())
	select {
	case c := <-code:
		assert.Equal(t, 0, c, stderr.String())
	case <-time.After(waitFor):
		t.Fatal("run did not return at the end of input")
	}
	assert.Contains(t, stderr.String(), "2 messages in")
}

func TestHTTP(t *testing.T) {
	t.Parallel() // closing the server waits out net/http's lingering close after the 413
	h := newHarness(t, func(c *config) { c.maxBytes = 256 })
	srv := httptest.NewServer(h.b.handler())
	t.Cleanup(srv.Close)
	tests := []struct {
		name        string
		method      string
		path        string
		contentType string
		body        string
		wantStatus  int
		wantErr     string // in the JSON error body
		check       func(t *testing.T, body []byte)
	}{
		{name: "score a message", method: "POST", path: "/v1/score", contentType: "application/json",
			body: msg(1, "ana", "Want to buy followers?"), wantStatus: 200,
			check: func(t *testing.T, body []byte) {
				var v Verdict
				require.NoError(t, json.Unmarshal(body, &v))
				assert.JSONEq(t, "1", string(v.ID))
				assert.Equal(t, Review, v.Action)
				assert.Equal(t, []string{"spam.en.buy-followers"}, rules(v))
				assert.Equal(t, 8, v.Matches[0].Start)
				assert.Equal(t, uint64(1), v.Rules.Generation)
				assert.Zero(t, v.Line)
			}},
		{name: "charset parameter is fine", method: "POST", path: "/v1/score", contentType: "application/json; charset=utf-8",
			body: msg(2, "bo", "send me your password"), wantStatus: 200,
			check: func(t *testing.T, body []byte) {
				var v Verdict
				require.NoError(t, json.Unmarshal(body, &v))
				assert.Equal(t, Block, v.Action)
			}},
		{name: "no content type is fine", method: "POST", path: "/v1/score", body: `{"text":"hello"}`, wantStatus: 200},
		{name: "bad JSON", method: "POST", path: "/v1/score", contentType: "application/json", body: `{"text": "abc",}`,
			wantStatus: 400, wantErr: "invalid message JSON: invalid character '}'"},
		{name: "empty body", method: "POST", path: "/v1/score", body: ``, wantStatus: 400, wantErr: "empty message"},
		{name: "unknown field", method: "POST", path: "/v1/score", body: `{"message":"abc"}`, wantStatus: 400, wantErr: `unknown field "message"`},
		{name: "missing text", method: "POST", path: "/v1/score", body: `{"id":3}`, wantStatus: 400, wantErr: `no "text" field`},
		{name: "body over the limit", method: "POST", path: "/v1/score", contentType: "application/json",
			body: msg(4, "x", strings.Repeat("a", 300)), wantStatus: 413, wantErr: "request body is larger than 256 bytes"},
		{name: "wrong method", method: "GET", path: "/v1/score", wantStatus: 405, wantErr: "method GET not allowed: POST one message",
			check: func(t *testing.T, _ []byte) {}},
		{name: "wrong content type", method: "POST", path: "/v1/score", contentType: "text/plain", body: "buy followers",
			wantStatus: 415, wantErr: `Content-Type "text/plain": send the message as application/json`},
		{name: "unknown path", method: "GET", path: "/v2/score", wantStatus: 404, wantErr: "no such endpoint /v2/score"},
		{name: "health", method: "GET", path: "/healthz", wantStatus: 200,
			check: func(t *testing.T, body []byte) {
				var hl health
				require.NoError(t, json.Unmarshal(body, &hl))
				assert.Equal(t, "ok", hl.Status)
				assert.Equal(t, uint64(1), hl.Rules.Generation)
				assert.Equal(t, 2, hl.Count)
				assert.EqualValues(t, 3, hl.Messages, "the three scored messages above")
			}},
		{name: "health wants GET", method: "POST", path: "/healthz", wantStatus: 405, wantErr: "GET /healthz"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req, err := http.NewRequest(tc.method, srv.URL+tc.path, strings.NewReader(tc.body))
			require.NoError(t, err)
			if tc.contentType != "" {
				req.Header.Set("Content-Type", tc.contentType)
			}
			resp, err := srv.Client().Do(req)
			require.NoError(t, err)
			defer resp.Body.Close()
			body, err := io.ReadAll(resp.Body)
			require.NoError(t, err)
			assert.Equal(t, tc.wantStatus, resp.StatusCode, string(body))
			assert.Equal(t, "application/json", resp.Header.Get("Content-Type"))
			if tc.wantStatus == 405 {
				assert.NotEmpty(t, resp.Header.Get("Allow"))
			}
			if tc.wantErr != "" {
				var e errorBody
				require.NoError(t, json.Unmarshal(body, &e), string(body))
				assert.Contains(t, e.Error, tc.wantErr)
				assert.Equal(t, tc.wantStatus, e.Status)
			}
			if tc.check != nil {
				tc.check(t, body)
			}
		})
	}

	// A reload shows in the next verdict.
	require.NoError(t, os.WriteFile(h.file, []byte(lexV2), 0o644))
	h.sig <- syscall.SIGHUP
	r := h.nextReload(t)
	require.True(t, r.changed)
	resp, err := srv.Client().Post(srv.URL+"/v1/score", "application/json", strings.NewReader(`{"id":"r","text":"free robux"}`))
	require.NoError(t, err)
	defer resp.Body.Close()
	var v Verdict
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&v))
	assert.Equal(t, uint64(2), v.Rules.Generation)
	assert.Equal(t, Block, v.Action)
}

// TestHTTPServer runs the real server on 127.0.0.1:0 with its timeouts and
// limits, and shuts it down with a request in flight: the request is
// answered, then the server stops.
func TestHTTPServer(t *testing.T) {
	t.Parallel()
	active := make(chan struct{}, 8)
	h := newHarness(t, func(c *config) {
		c.maxBytes = 128
		c.connState = func(_ net.Conn, s http.ConnState) {
			if s == http.StateActive {
				active <- struct{}{}
			}
		}
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	served := make(chan error, 1)
	go func() { served <- h.b.serveHTTP(ctx, ln) }()
	url := "http://" + ln.Addr().String() + "/v1/score"
	client := &http.Client{Timeout: waitFor}

	post := func(body string) (int, string) {
		t.Helper()
		resp, err := client.Post(url, "application/json", strings.NewReader(body))
		require.NoError(t, err)
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		<-active
		return resp.StatusCode, string(b)
	}
	code, body := post(`{"id":1,"text":"buy followers"}`)
	assert.Equal(t, 200, code)
	assert.Contains(t, body, `"action":"review"`)
	code, body = post(`{"id":2,"text":` + strings.Repeat("x", 200))
	assert.Equal(t, 413, code)
	assert.Contains(t, body, "larger than 128 bytes")
	code, body = post(`{"id":3,"text":"x"`)
	assert.Equal(t, 400, code)
	assert.Contains(t, body, "the object is cut off")

	// A request in flight when the shutdown starts.
	bodyR, bodyW := io.Pipe()
	answered := make(chan *http.Response, 1)
	go func() {
		resp, err := client.Post(url, "application/json", bodyR)
		if err != nil {
			answered <- nil
			return
		}
		answered <- resp
	}()
	_, err = io.WriteString(bodyW, `{"id":4,"text":"send me `)
	require.NoError(t, err)
	select {
	case <-active:
	case <-time.After(waitFor):
		t.Fatal("the request never reached the server")
	}
	cancel()
	require.Eventually(t, func() bool { return strings.Contains(h.log.String(), "shutting down") }, waitFor, time.Millisecond)
	_, err = io.WriteString(bodyW, `your password"}`)
	require.NoError(t, err)
	require.NoError(t, bodyW.Close())
	resp := <-answered
	require.NotNil(t, resp, "the request in flight was cut off")
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	assert.Equal(t, 200, resp.StatusCode)
	assert.Contains(t, string(b), `"action":"block"`)

	select {
	case err := <-served:
		require.NoError(t, err)
	case <-time.After(waitFor):
		t.Fatal("serveHTTP did not return after shutdown")
	}
	_, err = net.DialTimeout("tcp", ln.Addr().String(), time.Second)
	assert.Error(t, err, "the listener is closed")
}

// TestRunListen runs the program as main does with -listen on a free
// port, scores over HTTP, and stops it as SIGINT would.
func TestRunListen(t *testing.T) {
	dir := t.TempDir()
	lex := filepath.Join(dir, "spam.yaml")
	require.NoError(t, os.WriteFile(lex, []byte(lexV1), 0o644))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	stderr := &syncBuffer{}
	code := make(chan int, 1)
	go func() {
		code <- run(ctx, []string{"-listen", "127.0.0.1:0", "-no-builtin", "-lexicon", lex}, strings.NewReader(""), io.Discard, stderr)
	}()
	var url string
	require.Eventually(t, func() bool {
		_, rest, ok := strings.Cut(stderr.String(), "serving POST ")
		url, _, _ = strings.Cut(rest, "\n")
		return ok && strings.HasSuffix(url, "/v1/score")
	}, waitFor, 5*time.Millisecond, "the server did not start; stderr:\n%s", stderr)
	resp, err := http.Post(url, "application/json", strings.NewReader(`{"id":1,"author":"a","text":"send me your password"}`))
	require.NoError(t, err)
	var v Verdict
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&v))
	resp.Body.Close()
	assert.Equal(t, Block, v.Action)
	cancel()
	select {
	case c := <-code:
		assert.Equal(t, 0, c, stderr.String())
	case <-time.After(waitFor):
		t.Fatal("run did not return after the stop signal")
	}
	assert.Contains(t, stderr.String(), "shutting down")
	assert.Contains(t, stderr.String(), "stopped")
}

func TestEscalation(t *testing.T) {
	now := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	var mu sync.Mutex
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	advance := func(d time.Duration) { mu.Lock(); now = now.Add(d); mu.Unlock() }
	h := newHarness(t, func(c *config) {
		c.now = clock
		c.policy.EscalateAfter = 3
		c.policy.EscalateWindow = 10 * time.Minute
	})
	const bait, pass, clean = "buy followers", "send me your password", "hello"
	steps := []struct {
		advance     time.Duration
		author      string
		text        string
		want        Action
		wantFrom    Action
		wantFlagged int
	}{
		{0, "spammer", bait, Review, "", 1},
		{0, "spammer", clean, Allow, "", 0}, // clean messages do not count
		{time.Minute, "spammer", bait, Review, "", 2},
		{0, "bystander", bait, Review, "", 1}, // counts are per author
		{time.Minute, "spammer", bait, Block, Review, 3},
		{0, "spammer", pass, Block, "", 3}, // blocked anyway: not an escalation
		{0, "", bait, Review, "", 0},       // anonymous: never escalated
		{0, "", bait, Review, "", 0},
		{0, "", bait, Review, "", 0},
		{11 * time.Minute, "spammer", bait, Review, "", 1}, // the window passed
		{0, "bystander", bait, Review, "", 1},
	}
	s := h.startStream(t)
	for i, st := range steps {
		advance(st.advance)
		s.send(t, msg(i+1, st.author, st.text))
		v := s.recv(t, 1)[0]
		assert.Equal(t, st.want, v.Action, "step %d: %s", i+1, v.Reason)
		assert.Equal(t, st.wantFrom, v.EscalatedFrom, "step %d", i+1)
		assert.Equal(t, st.wantFlagged, v.AuthorFlagged, "step %d", i+1)
		if st.wantFrom != "" {
			assert.Contains(t, v.Reason, "block (escalated from review: 3 flagged messages from this author within 10m0s); review: spam 0.50")
		}
	}
	st := s.close(t)
	assert.EqualValues(t, 1, st.Escalated)
}

// TestOffendersMemoryBound: however many authors and messages, the
// memory holds at most max authors and keep times per author, and it
// forgets the least recently flagged author first.
func TestOffendersMemoryBound(t *testing.T) {
	tests := []struct {
		name          string
		keep, max     int
		authors, msgs int // distinct authors, flagged messages per author
	}{
		{"many authors, one message each", 3, 100, 10000, 1},
		{"few authors, many messages", 3, 100, 10, 1000},
		{"capacity one", 2, 1, 50, 3},
		{"both over the bounds", 5, 64, 640, 20},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			o := newOffenders(tc.keep, time.Hour, tc.max)
			var clock int64
			for m := 0; m < tc.msgs; m++ {
				for a := 0; a < tc.authors; a++ {
					clock++
					n := o.record(fmt.Sprint("author-", a), clock)
					if n > tc.keep || o.len() > tc.max {
						t.Fatalf("after %d records: %d times for one author (keep %d), %d authors (max %d)", clock, n, tc.keep, o.len(), tc.max)
					}
				}
			}
			assert.Equal(t, min(tc.max, tc.authors), o.len())
			assert.LessOrEqual(t, o.maxCap(), tc.keep, "no author's times grew past keep")
			assert.Len(t, o.byAuthor, o.len(), "map and list agree")
			// The most recently flagged authors are the ones kept.
			for a := 0; a < tc.authors; a++ {
				_, ok := o.kept(fmt.Sprint("author-", a))
				assert.Equal(t, a >= tc.authors-tc.max, ok, "author-%d", a)
			}
		})
	}

	t.Run("recently flagged authors survive eviction", func(t *testing.T) {
		o := newOffenders(3, time.Hour, 3)
		o.record("a", 1)
		o.record("b", 2)
		o.record("c", 3)
		o.record("a", 4) // a is now the most recent
		o.record("d", 5) // evicts b, the least recent
		_, okA := o.kept("a")
		_, okB := o.kept("b")
		assert.True(t, okA)
		assert.False(t, okB)
		n, _ := o.kept("a")
		assert.Equal(t, 2, n)
	})

	t.Run("through the bot", func(t *testing.T) {
		h := newHarness(t, func(c *config) { c.policy.MaxAuthors = 25 })
		s := h.startStream(t)
		var lines []string
		for i := 1; i <= 400; i++ {
			lines = append(lines, msg(i, fmt.Sprint("author-", i), "buy followers"))
		}
		go func() { io.WriteString(s.in, strings.Join(lines, "\n")+"\n"); s.in.Close() }()
		s.recv(t, 400)
		<-s.result
		assert.Equal(t, 25, h.b.offenders.len())
	})
}

func TestPolicy(t *testing.T) {
	rep := func(scores map[string]float64) *detect.Report {
		r := &detect.Report{}
		for _, c := range []string{"hype", "fabricated-citation", "engagement-bait", "spam"} {
			s := scores[c]
			pts := 0.0
			if s > 0 {
				pts = -math.Log2(1 - s)
			}
			r.Categories = append(r.Categories, detect.CategoryScore{Category: c, Score: s, Points: pts})
		}
		return r
	}
	p := defaultPolicy()
	p.Categories["fabricated-citation"] = Thresholds{Review: 0.3, Block: 0.6}
	p.Categories["spam"] = Thresholds{Review: 2, Block: 2} // switched off
	tests := []struct {
		name   string
		scores map[string]float64
		want   Action
	}{
		{"nothing", nil, Allow},
		{"below review", map[string]float64{"hype": 0.49}, Allow},
		{"at review", map[string]float64{"hype": 0.5}, Review},
		{"at block", map[string]float64{"hype": 0.8}, Block},
		{"category override: review earlier", map[string]float64{"fabricated-citation": 0.3}, Review},
		{"category override: block earlier", map[string]float64{"fabricated-citation": 0.6}, Block},
		{"harshest category wins", map[string]float64{"hype": 0.5, "fabricated-citation": 0.7}, Block},
		{"threshold above 1 never fires", map[string]float64{"spam": 0.99}, Allow},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, cats := p.decide(rep(tc.scores))
			assert.Equal(t, tc.want, got)
			assert.Len(t, cats, len(tc.scores), "only categories with points are listed")
		})
	}
}

func TestLoadPolicy(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, []byte(content), 0o644))
		return p
	}
	f64 := func(x float64) *float64 { return &x }
	tests := []struct {
		name    string
		file    string // content; "" for no file
		path    string // an existing file to load instead
		ext     string
		ov      policyOverrides
		check   func(t *testing.T, p *Policy)
		wantErr string
	}{
		{name: "defaults", check: func(t *testing.T, p *Policy) {
			assert.Equal(t, Thresholds{0.5, 0.8}, p.Default)
			assert.Equal(t, 3, p.EscalateAfter)
			assert.Equal(t, 10*time.Minute, p.EscalateWindow)
			assert.Equal(t, 10000, p.MaxAuthors)
		}},
		{name: "YAML file", ext: ".yaml", file: "review: 0.6\nblock: 0.9\ncategories:\n  hype: {block: 0.95}\n  fabricated-citation: {review: 0.4, block: 0.7}\nescalation:\n  after: 5\n  window: 1h30m\n  max_authors: 50\n",
			check: func(t *testing.T, p *Policy) {
				assert.Equal(t, Thresholds{0.6, 0.9}, p.Default)
				assert.Equal(t, Thresholds{0.6, 0.95}, p.thresholds("hype"), "review inherited from the default")
				assert.Equal(t, Thresholds{0.4, 0.7}, p.thresholds("fabricated-citation"))
				assert.Equal(t, Thresholds{0.6, 0.9}, p.thresholds("engagement-bait"))
				assert.Equal(t, 5, p.EscalateAfter)
				assert.Equal(t, 90*time.Minute, p.EscalateWindow)
				assert.Equal(t, 50, p.MaxAuthors)
			}},
		{name: "JSON file", ext: ".json", file: `{"review": 0.55, "categories": {"hype": {"review": 0.7, "block": 0.9}}, "escalation": {"after": 0}}`,
			check: func(t *testing.T, p *Policy) {
				assert.Equal(t, Thresholds{0.55, 0.8}, p.Default)
				assert.Equal(t, Thresholds{0.7, 0.9}, p.thresholds("hype"))
				assert.Equal(t, 0, p.EscalateAfter, "0 turns escalation off")
			}},
		{name: "flags win over the file", ext: ".yaml", file: "review: 0.6\ncategories:\n  hype: {review: 0.7, block: 0.9}\n",
			ov: policyOverrides{review: f64(0.4), categories: map[string]thresholdsFile{"hype": {Block: f64(0.99)}}},
			check: func(t *testing.T, p *Policy) {
				assert.Equal(t, 0.4, p.Default.Review)
				assert.Equal(t, Thresholds{0.7, 0.99}, p.thresholds("hype"))
			}},
		{name: "the example policy.yaml", path: "policy.yaml",
			check: func(t *testing.T, p *Policy) {
				assert.Equal(t, Thresholds{0.5, 0.8}, p.Default)
				assert.Equal(t, Thresholds{0.5, 0.7}, p.thresholds("fabricated-citation"))
				assert.Equal(t, Thresholds{0.6, 0.95}, p.thresholds("engagement-bait"))
				assert.Equal(t, Thresholds{0.5, 0.8}, p.thresholds("hype"))
				assert.Equal(t, 3, p.EscalateAfter)
				assert.Equal(t, 10*time.Minute, p.EscalateWindow)
				assert.Equal(t, 10000, p.MaxAuthors)
				for name := range p.Categories {
					assert.Contains(t, []string{"hype", "fabricated-citation", "engagement-bait"}, name, "a built-in category")
				}
			}},
		{name: "unknown field", ext: ".yaml", file: "reveiw: 0.6\n", wantErr: "field reveiw not found"},
		{name: "bad duration", ext: ".yaml", file: "escalation: {window: soon}\n", wantErr: "soon"},
		{name: "review above block", ext: ".yaml", file: "categories:\n  hype: {review: 0.9, block: 0.6}\n",
			wantErr: "category hype review threshold 0.9 is above its block threshold 0.6"},
		{name: "zero threshold", ov: policyOverrides{review: f64(0)}, wantErr: "default review threshold 0 is out of range"},
		{name: "NaN threshold", ov: policyOverrides{block: f64(math.NaN())}, wantErr: "default block threshold NaN is out of range"},
		{name: "missing file", ext: "missing", wantErr: "no such file"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := ""
			switch {
			case tc.ext == "missing":
				path = filepath.Join(dir, "nope.yaml")
			case tc.path != "":
				path = tc.path
			case tc.file != "":
				path = write(strings.ReplaceAll(tc.name, " ", "-")+tc.ext, tc.file)
			}
			p, err := loadPolicy(path, tc.ov)
			if tc.wantErr != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tc.wantErr)
				return
			}
			require.NoError(t, err)
			tc.check(t, p)
		})
	}
}

func TestCategoryFlag(t *testing.T) {
	tests := []struct {
		in          string
		review, blk float64 // NaN: not set
		wantErr     string
	}{
		{"hype=0.6:0.9", 0.6, 0.9, ""},
		{"engagement-bait=:0.95", math.NaN(), 0.95, ""},
		{"spam=0.4", 0.4, math.NaN(), ""},
		{"hype", 0, 0, "want NAME=REVIEW:BLOCK"},
		{"hype=:", 0, 0, "sets no threshold"},
		{"hype=high:0.9", 0, 0, `"high" is not a number`},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			c := categoryFlag{}
			err := c.Set(tc.in)
			if tc.wantErr != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tc.wantErr)
				return
			}
			require.NoError(t, err)
			require.Len(t, c, 1)
			for _, th := range c {
				for _, x := range []struct {
					got  *float64
					want float64
				}{{th.Review, tc.review}, {th.Block, tc.blk}} {
					if math.IsNaN(x.want) {
						assert.Nil(t, x.got)
					} else {
						require.NotNil(t, x.got)
						assert.Equal(t, x.want, *x.got)
					}
				}
			}
		})
	}
}

func TestReadLine(t *testing.T) {
	in := "a\r\nbb\n\n" + strings.Repeat("x", 100) + "\n" + strings.Repeat("y", 10) + "\nlast"
	br := bufio.NewReaderSize(strings.NewReader(in), 16) // lines longer than the buffer too
	type got struct {
		line    string
		tooLong bool
	}
	var out []got
	for {
		line, tooLong, err := readLine(br, 10)
		if err == io.EOF {
			break
		}
		require.NoError(t, err)
		out = append(out, got{string(line), tooLong})
	}
	assert.Equal(t, []got{{"a", false}, {"bb", false}, {"", false}, {"", true}, {strings.Repeat("y", 10), false}, {"last", false}}, out)
}

// TestRun drives the program through run(), as main does: flags, policy,
// lexicons, errors at start and the -gen mode.
func TestRun(t *testing.T) {
	dir := t.TempDir()
	lex := filepath.Join(dir, "spam.yaml")
	require.NoError(t, os.WriteFile(lex, []byte(lexV1), 0o644))
	broken := filepath.Join(dir, "broken")
	require.NoError(t, os.Mkdir(broken, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(broken, "bad.yaml"), []byte(lexBrokenYAML), 0o644))
	policy := filepath.Join(dir, "policy.yaml")
	require.NoError(t, os.WriteFile(policy, []byte("categories:\n  spam: {review: 0.4, block: 0.45}\n"), 0o644))
	typo := filepath.Join(dir, "typo.yaml")
	require.NoError(t, os.WriteFile(typo, []byte("categories:\n  spma: {review: 0.4}\n"), 0o644))

	tests := []struct {
		name       string
		args       []string
		stdin      string
		wantCode   int
		wantStdout []string
		wantStderr []string
	}{
		{name: "stdin", args: []string{"-no-builtin", "-lexicon", lex}, stdin: msg(1, "a", "buy followers") + "\n",
			wantStdout: []string{`"action":"review"`, `"rules":{"generation":1`}, wantStderr: []string{"1 messages in", "1 review"}},
		{name: "policy file", args: []string{"-no-builtin", "-lexicon", lex, "-policy", policy}, stdin: msg(1, "a", "buy followers") + "\n",
			wantStdout: []string{`"action":"block"`, `"review":0.4,"block":0.45`}},
		{name: "category flag", args: []string{"-no-builtin", "-lexicon", lex, "-category", "spam=0.9:0.95"}, stdin: msg(1, "a", "buy followers") + "\n",
			wantStdout: []string{`"action":"allow"`, `below review threshold 0.90`}},
		{name: "no escalation", args: []string{"-no-builtin", "-lexicon", lex, "-escalate-after", "0"},
			stdin:      strings.Repeat(msg(1, "a", "buy followers")+"\n", 4),
			wantStdout: []string{`"action":"review"`}, wantStderr: []string{"4 review, 0 block (0 escalated)"}},
		{name: "broken lexicon at start", args: []string{"-no-builtin", "-lexicon", broken}, wantCode: 2,
			wantStderr: []string{"lexicon files rejected", "bad.yaml:", "YAML syntax error"}},
		{name: "missing lexicon", args: []string{"-lexicon", filepath.Join(dir, "nope.yaml")}, wantCode: 2, wantStderr: []string{"nope.yaml"}},
		{name: "no rules", args: []string{"-no-builtin"}, wantCode: 2, wantStderr: []string{"-no-builtin needs at least one -lexicon"}},
		{name: "policy names an unknown category", args: []string{"-no-builtin", "-lexicon", lex, "-policy", typo}, wantCode: 2,
			wantStderr: []string{"thresholds for spma, which the rules do not score"}},
		{name: "bad workers", args: []string{"-workers", "0"}, wantCode: 2, wantStderr: []string{"-workers 0: use 1 to 1024"}},
		{name: "bad threshold", args: []string{"-review", "0.9", "-block", "0.5"}, wantCode: 2, wantStderr: []string{"review threshold 0.9 is above its block threshold 0.5"}},
		{name: "bad category flag", args: []string{"-category", "hype"}, wantCode: 2, wantStderr: []string{"want NAME=REVIEW:BLOCK"}},
		{name: "stray argument", args: []string{"messages.txt"}, wantCode: 2, wantStderr: []string{"messages come on standard input"}},
		{name: "help", args: []string{"-h"}, wantCode: 0, wantStderr: []string{"usage: moderationbot", "-listen"}},
		{name: "gen", args: []string{"-gen", "3"}, wantStdout: []string{`{"id":1,`, `{"id":3,`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(context.Background(), tc.args, strings.NewReader(tc.stdin), &stdout, &stderr)
			assert.Equal(t, tc.wantCode, code, "stderr: %s", stderr.String())
			for _, w := range tc.wantStdout {
				assert.Contains(t, stdout.String(), w)
			}
			for _, w := range tc.wantStderr {
				assert.Contains(t, stderr.String(), w)
			}
			assert.NotContains(t, stderr.String(), "panic")
		})
	}
}

func TestGenerate(t *testing.T) {
	var a, b bytes.Buffer
	require.NoError(t, generate(&a, 500, 7))
	require.NoError(t, generate(&b, 500, 7))
	assert.Equal(t, a.String(), b.String(), "deterministic for a seed")
	sc := bufio.NewScanner(&a)
	n := 0
	for sc.Scan() {
		n++
		m, err := decodeMessage(sc.Bytes())
		require.NoError(t, err, "line %d", n)
		assert.NotEmpty(t, m.Author)
		assert.NotEmpty(t, *m.Text)
	}
	assert.Equal(t, 500, n)
}

// TestBuiltinRules runs the bot on the built-in lexicons once: the
// categories a community sees, and a verdict a moderator can act on.
func TestBuiltinRules(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("compiling the built-in lexicons takes seconds under -race or -short; run without them")
	}
	in := strings.Join([]string{
		msg(1, "ana", "morning all, the build is green again"),
		msg(2, "bot42", "This changes everything!!! Tag a friend who needs to see this."),
		msg(3, "luis", "As an AI language model, I cannot browse the internet."),
		msg(4, "mia", "This is not a game changer, just a bug fix."),
	}, "\n") + "\n"
	var stdout, stderr bytes.Buffer
	require.Equal(t, 0, run(context.Background(), nil, strings.NewReader(in), &stdout, &stderr), stderr.String())
	var got []Verdict
	dec := json.NewDecoder(&stdout)
	for dec.More() {
		var v Verdict
		require.NoError(t, dec.Decode(&v))
		got = append(got, v)
	}
	require.Len(t, got, 4)
	assert.Equal(t, Allow, got[0].Action)
	assert.Equal(t, Review, got[1].Action)
	cats := map[string]Action{}
	for _, c := range got[1].Categories {
		cats[c.Category] = c.Action
	}
	assert.Equal(t, map[string]Action{"hype": Review, "engagement-bait": Review}, cats)
	assert.Equal(t, Block, got[2].Action)
	assert.Equal(t, "fabricated-citation", got[2].Categories[0].Category)
	assert.Equal(t, Allow, got[3].Action, got[3].Reason)
	for _, v := range got {
		for _, m := range v.Matches {
			assert.NotEmpty(t, m.Message)
			assert.Less(t, m.Start, m.End)
		}
	}
}

// genMessages returns n generated messages, as stdin would carry them.
func genMessages(tb testing.TB, n int) []byte {
	var buf bytes.Buffer
	require.NoError(tb, generate(&buf, n, 1))
	return buf.Bytes()
}

// BenchmarkStdin100k scores 100,000 generated messages from a stream with
// the built-in lexicons, as the bot does on standard input:
//
//	go test -run '^$' -bench Stdin100k -benchtime 3x ./examples/moderationbot/
func BenchmarkStdin100k(b *testing.B) {
	const n = 100000
	input := genMessages(b, n)
	bt, err := newBot(config{policy: defaultPolicy(), workers: runtime.GOMAXPROCS(0), maxBytes: DefaultMaxBytes},
		log.New(io.Discard, "", 0))
	require.NoError(b, err)
	b.SetBytes(int64(len(input)))
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		st, err := bt.serveStream(context.Background(), bytes.NewReader(input), io.Discard)
		if err != nil || st.Messages != n {
			b.Fatalf("%d messages, %v", st.Messages, err)
		}
	}
	b.ReportMetric(float64(n*b.N)/time.Since(start).Seconds(), "msgs/s")
}

// TestScoringErrors: a rule that did not finish never lets a message
// through unseen; a text too large for the detector gets an error verdict.
func TestScoringErrors(t *testing.T) {
	rs := &ruleSet{gen: 7, version: "v"}
	text := "hello"
	m := &Message{ID: json.RawMessage(`1`), Author: "a", Text: &text}
	clean := &detect.Report{Categories: []detect.CategoryScore{{Category: "hype"}}}

	timeout := errors.Join(&detect.RuleError{Rule: "hype.en.slow", Err: detect.ErrRegexTimeout})
	v := buildVerdict(m, clean, timeout, rs, defaultPolicy())
	assert.Equal(t, Review, v.Action)
	require.Len(t, v.Warnings, 1)
	assert.Contains(t, v.Warnings[0], "rule hype.en.slow: regex timed out")
	assert.Contains(t, v.Reason, "scoring did not complete")
	assert.Equal(t, uint64(7), v.Rules.Generation)

	v = buildVerdict(m, clean, &detect.InputError{Size: 64 << 20}, rs, defaultPolicy())
	assert.Empty(t, v.Action)
	assert.NotEmpty(t, v.Error)
	b, err := json.Marshal(v.wire())
	require.NoError(t, err)
	assert.NotContains(t, string(b), `"score"`, "an error verdict has no score")
	assert.Contains(t, string(b), `"error"`)
}
