package detecttest_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/redflag-go/redflag/detect"
	"github.com/redflag-go/redflag/detect/detecttest"
	"github.com/redflag-go/redflag/lexicon"
)

// kitLexicon is a small team lexicon with custom categories. Its examples
// all hold, so RunExamples passes on it.
const kitLexicon = `
lang: en
category: crypto-giveaway
entries:
  - id: crypto-giveaway.en.double-your-coins
    weight: 1.5
    message: Promising to double the coins people send is the classic giveaway scam.
    source: team moderation notes
    phrases: [double your coins, double your crypto, double your bitcoin]
    examples:
      match: [Send now and we DOUBLE your coins, We are doubling your crypto today]
      no_match: [Double your savings rate by cooking at home]
  - id: crypto-giveaway.en.giveaway
    weight: 0.5
    message: A giveaway in a crypto channel is usually bait.
    source: team moderation notes
    phrases: [giveaway]
    examples:
      match: [Huge GIVEAWAYS tonight]
      no_match: [We gave away stickers]
  - id: crypto-giveaway.en.crypto-giveaway
    weight: 1.5
    message: A crypto giveaway is a scam.
    source: team moderation notes
    phrases: [crypto giveaway, bitcoin giveaway]
    examples:
      match: [Join the Bitcoin giveaways now]
      no_match: [Crypto prices fell]
  - id: vendor-hype.en.synergy
    category: vendor-hype
    weight: 1.0
    message: Synergy is vendor filler.
    source: team style guide
    phrases: [synergy, synergies]
    examples:
      match: [Unlock SYNERGIES across teams]
      no_match: [The parts work well together]
`

// brokenLexicon has one entry whose examples are wrong on purpose: a
// match example the phrase cannot reach, and a no_match example it flags.
const brokenLexicon = `
lang: en
category: vendor-hype
entries:
  - id: vendor-hype.en.best-of-breed
    weight: 1.0
    message: Best-of-breed is a superlative without a measure.
    source: team style guide
    phrases: [best of breed]
    examples:
      match: [a best-of-breed platform, the finest breed of tools]
      no_match: [best of breed dogs win shows]
  - id: vendor-hype.en.leverage
    weight: 1.0
    message: Leverage as a verb is vendor filler.
    source: team style guide
    phrases: [leverage our platform]
    examples:
      match: [LEVERAGING our platform]
      no_match: [the leverage ratio]
`

func compile(t *testing.T, src ...string) (*detect.Detector, []*lexicon.Lexicon) {
	t.Helper()
	var lexs []*lexicon.Lexicon
	for i, s := range src {
		lex, err := lexicon.Parse("team"+string(rune('a'+i))+".yaml", []byte(s))
		require.NoError(t, err)
		lexs = append(lexs, lex)
	}
	d, err := detect.Compile(lexs)
	require.NoError(t, err)
	return d, lexs
}

