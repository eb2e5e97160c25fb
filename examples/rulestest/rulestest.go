// Package rulestest is a worked example of a team that writes its own
// content rules and unit-tests them like code.
//
// The team runs a bilingual (English and Spanish) crypto community and a
// procurement desk. Its lexicons, next to this file, add two categories
// of its own on top of the built-in ones: crypto-giveaway (fake "send X,
// get 2X back" giveaways, impersonated founders, wallet-drainer links)
// and vendor-hype (RFP filler such as "best of breed" and "single pane of
// glass"). New compiles them with the built-in lexicons and the team's
// composition options; rulestest_test.go tests every rule with package
// detecttest.
//
// Check the lexicons with the command-line linter:
//
//	go run ./examples/redflag -lint examples/rulestest
package rulestest

import (
	"embed"

	"github.com/redflag-go/redflag/detect"
	"github.com/redflag-go/redflag/lexicon"
)

//go:embed *.yaml
var rulesFS embed.FS

// Lexicons loads the team's own lexicons, embedded in the binary. Errors
// name the file, line and entry.
func Lexicons() ([]*lexicon.Lexicon, error) {
	return lexicon.LoadFS(rulesFS, ".")
}

// DisabledBuiltins are the built-in entries the team switches off, as
// id globs: crypto slang such as "wen moon" is everyday banter in a
// crypto channel, in every language.
var DisabledBuiltins = []string{"hype.*.crypto-moon"}

// HypeFactor scales the built-in hype category: excited chat is full of
// superlatives, so general hype counts for half, while the team's own
// vendor-hype rules count in full.
const HypeFactor = 0.5

// Options returns the composition options the team compiles with.
func Options() []detect.Option {
	return []detect.Option{
		detect.WithDisabled(DisabledBuiltins...),
		detect.WithCategoryWeight(lexicon.Hype, HypeFactor),
		// A founder "giving away" coins is never innocent in this
		// community: make it flag on its own even in a long post.
		detect.WithWeight("crypto-giveaway.*.founder-giveaway", 2.5),
	}
}

// New compiles the built-in lexicons with the team's lexicons on top,
// using Options. The Detector is safe for concurrent use.
func New() (*detect.Detector, error) {
	builtin, err := lexicon.Builtin()
	if err != nil {
		return nil, err
	}
	own, err := Lexicons()
	if err != nil {
		return nil, err
	}
	return detect.Compile(append(builtin, own...), Options()...)
}
