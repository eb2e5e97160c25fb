package main

// This file holds the rule authors' modes of the command: -lint checks
// lexicon files, -explain-rule shows one compiled rule in full, and
// -coverage reports which rules a corpus exercises.

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"github.com/redflag-go/redflag/detect"
	"github.com/redflag-go/redflag/lexicon"
)

// lintTimeout bounds each regex run on one of its own examples.
const lintTimeout = detect.DefaultRegexTimeout

// modeConflict reports a usage error when more than one of the modes
// -lint, -explain-rule, -coverage and -rules is asked for, or one of them
// with a format only scoring writes (sarif, html).
func modeConflict(o options) error {
	var modes []string
	if o.lint {
		modes = append(modes, "-lint")
	}
	if o.explainRule != "" {
		modes = append(modes, "-explain-rule")
	}
	if o.coverage {
		modes = append(modes, "-coverage")
	}
	if o.rules {
		modes = append(modes, "-rules")
	}
	if len(modes) > 1 {
		return fmt.Errorf("%s cannot be combined: use one mode at a time", strings.Join(modes, " and "))
	}
	if len(modes) == 1 && (o.format == "sarif" || o.format == "html") {
		return fmt.Errorf("%s writes text, json or jsonl; -format %s is for scoring texts", modes[0], o.format)
	}
	return nil
}

// finding is one problem the linter reports, located in a lexicon file.
type finding struct {
	pos   lexicon.Position
	entry string
	msg   string
	warn  bool
	seq   int // discovery order, to keep the output stable
}

// String formats the finding as "file:line: entry: message".
func (f finding) String() string {
	var b strings.Builder
	b.WriteString(f.pos.String())
	b.WriteString(": ")
	if f.entry != "" {
		b.WriteString(f.entry)
		b.WriteString(": ")
	}
	if f.warn {
		b.WriteString("warning: ")
	}
	b.WriteString(f.msg)
	return b.String()
}

// linter accumulates the state of one -lint run.
type linter struct {
	findings []finding
	lines    map[string][]string // file -> its lines, to locate examples
	// starts maps file -> entry start lines in order, to bound searches to
	// one entry.
	starts map[string][]int
}

func (l *linter) add(pos lexicon.Position, entry string, warn bool, format string, args ...any) {
	l.findings = append(l.findings, finding{pos: pos, entry: entry, msg: fmt.Sprintf(format, args...), warn: warn, seq: len(l.findings)})
}

// runLint is the -lint mode: it checks the lexicon files and directories
// in paths and prints one finding per line. Exit status: 0 clean, 1
// findings, 2 usage error.
func runLint(paths []string, o options, stdout, stderr io.Writer) (int, error) {
	if len(paths) == 0 {
		return 2, errors.New("-lint needs lexicon files or directories: redflag -lint rules/ more.yaml")
	}
	files, err := lexiconFiles(paths)
	if err != nil {
		return 2, err
	}
	l := &linter{lines: map[string][]string{}, starts: map[string][]int{}}
	var linted []*lexicon.Lexicon
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return 2, fmt.Errorf("cannot read %s: %v", f, unwrapPath(err))
		}
		l.lines[f] = strings.Split(string(data), "\n")
		lex, err := lexicon.Parse(f, data)
		if err != nil {
			for _, e := range lexicon.AsList(err) {
				l.add(e.Pos, e.Entry, false, "%s", e.Msg)
			}
			if lexicon.AsList(err) == nil {
				l.add(lexicon.Position{File: f}, "", false, "%v", err)
			}
			continue
		}
		for _, e := range lex.Entries {
			l.starts[f] = append(l.starts[f], e.Pos.Line)
		}
		linted = append(linted, lex)
	}
	base, err := lintBase(o, files)
	if err != nil {
		return 2, err
	}
	l.check(base, linted)

	sort.SliceStable(l.findings, func(i, j int) bool {
		a, b := l.findings[i], l.findings[j]
		if a.pos.File != b.pos.File {
			return a.pos.File < b.pos.File
		}
		if a.pos.Line != b.pos.Line {
			return a.pos.Line < b.pos.Line
		}
		return a.seq < b.seq
	})
	bw := bufio.NewWriter(stdout)
	warns := 0
	for _, f := range l.findings {
		fmt.Fprintln(bw, f.String())
		if f.warn {
			warns++
		}
	}
	if err := bw.Flush(); err != nil {
		return 2, err
	}
	entries := 0
	for _, lex := range linted {
		entries += len(lex.Entries)
	}
	if len(l.findings) == 0 {
		fmt.Fprintf(stderr, "redflag -lint: %s, %s: no problems found\n", plural(len(files), "file"), plural(entries, "entry"))
		return 0, nil
	}
	fmt.Fprintf(stderr, "redflag -lint: %s (%s, %s) in %s; %s checked in depth\n",
		plural(len(l.findings), "problem"), plural(len(l.findings)-warns, "error"), plural(warns, "warning"),
		plural(len(files), "file"), plural(entries, "entry"))
	return 1, nil
}