// TestAssertions runs every assertion on texts that pass and texts that
// fail, with a reporter in place of *testing.T, and checks both the
// verdict and what the failure message tells the rule author.
func TestAssertions(t *testing.T) {
	d, _ := compile(t, kitLexicon)
	const scam = "Send now and we double your coins!"
	start := strings.Index(scam, "double")
	end := start + len("double your coins")
	tests := []struct {
		name string
		run  func(tb testing.TB) bool
		fail bool
		msgs []string // each must appear in the failure message
	}{
		{"rules pass", func(tb testing.TB) bool {
			return detecttest.AssertRules(tb, d, scam, "crypto-giveaway.en.double-your-coins")
		}, false, nil},
		{"rules: rule does not match", func(tb testing.TB) bool {
			return detecttest.AssertRules(tb, d, scam, "vendor-hype.en.synergy")
		}, true, []string{
			"text does not raise the expected rules",
			`text: "Send now and we double your coins!"`,
			"want: vendor-hype.en.synergy (any span)",
			`got:  crypto-giveaway.en.double-your-coins 16-33 "double your coins" (crypto-giveaway, +1.5)`,
			`fix:  vendor-hype.en.synergy does not match this text at all: its phrases compile to "synergy" → [synergi]`,
		}},
		{"rules: unknown id suggests the nearest", func(tb testing.TB) bool {
			return detecttest.AssertRules(tb, d, scam, "crypto-giveaway.en.double-your-coin")
		}, true, []string{`no rule "crypto-giveaway.en.double-your-coin" in this detector`, `did you mean "crypto-giveaway.en.double-your-coins"?`}},
		{"rules: negated match scores nothing", func(tb testing.TB) bool {
			return detecttest.AssertRules(tb, d, "There is no synergy here", "vendor-hype.en.synergy")
		}, true, []string{`vendor-hype.en.synergy matched 12-19 "synergy" but scored 0 points (negated by "no"`, "[negated by"}},
		{"rules: shadowed by a longer phrase", func(tb testing.TB) bool {
			return detecttest.AssertRules(tb, d, "Join our crypto giveaway", "crypto-giveaway.en.giveaway")
		}, true, []string{`on its own crypto-giveaway.en.giveaway matches 16-24 "giveaway", but crypto-giveaway.en.crypto-giveaway 9-24 "crypto giveaway"`, "the longest phrase wins"}},
		{"rules: expected twice, fires once", func(tb testing.TB) bool {
			return detecttest.AssertRules(tb, d, scam, "crypto-giveaway.en.double-your-coins", "crypto-giveaway.en.double-your-coins")
		}, true, []string{"fires 1 time(s)", "fewer than the test expects"}},
		{"rules: none given", func(tb testing.TB) bool {
			return detecttest.AssertRules(tb, d, scam)
		}, true, []string{"no expected rules given", "AssertClean"}},
		{"only rules pass", func(tb testing.TB) bool {
			return detecttest.AssertOnlyRules(tb, d, scam, "crypto-giveaway.en.double-your-coins")
		}, false, nil},
		{"only rules: an extra rule fires", func(tb testing.TB) bool {
			return detecttest.AssertOnlyRules(tb, d, "Double your coins with synergy", "crypto-giveaway.en.double-your-coins")
		}, true, []string{"does not raise exactly the expected rules", `unexpected vendor-hype.en.synergy 23-30 "synergy" (vendor-hype, +1)`, "and nothing else with points"}},
		{"hits: exact span passes", func(tb testing.TB) bool {
			return detecttest.AssertHits(tb, d, scam, detecttest.At("crypto-giveaway.en.double-your-coins", start, end))
		}, false, nil},
		{"hits: wrong span", func(tb testing.TB) bool {
			return detecttest.AssertHits(tb, d, scam, detecttest.At("crypto-giveaway.en.double-your-coins", start, end-1))
		}, true, []string{"want: crypto-giveaway.en.double-your-coins 16-32", `matched at 16-33 "double your coins" instead of 16-32 "double your coin"`}},
		{"hits: span outside the text", func(tb testing.TB) bool {
			return detecttest.AssertHits(tb, d, scam, detecttest.At("crypto-giveaway.en.double-your-coins", 10, 500))
		}, true, []string{"expected span 10-500", "is not a span of the text (0-34)"}},
		{"hits: start without end", func(tb testing.TB) bool {
			return detecttest.AssertHits(tb, d, scam, detecttest.Hit{Rule: "crypto-giveaway.en.double-your-coins", Start: 3})
		}, true, []string{"has Start 3 but End 0"}},
		{"only hits pass", func(tb testing.TB) bool {
			return detecttest.AssertOnlyHits(tb, d, "double your coins, synergy",
				detecttest.At("crypto-giveaway.en.double-your-coins", 0, 17), detecttest.At("vendor-hype.en.synergy", 19, 26))
		}, false, nil},
		{"only hits: a second hit of a rule expected once at a span", func(tb testing.TB) bool {
			return detecttest.AssertOnlyHits(tb, d, "synergy. More synergy.", detecttest.At("vendor-hype.en.synergy", 0, 7))
		}, true, []string{`unexpected vendor-hype.en.synergy 14-21 "synergy" (vendor-hype, +0.5) [repeat 2 of this rule`}},
		{"clean passes", func(tb testing.TB) bool {
			return detecttest.AssertClean(tb, d, "The node upgrade ships on Monday.")
		}, false, nil},
		{"clean passes with a cancelled match", func(tb testing.TB) bool {
			return detecttest.AssertClean(tb, d, "There is no synergy here")
		}, false, nil},
		{"clean fails", func(tb testing.TB) bool {
			return detecttest.AssertClean(tb, d, "Unlock synergy today")
		}, true, []string{"text is not clean", "want: no match with points", `fix:  vendor-hype.en.synergy fires on 7-14 "synergy"`, `detect.WithDisabled("vendor-hype.en.synergy")`}},
		{"category within bounds", func(tb testing.TB) bool {
			return detecttest.AssertCategory(tb, d, scam, "crypto-giveaway", 0.6, 0.7)
		}, false, nil},
		{"category too high", func(tb testing.TB) bool {
			return detecttest.AssertCategory(tb, d, scam, "crypto-giveaway", 0, 0.5)
		}, true, []string{"category crypto-giveaway scores 0.646 (1.5 points) on the text; want 0..0.5", "scores too high", `got:  crypto-giveaway.en.double-your-coins`}},
		{"category too low", func(tb testing.TB) bool {
			return detecttest.AssertCategory(tb, d, "Unlock synergy", "crypto-giveaway", 0.5, 1)
		}, true, []string{"scores 0 (0 points)", "got:  no matches", "needs more evidence of crypto-giveaway"}},
		{"category unknown", func(tb testing.TB) bool {
			return detecttest.AssertCategory(tb, d, scam, "crypto", 0, 1)
		}, true, []string{`category "crypto" is not scored by this detector; it scores: hype, fabricated-citation, engagement-bait, crypto-giveaway, vendor-hype`}},
		{"category bounds reversed", func(tb testing.TB) bool {
			return detecttest.AssertCategory(tb, d, scam, "crypto-giveaway", 1, 0)
		}, true, []string{"bounds 1..0 are reversed"}},
		{"nil detector", func(tb testing.TB) bool {
			return detecttest.AssertClean(tb, nil, scam)
		}, true, []string{"the Detector is nil"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newReporter("TestX", false)
			ok := tt.run(r)
			assert.Equal(t, !tt.fail, ok, "return value")
			assert.Equal(t, tt.fail, r.Failed(), "reported failure: %v", r.failures)
			if !tt.fail {
				assert.Empty(t, r.failures)
				return
			}
			require.Len(t, r.failures, 1, "one failure per assertion")
			for _, want := range tt.msgs {
				assert.Contains(t, r.failures[0], want)
			}
		})
	}
}

