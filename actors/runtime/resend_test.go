package runtime

import (
	"context"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go"

	plugsimpb "github.com/plugsim/plugsim/proto"
)

// echo answers every frame with its payload, and pings on a timer.
type echo struct {
	env   *Env
	peer  Address
	first bool
	mu    *sync.Mutex
	got   map[string][]uint64 // guarded by mu
}

func (e *echo) Receive(c *Context) {
	switch m := c.Message().(type) {
	case Started:
		if e.first {
			e.env.After(time.Second, nil)
		}
	case *Timer:
		e.env.Publish(e.peer, "s", plugsimpb.Protocol_PROTOCOL_PINGPONG, []byte("ping"))
		if m.At < 20*time.Second {
			e.env.After(time.Second, nil)
		}
	case *Delivery:
		e.mu.Lock()
		e.got[e.env.Addr.ID] = append(e.got[e.env.Addr.ID], m.Frame.Seq)
		e.mu.Unlock()
		if !e.first {
			e.env.Publish(e.peer, "s", plugsimpb.Protocol_PROTOCOL_PINGPONG, []byte("pong"))
		}
	}
}

// TestLostFramesAreResent loses a seeded fraction of incoming frames, as
// a dying NATS node does, and checks that the coordinator's resend waves
// deliver every frame exactly once and in order.
func TestLostFramesAreResent(t *testing.T) {
	tr, err := Connect(context.Background(), TransportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer tr.Close()
	const seed = 11
	rng := rand.New(rand.NewPCG(seed, seed))
	var rmu sync.Mutex
	w, err := NewWorker(WorkerOptions{Run: "loss", Conn: tr.Conn, Clock: VirtualTime, Seed: seed})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	lost := 0
	w.faultDrop = func(*nats.Msg) bool {
		rmu.Lock()
		defer rmu.Unlock()
		if rng.IntN(4) == 0 {
			lost++
			return true
		}
		return false
	}
	a := Address{Run: "loss", Channel: "pp", ID: "a"}
	b := Address{Run: "loss", Channel: "pp", ID: "b"}
	var mu sync.Mutex
	got := map[string][]uint64{}
	w.Spawn(a, func(env *Env) Actor { return &echo{env: env, peer: b, first: true, mu: &mu, got: got} })
	w.Spawn(b, func(env *Env) Actor { return &echo{env: env, peer: a, mu: &mu, got: got} })
	if err := w.Start(); err != nil {
		t.Fatal(err)
	}
	st, err := RunVirtual(context.Background(), CoordinatorOptions{Members: []Member{w}, End: time.Minute, ResendAfter: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if lost == 0 || st.Resends == 0 {
		t.Fatalf("lost %d frames, %d resend waves: the test lost nothing (seed %d)", lost, st.Resends, seed)
	}
	for id, seqs := range got {
		if len(seqs) != 20 {
			t.Errorf("%s received %d frames, want 20 (seed %d)", id, len(seqs), seed)
		}
		for i, s := range seqs {
			if s != uint64(i+1) {
				t.Errorf("%s frame %d has seq %d: want every frame once, in order (seed %d)", id, i, s, seed)
				break
			}
		}
	}
	if s := w.Stats(); s.Sent != 40 || s.Received != 40 {
		t.Errorf("sent %d, received %d; want 40 each", s.Sent, s.Received)
	}
}
