package detect

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/redflag-go/redflag/detect/internal/token"
)

// Streaming limits.
const (
	// StreamChunk is how much new text ScoreReader analyses at a time.
	StreamChunk = 64 << 10
	// StreamOverlap is how much already-analysed text is kept in front of
	// each chunk, so that a match crossing the cut is still found.
	StreamOverlap = 4 << 10
)

// ScoreReader scores a document of any length read from rd, in memory
// bounded by StreamChunk and StreamOverlap plus the matches found.
//
// The text is analysed in chunks cut at line breaks (or, for very long
// lines, at spaces). Each chunk is analysed together with the end of the
// previous one, and a match is kept only if it ends in the new part, so a
// match that crosses a cut is found once. Offsets in the report are byte
// offsets into the whole stream. Repeats and length scaling apply to the
// document as a whole, as with Score. Features that describe a whole text
// (caps-ratio, emoji-density, listicle-number, second-person-headline)
// are judged per chunk, and a regex anchored to the end of the whole text
// (`$` without (?m), `\z`) sees the end of each chunk as an end.
func (d *Detector) ScoreReader(rd io.Reader) (Report, error) {
	var r Report
	s := d.pool.get(StreamChunk)
	defer d.pool.put(s)
	buf := make([]byte, 0, StreamOverlap+2*StreamChunk)
	var (
		keep    int // bytes at the front of buf already analysed (overlap)
		base    int // stream offset of buf[0]
		words   int
		errs    []error
		eof     bool
		scratch []Match
	)
	for !eof || len(buf) > keep {
		// Fill up to one chunk of new text.
		for !eof && len(buf)-keep < StreamChunk {
			if cap(buf)-len(buf) < 4096 {
				nb := make([]byte, len(buf), 2*cap(buf))
				copy(nb, buf)
				buf = nb
			}
			n, err := rd.Read(buf[len(buf):cap(buf)])
			buf = buf[:len(buf)+n]
			if errors.Is(err, io.EOF) {
				eof = true
			} else if err != nil {
				d.finalize(&r, words, &s.ranker)
				return r, err
			}
		}
		cut := len(buf)
		if !eof {
			cut = cutPoint(buf, keep)
		}
		window := string(buf[:cut])
		scratch = scratch[:0]
		_, es := d.analyze(s, window, &scratch)
		errs = append(errs, es...)
		// Count only the words of the new part.
		for i := range s.tok.Tokens {
			if t := &s.tok.Tokens[i]; int(t.Start) >= keep && t.Kind == token.Word {
				words++
			}
		}
		for _, m := range scratch {
			if m.End <= keep {
				continue // found with the previous chunk
			}
			m.Start += base
			m.End += base
			m.Sentence.Start += base
			m.Sentence.End += base
			m.Text = strings.Clone(m.Text)
			r.Matches = append(r.Matches, m)
		}
		if eof && cut == len(buf) {
			break
		}
		// Keep the tail of what was analysed as the next overlap.
		ov := overlapStart(buf[:cut])
		base += ov
		buf = append(buf[:0], buf[ov:]...)
		keep = cut - ov
	}
	s.text = ""
	d.finalize(&r, words, &s.ranker)
	return r, joinErrors(errs)
}

// cutPoint chooses where to end the chunk in buf (new text starts at
// keep): after the last line break, else after the last space, else at
// the last rune boundary.
func cutPoint(buf []byte, keep int) int {
	if i := bytes.LastIndexByte(buf[keep:], '\n'); i >= 0 {
		return keep + i + 1
	}
	if i := bytes.LastIndexAny(buf[keep:], " \t"); i >= 0 {
		return keep + i + 1
	}
	end := len(buf)
	for end > keep && !utf8.RuneStart(buf[end-1]) {
		end--
	}
	if end > keep {
		end-- // the rune starting at end-1 may be incomplete
	}
	if end <= keep {
		return len(buf)
	}
	return end
}

// overlapStart returns where the overlap kept from an analysed window
// begins: at most StreamOverlap bytes from its end, at a line start or
// space when there is one.
func overlapStart(w []byte) int {
	if len(w) <= StreamOverlap {
		return 0
	}
	from := len(w) - StreamOverlap
	if i := bytes.IndexByte(w[from:], '\n'); i >= 0 && from+i+1 < len(w) {
		return from + i + 1
	}
	if i := bytes.IndexAny(w[from:], " \t"); i >= 0 {
		return from + i + 1
	}
	for from < len(w) && !utf8.RuneStart(w[from]) {
		from++
	}
	return from
}
