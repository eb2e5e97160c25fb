package detect_test

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/redflag-go/redflag/detect"
)

// TestOddText scores hostile and unusual text with the built-in
// detector: invalid UTF-8, NUL bytes, a 10 MB single "word", only emoji,
// only punctuation, right-to-left scripts, combining-mark storms, a 1 MB
// line of "!". Nothing may panic, every report keeps its invariants
// (spans inside the text on rune boundaries, points that add up), the
// result is sensible for the input, and time is bounded: the limit is a
// generous hang guard, not a speed test (the timings are logged; run with
// -v to see them). Under the race detector the big inputs are smaller.
func TestOddText(t *testing.T) {
	mb := 1 << 20
	if raceEnabled || testing.Short() {
		mb = 1 << 18
	}
	hype := func(t *testing.T, r detect.Report) {
		c, _ := r.Category("hype")
		assert.Greater(t, c.Points, 0.0, "expected hype points")
	}
	clean := func(t *testing.T, r detect.Report) {
		assert.Empty(t, r.Matches, "expected no matches")
		assert.False(t, r.Flagged)
	}
	rules := func(ids ...string) func(*testing.T, detect.Report) {
		return func(t *testing.T, r detect.Report) {
			got := map[string]bool{}
			for _, m := range r.Matches {
				got[m.Rule] = m.Contribution > 0
			}
			for _, id := range ids {
				assert.True(t, got[id], "expected a scoring match of %s; got %v", id, got)
			}
		}
	}
	validEnds := func(t *testing.T, r detect.Report) {
		// Invalid bytes separate words: a phrase match may span one
		// between its words, but never starts or ends with one.
		for _, m := range r.Matches {
			if m.Kind == "phrase" {
				first, _ := utf8.DecodeRuneInString(m.Text)
				last, _ := utf8.DecodeLastRuneInString(m.Text)
				assert.True(t, first != utf8.RuneError && last != utf8.RuneError, "phrase match %q starts or ends with an invalid byte", m.Text)
			}
		}
	}
	// lastErr is the error of the Score call being checked.
	var lastErr error
	noError := func(t *testing.T, _ detect.Report) {
		assert.NoError(t, lastErr)
	}
	all := func(fs ...func(*testing.T, detect.Report)) func(*testing.T, detect.Report) {
		return func(t *testing.T, r detect.Report) {
			for _, f := range fs {
				f(t, r)
			}
		}
	}
	tests := []struct {
		name  string
		text  string
		check func(*testing.T, detect.Report)
	}{
		{"invalid UTF-8 around a red flag", "\xffThis changes\xfe everything\xc3 \xed\xa0\x80 tag a friend\xe2\x80",
			all(rules("hype.en.changes-everything"), validEnds)},
		// Garbage bytes are no emoji for \p{So} regexes: no match, and no
		// regex stuck on a text of "symbols".
		{"invalid UTF-8 only", strings.Repeat("\xff\xfe\xc3\x28", 1000), all(clean, noError)},
		{"invalid bytes are not emoji", "\xff for yes, \xfe for no", all(clean, noError)},
		{"invalid UTF-8 inside words", strings.Repeat("ch\xffanges ev\xfeerything ", 1000), all(validEnds, noError)},
		{"NUL bytes between words", "This\x00changes\x00everything\x00", rules("hype.en.changes-everything")},
		{"NUL bytes only", strings.Repeat("\x00", 4096), clean},
		{"10 MB single word", strings.Repeat("a", 10*mb), func(t *testing.T, r detect.Report) {
			clean(t, r)
			assert.Equal(t, 1, r.Words)
		}},
		{"10 MB single word of mixed letters", strings.Repeat("changeseverything", 10*mb/17), clean},
		{"only emoji", strings.Repeat("🔥🚀💯", 12), func(t *testing.T, r detect.Report) {
			assert.Zero(t, r.Words, "emoji are not words")
			for _, m := range r.Matches {
				assert.NotEqual(t, "fabricated-citation", m.Category, "emoji alone are no citation")
			}
		}},
		{"1 MB of emoji", strings.Repeat("😀🔥🚀", mb/12), nil},
		{"only punctuation", "!!! ??? ¡¡¡ ¿¿¿ ... ,,, ;;; ::: --- ***", hype},
		{"only ASCII symbols", `#$%&()*+,-./:;<=>@[\]^_{|}~` + "`'\"", clean},
		{"1 MB line of bangs", strings.Repeat("!", mb), hype},
		{"1 MB line of bangs and spaces", "!!!" + strings.Repeat(" ", mb) + "!", nil},
		{"1 MB of dots", strings.Repeat(".", mb), clean},
		{"1 MB of backticks and spaces", strings.Repeat("` ", mb/2), clean},
		{"1 MB of quotes", strings.Repeat(`"'«»“”`, mb/12), clean},
		{"Arabic prose", "ذهبتُ إلى السوق صباح اليوم واشتريتُ خبزًا وزيتونًا وبعض الفاكهة. كان الجو لطيفًا والناس هادئين.", clean},
		{"Hebrew prose", "הלכתי לשוק הבוקר וקניתי לחם, זיתים וקצת פירות. מזג האוויר היה נעים והאנשים היו רגועים.", clean},
		{"right-to-left with bidi controls", "\u202bשלום\u202c \u2067مرحبا\u2069 \u200fעולם\u200e", clean},
		{"1 MB of Arabic", strings.Repeat("مرحبا بالعالم، هذا نص عادي. ", mb/50), clean},
		{"RTL override hiding a red flag", "\u202egnihtyreve segnahc siht\u202c", nil},
		{"Zalgo over a red flag", "T̷h̷i̷s̷ c̷h̷a̷n̷g̷e̷s̷ e̷v̷e̷r̷y̷t̷h̷i̷n̷g̷", rules("hype.en.changes-everything")},
		{"Zalgo storm", strings.Repeat("Z\u0301\u0302\u0303\u0304\u0305\u0306\u0307\u0308\u0309\u030a\u030b\u030c\u030d\u030e\u030f\u0310", mb/34), clean},
		{"one letter under 500k marks", "a" + strings.Repeat("\u0301", mb/4), clean},
		{"marks with no letter", strings.Repeat("\u0301\u0302 ", 1000), clean},
		{"many long sentences of red flags", strings.Repeat("this changes everything and ", mb/28), hype},
		{"many short sentences of red flags", strings.Repeat("Tag a friend who needs this. ", mb/29), nil},
		{"lone surrogate halves and noncharacters", "\xed\xa0\x80\xed\xbf\xbf\uffff\ufffe\U0010ffff", clean},
		{"CR-only line breaks", strings.Repeat("one line\r", 1000), clean},
	}
	d := detect.Default()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start := time.Now()
			rep, err := d.Score(tt.text)
			elapsed := time.Since(start)
			t.Logf("%d bytes: %v, %d words, %d matches, score %.2f, err %v", len(tt.text), elapsed.Round(time.Millisecond), rep.Words, len(rep.Matches), rep.Score, shortErr(err))
			assert.Less(t, elapsed, 60*time.Second, "hang guard")
			// A regex may run out of time on megabytes of hostile text; the
			// rest of the report stands.
			var ruleErr *detect.RuleError
			if err != nil {
				require.ErrorAs(t, err, &ruleErr)
			}
			checkReport(t, d, tt.text, rep)
			if tt.check != nil {
				lastErr = err
				tt.check(t, rep)
			}
		})
	}
}

// shortErr keeps a logged error to one line.
func shortErr(err error) string {
	if err == nil {
		return "none"
	}
	s := strings.ReplaceAll(err.Error(), "\n", "; ")
	if len(s) > 200 {
		s = s[:200] + "..."
	}
	return s
}
