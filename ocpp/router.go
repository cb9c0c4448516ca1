package ocpp

import (
	"context"
	"encoding/json"
	"fmt"
)

// Message is implemented by every generated request and response type of
// ocpp/v201 and ocpp/v21.
type Message interface {
	// OCPPAction returns the action the message belongs to ("BootNotification").
	OCPPAction() string
	// UnmarshalJSON decodes a payload strictly: wrong JSON types, missing
	// required members and unknown members are [*Error] values with a
	// [*FieldError]. It does not check value constraints; see Validate.
	UnmarshalJSON(data []byte) error
	// AppendJSON appends the payload's JSON encoding to b.
	AppendJSON(b []byte) []byte
	// Validate checks every schema constraint (required members,
	// enumerations, string lengths, number ranges, array sizes, nested
	// objects) and returns an [*Error] with a [*FieldError] for the first
	// violation.
	Validate() error
}

// Side says which end of the connection a [Router] serves.
type Side int

// Sides of an OCPP connection.
const (
	// CSMSSide handles calls sent by a charging station.
	CSMSSide Side = iota + 1
	// StationSide handles calls sent by a CSMS.
	StationSide
)

// Registration is a charging station's registration state, set by the
// status of its last BootNotificationResponse.
type Registration int

// Registration states. The zero value means no BootNotification has been
// accepted, pended or rejected on this connection yet.
const (
	NotRegistered Registration = iota
	Pending
	Accepted
	Rejected
)

// RegistrationResult is implemented by BootNotificationResponse: the
// CSMS-side router updates the [Session] from it.
type RegistrationResult interface {
	Registration() Registration
}

// Session is the per-connection state a [Router] consults and updates. The
// zero value is a fresh connection. A Session is not safe for concurrent
// use: dispatch one connection's calls one at a time.
type Session struct {
	// StationID is the charging station identity of the connection (for
	// OCPP-J, the last segment of the URL the station connected to). The
	// transport sets it before dispatching the first call, so a CSMS-side
	// handler knows which station calls; empty when the transport does not
	// know it.
	StationID string
	// Registration is the station's registration state. The CSMS-side
	// router sets it from the BootNotificationResponse its handler returns;
	// a station sets it from the response it receives.
	Registration Registration
	// allowed holds actions a Pending station may send because the CSMS
	// triggered them.
	allowed map[string]struct{}
}

// AllowWhilePending lets a Pending station send action, because the CSMS
// asked for it (TriggerMessageRequest). OCPP 2.0.1 B02.FR.09 exempts such
// messages from the SecurityError answer.
func (s *Session) AllowWhilePending(action string) {
	if s.allowed == nil {
		s.allowed = make(map[string]struct{})
	}
	s.allowed[action] = struct{}{}
}

// permits reports whether a CALL of action is allowed in the session's
// registration state for side.
func (s *Session) permits(side Side, action string) bool {
	switch side {
	case CSMSSide:
		if action == "BootNotification" || s.Registration == Accepted {
			return true
		}
		if s.Registration == Pending {
			// A Pending station answers GetBaseReport and GetReport with
			// NotifyReport, and may send what TriggerMessage asked for.
			if action == "NotifyReport" {
				return true
			}
			_, ok := s.allowed[action]
			return ok
		}
		return false
	case StationSide:
		// OCPP 2.0.1 B03.FR.08: a Rejected station answers SecurityError.
		return s.Registration != Rejected
	}
	return false
}

// HandlerFunc handles the raw payload of a CALL and returns the payload of
// the CALLRESULT. [Handle] builds one from a typed function.
type HandlerFunc func(ctx context.Context, s *Session, payload json.RawMessage) (json.RawMessage, error)

// SendHandlerFunc handles the raw payload of a SEND (OCPP 2.1).
type SendHandlerFunc func(ctx context.Context, s *Session, payload json.RawMessage) error

// RouterOptions configures a [Router].
type RouterOptions struct {
	// Side is the end the router serves; required.
	Side Side
	// Known reports whether an action exists in the protocol version, to
	// answer NotSupported (known, not handled here) rather than
	// NotImplemented (unknown). Nil means every unhandled action is
	// NotImplemented.
	Known func(action string) bool
	// Unrestricted disables the registration checks (SecurityError before
	// an accepted BootNotification); zero means the checks apply.
	Unrestricted bool
}

// Router routes CALL frames to handlers by action and turns each into the
// answering frame. It holds no per-connection state (that is the
// [Session]), so one Router serves many connections; register handlers
// before the first Dispatch, after which it is safe for concurrent use.
type Router struct {
	opts     RouterOptions
	handlers map[string]HandlerFunc
	sends    map[string]SendHandlerFunc
}

// NewRouter returns a router without handlers.
func NewRouter(opts RouterOptions) *Router {
	return &Router{opts: opts, handlers: make(map[string]HandlerFunc), sends: make(map[string]SendHandlerFunc)}
}

// HandleFunc registers h for action, replacing any previous handler.
func (r *Router) HandleFunc(action string, h HandlerFunc) {
	r.handlers[action] = h
}

