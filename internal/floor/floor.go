// Package floor is the ceiling redflag's speed is measured against: read
// the text, lowercase it and split it into Unicode word tokens, nothing
// else. The Floor benchmark of package detect and the scorecost command
// both run it.
package floor

import (
	"unicode"
	"unicode/utf8"
)

// Tokens lowercases text into buf and records the byte span of each run
// of letters and digits in spans, reusing both, and returns them.
func Tokens(text string, buf []byte, spans [][2]int32) ([]byte, [][2]int32) {
	buf, spans = buf[:0], spans[:0]
	start := -1
	for i, r := range text {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			if start < 0 {
				start = i
			}
			buf = utf8.AppendRune(buf, unicode.ToLower(r))
		} else if start >= 0 {
			spans = append(spans, [2]int32{int32(start), int32(i)})
			start = -1
		}
	}
	if start >= 0 {
		spans = append(spans, [2]int32{int32(start), int32(len(text))})
	}
	return buf, spans
}
