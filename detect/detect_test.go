package detect_test

import (
	"math"
	"os"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/redflag-go/redflag/detect"
	"github.com/redflag-go/redflag/lexicon"
)

const testLexicon = `lang: en
entries:
  - id: hype.en.changes-everything
    category: hype
    weight: 1.2
    message: Sweeping claim.
    source: test
    phrases: [changes everything]
    examples: {match: [changes everything], no_match: [changes nothing]}
  - id: hype.en.game-changer
    category: hype
    weight: 1.0
    message: Marketing shorthand.
    source: test
    phrases: [game changer, gamechanger]
    examples: {match: [game changer], no_match: [game over]}
  - id: hype.en.game
    category: hype
    weight: 0.3
    message: A shorter phrase that the longer one must beat.
    source: test
    phrases: [game]
    examples: {match: [the game], no_match: [gamer]}
  - id: engagement-bait.en.share-if
    category: engagement-bait
    weight: 1.0
    message: Share baiting.
    source: test
    phrases: [share ...3 if you agree]
    examples: {match: [share if you agree], no_match: [share prices fell]}
  - id: engagement-bait.en.tag
    category: engagement-bait
    weight: 1.0
    message: Tag baiting.
    source: test
    phrases: [tag * friend who]
    examples: {match: [tag a friend who], no_match: [tag friend who]}
  - id: engagement-bait.en.amen
    category: engagement-bait
    weight: 1.0
    message: Comment baiting.
    source: test
    phrases: [type =amen]
    examples: {match: [type AMEN], no_match: [type amens]}
  - id: fabricated-citation.en.ai-model
    category: fabricated-citation
    weight: 3
    negatable: false
    message: Chatbot residue.
    source: test
    phrases: [as an ai language model]
    examples: {match: [As an AI language model], no_match: [an AI model]}
  - id: fabricated-citation.en.studies-show
    category: fabricated-citation
    weight: 0.6
    message: Vague attribution.
    source: test
    phrases: [studies show]
    unless: [doi, et al]
    examples: {match: [studies show], no_match: [studies show (Smith et al 2020)]}
  - id: hype.en.bangs
    category: hype
    weight: 0.5
    message: Shouting.
    source: test
    regex: ['[!¡]{3,}']
    examples: {match: [wow!!!], no_match: [wow!]}
  - id: hype.en.caps-run
    category: hype
    weight: 0.8
    message: Shouting.
    source: test
    feature: caps-run
    examples: {match: [THIS IS THE BEST DAY], no_match: [NASA and ESA]}
  - id: engagement-bait.en.thoughts
    category: engagement-bait
    weight: 1
    message: Reply bait.
    source: test
    phrases: [^ thoughts $, agree $]
    examples: {match: ['Thoughts?'], no_match: [my thoughts on this]}
  - id: hype.es.revolucionario
    category: hype
    lang: es
    weight: 1.0
    message: Revolution talk.
    source: test
    phrases: [revolucionario]
    examples: {match: [revolucionarios], no_match: [revolución]}
`

func testDetector(t testing.TB, opts ...detect.Option) *detect.Detector {
	t.Helper()
	lex, err := lexicon.Parse("test.yaml", []byte(testLexicon))
	require.NoError(t, err)
	d, err := detect.Compile([]*lexicon.Lexicon{lex}, opts...)
	require.NoError(t, err)
	return d
}

type hit struct {
	rule string
	text string
	live bool // contribution > 0
}

func hits(r detect.Report) []hit {
	var out []hit
	for _, m := range r.Matches {
		out = append(out, hit{m.Rule, m.Text, m.Contribution > 0})
	}
	return out
}