// HandleSendFunc registers h for SEND frames of action.
func (r *Router) HandleSendFunc(action string, h SendHandlerFunc) {
	r.sends[action] = h
}

// Handle registers a typed handler: the request is decoded and validated
// before h runs (a bad payload is answered with the [*Error] the decoder or
// validator returns) and the response is validated before it is sent (a
// response our handler got wrong becomes InternalError). The action is the
// request type's.
func Handle[Req, Res any, PReq interface {
	*Req
	Message
}, PRes interface {
	*Res
	Message
}](r *Router, h func(ctx context.Context, s *Session, req PReq) (PRes, error)) {
	newReq := func() Message { return PReq(new(Req)) }
	HandleMessage(r, newReq().OCPPAction(), newReq, func(ctx context.Context, s *Session, req Message) (Message, error) {
		res, err := h(ctx, s, req.(PReq))
		if err != nil || res == nil {
			return nil, err // a nil *Res must not become a non-nil Message
		}
		return res, nil
	})
}

// HandleMessage is [Handle] for messages chosen at run time rather than by
// type, such as one handler shared by several protocol versions: newReq
// returns an empty request of action (a version package's NewRequest bound
// to it), and h gets the decoded, validated request. Decoding, validation
// and the registration tracking of a CSMS-side router are as for Handle.
func HandleMessage(r *Router, action string, newReq func() Message, h func(ctx context.Context, s *Session, req Message) (Message, error)) {
	r.HandleFunc(action, func(ctx context.Context, s *Session, payload json.RawMessage) (json.RawMessage, error) {
		req := newReq()
		if err := req.UnmarshalJSON(payload); err != nil {
			return nil, err
		}
		if err := req.Validate(); err != nil {
			return nil, err
		}
		res, err := h(ctx, s, req)
		if err != nil {
			return nil, err
		}
		if res == nil {
			return nil, &Error{Code: InternalError, Description: "handler returned no response", Err: fmt.Errorf("ocpp: %s handler returned nil", action)}
		}
		if err := res.Validate(); err != nil {
			return nil, &Error{Code: InternalError, Description: "invalid response", Err: err}
		}
		if rr, ok := res.(RegistrationResult); ok && r.opts.Side == CSMSSide {
			s.Registration = rr.Registration()
		}
		return res.AppendJSON(nil), nil
	})
}

// HandleSend registers a typed SEND handler (OCPP 2.1).
func HandleSend[Req any, PReq interface {
	*Req
	Message
}](r *Router, h func(ctx context.Context, s *Session, req PReq) error) {
	action := PReq(new(Req)).OCPPAction()
	r.HandleSendFunc(action, func(ctx context.Context, s *Session, payload json.RawMessage) error {
		req := PReq(new(Req))
		if err := req.UnmarshalJSON(payload); err != nil {
			return err
		}
		if err := req.Validate(); err != nil {
			return err
		}
		return h(ctx, s, req)
	})
}

// Dispatch answers a CALL frame with a CALLRESULT or CALLERROR frame. Calls
// not permitted in the session's registration state are answered with
// SecurityError (OCPP 2.0.1 B02.FR.09, B03.FR.07 on the CSMS side, B03.FR.08
// on the station side), unknown actions with NotImplemented, known but
// unhandled ones with NotSupported.
func (r *Router) Dispatch(ctx context.Context, s *Session, f Frame) Frame {
	if f.Type != Call {
		return ErrorFrame(CallError, f.ID, &Error{Code: ProtocolError, Description: "not a CALL"})
	}
	h, ok := r.handlers[f.Action]
	if !ok {
		if r.opts.Known != nil && r.opts.Known(f.Action) {
			return ErrorFrame(CallError, f.ID, &Error{Code: NotSupported, Description: "action not supported: " + f.Action})
		}
		return ErrorFrame(CallError, f.ID, &Error{Code: NotImplemented, Description: "unknown action: " + f.Action})
	}
	if !r.opts.Unrestricted && !s.permits(r.opts.Side, f.Action) {
		return ErrorFrame(CallError, f.ID, &Error{Code: SecurityError, Description: "not allowed before an accepted BootNotification"})
	}
	res, err := h(ctx, s, f.Payload)
	if err != nil {
		return ErrorFrame(CallError, f.ID, err)
	}
	return Frame{Type: CallResult, ID: f.ID, Payload: res}
}

// DispatchSend runs the handler of a SEND frame. SENDs get no answer, so
// the error (unknown action, bad payload, handler error) is only returned.
func (r *Router) DispatchSend(ctx context.Context, s *Session, f Frame) error {
	h, ok := r.sends[f.Action]
	if !ok {
		return &Error{Code: NotImplemented, Description: "unknown action: " + f.Action}
	}
	if !r.opts.Unrestricted && !s.permits(r.opts.Side, f.Action) {
		return &Error{Code: SecurityError, Description: "not allowed before an accepted BootNotification"}
	}
	return h(ctx, s, f.Payload)
}
