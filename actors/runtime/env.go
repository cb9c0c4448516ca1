package runtime

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"hash"
	"hash/fnv"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"google.golang.org/protobuf/proto"

	plugsimpb "github.com/plugsim/plugsim/proto"
)

// Delivery is the message an actor receives for each frame that arrives on
// its subject.
type Delivery struct {
	// Subject is the subject the frame arrived on (the actor's own).
	Subject string
	// Frame is the decoded envelope. Receivers must not modify it.
	Frame *plugsimpb.Frame
}

// Timer is the message an actor receives when a wake-up it asked for with
// [Env.After] is due.
type Timer struct {
	// At is the simulated time the timer was set for.
	At time.Duration
	// Tag is the value given to [Env.After].
	Tag any
}

// Env is an actor's handle on the runtime: its address, clock, random
// generator and outbox. An Env outlives restarts of its actor. Its methods
// must be called only from the actor's own Receive.
type Env struct {
	// Addr is the actor's address.
	Addr Address

	w          *Worker
	subject    string
	src        string
	pid        *actor.PID
	rng        *rand.Rand
	seqs       map[string]uint64 // per session, outgoing
	timerSeq   uint64
	started    atomic.Bool // the actor's first Started was handled
	restarting atomic.Bool // restarted; its next Started is counted done
	dead       atomic.Bool // retired after too many failures
	stopped    atomic.Bool // stopped; set under mu

	mu       sync.Mutex      // guards chain, count, pending, failures
	chain    [32]byte        // hash chain of delivered frames, in delivery order
	count    uint64          // frames in chain
	pending  int64           // messages sent to the actor and not yet handled
	failures []time.Duration // times of recent failures
}

// Now returns the simulated time since the start of the run.
func (e *Env) Now() time.Duration { return e.w.Now() }

// Rand returns the actor's own generator, seeded from the run seed and the
// actor's address: the same run seed gives the same draws.
func (e *Env) Rand() *rand.Rand { return e.rng }

// After asks for a [Timer] carrying tag to be delivered to the actor after
// d of simulated time (d < 0 counts as 0). Timers of one actor due at the
// same time arrive in the order they were set.
func (e *Env) After(d time.Duration, tag any) {
	if d < 0 {
		d = 0
	}
	e.timerSeq++
	e.w.schedule(e, e.w.Now()+d, e.timerSeq, tag)
}

// Publish sends payload to the actor at to, in a [plugsimpb.Frame] of
// session that numbers the actor's frames of that session from 1.
func (e *Env) Publish(to Address, session string, p plugsimpb.Protocol, payload []byte) error {
	e.seqs[session]++
	f := &plugsimpb.Frame{
		Run:       e.Addr.Run,
		Session:   session,
		Seq:       e.seqs[session],
		SimTimeNs: int64(e.w.Now()),
		Protocol:  p,
		Payload:   payload,
		Src:       e.src,
		Origin:    e.w.id,
	}
	data, err := proto.Marshal(f)
	if err != nil {
		return fmt.Errorf("runtime: publish to %s: %w", to, err)
	}
	return e.w.publish(to.Subject(), data)
}

// track adds n (1 when a message is sent to the actor, -1 when it is
// handled) to the actor's and the worker's in-flight counts. Adding to a
// stopped actor fails: the caller must not send.
func (e *Env) track(n int64) bool {
	e.mu.Lock()
	if n > 0 && e.stopped.Load() {
		e.mu.Unlock()
		return false
	}
	if n < 0 && e.pending+n < 0 { // counted off already when it stopped
		e.mu.Unlock()
		return true
	}
	e.pending += n
	e.mu.Unlock()
	if n > 0 {
		e.w.inflight.Add(n)
	} else {
		e.w.doneN(-n)
	}
	return true
}

// fail records a failure at now and returns how many fell within
// RestartWindow before it.
func (e *Env) fail(now time.Duration) int {
	e.mu.Lock()
	defer e.mu.Unlock()
	keep := e.failures[:0]
	for _, t := range e.failures {
		if now-t < RestartWindow {
			keep = append(keep, t)
		}
	}
	e.failures = append(keep, now)
	return len(e.failures)
}

// record adds one delivered frame to the actor's hash chain: what the
// frame means (sender, session, sequence, time, protocol, payload), not
// the run id or the worker that carried it, so that the digest does not
// depend on how a run is named or spread over processes.
func (e *Env) record(f *plugsimpb.Frame) {
	var n [8]byte
	e.mu.Lock()
	h := sha256.New()
	h.Write(e.chain[:])
	writeString(h, f.Src)
	writeString(h, f.Session)
	binary.BigEndian.PutUint64(n[:], f.Seq)
	h.Write(n[:])
	binary.BigEndian.PutUint64(n[:], uint64(f.SimTimeNs))
	h.Write(n[:])
	binary.BigEndian.PutUint64(n[:], uint64(f.Protocol))
	h.Write(n[:])
	writeString(h, string(f.Payload))
	h.Sum(e.chain[:0])
	e.count++
	e.mu.Unlock()
}

// writeString writes s with its length, so that concatenations cannot
// collide.
func writeString(h hash.Hash, s string) {
	var n [8]byte
	binary.BigEndian.PutUint64(n[:], uint64(len(s)))
	h.Write(n[:])
	h.Write([]byte(s))
}

// share returns the actor's term of the run digest.
func (e *Env) share() Digest {
	e.mu.Lock()
	defer e.mu.Unlock()
	h := sha256.New()
	writeString(h, e.src)
	h.Write(e.chain[:])
	var n [8]byte
	binary.BigEndian.PutUint64(n[:], e.count)
	h.Write(n[:])
	var d Digest
	h.Sum(d[:0])
	return d
}

// entitySeed derives an entity's generator seed from the run seed and its
// address within the run ("<channel>.<id>"), not the run id.
func entitySeed(seed int64, src string) (uint64, uint64) {
	h := fnv.New64a()
	h.Write([]byte(src))
	return uint64(seed), h.Sum64()
}

// Digest is an order-independent sum of per-actor hashes: the run digest
// is the sum, modulo 2^256, of SHA-256(address, chain, count) over every
// actor, where chain hashes the frames the actor received in delivery
// order. It depends on the seed and on what the actors did, not on the run
// id nor on how the actors are spread over shards and processes.
type Digest [32]byte

// Add returns d + o modulo 2^256.
func (d Digest) Add(o Digest) Digest {
	var r Digest
	var carry uint16
	for i := 31; i >= 0; i-- {
		s := uint16(d[i]) + uint16(o[i]) + carry
		r[i] = byte(s)
		carry = s >> 8
	}
	return r
}

// String returns d in hex.
func (d Digest) String() string { return fmt.Sprintf("%x", d[:]) }
