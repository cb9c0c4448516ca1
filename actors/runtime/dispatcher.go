package runtime

import (
	"runtime"

	"github.com/asynkron/protoactor-go/actor"
)

// poolDispatcher runs mailbox activations on a fixed set of goroutines
// instead of one new goroutine each (protoactor's default), which keeps
// stacks warm. Actors never block in Receive, so a small pool cannot
// deadlock; when the queue is full it falls back to a new goroutine.
type poolDispatcher struct {
	queue      chan func()
	throughput int
}

var _ actor.Dispatcher = (*poolDispatcher)(nil)

// newPoolDispatcher starts workers goroutines (default GOMAXPROCS*2) that
// live until stop is closed.
func newPoolDispatcher(workers, throughput int, stop <-chan struct{}) *poolDispatcher {
	if workers <= 0 {
		workers = 2 * runtime.GOMAXPROCS(0)
	}
	if throughput <= 0 {
		throughput = 300
	}
	d := &poolDispatcher{queue: make(chan func(), 4096), throughput: throughput}
	for i := 0; i < workers; i++ {
		go func() {
			for {
				select {
				case fn := <-d.queue:
					fn()
				case <-stop:
					return
				}
			}
		}()
	}
	return d
}

// Schedule runs fn on a pool goroutine.
func (d *poolDispatcher) Schedule(fn func()) {
	select {
	case d.queue <- fn:
	default:
		go fn()
	}
}

// Throughput is how many messages a mailbox handles per activation.
func (d *poolDispatcher) Throughput() int { return d.throughput }