// lexiconFiles expands paths into lexicon files: a file is taken as
// given, a directory is walked for *.yaml and *.yml files.
func lexiconFiles(paths []string) ([]string, error) {
	var out []string
	seen := map[string]bool{}
	for _, p := range paths {
		info, err := os.Stat(p)
		if err != nil {
			return nil, fmt.Errorf("cannot read %s: %v: give lexicon files or directories", p, unwrapPath(err))
		}
		var found []string
		if info.IsDir() {
			err := filepath.WalkDir(throughLink(p), func(fp string, d fs.DirEntry, err error) error {
				if err != nil {
					return err
				}
				if !d.IsDir() && lexicon.IsLexiconFile(fp) {
					found = append(found, fp)
				}
				return nil
			})
			if err != nil {
				return nil, fmt.Errorf("cannot read %s: %v", p, unwrapPath(err))
			}
			if len(found) == 0 {
				return nil, fmt.Errorf("%s holds no lexicon files (*.yaml, *.yml)", p)
			}
			sort.Strings(found)
		} else {
			found = []string{p}
		}
		for _, f := range found {
			if !seen[f] {
				seen[f] = true
				out = append(out, f)
			}
		}
	}
	return out, nil
}

// lintBase returns the lexicons the linted files are checked against:
// the built-ins (unless -no-builtin) and the -lexicon files. A linted
// file that is a working copy of a built-in file (its path ends in
// builtin/<lang>/<name>.yaml) replaces the embedded version, so linting
// lexicon/builtin does not report every entry as a duplicate of itself.
func lintBase(o options, files []string) ([]*lexicon.Lexicon, error) {
	var base []*lexicon.Lexicon
	if !o.noBuiltin {
		b, err := lexicon.Builtin()
		if err != nil {
			return nil, fmt.Errorf("built-in lexicons: %v", err)
		}
		for _, lex := range b {
			if !replacedBy(lex.Name, files) {
				base = append(base, lex)
			}
		}
	}
	if len(o.lexicons) > 0 {
		paths, err := lexiconFiles(o.lexicons)
		if err != nil {
			return nil, fmt.Errorf("-lexicon: %v", err)
		}
		extra, err := lexicon.LoadFiles(paths...)
		if err != nil {
			return nil, fmt.Errorf("-lexicon files must load before others can be linted against them:\n%v", err)
		}
		for _, lex := range extra {
			if !replacedBy(lex.Name, files) {
				base = append(base, lex)
			}
		}
	}
	return base, nil
}

func replacedBy(name string, files []string) bool {
	name = filepath.ToSlash(filepath.Clean(name))
	for _, f := range files {
		f = filepath.ToSlash(filepath.Clean(f))
		if f == name || strings.HasSuffix(f, "/lexicon/"+name) {
			return true
		}
		if abs, err := filepath.Abs(f); err == nil && strings.HasSuffix(filepath.ToSlash(abs), "/lexicon/"+name) {
			return true
		}
	}
	return false
}

// check runs every check that needs a compiled detector on the linted
// lexicons, compiled on top of base.
func (l *linter) check(base, linted []*lexicon.Lexicon) {
	if len(linted) == 0 {
		return
	}
	linted = l.dropDuplicates(base, linted)
	d, linted := l.compile(base, linted)
	if d == nil {
		return
	}
	timedOut := l.checkRegexTimeouts(linted)
	l.checkExamples(d, linted, timedOut)
	l.checkIdenticalPhrases(d, linted)
	l.checkInflections(d, linted)
	l.checkCommonWords(d, linted)
}

