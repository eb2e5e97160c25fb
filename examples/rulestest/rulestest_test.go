package rulestest_test

import (
	"path"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/redflag-go/redflag/detect"
	"github.com/redflag-go/redflag/detect/detecttest"
	"github.com/redflag-go/redflag/examples/rulestest"
	"github.com/redflag-go/redflag/lexicon"
)

// shipped is the detector we ship, compiled once for all tests.
var shipped = sync.OnceValues(rulestest.New)

func newDetector(t *testing.T) *detect.Detector {
	t.Helper()
	d, err := shipped()
	require.NoError(t, err, "our lexicons must load and compile on top of the built-ins")
	return d
}

// TestExamples runs every match and no_match example of our lexicons,
// one subtest per entry, against the detector we ship: built-ins, our
// rules and our options. Run one entry with
// go test -run 'TestExamples/crypto-giveaway.en.free-crypto'.
func TestExamples(t *testing.T) {
	d := newDetector(t)
	own, err := rulestest.Lexicons()
	require.NoError(t, err)
	detecttest.RunExamples(t, d, own...)
}

// TestPolicy is our moderation policy as a table: what each text must
// raise, and nothing else.
func TestPolicy(t *testing.T) {
	d := newDetector(t)
	tests := []struct {
		name string
		text string
		only []string // rules the text must raise, and no other
	}{
		{"send-get-back", "Send 0.5 BTC, get 1 BTC back!", []string{"crypto-giveaway.en.double-your-coins"}},
		{"founder impersonation", "Elon is giving away 5,000 BTC to celebrate the launch", []string{"crypto-giveaway.en.founder-giveaway"}},
		{"drainer link", "Connect your wallet to claim 500 tokens", []string{"crypto-giveaway.en.connect-wallet-to-claim"}},
		{"spanish giveaway", "¡Duplicamos tus criptomonedas en 24 horas!", []string{"crypto-giveaway.es.duplica-tus-monedas"}},
		{"spanish raffle", "Gran sorteo de criptomonedas esta noche", []string{"crypto-giveaway.es.sorteo-cripto"}},
		// The built-in hype rule fires too, at half weight (HypeFactor).
		{"vendor hype", "A best-of-breed suite with a single pane of glass", []string{"vendor-hype.en.best-of-breed", "vendor-hype.en.single-pane-of-glass", "hype.en.best-in-class"}},
		{"spanish vendor hype", "Somos líderes del mercado con soluciones integrales", []string{"vendor-hype.es.lider-del-mercado", "vendor-hype.es.solucion-integral"}},
		{"mixed languages", "Free BTC! Reclama tu airdrop hoy", []string{"crypto-giveaway.en.free-crypto", "crypto-giveaway.es.sorteo-cripto"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			detecttest.AssertOnlyRules(t, d, tt.text, tt.only...)
		})
	}
}

// TestSpans pins the exact bytes a moderator sees highlighted.
func TestSpans(t *testing.T) {
	d := newDetector(t)
	text := "Hey all! Send 0.5 BTC, get 1 BTC back. Then claim your airdrop."
	span := func(sub string) (int, int) {
		i := strings.Index(text, sub)
		require.GreaterOrEqual(t, i, 0, "%q is in the text", sub)
		return i, i + len(sub)
	}
	a, b := span("Send 0.5 BTC, get 1 BTC back")
	c, e := span("claim your airdrop")
	f, g := span("claim your")
	detecttest.AssertOnlyHits(t, d, text,
		detecttest.At("crypto-giveaway.en.double-your-coins", a, b),
		detecttest.At("crypto-giveaway.en.connect-wallet-to-claim", c, e),
		// The built-in call-to-action rule fires on "claim your" too; we
		// keep it, and pin it so a change to the built-ins shows up here.
		detecttest.At("hype.en.buy-now-cta", f, g),
	)
}

// TestClean lists texts our community posts every day that must not be
// flagged, including the banter that made us disable a built-in rule.
func TestClean(t *testing.T) {
	d := newDetector(t)
	for _, text := range []string{
		"gm! wen moon? 🚀",
		"Bitcoin fell 3% overnight; the node upgrade ships on Monday.",
		"I sent 1 BTC to my cold wallet and got nothing back, is the explorer down?",
		"Elon is not giving away anything, it's a scam, report it.",
		"El sorteo de la lotería fue ayer y no ganó nadie.",
		"The integration took two sprints and one migration script.",
	} {
		t.Run(text, func(t *testing.T) {
			detecttest.AssertClean(t, d, text)
		})
	}
}

// TestCategories checks the scores that decide whether a post is held.
func TestCategories(t *testing.T) {
	d := newDetector(t)
	tests := []struct {
		text     string
		category string
		min, max float64
	}{
		// A founder giveaway is held on its own (weight raised to 2.5).
		{"Elon is giving away 5,000 BTC", "crypto-giveaway", 0.8, 0.9},
		// Two weak vendor tells together reach the threshold.
		{"Seamless integration and real synergy", "vendor-hype", 0.5, 0.75},
		// One weak vendor tell does not.
		{"It integrates seamlessly with Jira", "vendor-hype", 0.1, 0.49},
		// Built-in hype counts half here: a single game changer is not held.
		{"This wallet is a game changer", "hype", 0.1, 0.49},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			detecttest.AssertCategory(t, d, tt.text, tt.category, tt.min, tt.max)
		})
	}
}

// TestComposition checks that the options do what Options says, so a
// renamed built-in cannot silently turn a glob into a no-op.
func TestComposition(t *testing.T) {
	d := newDetector(t)
	builtin, err := lexicon.Builtin()
	require.NoError(t, err)

	t.Run("disabled built-ins exist and are gone", func(t *testing.T) {
		for _, glob := range rulestest.DisabledBuiltins {
			matched := 0
			for _, lex := range builtin {
				for _, e := range lex.Entries {
					ok, err := path.Match(glob, e.ID)
					require.NoError(t, err)
					if ok {
						matched++
						_, compiled := d.Explain(e.ID)
						assert.False(t, compiled, "%s is disabled by %q", e.ID, glob)
					}
				}
			}
			assert.Positive(t, matched, "glob %q must match a built-in entry; was it renamed?", glob)
		}
	})

	t.Run("hype is re-weighted", func(t *testing.T) {
		plain := detect.Default()
		for _, r := range plain.Rules() {
			if r.Category != lexicon.Hype || strings.HasSuffix(r.ID, ".crypto-moon") {
				continue
			}
			got, ok := d.Explain(r.ID)
			require.True(t, ok, r.ID)
			assert.InDelta(t, r.Weight*rulestest.HypeFactor, got.Weight, 1e-9, r.ID)
		}
	})

	t.Run("one entry is re-weighted by glob", func(t *testing.T) {
		got, ok := d.Explain("crypto-giveaway.en.founder-giveaway")
		require.True(t, ok)
		assert.InDelta(t, 2.5, got.Weight, 1e-9)
	})

	t.Run("our categories are scored", func(t *testing.T) {
		cats := d.Categories()
		assert.Equal(t, lexicon.Categories(), cats[:3], "built-in categories first")
		assert.Contains(t, cats, "crypto-giveaway")
		assert.Contains(t, cats, "vendor-hype")
	})
}
