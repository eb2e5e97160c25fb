package detect

import (
	"fmt"
	"path"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redflag-go/redflag/detect/internal/token"
	"github.com/redflag-go/redflag/lexicon"
)

// Defaults used when no option says otherwise.
const (
	// DefaultThreshold is the category score at or above which a text is
	// flagged. A score of 0.5 is one point of evidence: a single clear tell
	// (weight 1.0) in a short text.
	DefaultThreshold = 0.5
	// DefaultRegexTimeout bounds each regex search of one Score call.
	DefaultRegexTimeout = 250 * time.Millisecond
	// MaxRules is the largest number of entries one Detector compiles.
	MaxRules = 100000
)

// Option changes how Compile builds a Detector.
type Option func(*config)

type config struct {
	threshold    float64
	regexTimeout time.Duration
	disabled     []string           // id globs of entries to leave out
	weights      []weightOverride   // in the order given; later ones win
	catFactors   map[string]float64 // category -> weight multiplier
	noContext    bool               // ignore negation, quotation, hedges, exceptions
}

// WithContext turns context handling on (the default) or off. Off, a
// negation, a quotation, a hedge or an entry's exception no longer
// reduces a match: useful to measure what context handling changes.
func WithContext(on bool) Option {
	return func(c *config) { c.noContext = !on }
}

type weightOverride struct {
	glob   string
	weight float64
}

// WithDisabled leaves out every entry whose id matches one of the globs
// (path.Match syntax: "hype.en.*", "*.two-more-weeks"). Use it to switch
// off built-in entries that do not fit your community.
func WithDisabled(globs ...string) Option {
	return func(c *config) { c.disabled = append(c.disabled, globs...) }
}

// WithWeight sets the weight of every entry whose id matches glob
// (path.Match syntax). Later options win over earlier ones.
func WithWeight(glob string, weight float64) Option {
	return func(c *config) { c.weights = append(c.weights, weightOverride{glob, weight}) }
}

// WithCategoryWeight multiplies the weight of every entry of a category by
// factor (0 switches the category off without removing it from reports).
func WithCategoryWeight(category string, factor float64) Option {
	return func(c *config) {
		if c.catFactors == nil {
			c.catFactors = map[string]float64{}
		}
		c.catFactors[category] = factor
	}
}

// adjust applies the composition options to one entry; it reports false
// when the entry is disabled.
func (c *config) adjust(e *lexicon.Entry) (bool, error) {
	for _, g := range c.disabled {
		ok, err := path.Match(g, e.ID)
		if err != nil {
			return false, fmt.Errorf("disable pattern %q: %v", g, err)
		}
		if ok {
			return false, nil
		}
	}
	for _, w := range c.weights {
		ok, err := path.Match(w.glob, e.ID)
		if err != nil {
			return false, fmt.Errorf("weight pattern %q: %v", w.glob, err)
		}
		if ok {
			e.Weight = w.weight
		}
	}
	if f, ok := c.catFactors[e.Category]; ok {
		e.Weight *= f
	}
	return true, nil
}

// WithThreshold sets the category score (in (0,1]) at or above which a text
// is flagged. The default is DefaultThreshold.
func WithThreshold(t float64) Option {
	return func(c *config) { c.threshold = t }
}

// WithRegexTimeout sets how long one regex search may run before it is
// abandoned and reported as an error. The default is DefaultRegexTimeout.
func WithRegexTimeout(d time.Duration) Option {
	return func(c *config) { c.regexTimeout = d }
}

// Rule describes one compiled lexicon entry.
type Rule struct {
	ID        string   `json:"id"`
	Category  string   `json:"category"`
	Lang      string   `json:"lang"`
	Weight    float64  `json:"weight"`
	Message   string   `json:"message"`
	Source    string   `json:"source"`
	Kind      string   `json:"kind"` // "phrase", "regex", "feature" or a "+"-joined mix
	Patterns  []string `json:"patterns"`
	Negatable bool     `json:"negatable"`
	File      string   `json:"file,omitempty"`
	Line      int      `json:"line,omitempty"`
}

// rule is a compiled entry.
type rule struct {
	Rule
	cat    int
	entry  lexicon.Entry
	unless []*matcher // one small matcher per stemmer group
	seq    int32      // the entry's position in the lexicons
}

