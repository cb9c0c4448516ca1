package runtime_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"
	"google.golang.org/protobuf/proto"

	"github.com/plugsim/plugsim/actors/pingpong"
	"github.com/plugsim/plugsim/actors/runtime"
	plugsimpb "github.com/plugsim/plugsim/proto"
)

// embedded starts an in-process NATS server for one test.
func embedded(t testing.TB) *runtime.Transport {
	t.Helper()
	tr, err := runtime.Connect(context.Background(), runtime.TransportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tr.Close() })
	return tr
}

// syncBuffer is a goroutine-safe log sink.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

type pingRun struct {
	digest runtime.Digest
	stats  runtime.RunStats
	ws     runtime.Stats
	totals pingpong.Totals
	errs   []string
}

func runPingPong(t *testing.T, seed int64, shards int, spec pingpong.Spec) pingRun {
	t.Helper()
	tr := embedded(t)
	stats := &pingpong.Stats{}
	var members []runtime.Member
	var workers []*runtime.Worker
	for s := 0; s < shards; s++ {
		w, err := runtime.NewWorker(runtime.WorkerOptions{
			Run: "det", Conn: tr.Conn, Clock: runtime.VirtualTime, Seed: seed,
			Channels: []string{pingpong.Channel}, Subscriptions: pingpong.ShardSubjects("det", s, shards),
		})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(w.Close)
		if err := pingpong.SpawnShard(w, spec, s, shards, stats); err != nil {
			t.Fatal(err)
		}
		if err := w.Start(); err != nil {
			t.Fatal(err)
		}
		members = append(members, w)
		workers = append(workers, w)
	}
	st, err := runtime.RunVirtual(context.Background(), runtime.CoordinatorOptions{Members: members, End: spec.End})
	if err != nil {
		t.Fatal(err)
	}
	r := pingRun{stats: st, totals: stats.Totals(), errs: stats.Errors()}
	for _, w := range workers {
		r.digest = r.digest.Add(w.Digest())
		s := w.Stats()
		r.ws.Sent += s.Sent
		r.ws.Received += s.Received
		r.ws.Dropped += s.Dropped
		r.ws.Timers += s.Timers
	}
	return r
}

var smallSpec = pingpong.Spec{Pairs: 50, Period: time.Minute, Slots: 7, End: 30 * time.Minute, PayloadMin: 1, PayloadMax: 300}

// TestVirtualRunDeterministic checks the brief's promise: one process and
// a fixed seed give the same digest of delivered envelopes from run to run,
// whatever the scheduling of goroutines and the number of shards; another
// seed gives another.
func TestVirtualRunDeterministic(t *testing.T) {
	digests := map[int]runtime.Digest{}
	defer func() {
		if digests[1] != digests[3] {
			t.Errorf("digest with 1 shard %s, with 3 shards %s: want equal", digests[1], digests[3])
		}
	}()
	for _, shards := range []int{1, 3} {
		t.Run(fmt.Sprintf("shards=%d", shards), func(t *testing.T) {
			a := runPingPong(t, 42, shards, smallSpec)
			b := runPingPong(t, 42, shards, smallSpec)
			c := runPingPong(t, 43, shards, smallSpec)
			digests[shards] = a.digest
			if a.digest != b.digest {
				t.Errorf("same seed: digest %s, then %s", a.digest, b.digest)
			}
			if a.digest == c.digest {
				t.Errorf("seeds 42 and 43 gave the same digest %s", a.digest)
			}
			for _, r := range []pingRun{a, b, c} {
				if len(r.errs) > 0 {
					t.Errorf("workload errors: %v", r.errs)
				}
				if r.ws.Sent != r.ws.Received || r.ws.Dropped != 0 {
					t.Errorf("sent %d, received %d, dropped %d: want every frame exactly once", r.ws.Sent, r.ws.Received, r.ws.Dropped)
				}
				if r.totals.Pings != r.totals.Pongs || r.totals.Pings != r.totals.RoundTrips {
					t.Errorf("pings %d, pongs %d, round trips %d: want all equal", r.totals.Pings, r.totals.Pongs, r.totals.RoundTrips)
				}
			}
			// Every pair pings once per period from its phase up to End
			// included: 30 or 31 pings each.
			if p := a.totals.Pings; p < 30*50 || p > 31*50 {
				t.Errorf("pings = %d, want between %d and %d", p, 30*50, 31*50)
			}
			if a.stats.Now > smallSpec.End {
				t.Errorf("last instant %v after the end %v", a.stats.Now, smallSpec.End)
			}
		})
	}
}

