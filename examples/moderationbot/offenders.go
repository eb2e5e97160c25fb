package main

import (
	"container/list"
	"sync"
	"time"
)

// offenders remembers who sent flagged messages recently, so that repeat
// offenders escalate, in bounded memory.
//
// Only flagged messages (review or block) are recorded; clean messages
// cost nothing. At most max authors are kept, the least recently flagged
// one is forgotten first (LRU), and for each author only the times of
// its last keep flagged messages are kept (keep is the escalation
// threshold: older ones can never matter). The memory bound is therefore
//
//	max × (keep × 8 bytes + len(author) + ~200 bytes of list, map and
//	struct overhead)
//
// and author ids are at most MaxAuthorBytes long: with the defaults
// (10000 authors, keep 3, 256-byte ids) under 5 MB, whatever the traffic.
// A flood of fresh author ids can push a real offender out of the memory;
// raise -max-authors if that matters more than memory.
//
// It is safe for concurrent use.
type offenders struct {
	keep   int           // flagged times kept per author (the escalation threshold)
	window time.Duration // how long a flagged message counts
	max    int           // authors kept

	mu       sync.Mutex
	lru      *list.List               // of *offender, most recently flagged first
	byAuthor map[string]*list.Element // author → element of lru
}

type offender struct {
	author string
	// times of the last flagged messages, oldest first, len ≤ keep, as
	// nanoseconds since the bot's epoch (monotonic clock).
	times []int64
}

func newOffenders(keep int, window time.Duration, max int) *offenders {
	return &offenders{
		keep: keep, window: window, max: max,
		lru:      list.New(),
		byAuthor: make(map[string]*list.Element, min(max, 1024)),
	}
}

// record notes a flagged message of author at time now (nanoseconds since
// the epoch) and returns how many flagged messages the author sent within
// the window, this one included (at most keep).
func (o *offenders) record(author string, now int64) int {
	o.mu.Lock()
	defer o.mu.Unlock()
	var of *offender
	if e, ok := o.byAuthor[author]; ok {
		o.lru.MoveToFront(e)
		of = e.Value.(*offender)
	} else {
		if o.lru.Len() >= o.max {
			// Forget the least recently flagged author, and reuse its
			// memory for the new one.
			e := o.lru.Back()
			of = e.Value.(*offender)
			delete(o.byAuthor, of.author)
			of.author, of.times = author, of.times[:0]
			o.lru.MoveToFront(e)
			o.byAuthor[author] = e
		} else {
			of = &offender{author: author, times: make([]int64, 0, o.keep)}
			o.byAuthor[author] = o.lru.PushFront(of)
		}
	}
	// Drop the times that fell out of the window, and make room.
	cut := 0
	for cut < len(of.times) && now-of.times[cut] >= int64(o.window) {
		cut++
	}
	if len(of.times)-cut >= o.keep {
		cut = len(of.times) - o.keep + 1
	}
	if cut > 0 {
		of.times = of.times[:copy(of.times, of.times[cut:])]
	}
	of.times = append(of.times, now)
	return len(of.times)
}

// len returns how many authors are remembered.
func (o *offenders) len() int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.lru.Len()
}

// kept returns the number of times kept for author (0 if forgotten), and
// whether the author is remembered.
func (o *offenders) kept(author string) (int, bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	e, ok := o.byAuthor[author]
	if !ok {
		return 0, false
	}
	return len(e.Value.(*offender).times), true
}

// maxCap returns the largest capacity of any author's time slice: with
// len(), it is what bounds the memory.
func (o *offenders) maxCap() int {
	o.mu.Lock()
	defer o.mu.Unlock()
	m := 0
	for e := o.lru.Front(); e != nil; e = e.Next() {
		m = max(m, cap(e.Value.(*offender).times))
	}
	return m
}
