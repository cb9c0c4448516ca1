package ocppws

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/plugsim/plugsim/ocpp"
)

// PeerOptions configure a [Peer].
type PeerOptions struct {
	// Endpoint configures the ocpp endpoint; its Version is taken from the
	// first connection's subprotocol when left empty.
	Endpoint ocpp.EndpointOptions
	// Router answers the calls the other side sends. Nil answers every
	// call NotImplemented.
	Router *ocpp.Router
	// Now returns the current time; nil means time.Now. The bridge runs on
	// the wall clock, as the real peer does.
	Now func() time.Time
	// OnConnect and OnDisconnect, when set, are called (from the
	// connection's goroutine, without locks held) when a connection starts
	// and ends.
	OnConnect, OnDisconnect func()
	// Logger receives protocol events. Nil discards them.
	Logger *slog.Logger
}

// Peer runs one sans-I/O [ocpp.Endpoint] and [ocpp.Router] over a
// succession of connections: a station keeps one Peer for its life and
// serves each new [Conn] with it, so calls queued while offline are sent
// after reconnection; a CSMS keeps one per station.
//
// # Concurrency
//
// [Peer.Serve] reads the connection on its own goroutine; [Peer.Call] and
// [Peer.CallAsync] are safe from any goroutine. Router handlers run on the
// reading goroutine, one at a time, and so do the completion functions of
// answered calls: neither may block on [Peer.Call] or [Peer.CallMessage]
// (that would wait for a frame only they can read), both may use
// [Peer.CallAsync]. A router handler reads and updates the station's
// state through the [ocpp.Session] it is given, not [Peer.Registration] or
// [Peer.SetRegistration], which wait for the handler to return. The call
// timeout runs on a timer, so an idle Peer costs no goroutine.
type Peer struct {
	opts PeerOptions
	log  *slog.Logger
	now  func() time.Time

	serving chan struct{} // a one-slot semaphore: one Serve at a time

	mu      sync.Mutex
	ep      *ocpp.Endpoint              // guarded by mu; nil until the first connection
	conn    *Conn                       // guarded by mu; nil while disconnected
	waiters map[string]func(Completion) // guarded by mu; by message id
	early   []pendingCall               // guarded by mu; calls made before the first connection
	timer   *time.Timer                 // guarded by mu
	closed  bool                        // guarded by mu

	// smu is taken before mu when both are held: router handlers run
	// under smu and may call back into the peer.
	smu     sync.Mutex   // guards session
	session ocpp.Session // guarded by smu
}

// Completion is the outcome of one of our calls: the result payload, or an
// error (an [*ocpp.Error] from the peer's CALLERROR, [ocpp.ErrTimeout],
// [ocpp.ErrDisconnected], or [ErrClosed]).
//
// Its Payload aliases the message read from the connection, which
// [Conn.ReadMessage] allocates afresh for every message and never reuses:
// a completion handler (and the caller of [Peer.Call]) owns it and may keep
// it or hand it to another goroutine.
type Completion = ocpp.Completion

type pendingCall struct {
	action  string
	payload json.RawMessage
	done    func(Completion)
}

// NewPeer returns a peer without a connection.
func NewPeer(opts PeerOptions) *Peer {
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	return &Peer{
		opts:    opts,
		log:     log,
		now:     now,
		serving: make(chan struct{}, 1),
		waiters: make(map[string]func(Completion)),
	}
}

// Connected reports whether a connection is being served.
func (p *Peer) Connected() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.conn != nil
}

// SetRegistration records the station's registration state (a station
// sets it from the BootNotificationResponse it receives; on the CSMS side
// the router sets it).
func (p *Peer) SetRegistration(r ocpp.Registration) {
	p.smu.Lock()
	p.session.Registration = r
	p.smu.Unlock()
}

// Registration returns the registration state.
func (p *Peer) Registration() ocpp.Registration {
	p.smu.Lock()
	defer p.smu.Unlock()
	return p.session.Registration
}

// CallAsync queues a CALL and returns at once; done (which may be nil) is
// called with the outcome from another goroutine, without locks held. Calls
// made while disconnected wait for the next connection. The payload is
// copied: the caller may reuse it when CallAsync returns.
func (p *Peer) CallAsync(action string, payload json.RawMessage, done func(Completion)) error {
	if done == nil {
		done = func(Completion) {}
	}
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return ErrClosed
	}
	if p.ep == nil {
		// Kept until the first connection: copy, so the caller may reuse
		// payload at once, as it may when the endpoint encodes the call.
		p.early = append(p.early, pendingCall{action: action, payload: slices.Clone(payload), done: done})
		p.mu.Unlock()
		return nil
	}
	id, err := p.ep.Call(p.now(), action, payload)
	if err != nil {
		p.mu.Unlock()
		return fmt.Errorf("ocppws: calling %s: %w", action, err)
	}
	p.waiters[id] = done
	out := p.flushLocked()
	p.mu.Unlock()
	p.write(out)
	return nil
}