// dropDuplicates reports entry ids defined twice (across linted files, or
// by a linted file and a base lexicon) and leaves the later definitions
// out of the compiled detector.
func (l *linter) dropDuplicates(base, linted []*lexicon.Lexicon) []*lexicon.Lexicon {
	seen := map[string]lexicon.Position{}
	builtin := map[string]bool{}
	for _, lex := range base {
		for _, e := range lex.Entries {
			seen[e.ID] = e.Pos
			builtin[e.ID] = true
		}
	}
	out := make([]*lexicon.Lexicon, 0, len(linted))
	for _, lex := range linted {
		keep := &lexicon.Lexicon{Name: lex.Name}
		for _, e := range lex.Entries {
			if prev, dup := seen[e.ID]; dup {
				where := prev.String()
				if builtin[e.ID] {
					where += " (a lexicon this file is compiled with)"
				}
				l.add(e.Pos, e.ID, false, "duplicate id; already defined at %s: rename this entry (ids are <category>.<lang>.<slug> and must be unique across every lexicon compiled together), or disable the other one with detect.WithDisabled", where)
				continue
			}
			seen[e.ID] = e.Pos
			keep.Entries = append(keep.Entries, e)
		}
		out = append(out, keep)
	}
	return out
}

// compile builds the detector of base and linted. Entries that do not
// compile are reported and left out, and compiling is retried once.
func (l *linter) compile(base, linted []*lexicon.Lexicon) (*detect.Detector, []*lexicon.Lexicon) {
	for attempt := 0; attempt < 2; attempt++ {
		all := append(append([]*lexicon.Lexicon(nil), base...), linted...)
		d, err := detect.Compile(all)
		if err == nil {
			return d, linted
		}
		list := lexicon.AsList(err)
		if len(list) == 0 {
			l.add(lexicon.Position{File: "lexicons"}, "", false, "cannot compile: %v", err)
			return nil, nil
		}
		bad := map[string]bool{}
		for _, e := range list {
			if attempt == 0 {
				l.add(e.Pos, e.Entry, false, "%s", e.Msg)
			}
			bad[e.Pos.File+"\x00"+e.Entry] = true
		}
		var kept []*lexicon.Lexicon
		for _, lex := range linted {
			k := &lexicon.Lexicon{Name: lex.Name}
			for _, e := range lex.Entries {
				if !bad[e.Pos.File+"\x00"+e.ID] {
					k.Entries = append(k.Entries, e)
				}
			}
			kept = append(kept, k)
		}
		linted = kept
	}
	return nil, nil
}

// checkRegexTimeouts runs every regex of every linted entry on each of
// the entry's own examples under the detector's timeout, and reports the
// ones that do not finish. It returns the entries that timed out.
func (l *linter) checkRegexTimeouts(linted []*lexicon.Lexicon) map[string]bool {
	out := map[string]bool{}
	for _, lex := range linted {
		for _, e := range lex.Entries {
			for i, src := range e.Regex {
				re, err := lexicon.CompileRegex(src, e.MatchCase)
				if err != nil {
					continue // reported by the loader
				}
				re.MatchTimeout = lintTimeout
				texts := append(append([]string(nil), e.Examples.Match...), e.Examples.NoMatch...)
				for _, text := range texts {
					if _, err := re.FindAllStringIndex(text, -1); err != nil {
						l.add(l.locate(e, "regex", src), e.ID, false, "regex[%d] /%s/ did not finish within %v on its own example %q: it backtracks catastrophically; remove nested repetition such as (\\w+\\s?)+, or anchor it on a literal word",
							i, src, lintTimeout, text)
						out[e.ID] = true
						break
					}
				}
			}
		}
	}
	return out
}

