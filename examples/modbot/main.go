// Command modbot is a sketch of a moderation bot: it reads chat messages,
// one per line, scores them concurrently with one shared Detector, and
// holds every flagged message with the reasons a moderator needs.
//
// Usage:
//
//	go run ./examples/modbot [-workers N] [-threshold X] < messages.txt
//
// Each input line is "user<TAB>message" or just a message. Held messages
// are printed as JSON lines; a summary goes to standard error.
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"
	"sync"

	"github.com/redflag-go/redflag/detect"
	"github.com/redflag-go/redflag/lexicon"
)

// held is what the bot shows a moderator for one held message.
type held struct {
	Seq     int      `json:"seq"`
	User    string   `json:"user,omitempty"`
	Message string   `json:"message"`
	Score   float64  `json:"score"`
	Flags   []string `json:"flags"`
	Reasons []string `json:"reasons"`
}

type job struct {
	seq        int
	user, text string
}

func main() {
	workers := flag.Int("workers", runtime.GOMAXPROCS(0), "concurrent scorers sharing one detector")
	threshold := flag.Float64("threshold", detect.DefaultThreshold, "category score at which a message is held")
	flag.Parse()
	n, total, err := run(os.Stdin, os.Stdout, *workers, *threshold)
	if err != nil {
		fmt.Fprintln(os.Stderr, "modbot:", err)
		os.Exit(2)
	}
	fmt.Fprintf(os.Stderr, "modbot: held %d of %d messages\n", n, total)
}

// run scores every line of in and writes held messages to out, in input
// order. It returns how many were held and how many were read.
func run(in io.Reader, out io.Writer, workers int, threshold float64) (int, int, error) {
	lexs, err := lexicon.Builtin()
	if err != nil {
		return 0, 0, err
	}
	d, err := detect.Compile(lexs, detect.WithThreshold(threshold))
	if err != nil {
		return 0, 0, err
	}
	if workers < 1 {
		workers = 1
	}
	jobs := make(chan job)
	results := make([]*held, 0, 1024)
	var mu sync.Mutex
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var r detect.Report // reused by this worker: scoring allocates little
			for j := range jobs {
				if err := d.ScoreTo(&r, j.text); err != nil {
					fmt.Fprintf(os.Stderr, "modbot: message %d: %v\n", j.seq, err)
				}
				if !r.Flagged {
					continue
				}
				h := &held{Seq: j.seq, User: j.user, Message: j.text, Score: r.Score}
				for _, c := range r.Categories {
					if c.Flagged {
						h.Flags = append(h.Flags, c.Category)
					}
				}
				for _, m := range r.Matches {
					if m.Contribution > 0 {
						h.Reasons = append(h.Reasons, fmt.Sprintf("%q (%s): %s", m.Text, m.Rule, m.Message))
					}
				}
				mu.Lock()
				results = append(results, h)
				mu.Unlock()
			}
		}()
	}
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	total := 0
	for sc.Scan() {
		total++
		user, text, ok := strings.Cut(sc.Text(), "\t")
		if !ok {
			user, text = "", sc.Text()
		}
		jobs <- job{seq: total, user: user, text: text}
	}
	close(jobs)
	wg.Wait()
	if err := sc.Err(); err != nil {
		return 0, total, err
	}
	// Report in input order, whatever order the workers finished in.
	sortBySeq(results)
	enc := json.NewEncoder(out)
	for _, h := range results {
		if err := enc.Encode(h); err != nil {
			return 0, total, err
		}
	}
	return len(results), total, nil
}

func sortBySeq(hs []*held) {
	for i := 1; i < len(hs); i++ {
		for j := i; j > 0 && hs[j-1].Seq > hs[j].Seq; j-- {
			hs[j-1], hs[j] = hs[j], hs[j-1]
		}
	}
}