// Send writes an OCPP 2.1 SEND (a message without answer, such as
// NotifyPeriodicEventStream) at once. It fails on a 2.0.1 connection and
// while disconnected: a SEND is never queued.
func (p *Peer) Send(action string, payload json.RawMessage) error {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return ErrClosed
	}
	if p.ep == nil || p.conn == nil {
		p.mu.Unlock()
		return fmt.Errorf("ocppws: sending %s: %w", action, ocpp.ErrDisconnected)
	}
	if _, err := p.ep.Send(action, payload); err != nil {
		p.mu.Unlock()
		return fmt.Errorf("ocppws: sending %s: %w", action, err)
	}
	out := p.flushLocked()
	p.mu.Unlock()
	p.write(out)
	return nil
}

// Call sends a CALL and waits for its outcome or ctx. When ctx ends first
// the call stays queued or in flight; its outcome is then discarded.
func (p *Peer) Call(ctx context.Context, action string, payload json.RawMessage) (json.RawMessage, error) {
	c, err := p.call(ctx, action, payload)
	if err != nil {
		return nil, err
	}
	return c.Payload, nil
}

// call is Call returning the whole completion (its ID is the message id).
func (p *Peer) call(ctx context.Context, action string, payload json.RawMessage) (Completion, error) {
	ch := make(chan Completion, 1)
	if err := p.CallAsync(action, payload, func(c Completion) { ch <- c }); err != nil {
		return Completion{}, err
	}
	select {
	case c := <-ch:
		if c.Err != nil {
			return c, fmt.Errorf("ocppws: %s: %w", action, c.Err)
		}
		return c, nil
	case <-ctx.Done():
		return Completion{}, fmt.Errorf("ocppws: %s: %w", action, ctx.Err())
	}
}

// CallMessage sends req, a generated request type, after validating it,
// and decodes and validates the answer into res. On an OCPP 2.1
// connection a CALLRESULT that fails decoding or validation is reported to
// the other side with a CALLRESULTERROR carrying the violation's code.
func (p *Peer) CallMessage(ctx context.Context, req, res ocpp.Message) error {
	if err := req.Validate(); err != nil {
		return fmt.Errorf("ocppws: %s request: %w", req.OCPPAction(), err)
	}
	c, err := p.call(ctx, req.OCPPAction(), req.AppendJSON(nil))
	if err != nil {
		return err
	}
	if err := ocpp.DecodeResult(c, res); err != nil {
		p.rejectResult(c.ID, err)
		return fmt.Errorf("ocppws: %s response: %w", req.OCPPAction(), err)
	}
	return nil
}

// rejectResult sends a CALLRESULTERROR for the result of our call id when
// the connection speaks OCPP 2.1; on 2.0.1 the result is only dropped.
func (p *Peer) rejectResult(id string, err error) {
	p.mu.Lock()
	if p.ep == nil || p.conn == nil || p.ep.Version() != ocpp.V21 {
		p.mu.Unlock()
		return
	}
	if rerr := p.ep.RejectResult(id, err); rerr != nil {
		p.mu.Unlock()
		return
	}
	out := p.flushLocked()
	p.mu.Unlock()
	p.write(out)
}

// flushLocked takes the endpoint's outgoing frames and re-arms the call
// timer. The caller holds mu and writes the frames after unlocking, in
// order: writes are serialised by the connection.
func (p *Peer) flushLocked() [][]byte {
	if p.ep == nil {
		return nil
	}
	if d, ok := p.ep.Deadline(); ok {
		wait := d.Sub(p.now())
		if p.timer == nil {
			p.timer = time.AfterFunc(wait, p.tick)
		} else {
			p.timer.Reset(wait)
		}
	} else if p.timer != nil {
		p.timer.Stop()
	}
	return p.ep.TakeOutgoing()
}

// write sends frames on the current connection; a failed write ends the
// connection, and Serve handles the loss.
func (p *Peer) write(frames [][]byte) {
	if len(frames) == 0 {
		return
	}
	p.mu.Lock()
	c := p.conn
	p.mu.Unlock()
	if c == nil {
		return
	}
	for _, f := range frames {
		if err := c.WriteMessage(f); err != nil {
			p.log.Info("ocpp_write_failed", "station_id", c.StationID(), "err", err)
			return
		}
	}
}

// tick runs when the call in flight reaches its deadline.
func (p *Peer) tick() {
	p.mu.Lock()
	if p.ep == nil {
		p.mu.Unlock()
		return
	}
	done := p.takeWaitersLocked(p.ep.Tick(p.now()))
	out := p.flushLocked()
	p.mu.Unlock()
	p.write(out)
	runCompletions(done)
}

type completed struct {
	fn func(Completion)
	c  Completion
}

func (p *Peer) takeWaitersLocked(cs []Completion) []completed {
	var out []completed
	for _, c := range cs {
		if fn, ok := p.waiters[c.ID]; ok {
			delete(p.waiters, c.ID)
			out = append(out, completed{fn, c})
		}
	}
	return out
}

