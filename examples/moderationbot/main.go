// Command moderationbot is a chat moderation bot built on redflag, meant as
// a starting point for a team's own: it scores every message for hype,
// fabricated citations and engagement bait, turns the scores into allow,
// review or block with a per-category policy, escalates repeat offenders,
// and tells the moderator why, match by match.
//
// Usage:
//
//	moderationbot [flags] < messages.jsonl > verdicts.jsonl
//	moderationbot -listen 127.0.0.1:8080 [flags]
//	moderationbot -gen 100000 > messages.jsonl
//
// Flags (-h lists them all):
//
//	-listen ADDR          serve HTTP on ADDR instead of reading standard input
//	-lexicon PATH         add a lexicon file or directory (repeatable); watched
//	-no-builtin           use only the -lexicon files
//	-policy FILE          thresholds and escalation, YAML or JSON
//	-review X, -block X   thresholds for every category (default 0.5, 0.8)
//	-category N=R:B       thresholds for one category (repeatable)
//	-escalate-after N     flagged messages that turn review into block (3; 0 off)
//	-escalate-window D    ... within this window (10m)
//	-max-authors N        authors remembered for escalation (10000)
//	-workers N            messages scored at once (GOMAXPROCS)
//	-max-bytes N          largest message: input line or request body (1 MiB)
//	-watch=false          reload on SIGHUP only
//	-gen N, -seed S       write N generated test messages and exit
//
// Examples:
//
//	go run ./examples/moderationbot < messages.jsonl
//	go run ./examples/moderationbot -lexicon rules/ -category hype=0.6:0.9 < messages.jsonl
//	go run ./examples/moderationbot -listen 127.0.0.1:8080 -policy policy.yaml
//	curl -s localhost:8080/v1/score -H 'Content-Type: application/json' \
//	    -d '{"id":1,"author":"ana","text":"Tag a friend who needs to see this!"}'
//	kill -HUP $(pidof moderationbot)   # reload the lexicons
//
// # Messages and verdicts
//
// A message is one JSON object, {"id":…,"author":…,"channel":…,"text":…}
// ("text" is required, "id" is a string or number and is echoed back).
// Read from standard input, there is one message per line, and one verdict
// line is written per message, in input order (blank lines are skipped;
// a line that is not a valid message gets a verdict with "line" and
// "error"). With -listen, POST /v1/score takes one message as its body and
// answers with its verdict; GET /healthz says which rules are in force.
//
// A verdict carries the action ("allow", "review" or "block"), a one-line
// "reason", each category with points (score, points, the thresholds
// applied, the action it asks for), each match (rule id, category, byte
// span in the text, matched text, the rule's message, its contribution,
// and a note when context reduced it), and "rules": the generation and
// version of the rules that scored it.
//
// # Policy
//
// A category's score at or above its review threshold holds the message
// for review; at or above its block threshold, blocks it; the message
// gets the harshest action of any category. Thresholds come from -review
// and -block (every category), -category NAME=REVIEW:BLOCK (one category,
// repeatable) and -policy FILE (YAML or JSON; the flags win):
//
//	review: 0.5
//	block: 0.8
//	categories:
//	  fabricated-citation: {review: 0.5, block: 0.7}
//	  engagement-bait: {block: 0.95}
//	escalation: {after: 3, window: 10m, max_authors: 10000}
//
// Repeat offenders escalate: when an author's flagged messages within the
// window reach "after" (this one included), review becomes block, and the
// verdict says so ("escalated_from"). The bot remembers at most
// "max_authors" authors, least recently flagged forgotten first, and at
// most "after" times per author: memory stays bounded whatever the
// traffic. Clean messages are not remembered.
//
// # Rules and reloading
//
// The rules are the built-in lexicons (unless -no-builtin) plus every
// -lexicon file or directory. On SIGHUP, and when a lexicon file in a
// watched directory changes (debounced; -watch=false turns watching off),
// the lexicons are loaded and compiled again off to the side and swapped
// in atomically: every message is scored by exactly one rule set, none is
// dropped or scored twice. The generation goes up by one for each reload
// that changes the rules. A broken file is rejected, its error
// (file:line: entry: what to fix) goes to standard error, and the old
// rules stay in force; so is a -lexicon directory with no lexicon file
// (*.yaml, *.yml) in it, at start or at a reload. A -lexicon directory may
// be a symbolic link: it is read through the link at each reload, and
// watched where it pointed at start. The policy is read once, at start.
//
// A message whose scoring did not complete (a regex rule ran past its
// timeout) is never allowed unseen: allow becomes review, and the verdict
// lists the rule in "warnings".
//
// # Signals and exit status
//
// SIGINT or SIGTERM stops the bot gracefully: on standard input it stops
// taking lines and writes the verdicts of the lines taken; the HTTP server
// finishes the requests in flight. Exit status 0 on success, 2 on bad
// flags, policy or lexicons at start, or an I/O error.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/redflag-go/redflag/detect"
)

