package detect

import (
	"strconv"

	"github.com/redflag-go/redflag/detect/internal/token"
	"github.com/redflag-go/redflag/lexicon"
)

// RuleDetail is one compiled rule in full: its description, every pattern
// with the terms it was compiled to, and the examples its entry carries.
// It is what a rule author needs to see why a rule does or does not fire.
type RuleDetail struct {
	Rule
	// Phrases are the entry's phrases with their compiled terms.
	Phrases []PhraseDetail `json:"phrases,omitempty"`
	// Regex are the entry's regex sources, as written.
	Regex []string `json:"regex,omitempty"`
	// MatchCase is true when the regexes are case-sensitive.
	MatchCase bool `json:"match_case,omitempty"`
	// Feature is the structural feature the entry uses, if any, and
	// FeatureDoc says what it fires on.
	Feature    string `json:"feature,omitempty"`
	FeatureDoc string `json:"feature_doc,omitempty"`
	// Unless are the exception phrases that cancel a match in the same
	// sentence, with their compiled terms.
	Unless []PhraseDetail `json:"unless,omitempty"`
	// CrossSentences is true when phrases may match across a sentence end.
	CrossSentences bool `json:"cross_sentences,omitempty"`
	// Stemmed is true when the rule's language has a Snowball stemmer; in
	// other languages plain words match their exact folded form.
	Stemmed bool `json:"stemmed"`
	// Match and NoMatch are the entry's examples.
	Match   []string `json:"match_examples"`
	NoMatch []string `json:"no_match_examples"`
	// Entry is the lexicon entry as compiled: a copy, with the weight
	// after WithWeight and WithCategoryWeight. Compile it on its own to
	// see what the rule matches without the other rules competing.
	Entry lexicon.Entry `json:"-"`
}

// PhraseDetail is one phrase and the terms the matcher compares with the
// words of a text.
type PhraseDetail struct {
	// Phrase is the phrase as written in the lexicon.
	Phrase string `json:"phrase"`
	// Terms has one item per word as the matcher sees it: a Snowball stem
	// ("chang" for "changes"), "=form" for an exact word form, an emoji,
	// "*" for any one word, "...N" for a gap of 0 to N words. A word
	// written with inner punctuation ("game-changer") gives several terms.
	Terms []string `json:"terms"`
}

// Explain returns everything about the compiled rule with the given id,
// and false when the Detector has no such rule (a typo, or an entry left
// out by WithDisabled).
func (d *Detector) Explain(id string) (RuleDetail, bool) {
	for i := range d.rules {
		if d.rules[i].ID == id {
			return d.explain(&d.rules[i]), true
		}
	}
	return RuleDetail{}, false
}

func (d *Detector) explain(r *rule) RuleDetail {
	e := copyEntry(r.entry)
	rd := RuleDetail{
		Rule:           r.Rule,
		Regex:          append([]string(nil), e.Regex...),
		MatchCase:      e.MatchCase,
		Feature:        e.Feature,
		FeatureDoc:     lexicon.FeatureDoc(e.Feature),
		CrossSentences: e.CrossSentences,
		Stemmed:        stemmerFor(e.Lang) != nil,
		Match:          append([]string(nil), e.Examples.Match...),
		NoMatch:        append([]string(nil), e.Examples.NoMatch...),
		Entry:          e,
	}
	rd.Patterns = r.patterns()
	st := stemmerFor(e.Lang)
	for _, p := range e.Phrases {
		rd.Phrases = append(rd.Phrases, PhraseDetail{Phrase: p, Terms: phraseTerms(p, st)})
	}
	for _, p := range e.Unless {
		rd.Unless = append(rd.Unless, PhraseDetail{Phrase: p, Terms: phraseTerms(p, st)})
	}
	return rd
}

// phraseTerms compiles a phrase to the terms the matcher uses, with the
// same splitting, folding and stemming as Compile. A phrase that does not
// parse gives nil (Compile rejects such entries, so this does not happen
// for a compiled rule).
func phraseTerms(phrase string, stem func(string) string) []string {
	parts, err := lexicon.ParsePhrase(phrase)
	if err != nil {
		return nil
	}
	var out []string
	for _, p := range parts {
		switch {
		case p.SentenceStart:
			out = append(out, "^")
		case p.SentenceEnd:
			out = append(out, "$")
		case p.Any:
			out = append(out, "*")
		case p.Gap > 0:
			out = append(out, "..."+strconv.Itoa(p.Gap))
		default:
			pieces, err := splitWord(p.Word)
			if err != nil {
				return nil
			}
			for _, pc := range pieces {
				switch {
				case p.Exact:
					out = append(out, "="+pc.Text)
				case stem == nil || pc.Kind == token.Emoji:
					out = append(out, pc.Text)
				default:
					out = append(out, stem(pc.Text))
				}
			}
		}
	}
	return out
}

// copyEntry returns e with its slices copied, so that callers cannot
// change what a compiled Detector holds.
func copyEntry(e lexicon.Entry) lexicon.Entry {
	c := e
	c.Phrases = append([]string(nil), e.Phrases...)
	c.Regex = append([]string(nil), e.Regex...)
	c.Unless = append([]string(nil), e.Unless...)
	c.Examples.Match = append([]string(nil), e.Examples.Match...)
	c.Examples.NoMatch = append([]string(nil), e.Examples.NoMatch...)
	return c
}
