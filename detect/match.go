package detect

import (
	"slices"
	"sort"
	"sync"

	"github.com/redflag-go/redflag/detect/internal/token"
	"github.com/redflag-go/redflag/lexicon"
)

// exactBit marks a trie edge keyed by an exact word form instead of a stem.
const exactBit = 1 << 30

// Zero-width trie edges for phrase anchors.
const (
	anchorStart int32 = -2 // "^": the phrase starts a sentence
	anchorEnd   int32 = -3 // "$": the phrase ends a sentence
)

// matcher is the phrase trie of one stemmer group: every phrase of every
// entry whose language uses this stemmer (or, for the unstemmed group,
// every language without one). Edges are keyed by interned stem ids, or by
// exact-form ids with exactBit set.
type matcher struct {
	lang  string              // language code; "" for the unstemmed group
	stem  func(string) string // nil: words are matched as folded
	stems map[string]int32    // stem -> symbol id
	memo  map[string]string   // folded word -> stem, while compiling (shared per language)
	// While compiling: the trie keys of each phrase word met so far, as
	// written (plain and =exact words apart), as spans of keyArena; and
	// a buffer for parsed phrases.
	wordKeys, exactKeys map[string]keySpan
	keyArena            []int32
	partBuf             []lexicon.PhrasePart
	// wide indexes the edges of nodes with many of them, while compiling
	// (the root has over a thousand): from<<32 | key -> child.
	wide  map[uint64]int32
	nodes []node
	cross map[int32]bool // rules whose phrases may cross a sentence end
	pf    *prefilter
	// hasStart is set when some phrase starts with "^".
	hasStart bool
	// ruleCat maps a rule index to its category index (shared, read-only).
	ruleCat []int32
	// startChild is the root's child by the "^" anchor, or -1.
	startChild int32
	// rootStem[s] is the child of the root for stem symbol s, or -1: the
	// first step of every walk, as a slice lookup instead of a map lookup.
	rootStem []int32
	// rootExact[e] is the root's child for exact-form symbol e, or -1;
	// symbols past its end have none.
	rootExact []int32
}

type gapEdge struct {
	max   int32
	child int32
}

type node struct {
	next    edges
	any     int32 // child reached by "*", or -1
	gaps    []gapEdge
	accepts []int32 // rule indices whose phrase ends here
	cross   bool    // some phrase through this node may cross a sentence end
	// endChild is the child by the "$" anchor, or -1 (set by finish).
	endChild int32
}

// edge is one trie transition; a node's edges are few (usually one or
// two), so a small slice scanned linearly beats a map in time and space.
type edge struct {
	key, child int32
}

type edges []edge

