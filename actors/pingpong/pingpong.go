// Package pingpong is the runtime's built-in synthetic workload: pairs of
// actors exchanging envelopes over NATS on a periodic timer. It exercises
// routing, ordering, the clock and supervision at scale before the
// charging actors exist, and it says so: it models no charging at all.
//
// # Messages
//
// A pinger wakes every Period (a [runtime.Timer]), publishes a ping frame
// of random size and content to its ponger, and expects a pong that
// carries the SHA-256 of the ping's payload. A ponger answers each ping.
// Both check that frames of their session arrive in order, without gaps
// or duplicates, and record any violation.
//
// # Concurrency
//
// Actors touch only their own state; [Stats] are updated atomically.
package pingpong

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/plugsim/plugsim/actors/runtime"
	plugsimpb "github.com/plugsim/plugsim/proto"
)

// Name is the workload name in [plugsimpb.Assign].
const Name = "pingpong"

// Channel is the subject channel of the workload's actors.
const Channel = "pp"

// Spec are the workload's parameters.
type Spec struct {
	// Pairs is the number of pinger/ponger pairs.
	Pairs int `json:"pairs"`
	// Period is the simulated time between two pings of one pair.
	Period time.Duration `json:"period"`
	// Slots is the number of distinct phases within a period that pairs
	// are spread over (1 puts every pair on the same instants).
	Slots int `json:"slots"`
	// End is the simulated time after which no ping is sent.
	End time.Duration `json:"end"`
	// PayloadMin and PayloadMax bound the ping payload size in bytes.
	PayloadMin int `json:"payload_min"`
	PayloadMax int `json:"payload_max"`
	// CrashEvery makes a ponger panic on every CrashEvery-th ping it
	// receives (before answering; the restarted actor answers the next
	// ping), to exercise supervision. 0 never crashes.
	CrashEvery int `json:"crash_every"`
}

// Validate reports the first invalid field.
func (s Spec) Validate() error {
	switch {
	case s.Pairs < 1:
		return fmt.Errorf("pingpong: pairs must be at least 1, got %d", s.Pairs)
	case s.Period <= 0:
		return fmt.Errorf("pingpong: period must be positive, got %v", s.Period)
	case s.Slots < 1:
		return fmt.Errorf("pingpong: slots must be at least 1, got %d", s.Slots)
	case s.End < 0:
		return fmt.Errorf("pingpong: end must not be negative, got %v", s.End)
	case s.PayloadMin < 0 || s.PayloadMax < s.PayloadMin:
		return fmt.Errorf("pingpong: payload sizes [%d, %d] invalid", s.PayloadMin, s.PayloadMax)
	case s.CrashEvery < 0:
		return fmt.Errorf("pingpong: crash_every must not be negative, got %d", s.CrashEvery)
	}
	return nil
}

// Encode returns s as the spec bytes of an Assign.
func (s Spec) Encode() []byte {
	b, _ := json.Marshal(s)
	return b
}

// DecodeSpec reads the spec bytes of an Assign.
func DecodeSpec(b []byte) (Spec, error) {
	var s Spec
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&s); err != nil {
		return s, fmt.Errorf("pingpong: spec: %w", err)
	}
	return s, s.Validate()
}

// Stats count what a shard's actors saw.
type Stats struct {
	Pings      atomic.Uint64
	Pongs      atomic.Uint64
	RoundTrips atomic.Uint64
	mu         sync.Mutex
	errors     []string // guarded by mu
}

// Errors returns the violations recorded (at most 100).
func (s *Stats) Errors() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.errors...)
}

func (s *Stats) fail(format string, args ...any) {
	s.mu.Lock()
	if len(s.errors) < 100 {
		s.errors = append(s.errors, fmt.Sprintf(format, args...))
	}
	s.mu.Unlock()
}

// Groups is the number of address groups the pairs are spread over. A
// shard holds whole groups, so addresses do not depend on how many shards
// a run has (at most Groups), and neither does the run digest.
const Groups = 64

func group(i int) int { return i % Groups }

// ShardOf returns the shard (of shards) that holds address group g.
func ShardOf(g, shards int) int { return g % shards }

// ShardSubjects returns the wildcard subjects of one shard's groups.
func ShardSubjects(run string, shard, shards int) []string {
	var out []string
	for g := shard; g < Groups; g += shards {
		out = append(out, runtime.Address{Run: run, Channel: Channel, ID: fmt.Sprintf("g%d.>", g)}.Subject())
	}
	return out
}

// PingerAddress returns the address of pair i's pinger, in group i; its
// ponger is in group i+1, so that with several shards the exchanges of
// most pairs cross shard boundaries.
func PingerAddress(run string, i int) runtime.Address {
	return runtime.Address{Run: run, Channel: Channel, ID: fmt.Sprintf("g%d.ping%d", group(i), i)}
}

// PongerAddress returns the address of pair i's ponger.
func PongerAddress(run string, i int) runtime.Address {
	return runtime.Address{Run: run, Channel: Channel, ID: fmt.Sprintf("g%d.pong%d", group(i+1), i)}
}

