package detect

import (
	"fmt"
	"math/bits"
	"slices"
	"sort"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/dlclark/regexp2/v2/syntax"
)

// Regex prefiltering. At compile time each regex is analysed for a set of
// literals one of which every match must contain ("comment" or "type" in
// `\b(?:comment|type)\s+...`). At scoring time one Aho-Corasick pass over
// the text finds where those literals occur, and each regex runs only on
// text around its literals. A regex with no usable literal runs on the
// whole text. The prefilter may send a regex to text where it then finds
// nothing, never the reverse, for matches that start at most
// regexFilterReach bytes before their literal: windows start that far
// before a literal and end at a line end at least that far after it.

const (
	maxLiteralSet    = 256 // largest literal set kept
	maxLiteralLen    = 32  // literals are cut to this many bytes
	regexFilterReach = 160 // bytes searched either side of a literal
)

// literalSet is a set of strings; nil means "no constraint known".
type literalSet []string

func (s literalSet) quality() int {
	if len(s) == 0 {
		return 0
	}
	q := 1 << 30
	for _, x := range s {
		core, l, r := splitLiteral(x)
		n := len(core)
		switch {
		case x == emojiLiteral:
			n = 3 // emoji are rare in prose: as selective as a 3-byte literal
		case x == digitLiteral:
			n = 1
		case commonWords[asciiLower(strings.TrimSpace(core))]:
			n = 1
		case l && r:
			n++
		}
		if n < q {
			q = n
		}
	}
	return q
}

// better reports whether a is a more selective requirement than b.
func better(a, b literalSet) bool {
	if b == nil {
		return a != nil
	}
	if a == nil {
		return false
	}
	if ua, ub := usable(a), usable(b); ua != ub {
		return ua
	}
	qa, qb := a.quality(), b.quality()
	if qa != qb {
		return qa > qb
	}
	return len(a) < len(b)
}

// asciiLower lowercases ASCII letters only, keeping byte offsets: the
// prefilter searches text lowered the same way.
func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// regexFilter is what the prefilter knows about one regex.
type regexFilter struct {
	// lits is the most selective required literal set: the regex runs
	// only around its occurrences. nil runs it on the whole text.
	lits literalSet
	// also are further required sets: a window around a literal of lits
	// is searched only if it holds a literal of each of these too
	// ("share" ... "friends" ... a digit).
	also []literalSet
	// windowed is false when the regex tests the end of the whole text,
	// which a window would fake.
	windowed bool
	// prefixes, when not nil, is a set of literals every match starts
	// with: the regex is tried anchored at their occurrences.
	prefixes literalSet
	// bol is set when every match starts at a line start ((?m)^ or \A
	// first): the regex is tried anchored at the line starts of its
	// windows.
	bol bool
	// skip, when not nil, is a class of characters a match may start
	// with before its prefix literal: it is also tried at each of them
	// just before the literal.
	skip *syntax.CharSet
}

// alsoPrefix marks an Aho-Corasick output for a prefix literal.
const alsoPrefix = -1

// maxAlso is how many further literal sets a regex's windows are checked
// against.
const maxAlso = 3

// regexLiterals analyses a regex for the prefilter.
func regexLiterals(src string, matchCase bool) (regexFilter, error) {
	key := literalKey{src, matchCase}
	if v, ok := literalCache.Load(key); ok {
		r := v.(literalResult)
		return r.f, r.err
	}
	f, err := analyseRegex(src, matchCase)
	literalCache.Store(key, literalResult{f, err})
	noteCached()
	return f, err
}

type literalKey struct {
	src       string
	matchCase bool
}

type literalResult struct {
	f   regexFilter
	err error
}

// literalCache remembers regex analyses across Compile calls in one
// process: the analysis is a pure function of the pattern. The sets are
// never modified after they are stored.
var literalCache sync.Map

func analyseRegex(src string, matchCase bool) (f regexFilter, err error) {
	defer func() {
		if r := recover(); r != nil {
			f, err = regexFilter{}, fmt.Errorf("parser failed: %v", r)
		}
	}()
	opts := syntax.RegexOptions(0)
	if !matchCase {
		opts = syntax.IgnoreCase
	}
	tree, err := syntax.Parse(src, syntax.ParseOptions{RegexOptions: opts})
	if err != nil {
		return regexFilter{}, err
	}
	if tree == nil || tree.Root == nil {
		return regexFilter{}, nil
	}
	f.windowed = !endsText(tree.Root)
	switch p := prefixes(tree.Root); {
	case hasOption(src, 'x'):
		// The anchored form wraps the pattern in a group, which a
		// trailing # comment would swallow: not anchored.
	case p != nil && usablePrefixes(p):
		f.prefixes = p
	case firstNode(tree.Root).T == syntax.NtBol || firstNode(tree.Root).T == syntax.NtBeginning:
		f.bol = true
	default:
		if cs, p := skippedPrefixes(tree.Root); cs != nil && usablePrefixes(p) {
			f.prefixes, f.skip = p, cs
		}
	}
	var all []literalSet
	req := required(tree.Root, &all)
	if req == nil || !usable(req) {
		return f, nil
	}
	f.lits = req
	// The other requirements, most selective first; weak ones (a common
	// word, one letter) would let nearly every window through.
	seen := map[string]bool{strings.Join(req, "\x00"): true}
	sort.SliceStable(all, func(i, j int) bool { return all[i].quality() > all[j].quality() })
	for _, s := range all {
		k := strings.Join(s, "\x00")
		if seen[k] || len(f.also) == maxAlso {
			continue
		}
		seen[k] = true
		if isDigitSet(s) || (usable(s) && s.quality() >= 3 && !s.has(emojiLiteral)) {
			f.also = append(f.also, s)
		}
	}
	return f, nil
}

// firstNode returns the first node a match of n goes through: the first
// element of its sequence, inside groups.
func firstNode(n *syntax.RegexNode) *syntax.RegexNode {
	for {
		switch {
		case (n.T == syntax.NtCapture || n.T == syntax.NtGroup || n.T == syntax.NtAtomic) && len(n.Children) == 1:
			n = n.Children[0]
		case n.T == syntax.NtConcatenate && len(n.Children) > 0:
			n = n.Children[0]
		default:
			return n
		}
	}
}