// TestVirtualInstantOrder checks the sub-step rule: a frame sent at T is
// handled at T, one epoch later, and time never runs backwards.
func TestVirtualInstantOrder(t *testing.T) {
	r := runPingPong(t, 7, 1, pingpong.Spec{Pairs: 3, Period: time.Second, Slots: 1, End: 10 * time.Second, PayloadMin: 8, PayloadMax: 8})
	// 11 instants (0..10 s), each with three epochs: timers, pings, pongs.
	if r.stats.Instants != 11 || r.stats.Epochs != 33 {
		t.Errorf("instants %d, epochs %d; want 11 and 33", r.stats.Instants, r.stats.Epochs)
	}
}

// badInputCase is a frame that must be dropped without harm.
type badInputCase struct {
	name    string
	subject string
	data    []byte
	reason  string
}

func TestBadInputIsCountedAndDropped(t *testing.T) {
	tr := embedded(t)
	logs := &syncBuffer{}
	m := runtime.NewMetrics(nil)
	w, err := runtime.NewWorker(runtime.WorkerOptions{
		Run: "bad", Conn: tr.Conn, Clock: runtime.RealTime, Metrics: m,
		Logger:   slog.New(slog.NewTextHandler(logs, nil)),
		Channels: []string{"pp"},
	})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	got := make(chan *runtime.Delivery, 10)
	addr := runtime.Address{Run: "bad", Channel: "pp", ID: "a"}
	if _, err := w.Spawn(addr, func(*runtime.Env) runtime.Actor {
		return runtime.ActorFunc(func(c *runtime.Context) {
			if d, ok := c.Message().(*runtime.Delivery); ok {
				got <- d
			}
		})
	}); err != nil {
		t.Fatal(err)
	}
	if err := w.Start(); err != nil {
		t.Fatal(err)
	}
	good := func(run string, seq uint64) []byte {
		b, _ := proto.Marshal(&plugsimpb.Frame{Run: run, Session: "s", Seq: seq, Protocol: plugsimpb.Protocol_PROTOCOL_PINGPONG, Src: "pp.x", Payload: []byte("hi")})
		return b
	}
	cases := []badInputCase{
		{"unknown channel", "plugsim.bad.nochannel.a", good("bad", 1), runtime.DropUnknownSubject},
		{"wildcard-looking id", "plugsim.bad.pp", good("bad", 1), runtime.DropUnknownSubject},
		{"garbage bytes", "plugsim.bad.pp.a", []byte{0xff, 0xff, 0xff}, runtime.DropMalformed},
		{"frame of another run", "plugsim.bad.pp.a", good("other", 1), runtime.DropMalformed},
		{"frame without protocol", "plugsim.bad.pp.a", func() []byte {
			b, _ := proto.Marshal(&plugsimpb.Frame{Run: "bad", Session: "s", Seq: 1, Src: "pp.x"})
			return b
		}(), runtime.DropMalformed},
		{"unknown actor", "plugsim.bad.pp.nobody", good("bad", 1), runtime.DropUnknownActor},
		{"unknown actor again", "plugsim.bad.pp.nobody2", good("bad", 2), runtime.DropUnknownActor},
	}
	for _, c := range cases {
		if err := tr.Conn.Publish(c.subject, c.data); err != nil {
			t.Fatal(err)
		}
	}
	// A good frame after the bad ones still arrives: nothing crashed.
	if err := tr.Conn.Publish(addr.Subject(), good("bad", 1)); err != nil {
		t.Fatal(err)
	}
	select {
	case d := <-got:
		if string(d.Frame.Payload) != "hi" {
			t.Errorf("payload = %q, want hi", d.Frame.Payload)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the good frame never arrived")
	}
	want := map[string]float64{}
	for _, c := range cases {
		want[c.reason]++
	}
	for reason, n := range want {
		if got := testutil.ToFloat64(m.FramesDropped.WithLabelValues(reason)); got != n {
			t.Errorf("dropped[%s] = %v, want %v", reason, got, n)
		}
		if c := strings.Count(logs.String(), "reason="+reason); c != 1 {
			t.Errorf("reason %s logged %d times, want once", reason, c)
		}
	}
	if !strings.Contains(logs.String(), "subject=plugsim.bad.nochannel.a") {
		t.Errorf("log does not name the subject:\n%s", logs)
	}
}

// crashy panics on every frame whose payload is "boom".
type crashy struct {
	env  *runtime.Env
	seen chan string
}

func (c *crashy) Receive(ctx *runtime.Context) {
	if d, ok := ctx.Message().(*runtime.Delivery); ok {
		if string(d.Frame.Payload) == "boom" {
			panic("boom")
		}
		c.seen <- string(d.Frame.Payload)
	}
}

func TestPanickingActorIsRestartedThenRetired(t *testing.T) {
	tr := embedded(t)
	logs := &syncBuffer{}
	m := runtime.NewMetrics(nil)
	w, err := runtime.NewWorker(runtime.WorkerOptions{
		Run: "sup", Conn: tr.Conn, Clock: runtime.RealTime, Metrics: m, MaxRestarts: 2,
		Logger: slog.New(slog.NewTextHandler(logs, nil)),
	})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	seen := make(chan string, 10)
	addr := runtime.Address{Run: "sup", Channel: "pp", ID: "c"}
	if _, err := w.Spawn(addr, func(env *runtime.Env) runtime.Actor { return &crashy{env: env, seen: seen} }); err != nil {
		t.Fatal(err)
	}
	if err := w.Start(); err != nil {
		t.Fatal(err)
	}
	seq := uint64(0)
	send := func(p string) {
		seq++
		b, _ := proto.Marshal(&plugsimpb.Frame{Run: "sup", Session: "s", Seq: seq, Protocol: plugsimpb.Protocol_PROTOCOL_PINGPONG, Src: "pp.t", Payload: []byte(p)})
		if err := tr.Conn.Publish(addr.Subject(), b); err != nil {
			t.Fatal(err)
		}
	}
	expect := func(p string) {
		t.Helper()
		select {
		case got := <-seen:
			if got != p {
				t.Fatalf("actor saw %q, want %q", got, p)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("actor never saw %q", p)
		}
	}
	send("boom")
	send("one") // handled by the restarted actor
	expect("one")
	send("boom")
	send("two")
	expect("two")
	send("boom") // third failure within the window: retired
	send("three")
	deadline := time.Now().Add(10 * time.Second)
	for testutil.ToFloat64(m.FramesDropped.WithLabelValues(runtime.DropRetiredActor)) < 1 {
		if time.Now().After(deadline) {
			t.Fatal("the retired actor's frame was not counted as dropped")
		}
		runtimeGosched()
	}
	if got := testutil.ToFloat64(m.ActorRestarts); got != 2 {
		t.Errorf("restarts = %v, want 2", got)
	}
	if got := testutil.ToFloat64(m.ActorStops); got != 1 {
		t.Errorf("retired = %v, want 1", got)
	}
	if !strings.Contains(logs.String(), "msg=actor_restarted") || !strings.Contains(logs.String(), "subject=plugsim.sup.pp.c") {
		t.Errorf("crash not logged with the actor's subject:\n%s", logs)
	}
	select {
	case got := <-seen:
		t.Errorf("retired actor handled %q", got)
	default:
	}
}

// starter publishes to peer from a timer set at Started.
type starter struct {
	env  *runtime.Env
	peer runtime.Address
	got  chan struct{}
}

func (s *starter) Receive(c *runtime.Context) {
	switch c.Message().(type) {
	case runtime.Started:
		if s.got == nil {
			s.env.After(0, nil)
		}
	case *runtime.Timer:
		s.env.Publish(s.peer, "s", plugsimpb.Protocol_PROTOCOL_PINGPONG, []byte("x"))
	case *runtime.Delivery:
		close(s.got)
	}
}

// TestRealTimeTimersWaitForStart: under real time a timer an actor sets
// before Start is held until the subscriptions exist, so its frame is not
// published to a subject nobody listens to yet.
func TestRealTimeTimersWaitForStart(t *testing.T) {
	tr := embedded(t)
	w, err := runtime.NewWorker(runtime.WorkerOptions{Run: "rt", Conn: tr.Conn, Clock: runtime.RealTime})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	a := runtime.Address{Run: "rt", Channel: "pp", ID: "a"}
	b := runtime.Address{Run: "rt", Channel: "pp", ID: "b"}
	got := make(chan struct{})
	w.Spawn(b, func(env *runtime.Env) runtime.Actor { return &starter{env: env, peer: a, got: got} })
	w.Spawn(a, func(env *runtime.Env) runtime.Actor { return &starter{env: env, peer: b} })
	if _, err := w.Step(context.Background(), &plugsimpb.Step{}); err == nil {
		t.Fatal("Step on a real-time worker succeeded")
	}
	if s := w.Stats(); s.Sent != 0 || s.Timers != 0 {
		t.Fatalf("before Start: %d frames sent, %d timers fired; want none", s.Sent, s.Timers)
	}
	if err := w.Start(); err != nil {
		t.Fatal(err)
	}
	select {
	case <-got:
	case <-time.After(10 * time.Second):
		t.Fatalf("the frame sent at start never arrived: %+v", w.Stats())
	}
}