// TestAssertionsOnRealT runs passing assertions on the real *testing.T:
// they must neither fail nor need anything the reporter does not offer.
func TestAssertionsOnRealT(t *testing.T) {
	d, _ := compile(t, kitLexicon)
	assert.True(t, detecttest.AssertRules(t, d, "Bitcoin giveaway!", "crypto-giveaway.en.crypto-giveaway"))
	assert.True(t, detecttest.AssertOnlyHits(t, d, "Bitcoin giveaway!", detecttest.At("crypto-giveaway.en.crypto-giveaway", 0, 16)))
	assert.True(t, detecttest.AssertClean(t, d, "Bitcoin fell 3% today."))
	assert.True(t, detecttest.AssertCategory(t, d, "Bitcoin giveaway!", "crypto-giveaway", d.Threshold(), 1))
}

func TestRunExamplesPasses(t *testing.T) {
	d, lexs := compile(t, kitLexicon)
	r := newReporter("TestKit", false)
	detecttest.RunExamples(r, d, lexs...)
	assert.False(t, r.Failed(), "%v", r.failures)
	var names []string
	for _, s := range r.subs {
		names = append(names, s.name)
	}
	assert.Equal(t, []string{
		"TestKit/crypto-giveaway.en.double-your-coins",
		"TestKit/crypto-giveaway.en.giveaway",
		"TestKit/crypto-giveaway.en.crypto-giveaway",
		"TestKit/vendor-hype.en.synergy",
	}, names, "one subtest per entry, named after its id")

	// The same lexicon on the real *testing.T, as a team would use it.
	detecttest.RunExamples(t, d, lexs...)
}

