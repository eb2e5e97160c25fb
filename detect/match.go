package detect

import (
	"cmp"
	"fmt"
	"slices"
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
	group *wordGroup          // how lexicon words and phrases compile (see lexWords)
	// While compiling: the rules whose phrases the trie holds, or, in an
	// exception trie (unlessOf), the one rule whose exceptions it holds.
	jobs     []int32
	unlessOf bool
	// While compiling: the trie keys of each phrase word met so far,
	// indexed by the word's id in group (plain and =exact words apart),
	// as spans of keyArena (a span with no keys is a word not met yet);
	// words with ids from memoLimit on are in farKeys instead (keyed by
	// id<<1, plus 1 for =exact words); and buffers for parsing phrases.
	wordKeys, exactKeys []keySpan
	memoLimit           int
	farKeys             map[int64]keySpan
	keyArena            []int32
	partBuf             []lexicon.PhrasePart
	stepBuf             []phraseStep
	// wide indexes the edges of nodes with many of them, while compiling
	// (the root has over a thousand): from<<32 | key -> child.
	wide  map[uint64]int32
	nodes []node
	// While compiling: the linked build lists of edges, gap edges and
	// accepted rules (see node). finish lays them out in edges, gaps and
	// accepts.
	edgeList, gapList, acceptList []listItem
	edges                         []edge
	gaps                          []gapEdge
	accepts                       []int32
	cross                         map[int32]bool // rules whose phrases may cross a sentence end
	pf                            *prefilter
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

// node is one trie state. It holds no pointers: its edges, gap edges and
// accepted rules are spans of the matcher's flat arrays (edges, gaps,
// accepts), so a trie of tens of thousands of nodes is a handful of
// allocations the garbage collector never scans. While compiling, each
// span's start is instead the head of a linked list in the matcher's
// build lists, and its length counts the list.
type node struct {
	e0, en   int32 // edges: edges[e0 : e0+en]
	g0, gn   int32 // gap edges: gaps[g0 : g0+gn]
	a0, an   int32 // rule indices whose phrase ends here: accepts[a0 : a0+an]
	any      int32 // child reached by "*", or -1
	endChild int32 // child by the "$" anchor, or -1 (set by finish)
	cross    bool  // some phrase through this node may cross a sentence end
}

// edge is one trie transition; a node's edges are few (usually one or
// two), so a small span scanned linearly beats a map in time and space.
type edge struct {
	key, child int32
}

// listItem is one entry of a build list: an edge (a, b = key, child), a
// gap edge (max, child) or an accepted rule (a = rule); next is the
// index of the item added before it to the same node, or -1.
type listItem struct {
	a, b, next int32
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

// newMatcher returns an empty trie for a language.
func newMatcher(lang string, stem func(string) string) *matcher {
	m := &matcher{lang: lang, stem: stem, stems: map[string]int32{}, cross: map[int32]bool{}, pf: newPrefilter(slackFor(lang)), memoLimit: 1 << 10}
	m.nodes = append(m.nodes, newNode())
	return m
}

// newNode returns a node with no edges, gaps, accepts or children.
func newNode() node {
	return node{e0: -1, g0: -1, a0: -1, any: -1, endChild: -1}
}

// lexWord is how one phrase word compiles in one stemmer group: the
// folded pieces the tokenizer splits it into, and their stems.
type lexWord struct {
	pieces []token.Piece
	stems  []string // stems[i] is the stem of pieces[i] (its text if unstemmed)
}

// phraseStep is one part of a compiled phrase: a word, by its id in the
// group, or one of the markers. It holds no pointer, so the collector
// never scans the steps of the phrases a group has compiled.
type phraseStep struct {
	word int32 // for stepWord and stepExact: the index of the word in wordGroup.byID
	kind uint8
	gap  uint8 // for stepGap: the most words it skips
}

// Kinds of phrase steps.
const (
	stepWord  uint8 = iota // a word matched by its stems
	stepExact              // an =exact word
	stepAny                // *
	stepGap                // ... or ...N
	stepStart              // ^
	stepEnd                // $
)

// wordGroup holds what one stemmer group has compiled so far in this
// process: how each word splits and stems (words: word -> id, an index
// in byID), and the steps of each phrase (phrases: phrase -> start<<32 |
// length of its run in steps). byID and steps only grow, and their
// entries never change, so what a Compile once read stays valid.
type wordGroup struct {
	mu      sync.RWMutex
	words   map[string]int32
	byID    []*lexWord
	phrases map[string]uint64
	steps   []phraseStep
}

// lexWords remembers, per stemmer group (group key -> *wordGroup), how
// lexicon words split and stem and how phrases parse, across Compile
// calls in one process. Both are pure functions of the text, so sharing
// them is safe; it makes compiling the same or similar lexicons again
// (per-tenant options, tests) cheap. It holds lexicon words and phrases
// only, never scored text.
var lexWords sync.Map

// groupCache returns the process-wide cache of this matcher's group.
func (m *matcher) groupCache() *wordGroup {
	if m.group == nil {
		key := m.lang
		if m.stem == nil {
			key = ""
		}
		g, _ := lexWords.LoadOrStore(key, &wordGroup{words: map[string]int32{}, phrases: map[string]uint64{}})
		m.group = g.(*wordGroup)
	}
	return m.group
}

// lexWordOf returns the id of a phrase word in this group, splitting and
// stemming it if the group has not met it yet.
func (m *matcher) lexWordOf(w string) (int32, error) {
	g := m.groupCache()
	g.mu.RLock()
	id, ok := g.words[w]
	g.mu.RUnlock()
	if ok {
		return id, nil
	}
	pieces, err := splitWord(w)
	if err != nil {
		return 0, err
	}
	lw := &lexWord{pieces: pieces, stems: make([]string, len(pieces))}
	for i, pc := range pieces {
		lw.stems[i] = m.stemOf(pc)
	}
	g.mu.Lock()
	id, ok = g.words[w] // stored by another Compile meanwhile?
	if !ok {
		id = int32(len(g.byID))
		g.words[w] = id
		g.byID = append(g.byID, lw)
	}
	g.mu.Unlock()
	if !ok {
		noteCached()
	}
	return id, nil
}

// stepsOf returns the steps of a phrase in this group, or the reason it
// does not compile. A phrase that compiles is kept for the next Compile.
// The steps are valid until the next call.
func (m *matcher) stepsOf(phrase string) ([]phraseStep, error) {
	g := m.groupCache()
	g.mu.RLock()
	v, ok := g.phrases[phrase]
	steps := g.steps
	g.mu.RUnlock()
	if ok {
		start, end := v>>32, v>>32+v&(1<<32-1)
		return steps[start:end:end], nil
	}
	parts, err := lexicon.AppendPhrase(m.partBuf[:0], phrase)
	if err != nil {
		return nil, err
	}
	m.partBuf = parts
	steps = m.stepBuf[:0]
	for _, p := range parts {
		st := phraseStep{kind: stepWord}
		switch {
		case p.SentenceStart:
			st.kind = stepStart
		case p.SentenceEnd:
			st.kind = stepEnd
		case p.Any:
			st.kind = stepAny
		case p.Gap > 0:
			st.kind, st.gap = stepGap, uint8(p.Gap)
		default:
			if p.Exact {
				st.kind = stepExact
			}
			if st.word, err = m.lexWordOf(p.Word); err != nil {
				return nil, err
			}
		}
		steps = append(steps, st)
	}
	m.stepBuf = steps
	g.mu.Lock()
	_, stored := g.phrases[phrase] // by another Compile meanwhile?
	if !stored {
		g.phrases[phrase] = uint64(len(g.steps))<<32 | uint64(len(steps))
		g.steps = append(g.steps, steps...)
	}
	g.mu.Unlock()
	if !stored {
		noteCached()
	}
	return steps, nil
}

// lexWordByID returns the word with an id from lexWordOf, and how many
// words the group knows.
func (m *matcher) lexWordByID(id int32) (*lexWord, int) {
	g := m.group
	g.mu.RLock()
	defer g.mu.RUnlock()
	return g.byID[id], len(g.byID)
}

// stemOf returns the stem of a folded word in this group's language.
func (m *matcher) stemOf(p token.Piece) string {
	if m.stem == nil || p.Kind == token.Emoji {
		return p.Text
	}
	return m.stem(p.Text)
}

func (m *matcher) intern(s string) int32 {
	if id, ok := m.stems[s]; ok {
		return id
	}
	id := int32(len(m.stems))
	m.stems[s] = id
	m.pf.add(s)
	return id
}

// finish lays out the build lists and builds the lookup tables used at
// scoring time.
func (m *matcher) finish() {
	m.group, m.wide = nil, nil // compile-time only
	m.wordKeys, m.exactKeys, m.farKeys, m.keyArena, m.partBuf, m.stepBuf = nil, nil, nil, nil, nil, nil
	if cap(m.nodes) > len(m.nodes)+len(m.nodes)/8 {
		m.nodes = slices.Clone(m.nodes) // drop the room reserved while compiling
	}
	m.pf.build()
	m.edges = make([]edge, len(m.edgeList))
	m.gaps = make([]gapEdge, len(m.gapList))
	m.accepts = make([]int32, len(m.acceptList))
	var ne, ng, na int32
	for i := range m.nodes {
		nd := &m.nodes[i]
		// Each list runs from the newest item to the oldest: filled from
		// the back, a span keeps the order the items were added in.
		nd.e0, ne = layOut(m.edgeList, nd.e0, nd.en, ne, func(k int32, it listItem) { m.edges[k] = edge{it.a, it.b} })
		nd.g0, ng = layOut(m.gapList, nd.g0, nd.gn, ng, func(k int32, it listItem) { m.gaps[k] = gapEdge{max: it.a, child: it.b} })
		nd.a0, na = layOut(m.acceptList, nd.a0, nd.an, na, func(k int32, it listItem) { m.accepts[k] = it.a })
		if es := m.edgesOf(nd); len(es) > 8 {
			slices.SortFunc(es, func(a, b edge) int { return cmp.Compare(a.key, b.key) })
		}
		nd.endChild = -1
		if c, ok := m.edgesOf(nd).get(anchorEnd); ok {
			nd.endChild = c
		}
	}
	m.edgeList, m.gapList, m.acceptList = nil, nil, nil
	root := &m.nodes[0]
	m.startChild = -1
	if c, ok := m.edgesOf(root).get(anchorStart); ok {
		m.startChild = c
	}
	m.rootStem = make([]int32, len(m.stems))
	for i := range m.rootStem {
		m.rootStem[i] = -1
	}
	maxExact := int32(-1)
	for _, e := range m.edgesOf(root) {
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
	for _, e := range m.edgesOf(root) {
		if e.key >= 0 && e.key&exactBit != 0 {
			m.rootExact[e.key&^exactBit] = e.child
		}
	}
}

// layOut copies the n items of the build list that starts at head to
// positions [at, at+n) through put, oldest first, and returns the span's
// start and its end (where the next span goes).
func layOut(list []listItem, head, n, at int32, put func(int32, listItem)) (int32, int32) {
	k := at + n - 1
	for i := head; i >= 0; i = list[i].next {
		put(k, list[i])
		k--
	}
	return at, at + n
}

// edgesOf returns a node's edges (once finished).
func (m *matcher) edgesOf(nd *node) edges { return m.edges[nd.e0 : nd.e0+nd.en] }

// acceptsOf returns the rules a node accepts (once finished).
func (m *matcher) acceptsOf(nd *node) []int32 { return m.accepts[nd.a0 : nd.a0+nd.an] }

// rootExactChild returns the root's child for exact-form symbol e, or -1.
func (m *matcher) rootExactChild(e int32) int32 {
	if e < 0 || int(e) >= len(m.rootExact) {
		return -1
	}
	return m.rootExact[e]
}

// newChild appends a fresh node and returns its index.
func (m *matcher) newChild() int32 {
	m.nodes = append(m.nodes, newNode())
	return int32(len(m.nodes) - 1)
}

// child returns the child of node from by key, adding it if needed
// (while compiling).
func (m *matcher) child(from int32, key int32) int32 {
	n := &m.nodes[from]
	// Scan a few edges, index many.
	wk := uint64(from)<<32 | uint64(uint32(key))
	if n.en > wideEdges {
		if c, ok := m.wide[wk]; ok {
			return c
		}
	} else {
		for i := n.e0; i >= 0; i = m.edgeList[i].next {
			if m.edgeList[i].a == key {
				return m.edgeList[i].b
			}
		}
	}
	c := m.newChild()
	n = &m.nodes[from]
	m.edgeList = append(m.edgeList, listItem{a: key, b: c, next: n.e0})
	n.e0 = int32(len(m.edgeList) - 1)
	n.en++
	switch {
	case n.en == wideEdges+1:
		if m.wide == nil {
			m.wide = make(map[uint64]int32, cap(m.nodes)/8)
		}
		for i := n.e0; i >= 0; i = m.edgeList[i].next {
			m.wide[uint64(from)<<32|uint64(uint32(m.edgeList[i].a))] = m.edgeList[i].b
		}
	case n.en > wideEdges+1:
		m.wide[wk] = c
	}
	return c
}

// phraseErr is a phrase that could not be added.
type phraseErr struct {
	rule   int32 // the rule whose entry lists the phrase
	i      int32 // the phrase's index in its field
	unless bool  // from the entry's unless field
	err    error
}

// build adds the phrases of the matcher's rules and finishes it; it
// returns the phrases that could not be added. Exact forms must already
// be in exact, which build only reads; vocab, when not nil, collects
// every folded word of the phrases.
func (m *matcher) build(rules []rule, exact map[string]int32, vocab map[string]bool) []phraseErr {
	var errs []phraseErr
	for _, r := range m.jobs {
		phrases, id := rules[r].entry.Phrases, r
		if m.unlessOf {
			phrases, id = rules[r].entry.Unless, 0
		}
		for i, p := range phrases {
			if err := m.add(p, id, exact, vocab); err != nil {
				errs = append(errs, phraseErr{rule: r, i: int32(i), unless: m.unlessOf, err: err})
			}
		}
	}
	m.jobs = nil
	m.finish()
	return errs
}

// wideEdges is the number of edges of a node beyond which compiling
// looks them up in an index instead of scanning them.
const wideEdges = 16

// add compiles one phrase for rule r into the trie.
// vocab, when not nil, collects every folded word of the phrase.
func (m *matcher) add(phrase string, r int32, exact map[string]int32, vocab map[string]bool) error {
	steps, err := m.stepsOf(phrase)
	if err != nil {
		return err
	}
	cur := int32(0)
	words := 0
	cross := m.cross[r]
	for _, st := range steps {
		if cross {
			m.nodes[cur].cross = true
		}
		switch st.kind {
		case stepStart:
			cur = m.child(cur, anchorStart)
			m.hasStart = true
		case stepEnd:
			cur = m.child(cur, anchorEnd)
		case stepAny:
			if m.nodes[cur].any < 0 {
				c := m.newChild()
				m.nodes[cur].any = c
			}
			cur = m.nodes[cur].any
			words++
		case stepGap:
			var found int32 = -1
			for i := m.nodes[cur].g0; i >= 0; i = m.gapList[i].next {
				if m.gapList[i].a == int32(st.gap) {
					found = m.gapList[i].b
				}
			}
			if found < 0 {
				found = m.newChild()
				n := &m.nodes[cur]
				m.gapList = append(m.gapList, listItem{a: int32(st.gap), b: found, next: n.g0})
				n.g0 = int32(len(m.gapList) - 1)
				n.gn++
			}
			cur = found
		default:
			ks, err := m.wordKeysOf(st, exact, vocab)
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
	n := &m.nodes[cur]
	for i := n.a0; i >= 0; i = m.acceptList[i].next {
		if m.acceptList[i].a == r {
			return nil
		}
	}
	m.acceptList = append(m.acceptList, listItem{a: r, next: n.a0})
	n.a0 = int32(len(m.acceptList) - 1)
	n.an++
	return nil
}

// wordKeysOf returns the trie keys of one phrase word: a key per piece
// the tokenizer splits it into, its stem symbol or, for an =exact word,
// its exact-form symbol. Words repeat across phrases, so the keys of each
// are found once per matcher; vocab collects the folded pieces.
func (m *matcher) wordKeysOf(st phraseStep, exact map[string]int32, vocab map[string]bool) (keySpan, error) {
	if m.unlessOf {
		// An exception trie holds one entry's few phrases: a memo sized
		// for the whole group would cost more than it saves.
		lw, _ := m.lexWordByID(st.word)
		return m.keysOf(lw, st.kind == stepExact, exact, vocab)
	}
	memo := &m.wordKeys
	if st.kind == stepExact {
		memo = &m.exactKeys
	}
	id := int(st.word)
	if id < len(*memo) && (*memo)[id].n > 0 {
		return (*memo)[id], nil
	}
	if id >= m.memoLimit {
		// A word the group learnt long before this lexicon came (the
		// group's ids count every word a Compile in this process has
		// met): a slice reaching it could be far larger than the
		// lexicon.
		far := int64(st.word)<<1 | int64(st.kind)
		if ks, ok := m.farKeys[far]; ok {
			return ks, nil
		}
		lw, _ := m.lexWordByID(st.word)
		ks, err := m.keysOf(lw, st.kind == stepExact, exact, vocab)
		if err == nil {
			if m.farKeys == nil {
				m.farKeys = map[int64]keySpan{}
			}
			m.farKeys[far] = ks
		}
		return ks, err
	}
	lw, known := m.lexWordByID(st.word)
	if id >= len(*memo) {
		// Room for every word the group knows (up to memoLimit), and at
		// least twice the room there was: while the group is still
		// learning words (the first Compile in a process), ids arrive
		// one by one.
		grown := make([]keySpan, min(m.memoLimit, max(id+1, known, 2*len(*memo))))
		copy(grown, *memo)
		*memo = grown
	}
	ks, err := m.keysOf(lw, st.kind == stepExact, exact, vocab)
	if err == nil {
		(*memo)[id] = ks
	}
	return ks, err
}

// keysOf appends the trie keys of a phrase word to keyArena and returns
// where they are.
func (m *matcher) keysOf(lw *lexWord, isExact bool, exact map[string]int32, vocab map[string]bool) (keySpan, error) {
	ks := keySpan{start: int32(len(m.keyArena)), n: int32(len(lw.pieces))}
	for i, pc := range lw.pieces {
		if vocab != nil && pc.Kind == token.Word {
			vocab[pc.Text] = true
		}
		var key int32
		if isExact {
			id, ok := exact[pc.Text]
			if !ok { // registerExact saw every exact word
				return keySpan{}, fmt.Errorf("internal error: exact form %q has no symbol; please report it", pc.Text)
			}
			key = id | exactBit
		} else {
			key = m.intern(lw.stems[i])
		}
		m.keyArena = append(m.keyArena, key)
	}
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
			for _, r := range m.acceptsOf(&m.nodes[ev.node]) {
				if ev.crossed && !m.cross[r] {
					continue
				}
				w.bump(m.ruleCat[r], ev.end)
			}
		}
		first := len(out)
		for _, ev := range w.evs {
			for _, r := range m.acceptsOf(&m.nodes[ev.node]) {
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
	m := w.m
	nd := &m.nodes[n]
	if nd.an > 0 && depth > 0 {
		if !crossed || w.anyCross(m.acceptsOf(nd)) {
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
	if nd.en > 0 {
		es := m.edgesOf(nd)
		if s := w.syms[j]; s >= 0 {
			if c, ok := es.get(s); ok {
				w.walk(c, j+1, next, depth+1)
			}
		}
		if e := w.exact[j]; e >= 0 {
			if c, ok := es.get(e | exactBit); ok {
				w.walk(c, j+1, next, depth+1)
			}
		}
	}
	if nd.any >= 0 {
		w.walk(nd.any, j+1, next, depth+1)
	}
	if nd.gn == 0 {
		return
	}
	for _, g := range m.gaps[nd.g0 : nd.g0+nd.gn] {
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
