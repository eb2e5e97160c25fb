package detect

import (
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/dlclark/regexp2/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/redflag-go/redflag/lexicon"
)

func TestRegexLiterals(t *testing.T) {
	tests := []struct {
		re        string
		want      literalSet
		windowed  bool
		matchCase bool
	}{
		{`[!¡]{3,}`, literalSet{"!", "¡"}, true, false},
		{`\b(?:comment|type)\s+\w`, literalSet{"\x01comment\x01", "\x01type\x01"}, true, false},
		{`(?<![\w])#?(?:l4l|f4f)\b`, literalSet{"f4f\x01", "l4l\x01", "#f4f\x01", "#l4l\x01"}, true, false},
		{`\bdoi:\s*10\.\d{1,3}/`, literalSet{"\x01doi:"}, true, false},
		{`\d+ (things|cosas)$`, literalSet{" cosas", " things"}, false, false},
		{`\bfor\b|\bsuch\b`, literalSet{"\x01for\x01", "\x01such\x01"}, true, false},
		{`(?m)^\s*thoughts\?\s*$`, literalSet{"thoughts?"}, true, false},
		{`\w+`, nil, true, false},
		{`a|\w+`, nil, true, false},
		{`(?-i)según los`, literalSet{"según los"}, true, false},
		{`x[ÚU]`, literalSet{"xu", "xÚ", "xú"}, true, false},
		{`x?y?`, nil, true, false},
		// Case-sensitive letters keep their case; hits are checked for it.
		{`\b(?:ENORME|GRATIS)\b`, literalSet{"\x01ENORME\x01", "\x01GRATIS\x01"}, true, true},
		{`(?-i)Según [Ll]os`, literalSet{"Según los"}, true, false},
		{`(?i)gratis`, literalSet{"gratis"}, true, true},
	}
	for _, tt := range tests {
		t.Run(tt.re, func(t *testing.T) {
			got, err := regexLiterals(tt.re, tt.matchCase)
			require.NoError(t, err)
			assert.Equal(t, tt.want, got.lits)
			assert.Equal(t, tt.windowed, got.windowed)
		})
	}
}