// TestRunExamplesBrokenExampleFails is the test that proves the kit can
// fail: deliberately wrong examples must fail their entry's subtest, and
// only that one, with messages that locate the entry and say what to fix.
func TestRunExamplesBrokenExampleFails(t *testing.T) {
	d, lexs := compile(t, kitLexicon, brokenLexicon)
	r := newReporter("TestKit", false)
	detecttest.RunExamples(r, d, lexs...)
	require.True(t, r.Failed(), "a broken example must fail the test")

	for _, s := range r.subs {
		if s.name == "TestKit/vendor-hype.en.best-of-breed" {
			continue
		}
		assert.False(t, s.Failed(), "%s must pass: %v", s.name, s.failures)
	}
	broken := r.sub("vendor-hype.en.best-of-breed")
	require.NotNil(t, broken)
	require.Len(t, broken.failures, 2, "one failure per failing example: %v", broken.failures)

	tests := []struct {
		name string
		msg  string
		want []string
	}{
		{"match example the phrase cannot reach", broken.failures[0], []string{
			"teamb.yaml:5: vendor-hype.en.best-of-breed: match example is not flagged by this entry",
			`text: "the finest breed of tools"`,
			"want: vendor-hype.en.best-of-breed with points (this is a match: example)",
			"got:  no matches",
			`fix:  vendor-hype.en.best-of-breed does not match this text at all: its phrases compile to "best of breed" → [best of breed]`,
			"move it to no_match:",
		}},
		{"no_match example the phrase flags", broken.failures[1], []string{
			"teamb.yaml:5: vendor-hype.en.best-of-breed: no_match example is flagged by this entry",
			`text: "best of breed dogs win shows"`,
			`got:  vendor-hype.en.best-of-breed 0-13 "best of breed" (vendor-hype, +1)`,
			`fix:  vendor-hype.en.best-of-breed flags this near-miss at 0-13 "best of breed": make the phrase more specific`,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, w := range tt.want {
				assert.Contains(t, tt.msg, w)
			}
		})
	}
}

func TestRunExamplesSkipsAndRefuses(t *testing.T) {
	_, lexs := compile(t, kitLexicon)
	tests := []struct {
		name     string
		opts     []detect.Option
		lexs     []*lexicon.Lexicon
		nilDet   bool
		fail     bool
		skipped  string // subtest expected to be skipped
		skipText string
		msg      string
	}{
		{name: "disabled entry is skipped", opts: []detect.Option{detect.WithDisabled("vendor-hype.*")}, lexs: lexs,
			skipped: "vendor-hype.en.synergy", skipText: "is not compiled into this detector"},
		{name: "weight 0 entry is skipped", opts: []detect.Option{detect.WithCategoryWeight("vendor-hype", 0)}, lexs: lexs,
			skipped: "vendor-hype.en.synergy", skipText: "has weight 0 in this detector"},
		{name: "no entries fails", lexs: nil, fail: true, msg: "the lexicons hold no entries"},
		{name: "nil lexicon only fails", lexs: []*lexicon.Lexicon{nil}, fail: true, msg: "the lexicons hold no entries"},
		{name: "nil detector fails", lexs: lexs, nilDet: true, fail: true, msg: "the Detector is nil"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var d *detect.Detector
			if !tt.nilDet {
				var err error
				d, err = detect.Compile(lexs, tt.opts...)
				require.NoError(t, err)
			}
			r := newReporter("TestKit", false)
			detecttest.RunExamples(r, d, tt.lexs...)
			assert.Equal(t, tt.fail, r.Failed(), "%v", r.failures)
			if tt.msg != "" {
				require.NotEmpty(t, r.failures)
				assert.Contains(t, r.failures[0], tt.msg)
			}
			if tt.skipped != "" {
				s := r.sub(tt.skipped)
				require.NotNil(t, s)
				assert.True(t, s.Skipped())
				require.Len(t, s.skips, 1)
				assert.Contains(t, s.skips[0], tt.skipText)
				assert.Contains(t, s.skips[0], "teama.yaml:")
			}
		})
	}
}

// TestRunExamplesAgainstBuiltins checks that the kit passes team rules
// compiled on top of the built-in lexicons when their examples hold
// there too; the built-ins themselves are checked by package detect.
func TestRunExamplesAgainstBuiltins(t *testing.T) {
	lex, err := lexicon.Parse("team.yaml", []byte(kitLexicon))
	require.NoError(t, err)
	builtin, err := lexicon.Builtin()
	require.NoError(t, err)
	d, err := detect.Compile(append(builtin, lex))
	require.NoError(t, err)
	detecttest.RunExamples(t, d, lex)
}