// hasOption reports whether an inline option group of src may turn on
// option o, as in "(?x)" or "(?ix:...)".
func hasOption(src string, o byte) bool {
	for i := strings.Index(src, "(?"); i >= 0; {
		j := i + 2
		for j < len(src) && (src[j] == '-' || ('a' <= src[j] && src[j] <= 'z')) {
			if src[j] == o {
				return true
			}
			j++
		}
		k := strings.Index(src[j:], "(?")
		if k < 0 {
			break
		}
		i = j + k
	}
	return false
}

// has reports whether x is in s.
func (s literalSet) has(x string) bool {
	for _, y := range s {
		if y == x {
			return true
		}
	}
	return false
}

// isDigitSet reports the set "any decimal digit".
func isDigitSet(s literalSet) bool { return len(s) == 1 && s[0] == digitLiteral }

// boundary marks a literal end that the regex requires to sit at a word
// boundary (\b, whitespace, a line edge): "\x01for\x01" is the word "for",
// not the "for" inside "before".
const boundary = "\x01"

// acKeep is how many bytes of a literal the Aho-Corasick automaton looks
// for. Any prefix of a required literal is required too, and short keys
// keep the automaton small enough to stay in cache: deep states of long
// literals cost memory on every scan and filter almost nothing more.
const acKeep = 8

// acLiteral is splitLiteral with the core cut to acKeep bytes (on a rune
// boundary); a cut literal no longer needs a boundary at its end.
func acLiteral(s string) (core string, left, right bool) {
	core, left, right = splitLiteral(s)
	if len(core) > acKeep {
		n := acKeep
		for n > 0 && !utf8.RuneStart(core[n]) {
			n--
		}
		if n > 0 {
			core, right = core[:n], false
		}
	}
	return core, left, right
}

// splitLiteral removes boundary marks from a literal and reports them.
func splitLiteral(s string) (core string, left, right bool) {
	left = strings.HasPrefix(s, boundary)
	right = strings.HasSuffix(s, boundary) && len(s) > len(boundary)
	return strings.ReplaceAll(s, boundary, ""), left, right
}

// commonWords are among the most frequent words of English, Spanish and
// French: a regex whose only literal is one of them is sent to nearly every
// text, so the prefilter prefers any other literal.
var commonWords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`the be to of and a in that have i it for not on with he as you do at this but his by
	from they we say her she or an will my one all would there their what so up out if about who get which go me when
	make can like time no just him know take people into year your good some could them see other than then now look
	only come its over think also back after use two how our work first well way even new want because any these give
	day most us is are was were been has had more very here where why too did does got
	de la que el en y los se del las un por con una su para es al lo como mas o pero sus le ha me si sin sobre este ya
	entre cuando todo esta ser son dos tambien fue habia era muy hasta desde mi porque solo han yo hay vez puede todos
	asi nos ni tiene uno donde bien mismo ese ahora cada e otro te otros esa eso hace otra tan siempre dia ella tres
	les des du une est qui dans par plus pas au sur ne ce il sont ou avec son aux d l qu s n c j ont elle mais nous vous
	on leur cette fait tout ses ils je sa mon ma tu aussi deux peut meme tres etre avoir`) {
		m[w] = true
	}
	return m
}()

// endsText reports nodes that assert the end of the whole input.
func endsText(n *syntax.RegexNode) bool {
	switch n.T {
	case syntax.NtEnd, syntax.NtEndZ:
		return true
	case syntax.NtEol:
		if n.Options&syntax.Multiline == 0 {
			return true
		}
	}
	for _, c := range n.Children {
		if endsText(c) {
			return true
		}
	}
	return false
}

// usable reports whether a literal set is selective enough to be worth
// searching for: no empty literal, and no single letter, digit or space.
func usable(s literalSet) bool {
	if len(s) == 0 {
		return false
	}
	for _, x := range s {
		if x == emojiLiteral {
			continue
		}
		if x == digitLiteral {
			return false // digits are everywhere; checked only next to another literal
		}
		core, _, _ := splitLiteral(x)
		if core == "" {
			return false
		}
		if r, n := utf8.DecodeRuneInString(core); n == len(core) && (unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsSpace(r)) {
			return false
		}
		if strings.Trim(core, commonPunct+" ") == "" {
			return false // only common punctuation and spaces: everywhere in prose
		}
	}
	return true
}

// commonPunct are marks too frequent in prose to be worth searching for
// on their own.
const commonPunct = ".,:;'\"-()/‘’“”"

// emojiLiteral stands for "any symbol of category So" (emoji and other
// pictographs) in a literal set; the scanner finds those runes directly.
const emojiLiteral = "\x00So"

// lineStartLiteral stands for "a line start" in a prefix set: a branch
// "^" of an alternation the regex starts with. Line starts inside the
// regex's windows are candidates (for "\A", a superset).
const lineStartLiteral = "\x00BOL"

// digitLiteral stands for "any decimal digit" (\d) in a literal set. It is
// never searched for on its own, only checked for inside a window.
const digitLiteral = "\x00Nd"

// isDigitClass reports a class that is exactly \d.
func isDigitClass(cs *syntax.CharSet) bool {
	if cs == nil || cs.IsNegated() {
		return false
	}
	switch str := cs.String(); str {
	case `[\p{Nd}]`, `[\d]`:
		return true
	default:
		// A class of ASCII digits only, such as [0-9] or [1-3]: "some
		// digit" is a superset, which is all a filter needs.
		if len(str) < 3 || str[0] != '[' || str[len(str)-1] != ']' || cs.HasSubtraction() {
			return false
		}
		for i := 1; i < len(str)-1; i++ {
			if c := str[i]; !('0' <= c && c <= '9') && !(c == '-' && i > 1 && i < len(str)-2) {
				return false
			}
		}
		return true
	}
}

// isSymbolClass reports a class that is exactly \p{So}.
func isSymbolClass(cs *syntax.CharSet) bool {
	return cs != nil && !cs.IsNegated() && cs.String() == `[\p{So}]`
}