// SpawnShard spawns the actors of shard (of shards) on w.
func SpawnShard(w *runtime.Worker, spec Spec, shard, shards int, stats *Stats) error {
	if err := spec.Validate(); err != nil {
		return err
	}
	if shards < 1 || shards > Groups || shard < 0 || shard >= shards {
		return fmt.Errorf("pingpong: shard %d of %d: want 1 to %d shards", shard, shards, Groups)
	}
	for i := 0; i < spec.Pairs; i++ {
		ping, pong := PingerAddress(w.Run(), i), PongerAddress(w.Run(), i)
		session := fmt.Sprintf("pp%d", i)
		if ShardOf(group(i), shards) == shard {
			if _, err := w.Spawn(ping, func(env *runtime.Env) runtime.Actor {
				return &pinger{env: env, spec: spec, peer: pong, session: session, stats: stats}
			}); err != nil {
				return err
			}
		}
		if ShardOf(group(i+1), shards) == shard {
			if _, err := w.Spawn(pong, func(env *runtime.Env) runtime.Actor {
				return &ponger{env: env, spec: spec, peer: ping, session: session, stats: stats}
			}); err != nil {
				return err
			}
		}
	}
	return nil
}

// pinger sends pings on its timer and checks the pongs. It never panics,
// so it keeps its state for the whole run.
type pinger struct {
	env     *runtime.Env
	spec    Spec
	peer    runtime.Address
	session string
	stats   *Stats

	lastIn  uint64
	pending [32]byte
	waiting bool
	started bool
}

type tick struct{}

// Receive implements actor.Actor.
func (p *pinger) Receive(c *runtime.Context) {
	switch m := c.Message().(type) {
	case runtime.Started:
		if p.started {
			return
		}
		p.started = true
		slot := p.env.Rand().IntN(p.spec.Slots)
		p.env.After(time.Duration(slot)*p.spec.Period/time.Duration(p.spec.Slots), tick{})
	case *runtime.Timer:
		p.onTick()
	case *runtime.Delivery:
		p.onPong(m.Frame)
	}
}

func (p *pinger) onTick() {
	if p.env.Now() > p.spec.End {
		return
	}
	rng := p.env.Rand()
	n := p.spec.PayloadMin
	if p.spec.PayloadMax > p.spec.PayloadMin {
		n += rng.IntN(p.spec.PayloadMax - p.spec.PayloadMin + 1)
	}
	payload := make([]byte, n)
	for i := range payload {
		payload[i] = byte(rng.Uint32())
	}
	p.pending = sha256.Sum256(payload)
	p.waiting = true
	if err := p.env.Publish(p.peer, p.session, plugsimpb.Protocol_PROTOCOL_PINGPONG, payload); err != nil {
		p.stats.fail("%s: %v", p.session, err)
	}
	p.stats.Pings.Add(1)
	p.env.After(p.spec.Period, tick{})
}

func (p *pinger) onPong(f *plugsimpb.Frame) {
	if f.Seq != p.lastIn+1 {
		p.stats.fail("%s: pong seq %d after %d", p.session, f.Seq, p.lastIn)
	}
	p.lastIn = f.Seq
	switch {
	case !p.waiting:
		p.stats.fail("%s: unexpected pong %d", p.session, f.Seq)
	case !bytes.Equal(f.Payload, p.pending[:]):
		p.stats.fail("%s: pong %d does not match its ping", p.session, f.Seq)
	default:
		p.stats.RoundTrips.Add(1)
	}
	p.waiting = false
}

type ponger struct {
	env     *runtime.Env
	spec    Spec
	peer    runtime.Address
	session string
	stats   *Stats
	lastIn  uint64
}

// Receive implements actor.Actor.
func (p *ponger) Receive(c *runtime.Context) {
	m, ok := c.Message().(*runtime.Delivery)
	if !ok {
		return
	}
	f := m.Frame
	if p.spec.CrashEvery > 0 && f.Seq%uint64(p.spec.CrashEvery) == 0 && p.lastIn < f.Seq {
		p.lastIn = f.Seq // a fresh ponger after the restart starts from 0 again
		panic(fmt.Sprintf("pingpong: injected crash at ping %d", f.Seq))
	}
	if p.lastIn != 0 && f.Seq != p.lastIn+1 {
		p.stats.fail("%s: ping seq %d after %d", p.session, f.Seq, p.lastIn)
	}
	p.lastIn = f.Seq
	sum := sha256.Sum256(f.Payload)
	if err := p.env.Publish(p.peer, p.session, plugsimpb.Protocol_PROTOCOL_PINGPONG, sum[:]); err != nil {
		p.stats.fail("%s: %v", p.session, err)
	}
	p.stats.Pongs.Add(1)
}

// Totals are a shard's workload counts as carried in a final report.
type Totals struct {
	Pings      uint64 `json:"pings"`
	Pongs      uint64 `json:"pongs"`
	RoundTrips uint64 `json:"round_trips"`
}

// Totals returns the counts of s.
func (s *Stats) Totals() Totals {
	return Totals{Pings: s.Pings.Load(), Pongs: s.Pongs.Load(), RoundTrips: s.RoundTrips.Load()}
}

// Encode returns t as the workload bytes of a final report.
func (t Totals) Encode() []byte {
	b, _ := json.Marshal(t)
	return b
}

// Decode reads the workload totals of a final report.
func (t *Totals) Decode(f *plugsimpb.FinalReport) error {
	if len(f.Workload) == 0 {
		return fmt.Errorf("pingpong: final report of worker %s has no totals", f.Worker)
	}
	if err := json.Unmarshal(f.Workload, t); err != nil {
		return fmt.Errorf("pingpong: final report of worker %s: %w", f.Worker, err)
	}
	return nil
}
