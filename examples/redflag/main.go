// Command redflag scores text for rhetorical red flags (hype, fabricated
// citations, engagement bait) and explains every point of the score.
//
// Usage:
//
//	redflag [flags] [file ...]
//
// With no files it reads standard input. Each file (or standard input) is
// scored as one text; with -lines, every line is scored on its own. A
// directory is walked: every file in it that looks like UTF-8 text is
// scored, hidden files and directories are skipped (see walkDir). Files
// are scored in parallel (-j), and the output keeps the order of the
// arguments and of the walk.
//
// Output formats (-format): text (flagged spans marked, then the
// explanation), json (one array), jsonl (one object per text), sarif
// (SARIF 2.1.0, one result per match; see sarif.go) and html (one
// self-contained page; see html.go). On a terminal, standard error shows
// a progress bar while many files or a long input are scored.
//
// Exit status: 0 when nothing is flagged, 1 when something is, 2 on a
// usage or input error.
//
// Examples:
//
//	echo "This changes everything!!!" | go run ./examples/redflag
//	go run ./examples/redflag -lines -format jsonl testdata/seed-posts.txt
//	go run ./examples/redflag -lexicon my-rules.yaml -rules
//	go run ./examples/redflag -format sarif -j 4 docs/ > redflag.sarif
//	go run ./examples/redflag -format html testdata/seed-posts.txt > report.html
package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"sort"
	"strings"

	"golang.org/x/term"

	"github.com/redflag-go/redflag/detect"
	"github.com/redflag-go/redflag/lexicon"
)

// multiFlag is a repeatable string flag.
type multiFlag []string

// String implements flag.Value.
func (m *multiFlag) String() string { return strings.Join(*m, ",") }

// Set implements flag.Value: each use of the flag adds a value.
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }

type options struct {
	format    string
	lines     bool
	lexicons  multiFlag
	threshold float64
	rules     bool
	noBuiltin bool
	color     bool
	jobs      int
	// rule authors' modes (lint.go, inspect.go)
	lint        bool
	explainRule string
	coverage    bool
}

func main() {
	code, err := run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr, isTerminal(os.Stdout) && os.Getenv("NO_COLOR") == "")
	if err != nil {
		fmt.Fprintln(os.Stderr, "redflag: "+err.Error())
	}
	os.Exit(code)
}

func isTerminal(f *os.File) bool {
	return term.IsTerminal(int(f.Fd()))
}

// run is the whole program, testable: it returns the exit status.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer, color bool) (int, error) {
	fs := flag.NewFlagSet("redflag", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var o options
	fs.StringVar(&o.format, "format", "text", "output format: text, json, jsonl, sarif (SARIF 2.1.0) or html (a self-contained page)")
	fs.BoolVar(&o.lines, "lines", false, "score each input line as its own text")
	fs.Var(&o.lexicons, "lexicon", "lexicon file or directory to add to the built-ins (repeatable)")
	fs.Float64Var(&o.threshold, "threshold", detect.DefaultThreshold, "category score at or above which a text is flagged, in (0,1]")
	fs.BoolVar(&o.rules, "rules", false, "list the compiled rules instead of scoring")
	fs.BoolVar(&o.noBuiltin, "no-builtin", false, "do not load the built-in lexicons (use only -lexicon files)")
	fs.BoolVar(&o.lint, "lint", false, "check the lexicon files and directories given as arguments; exit 1 on findings")
	fs.StringVar(&o.explainRule, "explain-rule", "", "show one rule in full: patterns, compiled stems, examples (honours -format json)")
	fs.BoolVar(&o.coverage, "coverage", false, "score the inputs and report how often each rule fired, and which never did")
	fs.IntVar(&o.jobs, "j", runtime.GOMAXPROCS(0), "score up to `N` files in parallel (the output keeps the argument order)")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: redflag [flags] [file ...]\n\nScores text (files, or standard input) for hype, fabricated citations and\nengagement bait, and explains every point. Exit status: 0 clean, 1 flagged, 2 error.\n\nflags:\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0, nil
		}
		return 2, fmt.Errorf("bad flags (see -h)")
	}
	o.color = color
	switch o.format {
	case "text", "json", "jsonl", "sarif", "html":
	default:
		return 2, fmt.Errorf("unknown -format %q: use text, json, jsonl, sarif or html", o.format)
	}
	if o.jobs < 1 {
		return 2, fmt.Errorf("-j %d: use 1 or more parallel jobs", o.jobs)
	}
	if !(o.threshold > 0 && o.threshold <= 1) {
		return 2, fmt.Errorf("-threshold %v is out of range: use a value in (0, 1]", o.threshold)
	}
	if err := modeConflict(o); err != nil {
		return 2, err
	}
	if o.lint {
		return runLint(fs.Args(), o, stdout, stderr)
	}
	d, err := buildDetector(o)
	if err != nil {
		return 2, err
	}
	if o.rules {
		return 0, listRules(d, o, stdout)
	}
	if o.explainRule != "" {
		return explainRule(d, o, stdout)
	}
	if o.coverage {
		return coverage(d, o, fs.Args(), stdin, stdout, stderr)
	}
	return score(d, o, fs.Args(), stdin, stdout, stderr)
}