func TestScoreMatches(t *testing.T) {
	d := testDetector(t)
	tests := []struct {
		name string
		text string
		want []hit
	}{
		{"stemming", "They keep changing everything with these game-changers",
			[]hit{{"hype.en.changes-everything", "changing everything", true}, {"hype.en.game-changer", "game-changers", true}}},
		{"leftmost longest", "what a game changer", []hit{{"hype.en.game-changer", "game changer", true}}},
		{"short phrase alone", "a board game", []hit{{"hype.en.game", "game", true}}},
		{"gap", "Share this post now if you agree!", []hit{{"engagement-bait.en.share-if", "Share this post now if you agree", true}}},
		{"gap too long", "share this long post right now if you agree with me", nil},
		{"any word", "Tag a friend who needs this", []hit{{"engagement-bait.en.tag", "Tag a friend who", true}}},
		{"exact form", "Type AMEN", []hit{{"engagement-bait.en.amen", "Type AMEN", true}}},
		{"exact form refuses inflection", "type amens", nil},
		{"no match across sentences", "It changes. Everything is fine.", nil},
		{"negation cancels", "This is not a game changer.", []hit{{"hype.en.game-changer", "game changer", false}}},
		{"contraction negation", "It isn't a game changer", []hit{{"hype.en.game-changer", "game changer", false}}},
		{"intensifier is not negation", "not just a game changer", []hit{{"hype.en.game-changer", "game changer", true}}},
		{"but ends negation", "not cheap, but a gamechanger", []hit{{"hype.en.game-changer", "gamechanger", true}}},
		{"spanish negation", "no es un game changer", []hit{{"hype.en.game-changer", "game changer", false}}},
		{"non-negatable", "I am not saying this as an AI language model", []hit{{"fabricated-citation.en.ai-model", "as an AI language model", true}}},
		{"unless cancels", "Studies show it works (Smith et al., 2020).", []hit{{"fabricated-citation.en.studies-show", "Studies show", false}}},
		{"unless other sentence", "Studies show it works. See Smith et al.", []hit{{"fabricated-citation.en.studies-show", "Studies show", true}}},
		{"regex", "wow!!! ok", []hit{{"hype.en.bangs", "!!!", true}}},
		{"caps run", "¡¡¡ INTERNET Y LA NEUTRALIDAD DE LA RED HA MUERTO !!!", []hit{
			{"hype.en.bangs", "¡¡¡", true},
			{"hype.en.caps-run", "INTERNET Y LA NEUTRALIDAD DE LA RED HA MUERTO", true},
			{"hype.en.bangs", "!!!", true}}},
		{"acronyms are not a caps run", "NASA, ESA and JAXA", nil},
		{"anchored whole sentence", "New release is out. Thoughts?", []hit{{"engagement-bait.en.thoughts", "Thoughts", true}}},
		{"anchored start refuses middle", "Here are my thoughts.", nil},
		{"anchored end", "Do you agree", []hit{{"engagement-bait.en.thoughts", "agree", true}}},
		{"anchored end refuses middle", "I agree with you", nil},
		{"comma ends negation", "Not cheap, a real game changer", []hit{{"hype.en.game-changer", "game changer", true}}},
		{"spanish stem with and without accents", "Es REVOLUCIONARIO, revolucionarias", []hit{
			{"hype.es.revolucionario", "REVOLUCIONARIO", true}, {"hype.es.revolucionario", "revolucionarias", true}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := d.Score(tt.text)
			require.NoError(t, err)
			assert.Equal(t, tt.want, hits(r), "report:\n%s", r.String())
		})
	}
}

func TestRepeatsSaturate(t *testing.T) {
	d := testDetector(t)
	r, err := d.Score(strings.Repeat("game changer. ", 20)) // 40 words: no length scaling
	require.NoError(t, err)
	require.Len(t, r.Matches, 20)
	assert.InDelta(t, 1.0, r.Matches[0].Contribution, 1e-9)
	assert.InDelta(t, 0.5, r.Matches[1].Contribution, 1e-9)
	assert.InDelta(t, 0.25, r.Matches[2].Contribution, 1e-9)
	assert.Less(t, r.Points, 2.0)
	assert.Less(t, r.Score, 0.76)
}

func TestReportInvariants(t *testing.T) {
	d := testDetector(t)
	r, err := d.Score("This changes everything!!! A GAME CHANGER FOR ALL. Share it if you agree. As an AI language model, studies show.")
	require.NoError(t, err)
	require.Len(t, r.Categories, 3)
	assert.Equal(t, []string{"hype", "fabricated-citation", "engagement-bait"}, d.Categories())
	sum := 0.0
	for _, c := range r.Categories {
		catSum := 0.0
		for _, m := range r.Matches {
			if m.Category == c.Category {
				catSum += m.Contribution
			}
		}
		assert.InDelta(t, catSum, c.Points, 1e-9, c.Category)
		assert.InDelta(t, 1-math.Exp2(-c.Points), c.Score, 1e-9)
		sum += c.Points
	}
	assert.InDelta(t, sum, r.Points, 1e-9)
	assert.True(t, r.Flagged)
}