func (es edges) get(key int32) (int32, bool) {
	if len(es) <= 8 {
		for _, e := range es {
			if e.key == key {
				return e.child, true
			}
		}
		return 0, false
	}
	// Large fan-outs are sorted by finish: binary search.
	lo, hi := 0, len(es)
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		if es[mid].key < key {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	if lo < len(es) && es[lo].key == key {
		return es[lo].child, true
	}
	return 0, false
}

// keySpan is where a phrase word's trie keys are in keyArena.
type keySpan struct{ start, n int32 }

// newMatcher returns an empty trie for a language. memo caches stems
// while compiling; matchers of one language in one Compile may share it.
func newMatcher(lang string, stem func(string) string, memo map[string]string) *matcher {
	m := &matcher{lang: lang, stem: stem, stems: map[string]int32{}, memo: memo, cross: map[int32]bool{}, pf: newPrefilter(slackFor(lang)),
		wordKeys: map[string]keySpan{}, exactKeys: map[string]keySpan{}}
	m.nodes = append(m.nodes, node{any: -1})
	return m
}

// stemOf returns the stem of a folded word in this group's language.
func (m *matcher) stemOf(p token.Piece) string {
	if m.stem == nil || p.Kind == token.Emoji {
		return p.Text
	}
	if st, ok := m.memo[p.Text]; ok {
		return st
	}
	key := m.lang + "\x00" + p.Text
	var st string
	if v, ok := stemCache.Load(key); ok {
		st = v.(string)
	} else {
		st = m.stem(p.Text)
		stemCache.Store(key, st)
	}
	if m.memo != nil {
		m.memo[p.Text] = st
	}
	return st
}

// stemCache remembers the stems of lexicon words across Compile calls in
// one process ("lang\x00word" -> stem). Stemming is a pure function, so
// sharing it is safe; it makes compiling variants of the same lexicons
// (per-tenant options, tests) cheap. It holds lexicon words only, never
// scored text.
var stemCache sync.Map

func (m *matcher) intern(s string) int32 {
	if id, ok := m.stems[s]; ok {
		return id
	}
	id := int32(len(m.stems))
	m.stems[s] = id
	m.pf.add(s)
	return id
}

// finish builds the lookup tables used at scoring time.
func (m *matcher) finish() {
	m.memo, m.wide = nil, nil // compile-time only
	m.wordKeys, m.exactKeys, m.keyArena, m.partBuf = nil, nil, nil, nil
	if cap(m.nodes) > len(m.nodes)+len(m.nodes)/8 {
		m.nodes = slices.Clone(m.nodes) // drop the room reserved while compiling
	}
	m.pf.build()
	for i := range m.nodes {
		nd := &m.nodes[i]
		if es := nd.next; len(es) > 8 {
			sort.Slice(es, func(a, b int) bool { return es[a].key < es[b].key })
		}
		nd.endChild = -1
		if c, ok := nd.next.get(anchorEnd); ok {
			nd.endChild = c
		}
	}
	m.startChild = -1
	if c, ok := m.nodes[0].next.get(anchorStart); ok {
		m.startChild = c
	}
	m.rootStem = make([]int32, len(m.stems))
	for i := range m.rootStem {
		m.rootStem[i] = -1
	}
	maxExact := int32(-1)
	for _, e := range m.nodes[0].next {
		if e.key >= 0 && e.key&exactBit == 0 {
			m.rootStem[e.key] = e.child
		}
		if e.key >= 0 && e.key&exactBit != 0 {
			maxExact = max(maxExact, e.key&^exactBit)
		}
	}
	m.rootExact = make([]int32, maxExact+1)
	for i := range m.rootExact {
		m.rootExact[i] = -1
	}
	for _, e := range m.nodes[0].next {
		if e.key >= 0 && e.key&exactBit != 0 {
			m.rootExact[e.key&^exactBit] = e.child
		}
	}
}

// rootExactChild returns the root's child for exact-form symbol e, or -1.
func (m *matcher) rootExactChild(e int32) int32 {
	if e < 0 || int(e) >= len(m.rootExact) {
		return -1
	}
	return m.rootExact[e]
}

func (m *matcher) child(from int32, key int32) int32 {
	n := &m.nodes[from]
	// While compiling, edges are not sorted yet: scan a few, index many.
	wk := uint64(from)<<32 | uint64(uint32(key))
	if len(n.next) > wideEdges {
		if c, ok := m.wide[wk]; ok {
			return c
		}
	} else {
		for _, e := range n.next {
			if e.key == key {
				return e.child
			}
		}
	}
	c := int32(len(m.nodes))
	n.next = append(n.next, edge{key, c})
	switch {
	case len(n.next) == wideEdges+1:
		if m.wide == nil {
			m.wide = map[uint64]int32{}
		}
		for _, e := range n.next {
			m.wide[uint64(from)<<32|uint64(uint32(e.key))] = e.child
		}
	case len(n.next) > wideEdges+1:
		m.wide[wk] = c
	}
	m.nodes = append(m.nodes, node{any: -1})
	return c
}

// wideEdges is the number of edges of a node beyond which compiling
// looks them up in an index instead of scanning them.
const wideEdges = 16

// add compiles one phrase for rule r into the trie.
// vocab, when not nil, collects every folded word of the phrase.
func (m *matcher) add(phrase string, r int32, exact map[string]int32, vocab map[string]bool) error {
	parts, err := lexicon.AppendPhrase(m.partBuf[:0], phrase)
	if err != nil {
		return err
	}
	m.partBuf = parts
	cur := int32(0)
	words := 0
	cross := m.cross[r]
	for _, p := range parts {
		if cross {
			m.nodes[cur].cross = true
		}
		switch {
		case p.SentenceStart:
			cur = m.child(cur, anchorStart)
			m.hasStart = true
		case p.SentenceEnd:
			cur = m.child(cur, anchorEnd)
		case p.Any:
			n := &m.nodes[cur]
			if n.any < 0 {
				c := int32(len(m.nodes))
				m.nodes = append(m.nodes, node{any: -1})
				m.nodes[cur].any = c
			}
			cur = m.nodes[cur].any
			words++
		case p.Gap > 0:
			var found int32 = -1
			for _, g := range m.nodes[cur].gaps {
				if g.max == int32(p.Gap) {
					found = g.child
				}
			}
			if found < 0 {
				found = int32(len(m.nodes))
				m.nodes = append(m.nodes, node{any: -1})
				m.nodes[cur].gaps = append(m.nodes[cur].gaps, gapEdge{max: int32(p.Gap), child: found})
			}
			cur = found
		default:
			ks, err := m.wordKeysOf(p, exact, vocab)
			if err != nil {
				return err
			}
			for _, key := range m.keyArena[ks.start : ks.start+ks.n] {
				cur = m.child(cur, key)
			}
			words += int(ks.n)
		}
	}
	if words > lexicon.MaxPhraseWords {
		return errTooLong(phrase, words)
	}
	for _, a := range m.nodes[cur].accepts {
		if a == r {
			return nil
		}
	}
	m.nodes[cur].accepts = append(m.nodes[cur].accepts, r)
	return nil
}

// wordKeysOf returns the trie keys of one phrase word: a key per piece
// the tokenizer splits it into, its stem symbol or, for an =exact word,
// its exact-form symbol. Words repeat across phrases, so each is split
// and stemmed once per matcher; vocab collects the folded pieces.
func (m *matcher) wordKeysOf(p lexicon.PhrasePart, exact map[string]int32, vocab map[string]bool) (keySpan, error) {
	memo := m.wordKeys
	if p.Exact {
		memo = m.exactKeys
	}
	if ks, ok := memo[p.Word]; ok {
		return ks, nil
	}
	pieces, err := splitWord(p.Word)
	if err != nil {
		return keySpan{}, err
	}
	ks := keySpan{start: int32(len(m.keyArena)), n: int32(len(pieces))}
	for _, pc := range pieces {
		if vocab != nil && pc.Kind == token.Word {
			vocab[pc.Text] = true
		}
		var key int32
		if p.Exact {
			id, ok := exact[pc.Text]
			if !ok {
				id = int32(len(exact))
				exact[pc.Text] = id
			}
			key = id | exactBit
		} else {
			key = m.intern(m.stemOf(pc))
		}
		m.keyArena = append(m.keyArena, key)
	}
	memo[p.Word] = ks
	return ks, nil
}

// cand is a candidate match before selection: a token range for phrase
// matches, or a byte range for regex and feature matches.
type cand struct {
	start, end int32 // byte span in the original text
	tokA, tokB int32 // token span [tokA, tokB), or -1 when not token based
	rule       int32
	kind       uint8
}

const (
	kindPhrase uint8 = iota
	kindRegex
	kindFeature
)

// scan finds every phrase of this matcher in the tokens. syms holds, for
// each token, the symbol for this matcher's stems (or -1); exactSyms holds
// the exact-form symbol (or -1). For each start token it keeps the longest
// phrase (leftmost-longest), with every rule that accepts that span.
func (m *matcher) scan(buf *walker, toks []token.Token, syms, exactSyms []int32, out []cand) []cand {
	// The walker's event lists live in buf, reused from call to call.
	w := walker{m: m, toks: toks, syms: syms, exact: exactSyms, evs: buf.evs[:0], best: buf.best[:0]}
	defer func() { buf.evs, buf.best = w.evs[:0], w.best[:0] }()
	for i := range toks {
		s, e := syms[i], exactSyms[i]
		if (s < 0 || m.rootStem[s] < 0) && m.rootExactChild(e) < 0 &&
			!(m.hasStart && (s >= 0 || e >= 0) && (i == 0 || toks[i-1].Sentence != toks[i].Sentence)) {
			continue // no phrase starts with this word
		}
		w.evs = w.evs[:0]
		w.sent = toks[i].Sentence
		// The root step, without searching the root's many edges.
		if s >= 0 {
			if c := m.rootStem[s]; c >= 0 {
				w.walk(c, int32(i+1), false, 1)
			}
		}
		if c := m.rootExactChild(e); c >= 0 {
			w.walk(c, int32(i+1), false, 1)
		}
		if m.startChild >= 0 && (i == 0 || toks[i-1].Sentence != toks[i].Sentence) {
			w.walk(m.startChild, int32(i), false, 1)
		}
		if len(w.evs) == 0 {
			continue
		}
		// Leftmost-longest per category: for each category, keep the
		// phrases that end furthest, so a longer phrase of one category
		// never hides a phrase of another.
		w.best = w.best[:0]
		for _, ev := range w.evs {
			for _, r := range m.nodes[ev.node].accepts {
				if ev.crossed && !m.cross[r] {
					continue
				}
				w.bump(m.ruleCat[r], ev.end)
			}
		}
		first := len(out)
		for _, ev := range w.evs {
			for _, r := range m.nodes[ev.node].accepts {
				if (ev.crossed && !m.cross[r]) || w.bestFor(m.ruleCat[r]) != ev.end {
					continue
				}
				dup := false
				for _, c := range out[first:] {
					if c.rule == r && c.tokB == ev.end {
						dup = true
					}
				}
				if !dup {
					out = append(out, cand{start: toks[i].Start, end: toks[ev.end-1].End, tokA: int32(i), tokB: ev.end, rule: r, kind: kindPhrase})
				}
			}
		}
	}
	return out
}

// walker is the state of one trie walk; it lives on the caller's stack.
type walker struct {
	m           *matcher
	toks        []token.Token
	syms, exact []int32
	sent        int32
	evs         []acceptEvent // every accepting node reached from the start token
	best        []catEnd      // longest end per category
}

type acceptEvent struct {
	node, end int32
	crossed   bool
}

type catEnd struct {
	cat int32
	end int32
}

func (w *walker) bump(cat, end int32) {
	for k := range w.best {
		if w.best[k].cat == cat {
			if end > w.best[k].end {
				w.best[k].end = end
			}
			return
		}
	}
	w.best = append(w.best, catEnd{cat, end})
}

func (w *walker) bestFor(cat int32) int32 {
	for _, b := range w.best {
		if b.cat == cat {
			return b.end
		}
	}
	return -1
}

// walk follows the trie from node n at token j, remembering the longest
// accepting end. crossed records whether the path stepped over a
// sentence end, which only rules with cross_sentences may do.
func (w *walker) walk(n int32, j int32, crossed bool, depth int) {
	nd := &w.m.nodes[n]
	if len(nd.accepts) > 0 && depth > 0 {
		if !crossed || w.anyCross(nd.accepts) {
			w.evs = append(w.evs, acceptEvent{n, j, crossed})
		}
	}
	if depth > 2*lexicon.MaxPhraseWords+lexicon.MaxGap {
		return
	}
	if nd.endChild >= 0 && (int(j) >= len(w.toks) || w.toks[j].Sentence != w.toks[j-1].Sentence) {
		w.walk(nd.endChild, j, crossed, depth+1)
	}
	if int(j) >= len(w.toks) {
		return
	}
	next := crossed
	if w.toks[j].Sentence != w.sent && depth > 0 {
		if !nd.cross {
			return
		}
		next = true
	}
	if nd.next != nil {
		if s := w.syms[j]; s >= 0 {
			if c, ok := nd.next.get(s); ok {
				w.walk(c, j+1, next, depth+1)
			}
		}
		if e := w.exact[j]; e >= 0 {
			if c, ok := nd.next.get(e | exactBit); ok {
				w.walk(c, j+1, next, depth+1)
			}
		}
	}
	if nd.any >= 0 {
		w.walk(nd.any, j+1, next, depth+1)
	}
	for _, g := range nd.gaps {
		gc := next
		for k := int32(0); k <= g.max; k++ {
			jj := j + k
			if int(jj) >= len(w.toks) {
				break
			}
			if w.toks[jj].Sentence != w.sent {
				if !nd.cross {
					break
				}
				gc = true
			}
			// A gap is always followed by a word, so its child never
			// accepts by itself: walking it at jj matches the next word.
			w.walk(g.child, jj, gc, depth+1)
		}
	}
}

func (w *walker) anyCross(rules []int32) bool {
	for _, r := range rules {
		if w.m.cross[r] {
			return true
		}
	}
	return false
}

func errTooLong(phrase string, words int) error {
	return &phraseError{phrase: phrase, words: words}
}

type phraseError struct {
	phrase string
	words  int
}

func (e *phraseError) Error() string {
	return "phrase " + quote(e.phrase) + " has " + itoa(e.words) + " words; the limit is " + itoa(lexicon.MaxPhraseWords)
}
