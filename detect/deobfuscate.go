package detect

import (
	"github.com/redflag-go/redflag/detect/internal/token"
)

// Spaced-out letters ("t a g  a  f r i e n d", "f.r.e.e") are re-joined
// into words before lookup. The new tokens span the original letters, so
// offsets still point at what the author wrote.

const (
	minSpacedRun = 3 // single letters in a row before a run counts
	maxSpacedSep = 3 // bytes of separator allowed between two letters
)

func isSpacedSep(c byte) bool {
	switch c {
	case ' ', '.', '-', '_', '*', '\t':
		return true
	}
	return false
}

// joinSpaced replaces runs of single-letter tokens by the words they spell,
// when the run spells at least one lexicon word of 3 or more letters.
func (d *Detector) joinSpaced(s *scratch, text string) {
	toks := s.tok.Tokens
	single := func(i int) bool {
		t := &toks[i]
		return t.Kind == token.Word && t.Letters == 1 && t.FoldEnd-t.FoldStart <= 2 && t.FoldEnd > t.FoldStart
	}
	sep := func(i int) (int, bool) { // separator between token i and i+1
		a, b := int(toks[i].End), int(toks[i+1].Start)
		if b-a < 1 || b-a > maxSpacedSep || toks[i].Sentence != toks[i+1].Sentence {
			return 0, false
		}
		for k := a; k < b; k++ {
			if !isSpacedSep(text[k]) {
				return 0, false
			}
		}
		return b - a, true
	}
	var out []token.Token
	changed := false
	for i := 0; i < len(toks); {
		if !single(i) {
			if changed {
				out = append(out, toks[i])
			}
			i++
			continue
		}
		j := i
		gaps := s.gaps[:0] // reused: runs of one-letter words are common in Spanish ("y a")
		for j+1 < len(toks) && single(j+1) {
			g, ok := sep(j)
			if !ok {
				break
			}
			gaps = append(gaps, g)
			j++
		}
		s.gaps = gaps
		if j-i+1 < minSpacedRun {
			if changed {
				out = append(out, toks[i:j+1]...)
			}
			i = j + 1
			continue
		}
		words := d.segmentSpaced(s, i, j, gaps)
		if words == nil {
			if changed {
				out = append(out, toks[i:j+1]...)
			}
			i = j + 1
			continue
		}
		if !changed {
			out = append(make([]token.Token, 0, len(toks)), toks[:i]...)
			changed = true
		}
		for _, w := range words {
			nt := toks[w[0]]
			nt.End = toks[w[1]].End
			nt.FoldStart = int32(len(s.tok.Buf))
			for k := w[0]; k <= w[1]; k++ {
				s.tok.Buf = append(s.tok.Buf, s.tok.Fold(k)...)
				nt.Letters += 0
			}
			nt.FoldEnd = int32(len(s.tok.Buf))
			nt.Letters = uint16(w[1] - w[0] + 1)
			nt.Upper, nt.Lower = 0, 0
			for k := w[0]; k <= w[1]; k++ {
				nt.Upper += toks[k].Upper
				nt.Lower += toks[k].Lower
			}
			nt.Flags |= token.Spaced
			out = append(out, nt)
		}
		i = j + 1
	}
	if changed {
		s.tok.Tokens = out
	}
}

// segmentSpaced splits the single letters of tokens a..b (gaps between
// them) into words, as pairs of token indices. Wider gaps mark word ends
// when the author used them; otherwise the letters are split into lexicon
// words. It returns nil unless some word is a lexicon word of 3+ letters.
func (d *Detector) segmentSpaced(s *scratch, a, b int, gaps []int) [][2]int {
	minGap, maxGap := gaps[0], gaps[0]
	for _, g := range gaps {
		minGap = min(minGap, g)
		maxGap = max(maxGap, g)
	}
	var words [][2]int
	good := false
	if maxGap > minGap {
		start := a
		for k, g := range gaps {
			if g > minGap {
				words = append(words, [2]int{start, a + k})
				start = a + k + 1
			}
		}
		words = append(words, [2]int{start, b})
		for _, w := range words {
			if w[1]-w[0]+1 >= 3 && d.words[s.lettersOf(w[0], w[1])] {
				good = true
			}
		}
		if good {
			return words
		}
		words = words[:0]
	}
	// Uniform spacing: split into known words, fewest words first.
	n := b - a + 1
	best := make([]int, n+1) // best[k]: fewest words covering letters [0,k); -1 if none
	prev := make([]int, n+1)
	for k := 1; k <= n; k++ {
		best[k] = -1
	}
	for k := 1; k <= n; k++ {
		for j := 0; j < k; j++ {
			if best[j] < 0 {
				continue
			}
			w := s.lettersOf(a+j, a+k-1)
			if !d.words[w] {
				continue
			}
			if best[k] < 0 || best[j]+1 < best[k] {
				best[k] = best[j] + 1
				prev[k] = j
			}
		}
	}
	if best[n] < 0 {
		return nil
	}
	for k := n; k > 0; k = prev[k] {
		words = append(words, [2]int{a + prev[k], a + k - 1})
		if k-prev[k] >= 3 {
			good = true
		}
	}
	if !good {
		return nil
	}
	for l, r := 0, len(words)-1; l < r; l, r = l+1, r-1 {
		words[l], words[r] = words[r], words[l]
	}
	return words
}

// lettersOf joins the folded forms of tokens a..b.
func (s *scratch) lettersOf(a, b int) string {
	s.alt = s.alt[:0]
	for k := a; k <= b; k++ {
		s.alt = append(s.alt, s.tok.Fold(k)...)
	}
	return string(s.alt)
}
