package lexicon_test

import (
	"fmt"

	"github.com/redflag-go/redflag/lexicon"
)

// Parse a lexicon file; problems come back located by file, line and entry.
func ExampleParse() {
	src := `lang: en
category: vendor-hype
entries:
  - id: vendor-hype.en.synergy
    weight: 1
    message: Saying "synergy" promises value without naming it.
    source: our RFP review guidelines
    phrases: [synergy, synergies]
    examples:
      match: [Unlock SYNERGIES across teams]
      no_match: [The two drugs act in combination.]
`
	lex, err := lexicon.Parse("vendor.yaml", []byte(src))
	if err != nil {
		fmt.Println(err)
		return
	}
	e := lex.Entries[0]
	fmt.Println(e.ID, e.Category, e.Lang, e.Weight, e.Pos)
	// Output:
	// vendor-hype.en.synergy vendor-hype en 1 vendor.yaml:4
}

// Every problem of a file is reported at once, each with its location.
func ExampleParse_errors() {
	src := `lang: en
category: hype
entries:
  - id: hype.en.x
    weight: 9
    message: m
    source: s
    colour: red
    phrases: [x]
    examples: {match: [x], no_match: [y]}
`
	_, err := lexicon.Parse("bad.yaml", []byte(src))
	for _, e := range lexicon.AsList(err) {
		fmt.Println(e)
	}
	// Output:
	// bad.yaml:5: hype.en.x: weight 9 is out of range; use a number in (0, 5] (see the weight scale in lexicon/README.md)
	// bad.yaml:8: hype.en.x: unknown key "colour"; allowed keys: id, category, lang, weight, message, source, phrases, regex, feature, match_case, unless, negatable, cross_sentences, examples
}

// ParsePhrase shows how a phrase is read: words, exact forms, wildcards, gaps.
func ExampleParsePhrase() {
	parts, _ := lexicon.ParsePhrase("share ...2 if =you agree")
	for _, p := range parts {
		switch {
		case p.Gap > 0:
			fmt.Printf("gap of up to %d words\n", p.Gap)
		case p.Exact:
			fmt.Printf("exact %q\n", p.Word)
		default:
			fmt.Printf("stem of %q\n", p.Word)
		}
	}
	// Output:
	// stem of "share"
	// gap of up to 2 words
	// stem of "if"
	// exact "you"
	// stem of "agree"
}

// AppendPhrase parses many phrases into one reused slice; a broken phrase
// leaves the slice as it was.
func ExampleAppendPhrase() {
	var buf []lexicon.PhrasePart
	for _, phrase := range []string{"game changer", "^ thoughts ? $", "* wildcard first"} {
		parts, err := lexicon.AppendPhrase(buf[:0], phrase)
		if err != nil {
			fmt.Println("error:", err)
			continue
		}
		buf = parts
		fmt.Println(len(parts), "parts")
	}
	// Output:
	// 2 parts
	// 4 parts
	// error: phrase "* wildcard first" starts with a wildcard or gap; start it with a word
}
