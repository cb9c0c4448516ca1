package runtime

import (
	"testing"
	"testing/synctest"
	"time"
)

func TestVirtualClockOrder(t *testing.T) {
	c := NewVirtualClock()
	var got []string
	add := func(at time.Duration, key string, seq uint64) {
		c.At(at, key, seq, func() { got = append(got, key+"@"+at.String()) })
	}
	add(2*time.Second, "b", 1)
	add(time.Second, "b", 2)
	add(time.Second, "a", 1)
	add(3*time.Second, "a", 2)
	if at, ok := c.Next(); !ok || at != time.Second {
		t.Fatalf("Next() = %v, %v; want 1s, true", at, ok)
	}
	due, err := c.Advance(2 * time.Second)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range due {
		f()
	}
	want := []string{"a@1s", "b@1s", "b@2s"}
	if len(got) != len(want) {
		t.Fatalf("fired %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("fired %v, want %v", got, want)
		}
	}
	if c.Now() != 2*time.Second || c.Len() != 1 {
		t.Errorf("now %v with %d pending; want 2s with 1", c.Now(), c.Len())
	}
	if _, err := c.Advance(time.Second); err == nil {
		t.Error("Advance back in time succeeded")
	}
}

// TestRealClockFires runs the real clock in a synctest bubble: time jumps
// to each timer without sleeping.
func TestRealClockFires(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		stop := make(chan struct{})
		c := NewRealClock(stop)
		fired := make(chan time.Duration, 2)
		c.At(time.Hour, "x", 1, func() { fired <- c.Now() })
		c.At(2*time.Hour, "y", 1, func() { fired <- c.Now() })
		if got := <-fired; got != time.Hour {
			t.Errorf("first timer at %v, want 1h", got)
		}
		close(stop)
		<-time.After(3 * time.Hour) // fake time in the bubble: past the second timer
		select {
		case got := <-fired:
			t.Errorf("timer at %v fired after stop", got)
		default:
		}
	})
}
