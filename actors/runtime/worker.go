package runtime

import (
	"cmp"
	"context"
	crand "crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/nats-io/nats.go"
	"google.golang.org/protobuf/proto"

	plugsimpb "github.com/plugsim/plugsim/proto"
)

// ClockMode selects how a [Worker] keeps time.
type ClockMode int

// Clock modes.
const (
	// RealTime uses the wall clock: frames are delivered as they arrive
	// and timers fire after real durations. For load tests and bridges.
	RealTime ClockMode = iota
	// VirtualTime advances in epochs driven by [Worker.Step] (see the
	// package documentation). For planning runs.
	VirtualTime
)

// WorkerOptions configure [NewWorker].
type WorkerOptions struct {
	// Run is the run id; required.
	Run string
	// ID names this worker in the run, unique among its workers; it marks
	// the frames the worker sends. Default: a random id.
	ID string
	// Conn is the NATS connection; required.
	Conn *nats.Conn
	// Clock is the clock mode. Default RealTime.
	Clock ClockMode
	// Seed is the run seed from which every actor's generator derives.
	Seed int64
	// Channels lists the channels whose subjects this worker routes.
	// Frames on other channels are dropped as unknown subjects. Default:
	// every channel of the run except ctl.
	Channels []string
	// Subscriptions are the wildcard subjects this worker subscribes to,
	// one per shard it holds. Default: the whole run.
	Subscriptions []string
	// Logger receives the worker's events. Default: discard.
	Logger *slog.Logger
	// Metrics receives the worker's counts. Default: unregistered
	// collectors.
	Metrics *Metrics
	// MaxRestarts is how many times within RestartWindow an actor that
	// panics is restarted before it is retired (it then drops what it
	// receives). Default 3; negative retires an actor at its first panic.
	MaxRestarts int
	// DefaultDispatcher uses protoactor's goroutine-per-activation
	// dispatcher instead of the runtime's pooled one. Default false.
	DefaultDispatcher bool
}

// Worker hosts a shard of a run's actors in this process: it spawns them,
// routes the frames of its subscriptions to them, and keeps their clock.
type Worker struct {
	id       string
	run      string
	nc       *nats.Conn
	mode     ClockMode
	seed     int64
	log      *slog.Logger
	m        *Metrics
	sys      *actor.ActorSystem
	props    *actor.Props
	stop     chan struct{}
	channels map[string]bool
	subjects []string
	clock    Clock
	vclock   *VirtualClock // the clock under virtual time, else nil

	mu         sync.RWMutex
	routes     map[string]*Env // by subject; guarded by mu
	subs       []*nats.Subscription
	subscribed bool

	sent     atomic.Uint64
	received atomic.Uint64
	inflight atomic.Int64
	idle     chan struct{}
	arrival  chan struct{} // signalled when a frame from a local actor arrives
	dropped  atomic.Uint64
	restarts atomic.Uint64
	logged   sync.Map // drop reason -> struct{}: logged once
	timersN  atomic.Uint64

	// faultDrop, set only by tests before Start, loses incoming messages
	// it returns true for, as a failing NATS node would.
	faultDrop func(*nats.Msg) bool

	smu       sync.Mutex // guards the fields below
	epoch     uint64
	buffer    []pending
	seen      map[frameKey]struct{}
	delivered map[streamKey]uint64 // highest seq handed to an actor
	resend    []outFrame           // frames sent in the current epoch
	selfSent  uint64               // frames sent to this worker's own actors
	recvFrom  map[string]uint64    // unique frames received, by origin worker
	closed    bool
}

type frameKey struct {
	src, session string
	seq          uint64
}

type streamKey struct{ src, session string }

type pending struct {
	env   *Env
	frame *plugsimpb.Frame
	raw   []byte
}

type outFrame struct {
	subject string
	data    []byte
}

