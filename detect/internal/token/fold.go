package token

import (
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// foldTableSize covers Latin, Greek, Cyrillic, general punctuation and the
// full-width forms block, where nearly all text we fold lives.
const foldTableSize = 0x10000

var (
	foldOnce  sync.Once
	foldTable []string // rune -> folded form; "" means "drop this rune"
	foldSame  []bool   // rune -> folded form equals the rune itself
)

func initFold() {
	foldTable = make([]string, foldTableSize)
	foldSame = make([]bool, foldTableSize)
	for r := rune(0); r < foldTableSize; r++ {
		if r >= 0xD800 && r <= 0xDFFF {
			continue
		}
		f := foldSlow(r)
		foldTable[r] = f
		foldSame[r] = f == string(r)
	}
}

// foldSlow returns the folded form of one rune: compatibility
// decomposition (full-width and stylised forms become plain letters),
// combining marks removed, lowercased.
func foldSlow(r rune) string {
	if r < utf8.RuneSelf {
		if 'A' <= r && r <= 'Z' {
			r += 'a' - 'A'
		}
		return string(r)
	}
	if !utf8.ValidRune(r) {
		return ""
	}
	d := norm.NFKD.String(string(r))
	out := make([]rune, 0, len(d))
	for _, c := range d {
		if unicode.Is(unicode.Mn, c) {
			continue
		}
		out = append(out, unicode.ToLower(c))
	}
	return string(out)
}

// AppendFold appends the folded form of r to dst: lowercase, without
// diacritics, compatibility forms replaced by their plain letters.
func AppendFold(dst []byte, r rune) []byte {
	if r < utf8.RuneSelf {
		if 'A' <= r && r <= 'Z' {
			r += 'a' - 'A'
		}
		return append(dst, byte(r))
	}
	if r < foldTableSize {
		foldOnce.Do(initFold)
		return append(dst, foldTable[r]...)
	}
	return append(dst, foldSlow(r)...)
}

// Fold returns the folded form of s (see AppendFold).
func Fold(s string) string {
	var b []byte
	for _, r := range s {
		b = AppendFold(b, r)
	}
	return string(b)
}
