package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/fsnotify/fsnotify"

	"github.com/redflag-go/redflag/detect"
	"github.com/redflag-go/redflag/lexicon"
)

// builtinLexicons loads the embedded lexicons once: they never change, and
// lexicon values are plain data that Compile copies.
var builtinLexicons = sync.OnceValues(lexicon.Builtin)

// ruleSet is one compiled set of rules. It is immutable: a reload builds a
// new one and swaps the pointer.
type ruleSet struct {
	det     *detect.Detector
	gen     uint64 // 1 for the rules loaded at start, +1 per change
	version string // fingerprint of the compiled rules
	rules   int
}

// reloadResult is what one reload did; tests and logs see it.
type reloadResult struct {
	why     string // what triggered it
	gen     uint64 // generation in force afterwards
	version string // version in force afterwards
	changed bool   // a new rule set was swapped in
	err     error  // why the new rules were rejected (the old ones stay)
}

// ruleStore holds the rule set in force and rebuilds it on demand.
//
// Scorers call current once per message and use that rule set for the
// whole message; reload compiles a new set off to the side and publishes
// it with one atomic store. So every message is scored by exactly one
// rule set, and a reload neither blocks nor drops a message.
type ruleStore struct {
	paths     []string // -lexicon files and directories
	noBuiltin bool
	log       *log.Logger
	onReload  func(reloadResult) // optional hook (tests)
	policy    *Policy            // to warn about categories it names that the rules lack

	cur atomic.Pointer[ruleSet]
	mu  sync.Mutex // serializes reloads
}

func newRuleStore(paths []string, noBuiltin bool, p *Policy, logger *log.Logger, onReload func(reloadResult)) (*ruleStore, error) {
	if noBuiltin && len(paths) == 0 {
		return nil, errors.New("-no-builtin needs at least one -lexicon file or directory: there would be no rules")
	}
	s := &ruleStore{paths: paths, noBuiltin: noBuiltin, log: logger, onReload: onReload, policy: p}
	rs, err := s.compile()
	if err != nil {
		return nil, err
	}
	if unknown := p.unknownCategories(rs.det); len(unknown) > 0 {
		return nil, fmt.Errorf("the policy sets thresholds for %s, which the rules do not score (they score %s): fix the category name",
			strings.Join(unknown, ", "), strings.Join(rs.det.Categories(), ", "))
	}
	rs.gen = 1
	s.cur.Store(rs)
	return s, nil
}

// current returns the rule set in force.
func (s *ruleStore) current() *ruleSet { return s.cur.Load() }

// compile loads and compiles every lexicon. It does not touch the rule set
// in force.
func (s *ruleStore) compile() (*ruleSet, error) {
	var user []*lexicon.Lexicon
	if len(s.paths) > 0 {
		var err error
		// LoadFiles follows a path that links to a directory, decided at
		// each load (a repointed link is followed), and rejects a
		// directory with no lexicon file: a typo, a missing mount or an
		// emptied deploy must not leave the bot without its rules.
		if user, err = lexicon.LoadFiles(s.paths...); err != nil {
			return nil, fmt.Errorf("lexicon files rejected:\n%v", err)
		}
	}
	var lexs []*lexicon.Lexicon
	if !s.noBuiltin {
		b, err := builtinLexicons()
		if err != nil {
			return nil, fmt.Errorf("built-in lexicons: %v", err)
		}
		lexs = append(lexs, b...)
	}
	lexs = append(lexs, user...)
	if err := lexicon.Validate(lexs...); err != nil {
		return nil, fmt.Errorf("lexicon files rejected:\n%v", err)
	}
	d, err := detect.Compile(lexs)
	if err != nil {
		return nil, fmt.Errorf("lexicon files rejected:\n%v", err)
	}
	// The version is a fingerprint of every field of every entry, as
	// loaded: whatever changes what a rule does changes the version.
	h := sha256.New()
	if err := json.NewEncoder(h).Encode(lexs); err != nil {
		return nil, fmt.Errorf("fingerprinting the rules: %v", err)
	}
	return &ruleSet{det: d, version: hex.EncodeToString(h.Sum(nil))[:12], rules: len(d.Rules())}, nil
}

// reload rebuilds the rules. On success with different rules it swaps them
// in; on any error the rules in force stay, and the error is logged.
func (s *ruleStore) reload(why string) reloadResult {
	s.mu.Lock()
	defer s.mu.Unlock()
	old := s.cur.Load()
	res := reloadResult{why: why, gen: old.gen, version: old.version}
	start := time.Now()
	rs, err := s.compile()
	switch {
	case err != nil:
		res.err = err
		s.log.Printf("reload (%s) failed; keeping rules generation %d (version %s). Fix the file and save it again, or send SIGHUP:\n%v",
			why, old.gen, old.version, indent(err.Error()))
	case rs.version == old.version:
		s.log.Printf("reload (%s): rules unchanged (generation %d, version %s)", why, old.gen, old.version)
	default:
		rs.gen = old.gen + 1
		s.cur.Store(rs)
		res.gen, res.version, res.changed = rs.gen, rs.version, true
		s.log.Printf("reload (%s): rules generation %d (version %s, %d rules) in force, compiled in %v",
			why, rs.gen, rs.version, rs.rules, time.Since(start).Round(time.Millisecond))
		if unknown := s.policy.unknownCategories(rs.det); len(unknown) > 0 {
			s.log.Printf("warning: the policy sets thresholds for %s, which the new rules do not score", strings.Join(unknown, ", "))
		}
	}
	if s.onReload != nil {
		s.onReload(res)
	}
	return res
}