// TestRegexAlsoLiterals checks the further literal sets a regex's windows
// must hold: every requirement of a concatenation, most selective first,
// never one branch of an alternation, never a weak one.
func TestRegexAlsoLiterals(t *testing.T) {
	tests := []struct {
		re   string
		lits literalSet
		also []literalSet
	}{
		{`\bshare\b.{0,20}\bwith\s+\d+\s+friends\b`, literalSet{"\x01friends\x01"}, []literalSet{{"\x01share\x01"}, {digitLiteral}}},
		{`\b(?:offer|deal)\s+ends\s+in\s+\d+\s*hours\b`, literalSet{"\x01ends\x01"}, []literalSet{{"\x01deal\x01", "\x01offer\x01"}, {"hours\x01"}, {digitLiteral}}},
		{`(?:tag a friend|share this)`, literalSet{"share this", "tag a friend"}, nil},
		{`\bcomment\s+(?:yes|below)\b`, literalSet{"\x01comment\x01"}, []literalSet{{"\x01below\x01", "\x01yes\x01"}}},
		{`\bnot\s+done\b`, literalSet{"\x01done\x01"}, nil}, // "not" is too common to check
		{`(?:\d+ things|secret)`, literalSet{" things", "secret"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.re, func(t *testing.T) {
			got, err := regexLiterals(tt.re, false)
			require.NoError(t, err)
			assert.Equal(t, tt.lits, got.lits)
			assert.Equal(t, tt.also, got.also)
		})
	}
}

func TestKeepWindows(t *testing.T) {
	text := "share it with 5 friends. share it now. share ٣ friends"
	ws := []window{{0, 24}, {25, 38}, {39, len(text)}}
	also := []literalSet{{"friends"}, {digitLiteral}}
	hits := [][]int32{{23, int32(len(text))}, nil}
	s := &scratch{}
	got := s.keepWindows(text, append([]window(nil), ws...), also, hits)
	assert.Equal(t, []window{{0, 24}, {39, len(text)}}, got, "the middle window has neither friends nor a digit; Arabic-Indic digits count")
	got = s.keepWindows(text, append([]window(nil), ws...), also[:1], [][]int32{{23}})
	assert.Equal(t, []window{{0, 24}}, got)
}

// TestRegexPrefilterExact runs every built-in regex (and a few tricky
// ones) over the seed posts, the labeled texts and every lexicon example,
// with and without the prefilter, and requires the same matches.
func TestRegexPrefilterExact(t *testing.T) {
	lexs, err := lexicon.Builtin()
	require.NoError(t, err)
	extra := &lexicon.Lexicon{Name: "extra", Entries: []lexicon.Entry{{
		ID: "x.en.tricky", Category: "hype", Lang: "en", Weight: 1, Message: "m", Source: "s",
		Regex: []string{`[!¡]{3,}`, `(?m)^\s*(?:thoughts|agree)\?\s*$`, `\b\d+ (?:things|reasons)\b`, `(?s)tag.{0,40}friend`,
			`(?i)\bcampeón\b`, `¿{2}[a-z]`, `(?i)más allá`, `(?m)(?:^|[.!?]\s+)(?:y |pero )?no paró`, `(?:\A|, )no paró`},
	}, {
		ID: "x.es.case", Category: "hype", Lang: "es", Weight: 1, Message: "m", Source: "s", MatchCase: true,
		Regex: []string{`\b(?:ENORME|Gratis|ÉXITO)\b`, `(?i:oferta) [Xx]L`},
	}}}
	// A generous timeout: this test checks results, not speed, and may run
	// on a loaded machine.
	d, err := Compile(append(lexs, extra), WithRegexTimeout(10*time.Second))
	require.NoError(t, err)
	var texts []string
	seed, err := os.ReadFile("../testdata/seed-posts.txt")
	require.NoError(t, err)
	texts = append(texts, string(seed))
	texts = append(texts, strings.Split(string(seed), "\n")...)
	for _, lang := range []string{"en", "es", "fr"} {
		for i, line := range strings.Split(corpusText(t, lang), "\n") {
			if i%8 == 0 || strings.Contains(line, "\t") { // labeled lines, and a sample of the prose
				texts = append(texts, line)
			}
		}
	}
	for _, lex := range lexs {
		for _, e := range lex.Entries {
			texts = append(texts, e.Examples.Match...)
			texts = append(texts, e.Examples.NoMatch...)
		}
	}
	// Prefix literals far from and close to a required literal.
	texts = append(texts, strings.Repeat("and she said it twice, ", 12)+"and he was not done. He was not done.\nBut she was not finished!")
	texts = append(texts, "No paró. Y no paró!\nPero no paró ahí. no paró", "ENORME gratis Gratis GRATIS enorme ÉXITO éxito Éxito", "OFERTA XL, oferta xl, Oferta xL", "Él es el CAMPEÓN ¿¿de verdad?? MÁS ALLÁ", "campeón, Campeón; más allá", "Tag\nyour\nfriend", "10 things\n\n!!!\n¡¡¡", strings.Repeat("x ", 2000)+"AGREE?")
	s := newScratch(d).(*scratch)
	for ti, text := range texts {
		if raceOn && ti%10 != 0 {
			continue // sampled under -race; the plain pass runs every text
		}
		got, errs := d.runRegexes(s, text, nil)
		require.Empty(t, errs)
		gotSet := map[cand]bool{}
		for _, c := range got {
			gotSet[c] = true
		}
		for c := range plainRegexMatches(t, d, text) {
			if !gotSet[c] {
				t.Errorf("prefilter lost %s match %q in %q", d.rules[c.rule].ID, text[c.start:c.end], text)
			}
		}
	}
}

// TestLiteralVerify checks how hits of literals with non-ASCII bytes,
// which the automaton sees as one symbol, are compared with the text.
func TestLiteralVerify(t *testing.T) {
	tests := []struct {
		span, lit string
		verify    bool // the literal's hits need checking
		want      bool
	}{
		{"Más", "más", true, true},
		{"MáS", "más", true, true},
		{"més", "más", true, false},
		{"ÁS", "ás", true, false}, // literal sets list Á separately
		{"á", "¿", true, false},   // two bytes of another character
		{"He", "he", false, true},
		{"gratis", "GRATIS", true, false}, // a case-sensitive literal
		{"GRATIS", "GRATIS", true, true},
		{"GraTis", "GRATIS", true, false},
		{"GRATIS", "gratis", false, true}, // a case-insensitive one
		{"\xff\xfe\xfd", "\ufffd", false, false},
	}
	for _, tt := range tests {
		t.Run(tt.span+"/"+tt.lit, func(t *testing.T) {
			assert.Equal(t, tt.verify, needsVerify(tt.lit))
			if tt.verify || len(tt.span) == len(tt.lit) && tt.lit != "\ufffd" && tt.lit != "gratis" {
				assert.Equal(t, tt.want, literalAt(tt.span, tt.lit))
			}
		})
	}
	// End to end: a "¿" literal finds "¿" but not the bytes of "á".
	d, err := Compile([]*lexicon.Lexicon{{Name: "v", Entries: []lexicon.Entry{{
		ID: "x.es.q", Category: "hype", Lang: "es", Weight: 1, Message: "m", Source: "s", Regex: []string{`¿¿`},
	}}}})
	require.NoError(t, err)
	s := newScratch(d).(*scratch)
	_, errs := d.runRegexes(s, "vocales: ÁÉÍÓÚ, áéíóú", nil)
	require.Empty(t, errs)
	assert.Empty(t, s.touched, "no regex is touched by text without its literal")
	got, errs := d.runRegexes(s, "¿¿en serio??", nil)
	require.Empty(t, errs)
	assert.Len(t, got, 1)
}

// TestRegexPrefixes checks what a regex's matches are known to start
// with, which decides where it is tried anchored: prefix literals (with
// "any digit"), a run of a class before them, or line starts.
func TestRegexPrefixes(t *testing.T) {
	tests := []struct {
		re       string
		prefixes literalSet
		skip     string // the skipped class, if any
		bol      bool
	}{
		{`\bshare\s+this`, literalSet{"\x01share\x01"}, "", false},
		{`(?:(?:but|and)\s+)?(?:he|she)\s+is`, literalSet{"and\x01", "but\x01", "he\x01", "she\x01"}, "", false},
		{`\b\d{1,2}\s+dentists`, literalSet{digitLiteral}, "", false},                   // the boundary before a digit is dropped, never glued to it
		{`(?:\d+|ten|five) things`, literalSet{digitLiteral, "five", "ten"}, "", false}, // a branch of unknown length: no crossing
		{`(?m)(?:^|(?<=[.!?]))\s*two\s+more\s+weeks`, literalSet{"two\x01"}, `[\s]`, false},
		{`¿?\s*casualidad\?`, nil, "", false}, // "¿?" consumes: it is no assertion to skip
		{`(?m)^\s*\d+ cosas`, nil, "", true},
		// A sentence start: a line start, or a mark and spaces; marks as
		// common as "." are fine, since prefixes are only looked for near
		// the regex's required literals.
		{`(?m)(?:^|[.!?]\s+)(?:y |pero )?no paró`, literalSet{lineStartLiteral, "!\x01", ".\x01", "?\x01"}, "", false},
		{`\w+ing\b`, nil, "", false},
		// A \b before literals too long to join it to: the literals,
		// without the boundary.
		{`\b(?:what else should be on this list|what did i miss)\s*\?`, literalSet{"what did i miss", "what else should be on this list"}, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.re, func(t *testing.T) {
			f, err := regexLiterals(tt.re, false)
			require.NoError(t, err)
			got := append(literalSet(nil), f.prefixes...)
			slices.Sort(got)
			want := append(literalSet(nil), tt.prefixes...)
			slices.Sort(want)
			if len(want) == 0 {
				want = nil
			}
			if len(got) == 0 {
				got = nil
			}
			assert.Equal(t, want, got)
			assert.Equal(t, tt.bol, f.bol)
			if tt.skip == "" {
				assert.Nil(t, f.skip)
			} else if assert.NotNil(t, f.skip) {
				assert.Equal(t, tt.skip, f.skip.String())
			}
		})
	}
}

func TestRegexPrefixesDigits(t *testing.T) {
	tests := []struct {
		re   string
		want literalSet
	}{
		{`\b(?:0?[1-9]|1[0-2])/(?:3[2-9])\b`, literalSet{digitLiteral}}, // "0", "1" are digits: covered
		{`(?:abc|[2-5]) items`, literalSet{digitLiteral, "abc"}},
		{`xy\d+`, literalSet{"xy"}}, // a literal, then a class: the literal stays the start
	}
	for _, tt := range tests {
		t.Run(tt.re, func(t *testing.T) {
			f, err := regexLiterals(tt.re, false)
			require.NoError(t, err)
			got := append(literalSet(nil), f.prefixes...)
			slices.Sort(got)
			want := append(literalSet(nil), tt.want...)
			slices.Sort(want)
			assert.Equal(t, want, got)
		})
	}
}

// plainRegexMatches runs every regex of d over the whole of a valid UTF-8
// text, with no prefilter, windows or anchors: the matches the prefiltered
// run must find.
func plainRegexMatches(t *testing.T, d *Detector, text string) map[cand]bool {
	runes := []rune(text)
	byteOf := make([]int32, 0, len(runes)+1)
	for i := range text {
		byteOf = append(byteOf, int32(i))
	}
	byteOf = append(byteOf, int32(len(text)))
	want := map[cand]bool{}
	for i := range d.regexes {
		rr := &d.regexes[i]
		re, err := rr.regexp()
		require.NoError(t, err)
		err = re.FindRunesMatches(runes, 0, func(v regexp2.MatchView) bool {
			idx, n, ok := v.GroupRange(0)
			if ok && n > 0 {
				want[cand{start: byteOf[idx], end: byteOf[idx+n], tokA: -1, tokB: -1, rule: rr.rule, kind: kindRegex}] = true
			}
			return true
		})
		require.NoError(t, err, "rule %s", d.rules[rr.rule].ID)
	}
	return want
}

var (
	fuzzRegexOnce sync.Once
	fuzzRegexDet  *Detector
)

// fuzzDetector returns the detector the fuzz targets share, compiled
// from the built-ins on first use with a generous regex timeout.
func fuzzDetector() *Detector {
	fuzzRegexOnce.Do(func() {
		lexs, err := lexicon.Builtin()
		if err != nil {
			panic(err)
		}
		fuzzRegexDet, err = Compile(lexs, WithRegexTimeout(10*time.Second))
		if err != nil {
			panic(err)
		}
	})
	return fuzzRegexDet
}

// FuzzRegexPrefilter checks, on any short text, that the prefiltered and
// anchored regex runs find exactly the matches a plain scan of the whole
// text finds: none lost, none added.
func FuzzRegexPrefilter(f *testing.F) {
	for _, s := range []string{
		"This changes everything!!! Share this with 10 friends.",
		"¿¿Casualidad?? 🧵 1/ He was not done.",
		"¡¡¡ÚLTIMA HORA!!! 10 cosas que no sabías",
		"Vote 🔥 for yes, 💧 for no",
		"On 31/02/2024, 150% of experts agree. Just two more weeks bro.",
		"Sure, here is a revised version of the abstract:\n\n1. Intro",
		"Notice the pattern?\nThoughts?\n\n  two more weeks.",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		if len(text) > 400 || !utf8.ValidString(text) {
			t.Skip("short valid UTF-8 only: windows reach 160 bytes around a literal")
		}
		d := fuzzDetector()
		s := newScratch(d).(*scratch)
		got, errs := d.runRegexes(s, text, nil)
		if len(errs) > 0 {
			t.Skip("a regex ran out of time")
		}
		gotSet := map[cand]bool{}
		for _, c := range got {
			gotSet[c] = true
		}
		want := plainRegexMatches(t, d, text)
		for c := range want {
			if !gotSet[c] {
				t.Errorf("prefilter lost %s match %q in %q", d.rules[c.rule].ID, text[c.start:c.end], text)
			}
		}
		for c := range gotSet {
			if !want[c] {
				t.Errorf("prefilter added %s match %q in %q", d.rules[c.rule].ID, text[c.start:c.end], text)
			}
		}
	})
}