func runCompletions(cs []completed) {
	for _, c := range cs {
		c.fn(c.c)
	}
}

// Close fails every waiting call with [ErrClosed] and refuses new ones. It
// does not close a connection being served; cancel Serve's context.
func (p *Peer) Close() {
	p.mu.Lock()
	p.closed = true
	var done []completed
	for id, fn := range p.waiters {
		done = append(done, completed{fn, Completion{ID: id, Err: ErrClosed}})
	}
	clear(p.waiters)
	for _, c := range p.early {
		done = append(done, completed{c.done, Completion{Action: c.action, Err: ErrClosed}})
	}
	p.early = nil
	if p.timer != nil {
		p.timer.Stop()
	}
	p.mu.Unlock()
	runCompletions(done)
}

// Serve runs the peer over conn until the connection is lost or ctx ends.
// Its signature fits [Session], so it can be handed to [Client.Run] or
// [ServerOptions.Session]. A second Serve waits for the first to return.
func (p *Peer) Serve(ctx context.Context, conn *Conn) error {
	select {
	case p.serving <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	defer func() { <-p.serving }()

	// Handlers find the station in their Session. Set before mu is taken:
	// handlers hold smu when they call back into the peer (smu, then mu).
	p.smu.Lock()
	p.session.StationID = conn.StationID()
	p.smu.Unlock()

	version := ocpp.Version(conn.Subprotocol())
	p.mu.Lock()
	if p.ep == nil {
		opts := p.opts.Endpoint
		if opts.Version == "" {
			opts.Version = version
		}
		p.ep = ocpp.NewEndpoint(opts)
		p.ep.Disconnect() // Connect below sends what is queued
	}
	if p.ep.Version() != version {
		p.mu.Unlock()
		return fmt.Errorf("ocppws: connection speaks %s, peer %s", version, p.ep.Version())
	}
	p.conn = conn
	now := p.now()
	p.ep.Connect(now)
	var early []completed
	for _, c := range p.early {
		id, err := p.ep.Call(now, c.action, c.payload)
		if err != nil {
			early = append(early, completed{c.done, Completion{Action: c.action, Err: err}})
			continue
		}
		p.waiters[id] = c.done
	}
	p.early = nil
	out := p.flushLocked()
	p.mu.Unlock()
	runCompletions(early)
	if p.opts.OnConnect != nil {
		p.opts.OnConnect()
	}
	p.write(out)

	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()
	var err error
	for {
		var data []byte
		data, err = conn.ReadMessage()
		if err != nil {
			break
		}
		p.receive(ctx, data)
	}

	p.mu.Lock()
	if p.conn == conn {
		p.conn = nil
	}
	done := p.takeWaitersLocked(p.ep.Disconnect())
	if p.timer != nil {
		p.timer.Stop()
	}
	p.mu.Unlock()
	// OnDisconnect first: a completion handler that queues again (an
	// outbox requeueing its item) must see the peer offline.
	if p.opts.OnDisconnect != nil {
		p.opts.OnDisconnect()
	}
	runCompletions(done)
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if errors.Is(err, ErrClosed) {
		return nil
	}
	return err
}

// receive handles one inbound frame.
func (p *Peer) receive(ctx context.Context, data []byte) {
	p.mu.Lock()
	in := p.ep.Receive(p.now(), data)
	var done []completed
	if in.Kind == ocpp.Completed {
		done = p.takeWaitersLocked([]Completion{in.Completion})
	}
	out := p.flushLocked()
	p.mu.Unlock()
	p.write(out)
	runCompletions(done)

	switch in.Kind {
	case ocpp.Handled:
		if in.Err != nil {
			p.log.Debug("ocpp_frame_handled", "err", in.Err)
		}
	case ocpp.IncomingCall:
		var answer ocpp.Frame
		if p.opts.Router == nil {
			answer = ocpp.ErrorFrame(ocpp.CallError, in.Frame.ID, &ocpp.Error{Code: ocpp.NotImplemented, Description: "no handlers"})
		} else {
			p.smu.Lock()
			answer = p.opts.Router.Dispatch(ctx, &p.session, in.Frame)
			p.smu.Unlock()
		}
		p.mu.Lock()
		if err := p.ep.RespondFrame(answer); err != nil {
			p.log.Debug("ocpp_respond_failed", "id", in.Frame.ID, "err", err)
		}
		out := p.flushLocked()
		p.mu.Unlock()
		p.write(out)
	case ocpp.IncomingSend:
		if p.opts.Router != nil {
			p.smu.Lock()
			err := p.opts.Router.DispatchSend(ctx, &p.session, in.Frame)
			p.smu.Unlock()
			if err != nil {
				p.log.Info("ocpp_send_rejected", "action", in.Frame.Action, "err", err)
			}
		}
	case ocpp.ResultRejected:
		p.log.Info("ocpp_result_rejected", "id", in.Frame.ID, "code", in.Frame.ErrorCode, "description", in.Frame.ErrorDescription)
	}
}