// checkExamples runs every example of the linted entries with the full
// detector. An entry whose match examples are all taken by other rules is
// reported once as shadowed; other failures are reported per example.
func (l *linter) checkExamples(d *detect.Detector, linted []*lexicon.Lexicon, timedOut map[string]bool) {
	for _, lex := range linted {
		for _, e := range lex.Entries {
			fails := detect.CheckExamples(d, &lexicon.Lexicon{Name: lex.Name, Entries: []lexicon.Entry{e}})
			if len(fails) == 0 {
				continue
			}
			matchFails := 0
			for _, f := range fails {
				if f.WantHit {
					matchFails++
				}
			}
			shadowed := false
			if matchFails == len(e.Examples.Match) && matchFails > 0 {
				if takers := shadowers(d, e, fails); takers != nil {
					shadowed = true
					l.add(e.Pos, e.ID, false, "shadowed: every match example is taken by %s (within a category the longest phrase wins, then the heavier rule): remove this entry, merge its phrases into that one, or make them longer than the other's",
						strings.Join(takers, ", "))
				}
			}
			for _, f := range fails {
				if shadowed && f.WantHit {
					continue
				}
				if timedOut[e.ID] && f.Err != nil && !ownHitDiffers(f) {
					continue // the timeout is already reported
				}
				msg := strings.TrimPrefix(f.Error(), f.Pos.String()+": "+f.Entry+": ")
				if f.WantHit && !ownMatch(f) {
					msg += termsNote(d, e.ID)
				}
				l.add(l.locate(e, "examples", f.Text), e.ID, false, "%s", msg)
			}
		}
	}
}

// ownMatch reports whether the failing example has any match of its own
// entry, even one with no points.
func ownMatch(f detect.ExampleFailure) bool {
	for _, m := range f.Got {
		if m.Rule == f.Entry {
			return true
		}
	}
	return false
}

// termsNote lists the terms the phrases of rule id compiled to, so the
// author can compare them with the words of an example.
func termsNote(d *detect.Detector, id string) string {
	rd, ok := d.Explain(id)
	if !ok || len(rd.Phrases) == 0 {
		return ""
	}
	ps := make([]string, len(rd.Phrases))
	for i, p := range rd.Phrases {
		ps[i] = fmt.Sprintf("%q → [%s]", p.Phrase, strings.Join(p.Terms, " "))
	}
	return " (its phrases compile to " + strings.Join(ps, ", ") + ")"
}

// ownHitDiffers reports whether an example failed for a reason other
// than a scoring error: its entry's hit is not what the example expects.
func ownHitDiffers(f detect.ExampleFailure) bool {
	hit := false
	for _, m := range f.Got {
		if m.Rule == f.Entry && m.Contribution > 0 {
			hit = true
		}
	}
	return hit != f.WantHit
}

// shadowers returns the rules that take every failing match example of e
// from it: e matches the example when compiled alone, and another rule of
// its category covers that span in the full detector. It returns nil if
// some example fails for another reason.
func shadowers(d *detect.Detector, e lexicon.Entry, fails []detect.ExampleFailure) []string {
	solo, err := detect.Compile([]*lexicon.Lexicon{{Name: "lint", Entries: []lexicon.Entry{e}}})
	if err != nil {
		return nil
	}
	set := map[string]bool{}
	for _, f := range fails {
		if !f.WantHit {
			continue
		}
		rep, _ := solo.Score(f.Text)
		found := false
		for _, m := range rep.Matches {
			if m.Contribution <= 0 {
				continue
			}
			for _, o := range f.Got {
				if o.Rule != e.ID && o.Category == m.Category && o.Start < m.End && m.Start < o.End {
					set[o.Rule] = true
					found = true
				}
			}
		}
		if !found {
			return nil
		}
	}
	return sortedKeys(set)
}

