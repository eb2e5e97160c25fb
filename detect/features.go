package detect

import (
	"unicode/utf8"

	"github.com/redflag-go/redflag/detect/internal/token"
)

// Structural features are computed from the tokens and the raw text, with
// fixed, documented thresholds (see lexicon.FeatureDoc). Each one a
// lexicon entry names becomes a weighted, explained match like any other.

// Feature thresholds.
const (
	capsRunWords       = 3   // words in an ALL-CAPS run
	capsRunLetters     = 10  // letters in an ALL-CAPS run
	capsRatioMinWords  = 6   // words (of 2+ letters) needed to judge the share
	capsRatioShare     = 0.6 // share of ALL-CAPS words
	punctRunLen        = 3   // ! ? ¡ ¿ in a row
	emojiDensityMin    = 3   // emoji needed
	emojiDensityShare  = 0.25
	listicleMin        = 3
	listicleMax        = 199
	headlineMaxWords   = 20
	headlineMaxSentenc = 2
)

const (
	featCapsRun = iota
	featCapsRatio
	featPunctRun
	featEmojiDensity
	featListicle
	featSecondPerson
	featThreadMarker
	numFeatures
)

var featureIndex = map[string]int{
	"caps-run":               featCapsRun,
	"caps-ratio":             featCapsRatio,
	"punct-run":              featPunctRun,
	"emoji-density":          featEmojiDensity,
	"listicle-number":        featListicle,
	"second-person-headline": featSecondPerson,
	"thread-marker":          featThreadMarker,
}

var secondPerson = map[string]bool{
	"you": true, "your": true, "yours": true, "yourself": true, "youre": true,
	"tu": true, "te": true, "ti": true, "tus": true, "usted": true, "ustedes": true, "vosotros": true, "os": true,
	"vous": true, "votre": true, "vos": true, "toi": true,
}

func isCaps(t *token.Token) bool {
	return t.Kind == token.Word && t.Letters > 0 && t.Lower == 0 && t.Upper > 0
}

// features appends the matches of every structural feature some rule uses.
func (d *Detector) features(s *scratch, text string, out []cand) []cand {
	toks := s.tok.Tokens
	emit := func(f int, a, b int) {
		for _, r := range d.featRules[f] {
			out = append(out, cand{start: toks[a].Start, end: toks[b].End, tokA: int32(a), tokB: int32(b + 1), rule: r, kind: kindFeature})
		}
	}
	if len(d.featRules[featCapsRun]) > 0 {
		runStart, runEnd, count, letters := -1, -1, 0, 0
		flush := func() {
			if count >= capsRunWords && letters >= capsRunLetters {
				emit(featCapsRun, runStart, runEnd)
			}
			runStart, runEnd, count, letters = -1, -1, 0, 0
		}
		for i := range toks {
			t := &toks[i]
			if runStart >= 0 && t.Sentence != toks[runStart].Sentence {
				flush()
			}
			switch {
			case isCaps(t):
				if runStart < 0 {
					runStart = i
				}
				runEnd = i
				count++
				letters += int(t.Letters)
			case t.Kind == token.Word && t.Letters == 0:
				// Numbers neither break nor extend a run.
			default:
				flush()
			}
		}
		flush()
	}
	if len(d.featRules[featCapsRatio]) > 0 {
		words, caps, first, last := 0, 0, -1, -1
		for i := range toks {
			t := &toks[i]
			if t.Kind != token.Word || t.Letters < 2 {
				continue
			}
			words++
			if isCaps(t) {
				caps++
				if first < 0 {
					first = i
				}
				last = i
			}
		}
		if words >= capsRatioMinWords && float64(caps) >= capsRatioShare*float64(words) {
			emit(featCapsRatio, first, last)
		}
	}
	if len(d.featRules[featPunctRun]) > 0 {
		out = d.punctRuns(text, out)
	}
	if len(d.featRules[featEmojiDensity]) > 0 {
		n, first, last := 0, -1, -1
		for i := range toks {
			if toks[i].Kind == token.Emoji {
				n++
				if first < 0 {
					first = i
				}
				last = i
			}
		}
		if n >= emojiDensityMin && float64(n) >= emojiDensityShare*float64(len(toks)) {
			emit(featEmojiDensity, first, last)
		}
	}
	if len(d.featRules[featListicle]) > 0 && len(toks) >= 2 {
		a, b := &toks[0], &toks[1]
		if a.Kind == token.Word && a.Letters == 0 && b.Kind == token.Word && b.Letters > 1 && a.Sentence == b.Sentence {
			n := 0
			for _, c := range s.tok.Fold(0) {
				n = n*10 + int(c-'0')
				if n > listicleMax {
					break
				}
			}
			w := s.tok.Fold(1)
			last := w[len(w)-1]
			if n >= listicleMin && n <= listicleMax && (last == 's' || last == 'x') {
				emit(featListicle, 0, 1)
			}
		}
	}
	if len(d.featRules[featSecondPerson]) > 0 && len(toks) > 0 {
		words := 0
		for i := range toks {
			if toks[i].Kind == token.Word {
				words++
			}
		}
		if words <= headlineMaxWords && int(toks[len(toks)-1].Sentence-toks[0].Sentence) < headlineMaxSentenc {
			for i := range toks {
				if secondPerson[string(s.tok.Fold(i))] {
					emit(featSecondPerson, i, i)
					break
				}
			}
		}
	}
	if len(d.featRules[featThreadMarker]) > 0 {
		for i := range toks {
			t := &toks[i]
			f := s.tok.Fold(i)
			switch {
			case t.Kind == token.Emoji && string(f) == "🧵":
				emit(featThreadMarker, i, i)
			case t.Kind == token.Word && string(f) == "1" && int(t.End) < len(text) && text[t.End] == '/' && atLineStart(text, int(t.Start)):
				// "1/", "1/5", "1/n" opening a line.
				j := int(t.End) + 1
				for j < len(text) && (text[j] >= '0' && text[j] <= '9' || text[j] == 'n') {
					j++
				}
				if j >= len(text) || !token.IsWordRune(rune(text[j])) {
					emit(featThreadMarker, i, i)
				}
			case t.Kind == token.Word && (string(f) == "thread" || string(f) == "hilo" || string(f) == "fil") &&
				t.Start > 0 && (text[t.Start-1] == '(' || text[t.Start-1] == '[') &&
				int(t.End) < len(text) && (text[t.End] == ')' || text[t.End] == ']'):
				emit(featThreadMarker, i, i)
			}
		}
	}
	return out
}

