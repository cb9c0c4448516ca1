package ocpp

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"
)

// Errors reported by an [Endpoint].
var (
	// ErrTimeout completes a CALL that got no answer within the call timeout.
	ErrTimeout = errors.New("ocpp: call timed out")
	// ErrDisconnected completes a CALL that was in flight when the
	// connection was lost.
	ErrDisconnected = errors.New("ocpp: connection lost with call in flight")
	// ErrQueueFull is returned by [Endpoint.Call] when the send queue is full.
	ErrQueueFull = errors.New("ocpp: send queue full")
	// ErrUnknownID is returned when answering a CALL id that is not awaiting an answer.
	ErrUnknownID = errors.New("ocpp: no unanswered call with this id")
	// ErrDuplicateID reports an incoming CALL whose id equals one still unanswered.
	ErrDuplicateID = errors.New("ocpp: duplicate message id")
	// ErrUnsolicited reports a CALLRESULT or CALLERROR whose id matches no call in flight.
	ErrUnsolicited = errors.New("ocpp: answer matches no call in flight")
	// ErrVersion is returned for a message type the endpoint's version lacks.
	ErrVersion = errors.New("ocpp: message type not in this protocol version")
)

// EndpointOptions configures an [Endpoint].
type EndpointOptions struct {
	// Version selects the message types allowed; zero means V201.
	Version Version
	// CallTimeout is how long a CALL waits for its answer; zero (or
	// negative) means 30 s.
	CallTimeout time.Duration
	// MaxQueue bounds the calls waiting behind the one in flight; zero means 1000.
	MaxQueue int
	// IDPrefix is put before the per-endpoint counter in message ids; zero
	// means none. It must leave room for the counter within 36 characters.
	IDPrefix string
}

// InboundKind says what [Endpoint.Receive] made of a frame.
type InboundKind int

// Kinds of inbound frames.
const (
	// Handled: nothing for the caller to do (the endpoint answered a
	// malformed frame itself, or dropped a duplicate or stale answer; Err
	// says which).
	Handled InboundKind = iota
	// IncomingCall: a CALL to answer with [Endpoint.Respond].
	IncomingCall
	// IncomingSend: a SEND (OCPP 2.1); it gets no answer.
	IncomingSend
	// Completed: the answer to one of our calls; see Inbound.Completion.
	Completed
	// ResultRejected: a CALLRESULTERROR (OCPP 2.1), the peer could not process
	// a CALLRESULT we sent; Frame holds it.
	ResultRejected
)

// Inbound is the outcome of one received frame.
type Inbound struct {
	// Kind says what the frame was and what the caller must do with it.
	Kind InboundKind
	// Frame is the parsed frame (partial when Err is a parse error).
	Frame Frame
	// Completion is set for Completed.
	Completion Completion
	// Err explains a Handled frame, nil otherwise.
	Err error
}

// Completion is the end of one of our CALLs: a result payload, or an error
// (an [*Error] from the peer's CALLERROR, [ErrTimeout] or [ErrDisconnected]).
type Completion struct {
	// ID is the message id of the CALL.
	ID string
	// Action is the CALL's action.
	Action string
	// Payload is the CALLRESULT payload when Err is nil. From
	// [Endpoint.Receive] it aliases the bytes passed in.
	Payload json.RawMessage
	// Err is why the call failed, nil for a CALLRESULT.
	Err error
}

type pendingCall struct {
	id, action string
	frame      []byte
}

// Endpoint is the OCPP-J state machine of one connection, for either side.
// It keeps at most one of our CALLs in flight and queues the rest, times
// calls out at deadlines computed from the times the caller passes in,
// correlates answers with calls, and answers malformed frames itself. It does
// no I/O: frames to write accumulate until [Endpoint.TakeOutgoing].
//
// Incoming CALLs are not limited to one at a time: a peer that sends a second
// CALL before we answered the first breaks a SHOULD of the specification, and
// the endpoint still hands both over (each is answered once, by id).
//
// An Endpoint is not safe for concurrent use.
type Endpoint struct {
	opts       EndpointOptions
	seq        uint64
	connected  bool
	inFlight   *pendingCall
	deadline   time.Time
	queue      []pendingCall
	unanswered map[string]struct{}
	out        [][]byte
}

// NewEndpoint returns a connected endpoint.
func NewEndpoint(opts EndpointOptions) *Endpoint {
	if opts.Version == "" {
		opts.Version = V201
	}
	if opts.CallTimeout <= 0 {
		opts.CallTimeout = 30 * time.Second
	}
	if opts.MaxQueue <= 0 {
		opts.MaxQueue = 1000
	}
	return &Endpoint{opts: opts, connected: true, unanswered: make(map[string]struct{})}
}

