package main

// This file holds -explain-rule (one compiled rule in full) and -coverage
// (which rules a corpus exercises).

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/redflag-go/redflag/detect"
)

// exampleResult is one example of a rule, scored now.
type exampleResult struct {
	Kind    string         `json:"kind"` // "match" or "no_match"
	Text    string         `json:"text"`
	OK      bool           `json:"ok"`
	Matches []detect.Match `json:"matches"` // the rule's own matches on Text
	Error   string         `json:"error,omitempty"`
}

// explainRule is the -explain-rule mode: it prints one rule with its
// patterns, the terms they compiled to, and its examples scored now.
func explainRule(d *detect.Detector, o options, w io.Writer) (int, error) {
	rd, ok := d.Explain(o.explainRule)
	if !ok {
		msg := fmt.Sprintf("no rule %q", o.explainRule)
		if near := similarIDs(d, o.explainRule); len(near) > 0 {
			msg += "; similar ids: " + strings.Join(near, ", ")
		}
		return 2, fmt.Errorf("%s: list the ids with -rules (add your files with -lexicon)", msg)
	}
	var results []exampleResult
	run := func(kind string, texts []string) {
		for _, text := range texts {
			rep, err := d.Score(text)
			res := exampleResult{Kind: kind, Text: text, Matches: []detect.Match{}}
			hit := false
			for _, m := range rep.Matches {
				if m.Rule == rd.ID {
					res.Matches = append(res.Matches, m)
					if m.Contribution > 0 {
						hit = true
					}
				}
			}
			res.OK = hit == (kind == "match") && err == nil
			if err != nil {
				res.Error = err.Error()
			}
			results = append(results, res)
		}
	}
	run("match", rd.Match)
	run("no_match", rd.NoMatch)

	if o.format != "text" {
		enc := json.NewEncoder(w)
		if o.format == "json" {
			enc.SetIndent("", "  ")
		}
		return 0, enc.Encode(struct {
			detect.RuleDetail
			Examples []exampleResult `json:"examples"`
		}{rd, results})
	}

	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "%s\n", rd.ID)
	field := func(name, value string) {
		if value != "" {
			fmt.Fprintf(bw, "  %-10s %s\n", name, value)
		}
	}
	lang := rd.Lang + " (Snowball stemming)"
	if !rd.Stemmed {
		lang = rd.Lang + " (no stemmer: words match their exact folded form)"
	}
	field("category", rd.Category)
	field("language", lang)
	field("weight", ftoa(rd.Weight))
	field("kind", rd.Kind)
	if rd.Negatable {
		field("context", "negatable: a negation cancels it, quotation or \"so-called\" makes it a mention (x0.25), a hedge halves it")
	} else {
		field("context", "not negatable: counts whatever surrounds it")
	}
	if rd.File != "" {
		field("defined", fmt.Sprintf("%s:%d", rd.File, rd.Line))
	}
	field("message", rd.Message)
	field("source", rd.Source)
	if len(rd.Phrases) > 0 {
		fmt.Fprintln(bw, "phrases (the terms each word of a text must reduce to):")
		for _, p := range rd.Phrases {
			fmt.Fprintf(bw, "  %-36s [%s]\n", p.Phrase, strings.Join(p.Terms, " "))
		}
		if rd.CrossSentences {
			fmt.Fprintln(bw, "  (may match across a sentence end)")
		}
	}
	if len(rd.Unless) > 0 {
		fmt.Fprintln(bw, "unless (cancels a match in the same sentence):")
		for _, p := range rd.Unless {
			fmt.Fprintf(bw, "  %-36s [%s]\n", p.Phrase, strings.Join(p.Terms, " "))
		}
	}
	if len(rd.Regex) > 0 {
		cs := "case-insensitive"
		if rd.MatchCase {
			cs = "case-sensitive"
		}
		fmt.Fprintf(bw, "regex (%s, %v timeout):\n", cs, detect.DefaultRegexTimeout)
		for _, r := range rd.Regex {
			fmt.Fprintf(bw, "  /%s/\n", r)
		}
	}
	if rd.Feature != "" {
		fmt.Fprintf(bw, "feature:\n  %s: %s\n", rd.Feature, rd.FeatureDoc)
	}
	fmt.Fprintln(bw, "examples (scored now with this detector):")
	for _, r := range results {
		verdict := "ok  "
		if !r.OK {
			verdict = "FAIL"
		}
		fmt.Fprintf(bw, "  %s %-8s %q\n", verdict, r.Kind, r.Text)
		for _, m := range r.Matches {
			note := ""
			if m.Note != "" {
				note = " [" + m.Note + "]"
			}
			fmt.Fprintf(bw, "         -> %d-%d %q +%s%s\n", m.Start, m.End, m.Text, ftoa(m.Contribution), note)
		}
		if r.Error != "" {
			fmt.Fprintf(bw, "         error: %s\n", r.Error)
		}
	}
	return 0, bw.Flush()
}

