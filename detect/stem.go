package detect

import (
	"github.com/kljensen/snowball/english"
	"github.com/kljensen/snowball/french"
	"github.com/kljensen/snowball/hungarian"
	"github.com/kljensen/snowball/norwegian"
	"github.com/kljensen/snowball/russian"
	"github.com/kljensen/snowball/spanish"
	"github.com/kljensen/snowball/swedish"
)

// stemmerFor returns the Snowball stemmer for a language code, resolved
// once at compile time, or nil when the language is matched unstemmed.
// Words reach the stemmer already folded (lowercase, no diacritics), both
// from lexicon phrases and from input, so the two sides always agree.
func stemmerFor(lang string) func(string) string {
	var f func(string, bool) string
	switch lang {
	case "en":
		f = english.Stem
	case "es":
		f = spanish.Stem
	case "fr":
		f = french.Stem
	case "ru":
		f = russian.Stem
	case "sv":
		f = swedish.Stem
	case "no", "nb":
		f = norwegian.Stem
	case "hu":
		f = hungarian.Stem
	default:
		return nil
	}
	return func(w string) string { return f(w, true) }
}
