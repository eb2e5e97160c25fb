package main

// This file writes -format html: one self-contained page (inline CSS, no
// script, no external assets) with each text's flagged spans highlighted
// by category, a tooltip on every highlight, per-category score bars, the
// verdict and a table of every match.
//
// Overlaps: the matches of one category never overlap, but those of
// different categories may. The text is cut at every match start and end
// (and at line ends), so each piece is covered by a fixed set of matches:
// a piece under one category gets that category's colour, a piece under
// two or more gets diagonal stripes of their colours and one underline per
// category, and its tooltip lists every match that covers it.

import (
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"sort"
	"strings"

	"github.com/redflag-go/redflag/detect"
)

//go:embed report.html.tmpl
var reportTemplate string

var htmlTemplate = template.Must(template.New("report").Funcs(template.FuncMap{
	"pct": func(f float64) string { return fmt.Sprintf("%.1f", 100*max(0, min(f, 1))) },
	"num": func(f float64) string { return ftoa(round(f)) },
	"fix": func(f float64) string { return fmt.Sprintf("%.2f", f) },
}).Parse(reportTemplate))

// categoryStyle is how a category looks: a solid colour for underlines and
// swatches, a translucent tint for highlighted text, and a line about it.
type categoryStyle struct {
	color, tint, about string
}

// builtinStyles are the built-in categories' colours: amber, violet and
// sky blue, told apart by people with the common forms of colour
// blindness too.
var builtinStyles = map[string]categoryStyle{
	"hype":                {"#d97706", "rgba(245,158,11,.28)", "promotional hyperbole, false urgency, absolutist framing"},
	"fabricated-citation": {"#7c3aed", "rgba(139,92,246,.24)", "signs that a source or reference is fake or machine-made"},
	"engagement-bait":     {"#0284c7", "rgba(14,165,233,.24)", "posts built to farm clicks, replies and shares"},
}

// customPalette colours custom categories, in the detector's order.
var customPalette = []categoryStyle{
	{"#db2777", "rgba(236,72,153,.22)", ""},
	{"#059669", "rgba(16,185,129,.24)", ""},
	{"#dc2626", "rgba(239,68,68,.20)", ""},
	{"#4d7c0f", "rgba(132,204,22,.26)", ""},
	{"#475569", "rgba(100,116,139,.24)", ""},
	{"#c2410c", "rgba(249,115,22,.22)", ""},
}

// htmlCategory is one category as the page shows it.
type htmlCategory struct {
	Name  string
	Class string // c0, c1, … : index in the detector's categories
	Color string
	About string
}

// htmlReport collects scored units and renders the page.
type htmlReport struct {
	Threshold  float64
	Lines      bool
	Categories []htmlCategory
	Docs       []*htmlDoc
	Texts      int
	Flagged    int
	Matches    int
	CSS        template.CSS // the categories' colour classes

	catIx map[string]int
	cur   *htmlDoc
}

// htmlDoc is one section of the page: one file, or standard input.
type htmlDoc struct {
	ID        string // anchor: f1, f2, …
	Name      string
	Flagged   bool
	FlagNames []string // flagged categories, in category order
	Score     float64  // the highest score of its texts
	Texts     int      // texts scored (lines, with -lines)
	Hit       int      // texts flagged
	Bars      []htmlBar
	Rows      []htmlRow
	Matches   []htmlMatch
	Errors    []string

	best      []detect.CategoryScore // per category, the text that scored highest
	flaggedIn []int                  // per category, texts flagged for it
}

// htmlBar is one category's score bar.
type htmlBar struct {
	Cat     htmlCategory
	Score   float64
	Points  float64
	Flagged bool
	Detail  string
}

// htmlRow is one line of text.
type htmlRow struct {
	ID      string // anchor: f1-L12
	Line    int
	Segs    []htmlSeg
	Hit     bool    // a match with points touches this line
	Scored  bool    // with -lines: this line is a text of its own
	Flagged bool    // with -lines: this line is flagged
	Score   float64 // with -lines: its score
}

// htmlSeg is a piece of a line covered by the same matches throughout.
type htmlSeg struct {
	Text    string
	Anchor  string // the id of the first piece of a match: f1-m3
	Classes string // empty for plain text
	Tips    []htmlTip
}

// htmlTip is one match in a highlight's tooltip.
type htmlTip struct {
	N            int
	Rule         string
	Cat          htmlCategory
	Message      string
	Weight       float64
	Contribution float64
	Note         string
}

// htmlMatch is a row of the match table.
type htmlMatch struct {
	N            int
	Anchor       string // where the highlight is
	Where        string // line:column
	Cat          htmlCategory
	Rule         string
	Text         string
	Message      string
	Source       string
	Note         string
	Deobfuscated string
	Weight       float64
	Contribution float64
	Zero         bool
}

