package lexicon

import (
	"bytes"
	"fmt"
	"io"
	"math"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/dlclark/regexp2/v2"
	"go.yaml.in/yaml/v3"
)

var (
	idPattern       = regexp.MustCompile(`^[a-z0-9]+(?:[-.][a-z0-9]+)*$`)
	categoryPattern = regexp.MustCompile(`^[a-z0-9]+(?:-[a-z0-9]+)*$`)
	langPattern     = regexp.MustCompile(`^[a-z]{2,3}$`)
)

// MaxFileBytes is the largest lexicon file Parse accepts.
const MaxFileBytes = 16 << 20

// Parse decodes one lexicon file. name is used in error messages only.
//
// The file is YAML: optional file-level defaults "lang" and "category",
// and a list "entries" of entries with the fields id, category, lang,
// weight, message, source, phrases, regex, feature, match_case, unless,
// negatable, cross_sentences and examples (match, no_match). Unknown keys are errors. Every
// problem of the file is reported together, as an ErrorList whose items
// name the file, line and entry id.
//
// Parse checks everything that can be checked without compiling a
// detector: required fields, value ranges, phrase syntax, and that every
// regex compiles. Whether the examples really match is checked by
// detect.CheckExamples.
func Parse(name string, data []byte) (*Lexicon, error) {
	var e errs
	lex := &Lexicon{Name: name}
	if len(data) > MaxFileBytes {
		e.add(Position{File: name}, "", "file is %d bytes; the limit is %d: split it into several files", len(data), MaxFileBytes)
		return nil, e.err()
	}
	if !utf8.Valid(data) {
		line := 1 + bytes.Count(data[:firstInvalidUTF8(data)], []byte("\n"))
		e.add(Position{File: name, Line: line}, "", "file is not valid UTF-8 text; save it as UTF-8")
		return nil, e.err()
	}
	if bytes.IndexByte(data, 0) >= 0 {
		line := 1 + bytes.Count(data[:bytes.IndexByte(data, 0)], []byte("\n"))
		e.add(Position{File: name, Line: line}, "", "file contains a NUL byte; it is not a text file")
		return nil, e.err()
	}
	var doc yaml.Node
	if err := decodeYAML(data, &doc); err != nil {
		line := yamlErrorLine(err)
		if line == 0 {
			line = guessErrorLine(err, data)
		}
		msg := cleanYAMLError(err)
		tabErr := strings.Contains(msg, "tab character") || strings.Contains(msg, "cannot start any token")
		switch {
		case tabErr && tabIndented(data, line):
			msg += "; the line is indented with a tab: indent YAML with spaces only"
		case tabErr && tabIndented(data, line+1):
			// The YAML scanner reports some tab errors at the line before.
			line++
			msg += "; the line is indented with a tab: indent YAML with spaces only"
		default:
			msg += yamlHint(msg)
		}
		e.add(Position{File: name, Line: line}, "", "YAML syntax error: %s", msg)
		return nil, e.err()
	}
	if doc.Kind == 0 || len(doc.Content) == 0 {
		e.add(Position{File: name, Line: 1}, "", "file is empty; it needs an \"entries:\" list")
		return nil, e.err()
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		e.add(pos(name, root), "", "top level must be a mapping with \"entries:\" (and optional \"lang:\", \"category:\"), found %s", kindName(root))
		return nil, e.err()
	}
	var defLang, defCategory string
	defNegatable := true
	var entries *yaml.Node
	topSeen := map[string]bool{}
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		if topSeen[k.Value] {
			// YAML would silently keep the last one: a second "entries:"
			// would drop every entry of the first.
			e.add(pos(name, k), "", "top-level key %q appears twice; keep one", k.Value)
			continue
		}
		topSeen[k.Value] = true
		switch k.Value {
		case "lang":
			defLang = scalarString(&e, name, "", k.Value, v)
		case "category":
			defCategory = scalarString(&e, name, "", k.Value, v)
		case "negatable":
			defNegatable = scalarBool(&e, name, "", k.Value, v)
		case "entries":
			entries = v
		default:
			e.add(pos(name, k), "", "unknown top-level key %s; allowed: lang, category, negatable, entries", keyName(k))
		}
	}
	if entries == nil {
		e.add(pos(name, root), "", "missing \"entries:\" list")
		return nil, e.err()
	}
	if entries.Kind != yaml.SequenceNode {
		e.add(pos(name, entries), "", "\"entries\" must be a list of entries (lines starting with \"- \"), found %s", kindName(entries))
		return nil, e.err()
	}
	if len(entries.Content) > MaxEntries {
		e.add(pos(name, entries), "", "file has %d entries; the limit is %d: split it", len(entries.Content), MaxEntries)
		return nil, e.err()
	}
	seen := map[string]Position{}
	for _, n := range entries.Content {
		ent, ok := parseEntry(&e, name, n, defLang, defCategory, defNegatable)
		if ent.ID != "" {
			if prev, dup := seen[ent.ID]; dup {
				e.add(ent.Pos, ent.ID, "duplicate id; first defined at %s: give each entry its own id", prev)
				continue
			}
			seen[ent.ID] = ent.Pos
		}
		if ok {
			lex.Entries = append(lex.Entries, ent)
		}
	}
	if len(e.list) > 0 {
		sort.SliceStable(e.list, func(i, j int) bool { return e.list[i].Pos.Line < e.list[j].Pos.Line })
		return nil, e.list
	}
	return lex, nil
}

