package detecttest_test

import (
	"fmt"

	"github.com/redflag-go/redflag/detect"
	"github.com/redflag-go/redflag/detect/detecttest"
	"github.com/redflag-go/redflag/lexicon"
)

// communityRules is a team's own lexicon, as it would sit in a YAML file
// next to its tests.
const communityRules = `
lang: en
entries:
  - id: crypto-giveaway.en.double-your-coins
    category: crypto-giveaway
    weight: 1.5
    message: Promising to double the coins people send is the classic giveaway scam.
    source: our moderation notes
    phrases: [double your coins, double your crypto]
    examples:
      match: [Send now and we DOUBLE your coins, We are doubling your crypto today]
      no_match: [Double your savings rate by cooking at home]
  - id: vendor-hype.en.best-of-breed
    category: vendor-hype
    weight: 1.0
    message: Best-of-breed is a superlative without a measure.
    source: our RFP style guide
    phrases: [best of breed]
    examples:
      match: [a best-of-breed platform, the finest breed of tools]
      no_match: [Best in show went to a beagle]
`

// communityDetector compiles communityRules. A real test would load the
// files with lexicon.LoadFiles and add lexicon.Builtin().
func communityDetector() (*detect.Detector, *lexicon.Lexicon) {
	lex, err := lexicon.Parse("community.yaml", []byte(communityRules))
	if err != nil {
		panic(err)
	}
	d, err := detect.Compile([]*lexicon.Lexicon{lex})
	if err != nil {
		panic(err)
	}
	return d, lex
}

// In a test, pass the *testing.T. Here a reporter stands in for it and
// prints what the test would report.
func Example() {
	d, _ := communityDetector()
	t := newReporter("TestCommunityRules", true)

	detecttest.AssertRules(t, d, "Send 0.1 BTC now and we double your coins!", "crypto-giveaway.en.double-your-coins")
	detecttest.AssertClean(t, d, "The node upgrade ships on Monday.")
	detecttest.AssertCategory(t, d, "We are doubling your crypto today", "crypto-giveaway", d.Threshold(), 1)

	fmt.Println("failed:", t.Failed())
	// Output:
	// failed: false
}

// RunExamples checks every example of every entry in a subtest named
// after the entry. Here the second match example of best-of-breed is
// wrong: "finest breed" is not the phrase.
func ExampleRunExamples() {
	d, lex := communityDetector()
	t := newReporter("TestCommunityRules", true)

	detecttest.RunExamples(t, d, lex)

	fmt.Println("failed:", t.Failed())
	// Output:
	// --- FAIL: TestCommunityRules/vendor-hype.en.best-of-breed
	// community.yaml:13: vendor-hype.en.best-of-breed: match example is not flagged by this entry
	// text: "the finest breed of tools"
	// want: vendor-hype.en.best-of-breed with points (this is a match: example)
	// got:  no matches
	// fix:  vendor-hype.en.best-of-breed does not match this text at all: its phrases compile to "best of breed" → [best of breed]; each word of the text must reduce to the same Snowball stem (en); use =word for one exact form, and add the forms people really type as phrases; or, if the text is not a red flag after all, move it to no_match:
	// failed: true
}

// AssertHits checks exact byte spans; the failure says where the rule
// matched instead.
func ExampleAssertHits() {
	d, _ := communityDetector()
	t := newReporter("TestSpans", true)
	text := "Send now and we double your coins!"

	detecttest.AssertHits(t, d, text, detecttest.At("crypto-giveaway.en.double-your-coins", 16, 33))
	detecttest.AssertHits(t, d, text, detecttest.At("crypto-giveaway.en.double-your-coins", 9, 33))

	fmt.Println("failed:", t.Failed())
	// Output:
	// --- FAIL: TestSpans
	// text does not raise the expected rules
	// text: "Send now and we double your coins!"
	// want: crypto-giveaway.en.double-your-coins 9-33
	// got:  crypto-giveaway.en.double-your-coins 16-33 "double your coins" (crypto-giveaway, +1.5)
	// fix:  crypto-giveaway.en.double-your-coins matched at 16-33 "double your coins" instead of 9-33 "and we double your coins": fix the expected span, or change the phrase if it should cover exactly that text
	// failed: true
}

// AssertOnlyRules fails when a rule that the test did not name adds
// points.
func ExampleAssertOnlyRules() {
	d, _ := communityDetector()
	t := newReporter("TestOnly", true)

	detecttest.AssertOnlyRules(t, d, "Double your crypto with our best-of-breed wallet", "crypto-giveaway.en.double-your-coins")

	fmt.Println("failed:", t.Failed())
	// Output:
	// --- FAIL: TestOnly
	// text does not raise exactly the expected rules
	// text: "Double your crypto with our best-of-breed wallet"
	// want: crypto-giveaway.en.double-your-coins (any span), and nothing else with points
	// got:  crypto-giveaway.en.double-your-coins 0-18 "Double your crypto" (crypto-giveaway, +1.5)
	//       vendor-hype.en.best-of-breed 28-41 "best-of-breed" (vendor-hype, +1)
	// fix:  unexpected vendor-hype.en.best-of-breed 28-41 "best-of-breed" (vendor-hype, +1): add it to the expected rules if it is right here, or keep vendor-hype.en.best-of-breed from firing on this text (a longer phrase, an unless: exception, detect.WithDisabled)
	// failed: true
}

// AssertClean accepts matches that the context cancels, such as a
// negated phrase, and fails on any match with points.
func ExampleAssertClean() {
	d, _ := communityDetector()
	t := newReporter("TestClean", true)

	detecttest.AssertClean(t, d, "Our wallet is not best of breed, just reliable.")
	fmt.Println("failed:", t.Failed())
	// Output:
	// failed: false
}

// AssertCategory bounds a category's score: 0.5 is one point of evidence
// and the default threshold.
func ExampleAssertCategory() {
	d, _ := communityDetector()
	t := newReporter("TestCategory", true)

	detecttest.AssertCategory(t, d, "a best-of-breed platform", "vendor-hype", 0, 0.4)

	fmt.Println("failed:", t.Failed())
	// Output:
	// --- FAIL: TestCategory
	// category vendor-hype scores 0.5 (1 points) on the text; want 0..0.4
	// text: "a best-of-breed platform"
	// want: vendor-hype score in [0, 0.4]
	// got:  vendor-hype.en.best-of-breed 2-15 "best-of-breed" (vendor-hype, +1)
	// fix:  vendor-hype scores too high: make the rules that fire more specific, lower their weight (weight:, detect.WithWeight, detect.WithCategoryWeight("vendor-hype", f)), or raise the bound
	// failed: true
}
