package lexicon

import (
	"errors"
	"fmt"
	"strings"
)

// Error is one problem found in a lexicon: where it is, which entry, and
// what to do about it.
type Error struct {
	Pos   Position // file and line of the offending value
	Entry string   // entry id, or "" when the problem is not inside an entry
	Msg   string   // what is wrong and how to fix it
	Err   error    // the underlying error, if any (e.g. fs.ErrNotExist)
}

// Unwrap returns the underlying error, if any.
func (e *Error) Unwrap() error { return e.Err }

// Error formats the problem as "file:line: entry id: message".
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.Pos.String())
	b.WriteString(": ")
	if e.Entry != "" {
		b.WriteString(e.Entry)
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// ErrorList is every problem found in one load, in file and line order.
type ErrorList []*Error

// Error joins all problems, one per line.
func (l ErrorList) Error() string {
	msgs := make([]string, len(l))
	for i, e := range l {
		msgs[i] = e.Error()
	}
	return strings.Join(msgs, "\n")
}

// Unwrap returns the individual problems, so errors.As finds each *Error.
func (l ErrorList) Unwrap() []error {
	out := make([]error, len(l))
	for i, e := range l {
		out[i] = e
	}
	return out
}

// errs accumulates problems while loading.
type errs struct {
	list ErrorList
}

func (e *errs) add(pos Position, entry, format string, args ...any) {
	e.list = append(e.list, &Error{Pos: pos, Entry: entry, Msg: fmt.Sprintf(format, args...)})
}

func (e *errs) err() error {
	if len(e.list) == 0 {
		return nil
	}
	return e.list
}

// AsList returns the problems inside err as an ErrorList: the list itself,
// a single *Error, or nil if err holds neither.
func AsList(err error) ErrorList {
	var l ErrorList
	if errors.As(err, &l) {
		return l
	}
	var e *Error
	if errors.As(err, &e) {
		return ErrorList{e}
	}
	return nil
}
