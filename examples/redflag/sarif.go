package main

// This file writes -format sarif: a SARIF 2.1.0 log with one result per
// match, built with github.com/owenrumney/go-sarif.
//
// Levels: a match whose category reached the threshold in its text is a
// "warning" (the text is flagged for that category); a match that added
// points to a category that stayed under the threshold is a "note"; a
// match that context cancelled (a negation or an exception: 0 points) is
// kind "informational" with level "none", so that a viewer can still show
// why it did not count.
//
// Locations: line and column numbers are 1-based. Columns count UTF-16
// code units, the SARIF default, which run.columnKind states explicitly
// ("utf16CodeUnits"): a character outside the Basic Multilingual Plane,
// such as an emoji, counts 2; an invalid byte counts 1, as the U+FFFD a
// reader decodes it to. byteOffset and byteLength are exact byte offsets
// into the file. With -lines every region is still relative to the whole
// file: the line number is the line's, and byteOffset adds the line's
// offset in the file.

import (
	"fmt"
	"io"
	"net/url"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/owenrumney/go-sarif/v3/pkg/report/v210/sarif"

	"github.com/redflag-go/redflag/detect"
)

// columnKind is the unit of SARIF columns (see the file comment).
const columnKind = "utf16CodeUnits"

// sarifLog collects scored units and writes them as one SARIF run.
type sarifLog struct {
	d         *detect.Detector
	lines     bool
	threshold float64
	run       *sarif.Run
	artifacts map[string]int // artifact uri → index in run.artifacts
	rules     map[string]int // rule id → index in tool.driver.rules
	results   []pendingResult
	current   int // artifact index of the source being added
	texts     int
	flagged   int
}

// pendingResult is a result waiting for the rule index, which is known
// once every rule used is listed.
type pendingResult struct {
	rule string
	res  *sarif.Result
}

func newSARIFLog(d *detect.Detector, o options) *sarifLog {
	run := sarif.NewRunWithInformationURI("redflag", "https://github.com/redflag-go/redflag")
	run.Tool.Driver.WithFullName("redflag: rhetorical red flags (hype, fabricated citations, engagement bait)")
	run.WithColumnKind(columnKind).WithDefaultEncoding("utf-8")
	return &sarifLog{d: d, lines: o.lines, threshold: d.Threshold(), run: run,
		artifacts: map[string]int{}, rules: map[string]int{}}
}

// artifactURI is how a source is named in SARIF: a relative path stays a
// relative URI reference, an absolute one becomes a file: URI, standard
// input is "stdin".
func artifactURI(name string) string {
	if name == "-" {
		return "stdin"
	}
	p := filepath.ToSlash(name)
	if filepath.IsAbs(name) {
		if !strings.HasPrefix(p, "/") {
			p = "/" + p // C:/x → /C:/x
		}
		return (&url.URL{Scheme: "file", Path: p}).String()
	}
	return (&url.URL{Path: p}).String()
}

// startSource adds the artifact for src, once per distinct URI.
func (l *sarifLog) startSource(src source) {
	uri := artifactURI(src.name)
	if i, ok := l.artifacts[uri]; ok {
		l.current = i
		return
	}
	loc := sarif.NewArtifactLocation().WithURI(uri)
	if src.isStdin() {
		loc.WithDescription(sarif.NewTextMessage("standard input"))
	}
	a := sarif.NewArtifact().WithLocation(loc).WithRoles([]string{"analysisTarget"}).
		WithMimeType("text/plain").WithEncoding("utf-8")
	if src.size >= 0 {
		a.WithLength(int(src.size))
	}
	l.current = len(l.run.Artifacts)
	l.artifacts[uri] = l.current
	l.run.AddArtifact(a)
}