// Version returns the endpoint's protocol version.
func (e *Endpoint) Version() Version { return e.opts.Version }

func (e *Endpoint) nextID() string {
	e.seq++
	return e.opts.IDPrefix + strconv.FormatUint(e.seq, 10)
}

// Call queues a CALL of action with payload (a JSON object, written as is
// and copied, so the caller may reuse it) and returns its message id. It is sent at once when no other CALL is in
// flight and the endpoint is connected, otherwise when its turn comes.
func (e *Endpoint) Call(now time.Time, action string, payload json.RawMessage) (string, error) {
	if len(e.queue) >= e.opts.MaxQueue {
		return "", ErrQueueFull
	}
	id := e.nextID()
	if len(id) > MaxIDLength {
		return "", fmt.Errorf("ocpp: message id %q longer than %d", id, MaxIDLength)
	}
	f := Frame{Type: Call, ID: id, Action: action, Payload: payload}
	e.queue = append(e.queue, pendingCall{id: id, action: action, frame: f.AppendTo(nil)})
	e.pump(now)
	return id, nil
}

// CallMessage validates req and queues it as a CALL of its action; see
// [Endpoint.Call]. An invalid request is not sent: the validation error is
// returned.
func (e *Endpoint) CallMessage(now time.Time, req Message) (string, error) {
	if err := req.Validate(); err != nil {
		return "", fmt.Errorf("ocpp: not sending invalid %s request: %w", req.OCPPAction(), err)
	}
	return e.Call(now, req.OCPPAction(), req.AppendJSON(nil))
}

// DecodeResult decodes and validates the payload of a completed call into
// res. It returns the completion's error (a CALLERROR, [ErrTimeout] or
// [ErrDisconnected]) when there is one. On OCPP 2.1 a decoding or
// validation error is what [Endpoint.RejectResult] reports to the peer.
func DecodeResult(c Completion, res Message) error {
	if c.Err != nil {
		return c.Err
	}
	if err := res.UnmarshalJSON(c.Payload); err != nil {
		return err
	}
	return res.Validate()
}

// Send writes a SEND (OCPP 2.1) at once; SENDs get no answer and do not wait
// for a CALL in flight. It fails on a 2.0.1 or disconnected endpoint.
func (e *Endpoint) Send(action string, payload json.RawMessage) (string, error) {
	if e.opts.Version != V21 {
		return "", ErrVersion
	}
	if !e.connected {
		return "", ErrDisconnected
	}
	id := e.nextID()
	f := Frame{Type: Send, ID: id, Action: action, Payload: payload}
	e.out = append(e.out, f.AppendTo(nil))
	return id, nil
}

// pump sends the next queued call if none is in flight.
func (e *Endpoint) pump(now time.Time) {
	if !e.connected || e.inFlight != nil || len(e.queue) == 0 {
		return
	}
	c := e.queue[0]
	e.queue[0] = pendingCall{}
	e.queue = e.queue[1:]
	e.inFlight = &c
	e.deadline = now.Add(e.opts.CallTimeout)
	e.out = append(e.out, c.frame)
}

// Receive handles one frame read from the connection at time now. The
// returned frame and completion payload alias data: the caller must not
// reuse data while it uses them.
func (e *Endpoint) Receive(now time.Time, data []byte) Inbound {
	f, err := ParseFrame(data)
	if err != nil {
		in := Inbound{Kind: Handled, Frame: f, Err: err}
		// Never answer an answer: a malformed CALLRESULT or CALLERROR is dropped.
		if f.Type != CallResult && f.Type != CallError && f.Type != CallResultError {
			e.reply(ErrorFrame(CallError, f.ID, err))
		}
		return in
	}
	if e.opts.Version != V21 && (f.Type == CallResultError || f.Type == Send) {
		err := &Error{Code: MessageTypeNotSupported, Description: f.Type.String() + " is not part of OCPP 2.0.1", Err: ErrVersion}
		if f.Type == Send {
			e.reply(ErrorFrame(CallError, f.ID, err))
		}
		return Inbound{Kind: Handled, Frame: f, Err: err}
	}
	switch f.Type {
	case Call:
		if _, dup := e.unanswered[f.ID]; dup {
			return Inbound{Kind: Handled, Frame: f, Err: ErrDuplicateID}
		}
		e.unanswered[f.ID] = struct{}{}
		return Inbound{Kind: IncomingCall, Frame: f}
	case Send:
		return Inbound{Kind: IncomingSend, Frame: f}
	case CallResultError:
		return Inbound{Kind: ResultRejected, Frame: f}
	}
	// CallResult or CallError.
	if e.inFlight == nil || e.inFlight.id != f.ID {
		return Inbound{Kind: Handled, Frame: f, Err: ErrUnsolicited}
	}
	c := Completion{ID: f.ID, Action: e.inFlight.action}
	if f.Type == CallResult {
		c.Payload = f.Payload
	} else {
		c.Err = f.Err()
	}
	e.inFlight = nil
	e.pump(now)
	return Inbound{Kind: Completed, Frame: f, Completion: c}
}