// checkIdenticalPhrases reports phrases that compile to the same terms as
// a phrase of another rule of the same category: where both match the
// same span only one of them counts (the heavier, then the one compiled
// first), so the other phrase adds nothing. For rules of the same
// language that holds on every text. A rule of another language stems the
// text with its own stemmer, so there the phrase's own words are scored
// to confirm that the other rule really takes them; and a one-word match
// of another language's rule is dropped in a sentence clearly in this
// entry's language, so a one-word phrase is never shadowed across
// languages.
func (l *linter) checkIdenticalPhrases(d *detect.Detector, linted []*lexicon.Lexicon) {
	type owner struct {
		rule    string
		lang    string
		stemmed bool
		phrase  string
		weight  float64
		index   int
	}
	byKey := map[string][]owner{}
	index := map[string]int{}
	lintedIDs := map[string]bool{}
	for _, lex := range linted {
		for _, e := range lex.Entries {
			lintedIDs[e.ID] = true
		}
	}
	for i, r := range d.Rules() {
		index[r.ID] = i
		rd, _ := d.Explain(r.ID)
		for _, p := range rd.Phrases {
			key := r.Category + "\x00" + strings.Join(p.Terms, " ")
			byKey[key] = append(byKey[key], owner{r.ID, r.Lang, rd.Stemmed, p.Phrase, r.Weight, i})
		}
	}
	for _, lex := range linted {
		for _, e := range lex.Entries {
			rd, ok := d.Explain(e.ID)
			if !ok {
				continue
			}
			me := index[e.ID]
			for _, p := range rd.Phrases {
				key := rd.Category + "\x00" + strings.Join(p.Terms, " ")
				reported := map[string]bool{}
				for _, o := range byKey[key] {
					if o.rule == e.ID || reported[o.rule] {
						continue
					}
					reported[o.rule] = true
					other := o.rule
					if o.lang != rd.Lang {
						other += " (" + o.lang + ")"
					}
					wins := rd.Weight > o.weight || (rd.Weight == o.weight && me < o.index)
					sameGroup := o.lang == rd.Lang || (!o.stemmed && !rd.Stemmed)
					if !sameGroup && (wins || len(p.Terms) == 1 || !takenBy(d, p.Phrase, e.ID, o.rule)) {
						continue
					}
					switch {
					case wins && lintedIDs[o.rule]:
						// Reported on the losing entry.
					case wins:
						l.add(l.locate(e, "phrases", p.Phrase), e.ID, false, "phrase %q compiles to the same terms [%s] as phrase %q of %s, same category: where both match only one rule counts, and it is this one, so that phrase of %s adds nothing; remove one of the two, or disable the other rule",
							p.Phrase, strings.Join(p.Terms, " "), o.phrase, other, o.rule)
					default:
						l.add(l.locate(e, "phrases", p.Phrase), e.ID, false, "phrase %q is shadowed by phrase %q of %s: same terms [%s], same category, weight %s ≥ %s, so where both match only that rule counts and this phrase adds nothing; remove it, or make it differ from the other",
							p.Phrase, o.phrase, other, strings.Join(p.Terms, " "), ftoa(o.weight), ftoa(rd.Weight))
					}
				}
			}
		}
	}
}

// takenBy reports whether, on the words of phrase itself, rule other
// adds points and rule id does not. Phrases with wildcards or gaps have
// no single text and give false.
func takenBy(d *detect.Detector, phrase, id, other string) bool {
	parts, err := lexicon.ParsePhrase(phrase)
	if err != nil {
		return false
	}
	words := make([]string, 0, len(parts))
	for _, p := range parts {
		if p.Any || p.Gap > 0 {
			return false
		}
		words = append(words, p.Word)
	}
	rep, _ := d.Score(strings.Join(words, " "))
	mine, theirs := false, false
	for _, m := range rep.Matches {
		if m.Contribution <= 0 {
			continue
		}
		switch m.Rule {
		case id:
			mine = true
		case other:
			theirs = true
		}
	}
	return theirs && !mine
}

// checkInflections warns about phrase entries whose match examples all
// repeat a phrase exactly as written: such examples never test that
// stemming and case folding reach the forms people really type.
func (l *linter) checkInflections(d *detect.Detector, linted []*lexicon.Lexicon) {
	for _, lex := range linted {
		for _, e := range lex.Entries {
			if len(e.Phrases) == 0 || !hasCasedLetters(e.Phrases) {
				continue
			}
			exact := e
			exact.Phrases = nil
			for _, p := range e.Phrases {
				exact.Phrases = append(exact.Phrases, exactForm(p))
			}
			exact.Unless = nil
			exact.Negatable = false
			exact.Regex, exact.Feature = nil, ""
			exactDet, err := detect.Compile([]*lexicon.Lexicon{{Name: "lint", Entries: []lexicon.Entry{exact}}})
			if err != nil {
				continue
			}
			words := phraseWords(e.Phrases)
			varied := false
			var sample string
			for _, text := range e.Examples.Match {
				rep, _ := d.Score(text)
				ex, _ := exactDet.Score(text)
				for _, m := range rep.Matches {
					if m.Rule != e.ID || m.Contribution <= 0 || m.Kind != "phrase" {
						continue
					}
					if sample == "" {
						sample = text[:m.Start] + strings.ToUpper(m.Text) + text[m.End:]
					}
					if !covered(ex.Matches, m) || recased(m.Text, words) {
						varied = true
					}
				}
			}
			if !varied && sample != "" {
				l.add(e.Pos, e.ID, true, "no match example shows an inflected or re-cased form: every one repeats a phrase as written, so stemming and case folding are untested; add one such as %q", sample)
			}
		}
	}
}