func decodeYAML(data []byte, doc *yaml.Node) (err error) {
	defer func() {
		// The YAML decoder is not expected to panic, but a lexicon file is
		// untrusted input: turn any panic into an ordinary error.
		if r := recover(); r != nil {
			err = fmt.Errorf("decoder failed: %v", r)
		}
	}()
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(doc); err != nil {
		if err.Error() == "EOF" {
			return nil
		}
		return err
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err == nil {
		return fmt.Errorf("line %d: a second YAML document (---) follows; put all entries in one document", extra.Line)
	} else if err != io.EOF {
		// Text after the end of the document ("...") that is not YAML.
		return err
	}
	return nil
}

var knownEntryKeys = "id, category, lang, weight, message, source, phrases, regex, feature, match_case, unless, negatable, cross_sentences, examples"

func parseEntry(e *errs, file string, n *yaml.Node, defLang, defCategory string, defNegatable bool) (Entry, bool) {
	ent := Entry{Lang: defLang, Category: defCategory, Negatable: defNegatable, Pos: pos(file, n)}
	if n.Kind != yaml.MappingNode {
		e.add(pos(file, n), "", "each entry must be a mapping (id:, weight:, ...), found %s", kindName(n))
		return ent, false
	}
	// Find the id first so every later message can name the entry.
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == "id" {
			ent.ID = scalarString(e, file, "", "id", n.Content[i+1])
		}
	}
	id := ent.ID
	label := id
	if label == "" {
		label = "(entry without id)"
	}
	before := len(e.list)
	if id == "" {
		e.add(ent.Pos, label, "missing \"id\"; give the entry a stable id like hype.en.changes-everything")
	} else if !idPattern.MatchString(id) {
		e.add(ent.Pos, id, "id %q is not valid; use lowercase letters, digits, '.' and '-' (e.g. hype.en.changes-everything)", id)
	}
	var weightSet, examplesSet bool
	var exNode *yaml.Node
	seenKeys := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if seenKeys[k.Value] {
			e.add(pos(file, k), label, "key %q appears twice in this entry; keep one", k.Value)
			continue
		}
		seenKeys[k.Value] = true
		switch k.Value {
		case "id":
		case "category":
			ent.Category = scalarString(e, file, label, k.Value, v)
		case "lang":
			ent.Lang = scalarString(e, file, label, k.Value, v)
		case "weight":
			weightSet = true
			var w float64
			if v.Kind != yaml.ScalarNode || v.Tag == "!!null" || v.Decode(&w) != nil {
				e.add(pos(file, v), label, "weight must be a number such as 1.0, found %s", scalarDesc(v))
			} else if math.IsNaN(w) || w <= 0 || w > MaxWeight {
				e.add(pos(file, v), label, "weight %v is out of range; use a number in (0, %g] (see the weight scale in lexicon/README.md)", v.Value, MaxWeight)
			} else {
				ent.Weight = w
			}
		case "message":
			ent.Message = scalarString(e, file, label, k.Value, v)
		case "source":
			ent.Source = scalarString(e, file, label, k.Value, v)
		case "phrases":
			ent.Phrases = stringList(e, file, label, k.Value, v)
		case "regex":
			ent.Regex = stringList(e, file, label, k.Value, v)
		case "feature":
			ent.Feature = scalarString(e, file, label, k.Value, v)
		case "match_case":
			ent.MatchCase = scalarBool(e, file, label, k.Value, v)
		case "unless":
			ent.Unless = stringList(e, file, label, k.Value, v)
		case "negatable":
			ent.Negatable = scalarBool(e, file, label, k.Value, v)
		case "cross_sentences":
			ent.CrossSentences = scalarBool(e, file, label, k.Value, v)
		case "examples":
			examplesSet = true
			exNode = v
			ent.Examples = parseExamples(e, file, label, v)
		default:
			e.add(pos(file, k), label, "unknown key %s; allowed keys: %s", keyName(k), knownEntryKeys)
		}
	}
	// Field-level validation.
	if ent.Category == "" {
		e.add(ent.Pos, label, "missing \"category\"; set it on the entry or at the top of the file")
	} else if !categoryPattern.MatchString(ent.Category) {
		e.add(ent.Pos, label, "category %q is not valid; use lowercase words joined by '-' (e.g. engagement-bait)", ent.Category)
	}
	if ent.Lang == "" {
		e.add(ent.Pos, label, "missing \"lang\"; set an ISO 639-1 code like en, es or fr on the entry or at the top of the file")
	} else if !langPattern.MatchString(ent.Lang) {
		e.add(ent.Pos, label, "lang %q is not an ISO 639 code; use two or three lowercase letters like en, es, fr", ent.Lang)
	}
	if !weightSet {
		e.add(ent.Pos, label, "missing \"weight\"; 1.0 flags a short text on its own, 0.3-0.6 is a weak tell")
	}
	if !seenKeys["message"] {
		e.add(ent.Pos, label, "missing \"message\"; say in one sentence why this is a red flag")
	} else if m := childNode(n, "message"); m.Kind == yaml.ScalarNode && strings.TrimSpace(ent.Message) == "" {
		e.add(pos(file, m), label, "\"message\" is empty; say in one sentence why this is a red flag")
	}
	if !seenKeys["source"] {
		e.add(ent.Pos, label, "missing \"source\"; name where this pattern is documented (policy, paper, style guide, seed post line)")
	} else if m := childNode(n, "source"); m.Kind == yaml.ScalarNode && strings.TrimSpace(ent.Source) == "" {
		e.add(pos(file, m), label, "\"source\" is empty; name where this pattern is documented")
	}
	kinds := 0
	if len(ent.Phrases) > 0 {
		kinds++
	}
	if len(ent.Regex) > 0 {
		kinds++
	}
	if ent.Feature != "" {
		kinds++
	}
	if kinds == 0 && !seenKeys["phrases"] && !seenKeys["regex"] && !seenKeys["feature"] {
		e.add(ent.Pos, label, "entry has nothing to match; add \"phrases\", \"regex\" or \"feature\"")
	}
	for _, key := range []string{"phrases", "regex"} {
		if v := childNode(n, key); v != nil && v.Kind == yaml.SequenceNode && len(v.Content) == 0 {
			e.add(pos(file, v), label, "%q is an empty list; add at least one item or remove the key", key)
		}
	}
	if v := childNode(n, "feature"); v != nil && v.Kind == yaml.ScalarNode && strings.TrimSpace(v.Value) == "" {
		e.add(pos(file, v), label, "\"feature\" is empty; name one of: %s", strings.Join(Features(), ", "))
	}
	if ent.Feature != "" {
		if _, ok := featureNames[ent.Feature]; !ok {
			e.add(ent.Pos, label, "unknown feature %q; known features: %s", ent.Feature, strings.Join(Features(), ", "))
		}
	}
	phraseNodes := childNode(n, "phrases")
	for i, p := range ent.Phrases {
		if _, err := ParsePhrase(p); err != nil {
			e.add(itemPos(file, phraseNodes, i, ent.Pos), label, "phrases[%d]: %v", i, err)
		}
	}
	unlessNodes := childNode(n, "unless")
	for i, p := range ent.Unless {
		if _, err := ParsePhrase(p); err != nil {
			e.add(itemPos(file, unlessNodes, i, ent.Pos), label, "unless[%d]: %v", i, err)
		}
	}
	regexNodes := childNode(n, "regex")
	for i, r := range ent.Regex {
		if err := CheckRegex(r, ent.MatchCase); err != nil {
			e.add(itemPos(file, regexNodes, i, ent.Pos), label, "regex[%d]: %v", i, err)
		}
	}
	if !examplesSet {
		e.add(ent.Pos, label, "missing \"examples\"; add at least one match: text and one no_match: near-miss")
	} else if exNode != nil && exNode.Kind == yaml.MappingNode {
		if len(ent.Examples.Match) == 0 {
			e.add(pos(file, exNode), label, "examples need at least one \"match\" text that this entry must flag")
		}
		if len(ent.Examples.NoMatch) == 0 {
			e.add(pos(file, exNode), label, "examples need at least one \"no_match\" near-miss that this entry must not flag")
		}
	}
	return ent, len(e.list) == before
}

