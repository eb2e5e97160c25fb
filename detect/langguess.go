package detect

import (
	"github.com/redflag-go/redflag/detect/internal/token"
)

// A one-word phrase of one language often collides with a word of another
// (Spanish "épico" and French "épices" share a stem). So a one-word match
// is dropped when its sentence is clearly in another of the languages we
// can tell apart. Longer phrases are specific enough to keep, which lets
// code-switching ("es un game changer") work.

// functionWords are frequent words that belong to one language only.
var functionWords = map[string]uint8{}

const (
	langUnknown uint8 = iota
	langEn
	langEs
	langFr
)

var langCodes = map[string]uint8{"en": langEn, "es": langEs, "fr": langFr}

func init() {
	for _, w := range []string{"the", "and", "of", "to", "is", "are", "was", "were", "with", "that", "this", "you",
		"for", "it", "have", "has", "not", "be", "on", "at", "by", "from", "they", "we", "will", "would", "an",
		"which", "what", "there", "been", "he", "she", "his", "her", "their", "our", "your", "my", "i", "just", "all", "about"} {
		functionWords[w] = langEn
	}
	for _, w := range []string{"el", "los", "las", "del", "y", "es", "por", "para", "con", "una", "pero", "como",
		"mas", "muy", "esta", "son", "fue", "lo", "al", "su", "sus", "tambien", "porque", "cuando", "hay", "este",
		"eso", "yo", "nosotros", "ellos", "todo", "nada", "ya", "sin", "sobre", "entre", "hasta", "desde", "tu"} {
		functionWords[w] = langEs
	}
	for _, w := range []string{"le", "les", "des", "du", "et", "est", "une", "pour", "dans", "avec", "pas", "ce",
		"qui", "sur", "au", "aux", "mais", "nous", "vous", "sont", "ete", "cette", "ses", "leur", "tres", "aussi",
		"je", "il", "elle", "ils", "ou", "mon", "ton", "c", "d", "l", "j", "qu", "n"} {
		functionWords[w] = langFr
	}
}

// sentenceLang guesses the language of the sentence of token i: one of
// en, es, fr when its function words clearly point there, else unknown.
func (s *scratch) sentenceLang(i int) uint8 {
	toks := s.tok.Tokens
	sent := toks[i].Sentence
	var n [4]int
	for k := i; k >= 0 && toks[k].Sentence == sent; k-- {
		if toks[k].Kind == token.Word {
			n[functionWords[string(s.tok.Fold(k))]]++
		}
	}
	for k := i + 1; k < len(toks) && toks[k].Sentence == sent; k++ {
		if toks[k].Kind == token.Word {
			n[functionWords[string(s.tok.Fold(k))]]++
		}
	}
	best, second := uint8(0), 0
	for l := langEn; l <= langFr; l++ {
		if best == 0 || n[l] > n[best] {
			if best != 0 {
				second = max(second, n[best])
			}
			best = l
		} else {
			second = max(second, n[l])
		}
	}
	if n[best] >= 2 && n[best] >= 2*second+1 {
		return best
	}
	return langUnknown
}

// dropForeignSingles removes one-word phrase candidates whose rule's
// language differs from the clear language of their sentence.
func (d *Detector) dropForeignSingles(s *scratch, cs []cand) []cand {
	out := cs[:0]
	for _, c := range cs {
		if c.kind == kindPhrase && c.tokB-c.tokA == 1 {
			if rl := langCodes[d.rules[c.rule].Lang]; rl != langUnknown {
				if sl := s.sentenceLang(int(c.tokA)); sl != langUnknown && sl != rl {
					continue
				}
			}
		}
		out = append(out, c)
	}
	return out
}