// checkCommonWords reports one-word phrases that reduce to the same term
// as one of the most frequent words of their language: they fire on
// everyday text.
func (l *linter) checkCommonWords(d *detect.Detector, linted []*lexicon.Lexicon) {
	stems := commonStems()
	for _, lex := range linted {
		for _, e := range lex.Entries {
			common, ok := stems[e.Lang]
			if !ok {
				continue
			}
			rd, ok := d.Explain(e.ID)
			if !ok {
				continue
			}
			for _, p := range rd.Phrases {
				if len(p.Terms) != 1 {
					continue
				}
				term := p.Terms[0]
				word, isCommon := common[term]
				if !isCommon {
					continue
				}
				if strings.HasPrefix(term, "=") {
					l.add(l.locate(e, "phrases", p.Phrase), e.ID, false, "phrase %q is the common word %q on its own: it will fire on everyday %s text; add the words around it (a longer phrase) or drop it",
						p.Phrase, word, e.Lang)
					continue
				}
				l.add(l.locate(e, "phrases", p.Phrase), e.ID, false, "phrase %q reduces to the stem %q, the same as the common word %q: it will fire on everyday %s text; add the words around it (a longer phrase), or use =word for one rare exact form",
					p.Phrase, term, word, e.Lang)
			}
		}
	}
}

// commonStems maps language -> term -> common word, with the terms
// compiled by detect itself (stem, and "=form" for exact phrases), so the
// comparison uses exactly the stemming that scoring uses.
func commonStems() map[string]map[string]string {
	out := map[string]map[string]string{}
	for lang, words := range commonWords {
		e := lexicon.Entry{ID: "lint.common." + lang, Category: "lint", Lang: lang, Weight: 1, Message: "-", Source: "-"}
		for _, w := range strings.Fields(words) {
			e.Phrases = append(e.Phrases, w, "="+w)
		}
		d, err := detect.Compile([]*lexicon.Lexicon{{Name: "common", Entries: []lexicon.Entry{e}}})
		if err != nil {
			continue
		}
		rd, _ := d.Explain(e.ID)
		m := map[string]string{}
		for _, p := range rd.Phrases {
			if len(p.Terms) != 1 {
				continue
			}
			w := strings.TrimPrefix(p.Phrase, "=")
			if _, dup := m[p.Terms[0]]; !dup {
				m[p.Terms[0]] = w
			}
		}
		out[lang] = m
	}
	return out
}

// commonWords are among the most frequent words of each language, folded
// (lowercase, no diacritics): function words, auxiliaries and the
// everyday nouns, verbs and adjectives of ordinary posts. A one-word
// phrase that stems like one of them flags ordinary text.
var commonWords = map[string]string{
	"en": `the be is are was were been being am to of and a an in that have has had i it for not on with he as
		you do does did at this but his by from they we say says said her she or will my one all would there
		their what so up out if about who get got which go goes went me when make made can like time no just
		him know take people into year your good some could them see other than then now look only come its
		over think also back after use two how our work first well way even new want because any these give
		day most us very more much many thing things great really need right still never always every
		everything nothing something here where why today post read life world help love feel find show
		tell call try ask last long little big old same place part week home let put keep mean start seem
		turn move live believe happen write sure real better true next best lot man woman child done going`,
	"es": `de la que el en y a los se del las un por con no una su para es al lo como mas o pero sus le ha me si
		sin sobre este ya entre cuando todo esta ser son dos tambien fue habia era muy anos hasta desde mi
		porque solo han yo hay vez puede todos asi nos ni parte tiene uno donde bien tiempo mismo ese ahora
		cada vida otro despues te otros aunque esa eso hace otra tan durante siempre dia tanto ella tres dijo
		sido gran pais segun menos mundo ano antes estado contra sino forma caso nada hacer poco estos mayor
		ante unos les algo hacia casa ellos ayer hecho mucho mientras ademas quien momento esto hombre estan
		pues hoy lugar trabajo otras mejor nuevo decir algunos entonces todas dias debe cual mujer gente
		cosa cosas ver dar saber querer llegar pasar tener poder ir vez bueno nunca aqui`,
	"fr": `de la le et les des en un du une que est pour qui dans a par plus pas au sur ne se ce il sont avec ou
		son aux mais nous on comme vous sa elle ses tout ont cette ete ces sans leur bien deux tres peut aussi
		fait si y meme entre faire apres ans encore je lui avant alors dont etre leurs tous autres nos notre
		autre ils depuis moins cela non toujours jamais rien temps monde vie jour annee ici fois chose homme
		femme gens voir dire aller venir avoir pouvoir vouloir savoir prendre donner trouver mettre passer
		grand petit nouveau bon premier dernier beaucoup peu trop vrai toute toutes mon ma mes ton ta tes
		quand comment pourquoi parce aujourd hui maintenant chez vers`,
}