// setMembers lists the members of a simple character class such as
// [Cc], [!¡] or [Ssſ]; ok is false for anything with ranges, categories
// or negation.
func setMembers(cs *syntax.CharSet) ([]string, bool) {
	if cs == nil || cs.IsNegated() || cs.HasSubtraction() {
		return nil, false
	}
	str := cs.String()
	if len(str) < 3 || str[0] != '[' || str[len(str)-1] != ']' {
		return nil, false
	}
	inner := []rune(str[1 : len(str)-1])
	seen := map[string]bool{}
	var out []string
	var members []rune
	for i := 0; i < len(inner); i++ {
		r := inner[i]
		switch {
		case r == '\\':
			if i+1 >= len(inner) || unicode.IsLetter(inner[i+1]) || unicode.IsDigit(inner[i+1]) {
				return nil, false // \w, \p{..}, \d, \s: a category
			}
			i++
			r = inner[i]
		case r == '-' && i > 0:
			return nil, false // a range
		case r == '^' && i == 0:
			return nil, false
		}
		if r == 'ſ' || r == '\u212A' {
			// Case-insensitive matching folds the long s and the Kelvin
			// sign into s and k; no real text spells words with them, and
			// keeping them would multiply every literal set. The
			// prefilter does not look for them.
			continue
		}
		members = append(members, r)
		// An ASCII letter in both cases (how the parser writes a
		// case-insensitive letter) is one lower-case literal; a letter in
		// one case only keeps it, and its hits are checked for it.
		s := string(r)
		if l := unicode.ToLower(r); r < utf8.RuneSelf && unicode.IsLetter(r) && cs.CharIn(l) && cs.CharIn(unicode.ToUpper(r)) {
			s = string(l)
		}
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	for _, r := range members {
		if !cs.CharIn(r) {
			return nil, false
		}
	}
	if len(out) == 0 || len(out) > 16 {
		return nil, false
	}
	return out, true
}

// charLits is the literal set of one character, or nil if it is a letter
// whose case the ASCII lowering cannot cover. A case-sensitive character
// keeps its case: its hits are then checked against the text.
func charLits(r rune, ignoreCase bool) literalSet {
	if !ignoreCase {
		return literalSet{string(r)}
	}
	if r >= utf8.RuneSelf && unicode.IsLetter(r) && unicode.SimpleFold(r) != r {
		return nil
	}
	return literalSet{asciiLower(string(r))}
}

// exact returns every string n can match, when that set is small and
// finite; zero-width assertions match the empty string.
func exact(n *syntax.RegexNode) literalSet {
	if n.Options&syntax.RightToLeft != 0 {
		if n.T == syntax.NtPosLook || n.T == syntax.NtNegLook {
			return literalSet{""} // a lookbehind consumes nothing
		}
		return nil // parsed reversed: no literals from here
	}
	ic := n.Options&syntax.IgnoreCase != 0
	switch n.T {
	case syntax.NtOne:
		return charLits(n.Ch, ic)
	case syntax.NtMulti:
		out := literalSet{""}
		for _, r := range n.Str {
			out = cross(out, charLits(r, ic))
			if out == nil {
				return nil
			}
		}
		return out
	case syntax.NtSet:
		m, ok := setMembers(n.Set)
		if !ok {
			return nil
		}
		return m
	case syntax.NtOneloop, syntax.NtOnelazy, syntax.NtOneloopatomic:
		return repeatRange(charLits(n.Ch, ic), n.M, n.N)
	case syntax.NtSetloop, syntax.NtSetlazy, syntax.NtSetloopatomic:
		m, ok := setMembers(n.Set)
		if !ok {
			return nil
		}
		return repeatRange(m, n.M, n.N)
	case syntax.NtBoundary, syntax.NtECMABoundary, syntax.NtBol, syntax.NtBeginning, syntax.NtEol:
		return literalSet{boundary}
	case syntax.NtNonboundary, syntax.NtStart, syntax.NtNonECMABoundary, syntax.NtEmpty, syntax.NtPosLook, syntax.NtNegLook,
		syntax.NtUpdateBumpalong:
		return literalSet{""}
	case syntax.NtConcatenate:
		out := literalSet{""}
		for _, c := range n.Children {
			out = cross(out, exact(c))
			if out == nil {
				return nil
			}
		}
		return out
	case syntax.NtAlternate:
		var out literalSet
		for _, c := range n.Children {
			e := exact(c)
			if e == nil {
				return nil
			}
			out = union(out, e)
			if out == nil {
				return nil
			}
		}
		return out
	case syntax.NtCapture, syntax.NtGroup, syntax.NtAtomic:
		if len(n.Children) == 1 {
			return exact(n.Children[0])
		}
	case syntax.NtLoop, syntax.NtLazyloop:
		if len(n.Children) == 1 {
			return repeatRange(exact(n.Children[0]), n.M, n.N)
		}
	}
	return nil
}

// repeatRange is every string of min to max copies of s, when that is a
// small range ("(?: that)?" gives "" and " that").
func repeatRange(s literalSet, min, max int) literalSet {
	if s == nil || min < 0 || max < min || max > 4 || max-min > 2 {
		return nil
	}
	var out literalSet
	for k := min; k <= max; k++ {
		out = union(out, repeatLits(s, k))
		if out == nil {
			return nil
		}
	}
	return out
}

// required returns a set of literals one of which every match of n
// contains, or nil when none is known. When col is not nil, every other
// such set found on the way is appended to it.
func required(n *syntax.RegexNode, col *[]literalSet) literalSet {
	if n.Options&syntax.RightToLeft != 0 {
		return nil
	}
	if e := exact(n); e != nil {
		if !nonEmpty(e) {
			return nil // may match without consuming a literal
		}
		return e
	}
	switch n.T {
	case syntax.NtConcatenate:
		var best literalSet
		run := literalSet{""}
		consider := func(r literalSet) {
			if r == nil {
				return
			}
			if col != nil {
				*col = append(*col, r)
			}
			if better(r, best) {
				best = r
			}
		}
		flush := func() {
			if nonEmpty(run) {
				consider(run)
			}
			run = literalSet{""}
		}
		for _, c := range n.Children {
			if c.T == syntax.NtPosLook {
				// A lookahead's text must be there too, next to the match.
				// (Lookbehinds are parsed right to left, reversed: skipped.)
				if c.Options&syntax.RightToLeft != 0 || len(c.Children) != 1 {
					continue
				}
				consider(required(c.Children[0], col))
				continue
			}
			if isSpaceLoop(c) {
				if next := cross(run, literalSet{boundary}); next != nil {
					run = next
				}
				flush()
				run = literalSet{boundary}
				continue
			}
			if e := exact(c); e != nil {
				if next := cross(run, e); next != nil {
					run = next
					continue
				}
				flush()
				run = e
				continue
			}
			if p := loopPrefix(c); p != nil {
				// x{4,}: the run continues with xxxx, then anything.
				if next := cross(run, p); next != nil {
					run = next
				}
				flush()
				continue
			}
			flush()
			consider(required(c, col))
		}
		flush()
		return best
	case syntax.NtAlternate:
		var out literalSet
		for _, c := range n.Children {
			r := required(c, nil) // one branch's needs are not the match's
			if r == nil {
				return nil
			}
			out = union(out, r)
			if out == nil {
				return nil
			}
		}
		return out
	case syntax.NtCapture, syntax.NtGroup, syntax.NtAtomic:
		if len(n.Children) == 1 {
			return required(n.Children[0], col)
		}
	case syntax.NtPosLook:
		if len(n.Children) == 1 && n.Options&syntax.RightToLeft == 0 {
			return required(n.Children[0], col)
		}
	case syntax.NtLoop, syntax.NtLazyloop:
		if len(n.Children) == 1 && n.M >= 1 {
			return required(n.Children[0], col)
		}
	case syntax.NtOneloop, syntax.NtOnelazy, syntax.NtOneloopatomic:
		if n.M >= 1 {
			return charLits(n.Ch, n.Options&syntax.IgnoreCase != 0)
		}
	case syntax.NtSetloop, syntax.NtSetlazy, syntax.NtSetloopatomic:
		if n.M >= 1 {
			if m, ok := setMembers(n.Set); ok {
				return m
			}
			if isSymbolClass(n.Set) {
				return literalSet{emojiLiteral}
			}
			if isDigitClass(n.Set) {
				return literalSet{digitLiteral}
			}
		}
	case syntax.NtSet:
		if isSymbolClass(n.Set) {
			return literalSet{emojiLiteral}
		}
		if isDigitClass(n.Set) {
			return literalSet{digitLiteral}
		}
	}
	return nil
}

func nonEmpty(s literalSet) bool {
	if s == nil {
		return false
	}
	for _, x := range s {
		if core, _, _ := splitLiteral(x); core == "" {
			return false
		}
	}
	return true
}

// loopPrefix returns the literals a repetition of at least M copies of a
// character (or small class) must start with, or nil.
func loopPrefix(n *syntax.RegexNode) literalSet {
	if n.M < 1 {
		return nil
	}
	m := n.M
	if m > 4 {
		m = 4
	}
	switch n.T {
	case syntax.NtOneloop, syntax.NtOnelazy, syntax.NtOneloopatomic:
		return repeatLits(charLits(n.Ch, n.Options&syntax.IgnoreCase != 0), m)
	case syntax.NtSetloop, syntax.NtSetlazy, syntax.NtSetloopatomic:
		if mem, ok := setMembers(n.Set); ok {
			return repeatLits(mem, m)
		}
	}
	return nil
}

// isSpaceLoop reports \s+ and friends: whitespace, so a word boundary.
func isSpaceLoop(n *syntax.RegexNode) bool {
	switch n.T {
	case syntax.NtSetloop, syntax.NtSetlazy, syntax.NtSetloopatomic:
		return n.M >= 1 && n.Set != nil && n.Set.String() == `[\s]`
	case syntax.NtSet:
		return n.Set != nil && n.Set.String() == `[\s]`
	}
	return false
}

func cross(a, b literalSet) literalSet {
	if a == nil || b == nil || len(a)*len(b) > maxLiteralSet {
		return nil
	}
	out := make(literalSet, 0, len(a)*len(b))
	seen := map[string]bool{}
	for _, x := range a {
		for _, y := range b {
			if x == digitLiteral || x == emojiLiteral || y == digitLiteral || y == emojiLiteral {
				// A class stands for one unknown character: nothing is
				// glued to it. After a literal, the literal alone stays
				// (still how the text starts: only prefix sets meet
				// classes here); after what consumes nothing, the class
				// (a boundary is dropped: fewer constraints).
				z := y
				if core, _, _ := splitLiteral(x); core != "" || x == digitLiteral || x == emojiLiteral {
					z = x
				}
				if !seen[z] {
					seen[z] = true
					out = append(out, z)
				}
				continue
			}
			s := strings.ReplaceAll(x+y, boundary+boundary, boundary)
			if len(s) > maxLiteralLen {
				return nil
			}
			if !seen[s] {
				seen[s] = true
				out = append(out, s)
			}
		}
	}
	return out
}

func union(a, b literalSet) literalSet {
	seen := map[string]bool{}
	var out literalSet
	for _, s := range append(append(literalSet{}, a...), b...) {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	if len(out) > maxLiteralSet {
		return nil
	}
	sort.Strings(out)
	return out
}

func repeatLits(s literalSet, n int) literalSet {
	out := literalSet{""}
	for i := 0; i < n; i++ {
		out = cross(out, s)
	}
	return out
}

// acMatcher is an Aho-Corasick automaton over ASCII-lowered bytes.
type acMatcher struct {
	class  [256]uint8 // byte -> class; 0 for bytes in no literal
	nclass int
	shift  uint     // a state's row is 1<<shift entries: a shift, not a multiply, in the scan's critical path
	depth  int      // the longest literal: the state after a byte depends on this many bytes at most
	delta  []uint16 // state<<shift + class -> next state | acHasOut

	out [][]acOut // state -> literals ending here (including via fail links)
}

type acOut struct {
	length      int32
	regex       int32
	also        int8 // 0: a literal of the regex's lits; k: of also[k-1]; alsoPrefix: of its prefixes
	left, right bool // the literal must start / end at a word boundary
	// verify holds a literal with non-ASCII bytes: the automaton sees all
	// of those as one symbol, so its hits are compared with the text.
	verify string
}

func buildAC(lits map[string][]acOut) *acMatcher {
	ac := &acMatcher{nclass: 1}
	keys := make([]string, 0, len(lits))
	for l := range lits {
		if l == "" {
			return nil // an empty literal is found everywhere: no filter
		}
		keys = append(keys, l)
	}
	sort.Strings(keys)
	// Bytes of one class are one symbol to the automaton. Upper and lower
	// case ASCII letters share a class; so do all continuation bytes of
	// multi-byte characters, while each lead byte that starts a character
	// of some literal has a class of its own. That finds a superset of the
	// literals' occurrences ("más" also where "més" is), which hits of
	// such literals are checked against (acOut.verify), and keeps the
	// table small; separate lead bytes keep "¿" from hitting at every "á".
	var cont uint8
	for _, l := range keys {
		for i := 0; i < len(l); i++ {
			c := l[i]
			if ac.class[c] != 0 {
				continue
			}
			if c >= utf8.RuneSelf && !utf8.RuneStart(c) {
				if cont == 0 {
					cont = uint8(ac.nclass)
					ac.nclass++
				}
				ac.class[c] = cont
				continue
			}
			ac.class[c] = uint8(ac.nclass)
			ac.nclass++
			if 'a' <= c && c <= 'z' {
				ac.class[c-'a'+'A'] = ac.class[c]
			}
		}
	}
	if cont != 0 {
		for c := 0x80; c < 0xC0; c++ {
			ac.class[c] = cont
		}
	}
	nc := ac.nclass
	// The trie has one state per distinct prefix of the sorted literals
	// (at most; classes merge some).
	bound := 1
	for i, l := range keys {
		lcp := 0
		if i > 0 {
			for lcp < len(l) && lcp < len(keys[i-1]) && l[lcp] == keys[i-1][lcp] {
				lcp++
			}
		}
		bound += len(l) - lcp
	}
	bound = min(bound, acHasOut)
	// The trie of the literals, states numbered as created: its goto
	// table (0 = none), and each state's parent, class from the parent
	// and depth.
	trie := make([]uint16, nc, bound*nc)
	outs := make([][]acOut, 1, bound)
	parent := make([]int32, 1, bound)
	via := make([]uint8, 1, bound)
	depth := make([]int32, 1, bound)
	for _, l := range keys {
		cur := int32(0)
		for i := 0; i < len(l); i++ {
			c := ac.class[l[i]]
			nx := int32(trie[int(cur)*nc+int(c)])
			if nx == 0 {
				nx = int32(len(outs))
				if nx >= acHasOut {
					return nil // too many literals for one automaton: regexes run unfiltered
				}
				outs = append(outs, nil)
				parent = append(parent, cur)
				via = append(via, c)
				depth = append(depth, depth[cur]+1)
				trie = append(trie, make([]uint16, nc)...)
				trie[int(cur)*nc+int(c)] = uint16(nx)
			}
			cur = nx
		}
		for _, o := range lits[l] {
			if !slices.Contains(outs[cur], o) {
				outs[cur] = append(outs[cur], o)
			}
		}
	}
	n := len(outs)
	// Number the states by depth: scanning prose, the automaton spends
	// nearly all its time in the first few levels, whose rows are then
	// next to each other in memory. A state's failure target is
	// shallower than the state, so in this order it is always complete
	// before it is needed.
	maxDepth := slices.Max(depth)
	ac.depth = int(maxDepth)
	first := make([]int32, maxDepth+2) // first[d]: where depth d starts in order
	for _, dp := range depth {
		first[dp+1]++
	}
	for dp := 1; dp < len(first); dp++ {
		first[dp] += first[dp-1]
	}
	order := make([]int32, n) // order[i]: the state numbered i
	perm := make([]uint16, n) // perm[st]: the number of state st
	for st, dp := range depth {
		order[first[dp]] = int32(st)
		perm[st] = uint16(first[dp])
		first[dp]++
	}
	// Each state's children, in the order they were created, as spans
	// of kids.
	kidStart := make([]int32, n+1)
	for st := 1; st < n; st++ {
		kidStart[parent[st]+1]++
	}
	for st := 1; st <= n; st++ {
		kidStart[st] += kidStart[st-1]
	}
	kids := make([]int32, n)
	fill := slices.Clone(kidStart[:n])
	for st := 1; st < n; st++ {
		p := parent[st]
		kids[fill[p]] = int32(st)
		fill[p]++
	}
	// The automaton: a state's row is its failure target's row with its
	// own children written over it. Targets are stored by number, with
	// acHasOut set on those where literals end.
	ac.shift = uint(bits.Len(uint(nc - 1)))
	stride := 1 << ac.shift
	ac.delta = make([]uint16, n*stride)
	fail := make([]int32, n)
	hasOut := make([]bool, n)
	for _, st := range order {
		row := ac.delta[int(perm[st])*stride : int(perm[st]+1)*stride]
		var frow []uint16 // the failure target's row
		if st != 0 {
			f := fail[st]
			frow = ac.delta[int(perm[f])*stride : int(perm[f]+1)*stride]
			copy(row, frow)
			// A state's outputs are its own, then its failure target's.
			if fo := outs[f]; len(fo) > 0 {
				if len(outs[st]) == 0 {
					outs[st] = fo
				} else {
					outs[st] = append(outs[st][:len(outs[st]):len(outs[st])], fo...)
				}
			}
		}
		for _, ch := range kids[kidStart[st]:kidStart[st+1]] {
			c := via[ch]
			if st != 0 {
				fail[ch] = order[frow[c]&^acHasOut]
			}
			hasOut[ch] = len(outs[ch]) > 0 || hasOut[fail[ch]]
			row[c] = perm[ch]
			if hasOut[ch] {
				row[c] |= acHasOut
			}
		}
	}
	ac.out = make([][]acOut, n)
	for st := 0; st < n; st++ {
		ac.out[perm[st]] = outs[st]
	}
	return ac
}

// acHasOut flags a transition into a state where literals end; the
// states themselves are numbered below it.
const acHasOut = 1 << 15

// scan calls hit for every occurrence of a literal in text[from:to], in
// order of their ends: its byte span, the regex it belongs to and which of
// the regex's literal sets it is from. Word boundaries are checked against
// the whole text.
func (ac *acMatcher) scan(text string, from, to int, hit func(start, end int, regex int32, also int8)) {
	state := 0
	shift := ac.shift & 63 // known to be below 64: no extra check on each shift
	// Locals, so that the loop does not reload them after each hit call.
	delta, class := ac.delta, &ac.class
	for i := from; i < to; i++ {
		next := delta[state<<shift|int(class[text[i]])]
		state = int(next &^ acHasOut)
		if next&acHasOut != 0 {
			ac.report(text, i, state, hit)
		}
	}
}

// report calls hit for the literals that end at byte i, where the
// automaton reached state.
func (ac *acMatcher) report(text string, i, state int, hit func(start, end int, regex int32, also int8)) {
	for k := range ac.out[state] {
		o := &ac.out[state][k]
		a, b := i+1-int(o.length), i+1
		if (o.left && wordBefore(text, a)) || (o.right && wordAt(text, b)) {
			continue
		}
		if o.verify != "" && !literalAt(text[a:b], o.verify) {
			continue
		}
		hit(a, b, o.regex, o.also)
	}
}

// acSplitMin is the shortest text scanText splits into acStreams parts.
const acSplitMin = 256

// acStreams is the number of parts scanText scans side by side.
const acStreams = 4

// acPending is a hit of a later part of a split scan, kept until the
// earlier parts' hits are reported: the byte it ends at, and the state.
type acPending struct{ i, state int32 }

// scanText is scan over a whole text. A long text is cut into acStreams
// parts scanned in one loop, a step of each per turn: each step waits for
// the table row the previous one chose, and independent chains of such
// steps overlap their waits. A part after the first starts depth bytes
// early, in the start state: the state after a byte depends only on the
// last depth bytes, so from the part's own start on it is the state a
// single pass would have. Hits come in the same order as from scan;
// pending holds the later parts' meanwhile.
func (ac *acMatcher) scanText(text string, pending *[acStreams - 1][]acPending, hit func(start, end int, regex int32, also int8)) {
	n := len(text)
	if n < acSplitMin {
		ac.scan(text, 0, n, hit)
		return
	}
	// Part k reports the hits that end in (q[k], q[k+1]], scanning from
	// from[k].
	var q [acStreams + 1]int
	var from [acStreams]int
	for k := range q {
		q[k] = k * n / acStreams
	}
	steps := q[1]
	for k := 1; k < acStreams; k++ {
		from[k] = max(0, q[k]-ac.depth)
		steps = min(steps, q[k+1]-from[k])
	}
	p1, p2, p3 := pending[0][:0], pending[1][:0], pending[2][:0]
	shift := ac.shift & 63 // known to be below 64: no extra check on each shift
	delta, class := ac.delta, &ac.class
	var s0, s1, s2, s3 int
	for k := 0; k < steps; k++ {
		i1, i2, i3 := from[1]+k, from[2]+k, from[3]+k
		n0 := delta[s0<<shift|int(class[text[k]])]
		n1 := delta[s1<<shift|int(class[text[i1]])]
		n2 := delta[s2<<shift|int(class[text[i2]])]
		n3 := delta[s3<<shift|int(class[text[i3]])]
		s0, s1, s2, s3 = int(n0&^acHasOut), int(n1&^acHasOut), int(n2&^acHasOut), int(n3&^acHasOut)
		if (n0|n1|n2|n3)&acHasOut == 0 {
			continue
		}
		if n0&acHasOut != 0 {
			ac.report(text, k, s0, hit)
		}
		if n1&acHasOut != 0 && i1 >= q[1] {
			p1 = append(p1, acPending{int32(i1), int32(s1)})
		}
		if n2&acHasOut != 0 && i2 >= q[2] {
			p2 = append(p2, acPending{int32(i2), int32(s2)})
		}
		if n3&acHasOut != 0 && i3 >= q[3] {
			p3 = append(p3, acPending{int32(i3), int32(s3)})
		}
	}
	// Each part's last steps, one part at a time.
	state := [acStreams]int{s0, s1, s2, s3}
	parts := [acStreams]*[]acPending{nil, &p1, &p2, &p3}
	for k := 0; k < acStreams; k++ {
		st := state[k]
		for i := from[k] + steps; i < q[k+1]; i++ {
			next := delta[st<<shift|int(class[text[i]])]
			st = int(next &^ acHasOut)
			switch {
			case next&acHasOut == 0 || i < q[k]:
			case k == 0:
				ac.report(text, i, st, hit)
			default:
				*parts[k] = append(*parts[k], acPending{int32(i), int32(st)})
			}
		}
	}
	for _, p := range [...][]acPending{p1, p2, p3} {
		for _, h := range p {
			ac.report(text, int(h.i), int(h.state), hit)
		}
	}
	pending[0], pending[1], pending[2] = p1, p2, p3
}

// needsVerify reports whether the automaton's hits of a literal must be
// compared with the text: it has upper-case ASCII letters (from a
// case-sensitive part of its regex; the automaton ignores case) or
// non-ASCII bytes (which the automaton only tells apart by lead byte),
// and no U+FFFD, which a regex also matches where the text has invalid
// bytes.
func needsVerify(lit string) bool {
	need := false
	for i := 0; i < len(lit); i++ {
		if c := lit[i]; c >= utf8.RuneSelf || ('A' <= c && c <= 'Z') {
			need = true
			break
		}
	}
	return need && !strings.ContainsRune(lit, utf8.RuneError)
}

// acKey is the automaton's key for a literal core, and the string its
// hits are verified against, if any.
func acKey(core string) (key, verify string) {
	if needsVerify(core) {
		verify = core
	}
	return asciiLower(core), verify
}

// literalAt reports whether s, a span the automaton matched, may be an
// occurrence of lit: equal, except that an upper-case ASCII letter in s
// matches its lower-case form in lit (case-insensitive parts of a regex
// give lower-case literals; case-sensitive parts keep their case). Literal
// sets already list each case variant of a non-ASCII letter that a
// case-insensitive regex accepts, so those bytes compare exactly.
func literalAt(s, lit string) bool {
	for i := 0; i < len(s); i++ {
		c, l := s[i], lit[i]
		if c != l && !('A' <= c && c <= 'Z' && c+'a'-'A' == l) {
			return false
		}
	}
	return true
}

// window is a byte range of the text a regex must search.
type window struct{ start, end int }

// keepWindows drops the windows of a regex that lack a literal of one of
// its further required sets. hits[k] holds the end offsets, ascending, of
// the literals of also[k] found in the text. Every match lies inside its
// window and contains a literal of each set, so a window without one
// holds no match.
func (s *scratch) keepWindows(text string, ws []window, also []literalSet, hits [][]int32) []window {
	out := ws[:0]
	for _, w := range ws {
		ok := true
		for k, set := range also {
			if isDigitSet(set) {
				ok = s.digitIn(text, w.start, w.end)
			} else {
				h := hits[k]
				i := sort.Search(len(h), func(i int) bool { return int(h[i]) > w.start })
				ok = i < len(h) && int(h[i]) <= w.end
			}
			if !ok {
				break
			}
		}
		if ok {
			out = append(out, w)
		}
	}
	return out
}

// digitClass sorts bytes for the digit scan: 1 for an ASCII digit, 2 for
// a lead byte of U+0640 and above (where the other scripts' decimal
// digits are), 0 for the rest (below U+0640 the only decimal digits are
// ASCII).
var digitClass = func() (t [256]uint8) {
	for c := '0'; c <= '9'; c++ {
		t[c] = 1
	}
	for c := 0xD9; c < 0x100; c++ {
		t[c] = 2
	}
	return
}()

// mayHaveDigit reports whether one of the eight bytes of x is an ASCII
// digit or has its top bit set (then the bytes are looked at one by one).
func mayHaveDigit(x uint64) bool {
	const ones = 0x0101010101010101
	if x&highBits != 0 {
		return true
	}
	// Bytes below 0x80: y has a zero byte where x has '0'..'9', after
	// clearing the low nibble range: (b ^ '0') < 10 for digits.
	y := x ^ (ones * '0')
	// A byte of y below 10: y + (0x80-10) has no top bit, and y < 0x80.
	return ^(y+ones*(0x80-10))&highBits != 0
}

// digitIn reports whether text[a:b] holds a decimal digit (\d: any
// script). The digits of the text are listed once per call, when first
// needed.
func (s *scratch) digitIn(text string, a, b int) bool {
	s.listDigits(text)
	i := sort.Search(len(s.digits), func(i int) bool { return int(s.digits[i]) >= a })
	return i < len(s.digits) && int(s.digits[i]) < b
}

// listDigits fills s.digits with the offsets of the decimal digits of the
// text, once per call.
func (s *scratch) listDigits(text string) {
	if s.digitsDone {
		return
	}
	s.digits = s.digits[:0]
	for i := 0; i < len(text); i++ {
		// Skip eight bytes at a time that hold no ASCII digit and no
		// byte of a character at U+0640 or above: most of any text.
		for i+8 <= len(text) && !mayHaveDigit(load64(text, i)) {
			i += 8
		}
		if i >= len(text) {
			break
		}
		switch digitClass[text[i]] {
		case 0:
			continue
		case 1:
			s.digits = append(s.digits, int32(i))
		case 2:
			r, size := utf8.DecodeRuneInString(text[i:])
			if unicode.IsDigit(r) {
				s.digits = append(s.digits, int32(i))
			}
			i += size - 1
		}
	}
	s.digitsDone = true
}

// windowAround returns the text a regex searches for one literal
// occurrence: from regexFilterReach bytes before it (the regex still sees
// everything to the left, so lookbehinds and \b work) to the end of the
// line at least regexFilterReach bytes after it (so a window never cuts a
// line short).
func windowAround(text string, start, end int) window {
	a := start - regexFilterReach
	if a < 0 {
		a = 0
	}
	for a > 0 && !utf8.RuneStart(text[a]) {
		a--
	}
	b := end + regexFilterReach
	if b > len(text) {
		b = len(text)
	}
	if i := strings.IndexByte(text[b:], '\n'); i >= 0 {
		b += i
	} else {
		b = len(text)
	}
	return window{a, b}
}

// wordBefore reports whether a letter or digit ends just before offset i.
func wordBefore(text string, i int) bool {
	if i <= 0 {
		return false
	}
	c := text[i-1]
	if c < utf8.RuneSelf {
		return c == '_' || ('0' <= c && c <= '9') || ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z')
	}
	r, _ := utf8.DecodeLastRuneInString(text[:i])
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r)
}

// wordAt reports whether a letter or digit starts at offset i.
func wordAt(text string, i int) bool {
	if i >= len(text) {
		return false
	}
	c := text[i]
	if c < utf8.RuneSelf {
		return c == '_' || ('0' <= c && c <= '9') || ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z')
	}
	r, _ := utf8.DecodeRuneInString(text[i:])
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r)
}

