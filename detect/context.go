package detect

import (
	"github.com/redflag-go/redflag/detect/internal/token"
)

// negationWindow is how many words before a match are searched for a
// negation cue.
const negationWindow = 3

// negationCues are folded words that negate what follows them, in every
// supported language; mixed-language text needs no hint. "t" is the tail
// of English contractions ("isn't" splits into "isn" and "t").
var negationCues = map[string]bool{
	// English
	"not": true, "no": true, "never": true, "hardly": true, "neither": true, "nor": true,
	"without": true, "cannot": true, "dont": true, "doesnt": true, "didnt": true, "isnt": true,
	"wasnt": true, "arent": true, "werent": true, "wont": true, "cant": true, "wouldnt": true,
	"shouldnt": true, "couldnt": true, "havent": true, "hasnt": true, "aint": true, "barely": true,
	// Spanish
	"nunca": true, "ni": true, "jamas": true, "tampoco": true, "sin": true,
	// French
	"pas": true, "jamais": true, "ne": true, "sans": true, "aucun": true, "aucune": true, "guere": true,
}

// scopeBreakers end the reach of a negation: "not X, but Y" negates X only.
var scopeBreakers = map[string]bool{
	"but": true, "however": true, "though": true, "although": true, "yet": true,
	"pero": true, "sino": true, "aunque": true,
	"mais": true, "pourtant": true, "cependant": true,
}

// intensifiers after a cue turn it into emphasis: "not just a game
// changer", "no solo", "pas seulement".
var intensifiers = map[string]bool{
	"only": true, "just": true, "merely": true, "simply": true,
	"solo": true, "solamente": true, "unicamente": true,
	"seulement": true, "que": true, "simplement": true, "uniquement": true,
}

// negatedBy reports the token index of a negation cue within
// negationWindow words before token a, in the same sentence.
func negatedBy(s *scratch, a int) (int, bool) {
	toks := s.tok.Tokens
	if a <= 0 || a >= len(toks) {
		return 0, false
	}
	sent := toks[a].Sentence
	for j := a - 1; j >= 0 && j >= a-negationWindow; j-- {
		if toks[j].Sentence != sent {
			break
		}
		w := string(s.tok.Fold(j))
		if scopeBreakers[w] {
			break
		}
		if w == "t" && j > 0 && toks[j-1].End < toks[j].Start {
			prev := s.tok.Fold(j - 1)
			if len(prev) > 1 && prev[len(prev)-1] == 'n' && toks[j-1].Sentence == sent {
				if j+1 < a && intensifiers[string(s.tok.Fold(j+1))] {
					return 0, false
				}
				return j, true
			}
			continue
		}
		if !negationCues[w] {
			continue
		}
		if j+1 < len(toks) && j+1 < a+1 && intensifiers[string(s.tok.Fold(j+1))] {
			return 0, false
		}
		return j, true
	}
	return 0, false
}

// unlessHit reports whether one of the rule's exception phrases occurs in
// the sentence of token a, and which.
func (d *Detector) unlessHit(s *scratch, ru *rule, a int) (string, bool) {
	toks := s.tok.Tokens
	sent := toks[a].Sentence
	lo, hi := a, a
	for lo > 0 && toks[lo-1].Sentence == sent {
		lo--
	}
	for hi+1 < len(toks) && toks[hi+1].Sentence == sent {
		hi++
	}
	sub := toks[lo : hi+1]
	exact := make([]int32, len(sub))
	for _, um := range ru.unless {
		syms := make([]int32, len(sub))
		for i := range sub {
			f := s.tok.Fold(lo + i)
			if id, ok := d.exact[string(f)]; ok {
				exact[i] = id
			} else {
				exact[i] = -1
			}
			st := um.stemOf(token.Piece{Text: string(f), Kind: sub[i].Kind})
			if id, ok := um.stems[st]; ok {
				syms[i] = id
			} else {
				syms[i] = -1
			}
		}
		if cs := um.scan(sub, syms, exact, nil); len(cs) > 0 {
			// Report the words that cancelled the match.
			c := cs[0]
			return s.tokText(lo+int(c.tokA), lo+int(c.tokB)-1), true
		}
	}
	return "", false
}

// tokText is the folded text of tokens a..b inclusive, space separated.
func (s *scratch) tokText(a, b int) string {
	out := make([]byte, 0, 32)
	for i := a; i <= b; i++ {
		if i > a {
			out = append(out, ' ')
		}
		out = append(out, s.tok.Fold(i)...)
	}
	return string(out)
}