// similarIDs returns up to five rule ids that share the last part of id
// or contain it.
func similarIDs(d *detect.Detector, id string) []string {
	slug := id
	if i := strings.LastIndexByte(id, '.'); i >= 0 {
		slug = id[i+1:]
	}
	var out []string
	for _, r := range d.Rules() {
		if slug != "" && (strings.HasSuffix(r.ID, "."+slug) || strings.Contains(r.ID, id)) {
			out = append(out, r.ID)
			if len(out) == 5 {
				break
			}
		}
	}
	return out
}

// ruleCoverage is how often one rule fired on a corpus.
type ruleCoverage struct {
	ID        string `json:"id"`
	Category  string `json:"category"`
	Texts     int    `json:"texts"`     // texts where it added points
	Hits      int    `json:"hits"`      // matches with points
	Cancelled int    `json:"cancelled"` // matches the context reduced to 0 points
}

// coverageReport is the -coverage result.
type coverageReport struct {
	Texts      int            `json:"texts"`
	Flagged    int            `json:"flagged"`
	Rules      int            `json:"rules"`
	Fired      []ruleCoverage `json:"fired"`       // most texts first
	NeverFired []string       `json:"never_fired"` // rule ids, in id order
}

// coverage is the -coverage mode: it scores every input (files, walked
// directories, or standard input; each line with -lines) and reports per
// rule how often it fired, then the rules that never fired.
func coverage(d *detect.Detector, o options, files []string, stdin io.Reader, stdout, stderr io.Writer) (int, error) {
	stats := map[string]*ruleCoverage{}
	rep := coverageReport{Rules: len(d.Rules())}
	srcs, err := expandArgs(files)
	if err != nil {
		return 2, err
	}
	prog := newProgress(stderr, srcs)
	defer prog.finish()
	sc := &scorer{d: d, lines: o.lines, jobs: o.jobs, stdin: stdin, progress: prog}
	err = sc.run(srcs, func(source) {}, func(u unit, _ bool) error {
		if u.err != nil {
			prog.printf(stderr, "redflag: %s: %v\n", where(u.input), u.err)
		}
		r := u.rep
		rep.Texts++
		if r.Flagged {
			rep.Flagged++
		}
		seen := map[string]bool{}
		for _, m := range r.Matches {
			s := stats[m.Rule]
			if s == nil {
				s = &ruleCoverage{ID: m.Rule, Category: m.Category}
				stats[m.Rule] = s
			}
			if m.Contribution <= 0 {
				s.Cancelled++
				continue
			}
			s.Hits++
			if !seen[m.Rule] {
				seen[m.Rule] = true
				s.Texts++
			}
		}
		return nil
	})
	prog.finish()
	if err != nil {
		return 2, err
	}
	rep.Fired = []ruleCoverage{}
	rep.NeverFired = []string{}
	for _, s := range stats {
		if s.Hits > 0 {
			rep.Fired = append(rep.Fired, *s)
		}
	}
	sort.Slice(rep.Fired, func(i, j int) bool {
		a, b := rep.Fired[i], rep.Fired[j]
		if a.Texts != b.Texts {
			return a.Texts > b.Texts
		}
		if a.Hits != b.Hits {
			return a.Hits > b.Hits
		}
		return a.ID < b.ID
	})
	for _, rule := range d.Rules() {
		if s := stats[rule.ID]; s == nil || s.Hits == 0 {
			rep.NeverFired = append(rep.NeverFired, rule.ID)
		}
	}
	sort.Strings(rep.NeverFired)

	if o.format != "text" {
		enc := json.NewEncoder(stdout)
		if o.format == "json" {
			enc.SetIndent("", "  ")
		}
		return 0, enc.Encode(rep)
	}
	bw := bufio.NewWriter(stdout)
	pct := 0.0
	if rep.Rules > 0 {
		pct = 100 * float64(len(rep.Fired)) / float64(rep.Rules)
	}
	fmt.Fprintf(bw, "coverage: %d texts (%d flagged); %d of %d rules fired (%.1f%%)\n", rep.Texts, rep.Flagged, len(rep.Fired), rep.Rules, pct)
	if len(rep.Fired) > 0 {
		fmt.Fprintf(bw, "%7s %6s %9s  %s\n", "texts", "hits", "cancelled", "rule")
		for _, s := range rep.Fired {
			fmt.Fprintf(bw, "%7d %6d %9d  %s\n", s.Texts, s.Hits, s.Cancelled, s.ID)
		}
	}
	fmt.Fprintf(bw, "never fired (%d rules):\n", len(rep.NeverFired))
	for _, id := range rep.NeverFired {
		c := ""
		if s := stats[id]; s != nil && s.Cancelled > 0 {
			c = fmt.Sprintf("  (matched %d times, always cancelled by context)", s.Cancelled)
		}
		fmt.Fprintf(bw, "  %s%s\n", id, c)
	}
	return 0, bw.Flush()
}