// punctRuns finds runs of at least punctRunLen of ! ? ¡ ¿ (and their
// full-width forms) in the raw text.
func (d *Detector) punctRuns(text string, out []cand) []cand {
	start, n := -1, 0
	flush := func(end int) {
		if n >= punctRunLen {
			for _, r := range d.featRules[featPunctRun] {
				out = append(out, cand{start: int32(start), end: int32(end), tokA: -1, tokB: -1, rule: r, kind: kindFeature})
			}
		}
		start, n = -1, 0
	}
	for i := 0; i < len(text); {
		c := text[i]
		size := 1
		isP := false
		switch {
		case c == '!' || c == '?':
			isP = true
		case c >= utf8.RuneSelf:
			var r rune
			r, size = utf8.DecodeRuneInString(text[i:])
			isP = r == '¡' || r == '¿' || r == '！' || r == '？' || r == '‼' || r == '⁉'
			if r == '‼' || r == '⁉' {
				n++ // each counts as two marks
			}
		}
		if isP {
			if start < 0 {
				start = i
			}
			n++
		} else if start >= 0 && c != ' ' {
			flush(i)
		} else if start >= 0 && c == ' ' {
			// "! ! !" still counts as a run; a space does not end it, but
			// the run's span ends at the last mark.
			j := i
			for j < len(text) && text[j] == ' ' {
				j++
			}
			if j >= len(text) || !(text[j] == '!' || text[j] == '?' || text[j] >= utf8.RuneSelf && isBang(text[j:])) {
				flush(i)
			}
		}
		i += size
	}
	if start >= 0 {
		flush(len(text))
	}
	return out
}

func isBang(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return r == '¡' || r == '¿' || r == '！' || r == '？' || r == '‼' || r == '⁉'
}

// atLineStart reports whether only spaces or an opening bracket come
// between the previous line break (or the start) and offset i.
func atLineStart(text string, i int) bool {
	for j := i - 1; j >= 0; j-- {
		switch text[j] {
		case '\n':
			return true
		case ' ', '\t', '(', '[':
			continue
		}
		return false
	}
	return true
}
