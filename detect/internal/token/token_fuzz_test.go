package token

import (
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/require"
)

// FuzzTokenize checks the offset map from tokens back to the original
// text on any input: every token is a non-empty span of the text on rune
// boundaries, tokens come in order without overlapping, every token has a
// non-empty folded form, sentence numbers never go down, and tokenizing is
// deterministic and shifts cleanly with a base offset (as the streaming
// scorer uses it). The seed corpus is in testdata/fuzz/FuzzTokenize; run
// with go test -run '^$' -fuzz '^FuzzTokenize$' ./detect/internal/token.
func FuzzTokenize(f *testing.F) {
	for _, s := range []string{
		"", "Changes Everything", "t.a.g a f.r.i.e.n.d", "ch4nges 3verything", "rе\u200bvolutionary",
		"ｆｒｅｅ 𝐟𝐫𝐞𝐞", "#TagAFriend @someone https://t.co/x `code`", "¡¡¡INCREÍBLEEEE!!!",
		"\u0301", "a\xffb\x00c", "🧵👇🏽 1/ (thread)", "שלום עולם. مرحبا",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		var tk Tokenizer
		tk.Tokenize(text, 0)
		checkTokens(t, &tk, text)

		// Deterministic, also when the tokenizer is reused.
		first := append([]Token{}, tk.Tokens...)
		firstBuf := string(tk.Buf)
		tk.Reset()
		tk.Tokenize(text, 0)
		require.Equal(t, first, append([]Token{}, tk.Tokens...), "tokenizing twice must give the same tokens")
		require.Equal(t, firstBuf, string(tk.Buf))

		// A base offset shifts every span and changes nothing else.
		const base = 1000
		var shifted Tokenizer
		shifted.Tokenize(text, base)
		require.Len(t, shifted.Tokens, len(first))
		for i, tok := range shifted.Tokens {
			want := first[i]
			want.Start += base
			want.End += base
			require.Equal(t, want, tok, "token %d with base %d", i, base)
		}

		// Words, which compiles lexicon phrases, agrees with Tokenize.
		words := Words(text)
		require.Len(t, words, len(first))
		for i, w := range words {
			require.Equal(t, string(tk.Fold(i)), w.Text, "Words()[%d]", i)
			require.Equal(t, first[i].Kind, w.Kind, "Words()[%d]", i)
		}
	})
}

// checkTokens asserts the invariants of the tokens of text.
func checkTokens(t *testing.T, tk *Tokenizer, text string) {
	t.Helper()
	bounds := runeBoundaries(text)
	prevEnd, prevSentence := int32(0), int32(0)
	for i, tok := range tk.Tokens {
		require.Truef(t, 0 <= tok.Start && tok.Start < tok.End && int(tok.End) <= len(text),
			"token %d span %d-%d outside the text (%d bytes)", i, tok.Start, tok.End, len(text))
		require.Truef(t, bounds[tok.Start] && bounds[tok.End], "token %d span %d-%d is not on rune boundaries", i, tok.Start, tok.End)
		require.Truef(t, tok.Start >= prevEnd, "token %d (%d-%d) overlaps or precedes the previous one (ending at %d)", i, tok.Start, tok.End, prevEnd)
		require.Truef(t, utf8.ValidString(text[tok.Start:tok.End]), "token %d %q contains invalid UTF-8", i, text[tok.Start:tok.End])
		require.Truef(t, 0 <= tok.FoldStart && tok.FoldStart < tok.FoldEnd && int(tok.FoldEnd) <= len(tk.Buf),
			"token %d %q has an empty or out-of-range fold %d-%d", i, text[tok.Start:tok.End], tok.FoldStart, tok.FoldEnd)
		fold := tk.Fold(i)
		require.Truef(t, utf8.Valid(fold), "token %d fold %q is not valid UTF-8", i, fold)
		require.Truef(t, tok.Sentence >= prevSentence, "token %d: sentence %d after sentence %d", i, tok.Sentence, prevSentence)
		require.Truef(t, int(tok.Upper)+int(tok.Lower) <= int(tok.Letters), "token %d: %d upper + %d lower > %d letters", i, tok.Upper, tok.Lower, tok.Letters)
		if tok.Flags&Hashtag != 0 {
			require.Equal(t, byte('#'), text[tok.Start], "hashtag token %d must start at its '#'", i)
			require.Equal(t, byte('#'), fold[0], "hashtag token %d must fold to '#...'", i)
		}
		prevEnd, prevSentence = tok.End, tok.Sentence
	}
}

// runeBoundaries marks the offsets where decoding text rune by rune
// stops: the start of every rune (an invalid byte counts as one), and the
// end of the text.
func runeBoundaries(text string) []bool {
	b := make([]bool, len(text)+1)
	for i := 0; i < len(text); {
		b[i] = true
		_, size := utf8.DecodeRuneInString(text[i:])
		i += size
	}
	b[len(text)] = true
	return b
}
