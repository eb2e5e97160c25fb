package detect

import (
	"sort"
	"strings"

	"github.com/redflag-go/redflag/detect/internal/token"
)

// negationWindow is how many words before a match are searched for a
// negation cue.
const negationWindow = 4

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

// Context factors.
const (
	// MentionFactor scales a match that is mentioned rather than used:
	// inside quotation marks, or introduced by "so-called", "phrases like".
	MentionFactor = 0.25
	// HedgeFactor scales a match softened by a hedge ("maybe", "quizás").
	HedgeFactor = 0.5
)

// hedges soften what follows them.
var hedges = map[string]bool{
	"maybe": true, "perhaps": true, "possibly": true, "arguably": true,
	"quizas": true, "quiza": true, "acaso": true, "posiblemente": true,
	"peutetre": true, "eventuellement": true,
}

// hedgeSeqs are hedges of several words ("tal vez", "a lo mejor",
// "peut-être"), folded and split like any text.
var hedgeSeqs = [][]string{{"tal", "vez"}, {"a", "lo", "mejor"}, {"peut", "etre"}}

// mentionIntroducers are word sequences (folded, split like any text) that
// introduce a phrase as a mention: "phrases like", "so-called".
var mentionIntroducers = [][]string{
	{"so", "called"}, {"phrases", "like"}, {"phrase", "like"}, {"words", "like"}, {"terms", "like"},
	{"the", "words"}, {"the", "word"}, {"the", "phrase"}, {"the", "term"}, {"the", "expression"},
	{"phrases", "such", "as"}, {"claims", "like"}, {"lines", "like"},
	{"frases", "como"}, {"expresiones", "como"}, {"palabras", "como"}, {"la", "palabra"}, {"la", "frase"},
	{"la", "expresion"}, {"lo", "que", "llaman"}, {"el", "llamado"}, {"la", "llamada"}, {"los", "llamados"},
	{"las", "llamadas"}, {"el", "termino"}, {"supuesto"}, {"supuesta"},
	{"ce", "qu", "on", "appelle"}, {"des", "expressions", "comme"}, {"des", "phrases", "comme"}, {"des", "mots", "comme"},
	{"le", "mot"}, {"l", "expression"}, {"soi", "disant"}, {"pretendu"}, {"pretendue"},
}

// context returns the factor that the text around a match applies to its
// weight, and a note saying why: an exception cancels any match; a
// mention (quotation marks, "so-called") reduces it (MentionFactor),
// except for signatures (negatable: false and weight ≥ SignatureWeight);
// for negatable rules a negation cancels a phrase (x0) and a hedge
// softens it (HedgeFactor).
func (d *Detector) context(s *scratch, text string, ru *rule, c cand) (float64, string) {
	if c.tokA < 0 || d.cfg.noContext {
		return 1, ""
	}
	toks := s.tok.Tokens
	a, b := int(c.tokA), int(c.tokB)
	if len(ru.unless) > 0 {
		if u, ok := d.unlessHit(s, c.rule, ru, a); ok {
			return 0, "cancelled by exception " + quote(u)
		}
	}
	if c.kind == kindPhrase && ru.Negatable {
		if cue, ok := negatedBy(s, a); ok {
			tk := toks[cue]
			return 0, "negated by " + quote(text[tk.Start:tk.End]) + " at " + itoa(int(tk.Start)) + "-" + itoa(int(tk.End))
		}
	}
	factor, note := 1.0, ""
	if !ru.Negatable && ru.Weight >= SignatureWeight {
		// Signatures (chatbot residue, fictional funders: not negatable,
		// weight 2 or more) stay flagged whatever surrounds them: a post
		// that quotes them is reporting the red flag.
		return factor, note
	}
	quoted := b > a
	for k := a; k < b && k < len(toks); k++ {
		if toks[k].Flags&token.Quoted == 0 {
			quoted = false
			break
		}
	}
	if quoted {
		factor, note = MentionFactor, "quoted: a mention, not a use (x"+ftoa(MentionFactor)+")"
	} else if intro, ok := introducedAsMention(s, a); ok {
		factor, note = MentionFactor, "introduced by "+quote(intro)+": a mention, not a use (x"+ftoa(MentionFactor)+")"
	}
	if c.kind == kindPhrase && ru.Negatable {
		if h, ok := hedgedBy(s, a); ok {
			factor *= HedgeFactor
			note = addNote(note, "hedged by "+quote(h)+" (x"+ftoa(HedgeFactor)+")")
		}
	}
	return factor, note
}