// RegexTimeout bounds how long CheckRegex lets a pattern run on its probe
// texts; detect applies its own per-match timeout when scoring.
const RegexTimeout = 100 * time.Millisecond

// CheckRegex reports whether a regex pattern compiles with the options
// detect will use, and refuses patterns that are too long or that can
// match the empty string (which would flag every text).
func CheckRegex(src string, matchCase bool) error {
	if strings.TrimSpace(src) == "" {
		return fmt.Errorf("pattern is empty; remove it or write the regex")
	}
	if len(src) > MaxPatternBytes {
		return fmt.Errorf("pattern is %d bytes long; the limit is %d", len(src), MaxPatternBytes)
	}
	re, err := CompileRegex(src, matchCase)
	if err != nil {
		return err
	}
	re.MatchTimeout = RegexTimeout
	if ok, err := re.MatchString(""); err == nil && ok {
		return fmt.Errorf("pattern %q matches the empty string, so it would flag every text; require at least one character", src)
	}
	return nil
}

// CompileRegex compiles a regex source with the options every redflag
// regex uses: case-insensitive unless matchCase, and no timeout set (the
// caller sets MatchTimeout).
func CompileRegex(src string, matchCase bool) (re *regexp2.Regexp, err error) {
	defer func() {
		if r := recover(); r != nil {
			re, err = nil, fmt.Errorf("pattern %q does not compile: %v", src, r)
		}
	}()
	opts := regexp2.None
	if !matchCase {
		opts |= regexp2.IgnoreCase
	}
	re, err = regexp2.Compile(src, opts)
	if err != nil {
		return nil, fmt.Errorf("pattern %q does not compile: %v", src, err)
	}
	return re, nil
}

