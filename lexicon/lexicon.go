// Package lexicon defines what a redflag rule is: the entry type, the YAML
// file format, the loader and its validation, and the curated built-in
// lexicons.
//
// A lexicon is a list of entries. Each entry names one rhetorical red flag:
// the words or shapes to look for (phrases, regexes or a structural
// feature), the category it belongs to, why it is a red flag, where that is
// documented, and examples that must and must not match. The file format is
// described in the README next to this package and in the Parse docs.
//
// This package only describes and validates rules; package detect compiles
// them into a Detector that scores text. Values returned by this package are
// plain data: safe to read from many goroutines, and copied by detect at
// compile time, so changing them later does not affect a compiled Detector.
package lexicon

import (
	"fmt"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Built-in category names.
const (
	// Hype is promotional hyperbole, AI marketing claims, superlatives,
	// false urgency and absolutist framing.
	Hype = "hype"
	// FabricatedCitation is any sign that a source, paper or reference is
	// fake or machine-made.
	FabricatedCitation = "fabricated-citation"
	// EngagementBait is text built to farm clicks, replies and shares.
	EngagementBait = "engagement-bait"
)

// Categories lists the built-in categories in their canonical order.
func Categories() []string {
	return []string{Hype, FabricatedCitation, EngagementBait}
}

// Limits on what a lexicon may contain. Files that exceed them are
// rejected with an error naming the entry.
const (
	// MaxWeight is the largest weight an entry may have.
	MaxWeight = 5.0
	// MaxPhraseWords is the largest number of words (including gaps) in
	// one phrase.
	MaxPhraseWords = 12
	// MaxGap is the largest gap a phrase may allow with "...N".
	MaxGap = 8
	// MaxEntries is the largest number of entries a single file may hold;
	// detect applies its own limit to the total.
	MaxEntries = 20000
	// MaxPatternBytes is the longest phrase or regex source accepted.
	MaxPatternBytes = 1024
)

// Position locates an entry or a field in a lexicon file.
type Position struct {
	File string // file name as given to the loader
	Line int    // 1-based line; 0 when unknown
}

// String returns "file:line", or just the file name when the line is not
// known.
func (p Position) String() string {
	if p.Line <= 0 {
		return p.File
	}
	return fmt.Sprintf("%s:%d", p.File, p.Line)
}

// Examples are texts that prove an entry works: every Match text must
// raise the entry, no NoMatch text may.
type Examples struct {
	Match   []string
	NoMatch []string
}

// Entry is one red flag: what to look for, why, and proof that it works.
// See the package README for the meaning of every field.
type Entry struct {
	ID        string   // stable unique id, "<category>.<lang>.<slug>"
	Category  string   // hype, fabricated-citation, engagement-bait or a custom one
	Lang      string   // ISO 639-1 code
	Weight    float64  // points added by the first hit, in (0, MaxWeight]
	Message   string   // why this is a red flag, in one sentence
	Source    string   // where the pattern is documented
	Phrases   []string // word sequences matched on stems
	Regex     []string // regexp2 patterns
	Feature   string   // a named structural feature
	MatchCase bool     // regexes are case-sensitive
	Unless    []string // phrases that cancel a match in the same sentence
	Negatable bool     // context (negation, quotation, hedges) reduces the match
	// CrossSentences lets a phrase match across a sentence end.
	CrossSentences bool
	Examples       Examples

	Pos Position // where the entry starts in its file
}

// Lexicon is the content of one lexicon file.
type Lexicon struct {
	Name    string // the file name it was loaded from
	Entries []Entry
}

// Stemmed reports whether the language code has a Snowball stemmer; other
// languages are matched on exact word forms.
func Stemmed(lang string) bool {
	switch lang {
	case "en", "es", "fr", "ru", "sv", "no", "nb", "hu":
		return true
	}
	return false
}

// Features lists the structural feature names an entry may use.
func Features() []string {
	out := make([]string, 0, len(featureNames))
	for k := range featureNames {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

var featureNames = map[string]string{
	"caps-run":               "a run of at least 3 ALL-CAPS words with 10 or more letters in one sentence",
	"caps-ratio":             "60% or more of a text's words (at least 6) are in ALL CAPS",
	"punct-run":              "a run of 3 or more of ! ? ¡ ¿",
	"emoji-density":          "3 or more emoji making up at least a quarter of the tokens",
	"listicle-number":        "a text that opens with a number from 3 to 199 followed by a plural word (\"17 things\")",
	"second-person-headline": "a short text (20 words or fewer) that addresses the reader as you, tú or vous",
	"thread-marker":          "a thread marker: 🧵, \"1/\", \"1/n\", \"(thread)\"",
}

// FeatureDoc returns the description of a feature, or "" if unknown.
func FeatureDoc(name string) string { return featureNames[name] }

// PhrasePart is one element of a parsed phrase.
type PhrasePart struct {
	// Word is the raw word as written (without a leading "="). Empty for
	// wildcards and gaps.
	Word string
	// Exact requires the exact word form instead of a stem match.
	Exact bool
	// Any matches exactly one arbitrary word.
	Any bool
	// Gap, when > 0, matches between 0 and Gap arbitrary words.
	Gap int
	// SentenceStart ("^", first part only) and SentenceEnd ("$", last part
	// only) anchor the phrase to the start or end of a sentence.
	SentenceStart, SentenceEnd bool
}

// ParsePhrase splits a phrase into parts: words, "=exact" words, "*" and
// "..."/"...N" gaps. It checks the syntax only; splitting words at
// punctuation and stemming happen in detect, with the same code that
// handles input text.
func ParsePhrase(s string) ([]PhrasePart, error) {
	return AppendPhrase(nil, s)
}

// AppendPhrase is ParsePhrase appending the parts to dst, for callers that
// parse many phrases and reuse one slice. On error it returns dst as
// given.
func AppendPhrase(dst []PhrasePart, s string) ([]PhrasePart, error) {
	if len(s) > MaxPatternBytes {
		return dst, fmt.Errorf("phrase is %d bytes long; the limit is %d", len(s), MaxPatternBytes)
	}
	base := len(dst)
	parts, err := appendPhrase(dst, s)
	if err != nil {
		return dst[:base], err
	}
	return parts, nil
}

// nextField returns the first run of non-space characters of s at or
// after i (as strings.Fields splits), and the offset after it; f is ""
// when there is none.
func nextField(s string, i int) (f string, next int) {
	for i < len(s) {
		c := s[i]
		if c < utf8.RuneSelf {
			if asciiSpace[c] {
				i++
				continue
			}
			break
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if !unicode.IsSpace(r) {
			break
		}
		i += size
	}
	start := i
	for i < len(s) {
		c := s[i]
		if c < utf8.RuneSelf {
			if asciiSpace[c] {
				break
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if unicode.IsSpace(r) {
			break
		}
		i += size
	}
	return s[start:i], i
}

var asciiSpace = [utf8.RuneSelf]bool{'\t': true, '\n': true, '\v': true, '\f': true, '\r': true, ' ': true}

// plainWordStart marks the bytes that start no special phrase part: an
// ASCII letter or digit cannot begin "^", "$", "*", "...", "…" or "=".
var plainWordStart = func() (t [256]bool) {
	for c := '0'; c <= '9'; c++ {
		t[c] = true
	}
	for c := 'a'; c <= 'z'; c++ {
		t[c], t[c-'a'+'A'] = true, true
	}
	return
}()

func appendPhrase(parts []PhrasePart, s string) ([]PhrasePart, error) {
	base := len(parts)
	words := 0
	f, next := nextField(s, 0)
	if f == "" {
		return nil, fmt.Errorf("phrase is empty; write the words to match, separated by spaces")
	}
	for fi := 0; f != ""; fi++ {
		nf, nnext := nextField(s, next)
		switch {
		case plainWordStart[f[0]]:
			// The common case: a word that is none of the special forms
			// below, which all start with ^ $ * . = or "…".
			parts = append(parts, PhrasePart{Word: f})
			words++
		case f == "^":
			if fi != 0 {
				return nil, fmt.Errorf("phrase %q has ^ after its start; ^ (start of sentence) must come first", s)
			}
			parts = append(parts, PhrasePart{SentenceStart: true})
		case f == "$":
			if nf != "" {
				return nil, fmt.Errorf("phrase %q has $ before its end; $ (end of sentence) must come last", s)
			}
			parts = append(parts, PhrasePart{SentenceEnd: true})
		case f == "*":
			parts = append(parts, PhrasePart{Any: true})
		case f == "…" || strings.HasPrefix(f, "..."):
			n := 3
			rest := strings.TrimPrefix(f, "...")
			if f == "…" {
				rest = ""
			}
			if rest != "" {
				v, err := parseSmallInt(rest)
				if err != nil || v < 1 || v > MaxGap {
					return nil, fmt.Errorf("gap %q is not valid; write ... for 0-3 words or ...N with N from 1 to %d", f, MaxGap)
				}
				n = v
			}
			if len(parts) > base && parts[len(parts)-1].Gap > 0 {
				return nil, fmt.Errorf("two gaps in a row in %q; merge them into one ...N", s)
			}
			parts = append(parts, PhrasePart{Gap: n})
		case strings.HasPrefix(f, "="):
			w := f[1:]
			if w == "" {
				return nil, fmt.Errorf("%q has an empty exact word; write =word with no space after =", s)
			}
			parts = append(parts, PhrasePart{Word: w, Exact: true})
			words++
		default:
			parts = append(parts, PhrasePart{Word: f})
			words++
		}
		f, next = nf, nnext
	}
	if words == 0 {
		return nil, fmt.Errorf("phrase %q has only wildcards; it needs at least one word", s)
	}
	all := parts[base:]
	inner := all
	if inner[0].SentenceStart {
		inner = inner[1:]
	}
	if n := len(inner); n > 0 && inner[n-1].SentenceEnd {
		inner = inner[:n-1]
	}
	if p := inner[0]; p.Gap > 0 || p.Any {
		return nil, fmt.Errorf("phrase %q starts with a wildcard or gap; start it with a word", s)
	}
	if p := inner[len(inner)-1]; p.Gap > 0 || p.Any {
		return nil, fmt.Errorf("phrase %q ends with a wildcard or gap; end it with a word", s)
	}
	if len(all) > MaxPhraseWords {
		return nil, fmt.Errorf("phrase %q has %d parts; the limit is %d", s, len(all), MaxPhraseWords)
	}
	return parts, nil
}

func parseSmallInt(s string) (int, error) {
	if s == "" || len(s) > 3 {
		return 0, fmt.Errorf("bad number")
	}
	n := 0
	for _, c := range s {
		if c < '0' || c > '9' {
			return 0, fmt.Errorf("bad number")
		}
		n = n*10 + int(c-'0')
	}
	return n, nil
}
