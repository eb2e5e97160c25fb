package main

// This file turns the command line's file arguments into texts and scores
// them: directories are walked, files are read whole or line by line, and
// -j workers score files in parallel while the results come out in the
// order of the arguments (and, inside a directory, in walk order).

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/redflag-go/redflag/detect"
)

// source is one input: a file named on the command line, a file found by
// walking a directory, or standard input ("-").
type source struct {
	name string // the path as given or found, or "-" for standard input
	size int64  // in bytes; -1 when not known in advance (standard input)
}

func (s source) isStdin() bool { return s.name == "-" }

// sniffBytes is how much of a file found in a directory is read to decide
// whether it is text.
const sniffBytes = 8 << 10

// expandArgs turns file arguments into sources, in order. No arguments
// means standard input. A directory is walked with filepath.WalkDir, in
// lexical order; within it a file is scored only when it looks like text
// (see walkDir). Files named explicitly are always scored.
func expandArgs(args []string) ([]source, error) {
	if len(args) == 0 {
		return []source{{name: "-", size: -1}}, nil
	}
	var out []source
	for _, a := range args {
		if a == "-" {
			out = append(out, source{name: "-", size: -1})
			continue
		}
		st, err := os.Stat(a)
		if err != nil {
			return nil, fmt.Errorf("cannot read %s: %v", a, unwrapPath(err))
		}
		if !st.IsDir() {
			size := st.Size()
			if !st.Mode().IsRegular() {
				size = -1 // a pipe or a device: its size says nothing
			}
			out = append(out, source{name: a, size: size})
			continue
		}
		found, err := walkDir(a)
		if err != nil {
			return nil, err
		}
		out = append(out, found...)
	}
	return out, nil
}

// walkDir lists the text files under root, in lexical walk order. The rule:
//
//   - a directory or file whose name starts with "." (.git, .cache,
//     .DS_Store) is skipped, except root itself;
//   - only regular files count: symbolic links, devices and sockets are
//     skipped (so a walk never follows a link out of the tree); root
//     itself may be a link to a directory, which is walked;
//   - a file is scored when its first 8 KiB contain no NUL byte and are
//     valid UTF-8 (a character cut at the 8 KiB mark is fine): that keeps
//     out images, archives, PDFs and Latin-1 or UTF-16 text, whatever the
//     file's extension. Empty files are text.
func walkDir(root string) ([]source, error) {
	var out []source
	root = throughLink(root)
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return fmt.Errorf("cannot read %s: %v", path, unwrapPath(err))
		}
		hidden := strings.HasPrefix(d.Name(), ".") && path != root
		if d.IsDir() {
			if hidden {
				return filepath.SkipDir
			}
			return nil
		}
		if hidden || !d.Type().IsRegular() {
			return nil
		}
		text, size, err := looksLikeText(path)
		if err != nil {
			return fmt.Errorf("cannot read %s: %v", path, unwrapPath(err))
		}
		if text {
			out = append(out, source{name: path, size: size})
		}
		return nil
	})
	return out, err
}

// throughLink returns p with a trailing separator when it is a symbolic
// link to a directory, so that a walk goes through it: filepath.WalkDir
// (and lexicon.LoadFiles) given the link itself report the link alone,
// and a walk that skips links finds nothing. The paths found below still
// read p/name.
func throughLink(p string) string {
	if li, err := os.Lstat(p); err == nil && li.Mode()&fs.ModeSymlink != 0 {
		if fi, err := os.Stat(p); err == nil && fi.IsDir() {
			return p + string(filepath.Separator)
		}
	}
	return p
}

// looksLikeText reports whether the start of the file at path looks like
// UTF-8 text, and the file's size.
func looksLikeText(path string) (bool, int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return false, 0, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return false, 0, err
	}
	buf := make([]byte, sniffBytes)
	n, err := io.ReadFull(f, buf)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return false, 0, err
	}
	return isText(buf[:n], n == sniffBytes), st.Size(), nil
}

// isText reports whether b has no NUL byte and is valid UTF-8. When b is
// only the start of a longer file (cut), an incomplete character at its
// end is allowed.
func isText(b []byte, cut bool) bool {
	if bytes.IndexByte(b, 0) >= 0 {
		return false
	}
	if cut {
		// Drop a character the cut split: its first bytes are a valid but
		// incomplete encoding.
		for i := len(b) - 1; i >= 0 && i >= len(b)-utf8.UTFMax; i-- {
			if utf8.RuneStart(b[i]) {
				if !utf8.FullRune(b[i:]) {
					b = b[:i]
				}
				break
			}
		}
	}
	return utf8.Valid(b)
}