// introducedAsMention reports a mention introducer right before token a.
func introducedAsMention(s *scratch, a int) (string, bool) {
	toks := s.tok.Tokens
	for _, seq := range mentionIntroducers {
		n := len(seq)
		if a-n < 0 {
			continue
		}
		ok := true
		for k := 0; k < n; k++ {
			if string(s.tok.Fold(a-n+k)) != seq[k] || toks[a-n+k].Sentence != toks[a].Sentence {
				ok = false
				break
			}
		}
		if ok && n == 1 && a-2 >= 0 && string(s.tok.Fold(a-2)) == "por" && toks[a-2].Sentence == toks[a].Sentence {
			ok = false // "por supuesto": of course, not "so-called"
		}
		if ok && !s.commaBetween(a-1) {
			return s.tokText(a-n, a-1), true
		}
	}
	return "", false
}

// hedgedBy reports a hedge within negationWindow words before token a.
func hedgedBy(s *scratch, a int) (string, bool) {
	toks := s.tok.Tokens
	for j := a - 1; j >= 0 && j >= a-negationWindow; j-- {
		if toks[j].Sentence != toks[a].Sentence || s.clauseBreak(j) {
			break
		}
		w := s.tok.Fold(j)
		if scopeBreakers[string(w)] {
			break
		}
		if hedges[string(w)] {
			return string(w), true
		}
		for _, seq := range hedgeSeqs {
			if s.foldedSeqEndsAt(j, seq) {
				return s.tokText(j-len(seq)+1, j), true
			}
		}
	}
	return "", false
}

// sentenceSpan returns the byte span of the sentence of token i.
func (s *scratch) sentenceSpan(i int) Span {
	toks := s.tok.Tokens
	lo, hi := s.sentenceRange(i)
	return Span{Start: int(toks[lo].Start), End: int(toks[hi].End)}
}

// sentenceRange returns the first and last token of the sentence of token
// i. Sentence numbers never decrease along the tokens, so both ends are
// found by binary search: many matches in one huge sentence stay cheap.
func (s *scratch) sentenceRange(i int) (lo, hi int) {
	toks := s.tok.Tokens
	sent := toks[i].Sentence
	lo = sort.Search(i, func(k int) bool { return toks[k].Sentence >= sent })
	hi = i + sort.Search(len(toks)-i, func(k int) bool { return toks[i+k].Sentence > sent }) - 1
	return lo, hi
}