// exactForm rewrites a phrase so that every plain word requires its exact
// form: "changes everything" becomes "=changes =everything".
func exactForm(p string) string {
	parts, err := lexicon.ParsePhrase(p)
	if err != nil {
		return p
	}
	out := make([]string, len(parts))
	for i, pt := range parts {
		switch {
		case pt.Any:
			out[i] = "*"
		case pt.Gap > 0:
			out[i] = fmt.Sprintf("...%d", pt.Gap)
		default:
			out[i] = "=" + pt.Word
		}
	}
	return strings.Join(out, " ")
}

// covered reports whether one of ms covers the span of m.
func covered(ms []detect.Match, m detect.Match) bool {
	for _, o := range ms {
		if o.Start <= m.Start && m.End <= o.End {
			return true
		}
	}
	return false
}

// phraseWords returns the words of the phrases as written (without "="),
// split where the tokenizer splits them.
func phraseWords(phrases []string) map[string]bool {
	out := map[string]bool{}
	for _, p := range phrases {
		for _, w := range splitWords(p) {
			out[w] = true
		}
	}
	return out
}

// recased reports whether a word of the matched text is a phrase word in
// other letter case or without (or with) diacritics.
func recased(matched string, phraseWords map[string]bool) bool {
	folded := map[string]bool{}
	for w := range phraseWords {
		folded[fold(w)] = true
	}
	for _, w := range splitWords(matched) {
		if !phraseWords[w] && folded[fold(w)] {
			return true
		}
	}
	return false
}

func splitWords(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool {
		return !(unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r))
	})
}

func hasCasedLetters(phrases []string) bool {
	for _, p := range phrases {
		for _, r := range p {
			if unicode.IsLetter(r) && unicode.ToUpper(r) != unicode.ToLower(r) {
				return true
			}
		}
	}
	return false
}

// fold lowercases s and removes diacritics, as the tokenizer does.
func fold(s string) string {
	var b strings.Builder
	for _, r := range norm.NFKD.String(s) {
		if unicode.Is(unicode.Mn, r) {
			continue
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

// locate returns the position of the line of entry e that holds needle
// under the field key ("phrases", "regex", "examples"): the first line,
// from the field to the start of the next entry of the file, that
// contains it. It falls back to the field's line, then to the entry's.
func (l *linter) locate(e lexicon.Entry, key, needle string) lexicon.Position {
	lines := l.lines[e.Pos.File]
	if len(lines) == 0 || e.Pos.Line <= 0 {
		return e.Pos
	}
	end := len(lines)
	for _, s := range l.starts[e.Pos.File] {
		if s > e.Pos.Line && s-1 < end {
			end = s - 1
		}
	}
	from := -1
	for i := e.Pos.Line - 1; i < end; i++ {
		if strings.HasPrefix(strings.TrimLeft(lines[i], " -"), key+":") {
			from = i
			break
		}
	}
	if from < 0 {
		return e.Pos
	}
	candidates := []string{needle, strings.ReplaceAll(needle, `"`, `\"`), strings.ReplaceAll(needle, `'`, `''`)}
	for _, c := range candidates {
		if c == "" {
			continue
		}
		for i := from; i < end; i++ {
			if strings.Contains(lines[i], c) {
				return lexicon.Position{File: e.Pos.File, Line: i + 1}
			}
		}
	}
	return lexicon.Position{File: e.Pos.File, Line: from + 1}
}

// plural formats a count with its noun: "1 entry", "2 entries".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	if strings.HasSuffix(noun, "y") {
		return fmt.Sprintf("%d %sies", n, strings.TrimSuffix(noun, "y"))
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func ftoa(f float64) string {
	s := fmt.Sprintf("%.3f", f)
	s = strings.TrimRight(s, "0")
	return strings.TrimSuffix(s, ".")
}
