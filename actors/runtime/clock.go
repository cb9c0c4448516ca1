package runtime

import (
	"container/heap"
	"fmt"
	"sync"
	"sync/atomic"
	"time"
)

// Clock is the time source of a worker's actors: simulated time since the
// start of the run, and wake-ups at a simulated time. Actors reach it only
// through [Env.Now] and [Env.After].
type Clock interface {
	// Now returns the simulated time since the start of the run.
	Now() time.Duration
	// At arranges for fire to run once simulated time reaches at. Wake-ups
	// due at the same time run in (key, seq) order where the clock orders
	// them (virtual time).
	At(at time.Duration, key string, seq uint64, fire func())
}

var (
	_ Clock = (*RealClock)(nil)
	_ Clock = (*VirtualClock)(nil)
)

// RealClock is the wall clock: simulated time is the time since it was
// made, and wake-ups are real timers. For load tests and bridges, where a
// real peer sets the pace. A clock made with hold set keeps the wake-ups
// asked for before [RealClock.Start] and arms them then (a worker starts
// its clock once its subscriptions exist).
type RealClock struct {
	start time.Time
	stop  <-chan struct{}

	mu   sync.Mutex // guards hold and held
	hold bool
	held []func()
}

// NewRealClock returns a clock starting now; wake-ups due after stop is
// closed are not run.
func NewRealClock(stop <-chan struct{}) *RealClock {
	return &RealClock{start: time.Now(), stop: stop}
}

// Now implements [Clock].
func (c *RealClock) Now() time.Duration { return time.Since(c.start) }

// Start arms the wake-ups held so far; later ones are armed at once.
func (c *RealClock) Start() {
	c.mu.Lock()
	held := c.held
	c.held, c.hold = nil, false
	c.mu.Unlock()
	for _, arm := range held {
		arm()
	}
}

// At implements [Clock]; fire runs on its own goroutine.
func (c *RealClock) At(at time.Duration, key string, seq uint64, fire func()) {
	c.mu.Lock()
	if c.hold {
		c.held = append(c.held, func() { c.At(at, key, seq, fire) })
		c.mu.Unlock()
		return
	}
	c.mu.Unlock()
	time.AfterFunc(at-c.Now(), func() {
		select {
		case <-c.stop:
		default:
			fire()
		}
	})
}

// VirtualClock is next-event simulated time: it holds a heap of pending
// wake-ups ordered by (time, key, seq) and moves only when [VirtualClock.Advance]
// is called, straight to the instant asked, never ticking through idle
// time.
type VirtualClock struct {
	now atomic.Int64 // ns

	mu      sync.Mutex // guards pending
	pending wakeHeap
}

// NewVirtualClock returns a clock at time zero.
func NewVirtualClock() *VirtualClock { return &VirtualClock{} }

// Now implements [Clock].
func (c *VirtualClock) Now() time.Duration { return time.Duration(c.now.Load()) }

// At implements [Clock]. A wake-up at or before now runs at the next
// Advance (one logical sub-step later).
func (c *VirtualClock) At(at time.Duration, key string, seq uint64, fire func()) {
	c.mu.Lock()
	heap.Push(&c.pending, wake{at: at, key: key, seq: seq, fire: fire})
	c.mu.Unlock()
}

// Next returns the time of the earliest pending wake-up; ok is false when
// none is pending.
func (c *VirtualClock) Next() (at time.Duration, ok bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.pending) == 0 {
		return 0, false
	}
	return c.pending[0].at, true
}

// Len returns the number of pending wake-ups.
func (c *VirtualClock) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.pending)
}

// Advance moves the clock to t and returns the wake-ups due at or before
// t, in (time, key, seq) order, for the caller to run. Time never runs
// backwards.
func (c *VirtualClock) Advance(t time.Duration) ([]func(), error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if now := c.Now(); t < now {
		return nil, fmt.Errorf("runtime: clock moved back from %v to %v", now, t)
	}
	c.now.Store(int64(t))
	var due []func()
	for len(c.pending) > 0 && c.pending[0].at <= t {
		due = append(due, heap.Pop(&c.pending).(wake).fire)
	}
	return due, nil
}

// wake is one pending wake-up of the virtual clock.
type wake struct {
	at   time.Duration
	key  string
	seq  uint64
	fire func()
}

// wakeHeap orders wake-ups by (at, key, seq).
type wakeHeap []wake

func (h wakeHeap) Len() int { return len(h) }
func (h wakeHeap) Less(i, j int) bool {
	if h[i].at != h[j].at {
		return h[i].at < h[j].at
	}
	if h[i].key != h[j].key {
		return h[i].key < h[j].key
	}
	return h[i].seq < h[j].seq
}
func (h wakeHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *wakeHeap) Push(x any)   { *h = append(*h, x.(wake)) }
func (h *wakeHeap) Pop() any {
	old := *h
	e := old[len(old)-1]
	old[len(old)-1] = wake{}
	*h = old[:len(old)-1]
	return e
}