// prefixes returns a set of literals one of which every match of the regex
// starts with, or nil. A regex with such a set can be tried only where one
// of them occurs, anchored there, instead of scanning a whole window.
func prefixes(root *syntax.RegexNode) literalSet {
	p, _, nullable := prefixSet(root)
	if p == nil || nullable || !nonEmpty(p) {
		return nil
	}
	return withoutDigitLeads(p)
}

// withoutDigitLeads drops, from a prefix set holding "any digit", the
// literals that start with an ASCII digit: the digit already covers where
// they start.
func withoutDigitLeads(p literalSet) literalSet {
	if !p.has(digitLiteral) {
		return p
	}
	out := make(literalSet, 0, len(p))
	for _, l := range p {
		if core, _, _ := splitLiteral(l); l != digitLiteral && core != "" && '0' <= core[0] && core[0] <= '9' {
			continue
		}
		out = append(out, l)
	}
	return out
}

// skippedPrefixes handles regexes that start with zero-width assertions
// and then a run of a character class, such as `(?m)(?:^|(?<=\.))\s*two
// more weeks`: it returns the class and the literals that follow the run.
// A match then starts at one of those literals or anywhere in the run of
// class characters just before it.
func skippedPrefixes(root *syntax.RegexNode) (*syntax.CharSet, literalSet) {
	n := root
	for (n.T == syntax.NtCapture || n.T == syntax.NtGroup) && len(n.Children) == 1 {
		n = n.Children[0]
	}
	if n.T != syntax.NtConcatenate {
		return nil, nil
	}
	cs := n.Children
	k := 0
	for k < len(cs) {
		if !zeroWidth(cs[k]) {
			break
		}
		k++ // zero-width: "", a boundary, a lookaround
	}
	if k >= len(cs) {
		return nil, nil
	}
	loop := cs[k]
	switch loop.T {
	case syntax.NtSetloop, syntax.NtSetlazy, syntax.NtSetloopatomic:
	default:
		return nil, nil
	}
	if loop.M != 0 || loop.Set == nil || loop.Options&syntax.RightToLeft != 0 {
		return nil, nil
	}
	p, _, nullable := prefixSeq(cs[k+1:])
	if p == nil || nullable || !nonEmpty(p) {
		return nil, nil
	}
	// The run ends where the literal starts: a boundary mark before it
	// belongs to the run's end, which the scan does not check. Drop it.
	p = withoutDigitLeads(p)
	out := make(literalSet, 0, len(p))
	for _, l := range p {
		out = append(out, strings.TrimPrefix(l, boundary))
	}
	return loop.Set, out
}