// NewWorker creates a worker and its actor system. Call [Worker.Start]
// after spawning the actors.
func NewWorker(opts WorkerOptions) (*Worker, error) {
	if opts.Run == "" || opts.Conn == nil {
		return nil, errors.New("runtime: worker needs a run id and a NATS connection")
	}
	if err := validToken(opts.Run); err != nil || strings.Contains(opts.Run, ".") {
		return nil, fmt.Errorf("runtime: run id %q: %w", opts.Run, ErrBadAddress)
	}
	if opts.ID == "" {
		var b [6]byte
		crand.Read(b[:])
		opts.ID = "w" + hex.EncodeToString(b[:])
	}
	w := &Worker{
		id:        opts.ID,
		run:       opts.Run,
		nc:        opts.Conn,
		mode:      opts.Clock,
		seed:      opts.Seed,
		log:       opts.Logger,
		m:         opts.Metrics,
		stop:      make(chan struct{}),
		routes:    map[string]*Env{},
		idle:      make(chan struct{}, 1),
		arrival:   make(chan struct{}, 1),
		seen:      map[frameKey]struct{}{},
		delivered: map[streamKey]uint64{},
		recvFrom:  map[string]uint64{},
		subjects:  opts.Subscriptions,
	}
	if w.mode == VirtualTime {
		w.vclock = NewVirtualClock()
		w.clock = w.vclock
	} else {
		rc := NewRealClock(w.stop)
		rc.hold = true // until Start: no frame before the subscriptions exist
		w.clock = rc
	}
	if w.log == nil {
		w.log = slog.New(slog.DiscardHandler)
	}
	w.log = w.log.With("run", w.run)
	if w.m == nil {
		w.m = NewMetrics(nil)
	}
	if len(opts.Channels) > 0 {
		w.channels = map[string]bool{}
		for _, c := range opts.Channels {
			w.channels[c] = true
		}
	}
	if len(w.subjects) == 0 {
		w.subjects = []string{RunWildcard(w.run)}
	}
	logger := w.log
	w.sys = actor.NewActorSystem(actor.WithLoggerFactory(func(*actor.ActorSystem) *slog.Logger { return logger.With("lib", "protoactor") }))
	maxRestarts := opts.MaxRestarts
	if maxRestarts == 0 {
		maxRestarts = 3
	}
	popts := []actor.PropsOption{
		actor.WithGuardian(&supervisor{w: w, max: maxRestarts}),
	}
	if !opts.DefaultDispatcher {
		popts = append(popts, actor.WithDispatcher(newPoolDispatcher(0, 0, w.stop)))
	}
	w.props = actor.PropsFromProducer(func() actor.Actor { return nil }, popts...)
	return w, nil
}

// ID returns the worker's id.
func (w *Worker) ID() string { return w.id }

// Run returns the worker's run id.
func (w *Worker) Run() string { return w.run }

// Logger returns the worker's logger.
func (w *Worker) Logger() *slog.Logger { return w.log }

// Now returns the current simulated time: the epoch's instant under
// virtual time, the time since [NewWorker] under real time.
func (w *Worker) Now() time.Duration { return w.clock.Now() }

// Clock returns the worker's clock.
func (w *Worker) Clock() Clock { return w.clock }

// Spawn starts an actor at addr; producer builds the actor (again after
// each restart) from its [Env].
func (w *Worker) Spawn(addr Address, producer func(*Env) Actor) (*Env, error) {
	if err := addr.Validate(); err != nil {
		return nil, err
	}
	if addr.Run != w.run {
		return nil, fmt.Errorf("runtime: spawn %s: address of run %q in run %q: %w", addr, addr.Run, w.run, ErrBadAddress)
	}
	subject := addr.Subject()
	src := addr.Channel + "." + addr.ID
	s1, s2 := entitySeed(w.seed, src)
	env := &Env{
		Addr:    addr,
		w:       w,
		subject: subject,
		src:     src,
		rng:     rand.New(rand.NewPCG(s1, s2)),
		seqs:    map[string]uint64{},
	}
	w.mu.Lock()
	if _, dup := w.routes[subject]; dup {
		w.mu.Unlock()
		return nil, fmt.Errorf("runtime: spawn %s: address in use", addr)
	}
	w.routes[subject] = env
	w.mu.Unlock()
	props := w.props.Clone(actor.WithProducer(func() actor.Actor {
		return &tracked{w: w, env: env, inner: producer(env)}
	}))
	env.track(1) // until the first Started is handled
	// Named by its subject, so that the supervisor finds the Env of a
	// failing PID in routes without another index.
	pid, err := w.sys.Root.SpawnNamed(props, subject)
	if err != nil {
		env.track(-1)
		w.mu.Lock()
		delete(w.routes, subject)
		w.mu.Unlock()
		return nil, fmt.Errorf("runtime: spawn %s: %w", addr, err)
	}
	env.pid = pid
	return env, nil
}