// patterns lists the rule's phrases, regexes (as /regex/) and feature
// (as feature:name), in that order.
func (r *rule) patterns() []string {
	e := &r.entry
	out := make([]string, 0, len(e.Phrases)+len(e.Regex)+1)
	out = append(out, e.Phrases...)
	for _, src := range e.Regex {
		out = append(out, "/"+src+"/")
	}
	if e.Feature != "" {
		out = append(out, "feature:"+e.Feature)
	}
	return out
}

// Detector scores text against compiled lexicons.
//
// A Detector is immutable once Compile returns it and is safe for
// concurrent use by any number of goroutines. Scoring does no I/O.
type Detector struct {
	cfg        config
	rules      []rule
	categories []string
	matchers   []*matcher // one per stemmer group (language or "unstemmed")
	exact      map[string]int32
	exactPF    *prefilter
	words      map[string]bool // every folded word of every phrase, to re-join spaced-out letters
	regexes    []regexRule
	unfiltered []int32    // regexes that run on every text: no literal to look for
	ac         *acMatcher // finds the required literals of all regexes
	anySymbols bool       // some regex requires a \p{So} symbol
	featRules  [numFeatures][]int32
	pool       scratchPool
}

// Compile builds a Detector from lexicons. All expensive work happens
// here: phrases are split and stemmed with the code that handles input,
// interned into per-language tries, and regexes are compiled with their
// timeout. The error, if any, is a lexicon.ErrorList naming each entry
// that could not be compiled: problems with the options or the lexicons
// as a whole first, then each entry's, in lexicon order.
//
// Compile builds the tries of different languages and the regex
// automaton side by side, on up to GOMAXPROCS goroutines, and returns
// when all are done. It may be called from several goroutines at once.
func Compile(lexs []*lexicon.Lexicon, opts ...Option) (*Detector, error) {
	cfg := config{threshold: DefaultThreshold, regexTimeout: DefaultRegexTimeout}
	for _, o := range opts {
		o(&cfg)
	}
	var errs lexicon.ErrorList
	if !(cfg.threshold > 0 && cfg.threshold <= 1) {
		errs = append(errs, &lexicon.Error{Pos: lexicon.Position{File: "options"}, Msg: fmt.Sprintf("threshold %v is out of range; use a value in (0, 1]", cfg.threshold)})
	}
	if cfg.regexTimeout <= 0 {
		errs = append(errs, &lexicon.Error{Pos: lexicon.Position{File: "options"}, Msg: fmt.Sprintf("regex timeout %v must be positive", cfg.regexTimeout)})
	}
	if err := lexicon.Validate(lexs...); err != nil {
		errs = append(errs, lexicon.AsList(err)...)
	}
	d := &Detector{cfg: cfg, exact: map[string]int32{}, exactPF: newPrefilter(0), words: map[string]bool{}}
	catIndex := map[string]int{}
	for _, c := range lexicon.Categories() {
		catIndex[c] = len(d.categories)
		d.categories = append(d.categories, c)
	}
	var custom []string
	total := 0
	for _, lex := range lexs {
		if lex == nil {
			continue
		}
		total += len(lex.Entries)
		for _, e := range lex.Entries {
			if _, ok := catIndex[e.Category]; !ok {
				catIndex[e.Category] = -1
				custom = append(custom, e.Category)
			}
		}
	}
	if total > MaxRules {
		errs = append(errs, &lexicon.Error{Pos: lexicon.Position{File: "lexicons"}, Msg: fmt.Sprintf("%d entries in all; the limit is %d", total, MaxRules)})
		return nil, errs
	}
	sort.Strings(custom)
	for _, c := range custom {
		catIndex[c] = len(d.categories)
		d.categories = append(d.categories, c)
	}
	d.rules = make([]rule, 0, total)
	phraseWords := map[string]int{}  // language -> words in its phrases
	withExact := make([]bool, total) // per entry: some phrase may have an =exact word
	at := 0
	for _, lex := range lexs {
		if lex == nil {
			continue
		}
		for _, e := range lex.Entries {
			n := 0
			for _, p := range e.Phrases {
				n += strings.Count(p, " ") + 1
				withExact[at] = withExact[at] || strings.IndexByte(p, '=') >= 0
			}
			for _, p := range e.Unless {
				withExact[at] = withExact[at] || strings.IndexByte(p, '=') >= 0
			}
			phraseWords[e.Lang] += n
			at++
		}
	}
	warmRegexes(lexs, &cfg)
	groups := map[string]*matcher{}       // stemmer group -> its phrase trie
	unless := map[string][]*matcher{}     // stemmer group -> exception tries
	errOrder := make([]errKey, len(errs)) // where each error goes in the list
	for i := range errOrder {
		errOrder[i] = errKey{entry: -1}
	}
	seq := int32(-1) // the entry's position in lexs
	fail := func(stage uint8, i int, e *lexicon.Error) {
		errs = append(errs, e)
		errOrder = append(errOrder, errKey{entry: seq, stage: stage, i: int32(i)})
	}
	group := func(lang string) *matcher {
		key := lang
		st := stemmerFor(lang)
		if st == nil {
			key = ""
		}
		if m, ok := groups[key]; ok {
			return m
		}
		m := newMatcher(key, st)
		// Room for the nodes the group's phrases add. A trie node per
		// phrase word is the most there can be; phrases share their
		// beginnings, and the built-in lexicons need about 60% of that:
		// reserved so, the trie grows without copies, and if a lexicon
		// needs more, the arrays grow as usual.
		est := 1
		for l, n := range phraseWords {
			if l == lang || (key == "" && stemmerFor(l) == nil) {
				est += n
			}
		}
		// Word ids below twice the group's word slots get a slot in
		// the memo of trie keys: all of them, unless the group met many
		// other words in earlier Compiles.
		m.memoLimit = max(m.memoLimit, 2*est)
		est = est * 5 / 8
		m.nodes = slices.Grow(m.nodes, est)
		m.edgeList = make([]listItem, 0, est)
		// The built-in lexicons have about one stem per six or seven
		// nodes: sized so, the map rarely grows.
		m.stems = make(map[string]int32, est/7)
		groups[key] = m
		return m
	}
	for _, lex := range lexs {
		if lex == nil {
			continue
		}
		for _, e := range lex.Entries {
			seq++
			keep, err := cfg.adjust(&e)
			if err != nil {
				errs = append(errs, &lexicon.Error{Pos: lexicon.Position{File: "options"}, Msg: err.Error() + "; use path.Match syntax such as hype.en.*"})
				return nil, errs
			}
			if !keep {
				continue
			}
			if !(e.Weight >= 0 && e.Weight <= lexicon.MaxWeight) {
				fail(stageWeight, 0, &lexicon.Error{Pos: e.Pos, Entry: e.ID, Msg: fmt.Sprintf("weight %v after options is out of range [0, %g]", e.Weight, lexicon.MaxWeight)})
				continue
			}
			idx := int32(len(d.rules))
			r := rule{entry: e, cat: catIndex[e.Category], seq: seq}
			r.Rule = Rule{ID: e.ID, Category: e.Category, Lang: e.Lang, Weight: e.Weight,
				Message: e.Message, Source: e.Source, Negatable: e.Negatable, File: e.Pos.File, Line: e.Pos.Line}
			var kinds []string
			if len(e.Phrases) > 0 {
				kinds = append(kinds, "phrase")
				m := group(e.Lang)
				if e.CrossSentences {
					m.cross[idx] = true
				}
				m.jobs = append(m.jobs, idx)
			}
			if len(e.Regex) > 0 {
				kinds = append(kinds, "regex")
				for i, src := range e.Regex {
					f, err := regexLiterals(src, e.MatchCase)
					if err != nil {
						fail(stageRegex, i, &lexicon.Error{Pos: e.Pos, Entry: e.ID, Msg: fmt.Sprintf("regex[%d]: pattern %q does not compile: %v", i, src, err)})
						continue
					}
					d.regexes = append(d.regexes, regexRule{rule: idx, src: src, matchCase: e.MatchCase, timeout: cfg.regexTimeout, lits: f.lits, also: f.also, prefixes: f.prefixes, skip: f.skip, bol: f.bol, windowed: f.windowed})
				}
			}
			if e.Feature != "" {
				kinds = append(kinds, "feature")
				if f, ok := featureIndex[e.Feature]; ok {
					d.featRules[f] = append(d.featRules[f], idx)
				} else {
					fail(stageFeature, 0, &lexicon.Error{Pos: e.Pos, Entry: e.ID, Msg: fmt.Sprintf("unknown feature %q; known: %s", e.Feature, strings.Join(lexicon.Features(), ", "))})
				}
			}
			if len(e.Unless) > 0 {
				um := newMatcher(e.Lang, stemmerFor(e.Lang))
				um.jobs = []int32{idx}
				um.unlessOf = true
				r.unless = append(r.unless, um)
				unless[um.lang] = append(unless[um.lang], um)
			}
			r.Kind = strings.Join(kinds, "+")
			d.rules = append(d.rules, r)
		}
	}
	d.registerExact(groups, unless, withExact)
	// The tries and the regex literal automaton are independent of each
	// other: they are built side by side, below. The prefix automata are
	// mostly cached; they are set here.
	d.markRegexes()
	d.setPrefixFilters()
	groupKeys, unlessKeys := sortedKeys(groups), sortedKeys(unless)
	phraseErrs := make([][]phraseErr, len(groupKeys)+len(unlessKeys))
	vocabs := make([]map[string]bool, len(groupKeys))
	// The regex literal automaton, one of the longest tasks, first; then
	// the tries.
	tasks := []func(){d.buildLiteralFilter}
	for t, k := range groupKeys {
		m := groups[k]
		vocabs[t] = make(map[string]bool, cap(m.nodes)/5)
		tasks = append(tasks, func() { phraseErrs[t] = m.build(d.rules, d.exact, vocabs[t]) })
	}
	for t, k := range unlessKeys {
		ms, t := unless[k], len(groupKeys)+t
		tasks = append(tasks, func() {
			for _, m := range ms {
				phraseErrs[t] = append(phraseErrs[t], m.build(d.rules, d.exact, nil)...)
			}
		})
	}
	runTasks(tasks)
	for _, pes := range phraseErrs {
		for _, pe := range pes {
			e := &d.rules[pe.rule].entry
			field, stage := "phrases", stagePhrase
			if pe.unless {
				field, stage = "unless", stageUnless
			}
			errs = append(errs, &lexicon.Error{Pos: e.Pos, Entry: e.ID, Msg: fmt.Sprintf("%s[%d]: %v", field, pe.i, pe.err)})
			errOrder = append(errOrder, errKey{entry: d.rules[pe.rule].seq, stage: stage, i: pe.i})
		}
	}
	if len(errs) > 0 {
		sortErrors(errs, errOrder)
		return nil, errs
	}
	n := 0
	for _, v := range vocabs {
		n += len(v)
	}
	d.words = make(map[string]bool, n)
	for _, v := range vocabs {
		for w := range v {
			d.words[w] = true
		}
	}
	ruleCat := make([]int32, len(d.rules))
	for i := range d.rules {
		ruleCat[i] = int32(d.rules[i].cat)
	}
	for _, k := range groupKeys {
		groups[k].ruleCat = ruleCat
		d.matchers = append(d.matchers, groups[k])
	}
	for _, k := range unlessKeys {
		for _, um := range unless[k] {
			um.ruleCat = make([]int32, 1) // an unless matcher has one pseudo-rule, 0
		}
	}
	for w := range d.exact {
		d.exactPF.add(w)
	}
	d.exactPF.build()
	// Unless matchers share the exact-symbol table, so they must be
	// registered for token lookups too.
	d.pool.d = d
	return d, nil
}

