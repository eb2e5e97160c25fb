package detecttest_test

import (
	"fmt"
	"runtime"
	"strings"
	"sync"
	"testing"
)

// reporter stands in for *testing.T in the kit's tests and examples: it
// records every failure and skip instead of failing the real test, and
// can print them. It runs subtests in their own goroutine, like the
// testing package, so FailNow and SkipNow stop only the subtest.
//
// Methods the kit does not need are left to the embedded nil testing.TB:
// calling one panics, which would show that the kit started to need it.
type reporter struct {
	testing.TB
	name  string
	print bool // print failures and skips as they happen

	mu       sync.Mutex
	failed   bool
	skipped  bool
	failures []string
	skips    []string
	subs     []*reporter
}

func newReporter(name string, print bool) *reporter {
	return &reporter{name: name, print: print}
}

func (r *reporter) Helper()      {}
func (r *reporter) Name() string { return r.name }

func (r *reporter) Errorf(format string, args ...any) {
	msg := failureText(fmt.Sprintf(format, args...))
	r.mu.Lock()
	r.failed = true
	r.failures = append(r.failures, msg)
	r.mu.Unlock()
	if r.print {
		fmt.Printf("--- FAIL: %s\n%s\n", r.name, msg)
	}
}

func (r *reporter) Error(args ...any) { r.Errorf("%s", fmt.Sprint(args...)) }

func (r *reporter) Fail() {
	r.mu.Lock()
	r.failed = true
	r.mu.Unlock()
}

func (r *reporter) Failed() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.failed
}

func (r *reporter) FailNow() {
	r.Fail()
	runtime.Goexit()
}

func (r *reporter) Fatalf(format string, args ...any) {
	r.Errorf(format, args...)
	runtime.Goexit()
}

func (r *reporter) Fatal(args ...any) {
	r.Error(args...)
	runtime.Goexit()
}

func (r *reporter) Skipf(format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	r.mu.Lock()
	r.skipped = true
	r.skips = append(r.skips, msg)
	r.mu.Unlock()
	if r.print {
		fmt.Printf("--- SKIP: %s\n%s\n", r.name, msg)
	}
	runtime.Goexit()
}

func (r *reporter) Skip(args ...any) { r.Skipf("%s", fmt.Sprint(args...)) }
func (r *reporter) SkipNow()         { r.Skipf("skipped") }

func (r *reporter) Skipped() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.skipped
}

func (r *reporter) Log(args ...any)                 {}
func (r *reporter) Logf(format string, args ...any) {}

// Run runs f as a subtest named name, in its own goroutine, and reports
// whether it passed. A failing subtest fails its parent.
func (r *reporter) Run(name string, f func(*reporter)) bool {
	sub := newReporter(r.name+"/"+name, r.print)
	r.mu.Lock()
	r.subs = append(r.subs, sub)
	r.mu.Unlock()
	done := make(chan struct{})
	go func() {
		defer close(done)
		f(sub)
	}()
	<-done
	if sub.Failed() {
		r.Fail()
	}
	return !sub.Failed()
}

// sub returns the subtest with the given name (the last path element).
func (r *reporter) sub(name string) *reporter {
	for _, s := range r.subs {
		if strings.HasSuffix(s.name, "/"+name) {
			return s
		}
	}
	return nil
}

// failureText extracts the message of a testify failure ("Error:" in
// assert.Fail's labeled output) and undoes its indentation, dropping the
// "Error Trace:" file paths and the test name.
func failureText(s string) string {
	lines := strings.Split(s, "\n")
	var out []string
	in := false
	for _, l := range lines {
		switch {
		case strings.HasPrefix(l, "\tError:"):
			in = true
			out = append(out, afterSecondTab(l))
		case in && strings.HasPrefix(l, "\t") && strings.TrimLeft(l[1:], " ") != l[1:] && strings.Contains(l[1:], "\t"):
			out = append(out, afterSecondTab(l))
		default:
			in = false
		}
	}
	if len(out) == 0 {
		return strings.TrimSpace(s)
	}
	return strings.Join(out, "\n")
}

func afterSecondTab(l string) string {
	if i := strings.Index(l[1:], "\t"); i >= 0 {
		return l[i+2:]
	}
	return l
}
