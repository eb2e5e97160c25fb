package detect_test

import (
	"testing"

	"github.com/redflag-go/redflag/detect"
	"github.com/redflag-go/redflag/lexicon"
)

func BenchmarkNoRegex(b *testing.B) {
	lexs, _ := lexicon.Builtin()
	var out []*lexicon.Lexicon
	for _, l := range lexs {
		c := *l
		c.Entries = nil
		for _, e := range l.Entries {
			if len(e.Regex) == 0 {
				c.Entries = append(c.Entries, e)
			}
		}
		out = append(out, &c)
	}
	d, _ := detect.Compile(out)
	for _, lang := range []string{"en", "es"} {
		b.Run(lang, func(b *testing.B) {
			text := loadProse(b, lang)
			var r detect.Report
			b.SetBytes(int64(len(text)))
			for i := 0; i < b.N; i++ {
				_ = d.ScoreTo(&r, text)
			}
		})
	}
}