// prefixSet returns the literal prefixes of the non-empty matches of n;
// complete when they are the whole matches; nullable when n may also match
// the empty string (zero-width assertions are literals: "" or a boundary
// mark, and complete). nil means unknown.
func prefixSet(n *syntax.RegexNode) (p literalSet, complete, nullable bool) {
	if n.Options&syntax.RightToLeft != 0 && n.T != syntax.NtPosLook && n.T != syntax.NtNegLook {
		return nil, false, false
	}
	if e := exact(n); e != nil {
		return e, true, false
	}
	switch n.T {
	case syntax.NtCapture, syntax.NtGroup, syntax.NtAtomic:
		if len(n.Children) == 1 {
			return prefixSet(n.Children[0])
		}
	case syntax.NtConcatenate:
		return prefixSeq(n.Children)
	case syntax.NtAlternate:
		var out literalSet
		complete = true
		for _, c := range n.Children {
			if (c.T == syntax.NtBol || c.T == syntax.NtBeginning) && c.Options&syntax.RightToLeft == 0 {
				// "(?:^|[.!?]\s+)": a branch may start at a line start.
				out = union(out, literalSet{lineStartLiteral})
				complete = false
				continue
			}
			cp, cc, cn := prefixSet(c)
			if cp == nil || cn {
				return nil, false, false
			}
			if out = union(out, cp); out == nil {
				return nil, false, false
			}
			complete = complete && cc
		}
		return out, complete, false
	case syntax.NtLoop, syntax.NtLazyloop:
		if len(n.Children) != 1 {
			return nil, false, false
		}
		cp, _, cn := prefixSet(n.Children[0])
		if cp == nil || cn {
			return nil, false, false
		}
		return cp, false, n.M == 0
	}
	if isSpaceLoop(n) {
		return literalSet{boundary}, false, false
	}
	if lp := loopPrefix(n); lp != nil {
		return lp, false, false
	}
	switch n.T {
	case syntax.NtSet:
		if isDigitClass(n.Set) {
			return literalSet{digitLiteral}, false, false
		}
		if isSymbolClass(n.Set) {
			return literalSet{emojiLiteral}, false, false
		}
	case syntax.NtSetloop, syntax.NtSetlazy, syntax.NtSetloopatomic:
		if isDigitClass(n.Set) && n.M >= 1 {
			return literalSet{digitLiteral}, false, false
		}
		if isSymbolClass(n.Set) && n.M >= 1 {
			return literalSet{emojiLiteral}, false, false
		}
	}
	return nil, false, false
}