// markRegexes records which regexes need "any \p{So} symbol", and
// which may start at a digit, a line start or a symbol: things the
// literal automata do not find.
func (d *Detector) markRegexes() {
	for i := range d.regexes {
		rr := &d.regexes[i]
		for _, l := range rr.lits {
			if l == emojiLiteral {
				rr.symbols = true
				d.anySymbols = true
			}
		}
		for _, l := range rr.prefixes {
			switch l {
			case digitLiteral:
				rr.prefixDigit = true // digits are listed per text
			case lineStartLiteral:
				rr.prefixLine = true // line starts are found per window
			case emojiLiteral:
				rr.prefixSymbol = true // found by the symbol scan
				d.anySymbols = true
			}
		}
	}
}

// isMarker reports whether a literal stands for something the literal
// automata do not look for (see markRegexes).
func isMarker(l string) bool {
	return l == emojiLiteral || l == digitLiteral || l == lineStartLiteral
}

// buildLiteralFilter builds the automaton that finds the required
// literals of all regexes, and lists the regexes it cannot filter.
func (d *Detector) buildLiteralFilter() {
	d.ac = cachedAC(d.regexes, func() *acMatcher {
		lits := map[string][]acOut{}
		add := func(l string, i int, also int8) {
			core, left, right := acLiteral(l)
			key, verify := acKey(core)
			lits[key] = append(lits[key], acOut{length: int32(len(core)), regex: int32(i), also: also, left: left, right: right, verify: verify})
		}
		for i := range d.regexes {
			for _, l := range d.regexes[i].lits {
				if l != emojiLiteral {
					add(l, i, 0)
				}
			}
			for k, set := range d.regexes[i].also {
				if isDigitSet(set) {
					continue // checked by looking for a digit in the window
				}
				for _, l := range set {
					add(l, i, int8(k+1))
				}
			}
		}
		if len(lits) == 0 {
			return nil
		}
		return buildAC(lits)
	})
	for i := range d.regexes {
		if d.regexes[i].lits == nil || d.ac == nil {
			d.unfiltered = append(d.unfiltered, int32(i))
		}
	}
}