// Subscribe subscribes to the worker's subjects: frames start flowing to
// the actors. When several workers of a run share a process, subscribe all
// of them before starting any, so that no frame is published to a subject
// nobody listens to yet.
func (w *Worker) Subscribe() error {
	w.mu.Lock()
	done := w.subscribed
	w.subscribed = true
	w.mu.Unlock()
	if done {
		return nil
	}
	for _, s := range w.subjects {
		sub, err := w.nc.Subscribe(s, w.onMsg)
		if err != nil {
			return fmt.Errorf("runtime: subscribe %s: %w", s, err)
		}
		if err := sub.SetPendingLimits(-1, 1<<30); err != nil {
			return fmt.Errorf("runtime: subscribe %s: %w", s, err)
		}
		w.mu.Lock()
		w.subs = append(w.subs, sub)
		w.mu.Unlock()
	}
	return w.nc.Flush()
}

// Start subscribes (if [Worker.Subscribe] was not called) and starts the
// clock: under real time, timers that actors set before Start are armed
// now, so that no frame leaves before the subscriptions exist. Under
// virtual time nothing fires before the first [Worker.Step] anyway.
func (w *Worker) Start() error {
	if err := w.Subscribe(); err != nil {
		return err
	}
	if rc, ok := w.clock.(*RealClock); ok {
		rc.Start()
	}
	return nil
}

// onMsg routes one NATS message. It runs on the subscription's goroutine.
func (w *Worker) onMsg(msg *nats.Msg) {
	if w.faultDrop != nil && w.faultDrop(msg) {
		return
	}
	w.mu.RLock()
	env := w.routes[msg.Subject]
	w.mu.RUnlock()
	if env == nil {
		addr, err := ParseSubject(msg.Subject)
		switch {
		case err != nil || addr.Run != w.run || addr.Channel == ChannelCtl:
			if addr.Channel == ChannelCtl && err == nil && addr.Run == w.run {
				return // control traffic of this run: not for actors
			}
			w.drop(DropUnknownSubject, msg.Subject, err)
			return
		case w.channels != nil && !w.channels[addr.Channel]:
			w.drop(DropUnknownSubject, msg.Subject, nil)
			return
		}
	}
	f := &plugsimpb.Frame{}
	if err := proto.Unmarshal(msg.Data, f); err != nil {
		w.drop(DropMalformed, msg.Subject, err)
		return
	}
	if f.Run != w.run || f.Protocol == plugsimpb.Protocol_PROTOCOL_UNSPECIFIED || f.Seq == 0 || f.Src == "" {
		w.drop(DropMalformed, msg.Subject, errors.New("frame of another run, or without protocol, seq or src"))
		return
	}
	if w.mode == RealTime {
		w.received.Add(1)
		w.m.FramesReceived.Inc()
		if env == nil {
			w.drop(DropUnknownActor, msg.Subject, nil)
			return
		}
		w.deliverFrame(env, f, msg.Data)
		return
	}
	key := frameKey{f.Src, f.Session, f.Seq}
	w.smu.Lock()
	if f.Seq <= w.delivered[streamKey{f.Src, f.Session}] {
		w.smu.Unlock()
		w.drop(DropDuplicate, msg.Subject, nil)
		return
	}
	if _, dup := w.seen[key]; dup {
		w.smu.Unlock()
		w.drop(DropDuplicate, msg.Subject, nil)
		return
	}
	w.seen[key] = struct{}{}
	w.received.Add(1)
	w.m.FramesReceived.Inc()
	w.recvFrom[f.Origin]++
	if f.Origin == w.id {
		select {
		case w.arrival <- struct{}{}:
		default:
		}
	}
	if env == nil {
		w.smu.Unlock()
		w.drop(DropUnknownActor, msg.Subject, nil)
		return
	}
	w.buffer = append(w.buffer, pending{env: env, frame: f, raw: msg.Data})
	w.smu.Unlock()
}

// localWait bounds how long [Worker.Step] waits for frames its own actors
// sent to each other; frames still missing after it are left to the
// coordinator's waves and resends.
const localWait = 100 * time.Millisecond

