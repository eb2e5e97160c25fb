package token

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestTokenize(t *testing.T) {
	tests := []struct {
		name  string
		text  string
		folds []string
		sents []int32
	}{
		{"ascii words", "Changes Everything", []string{"changes", "everything"}, []int32{0, 0}},
		{"hyphen and apostrophe split", "game-changer don't", []string{"game", "changer", "don", "t"}, []int32{0, 0, 0, 0}},
		{"diacritics folded", "¡INCREÍBLE! Ça", []string{"increible", "ca"}, []int32{0, 1}},
		{"curly apostrophe", "you’re", []string{"you", "re"}, []int32{0, 0}},
		{"full-width letters", "ｆｒｅｅ", []string{"free"}, []int32{0}},
		{"emoji is a token", "A thread🧵👇🏽", []string{"a", "thread", "🧵", "👇"}, []int32{0, 0, 0, 0}},
		{"sentence end needs space", "v0.7.1 is out. Next", []string{"v0", "7", "1", "is", "out", "next"}, []int32{0, 0, 0, 0, 0, 1}},
		{"newline ends sentence", "one\ntwo", []string{"one", "two"}, []int32{0, 1}},
		{"abbreviation does not end", "Dr. Smith and J. Doe et al. wrote it. Next", []string{"dr", "smith", "and", "j", "doe", "et", "al", "wrote", "it", "next"}, []int32{0, 0, 0, 0, 0, 0, 0, 0, 0, 1}},
		{"question then quote", `"Really?" he asked`, []string{"really", "he", "asked"}, []int32{0, 1, 1}},
		{"zero width inside word", "re\u200bvolutionary", []string{"revolutionary"}, []int32{0}},
		{"invalid utf8 separates", "ab\xffcd", []string{"ab", "cd"}, []int32{0, 0}},
		{"digits", "17 things", []string{"17", "things"}, []int32{0, 0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var tk Tokenizer
			tk.Tokenize(tt.text, 0)
			require.Len(t, tk.Tokens, len(tt.folds))
			for i, want := range tt.folds {
				assert.Equal(t, want, string(tk.Fold(i)), "fold of token %d", i)
				assert.Equal(t, tt.sents[i], tk.Tokens[i].Sentence, "sentence of token %d", i)
				tok := tk.Tokens[i]
				assert.True(t, tok.Start < tok.End && int(tok.End) <= len(tt.text), "span %d-%d", tok.Start, tok.End)
			}
		})
	}
}

func TestTokenOffsetsPointIntoOriginal(t *testing.T) {
	text := "Ｔｈｉｓ ÇHANGES évérything 🧵 now"
	var tk Tokenizer
	tk.Tokenize(text, 0)
	want := []string{"Ｔｈｉｓ", "ÇHANGES", "évérything", "🧵", "now"}
	require.Len(t, tk.Tokens, len(want))
	for i, w := range want {
		assert.Equal(t, w, text[tk.Tokens[i].Start:tk.Tokens[i].End])
	}
}

func TestCaseCounts(t *testing.T) {
	var tk Tokenizer
	tk.Tokenize("NOT ok Mixed", 0)
	require.Len(t, tk.Tokens, 3)
	assert.Equal(t, uint16(3), tk.Tokens[0].Upper)
	assert.Equal(t, uint16(0), tk.Tokens[0].Lower)
	assert.Equal(t, uint16(2), tk.Tokens[1].Lower)
	assert.Equal(t, uint16(1), tk.Tokens[2].Upper)
	assert.Equal(t, uint16(5), tk.Tokens[2].Letters)
}

func TestWords(t *testing.T) {
	ps := Words("Game-Changer 🧵")
	require.Len(t, ps, 3)
	assert.Equal(t, Piece{"game", Word}, ps[0])
	assert.Equal(t, Piece{"changer", Word}, ps[1])
	assert.Equal(t, Piece{"🧵", Emoji}, ps[2])
}

func TestContext(t *testing.T) {
	tests := []struct {
		name   string
		text   string
		folds  []string
		quoted []bool
	}{
		{"url skipped", "see https://t.co/WvFVvEFrzY now", []string{"see", "now"}, nil},
		{"bare url skipped", "at t.co/abc and bellard.org today", []string{"at", "and", "today"}, nil},
		{"version is not a url", "v0.7.1 out", []string{"v0", "7", "1", "out"}, nil},
		{"email skipped", "mail me@example.com please", []string{"mail", "please"}, nil},
		{"handle skipped", "thanks @geoffreyhinton for it", []string{"thanks", "for", "it"}, nil},
		{"hashtag kept with #", "so #TagAFriend now", []string{"so", "#tagafriend", "now"}, nil},
		{"code span skipped", "run `changes everything` ok", []string{"run", "ok"}, nil},
		{"fence skipped", "a ```x y``` b", []string{"a", "b"}, nil},
		{"double quotes", `he said "two more weeks" again`, []string{"he", "said", "two", "more", "weeks", "again"}, []bool{false, false, true, true, true, false}},
		{"curly quotes", "“game changer” indeed", []string{"game", "changer", "indeed"}, []bool{true, true, false}},
		{"guillemets", "« ça change tout » dit-il", []string{"ca", "change", "tout", "dit", "il"}, []bool{true, true, true, false, false}},
		{"apostrophe is not a quote", "it's fine", []string{"it", "s", "fine"}, []bool{false, false, false}},
		{"single quotes", "the 'best ever' claim", []string{"the", "best", "ever", "claim"}, []bool{false, true, true, false}},
		{"unclosed quote dropped", `a "b c`, []string{"a", "b", "c"}, []bool{false, false, false}},
		{"quote ends at newline", "a \"b\nc\" d", []string{"a", "b", "c", "d"}, []bool{false, false, false, false}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var tk Tokenizer
			tk.Tokenize(tt.text, 0)
			var got []string
			var q []bool
			for i := range tk.Tokens {
				got = append(got, string(tk.Fold(i)))
				q = append(q, tk.Tokens[i].Flags&Quoted != 0)
				tok := tk.Tokens[i]
				if tok.Flags&Hashtag != 0 {
					assert.Equal(t, byte('#'), tt.text[tok.Start])
				}
			}
			assert.Equal(t, tt.folds, got)
			if tt.quoted != nil {
				assert.Equal(t, tt.quoted, q)
			}
		})
	}
}
