package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redflag-go/redflag/detect"
)

// counters count verdicts; safe for concurrent use.
type counters struct {
	messages, allow, review, block, escalated, errors atomic.Int64
}

func (c *counters) add(v *Verdict) {
	c.messages.Add(1)
	switch v.Action {
	case Allow:
		c.allow.Add(1)
	case Review:
		c.review.Add(1)
	case Block:
		c.block.Add(1)
	default:
		c.errors.Add(1)
	}
	if v.EscalatedFrom != "" {
		c.escalated.Add(1)
	}
}

// streamStats sums up one run over standard input.
type streamStats struct {
	Messages, Allow, Review, Block, Escalated, Errors int64
	Elapsed                                           time.Duration
}

// String is the one-line summary logged at the end of a run.
func (s streamStats) String() string {
	rate := 0.0
	if s.Elapsed > 0 {
		rate = float64(s.Messages) / s.Elapsed.Seconds()
	}
	return fmt.Sprintf("%d messages in %v (%.0f messages/s): %d allow, %d review, %d block (%d escalated), %d errors",
		s.Messages, s.Elapsed.Round(time.Millisecond), rate, s.Allow, s.Review, s.Block, s.Escalated, s.Errors)
}

// job is one input line on its way through the pipeline.
type job struct {
	line int
	raw  []byte
	v    Verdict
	// out is v already encoded by the worker, when escalation cannot
	// change it (allowed, anonymous or unreadable messages): the writer
	// then only copies bytes. Empty otherwise.
	out  []byte
	done chan struct{} // closed when v is ready
}

// lineItem is what the reader hands to the dispatcher.
type lineItem struct {
	n       int
	raw     []byte
	tooLong bool
	err     error
}

// serveStream reads messages from in, one JSON object per line, and
// writes one verdict line per message to out, in input order.
//
// The pipeline: a reader splits lines; the dispatcher hands each line to
// a pool of workers (cfg.workers, sharing the rule set in force) and, in
// the same order, to the writer, which waits for each verdict in turn,
// applies the escalation (so repeat-offender counts follow input order),
// and writes it. At most 4×workers lines are in flight.
//
// It returns at the end of in, or when ctx is done: then it stops taking
// lines and writes the verdicts of the lines it took.
func (b *bot) serveStream(ctx context.Context, in io.Reader, out io.Writer) (streamStats, error) {
	start := time.Now()
	workers := b.cfg.workers
	jobs := make(chan *job, workers)
	order := make(chan *job, 4*workers)
	lines := make(chan lineItem)
	stop := make(chan struct{})
	defer close(stop)

	// Reader. It may stay blocked in in.Read after ctx is done; it exits
	// at its next line.
	go func() {
		defer close(lines)
		br := bufio.NewReaderSize(in, 64<<10)
		for n := 1; ; n++ {
			raw, tooLong, err := readLine(br, b.cfg.maxBytes)
			if errors.Is(err, io.EOF) {
				return
			}
			if err == nil && !tooLong && len(bytes.TrimSpace(raw)) == 0 {
				continue // blank line
			}
			select {
			case lines <- lineItem{n: n, raw: raw, tooLong: tooLong, err: err}:
			case <-stop:
				return
			}
			if err != nil {
				return
			}
		}
	}()

	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rep := new(detect.Report) // reused: scoring allocates little
			var buf bytes.Buffer
			enc := json.NewEncoder(&buf)
			enc.SetEscapeHTML(false)
			for j := range jobs {
				j.v = b.scoreLine(rep, j.line, j.raw)
				if !b.mayEscalate(&j.v) {
					buf.Reset()
					if enc.Encode(j.v.wire()) == nil {
						j.out = bytes.Clone(buf.Bytes())
					}
				}
				close(j.done)
			}
		}()
	}

	// Writer.
	var st streamStats
	var writeErr error
	written := make(chan struct{})
	go func() {
		defer close(written)
		bw := bufio.NewWriterSize(out, 64<<10)
		enc := json.NewEncoder(bw)
		enc.SetEscapeHTML(false)
		for j := range order {
			<-j.done
			b.escalate(&j.v)
			b.counts.add(&j.v)
			st.count(&j.v)
			if writeErr != nil {
				continue // keep draining so that nothing blocks
			}
			var err error
			if j.out != nil {
				_, err = bw.Write(j.out)
			} else {
				err = enc.Encode(j.v.wire())
			}
			if err != nil {
				writeErr = err
				continue
			}
			if len(order) == 0 { // nothing ready behind it: let it out now
				if err := bw.Flush(); err != nil {
					writeErr = err
				}
			}
		}
		if writeErr == nil {
			writeErr = bw.Flush()
		}
	}()

	// Dispatcher.
	var readErr error
dispatch:
	for {
		select {
		case <-ctx.Done():
			break dispatch
		case it, ok := <-lines:
			if !ok {
				break dispatch
			}
			if it.err != nil {
				readErr = fmt.Errorf("reading messages at line %d: %v", it.n, it.err)
				break dispatch
			}
			j := &job{line: it.n, raw: it.raw, done: make(chan struct{})}
			if it.tooLong {
				j.v = Verdict{Line: it.n, Error: fmt.Sprintf("line %d is longer than %d bytes: split the message, or raise -max-bytes", it.n, b.cfg.maxBytes)}
				close(j.done)
			} else {
				jobs <- j
			}
			order <- j
		}
	}
	close(jobs)
	close(order)
	wg.Wait()
	<-written
	st.Elapsed = time.Since(start)
	if writeErr != nil {
		return st, fmt.Errorf("writing verdicts: %v", writeErr)
	}
	return st, readErr
}

func (s *streamStats) count(v *Verdict) {
	s.Messages++
	switch v.Action {
	case Allow:
		s.Allow++
	case Review:
		s.Review++
	case Block:
		s.Block++
	default:
		s.Errors++
	}
	if v.EscalatedFrom != "" {
		s.Escalated++
	}
}

// scoreLine decodes and scores one input line.
func (b *bot) scoreLine(rep *detect.Report, line int, raw []byte) Verdict {
	m, err := decodeMessage(raw)
	if err != nil {
		return Verdict{Line: line, Error: fmt.Sprintf("line %d: %v", line, err)}
	}
	v := b.score(rep, &m)
	v.Line = line
	return v
}

// readLine returns the next line of br without its line ending, in a new
// slice. A line longer than max bytes is read to its end and dropped:
// tooLong is true and line is nil. At the end of the input it returns
// io.EOF.
func readLine(br *bufio.Reader, max int) (line []byte, tooLong bool, err error) {
	for {
		chunk, err := br.ReadSlice('\n')
		if !tooLong {
			if len(line)+len(chunk) > max+2 { // room for "\r\n"
				tooLong, line = true, nil
			} else {
				line = append(line, chunk...)
			}
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		if err != nil && !errors.Is(err, io.EOF) {
			return nil, false, err
		}
		if errors.Is(err, io.EOF) && len(chunk) == 0 && line == nil && !tooLong {
			return nil, false, io.EOF
		}
		line = bytes.TrimSuffix(line, []byte("\n"))
		line = bytes.TrimSuffix(line, []byte("\r"))
		if !tooLong && len(line) > max {
			tooLong, line = true, nil
		}
		return line, tooLong, nil
	}
}