// acCache holds the literal automata of the last few sets of regexes
// compiled in this process, keyed by the regexes' patterns in order (the
// automaton names regexes by their index): compiling the same lexicons
// again (per-tenant options that leave the regexes alone, tests) reuses
// the automaton instead of building it again. The automata are read-only
// once built. It holds at most acCacheSize of them, about 1 MB each for
// the built-ins.
var acCache struct {
	sync.Mutex
	m map[string]*acMatcher
}

const acCacheSize = 4

// cachedAC returns the literal automaton of regexes (nil when they have
// no literals) from acCache, or from build.
func cachedAC(regexes []regexRule, build func() *acMatcher) *acMatcher {
	var b strings.Builder
	for i := range regexes {
		b.WriteString(regexes[i].src)
		if regexes[i].matchCase {
			b.WriteString("\x00c\x00")
		} else {
			b.WriteString("\x00i\x00")
		}
	}
	key := b.String()
	acCache.Lock()
	ac, ok := acCache.m[key]
	acCache.Unlock()
	if ok {
		return ac
	}
	ac = build()
	acCache.Lock()
	if acCache.m == nil || len(acCache.m) >= acCacheSize {
		acCache.m = map[string]*acMatcher{}
	}
	acCache.m[key] = ac
	acCache.Unlock()
	return ac
}