// DefaultMaxBytes is the largest message accepted: one line of standard
// input, or one request body.
const DefaultMaxBytes = 1 << 20

// config is everything the flags set, plus test hooks.
type config struct {
	listen    string
	lexicons  []string
	noBuiltin bool
	policy    *Policy
	workers   int
	maxBytes  int
	watch     bool
	debounce  time.Duration
	gen       int
	seed      uint64

	// Test hooks; nil in production.
	now       func() time.Time
	onReload  func(reloadResult)
	connState func(net.Conn, http.ConnState)
}

// errFlagsPrinted is a flag error the flag package has already reported.
var errFlagsPrinted = errors.New("bad flags")

// multiFlag is a repeatable string flag.
type multiFlag []string

// String implements flag.Value.
func (m *multiFlag) String() string { return strings.Join(*m, ",") }

// Set implements flag.Value: each use of the flag adds a path.
func (m *multiFlag) Set(v string) error {
	if v == "" {
		return errors.New("empty path")
	}
	*m = append(*m, v)
	return nil
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// parseFlags reads the command line into a config, with the policy loaded.
func parseFlags(args []string, stderr io.Writer) (config, error) {
	fs := flag.NewFlagSet("moderationbot", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var (
		cfg      config
		lexs     multiFlag
		policy   string
		ov       policyOverrides
		review   = fs.Float64("review", DefaultReview, "category score at or above which a message is held for review (every category)")
		block    = fs.Float64("block", DefaultBlock, "category score at or above which a message is blocked (every category; above 1 never blocks)")
		after    = fs.Int("escalate-after", DefaultEscalateAfter, "flagged messages of one author within -escalate-window that turn review into block; 0 turns escalation off")
		window   = fs.Duration("escalate-window", DefaultEscalateWindow, "how long a flagged message counts toward escalation")
		maxAuth  = fs.Int("max-authors", DefaultMaxAuthors, "authors remembered for escalation, least recently flagged forgotten first")
		catFlags = categoryFlag{}
	)
	fs.StringVar(&cfg.listen, "listen", "", "serve POST /v1/score on this address (e.g. 127.0.0.1:8080) instead of reading standard input")
	fs.Var(&lexs, "lexicon", "lexicon file or directory to add to the built-ins (repeatable); watched for changes")
	fs.BoolVar(&cfg.noBuiltin, "no-builtin", false, "use only the -lexicon files, not the built-in lexicons")
	fs.StringVar(&policy, "policy", "", "policy file (YAML or JSON): thresholds per category and escalation; flags win over it")
	fs.Var(catFlags, "category", "thresholds for one category, NAME=REVIEW:BLOCK, e.g. hype=0.6:0.9 (repeatable)")
	fs.IntVar(&cfg.workers, "workers", runtime.GOMAXPROCS(0), "messages scored at once")
	fs.IntVar(&cfg.maxBytes, "max-bytes", DefaultMaxBytes, "largest message (input line or request body) in bytes")
	fs.BoolVar(&cfg.watch, "watch", true, "reload the lexicons when a -lexicon file changes (SIGHUP always reloads)")
	fs.DurationVar(&cfg.debounce, "debounce", 200*time.Millisecond, "wait this long after the last file change before reloading")
	fs.IntVar(&cfg.gen, "gen", 0, "write N generated test messages (JSON lines) to standard output and exit")
	fs.Uint64Var(&cfg.seed, "seed", 1, "random seed for -gen")
	fs.Usage = func() {
		fmt.Fprint(stderr, `usage: moderationbot [flags] < messages.jsonl > verdicts.jsonl
       moderationbot -listen 127.0.0.1:8080 [flags]

Scores chat messages ({"id":…,"author":…,"channel":…,"text":…}) for hype,
fabricated citations and engagement bait, and answers allow, review or block
with the reasons. SIGHUP reloads the lexicons.

flags:
`)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return cfg, err
		}
		return cfg, errFlagsPrinted // the flag package printed it, with the usage
	}
	if fs.NArg() > 0 {
		return cfg, fmt.Errorf("unexpected arguments %q: messages come on standard input (or use -listen)", fs.Args())
	}
	cfg.lexicons = lexs
	fs.Visit(func(f *flag.Flag) {
		switch f.Name {
		case "review":
			ov.review = review
		case "block":
			ov.block = block
		case "escalate-after":
			ov.escalateAfter = after
		case "escalate-window":
			ov.escalateWindow = window
		case "max-authors":
			ov.maxAuthors = maxAuth
		}
	})
	ov.categories = catFlags
	switch {
	case cfg.workers < 1 || cfg.workers > 1024:
		return cfg, fmt.Errorf("-workers %d: use 1 to 1024", cfg.workers)
	case cfg.maxBytes < 64 || cfg.maxBytes > detect.MaxInputBytes:
		return cfg, fmt.Errorf("-max-bytes %d: use 64 to %d", cfg.maxBytes, detect.MaxInputBytes)
	case cfg.debounce < 0:
		return cfg, fmt.Errorf("-debounce %v must not be negative", cfg.debounce)
	case cfg.gen < 0:
		return cfg, fmt.Errorf("-gen %d must not be negative", cfg.gen)
	}
	if cfg.gen > 0 {
		return cfg, nil
	}
	p, err := loadPolicy(policy, ov)
	if err != nil {
		return cfg, err
	}
	cfg.policy = p
	return cfg, nil
}

// run is the whole program, testable: it returns the exit status.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	cfg, err := parseFlags(args, stderr)
	switch {
	case errors.Is(err, flag.ErrHelp):
		return 0
	case errors.Is(err, errFlagsPrinted):
		return 2
	case err != nil:
		fmt.Fprintf(stderr, "moderationbot: %v\n", err)
		return 2
	}
	if cfg.gen > 0 {
		if err := generate(stdout, cfg.gen, cfg.seed); err != nil {
			fmt.Fprintf(stderr, "moderationbot: %v\n", err)
			return 2
		}
		return 0
	}
	logger := log.New(stderr, "moderationbot: ", 0)
	// Take SIGHUP over before the first compile: a reload asked for while
	// starting is done once the bot runs, instead of killing it.
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	b, err := newBot(cfg, logger)
	if err != nil {
		fmt.Fprintf(stderr, "moderationbot: %v\n", err)
		return 2
	}
	rs := b.rules.current()
	logger.Printf("rules generation %d (version %s, %d rules) in force", rs.gen, rs.version, rs.rules)

	ctx, cancel := context.WithCancel(ctx)
	reloader, err := b.startReloads(ctx, hup)
	if err != nil {
		cancel()
		fmt.Fprintf(stderr, "moderationbot: %v\n", err)
		return 2
	}
	defer func() {
		cancel()
		<-reloader
	}()

	if cfg.listen != "" {
		ln, err := net.Listen("tcp", cfg.listen)
		if err != nil {
			fmt.Fprintf(stderr, "moderationbot: -listen %s: %v\n", cfg.listen, err)
			return 2
		}
		logger.Printf("serving POST http://%s/v1/score", ln.Addr())
		if err := b.serveHTTP(ctx, ln); err != nil {
			fmt.Fprintf(stderr, "moderationbot: %v\n", err)
			return 2
		}
		logger.Printf("stopped")
		return 0
	}
	st, err := b.serveStream(ctx, stdin, stdout)
	logger.Print(st)
	if err != nil {
		fmt.Fprintf(stderr, "moderationbot: %v\n", err)
		return 2
	}
	return 0
}