// zeroWidth reports a node that consumes nothing: an assertion or a
// lookaround.
func zeroWidth(n *syntax.RegexNode) bool {
	if n.Options&syntax.RightToLeft != 0 && n.T != syntax.NtPosLook && n.T != syntax.NtNegLook {
		return false
	}
	e := exact(n)
	if e == nil {
		return false
	}
	for _, x := range e {
		if core, _, _ := splitLiteral(x); core != "" {
			return false
		}
	}
	return true
}

// usablePrefixes reports whether a prefix set is worth trying anchored:
// its literals are usable, and "any digit" or "any symbol" may be among
// them (digits are listed, symbols found, once per text).
//
// Prefixes are only looked for where a regex's required literals opened
// a window, so common ones (".", "a", "he") are fine; what a prefix set
// must not hold is a literal that consumes nothing.
func usablePrefixes(p literalSet) bool {
	for _, l := range p {
		if l == digitLiteral || l == emojiLiteral || l == lineStartLiteral {
			continue
		}
		if core, _, _ := splitLiteral(l); core == "" {
			return false
		}
	}
	return len(p) > 0
}

// prefixSeq is prefixSet of a concatenation.
func prefixSeq(cs []*syntax.RegexNode) (literalSet, bool, bool) {
	if len(cs) == 0 {
		return literalSet{""}, true, true
	}
	p, complete, nullable := prefixSet(cs[0])
	if p == nil {
		return nil, false, false
	}
	var out literalSet
	if complete {
		rest, rc, rn := prefixSeq(cs[1:])
		if rest == nil {
			if !nonEmpty(p) {
				return nil, false, false
			}
			return p, false, false
		}
		out = cross(p, rest)
		if out == nil {
			if !nonEmpty(p) {
				// p consumes nothing (a \b before literals too long to
				// join it to): matches start with rest, less its
				// boundary condition.
				return rest, false, rn
			}
			return p, false, false
		}
		return out, rc, rn && !nonEmpty(p)
	}
	out = p
	if nullable {
		rest, _, rn := prefixSeq(cs[1:])
		if rest == nil || rn {
			return nil, false, false
		}
		if out = union(out, rest); out == nil {
			return nil, false, false
		}
	}
	return out, false, false
}