// setPrefixFilters gives each regex with prefix literals its own small
// automaton for them: it runs only where that regex's matches may start.
func (d *Detector) setPrefixFilters() {
	for i := range d.regexes {
		rr := &d.regexes[i]
		rr.prefAC = prefixFilter(rr.src, rr.matchCase, rr.prefixes)
		// With prefix literals but no automaton for them (too many),
		// the regex is not tried anchored: prefixLits says so.
		rr.prefixLits = slices.ContainsFunc(rr.prefixes, func(l string) bool { return !isMarker(l) })
	}
}

// prefixFilter returns the automaton that finds a regex's prefix
// literals, or nil if it has none (or too many for one automaton).
// Its hits name regex 0: each regex has its own.
func prefixFilter(src string, matchCase bool, prefixes literalSet) *acMatcher {
	key := literalKey{src, matchCase}
	if v, ok := prefixCache.Load(key); ok {
		return v.(*prefixAC).ac
	}
	plits := map[string][]acOut{}
	for _, l := range prefixes {
		if isMarker(l) {
			continue
		}
		core, left, right := acLiteral(l)
		key, verify := acKey(core)
		plits[key] = append(plits[key], acOut{length: int32(len(core)), also: alsoPrefix, left: left, right: right, verify: verify})
	}
	var ac *acMatcher
	if len(plits) > 0 {
		ac = buildAC(plits)
	}
	prefixCache.Store(key, &prefixAC{ac})
	noteCached()
	return ac
}

// prefixAC is a cached prefix automaton; ac may be nil.
type prefixAC struct{ ac *acMatcher }