func parseExamples(e *errs, file, label string, v *yaml.Node) Examples {
	var ex Examples
	if v.Kind != yaml.MappingNode {
		e.add(pos(file, v), label, "\"examples\" must be a mapping with match: and no_match: lists, found %s", kindName(v))
		return ex
	}
	seen := map[string]bool{}
	for i := 0; i+1 < len(v.Content); i += 2 {
		k, val := v.Content[i], v.Content[i+1]
		if seen[k.Value] {
			e.add(pos(file, k), label, "key %q appears twice under examples; merge the two lists", k.Value)
			continue
		}
		seen[k.Value] = true
		switch k.Value {
		case "match":
			ex.Match = stringList(e, file, label, "examples.match", val)
			checkNonEmpty(e, file, label, "examples.match", val, ex.Match)
		case "no_match":
			ex.NoMatch = stringList(e, file, label, "examples.no_match", val)
			checkNonEmpty(e, file, label, "examples.no_match", val, ex.NoMatch)
		default:
			e.add(pos(file, k), label, "unknown key %s under examples; allowed: match, no_match", keyName(k))
		}
	}
	return ex
}

func checkNonEmpty(e *errs, file, label, key string, list *yaml.Node, items []string) {
	for i, s := range items {
		if strings.TrimSpace(s) == "" {
			e.add(itemPos(file, list, i, pos(file, list)), label, "%s[%d] is empty; write a text or remove the item", key, i)
		}
	}
}

func scalarString(e *errs, file, label, key string, v *yaml.Node) string {
	if v.Kind != yaml.ScalarNode {
		e.add(pos(file, v), label, "%q must be a single text value, found %s", key, kindName(v))
		return ""
	}
	if v.Tag == "!!null" {
		return ""
	}
	return v.Value
}

func scalarBool(e *errs, file, label, key string, v *yaml.Node) bool {
	var b bool
	if v.Kind != yaml.ScalarNode || v.Decode(&b) != nil {
		e.add(pos(file, v), label, "%q must be true or false, found %s", key, scalarDesc(v))
	}
	return b
}

func stringList(e *errs, file, label, key string, v *yaml.Node) []string {
	if v.Kind == yaml.ScalarNode && v.Tag != "!!null" {
		// A single value is accepted as a one-item list.
		return []string{v.Value}
	}
	if v.Kind != yaml.SequenceNode {
		e.add(pos(file, v), label, "%q must be a list of texts, found %s", key, kindName(v))
		return nil
	}
	out := make([]string, 0, len(v.Content))
	for i, item := range v.Content {
		if item.Kind != yaml.ScalarNode || item.Tag == "!!null" {
			e.add(pos(file, item), label, "%s[%d] must be a text, found %s (quote texts that contain ': ' or start with '-', '*', '[' or '{')", key, i, kindName(item))
			continue
		}
		out = append(out, item.Value)
	}
	return out
}