// add records the results of one scored unit.
func (l *sarifLog) add(u unit) {
	l.texts++
	if u.rep.Flagged {
		l.flagged++
	}
	art := l.run.Artifacts[l.current]
	if !l.lines && art.Length < 0 {
		art.WithLength(len(u.text))
	}
	flagged := map[string]bool{}
	for _, c := range u.rep.Categories {
		flagged[c.Category] = c.Flagged
	}
	ix := newLineIndex(u.text)
	firstLine := 1
	if u.line > 0 {
		firstLine = u.line
	}
	for _, m := range u.rep.Matches {
		l.rules[m.Rule] = -1
		res := sarif.NewRuleResult(m.Rule)
		switch {
		case m.Contribution <= 0:
			res.WithKind("informational").WithLevel("none")
		case flagged[m.Category]:
			res.WithLevel("warning")
		default:
			res.WithLevel("note")
		}
		res.WithMessage(sarif.NewTextMessage(resultMessage(m)))
		region := ix.region(u.text, m.Start, m.End, firstLine, u.offset)
		ctxStart, ctxEnd := min(m.Sentence.Start, m.Start), max(m.Sentence.End, m.End)
		ctxRegion := ix.region(u.text, ctxStart, ctxEnd, firstLine, u.offset)
		loc := sarif.NewArtifactLocation().WithURI(*art.Location.URI).WithIndex(l.current)
		res.AddLocation(sarif.NewLocationWithPhysicalLocation(
			sarif.NewPhysicalLocation().WithArtifactLocation(loc).WithRegion(region).WithContextRegion(ctxRegion)))
		props := sarif.NewPropertyBag().
			Add("category", m.Category).
			Add("weight", m.Weight).
			Add("contribution", round(m.Contribution)).
			Add("categoryFlagged", flagged[m.Category])
		if m.Note != "" {
			props.Add("note", m.Note)
		}
		if m.Deobfuscated != "" {
			props.Add("deobfuscated", m.Deobfuscated)
		}
		res.WithProperties(props)
		l.results = append(l.results, pendingResult{rule: m.Rule, res: res})
	}
}

// resultMessage is the one-line text of a result: what was flagged, why,
// and the points it added.
func resultMessage(m detect.Match) string {
	pts := fmt.Sprintf("%s, +%s points of weight %s", m.Category, ftoa(round(m.Contribution)), ftoa(m.Weight))
	if m.Note != "" {
		pts += ": " + m.Note
	}
	return fmt.Sprintf("%q: %s [%s]", m.Text, m.Message, pts)
}

