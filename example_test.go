package redflag_test

import (
	"fmt"

	"github.com/redflag-go/redflag"
)

// Score a text with the built-in lexicons and list what was flagged.
func ExampleScore() {
	rep, err := redflag.Score("As an AI language model, I cannot browse the internet. Regenerate response")
	if err != nil {
		fmt.Println(err)
	}
	fmt.Println("flagged:", rep.Flagged)
	for _, c := range rep.Categories {
		if c.Flagged {
			fmt.Println("category:", c.Category)
		}
	}
	// Output:
	// flagged: true
	// category: fabricated-citation
}

// A negated claim stays in the report, with no points and a note.
func ExampleScore_negation() {
	rep, _ := redflag.Score("Honestly, this update is not a game changer.")
	fmt.Println("flagged:", rep.Flagged)
	for _, m := range rep.Matches {
		fmt.Printf("%q points=%.0f\n", m.Text, m.Contribution)
	}
	// Output:
	// flagged: false
	// "game changer" points=0
}