// TestSpansAreOriginalText checks, for every match on the seed posts and
// a set of odd texts, that text[start:end] is the reported match text.
func TestSpansAreOriginalText(t *testing.T) {
	d := testDetector(t)
	seed, err := os.ReadFile("../testdata/seed-posts.txt")
	require.NoError(t, err)
	texts := append(strings.Split(string(seed), "\n"),
		"ＧＡＭＥ ＣＨＡＮＧＥＲ!!!", "gáme chängér", "game\u200b changer", "\xffgame changer\xfe", "🧵 game changer 🧵")
	for _, text := range texts {
		r, err := d.Score(text)
		require.NoError(t, err)
		for _, m := range r.Matches {
			require.True(t, 0 <= m.Start && m.Start < m.End && m.End <= len(text))
			assert.Equal(t, text[m.Start:m.End], m.Text)
			assert.True(t, utf8.RuneStart(text[m.Start]))
		}
	}
}

func TestConcurrentScoring(t *testing.T) {
	d := testDetector(t)
	texts := []string{
		"They keep changing everything with these game-changers",
		"Share this if you agree!!! TAG A FRIEND WHO CARES",
		"As an AI language model, I cannot. Studies show.",
		"nothing to see here",
	}
	want := make([]detect.Report, len(texts))
	for i, tx := range texts {
		var err error
		want[i], err = d.Score(tx)
		require.NoError(t, err)
	}
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := 0; n < 200; n++ {
				i := n % len(texts)
				got, err := d.Score(texts[i])
				assert.NoError(t, err)
				assert.Equal(t, want[i], got)
			}
		}()
	}
	wg.Wait()
}

func TestCompileErrors(t *testing.T) {
	lex := &lexicon.Lexicon{Name: "x.yaml", Entries: []lexicon.Entry{{
		ID: "hype.en.x", Category: "hype", Lang: "en", Weight: 1, Message: "m", Source: "s",
		Phrases: []string{"!!!"}, Pos: lexicon.Position{File: "x.yaml", Line: 3},
	}}}
	_, err := detect.Compile([]*lexicon.Lexicon{lex})
	require.Error(t, err)
	assert.Contains(t, err.Error(), `x.yaml:3: hype.en.x: phrases[0]: "!!!" has no letters, digits or emoji to match`)

	_, err = detect.Compile(nil, detect.WithThreshold(2))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "threshold 2 is out of range")
}

func TestCustomCategory(t *testing.T) {
	lex, err := lexicon.Parse("c.yaml", []byte(`
lang: en
category: crypto-giveaway
entries:
  - id: crypto-giveaway.en.double
    weight: 2
    message: Promises to double crypto sent to an address are scams.
    source: test
    phrases: [send ... and we will send ... back]
    examples: {match: [send 1 BTC and we will send 2 back], no_match: [send it back]}
`))
	require.NoError(t, err)
	d, err := detect.Compile([]*lexicon.Lexicon{lex})
	require.NoError(t, err)
	assert.Equal(t, []string{"hype", "fabricated-citation", "engagement-bait", "crypto-giveaway"}, d.Categories())
	r, err := d.Score("Send 1 BTC and we will send 2 BTC back!")
	require.NoError(t, err)
	c, ok := r.Category("crypto-giveaway")
	require.True(t, ok)
	assert.True(t, c.Flagged)
}

func TestExamplesOfTestLexicon(t *testing.T) {
	lex, err := lexicon.Parse("test.yaml", []byte(testLexicon))
	require.NoError(t, err)
	d := testDetector(t)
	for _, f := range detect.CheckExamples(d, lex) {
		assert.Fail(t, "example", f.Error())
	}
}

func TestCompositionOptions(t *testing.T) {
	lex, err := lexicon.Parse("test.yaml", []byte(testLexicon))
	require.NoError(t, err)
	lexs := []*lexicon.Lexicon{lex}
	d, err := detect.Compile(lexs, detect.WithDisabled("hype.en.game*"))
	require.NoError(t, err)
	r, err := d.Score("a game changer")
	require.NoError(t, err)
	assert.Empty(t, r.Matches)

	d, err = detect.Compile(lexs, detect.WithWeight("hype.en.game-changer", 2.5), detect.WithCategoryWeight("hype", 0.5))
	require.NoError(t, err)
	r, err = d.Score("a game changer")
	require.NoError(t, err)
	require.Len(t, r.Matches, 1)
	assert.InDelta(t, 1.25, r.Matches[0].Contribution, 1e-9)

	_, err = detect.Compile(lexs, detect.WithDisabled("[bad"))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "path.Match")
}