// write lists the rules used, in the detector's rule order, and writes
// the log.
func (l *sarifLog) write(w io.Writer) error {
	for _, r := range l.d.Rules() {
		if _, used := l.rules[r.ID]; !used {
			continue
		}
		l.rules[r.ID] = len(l.run.Tool.Driver.Rules)
		l.run.Tool.Driver.AddRule(l.ruleDescriptor(r))
	}
	for _, p := range l.results {
		p.res.WithRuleIndex(l.rules[p.rule])
		l.run.AddResult(p.res)
	}
	mode := "file"
	if l.lines {
		mode = "lines"
	}
	l.run.WithProperties(sarif.NewPropertyBag().
		Add("threshold", l.threshold).
		Add("mode", mode).
		Add("textsScored", l.texts).
		Add("textsFlagged", l.flagged))
	rep := sarif.NewReport()
	rep.Schema = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
	rep.AddRun(l.run)
	if err := rep.PrettyWrite(w); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

// ruleDescriptor describes one rule: its message as the short and full
// description, help text with its source and examples, and its category,
// language and weight as properties.
func (l *sarifLog) ruleDescriptor(r detect.Rule) *sarif.ReportingDescriptor {
	detail, _ := l.d.Explain(r.ID)
	var text, md strings.Builder
	fmt.Fprintf(&text, "%s\n\nCategory: %s. Language: %s. Weight: %s. Kind: %s.\nSource: %s\n",
		r.Message, r.Category, r.Lang, ftoa(r.Weight), r.Kind, r.Source)
	fmt.Fprintf(&md, "%s\n\n| category | language | weight | kind |\n|---|---|---|---|\n| `%s` | `%s` | %s | %s |\n\n**Source:** %s\n",
		r.Message, r.Category, r.Lang, ftoa(r.Weight), r.Kind, r.Source)
	context := "Context counts: a negation or an exception cancels a match, quotation makes it a mention (x0.25), a hedge halves it."
	if !r.Negatable {
		context = "Not negatable: it counts whatever surrounds it."
	}
	fmt.Fprintf(&text, "%s\n", context)
	fmt.Fprintf(&md, "\n%s\n", context)
	if r.File != "" {
		fmt.Fprintf(&text, "Defined in %s:%d.\n", r.File, r.Line)
		fmt.Fprintf(&md, "\nDefined in `%s:%d`.\n", r.File, r.Line)
	}
	examples := func(title string, xs []string) {
		if len(xs) == 0 {
			return
		}
		fmt.Fprintf(&text, "%s:\n", title)
		fmt.Fprintf(&md, "\n**%s:**\n\n", title)
		for _, x := range xs {
			fmt.Fprintf(&text, "  - %s\n", strconv.Quote(x))
			fmt.Fprintf(&md, "- %s\n", mdQuote(x))
		}
	}
	examples("Flagged, for example", detail.Match)
	examples("Not flagged", detail.NoMatch)

	props := sarif.NewPropertyBag().
		Add("category", r.Category).
		Add("lang", r.Lang).
		Add("weight", r.Weight).
		Add("kind", r.Kind).
		Add("negatable", r.Negatable).
		Add("source", r.Source).
		WithTags([]string{r.Category, "lang:" + r.Lang})
	return sarif.NewRule(r.ID).
		WithShortDescription(sarif.NewMultiformatMessageString().WithText(r.Message)).
		WithFullDescription(sarif.NewMultiformatMessageString().WithText(r.Message)).
		WithHelp(sarif.NewMultiformatMessageString().WithText(strings.TrimSpace(text.String())).WithMarkdown(strings.TrimSpace(md.String()))).
		WithProperties(props)
}

// mdQuote renders an example as a Markdown blockquote-free inline quote,
// escaping what Markdown would interpret.
func mdQuote(s string) string {
	r := strings.NewReplacer(`\`, `\\`, "`", "\\`", "*", `\*`, "_", `\_`, "[", `\[`, "]", `\]`, "<", `\<`, "#", `\#`, "|", `\|`)
	return "“" + r.Replace(s) + "”"
}

// lineIndex converts byte offsets of one text to line and column numbers.
type lineIndex struct {
	starts []int // byte offset of each line's start
}

func newLineIndex(text string) *lineIndex {
	ix := &lineIndex{starts: []int{0}}
	for i := 0; i < len(text); i++ {
		if text[i] == '\n' {
			ix.starts = append(ix.starts, i+1)
		}
	}
	return ix
}

// position returns the 0-based line of byte offset p and its 1-based
// column in UTF-16 code units.
func (ix *lineIndex) position(text string, p int) (line, col int) {
	line = sort.SearchInts(ix.starts, p+1) - 1
	return line, 1 + utf16Len(text[ix.starts[line]:p])
}

// region is the SARIF region of text[start:end], for a text that starts
// at line firstLine and byte offset base of its file.
func (ix *lineIndex) region(text string, start, end, firstLine, base int) *sarif.Region {
	start = max(0, min(start, len(text)))
	end = max(start, min(end, len(text)))
	sl, sc := ix.position(text, start)
	var el, ec int
	if end > start && text[end-1] == '\n' {
		// The region ends with a line break: it ends on that line, one
		// column past the break.
		el, ec = ix.position(text, end-1)
		ec++
	} else {
		el, ec = ix.position(text, end)
	}
	return sarif.NewRegion().
		WithStartLine(firstLine + sl).WithStartColumn(sc).
		WithEndLine(firstLine + el).WithEndColumn(ec).
		WithByteOffset(base + start).WithByteLength(end - start).
		WithSnippet(sarif.NewArtifactContent().WithText(strings.ToValidUTF8(text[start:end], "\uFFFD")))
}

// utf16Len is the length of s in UTF-16 code units; an invalid byte
// counts as one (the U+FFFD it decodes to).
func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		if r >= 0x10000 {
			n += 2
		} else {
			n++
		}
	}
	return n
}
