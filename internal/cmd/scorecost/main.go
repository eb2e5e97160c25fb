// Command scorecost runs one piece of redflag's work a fixed number of
// times inside a function of its own, so that valgrind's callgrind can
// count the instructions it takes: counts repeat exactly from run to run,
// whatever else the machine is doing, which wall-clock benchmarks on a
// shared machine do not.
//
// Usage:
//
//	scorecost prose FILE.txt.gz N   score the first 300 KB of FILE, N times
//	scorecost floor FILE.txt.gz N   lowercase and split the same text, N times
//	scorecost post clean|flagged N  score a ~280-byte post, N times
//	scorecost compile N             compile the built-in lexicons, N times
//
// Count only the measured calls (the work before them warms caches):
//
//	go build -o /tmp/scorecost ./internal/cmd/scorecost
//	GOGC=off GODEBUG=asyncpreemptoff=1,gcshrinkstackoff=1 GOMAXPROCS=1 valgrind --tool=callgrind \
//	    --collect-atstart=no --toggle-collect='main.measured*' \
//	    --callgrind-out-file=/tmp/cg.out /tmp/scorecost prose testdata/prose/en.txt.gz 1
//	callgrind_annotate /tmp/cg.out | head
//
// (Go's asynchronous preemption signals upset callgrind, and so does a
// goroutine stack that the collector shrank and a measured call grows
// again: callgrind then loses track of the call and stops counting early.
// The GODEBUG settings turn both off. GOGC=off keeps garbage collections
// out of the measured calls: with it, counts repeat exactly; without it, a
// collection that falls inside a call adds to its count.)
package main

import (
	"compress/gzip"
	"fmt"
	"io"
	"os"
	"runtime"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/redflag-go/redflag/detect"
	"github.com/redflag-go/redflag/internal/floor"
	"github.com/redflag-go/redflag/lexicon"
)

// The posts of detect's Message benchmark.
const (
	cleanPost = "Spent the weekend rebuilding the garden shed with my brother. We replaced the rotten floor joists, " +
		"added a small window for light and painted the door dark green. Next job is guttering before the autumn rain " +
		"arrives. Photos of the before and after are in the album."
	flaggedPost = "This changes EVERYTHING!!! The new model is a total game-changer and you're falling behind if you " +
		"are not using it yet. Experts agree it will replace all engineers in two more weeks. Tag a friend who needs " +
		"to see this and share if you agree! Did I miss any? 🧵"
)

// proseBytes is how much of a prose file is scored: enough to be
// representative, small enough for callgrind's pace.
const proseBytes = 300000

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "scorecost:", err)
		fmt.Fprintln(os.Stderr, "usage: scorecost prose|floor FILE.txt.gz N | post clean|flagged N | compile N")
		os.Exit(2)
	}
}

func run(args []string) error {
	if len(args) < 2 {
		return fmt.Errorf("missing arguments")
	}
	n, err := strconv.Atoi(args[len(args)-1])
	if err != nil || n < 1 {
		return fmt.Errorf("the last argument must be a positive count, got %q", args[len(args)-1])
	}
	lexs, err := lexicon.Builtin()
	if err != nil {
		return err
	}
	switch args[0] {
	case "compile":
		if _, err := detect.Compile(lexs); err != nil { // warm the process-wide caches
			return err
		}
		runtime.GC()
		for i := 0; i < n; i++ {
			if err := measuredCompile(lexs); err != nil {
				return err
			}
		}
		return nil
	case "post":
		if len(args) != 3 || (args[1] != "clean" && args[1] != "flagged") {
			return fmt.Errorf("post takes clean or flagged, and a count")
		}
		post := cleanPost
		if args[1] == "flagged" {
			post = flaggedPost
		}
		return scoreN(lexs, post, n)
	case "prose", "floor":
		if len(args) != 3 {
			return fmt.Errorf("%s takes a .txt.gz file and a count", args[0])
		}
		text, err := readProse(args[1])
		if err != nil {
			return err
		}
		if args[0] == "prose" {
			return scoreN(lexs, text, n)
		}
		var buf []byte
		var spans [][2]int32
		buf, spans = floor.Tokens(text, buf, spans)
		runtime.GC()
		for i := 0; i < n; i++ {
			buf, spans = measuredFloor(text, buf, spans)
		}
		fmt.Println(len(buf), "folded bytes,", len(spans), "tokens")
		return nil
	}
	return fmt.Errorf("unknown mode %q", args[0])
}

func scoreN(lexs []*lexicon.Lexicon, text string, n int) error {
	d, err := detect.Compile(lexs, detect.WithRegexTimeout(time.Hour)) // valgrind runs 50x slower: no timeouts
	if err != nil {
		return err
	}
	var rep detect.Report
	if err := d.ScoreTo(&rep, text); err != nil { // warm the word caches
		return err
	}
	runtime.GC()
	for i := 0; i < n; i++ {
		if err := measuredScore(d, &rep, text); err != nil {
			return err
		}
	}
	fmt.Printf("%d bytes, %d matches, %.3f points\n", len(text), len(rep.Matches), rep.Points)
	return nil
}

func readProse(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return "", fmt.Errorf("%s: %w", path, err)
	}
	b, err := io.ReadAll(zr)
	if err != nil {
		return "", fmt.Errorf("%s: %w", path, err)
	}
	if len(b) > proseBytes {
		b = b[:proseBytes]
		for len(b) > 0 && !utf8.RuneStart(b[len(b)-1]) {
			b = b[:len(b)-1]
		}
		if len(b) > 0 && b[len(b)-1] >= utf8.RuneSelf {
			b = b[:len(b)-1] // a cut lead byte
		}
	}
	return string(b), nil
}

//go:noinline
func measuredScore(d *detect.Detector, rep *detect.Report, text string) error {
	return d.ScoreTo(rep, text)
}

//go:noinline
func measuredCompile(lexs []*lexicon.Lexicon) error {
	_, err := detect.Compile(lexs)
	return err
}

//go:noinline
func measuredFloor(text string, buf []byte, spans [][2]int32) ([]byte, [][2]int32) {
	return floor.Tokens(text, buf, spans)
}
