package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/redflag-go/redflag/detect"
)

// MaxAuthorBytes is the longest author id the bot accepts. Author ids are
// the keys of the repeat-offender memory, so they are bounded like the
// number of authors it remembers.
const MaxAuthorBytes = 256

// Message is one chat message, as read from a line of standard input or
// from the body of POST /v1/score.
type Message struct {
	// ID is echoed in the verdict as given: a JSON string or number.
	ID json.RawMessage `json:"id"`
	// Author identifies who wrote the message; repeat offenders are
	// counted per author. Empty means anonymous: never escalated.
	Author string `json:"author"`
	// Channel is echoed in the verdict.
	Channel string `json:"channel"`
	// Text is the message to score. It must be present (it may be empty).
	Text *string `json:"text"`
}

// Action is what the bot does with a message.
type Action string

// The actions, from mildest to harshest.
const (
	Allow  Action = "allow"  // publish
	Review Action = "review" // hold for a moderator
	Block  Action = "block"  // reject
)

func (a Action) rank() int {
	switch a {
	case Review:
		return 1
	case Block:
		return 2
	}
	return 0
}

// Verdict is the bot's answer for one message: one JSON line on standard
// output, or the body of a POST /v1/score response.
type Verdict struct {
	// ID, Author and Channel are copied from the message.
	ID      json.RawMessage `json:"id,omitempty"`
	Author  string          `json:"author,omitempty"`
	Channel string          `json:"channel,omitempty"`
	// Line is the 1-based input line of the message (standard input only).
	Line int `json:"line,omitempty"`
	// Action is allow, review or block; empty when Error is set.
	Action Action `json:"action,omitempty"`
	// EscalatedFrom is the action the scores alone gave ("review") when
	// the author's recent flagged messages turned it into a block.
	EscalatedFrom Action `json:"escalated_from,omitempty"`
	// AuthorFlagged is how many flagged (review or block) messages the
	// author has sent within the escalation window, this one included.
	// Zero for allowed messages and anonymous authors.
	AuthorFlagged int `json:"author_flagged,omitempty"`
	// Score is the highest category score, in [0,1).
	Score float64 `json:"score"`
	// Reason is the one-line explanation a moderator reads first.
	Reason string `json:"reason,omitempty"`
	// Categories lists every category with points, in detector order:
	// its score, points, the thresholds applied and the action it asks for.
	Categories []CategoryVerdict `json:"categories,omitempty"`
	// Matches is every match, in text order, including those that
	// context (a negation, a quotation) reduced to 0 points.
	Matches []Evidence `json:"matches,omitempty"`
	// Rules identifies the compiled rules that scored the message.
	Rules *RulesInfo `json:"rules,omitempty"`
	// Warnings are problems that did not stop scoring (a regex rule that
	// timed out).
	Warnings []string `json:"warnings,omitempty"`
	// Error says why the message could not be scored and what to fix.
	Error string `json:"error,omitempty"`
}

// CategoryVerdict is one category's part of a verdict.
type CategoryVerdict struct {
	Category string  `json:"category"`
	Score    float64 `json:"score"`  // 1 − 2^(−points)
	Points   float64 `json:"points"` // sum of the contributions of its matches
	Review   float64 `json:"review"` // threshold applied for review
	Block    float64 `json:"block"`  // threshold applied for block
	Action   Action  `json:"action"` // what this category alone asks for
}

// Evidence is one match as a moderator sees it.
type Evidence struct {
	Rule     string `json:"rule"`
	Category string `json:"category"`
	// Start and End are byte offsets into the message text:
	// text[start:end] is Text.
	Start int    `json:"start"`
	End   int    `json:"end"`
	Text  string `json:"text"`
	// Message says why this is a red flag.
	Message string `json:"message"`
	// Contribution is the points this match added to its category.
	Contribution float64 `json:"contribution"`
	// Note says why Contribution differs from the rule's weight
	// (negation, quotation, repeat, length), when it does.
	Note string `json:"note,omitempty"`
	// Deobfuscated names the disguise the text used, if any.
	Deobfuscated string `json:"deobfuscated,omitempty"`
}

// RulesInfo identifies the rules a message was scored with.
type RulesInfo struct {
	// Generation counts rule changes since the bot started: 1 for the
	// rules loaded at start, +1 for each reload that changed them.
	Generation uint64 `json:"generation"`
	// Version is a fingerprint of the compiled rules: the same rules
	// always give the same version.
	Version string `json:"version"`
}

// errorVerdict is how a verdict with an Error is written: without an
// action or a score, which it does not have.
type errorVerdict struct {
	ID      json.RawMessage `json:"id,omitempty"`
	Author  string          `json:"author,omitempty"`
	Channel string          `json:"channel,omitempty"`
	Line    int             `json:"line,omitempty"`
	Rules   *RulesInfo      `json:"rules,omitempty"`
	Error   string          `json:"error"`
}

// wire returns what to encode for v.
func (v *Verdict) wire() any {
	if v.Error == "" {
		return v
	}
	return &errorVerdict{ID: v.ID, Author: v.Author, Channel: v.Channel, Line: v.Line, Rules: v.Rules, Error: v.Error}
}

const messageShape = `{"id":…,"author":…,"channel":…,"text":…}`

