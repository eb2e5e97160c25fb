package detect

import (
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// Match is one flagged span and the points it added.
type Match struct {
	Rule         string  `json:"rule"`     // entry id
	Category     string  `json:"category"` // entry category
	Lang         string  `json:"lang"`     // entry language
	Start        int     `json:"start"`    // byte offset of the span in the scored text
	End          int     `json:"end"`      // byte offset one past the span
	Text         string  `json:"text"`     // text[Start:End]
	Kind         string  `json:"kind"`     // "phrase", "regex" or "feature"
	Message      string  `json:"message"`  // why this is a red flag
	Source       string  `json:"source"`   // where the pattern is documented
	Weight       float64 `json:"weight"`   // the entry's weight
	Contribution float64 `json:"contribution"`
	// Deobfuscated names the disguise the text used to hide the match
	// ("leetspeak", "look-alike letters", "stretched letters", "spaced-out
	// letters"), or is empty.
	Deobfuscated string `json:"deobfuscated,omitempty"`
	// Sentence is the byte span of the sentence the match is in.
	Sentence Span `json:"sentence"`
	// Note says why Contribution differs from Weight: a negation, an
	// exception, a quotation or other mention, a hedge, a repeat of the
	// same rule, the length of the text. Empty when they are equal.
	Note string `json:"note,omitempty"`
}

// Span is a byte range [Start, End) of the scored text.
type Span struct {
	Start int `json:"start"`
	End   int `json:"end"`
}

// CategoryScore is the result for one category.
type CategoryScore struct {
	Category string  `json:"category"`
	Points   float64 `json:"points"` // sum of the contributions of its matches
	Score    float64 `json:"score"`  // 1 - 2^(-Points), in [0,1)
	Flagged  bool    `json:"flagged"`
}

// Report is the explained result of scoring one text.
//
// Every point is accounted for: each Match's Contribution adds up to its
// category's Points, and the categories' Points add up to Points. A
// category's Score is 1 − 2^(−Points): one point (a single clear tell)
// gives 0.5, two give 0.75. The overall Score is the highest category
// score, and the text is Flagged when any category's score reaches
// Threshold.
type Report struct {
	Score      float64         `json:"score"`
	Flagged    bool            `json:"flagged"`
	Threshold  float64         `json:"threshold"`
	Points     float64         `json:"points"`
	Words      int             `json:"words"`      // number of word and emoji tokens
	Categories []CategoryScore `json:"categories"` // every category, in Detector order
	Matches    []Match         `json:"matches"`    // in text order
}

// Category returns the score of one category, and false if the detector
// has no such category.
func (r *Report) Category(name string) (CategoryScore, bool) {
	for _, c := range r.Categories {
		if c.Category == name {
			return c, true
		}
	}
	return CategoryScore{}, false
}

// Explain writes a human-readable explanation: each match with its
// position and why it counts, then the category totals.
func (r *Report) Explain(w io.Writer) error {
	var b strings.Builder
	verdict := "not flagged"
	if r.Flagged {
		verdict = "FLAGGED"
	}
	fmt.Fprintf(&b, "score %.2f: %s (threshold %.2f, %s points, %d words)\n", r.Score, verdict, r.Threshold, ftoa(r.Points), r.Words)
	if len(r.Matches) == 0 {
		b.WriteString("no red flags found\n")
	}
	for _, m := range r.Matches {
		fmt.Fprintf(&b, "  %d-%d %s  %s\n", m.Start, m.End, quote(m.Text), m.Rule)
		fmt.Fprintf(&b, "      %s, +%s points (weight %s)", m.Category, ftoa(m.Contribution), ftoa(m.Weight))
		if m.Note != "" {
			fmt.Fprintf(&b, "; %s", m.Note)
		}
		b.WriteString("\n")
		fmt.Fprintf(&b, "      why: %s\n", m.Message)
	}
	b.WriteString("categories:\n")
	for _, c := range r.Categories {
		mark := ""
		if c.Flagged {
			mark = "  << flagged"
		}
		fmt.Fprintf(&b, "  %-20s %.2f  (%s points)%s\n", c.Category, c.Score, ftoa(c.Points), mark)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// String returns the explanation (see Explain).
func (r *Report) String() string {
	var b strings.Builder
	_ = r.Explain(&b)
	return b.String()
}

func quote(s string) string { return strconv.Quote(s) }

func itoa(n int) string { return strconv.Itoa(n) }

// ftoa formats points compactly: at most 3 decimals, no trailing zeros.
func ftoa(f float64) string {
	s := strconv.FormatFloat(f, 'f', 3, 64)
	s = strings.TrimRight(s, "0")
	s = strings.TrimSuffix(s, ".")
	if s == "" || s == "-" {
		return "0"
	}
	return s
}

func joinErrors(errs []error) error {
	switch len(errs) {
	case 0:
		return nil
	case 1:
		return errs[0]
	}
	return errors.Join(errs...)
}