// unit is one scored text: a whole file, or one line of it with -lines.
type unit struct {
	input
	offset int // byte offset of text in its file (0 for a whole file)
	rep    detect.Report
	err    error // a scoring error (regex timeout); the report holds the rest
}

// doc is the work on one source: its scored units come out of units, in
// text order; err, valid once units is closed, is a read error.
type doc struct {
	src   source
	units chan unit
	err   error
}

// scorer scores sources with up to jobs workers.
type scorer struct {
	d        *detect.Detector
	lines    bool
	jobs     int
	stdin    io.Reader
	stdinMu  sync.Mutex // "-" may be given twice: read it once at a time
	progress *progress  // may be nil
}

// run scores every source and calls emit for each unit, in source order
// and text order, from the calling goroutine; next is called before the
// units of each new source. Files are read and scored in parallel, at most
// s.jobs at a time, and at most a few files run ahead of the one being
// emitted. run returns the first read error, or the first error from emit,
// after every worker has stopped.
func (s *scorer) run(srcs []source, next func(source), emit func(unit, bool) error) error {
	jobs := max(s.jobs, 1)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	sem := make(chan struct{}, jobs)
	docs := make(chan *doc, jobs)
	wg.Go(func() {
		defer close(docs)
		for _, src := range srcs {
			select {
			case sem <- struct{}{}:
			case <-stop:
				return
			}
			dc := &doc{src: src, units: make(chan unit, 64)}
			wg.Go(func() {
				defer func() { <-sem }()
				s.work(dc, stop)
			})
			select {
			case docs <- dc:
			case <-stop:
				return
			}
		}
	})
	var err error
	for dc := range docs {
		if err == nil {
			next(dc.src)
		}
		for u := range dc.units {
			if err == nil {
				// more tells emit whether another unit is ready now: when
				// none is, emit may flush its output (streaming -lines).
				err = emit(u, len(dc.units) > 0)
			}
			if err != nil {
				break
			}
		}
		if err == nil && dc.err != nil {
			err = dc.err
		}
		if err != nil {
			close(stop)
			// Let the dispatcher and the workers see stop and finish.
			for range docs {
			}
			break
		}
	}
	wg.Wait()
	return err
}

// work reads one source and scores it, sending its units to dc.units.
func (s *scorer) work(dc *doc, stop <-chan struct{}) {
	defer close(dc.units)
	send := func(u unit) bool {
		select {
		case dc.units <- u:
			return true
		case <-stop:
			return false
		}
	}
	var r io.Reader
	if dc.src.isStdin() {
		s.stdinMu.Lock()
		defer s.stdinMu.Unlock()
		r = s.stdin
	} else {
		f, err := os.Open(dc.src.name)
		if err != nil {
			dc.err = fmt.Errorf("cannot read %s: %v", dc.src.name, unwrapPath(err))
			return
		}
		defer f.Close()
		r = f
	}
	defer s.progress.fileDone()
	if !s.lines {
		b, err := io.ReadAll(r)
		if err != nil {
			dc.err = fmt.Errorf("%s: %v", dc.src.name, err)
			return
		}
		in := input{file: dc.src.name, text: string(b)}
		rep, serr := s.d.Score(in.text)
		s.progress.add(int64(len(b)))
		send(unit{input: in, rep: rep, err: serr})
		return
	}
	dc.err = eachLine(dc.src.name, r, func(in input, offset, raw int) bool {
		rep, serr := s.d.Score(in.text)
		s.progress.add(int64(raw))
		return send(unit{input: in, offset: offset, rep: rep, err: serr})
	})
}

// maxLine is the longest line -lines accepts.
const maxLine = 64 << 20

// eachLine calls fn for every line of r with the line's text (without its
// "\n" or "\r\n"), its byte offset in r and its length in r including the
// line break. It stops early when fn returns false.
func eachLine(name string, r io.Reader, fn func(in input, offset, raw int) bool) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), maxLine)
	sc.Split(scanRawLines)
	n, off := 0, 0
	for sc.Scan() {
		raw := sc.Text()
		n++
		text := strings.TrimSuffix(raw, "\n")
		text = strings.TrimSuffix(text, "\r")
		if !fn(input{file: name, line: n, text: text}, off, len(raw)) {
			return nil
		}
		off += len(raw)
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("%s: %v", name, err)
	}
	return nil
}

// scanRawLines is bufio.ScanLines keeping the line break, so that byte
// offsets into the input can be counted.
func scanRawLines(data []byte, atEOF bool) (int, []byte, error) {
	if atEOF && len(data) == 0 {
		return 0, nil, nil
	}
	if i := bytes.IndexByte(data, '\n'); i >= 0 {
		return i + 1, data[:i+1], nil
	}
	if atEOF {
		return len(data), data, nil
	}
	return 0, nil, nil
}