// decodeMessage parses one message. It accepts exactly one JSON object
// with the fields of Message and nothing else.
func decodeMessage(data []byte) (Message, error) {
	var m Message
	data = bytes.TrimSpace(data)
	if len(data) == 0 {
		return m, errors.New("empty message: send one JSON object " + messageShape)
	}
	if data[0] != '{' {
		return m, errors.New("a message must be a JSON object " + messageShape)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&m); err != nil {
		return Message{}, fmt.Errorf("invalid message JSON: %s; send one object %s", jsonErr(err), messageShape)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return Message{}, errors.New("invalid message JSON: data after the object; send one object per line (stdin) or per request (HTTP)")
	}
	if id := bytes.TrimSpace(m.ID); len(id) > 0 {
		switch {
		case bytes.Equal(id, []byte("null")):
			m.ID = nil
		case id[0] == '"' || id[0] == '-' || (id[0] >= '0' && id[0] <= '9'):
			m.ID = id
		default:
			return Message{}, fmt.Errorf(`"id" must be a string or a number, not %s`, clip(string(id), 40))
		}
	}
	if m.Text == nil {
		return Message{}, errors.New(`message has no "text" field: send ` + messageShape)
	}
	if len(m.Author) > MaxAuthorBytes {
		return Message{}, fmt.Errorf(`"author" is %d bytes, the limit is %d: send the platform's user id, not a display text`, len(m.Author), MaxAuthorBytes)
	}
	return m, nil
}

// jsonErr makes encoding/json errors read well inside a sentence.
func jsonErr(err error) string {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		return fmt.Sprintf("%s at byte %d", strings.TrimPrefix(se.Error(), "json: "), se.Offset)
	case errors.As(err, &te):
		return fmt.Sprintf("field %q must be a %s, not a JSON %s", te.Field, te.Type, te.Value)
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return "the object is cut off"
	}
	return strings.TrimPrefix(err.Error(), "json: ")
}

// clip shortens s to at most n bytes for an error message, on a rune
// boundary.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

func round4(x float64) float64 { return math.Round(x*1e4) / 1e4 }

// buildVerdict turns a report into a verdict under policy p. It copies
// everything it keeps out of rep, which the caller reuses.
func buildVerdict(m *Message, rep *detect.Report, scoreErr error, rs *ruleSet, p *Policy) Verdict {
	v := Verdict{
		ID:      m.ID,
		Author:  m.Author,
		Channel: m.Channel,
		Score:   round4(rep.Score),
		Rules:   &RulesInfo{Generation: rs.gen, Version: rs.version},
	}
	var ie *detect.InputError
	if errors.As(scoreErr, &ie) {
		v.Error = ie.Error()
		return v
	}
	v.Action, v.Categories = p.decide(rep)
	if len(rep.Matches) > 0 {
		v.Matches = make([]Evidence, len(rep.Matches))
		for i, mt := range rep.Matches {
			v.Matches[i] = Evidence{
				Rule: mt.Rule, Category: mt.Category,
				Start: mt.Start, End: mt.End, Text: mt.Text,
				Message: mt.Message, Contribution: round4(mt.Contribution),
				Note: mt.Note, Deobfuscated: mt.Deobfuscated,
			}
		}
	}
	v.Reason = reason(&v)
	if scoreErr != nil {
		for _, line := range strings.Split(scoreErr.Error(), "\n") {
			if line != "" {
				v.Warnings = append(v.Warnings, line)
			}
		}
		if v.Action == Allow {
			// A rule that did not finish might have flagged the message:
			// never wave such a message through unseen.
			v.Action = Review
			v.Reason = "review: scoring did not complete (see warnings), so the message is held instead of allowed; " + v.Reason
		}
	}
	return v
}

// maxReasonMatches is how many matches the one-line reason quotes.
const maxReasonMatches = 3

// reason writes the one-line explanation of a verdict.
func reason(v *Verdict) string {
	var b strings.Builder
	b.WriteString(string(v.Action))
	b.WriteString(": ")
	// The categories that decided the action, or the highest one.
	var decided []string
	for _, c := range v.Categories {
		if c.Action == v.Action && v.Action != Allow {
			at := c.Review
			if c.Action == Block {
				at = c.Block
			}
			decided = append(decided, fmt.Sprintf("%s %.2f ≥ %s threshold %.2f", c.Category, c.Score, c.Action, at))
		}
	}
	if len(decided) == 0 {
		if len(v.Categories) == 0 {
			b.WriteString("no red flags")
			return b.String()
		}
		top := v.Categories[0]
		for _, c := range v.Categories[1:] {
			if c.Score > top.Score {
				top = c
			}
		}
		decided = append(decided, fmt.Sprintf("%s %.2f below review threshold %.2f", top.Category, top.Score, top.Review))
	}
	b.WriteString(strings.Join(decided, ", "))
	// Quote the matches that added the most points.
	idx := make([]int, 0, len(v.Matches))
	for i, m := range v.Matches {
		if m.Contribution > 0 {
			idx = append(idx, i)
		}
	}
	sort.SliceStable(idx, func(a, b int) bool { return v.Matches[idx[a]].Contribution > v.Matches[idx[b]].Contribution })
	for n, i := range idx {
		if n == maxReasonMatches {
			fmt.Fprintf(&b, "; and %d more", len(idx)-n)
			break
		}
		m := v.Matches[i]
		if n == 0 {
			b.WriteString(" — ")
		} else {
			b.WriteString("; ")
		}
		fmt.Fprintf(&b, "%q (%s, +%.2f)", clip(m.Text, 80), m.Rule, m.Contribution)
	}
	return b.String()
}
