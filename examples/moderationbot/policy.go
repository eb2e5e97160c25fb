package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/redflag-go/redflag/detect"
)

// Policy defaults.
const (
	// DefaultReview is the category score at which a message is held for
	// review: one point, a single clear tell (detect.DefaultThreshold).
	DefaultReview = detect.DefaultThreshold
	// DefaultBlock is the category score at which a message is blocked:
	// about 2.3 points, several clear tells or one near-certain marker.
	DefaultBlock = 0.8
	// DefaultEscalateAfter is how many flagged messages of one author
	// within DefaultEscalateWindow turn a review into a block.
	DefaultEscalateAfter = 3
	// DefaultEscalateWindow is the window in which flagged messages count.
	DefaultEscalateWindow = 10 * time.Minute
	// DefaultMaxAuthors is how many authors the repeat-offender memory
	// keeps (see offenders for the memory bound).
	DefaultMaxAuthors = 10000
	// maxPolicyBytes is the largest policy file read.
	maxPolicyBytes = 1 << 20
)

// Policy maps category scores to actions, and says when repeat offenders
// escalate. It is read once at start from -policy and the flags.
type Policy struct {
	// Default thresholds, for every category not listed in Categories.
	Default Thresholds
	// Categories overrides thresholds per category.
	Categories map[string]Thresholds
	// EscalateAfter flagged messages (the current one included) of one
	// author within EscalateWindow turn review into block; 0 turns
	// escalation off.
	EscalateAfter  int
	EscalateWindow time.Duration
	// MaxAuthors bounds how many authors are remembered.
	MaxAuthors int
}

// Thresholds are the category scores at or above which a message is held
// for review or blocked. A threshold above 1 never fires.
type Thresholds struct {
	Review float64
	Block  float64
}

// policyFile is the file format of -policy (YAML, or JSON, which YAML
// reads too). Absent fields keep their defaults.
//
//	review: 0.5
//	block: 0.8
//	categories:
//	  fabricated-citation: {review: 0.5, block: 0.7}
//	  engagement-bait: {block: 0.95}
//	escalation:
//	  after: 3
//	  window: 10m
//	  max_authors: 10000
type policyFile struct {
	Review     *float64                  `yaml:"review"`
	Block      *float64                  `yaml:"block"`
	Categories map[string]thresholdsFile `yaml:"categories"`
	Escalation struct {
		After      *int           `yaml:"after"`
		Window     *time.Duration `yaml:"window"`
		MaxAuthors *int           `yaml:"max_authors"`
	} `yaml:"escalation"`
}

type thresholdsFile struct {
	Review *float64 `yaml:"review"`
	Block  *float64 `yaml:"block"`
}

// policyOverrides are the policy flags that were set on the command line;
// they win over the file.
type policyOverrides struct {
	review, block  *float64
	categories     map[string]thresholdsFile
	escalateAfter  *int
	escalateWindow *time.Duration
	maxAuthors     *int
}

// defaultPolicy returns the policy used when no file or flag says otherwise.
func defaultPolicy() *Policy {
	return &Policy{
		Default:        Thresholds{Review: DefaultReview, Block: DefaultBlock},
		Categories:     map[string]Thresholds{},
		EscalateAfter:  DefaultEscalateAfter,
		EscalateWindow: DefaultEscalateWindow,
		MaxAuthors:     DefaultMaxAuthors,
	}
}

// loadPolicy reads the policy file (if path is not empty), applies the
// overrides and checks the result.
func loadPolicy(path string, ov policyOverrides) (*Policy, error) {
	var pf policyFile
	if path != "" {
		f, err := os.Open(path)
		if err != nil {
			return nil, fmt.Errorf("policy: %v", err)
		}
		data, err := io.ReadAll(io.LimitReader(f, maxPolicyBytes+1))
		f.Close()
		if err != nil {
			return nil, fmt.Errorf("policy: %s: %v", path, err)
		}
		if len(data) > maxPolicyBytes {
			return nil, fmt.Errorf("policy: %s is larger than %d bytes: a policy file only holds thresholds", path, maxPolicyBytes)
		}
		if pf, err = parsePolicy(data); err != nil {
			return nil, fmt.Errorf("policy: %s: %v", path, err)
		}
	}
	p := defaultPolicy()
	set := func(dst *float64, v *float64) {
		if v != nil {
			*dst = *v
		}
	}
	set(&p.Default.Review, pf.Review)
	set(&p.Default.Block, pf.Block)
	set(&p.Default.Review, ov.review)
	set(&p.Default.Block, ov.block)
	for _, cats := range []map[string]thresholdsFile{pf.Categories, ov.categories} {
		for name, t := range cats {
			// A category with only one threshold inherits the other
			// from what it had so far (default, or the file).
			cur, ok := p.Categories[name]
			if !ok {
				cur = Thresholds{Review: math.NaN(), Block: math.NaN()}
			}
			set(&cur.Review, t.Review)
			set(&cur.Block, t.Block)
			p.Categories[name] = cur
		}
	}
	for name, t := range p.Categories {
		if math.IsNaN(t.Review) {
			t.Review = p.Default.Review
		}
		if math.IsNaN(t.Block) {
			t.Block = p.Default.Block
		}
		p.Categories[name] = t
	}
	for _, v := range []struct {
		dst *int
		src *int
	}{{&p.EscalateAfter, pf.Escalation.After}, {&p.EscalateAfter, ov.escalateAfter}, {&p.MaxAuthors, pf.Escalation.MaxAuthors}, {&p.MaxAuthors, ov.maxAuthors}} {
		if v.src != nil {
			*v.dst = *v.src
		}
	}
	for _, w := range []*time.Duration{pf.Escalation.Window, ov.escalateWindow} {
		if w != nil {
			p.EscalateWindow = *w
		}
	}
	if err := p.check(); err != nil {
		if path != "" {
			return nil, fmt.Errorf("policy (%s and flags): %v", path, err)
		}
		return nil, fmt.Errorf("policy flags: %v", err)
	}
	return p, nil
}