func indent(s string) string { return "  " + strings.ReplaceAll(s, "\n", "\n  ") }

// watchSet knows which file system events concern the lexicons.
type watchSet struct {
	w     *fsnotify.Watcher
	files map[string]bool // explicit -lexicon files (absolute)
	roots []string        // -lexicon directories (absolute), watched recursively
	dirs  map[string]bool // every directory watched
}

// newWatchSet watches the directories that hold the lexicons: the parent
// of each -lexicon file, and each -lexicon directory with its
// subdirectories. Watching directories, not files, sees editors that save
// by writing a new file and renaming it over the old one.
func newWatchSet(paths []string) (*watchSet, error) {
	w, err := fsnotify.NewWatcher()
	if err != nil {
		return nil, fmt.Errorf("watching lexicon files: %v (run with -watch=false and reload with SIGHUP)", err)
	}
	ws := &watchSet{w: w, files: map[string]bool{}, dirs: map[string]bool{}}
	for _, p := range paths {
		abs, err := filepath.Abs(p)
		if err != nil {
			w.Close()
			return nil, fmt.Errorf("watching %s: %v", p, err)
		}
		fi, err := os.Stat(abs)
		if err != nil {
			w.Close()
			return nil, fmt.Errorf("watching %s: %v", p, err)
		}
		if fi.IsDir() {
			// A directory reached through a symbolic link is watched
			// where the link points now (the events name that path).
			// Repointing the link later is not seen: send SIGHUP.
			if abs, err = filepath.EvalSymlinks(abs); err != nil {
				w.Close()
				return nil, fmt.Errorf("watching %s: %v", p, err)
			}
			ws.roots = append(ws.roots, abs)
			err = ws.addTree(abs)
		} else {
			ws.files[abs] = true
			err = ws.addDir(filepath.Dir(abs))
		}
		if err != nil {
			w.Close()
			return nil, err
		}
	}
	return ws, nil
}

func (ws *watchSet) addDir(dir string) error {
	if ws.dirs[dir] {
		return nil
	}
	if err := ws.w.Add(dir); err != nil {
		return fmt.Errorf("watching %s: %v (run with -watch=false and reload with SIGHUP)", dir, err)
	}
	ws.dirs[dir] = true
	return nil
}

// addTree watches dir and every directory below it.
func (ws *watchSet) addTree(dir string) error {
	return filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p == dir {
				return err
			}
			return nil // a subdirectory vanished while walking: its events will tell
		}
		if d.IsDir() {
			return ws.addDir(p)
		}
		return nil
	})
}

// underRoot reports whether name is inside a watched -lexicon directory.
func (ws *watchSet) underRoot(name string) bool {
	for _, r := range ws.roots {
		if strings.HasPrefix(name, r+string(filepath.Separator)) {
			return true
		}
	}
	return false
}

// relevant reports whether an event may change the lexicons, and starts
// watching directories created inside a -lexicon directory.
func (ws *watchSet) relevant(ev fsnotify.Event) bool {
	if !ev.Has(fsnotify.Create) && !ev.Has(fsnotify.Write) && !ev.Has(fsnotify.Remove) && !ev.Has(fsnotify.Rename) {
		return false // chmod alone
	}
	name := filepath.Clean(ev.Name)
	if ws.files[name] {
		return true
	}
	if strings.HasPrefix(filepath.Base(name), "..") {
		// Kubernetes ConfigMap volumes swap a "..data" symlink.
		return true
	}
	if !ws.underRoot(name) {
		return false
	}
	if ev.Has(fsnotify.Create) {
		if fi, err := os.Stat(name); err == nil && fi.IsDir() {
			_ = ws.addTree(name) // errors: the reload reports what matters
			return true
		}
	}
	if (ev.Has(fsnotify.Remove) || ev.Has(fsnotify.Rename)) && ws.dirs[name] {
		delete(ws.dirs, name) // the kernel dropped the watch with the directory
		return true
	}
	return lexicon.IsLexiconFile(name)
}

// reloadLoop reloads the rules when a signal arrives on sig (SIGHUP in
// production, any value in tests) and, when ws is not nil, debounce after
// the last relevant file event. It returns when ctx is done.
func (s *ruleStore) reloadLoop(ctx context.Context, sig <-chan os.Signal, ws *watchSet, debounce time.Duration) {
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	armed := false
	last := ""
	var events <-chan fsnotify.Event
	var errs <-chan error
	if ws != nil {
		events, errs = ws.w.Events, ws.w.Errors
		defer ws.w.Close()
	}
	for {
		select {
		case <-ctx.Done():
			timer.Stop()
			return
		case v, ok := <-sig:
			if !ok {
				sig = nil
				continue
			}
			// This reload reads every file as it is now: a pending
			// file-change reload would only repeat it.
			timer.Stop()
			armed = false
			why := "signal"
			if v != nil {
				why = v.String()
			}
			s.reload(why)
		case ev, ok := <-events:
			if !ok {
				events = nil
				continue
			}
			if !ws.relevant(ev) {
				continue
			}
			last = ev.Name
			timer.Reset(debounce)
			armed = true
		case err, ok := <-errs:
			if !ok {
				errs = nil
				continue
			}
			if errors.Is(err, fsnotify.ErrEventOverflow) {
				// Events were lost: a change may be among them.
				last = "events lost, reading every file"
				timer.Reset(debounce)
				armed = true
				continue
			}
			s.log.Printf("watching lexicon files: %v (reload with SIGHUP if a change is missed)", err)
		case <-timer.C:
			if armed {
				armed = false
				s.reload("changed: " + last)
			}
		}
	}
}
