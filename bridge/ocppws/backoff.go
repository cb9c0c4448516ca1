package ocppws

import (
	"math/rand/v2"
	"time"
)

// Backoff is the reconnection schedule of OCPP 2.0.1 (variables
// OCPPCommCtrlr.RetryBackOffWaitMinimum, RetryBackOffRandomRange and
// RetryBackOffRepeatTimes): the first retry waits WaitMinimum plus a random
// part, each further retry doubles the wait, RepeatTimes times at most.
// It is a pure value: [Backoff.Delay] takes the attempt number and a
// seeded generator and returns the wait.
type Backoff struct {
	// WaitMinimum is the wait before the first retry. Zero means 1 s.
	WaitMinimum time.Duration
	// RandomRange is the upper bound of the uniformly drawn jitter added to
	// every wait. Zero adds no jitter.
	RandomRange time.Duration
	// RepeatTimes is how many times the wait doubles. Zero means 5.
	RepeatTimes int
	// Max caps the wait before jitter. Zero means no cap beyond RepeatTimes.
	Max time.Duration
}

// Delay returns the wait before reconnection attempt n (0 for the first
// retry after a lost or failed connection), drawing jitter from r. A nil r
// adds no jitter.
func (b Backoff) Delay(n int, r *rand.Rand) time.Duration {
	wait := b.WaitMinimum
	if wait <= 0 {
		wait = time.Second
	}
	repeat := b.RepeatTimes
	if repeat <= 0 {
		repeat = 5
	}
	for i := 0; i < n && i < repeat; i++ {
		if b.Max > 0 && wait >= b.Max {
			break
		}
		wait *= 2
	}
	if b.Max > 0 && wait > b.Max {
		wait = b.Max
	}
	if r != nil && b.RandomRange > 0 {
		wait += time.Duration(r.Int64N(int64(b.RandomRange)))
	}
	return wait
}