// Respond answers the incoming CALL id: with a CALLRESULT carrying payload
// when err is nil, else with the CALLERROR [ErrorFrame] makes of err.
func (e *Endpoint) Respond(id string, payload json.RawMessage, err error) error {
	if _, ok := e.unanswered[id]; !ok {
		return ErrUnknownID
	}
	delete(e.unanswered, id)
	if err != nil {
		e.reply(ErrorFrame(CallError, id, err))
	} else {
		e.reply(Frame{Type: CallResult, ID: id, Payload: payload})
	}
	return nil
}

// RespondFrame answers an incoming CALL with a frame built by a [Router]
// (a CALLRESULT or CALLERROR whose ID is the call's id).
func (e *Endpoint) RespondFrame(f Frame) error {
	if _, ok := e.unanswered[f.ID]; !ok {
		return ErrUnknownID
	}
	delete(e.unanswered, f.ID)
	e.reply(f)
	return nil
}

// RejectResult sends a CALLRESULTERROR (OCPP 2.1) for a CALLRESULT of ours
// that could not be processed, for example because its payload failed
// validation. On 2.0.1 it returns [ErrVersion]: there the result is dropped.
func (e *Endpoint) RejectResult(id string, err error) error {
	if e.opts.Version != V21 {
		return ErrVersion
	}
	e.reply(ErrorFrame(CallResultError, id, err))
	return nil
}

func (e *Endpoint) reply(f Frame) {
	if !e.connected {
		return
	}
	e.out = append(e.out, f.AppendTo(nil))
}

// Deadline returns when [Endpoint.Tick] must next be called, if a call is in flight.
func (e *Endpoint) Deadline() (time.Time, bool) {
	if e.inFlight == nil {
		return time.Time{}, false
	}
	return e.deadline, true
}

// Tick advances the endpoint's notion of time: a call in flight past its
// deadline completes with [ErrTimeout] and the next queued call is sent. An
// answer arriving later for it is reported as [ErrUnsolicited].
func (e *Endpoint) Tick(now time.Time) []Completion {
	var done []Completion
	for e.inFlight != nil && !now.Before(e.deadline) {
		done = append(done, Completion{ID: e.inFlight.id, Action: e.inFlight.action, Err: ErrTimeout})
		e.inFlight = nil
		e.pump(now)
	}
	return done
}

// Disconnect records that the connection is gone: the call in flight
// completes with [ErrDisconnected], unwritten frames and unanswered incoming
// calls are dropped, queued calls stay queued. Calls made while disconnected
// are queued.
func (e *Endpoint) Disconnect() []Completion {
	var done []Completion
	if e.inFlight != nil {
		done = append(done, Completion{ID: e.inFlight.id, Action: e.inFlight.action, Err: ErrDisconnected})
		e.inFlight = nil
	}
	e.connected = false
	e.out = nil
	clear(e.unanswered)
	return done
}

// Connect records a new connection at time now and starts sending queued calls.
func (e *Endpoint) Connect(now time.Time) {
	e.connected = true
	e.pump(now)
}

// Connected reports whether the endpoint believes it has a connection.
func (e *Endpoint) Connected() bool { return e.connected }

// InFlight returns the id and action of our call awaiting an answer.
func (e *Endpoint) InFlight() (id, action string, ok bool) {
	if e.inFlight == nil {
		return "", "", false
	}
	return e.inFlight.id, e.inFlight.action, true
}

// Queued returns how many calls wait behind the one in flight.
func (e *Endpoint) Queued() int { return len(e.queue) }

// TakeOutgoing returns the frames to write, in order, and forgets them.
func (e *Endpoint) TakeOutgoing() [][]byte {
	out := e.out
	e.out = nil
	return out
}