// waitLocalArrivals waits until every frame that the worker's actors sent
// to the worker's own actors has arrived (it is then buffered, so no actor
// wakes up), or localWait has passed. This saves the coordinator a wave
// per epoch for process-local traffic.
func (w *Worker) waitLocalArrivals(ctx context.Context) error {
	var timer *time.Timer
	for {
		w.smu.Lock()
		done := w.recvFrom[w.id] >= w.selfSent
		w.smu.Unlock()
		if done {
			return nil
		}
		if timer == nil {
			timer = time.NewTimer(localWait)
			defer timer.Stop()
		}
		select {
		case <-w.arrival:
		case <-timer.C:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// drop counts a dropped frame and logs the first of each reason.
func (w *Worker) drop(reason, subject string, err error) {
	w.m.FramesDropped.WithLabelValues(reason).Inc()
	if reason != DropDuplicate {
		w.dropped.Add(1)
	}
	if _, seen := w.logged.LoadOrStore(reason, struct{}{}); !seen {
		attrs := []any{"reason", reason, "subject", subject}
		if err != nil {
			attrs = append(attrs, "err", err)
		}
		w.log.Warn("frame_dropped", attrs...)
	}
}

// deliverFrame hands a frame to its actor, counting it in flight.
// Under virtual time it also adds the frame to the actor's digest chain
// (under real time the arrival order is not reproducible, so there is no
// digest to keep).
func (w *Worker) deliverFrame(env *Env, f *plugsimpb.Frame, raw []byte) {
	if w.mode == VirtualTime {
		env.record(f)
	}
	if !env.track(1) {
		w.drop(DropStoppedActor, env.subject, nil)
		return
	}
	w.m.FramesDelivered.Inc()
	w.sys.Root.Send(env.pid, &Delivery{Subject: env.subject, Frame: f})
}

// publish sends one encoded frame and counts it.
func (w *Worker) publish(subject string, data []byte) error {
	if w.mode == VirtualTime {
		w.mu.RLock()
		_, local := w.routes[subject]
		w.mu.RUnlock()
		w.smu.Lock()
		w.resend = append(w.resend, outFrame{subject, data})
		if local {
			w.selfSent++
		}
		w.smu.Unlock()
	}
	w.sent.Add(1)
	w.m.FramesSent.Inc()
	if err := w.nc.Publish(subject, data); err != nil {
		return fmt.Errorf("runtime: publish %s: %w", subject, err)
	}
	return nil
}

// schedule sets a timer of env on the worker's clock. The timer counts
// as in flight from now under real time (so the worker is not idle while
// it is pending) and from its firing under virtual time (the clock reports
// pending timers itself).
func (w *Worker) schedule(env *Env, at time.Duration, seq uint64, tag any) {
	real := w.mode == RealTime
	if real && !env.track(1) {
		return
	}
	w.clock.At(at, env.subject, seq, func() {
		if real {
			if env.stopped.Load() {
				return // counted off when the actor stopped
			}
		} else if !env.track(1) {
			return
		}
		w.timersN.Add(1)
		w.m.TimersFired.Inc()
		w.sys.Root.Send(env.pid, &Timer{At: at, Tag: tag})
	})
}

// tracked wraps every actor: it marks deliveries, timers, the first
// Started and the Started after each restart done once the actor's Receive
// returns, panics included, so that the worker knows when its actors are
// idle. A retired actor's inner Receive is never called again; a stopped
// actor's pending messages are counted off.
type tracked struct {
	w     *Worker
	env   *Env
	inner Actor
}

// Receive implements actor.Actor.
func (t *tracked) Receive(c actor.Context) {
	env := t.env
	switch m := c.Message().(type) {
	case *Delivery, *Timer:
		defer env.track(-1)
		if env.dead.Load() {
			subject := env.subject
			if d, ok := m.(*Delivery); ok {
				subject = d.Subject
			}
			t.w.drop(DropRetiredActor, subject, nil)
			return
		}
	case *actor.Started:
		if env.started.CompareAndSwap(false, true) {
			defer env.track(-1)
		}
		if env.restarting.CompareAndSwap(true, false) {
			defer env.track(-1)
		}
	case *actor.Stopped:
		defer t.w.forget(env)
	}
	if env.dead.Load() {
		return
	}
	t.inner.Receive(&Context{ac: c, env: env, msg: lifecycle(c.Message())})
}

// forget handles an actor that stopped (by itself, or at Close): its
// address no longer routes, and the messages it will never handle are
// counted off.
func (w *Worker) forget(env *Env) {
	w.mu.Lock()
	if w.routes[env.subject] == env {
		delete(w.routes, env.subject)
	}
	w.mu.Unlock()
	env.mu.Lock()
	env.stopped.Store(true)
	left := env.pending
	env.pending = 0
	env.mu.Unlock()
	if left > 0 {
		w.doneN(left)
	}
}

func (w *Worker) done() { w.doneN(1) }

func (w *Worker) doneN(n int64) {
	if w.inflight.Add(-n) == 0 {
		select {
		case w.idle <- struct{}{}:
		default:
		}
	}
}

// waitIdle blocks until no delivery or timer is being handled.
func (w *Worker) waitIdle(ctx context.Context) error {
	for w.inflight.Load() != 0 {
		select {
		case <-w.idle:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return nil
}

// Step runs the virtual-time instant of st (once per epoch, however many
// waves ask), waits until the worker's actors are idle and reports its
// counts. With st.Resend it publishes again the frames sent in this epoch.
// Step is the local implementation of [Member].
func (w *Worker) Step(ctx context.Context, st *plugsimpb.Step) (*plugsimpb.StepReport, error) {
	if w.mode != VirtualTime {
		return nil, errors.New("runtime: Step on a real-time worker")
	}
	if err := w.waitIdle(ctx); err != nil { // actors still starting
		return nil, err
	}
	w.smu.Lock()
	if st.Epoch > w.epoch {
		due, err := w.vclock.Advance(time.Duration(st.SimTimeNs))
		if err != nil {
			w.smu.Unlock()
			return nil, err
		}
		w.epoch = st.Epoch
		w.resend = w.resend[:0]
		batch := w.collect()
		w.smu.Unlock()
		w.m.Epochs.Inc()
		w.m.SimTimeSeconds.Set(time.Duration(st.SimTimeNs).Seconds())
		// Each actor gets its timers first, then its frames.
		for _, fire := range due {
			fire()
		}
		for _, it := range batch {
			w.deliverFrame(it.env, it.frame, it.raw)
		}
	} else {
		var again []outFrame
		if st.Resend && st.Epoch == w.epoch {
			again = slices.Clone(w.resend)
		}
		w.smu.Unlock()
		for _, f := range again {
			if err := w.nc.Publish(f.subject, f.data); err != nil {
				return nil, fmt.Errorf("runtime: resend %s: %w", f.subject, err)
			}
		}
	}
	if err := w.waitIdle(ctx); err != nil {
		return nil, err
	}
	if err := w.waitLocalArrivals(ctx); err != nil {
		return nil, err
	}
	return w.report(st), nil
}

func (w *Worker) report(st *plugsimpb.Step) *plugsimpb.StepReport {
	w.smu.Lock()
	defer w.smu.Unlock()
	r := &plugsimpb.StepReport{
		Worker:       w.id,
		ReceivedFrom: maps.Clone(w.recvFrom),
		Epoch:        st.Epoch,
		Wave:         st.Wave,
		Sent:         w.sent.Load(),
		Received:     w.received.Load(),
		Buffered:     uint64(len(w.buffer)),
		NextDueNs:    -1,
	}
	if at, ok := w.vclock.Next(); ok {
		r.NextDueNs = int64(at)
	}
	return r
}

type batchItem struct {
	env   *Env
	frame *plugsimpb.Frame
	raw   []byte
}

// collect takes the frames buffered in the previous epoch in canonical
// order: by target subject, then (src, session, seq). w.smu is held.
func (w *Worker) collect() []batchItem {
	batch := make([]batchItem, 0, len(w.buffer))
	for _, p := range w.buffer {
		k := streamKey{p.frame.Src, p.frame.Session}
		if p.frame.Seq > w.delivered[k] {
			w.delivered[k] = p.frame.Seq
		}
		batch = append(batch, batchItem{env: p.env, frame: p.frame, raw: p.raw})
	}
	w.buffer = w.buffer[:0]
	clear(w.seen)
	slices.SortFunc(batch, func(a, b batchItem) int {
		if c := strings.Compare(a.env.subject, b.env.subject); c != 0 {
			return c
		}
		if c := strings.Compare(a.frame.Src, b.frame.Src); c != 0 {
			return c
		}
		if c := strings.Compare(a.frame.Session, b.frame.Session); c != 0 {
			return c
		}
		return cmp.Compare(a.frame.Seq, b.frame.Seq)
	})
	return batch
}

// Stats are a worker's counts.
type Stats struct {
	Sent     uint64 // frames published by the worker's actors
	Received uint64 // unique frames received for the worker's addresses
	Dropped  uint64 // frames dropped (all reasons but duplicates)
	Timers   uint64 // timers delivered
	Restarts uint64 // actor failures handled
	Actors   int    // actors routed
}

// Stats returns the worker's counts so far.
func (w *Worker) Stats() Stats {
	w.mu.RLock()
	n := len(w.routes)
	w.mu.RUnlock()
	return Stats{
		Sent: w.sent.Load(), Received: w.received.Load(), Dropped: w.dropped.Load(),
		Timers: w.timersN.Load(), Restarts: w.restarts.Load(), Actors: n,
	}
}

// Digest returns the worker's share of the run digest (see [Digest]).
func (w *Worker) Digest() Digest {
	w.mu.RLock()
	defer w.mu.RUnlock()
	var d Digest
	for _, env := range w.routes {
		d = d.Add(env.share())
	}
	return d
}

// Close unsubscribes, stops every actor and shuts the actor system down.
// It does not close the NATS connection.
func (w *Worker) Close() {
	w.smu.Lock()
	if w.closed {
		w.smu.Unlock()
		return
	}
	w.closed = true
	w.smu.Unlock()
	w.mu.Lock()
	for _, s := range w.subs {
		s.Unsubscribe()
	}
	w.subs = nil
	envs := make([]*Env, 0, len(w.routes))
	for _, e := range w.routes {
		envs = append(envs, e)
	}
	w.mu.Unlock()
	for _, e := range envs {
		w.sys.Root.Stop(e.pid)
	}
	close(w.stop)
	w.sys.Shutdown()
}

// supervisor restarts an actor that panics, up to max times, then stops
// it; each crash is counted and logged with the actor's address.
type supervisor struct {
	w   *Worker
	max int
}

// HandleFailure implements actor.SupervisorStrategy. An actor that fails
// more than max times within RestartWindow of simulated time is retired:
// it is restarted one last time as a tombstone that drops (and counts)
// whatever it receives, so that no delivery is lost from the worker's
// accounting. The restart counts as in flight until the new instance has
// handled its Started, so the worker is not idle before then.
func (s *supervisor) HandleFailure(_ *actor.ActorSystem, sup actor.Supervisor, child *actor.PID, rs *actor.RestartStatistics, reason any, message any) {
	s.w.restarts.Add(1)
	env := s.w.envOf(child)
	if env == nil { // not one of ours: cannot happen, but never leave it failed
		sup.RestartChildren(child)
		return
	}
	failures := env.fail(s.w.Now())
	if s.max < 0 || failures > s.max {
		s.w.m.ActorStops.Inc()
		s.w.log.Error("actor_retired", "subject", env.subject, "pid", child.Id, "reason", fmt.Sprint(reason), "message", fmt.Sprintf("%T", message), "failures", failures)
		env.dead.Store(true)
	} else {
		s.w.m.ActorRestarts.Inc()
		s.w.log.Error("actor_restarted", "subject", env.subject, "pid", child.Id, "reason", fmt.Sprint(reason), "message", fmt.Sprintf("%T", message), "failures", failures)
	}
	if env.track(1) {
		env.restarting.Store(true)
	}
	sup.RestartChildren(child)
}

// RestartWindow is the window of simulated time (wall-clock time under
// real time) over which an actor's failures count against
// WorkerOptions.MaxRestarts.
const RestartWindow = 10 * time.Second

func (w *Worker) envOf(pid *actor.PID) *Env {
	w.mu.RLock()
	defer w.mu.RUnlock()
	return w.routes[pid.Id] // actors are spawned named by their subject
}