func buildDetector(o options) (*detect.Detector, error) {
	var lexs []*lexicon.Lexicon
	if !o.noBuiltin {
		b, err := lexicon.Builtin()
		if err != nil {
			return nil, fmt.Errorf("built-in lexicons: %v", err)
		}
		lexs = append(lexs, b...)
	}
	if len(o.lexicons) > 0 {
		// LoadFiles walks a link to a directory and rejects a directory
		// with no lexicon file.
		user, err := lexicon.LoadFiles(o.lexicons...)
		if err != nil {
			return nil, fmt.Errorf("lexicon errors:\n%v", err)
		}
		lexs = append(lexs, user...)
	}
	d, err := detect.Compile(lexs, detect.WithThreshold(o.threshold))
	if err != nil {
		return nil, fmt.Errorf("lexicon errors:\n%v", err)
	}
	return d, nil
}

func listRules(d *detect.Detector, o options, w io.Writer) error {
	rules := d.Rules()
	switch o.format {
	case "json":
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(rules)
	case "jsonl":
		enc := json.NewEncoder(w)
		for _, r := range rules {
			if err := enc.Encode(r); err != nil {
				return err
			}
		}
		return nil
	}
	bw := bufio.NewWriter(w)
	counts := map[string]int{}
	for _, r := range rules {
		fmt.Fprintf(bw, "%-50s %-20s %-3s %4.1f  %s\n", r.ID, r.Category, r.Lang, r.Weight, r.Message)
		counts[r.Category+" "+r.Lang]++
	}
	keys := make([]string, 0, len(counts))
	for k := range counts {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	fmt.Fprintf(bw, "\n%d rules:", len(rules))
	for _, k := range keys {
		fmt.Fprintf(bw, " %s=%d", strings.ReplaceAll(k, " ", "/"), counts[k])
	}
	fmt.Fprintln(bw)
	return bw.Flush()
}

// input is one text to score and where it came from.
type input struct {
	file string
	line int // 0 when the whole file is one text
	text string
}

// score is the default mode: it scores every input and writes the reports
// in the chosen format.
func score(d *detect.Detector, o options, files []string, stdin io.Reader, stdout, stderr io.Writer) (int, error) {
	srcs, err := expandArgs(files)
	if err != nil {
		return 2, err
	}
	prog := newProgress(stderr, srcs)
	defer prog.finish()
	if prog != nil {
		stdout = clearingWriter{w: stdout, p: prog}
	}
	bw := bufio.NewWriter(stdout)
	defer bw.Flush()
	flagged := false
	var (
		all  []record
		slog *sarifLog
		page *htmlReport
	)
	switch o.format {
	case "sarif":
		slog = newSARIFLog(d, o)
	case "html":
		page = newHTMLReport(d, o)
	}
	next := func(src source) {
		switch {
		case slog != nil:
			slog.startSource(src)
		case page != nil:
			page.startSource(src)
		}
	}
	emit := func(u unit, more bool) error {
		if u.err != nil {
			prog.printf(stderr, "redflag: %s: %v\n", where(u.input), u.err)
		}
		if u.rep.Flagged {
			flagged = true
		}
		switch o.format {
		case "jsonl":
			b, _ := json.Marshal(newRecord(u.input, u.rep, u.err))
			bw.Write(b)
			bw.WriteByte('\n')
		case "json":
			all = append(all, newRecord(u.input, u.rep, u.err))
		case "sarif":
			slog.add(u)
		case "html":
			page.add(u)
		default:
			writeText(bw, u.input, u.rep, o.color)
		}
		if !more && (o.format == "text" || o.format == "jsonl") {
			// Nothing else is ready: let a reader of a stream see this.
			return bw.Flush()
		}
		return nil
	}
	sc := &scorer{d: d, lines: o.lines, jobs: o.jobs, stdin: stdin, progress: prog}
	if err := sc.run(srcs, next, emit); err != nil {
		bw.Flush()
		return 2, err
	}
	prog.finish()
	switch o.format {
	case "json":
		enc := json.NewEncoder(bw)
		enc.SetIndent("", "  ")
		if all == nil {
			all = []record{}
		}
		err = enc.Encode(all)
	case "sarif":
		err = slog.write(bw)
	case "html":
		err = page.write(bw)
	}
	if err == nil {
		err = bw.Flush()
	}
	if err != nil {
		return 2, err
	}
	if flagged {
		return 1, nil
	}
	return 0, nil
}

func unwrapPath(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

func where(in input) string {
	if in.line > 0 {
		return fmt.Sprintf("%s:%d", in.file, in.line)
	}
	return in.file
}

// record is the JSON shape of one scored text.
type record struct {
	File       string             `json:"file,omitempty"`
	Line       int                `json:"line,omitempty"`
	Score      float64            `json:"score"`
	Flagged    bool               `json:"flagged"`
	Points     float64            `json:"points"`
	Categories map[string]float64 `json:"categories"`
	Flags      []string           `json:"flagged_categories"`
	Matches    []detect.Match     `json:"matches"`
	Error      string             `json:"error,omitempty"`
}

func newRecord(in input, r detect.Report, err error) record {
	rec := record{File: in.file, Line: in.line, Score: round(r.Score), Flagged: r.Flagged, Points: round(r.Points),
		Categories: map[string]float64{}, Flags: []string{}, Matches: r.Matches}
	if in.file == "-" {
		rec.File = ""
	}
	for _, c := range r.Categories {
		rec.Categories[c.Category] = round(c.Score)
		if c.Flagged {
			rec.Flags = append(rec.Flags, c.Category)
		}
	}
	if rec.Matches == nil {
		rec.Matches = []detect.Match{}
	}
	for i := range rec.Matches {
		rec.Matches[i].Contribution = round(rec.Matches[i].Contribution)
	}
	if err != nil {
		rec.Error = err.Error()
	}
	return rec
}

func round(f float64) float64 {
	return float64(int64(f*10000+0.5)) / 10000
}

const (
	colorOn  = "\x1b[1;31m"
	colorOff = "\x1b[0m"
)

// writeText prints the text with flagged spans marked, then the
// explanation.
func writeText(w io.Writer, in input, r detect.Report, color bool) {
	if in.line > 0 || in.file != "-" {
		fmt.Fprintf(w, "== %s\n", where(in))
	}
	if len(r.Matches) > 0 {
		fmt.Fprintln(w, highlight(in.text, r.Matches, color))
	}
	_ = r.Explain(w)
	fmt.Fprintln(w)
}

// highlight marks the matched spans: bold red on a terminal, [[...]]
// otherwise. Overlapping spans are merged.
func highlight(text string, ms []detect.Match, color bool) string {
	open, close := "[[", "]]"
	if color {
		open, close = colorOn, colorOff
	}
	type span struct{ a, b int }
	var spans []span
	for _, m := range ms {
		if m.Contribution <= 0 {
			continue
		}
		if n := len(spans); n > 0 && m.Start <= spans[n-1].b {
			if m.End > spans[n-1].b {
				spans[n-1].b = m.End
			}
			continue
		}
		spans = append(spans, span{m.Start, m.End})
	}
	var b strings.Builder
	last := 0
	for _, s := range spans {
		if s.a < last {
			continue
		}
		b.WriteString(text[last:s.a])
		b.WriteString(open)
		b.WriteString(text[s.a:s.b])
		b.WriteString(close)
		last = s.b
	}
	b.WriteString(text[last:])
	return b.String()
}
