package main

// This file holds the progress bar shown on standard error while many
// files or a long input are scored.

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"
)

// When the progress bar appears: only on a terminal, only for work worth
// watching (progressMinFiles files or more, or progressMinBytes of input),
// and only once it has run for progressDelay, so that quick runs never
// flash a bar. Tests change progressDelay.
var (
	progressDelay    = 300 * time.Millisecond
	progressMinFiles = 8
	progressMinBytes = int64(1 << 20)
)

// isTerminalWriter reports whether w is a terminal.
func isTerminalWriter(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// progress counts scored bytes and files and draws a bar on a terminal.
// All methods are safe for concurrent use and do nothing on a nil
// *progress, which is what newProgress returns when w is not a terminal.
type progress struct {
	mu sync.Mutex
	w  io.Writer
	// bar counts from the start, so that its rate and time left are
	// right, but writes nothing until shown.
	bar       *progressbar.ProgressBar
	shown     bool  // the run is worth a bar: it may draw
	total     int64 // bytes of all sources; -1 if one has no known size
	files     int
	filesDone int
	done      int64
	desc      string // the bar's description
	start     time.Time
	finished  bool
	drawn     bool // the bar wrote to w since it was last cleared
}

// barWriter is what the bar writes to: nothing reaches w until the bar is
// shown, and it notes when the bar draws itself (anything but the
// carriage returns and spaces that erase it). It is only written to with
// p.mu held.
type barWriter struct{ p *progress }

// Write implements io.Writer.
func (b barWriter) Write(x []byte) (int, error) {
	if !b.p.shown {
		return len(x), nil
	}
	if len(bytes.Trim(x, "\r ")) > 0 {
		b.p.drawn = true
	}
	return b.p.w.Write(x)
}

// newProgress returns a progress for scoring srcs, drawn on w, or nil
// when w is not a terminal.
func newProgress(w io.Writer, srcs []source) *progress {
	if !isTerminalWriter(w) {
		return nil
	}
	p := &progress{w: w, files: len(srcs), start: time.Now()}
	for _, s := range srcs {
		if s.size < 0 {
			p.total = -1
			break
		}
		p.total += s.size
	}
	p.desc = p.describe()
	// The bar is made now, and its clock started, even though it stays
	// hidden for a while: made later, it would count the bytes scored
	// before as done in no time (a first reading of many GB/s).
	p.bar = progressbar.NewOptions64(p.total,
		progressbar.OptionSetWriter(barWriter{p}),
		progressbar.OptionSetDescription(p.desc),
		progressbar.OptionShowBytes(true),
		progressbar.OptionSetWidth(30),
		progressbar.OptionThrottle(100*time.Millisecond),
		progressbar.OptionClearOnFinish(),
		// No ticker goroutine: the bar is drawn only from update,
		// under p.mu, so clear never races with a redraw.
		progressbar.OptionSetSpinnerChangeInterval(0),
	)
	p.bar.StartWithoutRender()
	return p
}

// add records n more bytes scored.
func (p *progress) add(n int64) {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.done += n
	p.update()
}

// fileDone records one more source scored.
func (p *progress) fileDone() {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.filesDone++
	p.update()
}

// update shows the bar once it is worth showing and redraws it. p.mu is
// held.
func (p *progress) update() {
	if p.finished {
		return
	}
	if !p.shown {
		big := p.files >= progressMinFiles || p.total >= progressMinBytes || p.done >= progressMinBytes
		p.shown = big && time.Since(p.start) >= progressDelay
	}
	_ = p.bar.Set64(p.done)
	if d := p.describe(); d != p.desc {
		// Describe redraws the bar, which Set64 may just have done.
		p.desc = d
		p.bar.Describe(d)
	}
}

func (p *progress) describe() string {
	if p.files == 1 {
		return "scoring"
	}
	return fmt.Sprintf("scoring %d/%d files", p.filesDone, p.files)
}

// clear erases the bar, if shown, before other output goes to the
// terminal; the next update draws it again.
func (p *progress) clear() {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.finished && p.drawn {
		_ = p.bar.Clear()
		p.drawn = false
	}
}

// finish erases the bar for good.
func (p *progress) finish() {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.finished && p.drawn {
		_ = p.bar.Clear()
		_ = p.bar.Exit()
	}
	p.finished = true
}

// printf writes a message to the progress writer, clearing the bar first.
func (p *progress) printf(w io.Writer, format string, args ...any) {
	p.clear()
	fmt.Fprintf(w, format, args...)
}

// clearingWriter erases the progress bar before each write, so that
// output to a terminal the bar shares is not garbled.
type clearingWriter struct {
	w io.Writer
	p *progress
}

// Write implements io.Writer.
func (c clearingWriter) Write(b []byte) (int, error) {
	c.p.clear()
	return c.w.Write(b)
}