// bot is one moderation bot: rules, policy and offender memory.
type bot struct {
	cfg       config
	policy    *Policy
	rules     *ruleStore
	offenders *offenders // nil when escalation is off
	log       *log.Logger
	now       func() time.Time
	epoch     time.Time

	sem     chan struct{} // HTTP: bounds messages scored at once
	reports sync.Pool     // of *detect.Report
	counts  counters
}

func newBot(cfg config, logger *log.Logger) (*bot, error) {
	if cfg.policy == nil {
		cfg.policy = defaultPolicy()
	}
	if cfg.workers < 1 {
		cfg.workers = 1
	}
	if cfg.maxBytes <= 0 {
		cfg.maxBytes = DefaultMaxBytes
	}
	rules, err := newRuleStore(cfg.lexicons, cfg.noBuiltin, cfg.policy, logger, cfg.onReload)
	if err != nil {
		return nil, err
	}
	b := &bot{
		cfg: cfg, policy: cfg.policy, rules: rules, log: logger,
		now: cfg.now, sem: make(chan struct{}, cfg.workers),
	}
	if b.now == nil {
		b.now = time.Now
	}
	b.epoch = b.now()
	b.reports.New = func() any { return new(detect.Report) }
	if p := cfg.policy; p.EscalateAfter > 0 {
		b.offenders = newOffenders(p.EscalateAfter, p.EscalateWindow, p.MaxAuthors)
	}
	return b, nil
}

