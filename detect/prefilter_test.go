package detect

import (
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/redflag-go/redflag/detect/internal/token"
)

// corpusText returns the committed texts of one language: public-domain
// prose, labeled texts and the seed posts.
func corpusText(t *testing.T, lang string) string {
	t.Helper()
	var b strings.Builder
	if f, err := os.Open(filepath.Join("..", "testdata", "prose", lang+".txt.gz")); err == nil {
		zr, err := gzip.NewReader(f)
		require.NoError(t, err)
		_, err = io.Copy(&b, zr)
		require.NoError(t, err)
		f.Close()
	}
	files, _ := filepath.Glob(filepath.Join("..", "testdata", "labeled", lang, "*.tsv"))
	for _, f := range files {
		data, err := os.ReadFile(f)
		require.NoError(t, err)
		b.Write(data)
	}
	seed, err := os.ReadFile(filepath.Join("..", "testdata", "seed-posts.txt"))
	require.NoError(t, err)
	b.Write(seed)
	return b.String()
}

// TestPrefilterNoFalseNegatives checks the property the prefilter relies
// on, for every distinct word of the committed corpora: the stem of a word,
// minus its last slackFor(lang) bytes, is a prefix of the word. If it ever
// fails, the prefilter could hide a match, and the slack must grow.
func TestPrefilterNoFalseNegatives(t *testing.T) {
	for _, lang := range []string{"en", "es", "fr"} {
		t.Run(lang, func(t *testing.T) {
			stem := stemmerFor(lang)
			slack := slackFor(lang)
			var tk token.Tokenizer
			tk.Tokenize(corpusText(t, lang), 0)
			seen := map[string]bool{}
			pf := newPrefilter(slack)
			for i := range tk.Tokens {
				if tk.Tokens[i].Kind != token.Word {
					continue
				}
				w := string(tk.Fold(i))
				if seen[w] {
					continue
				}
				seen[w] = true
				s := stem(w)
				n := len(s) - slack
				if n < 1 {
					n = 1
				}
				if n > len(s) {
					n = len(s)
				}
				if !assert.True(t, strings.HasPrefix(w, s[:n]), "word %q stems to %q: core %q is not a prefix", w, s, s[:n]) {
					return
				}
				pf.add(s)
			}
			pf.build()
			for w := range seen {
				assert.True(t, pf.pass([]byte(w)), "prefilter refuses %q", w)
			}
			t.Logf("%s: %d distinct words checked", lang, len(seen))
		})
	}
}

func TestPrefilterRejects(t *testing.T) {
	pf := newPrefilter(slackFor("en"))
	for _, w := range []string{"changes", "everything", "game", "changer"} {
		pf.add(stemmerFor("en")(w))
	}
	pf.build()
	for _, w := range []string{"changing", "everyone", "games", "changers"} {
		assert.True(t, pf.pass([]byte(w)), w)
	}
	for _, w := range []string{"bridge", "quantum", "xylophone", "moon"} {
		assert.False(t, pf.pass([]byte(w)), w)
	}
}