func newHTMLReport(d *detect.Detector, o options) *htmlReport {
	h := &htmlReport{Threshold: d.Threshold(), Lines: o.lines, catIx: map[string]int{}}
	var css strings.Builder
	custom := 0
	for i, name := range d.Categories() {
		st, ok := builtinStyles[name]
		if !ok {
			st = customPalette[custom%len(customPalette)]
			custom++
		}
		c := htmlCategory{Name: name, Class: fmt.Sprintf("c%d", i), Color: st.color, About: st.about}
		h.catIx[name] = i
		h.Categories = append(h.Categories, c)
		// Each category sets the first (a), second (b) or third (c)
		// colour of a highlight, so that a piece under several
		// categories can show them all.
		fmt.Fprintf(&css, ".a-%[1]s{--ca:%[2]s;--ta:%[3]s}.b-%[1]s{--cb:%[2]s;--tb:%[3]s}.c-%[1]s{--cc:%[2]s;--tc:%[3]s}.sw-%[1]s{background:%[2]s}\n",
			c.Class, st.color, st.tint)
	}
	h.CSS = template.CSS(css.String())
	return h
}

// startSource opens the section for src.
func (h *htmlReport) startSource(src source) {
	name := src.name
	if src.isStdin() {
		name = "standard input"
	}
	n := len(h.Categories)
	h.cur = &htmlDoc{ID: fmt.Sprintf("f%d", len(h.Docs)+1), Name: name,
		best: make([]detect.CategoryScore, n), flaggedIn: make([]int, n)}
	h.Docs = append(h.Docs, h.cur)
}

// add renders one scored unit into the current section.
func (h *htmlReport) add(u unit) {
	dc := h.cur
	h.Texts++
	dc.Texts++
	if u.rep.Flagged {
		h.Flagged++
		dc.Hit++
		dc.Flagged = true
	}
	dc.Score = max(dc.Score, u.rep.Score)
	if u.err != nil {
		dc.Errors = append(dc.Errors, fmt.Sprintf("%s: %v", where(u.input), u.err))
	}
	for _, c := range u.rep.Categories {
		i, ok := h.catIx[c.Category]
		if !ok {
			continue
		}
		if c.Score > dc.best[i].Score || dc.best[i].Category == "" {
			dc.best[i] = c
		}
		if c.Flagged {
			dc.flaggedIn[i]++
		}
	}
	first := 1
	if u.line > 0 {
		first = u.line
	}
	base := len(dc.Matches)
	ix := newLineIndex(u.text)
	for k, m := range u.rep.Matches {
		line, col := ix.position(u.text, m.Start)
		dc.Matches = append(dc.Matches, htmlMatch{
			N: base + k + 1, Anchor: fmt.Sprintf("%s-m%d", dc.ID, base+k+1),
			Where: fmt.Sprintf("%d:%d", first+line, col),
			Cat:   h.category(m.Category), Rule: m.Rule, Text: strings.ToValidUTF8(m.Text, "\uFFFD"),
			Message: m.Message, Source: m.Source, Note: m.Note, Deobfuscated: m.Deobfuscated,
			Weight: m.Weight, Contribution: m.Contribution, Zero: m.Contribution <= 0,
		})
	}
	h.Matches += len(u.rep.Matches)
	rows := h.rows(dc, u.text, u.rep.Matches, first, base)
	if h.Lines {
		for i := range rows {
			rows[i].Scored = true
			rows[i].Flagged = u.rep.Flagged
			rows[i].Score = u.rep.Score
		}
	}
	dc.Rows = append(dc.Rows, rows...)
}

// category returns how the page shows the named category.
func (h *htmlReport) category(name string) htmlCategory {
	if i, ok := h.catIx[name]; ok {
		return h.Categories[i]
	}
	return htmlCategory{Name: name, Class: "cx", Color: "#57606a"}
}