// startReloads starts reloading the rules on every value from sig and, with
// -watch and -lexicon paths, on file changes. The returned channel is
// closed when the reloader has stopped, after ctx is done.
func (b *bot) startReloads(ctx context.Context, sig <-chan os.Signal) (<-chan struct{}, error) {
	var ws *watchSet
	if b.cfg.watch && len(b.cfg.lexicons) > 0 {
		var err error
		if ws, err = newWatchSet(b.cfg.lexicons); err != nil {
			return nil, err
		}
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		b.rules.reloadLoop(ctx, sig, ws, b.cfg.debounce)
	}()
	return done, nil
}

// score scores one message with the rules in force and applies the policy
// (not yet the escalation). rep is scratch space.
func (b *bot) score(rep *detect.Report, m *Message) Verdict {
	rs := b.rules.current() // one rule set for the whole message
	err := rs.det.ScoreTo(rep, *m.Text)
	return buildVerdict(m, rep, err, rs, b.policy)
}

// mayEscalate reports whether escalate may record or change v.
func (b *bot) mayEscalate(v *Verdict) bool {
	return b.offenders != nil && v.Author != "" && v.Error == "" && v.Action != Allow
}

// escalate records a flagged message of its author and turns review into
// block for repeat offenders.
func (b *bot) escalate(v *Verdict) {
	if !b.mayEscalate(v) {
		return
	}
	n := b.offenders.record(v.Author, int64(b.now().Sub(b.epoch)))
	v.AuthorFlagged = n
	if v.Action == Review && n >= b.policy.EscalateAfter {
		v.EscalatedFrom, v.Action = Review, Block
		v.Reason = fmt.Sprintf("block (escalated from review: %d flagged messages from this author within %v); %s",
			n, b.policy.EscalateWindow, v.Reason)
	}
}