// sentenceAt returns the sentence around a byte offset that may fall
// between tokens (a regex or punctuation match).
func (s *scratch) sentenceAt(off int, text string) Span {
	toks := s.tok.Tokens
	if len(toks) == 0 {
		return Span{Start: 0, End: len(text)}
	}
	i := sort.Search(len(toks), func(k int) bool { return int(toks[k].End) > off })
	if i >= len(toks) {
		i = len(toks) - 1
	}
	// Punctuation after the last word of a sentence belongs to it.
	if i > 0 && int(toks[i].Start) > off && toks[i-1].Sentence != toks[i].Sentence {
		i--
	}
	sp := s.sentenceSpan(i)
	if off < sp.Start {
		sp.Start = off
	}
	return sp
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
		if toks[j].Sentence != sent || s.clauseBreak(j) {
			break
		}
		w := string(s.tok.Fold(j))
		if scopeBreakers[w] || (w == "sin" && j+1 < len(toks) && string(s.tok.Fold(j+1)) == "embargo") {
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
		if w == "n" && s.elidedNe(j) {
			w = "ne"
		}
		if !negationCues[w] || affirmsDoubt(s, j, a) || (w == "pas" && s.pasIsNoun(j)) ||
			(w == "dont" && s.sentenceLang(a) == langFr) { // French "dont" (of which)
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
func (d *Detector) unlessHit(s *scratch, ri int32, ru *rule, a int) (string, bool) {
	toks := s.tok.Tokens
	sent := toks[a].Sentence
	// The answer is the same for every match of the rule in one sentence:
	// remember the last one per rule, so that many matches in one huge
	// sentence do not rescan it each time.
	if len(s.unlessMemo) != len(d.rules) {
		s.unlessMemo = make([]unlessMemo, len(d.rules))
	}
	memo := &s.unlessMemo[ri]
	if memo.gen == s.gen && memo.sent == sent {
		return memo.hit, memo.ok
	}
	hit, ok := d.unlessScan(s, ru, a)
	*memo = unlessMemo{gen: s.gen, sent: sent, hit: hit, ok: ok}
	return hit, ok
}

// unlessMemo is the exception found (or not) in one sentence for one rule,
// valid for the analysis numbered gen.
type unlessMemo struct {
	gen  uint64
	sent int32
	hit  string
	ok   bool
}

// unlessScan looks for the rule's exception phrases in the sentence of
// token a.
func (d *Detector) unlessScan(s *scratch, ru *rule, a int) (string, bool) {
	toks := s.tok.Tokens
	lo, hi := s.sentenceRange(a)
	sub := toks[lo : hi+1]
	exact := growInt32(&s.unlessExact, len(sub))
	for i := range sub {
		if id, ok := d.exact[string(s.tok.Fold(lo+i))]; ok {
			exact[i] = id
		} else {
			exact[i] = -1
		}
	}
	syms := growInt32(&s.unlessSyms, len(sub))
	for _, um := range ru.unless {
		for i := range sub {
			syms[i] = s.unlessSym(um, s.tok.Fold(lo+i), sub[i].Kind)
		}
		s.unlessOut = um.scan(&s.walk, sub, syms, exact, s.unlessOut[:0])
		if len(s.unlessOut) > 0 {
			// Report the words that cancelled the match.
			c := s.unlessOut[0]
			return s.tokText(lo+int(c.tokA), lo+int(c.tokB)-1), true
		}
	}
	return "", false
}

// growInt32 returns (*b)[:n], growing the buffer when it is too short.
func growInt32(b *[]int32, n int) []int32 {
	*b = grow(*b, n)
	return *b
}

// unlessSym returns the stem symbol of a folded word in an exception
// matcher, or -1. Stems are remembered per goroutine, so that checking
// exceptions allocates only for words not seen before.
func (s *scratch) unlessSym(m *matcher, f []byte, kind token.Kind) int32 {
	if m.stem == nil || kind == token.Emoji {
		if id, ok := m.stems[string(f)]; ok {
			return id
		}
		return -1
	}
	if s.unlessStems == nil {
		s.unlessStems = map[string]map[string]string{}
	}
	memo := s.unlessStems[m.lang]
	if memo == nil {
		memo = map[string]string{}
		s.unlessStems[m.lang] = memo
	}
	st, ok := memo[string(f)]
	if !ok {
		if len(memo) >= maxCacheWords {
			clear(memo)
		}
		w := string(f)
		st = m.stemOf(token.Piece{Text: w, Kind: kind})
		memo[w] = st
	}
	if id, ok := m.stems[st]; ok {
		return id
	}
	return -1
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

// clauseBreak reports a comma, semicolon, colon, dash or bracket between
// token j and the next one: a negation or hedge does not reach past it.
func (s *scratch) clauseBreak(j int) bool {
	toks := s.tok.Tokens
	if j+1 >= len(toks) {
		return false
	}
	a, b := int(toks[j].End), int(toks[j+1].Start)
	if a < 0 || b > len(s.text) || a >= b {
		return false
	}
	for _, c := range s.text[a:b] {
		switch c {
		case ',', ';', ':', '(', ')', '—', '–':
			return true
		}
	}
	return false
}

// foldedSeqEndsAt reports whether the folded words seq end at token j,
// all in one sentence.
func (s *scratch) foldedSeqEndsAt(j int, seq []string) bool {
	toks := s.tok.Tokens
	first := j - len(seq) + 1
	if first < 0 {
		return false
	}
	for k, w := range seq {
		if string(s.tok.Fold(first+k)) != w || toks[first+k].Sentence != toks[j].Sentence {
			return false
		}
	}
	return true
}

// commaBetween reports a comma or semicolon between token j and the next:
// an introducer ("so-called", "supuesto") does not reach past it.
func (s *scratch) commaBetween(j int) bool {
	toks := s.tok.Tokens
	if j < 0 || j+1 >= len(toks) {
		return false
	}
	a, b := int(toks[j].End), int(toks[j+1].Start)
	if a < 0 || b > len(s.text) || a >= b {
		return false
	}
	return strings.ContainsAny(s.text[a:b], ",;")
}

// elidedNe reports a French "n'" at token j: "n" followed by an apostrophe
// and a word starting with a vowel or h ("n'est", "n'a", "n'y"), except
// "n'importe" (any), which negates nothing.
func (s *scratch) elidedNe(j int) bool {
	toks := s.tok.Tokens
	if j+1 >= len(toks) || toks[j+1].Sentence != toks[j].Sentence {
		return false
	}
	sep := s.text[toks[j].End:toks[j+1].Start]
	if sep != "'" && sep != "’" {
		return false
	}
	next := s.tok.Fold(j + 1)
	return len(next) > 0 && strings.IndexByte("aeiouyh", next[0]) >= 0 && string(next) != "importe"
}

// doubtWords after a negation cue make an affirmation: "no doubt",
// "without a doubt", "sin duda", "sans aucun doute".
var doubtWords = map[string]bool{"doubt": true, "question": true, "duda": true, "doute": true}

// doubtFillers may come between the cue and the doubt word.
var doubtFillers = map[string]bool{"a": true, "any": true, "aucun": true, "ninguna": true}

// affirmsDoubt reports whether the cue at token j starts an idiom that
// removes doubt, before the match at token a.
func affirmsDoubt(s *scratch, j, a int) bool {
	for k := j + 1; k < a && k <= j+2; k++ {
		f := s.tok.Fold(k)
		if doubtWords[string(f)] {
			return true
		}
		if !doubtFillers[string(f)] {
			return false
		}
	}
	return false
}

// pasDeterminers before "pas" make it the noun "step": "un pas
// révolutionnaire", "le premier pas vers".
var pasDeterminers = map[string]bool{
	"un": true, "le": true, "ce": true, "cet": true, "chaque": true, "premier": true, "dernier": true,
	"grand": true, "petit": true, "nouveau": true, "faux": true, "mon": true, "ton": true, "son": true,
	"notre": true, "votre": true, "leur": true, "des": true, "les": true, "ces": true, "mes": true,
	"tes": true, "ses": true, "nos": true, "vos": true, "leurs": true, "premiers": true, "grands": true,
	"petits": true, "quelques": true,
}

// pasIsNoun reports whether "pas" at token j is the noun (a step), not
// the negation.
func (s *scratch) pasIsNoun(j int) bool {
	toks := s.tok.Tokens
	return j > 0 && toks[j-1].Sentence == toks[j].Sentence && !s.clauseBreak(j-1) && pasDeterminers[string(s.tok.Fold(j-1))]
}