// rows cuts text into lines and each line into pieces covered by the same
// matches (see the file comment). ms are in text order; the k-th is match
// number base+k+1 of the section. A trailing empty line after a final
// line break is left out. A match that covers no piece (an empty span)
// gets its line's anchor in the match table.
func (h *htmlReport) rows(dc *htmlDoc, text string, ms []detect.Match, firstLine, base int) []htmlRow {
	// Line spans, without their "\n" or "\r\n".
	type span struct{ a, b int }
	var lines []span
	for start := 0; ; {
		i := strings.IndexByte(text[start:], '\n')
		if i < 0 {
			if start < len(text) || len(lines) == 0 {
				lines = append(lines, span{start, len(text)})
			}
			break
		}
		end := start + i
		if end > start && text[end-1] == '\r' {
			end--
		}
		lines = append(lines, span{start, end})
		start += i + 1
	}
	order := make([]int, len(ms))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(i, j int) bool { return ms[order[i]].Start < ms[order[j]].Start })

	rows := make([]htmlRow, 0, len(lines))
	anchored := make([]bool, len(ms))
	next := 0        // first match, in start order, not yet active
	var active []int // matches that started at or before the current cut
	advance := func(pos int) {
		for next < len(order) && ms[order[next]].Start <= pos {
			active = append(active, order[next])
			next++
		}
		kept := active[:0]
		for _, k := range active {
			if ms[k].End > pos {
				kept = append(kept, k)
			}
		}
		active = kept
	}
	for li, ln := range lines {
		row := htmlRow{Line: firstLine + li, ID: fmt.Sprintf("%s-L%d", dc.ID, firstLine+li)}
		advance(ln.a)
		// Cut points: the line's ends and every match edge inside it.
		cuts := []int{ln.a, ln.b}
		edges := func(m detect.Match) {
			for _, p := range []int{m.Start, m.End} {
				if p > ln.a && p < ln.b {
					cuts = append(cuts, p)
				}
			}
		}
		for _, k := range active {
			edges(ms[k])
		}
		for j := next; j < len(order) && ms[order[j]].Start < ln.b; j++ {
			edges(ms[order[j]])
		}
		sort.Ints(cuts)
		for ci := 0; ci+1 < len(cuts); ci++ {
			a, b := cuts[ci], cuts[ci+1]
			if a == b {
				continue
			}
			advance(a)
			seg := htmlSeg{Text: strings.ToValidUTF8(text[a:b], "\uFFFD")}
			var cover []int
			for _, k := range active {
				if ms[k].End >= b {
					cover = append(cover, k)
				}
			}
			if len(cover) > 0 {
				seg.Classes, seg.Tips = h.segStyle(ms, cover, base)
				for _, k := range cover {
					if ms[k].Contribution > 0 {
						row.Hit = true
					}
					if !anchored[k] {
						anchored[k] = true
						if seg.Anchor == "" {
							seg.Anchor = fmt.Sprintf("%s-m%d", dc.ID, base+k+1)
						} else {
							// Two matches start on this piece: the table
							// links the second to the same place.
							dc.Matches[base+k].Anchor = seg.Anchor
						}
					}
				}
			}
			if n := len(row.Segs); n > 0 && seg.Classes == "" && row.Segs[n-1].Classes == "" {
				row.Segs[n-1].Text += seg.Text // plain text cut by an empty match
				continue
			}
			row.Segs = append(row.Segs, seg)
		}
		rows = append(rows, row)
	}
	for k, ok := range anchored {
		if !ok {
			line := firstLine
			for li, ln := range lines {
				if ms[k].Start >= ln.a {
					line = firstLine + li
				}
			}
			dc.Matches[base+k].Anchor = fmt.Sprintf("%s-L%d", dc.ID, line)
		}
	}
	return rows
}

// segStyle returns the classes and tooltip of a piece covered by the
// matches cover (indexes into ms).
func (h *htmlReport) segStyle(ms []detect.Match, cover []int, base int) (string, []htmlTip) {
	// Matches with points first, then by category order.
	sort.SliceStable(cover, func(i, j int) bool {
		a, b := ms[cover[i]], ms[cover[j]]
		if (a.Contribution > 0) != (b.Contribution > 0) {
			return a.Contribution > 0
		}
		return h.catIx[a.Category] < h.catIx[b.Category]
	})
	var tips []htmlTip
	var cats []string
	counted := false
	for _, k := range cover {
		m := ms[k]
		c := h.category(m.Category)
		tips = append(tips, htmlTip{N: base + k + 1, Rule: m.Rule, Cat: c, Message: m.Message,
			Weight: m.Weight, Contribution: m.Contribution, Note: m.Note})
		if m.Contribution > 0 {
			counted = true
		}
		if len(cats) < 3 && (m.Contribution > 0 || !counted) && !contains(cats, c.Class) {
			cats = append(cats, c.Class)
		}
	}
	classes := []string{"hl"}
	for i, c := range cats {
		classes = append(classes, string(rune('a'+i))+"-"+c)
	}
	switch {
	case !counted:
		classes = append(classes, "zero")
	case len(cats) == 2:
		classes = append(classes, "two")
	case len(cats) == 3:
		classes = append(classes, "three")
	}
	return strings.Join(classes, " "), tips
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// write finishes the sections (bars and verdicts) and renders the page.
func (h *htmlReport) write(w io.Writer) error {
	for _, dc := range h.Docs {
		for i, c := range h.Categories {
			best := dc.best[i]
			bar := htmlBar{Cat: c, Score: best.Score, Points: best.Points, Flagged: dc.flaggedIn[i] > 0}
			if h.Lines {
				bar.Detail = fmt.Sprintf("%s flagged", plural(dc.flaggedIn[i], "line"))
			}
			if bar.Flagged {
				dc.FlagNames = append(dc.FlagNames, c.Name)
			}
			dc.Bars = append(dc.Bars, bar)
		}
	}
	return htmlTemplate.Execute(w, h)
}