// prefixCache remembers the prefix automaton of each regex across
// Compile calls in one process, like literalCache: it is a pure function
// of the pattern, and never modified once built.
var prefixCache sync.Map

// Where an error goes in Compile's list: errors are listed in entry
// order, and within an entry in the order of its fields.
type errKey struct {
	entry int32 // position of the entry in the lexicons; -1 before all
	stage uint8
	i     int32 // index within the field
}

// The fields of an entry, in the order their errors are listed.
const (
	stageWeight uint8 = iota
	stagePhrase
	stageRegex
	stageFeature
	stageUnless
)

// sortErrors puts errs in the order of their keys.
func sortErrors(errs lexicon.ErrorList, keys []errKey) {
	idx := make([]int, len(errs))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool {
		ka, kb := keys[idx[a]], keys[idx[b]]
		if ka.entry != kb.entry {
			return ka.entry < kb.entry
		}
		if ka.stage != kb.stage {
			return ka.stage < kb.stage
		}
		return ka.i < kb.i
	})
	sorted := make(lexicon.ErrorList, len(errs))
	for i, j := range idx {
		sorted[i] = errs[j]
	}
	copy(errs, sorted)
}

// sortedKeys returns the keys of a map in order.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// warmRegexes analyses, side by side, the regexes of the entries the
// options keep that no Compile has analysed yet, and builds their prefix
// automata, so that the pass over the entries finds them in the caches.
// A single such regex is left to that pass. Analysing the built-in regexes is most of the work of the
// first Compile in a process; each is a pure function of its pattern.
func warmRegexes(lexs []*lexicon.Lexicon, cfg *config) {
	var tasks []func()
	seen := map[literalKey]bool{}
	for _, lex := range lexs {
		if lex == nil {
			continue
		}
		for _, e := range lex.Entries {
			if len(e.Regex) == 0 {
				continue
			}
			if keep, err := cfg.adjust(&e); err != nil || !keep || !(e.Weight >= 0 && e.Weight <= lexicon.MaxWeight) {
				continue // dropped, or an error the pass over the entries reports
			}
			for _, src := range e.Regex {
				key := literalKey{src, e.MatchCase}
				if seen[key] {
					continue
				}
				seen[key] = true
				if _, ok := prefixCache.Load(key); ok {
					continue // analysed, and its prefix automaton built
				}
				matchCase := e.MatchCase
				tasks = append(tasks, func() {
					if f, err := regexLiterals(src, matchCase); err == nil {
						prefixFilter(src, matchCase, f.prefixes)
					}
				})
			}
		}
	}
	if len(tasks) > 1 {
		runTasks(tasks)
	}
}

// runTasks runs independent tasks on up to GOMAXPROCS goroutines, the
// caller's included, and returns when all are done. A task that panics
// stops no other; the first panic is raised again in the caller, as if
// the tasks had run there.
func runTasks(tasks []func()) {
	var (
		next     atomic.Int32
		panicked atomic.Pointer[any]
	)
	run := func(task func()) {
		defer func() {
			if r := recover(); r != nil {
				panicked.CompareAndSwap(nil, &r)
			}
		}()
		task()
	}
	work := func() {
		for {
			i := int(next.Add(1)) - 1
			if i >= len(tasks) {
				return
			}
			run(tasks[i])
		}
	}
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(tasks)) - 1 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			work()
		}()
	}
	work()
	wg.Wait()
	if r := panicked.Load(); r != nil {
		panic(*r)
	}
}

// registerExact gives every "=exact" phrase word of every trie its
// exact-form symbol before the tries are built, so that building them
// side by side only reads the shared table. Phrases that do not parse
// are left to the build, which reports them. withExact marks, by
// position in the lexicons, the entries with an "=" in some phrase; the
// others have nothing to register.
func (d *Detector) registerExact(groups map[string]*matcher, unless map[string][]*matcher, withExact []bool) {
	var parts []lexicon.PhrasePart
	scan := func(m *matcher) {
		for _, r := range m.jobs {
			if !withExact[d.rules[r].seq] {
				continue // no phrase of the entry has an "="
			}
			phrases := d.rules[r].entry.Phrases
			if m.unlessOf {
				phrases = d.rules[r].entry.Unless
			}
			for _, phrase := range phrases {
				if !strings.Contains(phrase, "=") {
					continue
				}
				var err error
				if parts, err = lexicon.AppendPhrase(parts[:0], phrase); err != nil {
					continue
				}
				d.registerExactParts(parts)
			}
		}
	}
	for _, k := range sortedKeys(groups) {
		scan(groups[k])
	}
	for _, k := range sortedKeys(unless) {
		for _, m := range unless[k] {
			scan(m)
		}
	}
}

