package detect

// A prefilter answers, without stemming, "can this folded word possibly
// stem to one of the lexicon's stems?". It may say yes wrongly (then the
// word is stemmed and looked up for nothing) but never no wrongly: that is
// checked against real text by TestPrefilterNoFalseNegatives.
//
// Snowball stemmers only rewrite the end of a word: a stem S of a word W
// agrees with W on all but its last few letters (English "happi" from
// "happy", "hope" from "hoping", Spanish "eficient" from "eficiencia").
// So W can only stem to S if W starts with core(S) = S minus its last
// `slack` bytes (never fewer than one). The prefilter records the 1-, 2-,
// 3- and 4-byte prefixes of every core in a small bit set; a word passes if
// one of its own prefixes of those lengths is a whole core (cores of 1-3
// bytes) or the first 4 bytes of a core.

type prefilter struct {
	slack int
	keys  []uint32 // hashed cores, until build
	bits  []uint64
	mask  uint32
}

func newPrefilter(slack int) *prefilter {
	return &prefilter{slack: slack}
}

// build sizes the bit set to the number of cores (about 32 bits per core,
// so few false positives) and fills it. It is called once, after the last
// add; a prefilter with no cores refuses everything.
func (p *prefilter) build() {
	n := uint32(512)
	for n < 32*uint32(len(p.keys)) && n < 1<<22 {
		n <<= 1
	}
	p.bits = make([]uint64, n/64)
	p.mask = n - 1
	for _, k := range p.keys {
		k &= p.mask
		p.bits[k>>6] |= 1 << (k & 63)
	}
	p.keys = nil
}

// slackFor returns how many trailing bytes of a stem may differ from the
// word it came from, per language. Unstemmed groups compare whole words.
func slackFor(lang string) int {
	switch lang {
	case "":
		return 0
	case "en":
		return 2
	}
	return 3
}

// pfKey hashes the first n bytes of b; short cores (whole cores of 1-3
// bytes) and 4-byte prefixes of longer cores use different tags.
func pfKey(short bool, n int, b []byte) uint32 {
	k := uint32(n) * 0x9E3779B1
	if short {
		k ^= 0x5bd1e995
	}
	for i := 0; i < n; i++ {
		k = (k ^ uint32(b[i])) * 0x01000193
	}
	return k ^ k>>15
}

func (p *prefilter) set(k uint32) { p.keys = append(p.keys, k) }

func (p *prefilter) has(k uint32) bool {
	k &= p.mask
	return p.bits[k>>6]&(1<<(k&63)) != 0
}

// add records a stem (or, for the unstemmed group, a whole word).
func (p *prefilter) add(stem string) {
	n := len(stem) - p.slack
	if n < 1 {
		n = 1
	}
	if n > len(stem) {
		n = len(stem)
	}
	if n == 0 {
		return
	}
	b := []byte(stem[:n])
	if n < 4 {
		p.set(pfKey(true, n, b)) // a whole short core
		return
	}
	p.set(pfKey(false, 4, b))
}

// pfKeys are the four prefix hashes of one word, computed once and
// checked against every prefilter.
type pfKeys struct {
	k [4]uint32
	n int // how many are valid: short cores 1..3, then the 4-byte prefix
}

func keysOf(w []byte) pfKeys {
	var ks pfKeys
	for n := 1; n <= 3 && n <= len(w); n++ {
		ks.k[ks.n] = pfKey(true, n, w)
		ks.n++
	}
	if len(w) >= 4 {
		ks.k[3] = pfKey(false, 4, w)
	}
	return ks
}

// passKeys is pass with precomputed keys.
func (p *prefilter) passKeys(ks *pfKeys, long bool) bool {
	for i := 0; i < ks.n; i++ {
		if p.has(ks.k[i]) {
			return true
		}
	}
	return long && p.has(ks.k[3])
}

// pass reports whether the folded word w may stem to a recorded stem.
func (p *prefilter) pass(w []byte) bool {
	for n := 1; n <= 3 && n <= len(w); n++ {
		if p.has(pfKey(true, n, w)) {
			return true
		}
	}
	return len(w) >= 4 && p.has(pfKey(false, 4, w))
}