func parsePolicy(data []byte) (policyFile, error) {
	var pf policyFile
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&pf); err != nil && !errors.Is(err, io.EOF) {
		return pf, fmt.Errorf("%v\n  (known fields: review, block, categories: {NAME: {review, block}}, escalation: {after, window, max_authors})", strings.TrimPrefix(err.Error(), "yaml: "))
	}
	return pf, nil
}

func (p *Policy) check() error {
	var errs []string
	checkT := func(what string, t Thresholds) {
		for _, x := range []struct {
			name string
			v    float64
		}{{"review", t.Review}, {"block", t.Block}} {
			if !(x.v > 0) || math.IsInf(x.v, 0) {
				errs = append(errs, fmt.Sprintf("%s %s threshold %v is out of range: use a category score above 0 (a value above 1 never fires)", what, x.name, x.v))
			}
		}
		if t.Review > t.Block {
			errs = append(errs, fmt.Sprintf("%s review threshold %v is above its block threshold %v: review must come first (set block ≥ review)", what, t.Review, t.Block))
		}
	}
	checkT("default", p.Default)
	names := make([]string, 0, len(p.Categories))
	for name := range p.Categories {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if name == "" {
			errs = append(errs, "a category override has an empty name: use the category's name, e.g. hype")
			continue
		}
		checkT("category "+name, p.Categories[name])
	}
	if p.EscalateAfter < 0 {
		errs = append(errs, fmt.Sprintf("escalation after %d is negative: use 0 to turn escalation off, or the number of flagged messages that escalate", p.EscalateAfter))
	}
	if p.EscalateAfter > 1000 {
		errs = append(errs, fmt.Sprintf("escalation after %d is too large: use at most 1000", p.EscalateAfter))
	}
	if p.EscalateAfter > 0 && p.EscalateWindow <= 0 {
		errs = append(errs, fmt.Sprintf("escalation window %v must be positive, e.g. 10m", p.EscalateWindow))
	}
	if p.EscalateAfter > 0 && p.MaxAuthors < 1 {
		errs = append(errs, fmt.Sprintf("max authors %d must be at least 1 (or set escalation after to 0)", p.MaxAuthors))
	}
	if len(errs) > 0 {
		return errors.New(strings.Join(errs, "; "))
	}
	return nil
}

// thresholds returns the thresholds for one category.
func (p *Policy) thresholds(category string) Thresholds {
	if t, ok := p.Categories[category]; ok {
		return t
	}
	return p.Default
}

// decide maps a report to an action: the harshest action any category
// asks for. It returns every category with points.
func (p *Policy) decide(rep *detect.Report) (Action, []CategoryVerdict) {
	action := Allow
	var cats []CategoryVerdict
	for _, c := range rep.Categories {
		if c.Points <= 0 {
			continue
		}
		t := p.thresholds(c.Category)
		a := Allow
		switch {
		case c.Score >= t.Block:
			a = Block
		case c.Score >= t.Review:
			a = Review
		}
		if a.rank() > action.rank() {
			action = a
		}
		cats = append(cats, CategoryVerdict{
			Category: c.Category, Score: round4(c.Score), Points: round4(c.Points),
			Review: t.Review, Block: t.Block, Action: a,
		})
	}
	return action, cats
}

// unknownCategories lists the categories the policy names that the
// detector does not score: most likely typos.
func (p *Policy) unknownCategories(d *detect.Detector) []string {
	known := map[string]bool{}
	for _, c := range d.Categories() {
		known[c] = true
	}
	var out []string
	for name := range p.Categories {
		if !known[name] {
			out = append(out, name)
		}
	}
	sort.Strings(out)
	return out
}

// categoryFlag is -category NAME=REVIEW:BLOCK (repeatable); either side of
// the colon may be empty to keep the default.
type categoryFlag map[string]thresholdsFile

// String implements flag.Value.
func (c categoryFlag) String() string {
	names := make([]string, 0, len(c))
	for n := range c {
		names = append(names, n)
	}
	sort.Strings(names)
	return strings.Join(names, ",")
}

// Set implements flag.Value: it adds or replaces one category's
// thresholds.
func (c categoryFlag) Set(v string) error {
	name, th, ok := strings.Cut(v, "=")
	name = strings.TrimSpace(name)
	if !ok || name == "" {
		return fmt.Errorf("want NAME=REVIEW:BLOCK, e.g. hype=0.6:0.9 or engagement-bait=:0.95, got %q", v)
	}
	rs, bs, _ := strings.Cut(th, ":")
	var t thresholdsFile
	for _, x := range []struct {
		s   string
		dst **float64
	}{{rs, &t.Review}, {bs, &t.Block}} {
		s := strings.TrimSpace(x.s)
		if s == "" {
			continue
		}
		f, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return fmt.Errorf("%q: %q is not a number; want NAME=REVIEW:BLOCK, e.g. hype=0.6:0.9", v, s)
		}
		*x.dst = &f
	}
	if t.Review == nil && t.Block == nil {
		return fmt.Errorf("%q sets no threshold; want NAME=REVIEW:BLOCK, e.g. hype=0.6:0.9", v)
	}
	c[name] = t
	return nil
}
