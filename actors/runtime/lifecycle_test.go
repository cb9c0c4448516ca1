package runtime_test

import (
	"context"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/plugsim/plugsim/actors/runtime"
	plugsimpb "github.com/plugsim/plugsim/proto"
)

// behaviour is a test actor made of functions.
type behaviour struct {
	env       *runtime.Env
	onStart   func(env *runtime.Env, c *runtime.Context)
	onTimer   func(env *runtime.Env, c *runtime.Context)
	onFrame   func(env *runtime.Env, c *runtime.Context, d *runtime.Delivery)
	onRestart func(env *runtime.Env)
}

func (b *behaviour) Receive(c *runtime.Context) {
	switch m := c.Message().(type) {
	case runtime.Started:
		if b.onStart != nil {
			b.onStart(b.env, c)
		}
	case runtime.Restarting:
		if b.onRestart != nil {
			b.onRestart(b.env)
		}
	case *runtime.Timer:
		if b.onTimer != nil {
			b.onTimer(b.env, c)
		}
	case *runtime.Delivery:
		if b.onFrame != nil {
			b.onFrame(b.env, c, m)
		}
	}
}

func virtualWorker(t *testing.T, run string, m *runtime.Metrics) *runtime.Worker {
	t.Helper()
	tr := embedded(t)
	w, err := runtime.NewWorker(runtime.WorkerOptions{Run: run, Conn: tr.Conn, Clock: runtime.VirtualTime, Metrics: m, MaxRestarts: 2})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(w.Close)
	return w
}

func runFor(t *testing.T, w *runtime.Worker, end time.Duration) runtime.RunStats {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	st, err := runtime.RunVirtual(ctx, runtime.CoordinatorOptions{Members: []runtime.Member{w}, End: end})
	if err != nil {
		t.Fatalf("run: %v (stats %+v)", err, w.Stats())
	}
	return st
}

// TestActorThatStopsItself: an actor that stops while frames and timers
// are on their way to it must not hang a virtual run; what it will never
// handle is counted off and later frames are dropped as unknown.
func TestActorThatStopsItself(t *testing.T) {
	m := runtime.NewMetrics(nil)
	w := virtualWorker(t, "stop", m)
	a := runtime.Address{Run: "stop", Channel: "pp", ID: "a"}
	b := runtime.Address{Run: "stop", Channel: "pp", ID: "b"}
	w.Spawn(a, func(env *runtime.Env) runtime.Actor {
		return &behaviour{env: env,
			onStart: func(env *runtime.Env, _ *runtime.Context) { env.After(time.Second, nil) },
			onTimer: func(env *runtime.Env, _ *runtime.Context) {
				for range 3 {
					env.Publish(b, "s", plugsimpb.Protocol_PROTOCOL_PINGPONG, []byte("x"))
				}
				env.After(time.Second, nil)
			},
		}
	})
	w.Spawn(b, func(env *runtime.Env) runtime.Actor {
		return &behaviour{env: env,
			onStart: func(env *runtime.Env, _ *runtime.Context) { env.After(1500*time.Millisecond, nil) },
			onFrame: func(_ *runtime.Env, c *runtime.Context, _ *runtime.Delivery) { c.Stop() },
			onTimer: func(*runtime.Env, *runtime.Context) { t.Error("timer fired on a stopped actor") },
		}
	})
	if err := w.Start(); err != nil {
		t.Fatal(err)
	}
	runFor(t, w, 5*time.Second)
	if got := testutil.ToFloat64(m.FramesDropped.WithLabelValues(runtime.DropUnknownActor)); got < 9 {
		t.Errorf("frames to the stopped actor dropped as unknown: %v, want at least 9", got)
	}
}

// TestPanicInStartedIsBounded: an actor that panics in Started is
// restarted at most MaxRestarts times, then retired, instead of looping.
func TestPanicInStartedIsBounded(t *testing.T) {
	m := runtime.NewMetrics(nil)
	w := virtualWorker(t, "loop", m)
	w.Spawn(runtime.Address{Run: "loop", Channel: "pp", ID: "a"}, func(env *runtime.Env) runtime.Actor {
		return &behaviour{env: env, onStart: func(*runtime.Env, *runtime.Context) { panic("always") }}
	})
	if err := w.Start(); err != nil {
		t.Fatal(err)
	}
	runFor(t, w, time.Second)
	if r, s := testutil.ToFloat64(m.ActorRestarts), testutil.ToFloat64(m.ActorStops); r != 2 || s != 1 {
		t.Errorf("restarts %v, retired %v; want 2 and 1", r, s)
	}
}

// TestRestartIsPartOfTheEpoch: what a restarted actor does in its Started
// belongs to the epoch of the crash: the worker does not report idle before
// the new instance has started, so its frame arrives in this run.
func TestRestartIsPartOfTheEpoch(t *testing.T) {
	m := runtime.NewMetrics(nil)
	w := virtualWorker(t, "rs", m)
	a := runtime.Address{Run: "rs", Channel: "pp", ID: "a"}
	b := runtime.Address{Run: "rs", Channel: "pp", ID: "b"}
	got := make(chan string, 4)
	crashed := false
	w.Spawn(a, func(env *runtime.Env) runtime.Actor {
		return &behaviour{env: env,
			onStart: func(env *runtime.Env, _ *runtime.Context) {
				if !crashed {
					env.After(time.Second, nil)
					return
				}
				env.Publish(b, "s", plugsimpb.Protocol_PROTOCOL_PINGPONG, []byte("after restart"))
			},
			onTimer: func(*runtime.Env, *runtime.Context) { crashed = true; panic("crash") },
		}
	})
	w.Spawn(b, func(env *runtime.Env) runtime.Actor {
		return &behaviour{env: env, onFrame: func(_ *runtime.Env, _ *runtime.Context, d *runtime.Delivery) { got <- string(d.Frame.Payload) }}
	})
	if err := w.Start(); err != nil {
		t.Fatal(err)
	}
	runFor(t, w, 10*time.Second)
	select {
	case p := <-got:
		if p != "after restart" {
			t.Errorf("b got %q", p)
		}
	default:
		t.Fatal("the frame sent by the restarted actor was not delivered within the run")
	}
}