func childNode(n *yaml.Node, key string) *yaml.Node {
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

func itemPos(file string, list *yaml.Node, i int, def Position) Position {
	if list != nil && list.Kind == yaml.SequenceNode && i < len(list.Content) {
		return pos(file, list.Content[i])
	}
	if list != nil {
		return pos(file, list)
	}
	return def
}

func pos(file string, n *yaml.Node) Position {
	return Position{File: file, Line: n.Line}
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		if n.Tag == "!!null" {
			return "nothing"
		}
		return fmt.Sprintf("the value %q", n.Value)
	case yaml.AliasNode:
		return fmt.Sprintf("an alias (*%s); anchors and aliases are not supported in lexicon files: write the value out", n.Value)
	}
	return "nothing"
}

// scalarDesc describes a value that has the wrong type: a plain scalar
// quoted as it was written, a quoted one with a hint to drop the quotes,
// anything else by kind.
func scalarDesc(v *yaml.Node) string {
	switch {
	case v.Kind != yaml.ScalarNode || v.Tag == "!!null":
		return kindName(v)
	case v.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) != 0:
		if _, err := strconv.ParseFloat(v.Value, 64); err == nil || v.Value == "true" || v.Value == "false" {
			return fmt.Sprintf("the quoted text %q (remove the quotes)", v.Value)
		}
		return fmt.Sprintf("the text %q", v.Value)
	}
	return strconv.Quote(v.Value)
}

// keyName shows a mapping key in a message.
func keyName(k *yaml.Node) string {
	switch {
	case k.Kind != yaml.ScalarNode:
		return fmt.Sprintf("%s (keys must be plain names)", kindName(k))
	case k.Value == "<<":
		return "\"<<\" (merge keys are not supported: write the fields out)"
	}
	return strconv.Quote(k.Value)
}

var yamlLine = regexp.MustCompile(`line (\d+)`)

func yamlErrorLine(err error) int {
	m := yamlLine.FindStringSubmatch(err.Error())
	if m == nil {
		return 0
	}
	n, err := strconv.Atoi(m[1])
	if err != nil {
		return 0
	}
	return n
}

var unknownAnchor = regexp.MustCompile(`unknown anchor '([^']*)' referenced`)

// guessErrorLine locates the YAML errors that come without a line: a
// control character, an alias of an unknown anchor, a %YAML directive.
// Anything else is reported at line 1, where the document starts.
func guessErrorLine(err error, data []byte) int {
	at := -1
	msg := err.Error()
	switch {
	case strings.Contains(msg, "control characters are not allowed"):
		for i, r := range string(data) {
			if !(r == 0x09 || r == 0x0A || r == 0x0D || r >= 0x20 && r <= 0x7E || r == 0x85 ||
				r >= 0xA0 && r <= 0xD7FF || r >= 0xE000 && r <= 0xFFFD || r >= 0x10000 && r <= 0x10FFFF) {
				at = i
				break
			}
		}
	case unknownAnchor.MatchString(msg):
		at = bytes.Index(data, []byte("*"+unknownAnchor.FindStringSubmatch(msg)[1]))
	case strings.Contains(msg, "YAML document"):
		at = bytes.Index(data, []byte("%YAML"))
	}
	if at < 0 {
		return 1
	}
	return 1 + bytes.Count(data[:at], []byte("\n"))
}

// tabIndented reports whether a 1-based line starts with a tab inside its
// indentation, which YAML forbids.
func tabIndented(data []byte, line int) bool {
	lines := bytes.SplitN(data, []byte("\n"), line+1)
	if line < 1 || line > len(lines) {
		return false
	}
	l := lines[line-1]
	return bytes.IndexByte(l[:len(l)-len(bytes.TrimLeft(l, " \t"))], '\t') >= 0
}

// yamlHint adds the usual cause to the YAML errors whose wording does not
// say what to fix.
func yamlHint(msg string) string {
	switch {
	case strings.Contains(msg, "mapping values are not allowed"):
		return "; quote texts that contain \": \", and indent each key like the key before it"
	case strings.Contains(msg, "unexpected end of stream"):
		return "; a quoted text or a [list] that starts here is not closed"
	case strings.Contains(msg, "expected <document start>"):
		return "; only a new document may follow the end marker \"...\""
	case strings.Contains(msg, "cannot start any token"):
		return "; quote values that start with @, ` or %"
	}
	return ""
}

func cleanYAMLError(err error) string {
	s := err.Error()
	s = strings.TrimPrefix(s, "yaml: ")
	s = yamlLine.ReplaceAllString(s, "")
	s = strings.TrimPrefix(strings.TrimSpace(s), ": ")
	return s
}

func firstInvalidUTF8(b []byte) int {
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size == 1 {
			return i
		}
		i += size
	}
	return len(b)
}