// TestMayHaveDigit checks the eight-byte skip of the digit scan against a
// byte-by-byte test, for every byte value at every position.
func TestMayHaveDigit(t *testing.T) {
	for pos := 0; pos < 8; pos++ {
		for b := 0; b < 256; b++ {
			w := []byte("abcdefgh")
			w[pos] = byte(b)
			want := false
			for _, c := range w {
				if ('0' <= c && c <= '9') || c >= utf8.RuneSelf {
					want = true
				}
			}
			require.Equal(t, want, mayHaveDigit(load64(string(w), 0)), "byte %#x at %d", b, pos)
		}
	}
	s := newScratch(&Detector{}).(*scratch)
	for _, tt := range []struct {
		text string
		want []int32
	}{
		{"no digits in this long line of text at all", nil},
		{"page 12 of 345, año 2024", []int32{5, 6, 11, 12, 13, 21, 22, 23, 24}},
		{"٣ and ७ count too: 9", []int32{0, 7, 22}},
	} {
		s.digitsDone = false
		s.listDigits(tt.text)
		assert.Equal(t, tt.want, []int32(s.digits), tt.text)
	}
}

// scanText, which scans a long text as interleaved parts, reports
// the same hits in the same order as one pass of scan, for texts of many
// lengths around the split and hits on both sides of the middle.
func TestScanTextSplit(t *testing.T) {
	lexs, err := lexicon.Builtin()
	require.NoError(t, err)
	d, err := Compile(lexs)
	require.NoError(t, err)
	require.NotNil(t, d.ac)
	type hit struct {
		a, b  int
		regex int32
		also  int8
	}
	base := strings.Repeat("Trust me, this never fails: sure thing! I cannot agree, it's the best ever. ", 40)
	var pending [acStreams - 1][]acPending
	for _, n := range []int{0, 1, 7, acSplitMin - 1, acSplitMin, acSplitMin + 1, 281, 300, 777, 1024, 1501, 2048, len(base) - 5} {
		for _, shift := range []int{0, 1, 3, 5} {
			text := base[shift : shift+n]
			var want, got []hit
			d.ac.scan(text, 0, len(text), func(a, b int, r int32, also int8) { want = append(want, hit{a, b, r, also}) })
			d.ac.scanText(text, &pending, func(a, b int, r int32, also int8) { got = append(got, hit{a, b, r, also}) })
			require.Equal(t, want, got, "length %d from %d", n, shift)
			if n >= acSplitMin {
				require.NotEmpty(t, want, "length %d: the test text should hit", n)
			}
		}
	}
}

// FuzzScanText checks the split literal scan against one pass over any
// text, valid UTF-8 or not: the same hits in the same order.
func FuzzScanText(f *testing.F) {
	for _, s := range []string{
		strings.Repeat("Trust me, this never fails: sure thing! ", 8),
		strings.Repeat("¿Y él? Nunca, según un estudio de 2024. ", 9),
		strings.Repeat("ab\xff\xfe c", 70),
		strings.Repeat("x", 300) + "never " + strings.Repeat("y", 300),
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		ac := fuzzDetector().ac
		type hit struct {
			a, b  int
			regex int32
			also  int8
		}
		var want, got []hit
		ac.scan(text, 0, len(text), func(a, b int, r int32, also int8) { want = append(want, hit{a, b, r, also}) })
		var pending [acStreams - 1][]acPending
		ac.scanText(text, &pending, func(a, b int, r int32, also int8) { got = append(got, hit{a, b, r, also}) })
		require.Equal(t, want, got)
	})
}
