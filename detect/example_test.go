package detect_test

import (
	"fmt"
	"os"

	"github.com/redflag-go/redflag/detect"
	"github.com/redflag-go/redflag/lexicon"
)

const exampleLexicon = `
lang: en
entries:
  - id: hype.en.changes-everything
    category: hype
    weight: 1.2
    message: Saying one release "changes everything" is a sweeping claim offered without evidence.
    source: seed-posts.txt line 88
    phrases: [changes everything]
    examples:
      match: [And that changes everything., They keep CHANGING everything]
      no_match: [The patch changes nothing.]
  - id: engagement-bait.en.tag-a-friend
    category: engagement-bait
    weight: 1.5
    message: Asking readers to tag friends farms reach, not discussion.
    source: Meta, "Fighting Engagement Bait on Facebook" (2017)
    phrases: [tag * friend who, tag someone who]
    examples:
      match: [Tag a friend who needs this]
      no_match: [We tag each release.]
`

// Compile a custom lexicon, then score many texts with the same detector.
func ExampleCompile() {
	lex, err := lexicon.Parse("example.yaml", []byte(exampleLexicon))
	if err != nil {
		fmt.Println(err)
		return
	}
	d, err := detect.Compile([]*lexicon.Lexicon{lex}, detect.WithThreshold(0.5))
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, text := range []string{"This is changing everything", "Release notes for v2.1"} {
		r, _ := d.Score(text)
		fmt.Printf("%q flagged=%v score=%.2f\n", text, r.Flagged, r.Score)
	}
	// Output:
	// "This is changing everything" flagged=true score=0.56
	// "Release notes for v2.1" flagged=false score=0.00
}

// Every match says which rule fired, where, and how many points it added.
func ExampleDetector_Score() {
	lex, _ := lexicon.Parse("example.yaml", []byte(exampleLexicon))
	d, _ := detect.Compile([]*lexicon.Lexicon{lex})
	text := "Tag a friend who thinks this changes everything"
	r, err := d.Score(text)
	if err != nil {
		fmt.Println(err)
	}
	for _, m := range r.Matches {
		fmt.Printf("%s [%d:%d] %q +%.1f\n", m.Rule, m.Start, m.End, text[m.Start:m.End], m.Contribution)
	}
	for _, c := range r.Categories {
		fmt.Printf("%s %.2f\n", c.Category, c.Score)
	}
	// Output:
	// engagement-bait.en.tag-a-friend [0:16] "Tag a friend who" +1.5
	// hype.en.changes-everything [29:47] "changes everything" +1.2
	// hype 0.56
	// fabricated-citation 0.00
	// engagement-bait 0.65
}

// Explain prints a report for people: each match, why, and the totals.
func ExampleReport_Explain() {
	lex, _ := lexicon.Parse("example.yaml", []byte(exampleLexicon))
	d, _ := detect.Compile([]*lexicon.Lexicon{lex})
	r, _ := d.Score("This is not what changes everything. It changes everything!")
	_ = r.Explain(os.Stdout)
	// Output:
	// score 0.56: FLAGGED (threshold 0.50, 1.2 points, 9 words)
	//   17-35 "changes everything"  hype.en.changes-everything
	//       hype, +0 points (weight 1.2); negated by "not" at 8-11
	//       why: Saying one release "changes everything" is a sweeping claim offered without evidence.
	//   40-58 "changes everything"  hype.en.changes-everything
	//       hype, +1.2 points (weight 1.2)
	//       why: Saying one release "changes everything" is a sweeping claim offered without evidence.
	// categories:
	//   hype                 0.56  (1.2 points)  << flagged
	//   fabricated-citation  0.00  (0 points)
	//   engagement-bait      0.00  (0 points)
}

// CheckExamples runs every match and no_match example of a lexicon, the
// way the built-in lexicons are tested.
func ExampleCheckExamples() {
	lex, _ := lexicon.Parse("example.yaml", []byte(exampleLexicon))
	d, _ := detect.Compile([]*lexicon.Lexicon{lex})
	failures := detect.CheckExamples(d, lex)
	fmt.Println(len(failures), "failing examples")
	// Output:
	// 0 failing examples
}