// Errors are listed in entry order, and within an entry in the order of
// its fields, although the tries of different languages are built side
// by side.
func TestCompileErrorOrder(t *testing.T) {
	entry := func(id, lang string, line int) lexicon.Entry {
		return lexicon.Entry{ID: id, Category: "hype", Lang: lang, Weight: 1, Message: "m", Source: "s",
			Pos: lexicon.Position{File: "x.yaml", Line: line}}
	}
	es := entry("hype.es.a", "es", 3)
	es.Phrases = []string{"bien", "¡¡¡"}
	es.Unless = []string{"???"}
	en := entry("hype.en.b", "en", 9)
	en.Phrases = []string{"!!!"}
	en.Unless = []string{"fine", "..."}
	fr := entry("hype.fr.c", "fr", 15)
	fr.Phrases = []string{"«»"}
	lex := &lexicon.Lexicon{Name: "x.yaml", Entries: []lexicon.Entry{es, en, fr}}
	_, err := detect.Compile([]*lexicon.Lexicon{lex})
	require.Error(t, err)
	var got []string
	for _, e := range lexicon.AsList(err) {
		got = append(got, e.Pos.String()+" "+e.Entry+" "+strings.SplitN(e.Msg, ":", 2)[0])
	}
	assert.Equal(t, []string{
		"x.yaml:3 hype.es.a phrases[1]",
		"x.yaml:3 hype.es.a unless[0]",
		"x.yaml:9 hype.en.b phrases[0]",
		"x.yaml:9 hype.en.b unless[1]",
		"x.yaml:15 hype.fr.c phrases[0]",
	}, got)
}

// TestCompileFromCachedPhrases compiles the same lexicon from empty
// caches and again from the phrases and words the first Compile left in
// them: every kind of phrase part must compile the same either way, and
// a phrase that does not compile must be reported both times.
func TestCompileFromCachedPhrases(t *testing.T) {
	entry := func(id, lang string, phrases ...string) lexicon.Entry {
		return lexicon.Entry{ID: id, Category: "hype", Lang: lang, Weight: 1, Message: "m", Source: "s",
			Phrases: phrases, Pos: lexicon.Position{File: "x.yaml", Line: 1}}
	}
	good := &lexicon.Lexicon{Name: "x.yaml", Entries: []lexicon.Entry{
		entry("hype.en.a", "en", "game changer", "^ thoughts $", "the best * ever", "tag ...2 friend", "=Changes everything"),
		entry("hype.en.b", "en", "e-mail blast", "game changing", "blast"),
		entry("hype.es.c", "es", "cambia ... mundo", "=CAMBIA mundo"),
		entry("hype.xx.d", "xx", "zorp glim", "🚀 moon"),
	}}
	texts := []string{
		"This is a game changer. Thoughts", "the best phone ever", "Tag your best friend!",
		"It changes everything. It Changes everything.", "An e-mail blast.", "Game changing blast",
		"Esto cambia casi el mundo. CAMBIA mundo.", "zorp glim 🚀 moon", "nothing here",
	}
	bad := &lexicon.Lexicon{Name: "x.yaml", Entries: []lexicon.Entry{
		entry("hype.en.e", "en", "fine words", "!!!"),
		entry("hype.en.f", "en", "fine ...9 words"),
	}}
	compile := func() ([]detect.Report, []string) {
		d, err := detect.Compile([]*lexicon.Lexicon{good})
		require.NoError(t, err)
		var reps []detect.Report
		for _, text := range texts {
			rep, err := d.Score(text)
			require.NoError(t, err)
			reps = append(reps, rep)
		}
		_, err = detect.Compile([]*lexicon.Lexicon{bad})
		require.Error(t, err)
		var msgs []string
		for _, e := range lexicon.AsList(err) {
			msgs = append(msgs, e.Error())
		}
		return reps, msgs
	}
	detect.ForgetCompileCaches()
	coldReps, coldErrs := compile()
	warmReps, warmErrs := compile()
	assert.Equal(t, coldReps, warmReps)
	assert.Equal(t, coldErrs, warmErrs)
	assert.Len(t, coldErrs, 2)
	flagged := 0
	for _, rep := range coldReps {
		flagged += len(rep.Matches)
	}
	assert.GreaterOrEqual(t, flagged, 10, "the phrases must match their texts")
}