// registerExactParts gives the pieces of the exact words among parts
// their exact-form symbols.
func (d *Detector) registerExactParts(parts []lexicon.PhrasePart) {
	for _, p := range parts {
		if !p.Exact {
			continue
		}
		pieces, err := splitWord(p.Word)
		if err != nil {
			continue
		}
		for _, pc := range pieces {
			if _, ok := d.exact[pc.Text]; !ok {
				d.exact[pc.Text] = int32(len(d.exact))
			}
		}
	}
}

var (
	defaultOnce sync.Once
	defaultDet  *Detector
	defaultErr  error
)

// Default returns a Detector compiled from the built-in lexicons with
// default options. It is built once, on first use, and shared.
//
// Default panics only if the embedded lexicons are broken, which the
// package's own tests rule out; use Compile with lexicon.Builtin to get
// an error instead.
func Default() *Detector {
	defaultOnce.Do(func() {
		lexs, err := lexicon.Builtin()
		if err != nil {
			defaultErr = err
			return
		}
		defaultDet, defaultErr = Compile(lexs)
	})
	if defaultErr != nil {
		panic("redflag: built-in lexicons do not compile: " + defaultErr.Error())
	}
	return defaultDet
}

// Categories returns the categories this Detector scores, built-in ones
// first, then custom ones in lexical order. Every Report lists them all.
func (d *Detector) Categories() []string {
	return append([]string(nil), d.categories...)
}

// Rules describes every compiled entry, in lexicon order.
func (d *Detector) Rules() []Rule {
	out := make([]Rule, len(d.rules))
	for i := range d.rules {
		out[i] = d.rules[i].Rule
		out[i].Patterns = d.rules[i].patterns()
	}
	return out
}

// Threshold returns the score at or above which a category is flagged.
func (d *Detector) Threshold() float64 { return d.cfg.threshold }

// splitWord turns one phrase part into folded pieces.
func splitWord(w string) ([]token.Piece, error) {
	if v, ok := pieceCache.Load(w); ok {
		return v.([]token.Piece), nil
	}
	ps := token.Words(w)
	if len(ps) == 0 {
		return nil, fmt.Errorf("%q has no letters, digits or emoji to match", w)
	}
	pieceCache.Store(w, ps)
	noteCached()
	return ps, nil
}

// pieceCache remembers how lexicon words split into folded pieces, across
// Compile calls in one process, like lexWords: lexicons repeat their
// words, and the split is a pure function of the word. The slices are
// never modified.
var pieceCache sync.Map

// compileCacheLimit bounds the process-wide compile caches (lexWords,
// pieceCache, literalCache, prefixCache): when they hold more entries in
// all, they are emptied and fill again as Compile needs them. The
// built-in lexicons take about 36,000; a service that compiles many
// different lexicons stays near this bound (tens of MB) instead of
// growing for ever. A variable, for tests.
var compileCacheLimit int64 = 1 << 18

// compileCacheSize counts the entries stored in the compile caches since
// they were last emptied.
var compileCacheSize atomic.Int64

// noteCached counts one more entry in the compile caches, and empties
// them all when they hold more than compileCacheLimit.
func noteCached() {
	if compileCacheSize.Add(1) > compileCacheLimit {
		forgetCompileCaches()
	}
}

// forgetCompileCaches empties the process-wide compile caches. Compile
// calls running meanwhile are unaffected: they keep what they already
// looked up; the words and phrases they meet from then on go into the
// group caches they started with, which no later Compile sees (they
// still count towards the limit).
func forgetCompileCaches() {
	compileCacheSize.Store(0)
	lexWords.Clear()
	pieceCache.Clear()
	literalCache.Clear()
	prefixCache.Clear()
	acCache.Lock()
	acCache.m = nil
	acCache.Unlock()
}
