package ocpp

import (
	"encoding/json"
	"errors"
	"fmt"
	"unicode/utf8"

	"github.com/plugsim/plugsim/ocpp/internal/jsonwire"
)

// MessageType is the first element of an OCPP-J frame.
type MessageType int

// Message types of OCPP-J. CallResultError and Send exist only in OCPP 2.1.
const (
	Call            MessageType = 2
	CallResult      MessageType = 3
	CallError       MessageType = 4
	CallResultError MessageType = 5
	Send            MessageType = 6
)

// String returns the specification's name of the message type.
func (t MessageType) String() string {
	switch t {
	case Call:
		return "CALL"
	case CallResult:
		return "CALLRESULT"
	case CallError:
		return "CALLERROR"
	case CallResultError:
		return "CALLRESULTERROR"
	case Send:
		return "SEND"
	}
	return fmt.Sprintf("MessageType(%d)", int(t))
}

// Version is an OCPP protocol version, named by its WebSocket subprotocol.
type Version string

// Protocol versions.
const (
	V201 Version = "ocpp2.0.1"
	V21  Version = "ocpp2.1"
)

// MaxIDLength is the longest message id the specification allows.
const MaxIDLength = 36

// MaxDescriptionLength is the longest errorDescription this package sends;
// longer descriptions are cut at a character boundary.
const MaxDescriptionLength = 255

// UnknownID is the message id of a CALLERROR answering a frame whose id
// could not be read.
const UnknownID = "-1"

// Frame is one OCPP-J message. Which fields are set depends on Type:
//
//	Call, Send:                  ID, Action, Payload
//	CallResult:                  ID, Payload
//	CallError, CallResultError:  ID, ErrorCode, ErrorDescription, ErrorDetails
//
// A frame returned by [ParseFrame] aliases the parsed bytes in Payload and
// ErrorDetails: copy them (or the input) before reusing the input buffer.
type Frame struct {
	// Type is the message type, the frame's first element.
	Type MessageType
	// ID is the message id (at most [MaxIDLength] characters).
	ID string
	// Action is the action of a CALL or SEND ("BootNotification").
	Action string
	// Payload is the JSON object of a CALL, SEND or CALLRESULT.
	Payload json.RawMessage
	// ErrorCode is the errorCode of a CALLERROR or CALLRESULTERROR.
	ErrorCode ErrorCode
	// ErrorDescription is the errorDescription of a CALLERROR or
	// CALLRESULTERROR.
	ErrorDescription string
	// ErrorDetails is a JSON object; nil is written as {}.
	ErrorDetails json.RawMessage
}

// Clone returns a copy of f that does not alias the bytes it was parsed from.
func (f Frame) Clone() Frame {
	f.Payload = append(json.RawMessage(nil), f.Payload...)
	f.ErrorDetails = append(json.RawMessage(nil), f.ErrorDetails...)
	return f
}

// Err returns the error a CALLERROR or CALLRESULTERROR frame carries, or nil
// for other frames.
func (f Frame) Err() *Error {
	if f.Type != CallError && f.Type != CallResultError {
		return nil
	}
	return &Error{Code: f.ErrorCode, Description: f.ErrorDescription, Details: f.ErrorDetails}
}

// ErrorFrame is the one place where an error becomes a frame: it returns a
// CALLERROR (typ CallError) or CALLRESULTERROR (typ CallResultError) with the
// code of the [*Error] in err's chain, or InternalError (also for a nil
// err). For schema violations a [*FieldError] in the chain supplies the
// description and {"path": ...} details when the error has none of its own.
func ErrorFrame(typ MessageType, id string, err error) Frame {
	e := AsError(err)
	if e == nil {
		e = &Error{Code: InternalError}
	}
	desc := e.Description
	details := e.Details
	if fe, ok := errors.AsType[*FieldError](e); ok && e.Code.IsSchemaViolation() {
		if desc == "" {
			desc = fe.Error()
		}
		if details == nil {
			details = jsonwire.AppendString(append([]byte(nil), `{"path":`...), fe.Path)
			details = append(details, '}')
		}
	}
	if !e.Code.Known() {
		// We never send a code the specification does not name.
		e = &Error{Code: GenericError}
	}
	return Frame{Type: typ, ID: id, ErrorCode: e.Code, ErrorDescription: truncate(desc, MaxDescriptionLength), ErrorDetails: details}
}

func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	i, count := 0, 0
	for i < len(s) && count < n {
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
		count++
	}
	return s[:i]
}

// AppendTo appends the JSON encoding of f to b. Payload and ErrorDetails
// are written as given (nil Payload is written as {}).
func (f Frame) AppendTo(b []byte) []byte {
	b = append(b, '[')
	b = jsonwire.AppendInt(b, int64(f.Type))
	b = append(b, ',')
	b = jsonwire.AppendString(b, f.ID)
	switch f.Type {
	case Call, Send:
		b = append(b, ',')
		b = jsonwire.AppendString(b, f.Action)
		b = appendObject(b, f.Payload)
	case CallResult:
		b = appendObject(b, f.Payload)
	case CallError, CallResultError:
		b = append(b, ',')
		b = jsonwire.AppendString(b, string(f.ErrorCode))
		b = append(b, ',')
		b = jsonwire.AppendString(b, f.ErrorDescription)
		b = appendObject(b, f.ErrorDetails)
	}
	return append(b, ']')
}

func appendObject(b []byte, raw json.RawMessage) []byte {
	b = append(b, ',')
	if len(raw) == 0 {
		return append(b, '{', '}')
	}
	return append(b, raw...)
}

// MarshalJSON implements [json.Marshaler].
func (f Frame) MarshalJSON() ([]byte, error) {
	return f.AppendTo(nil), nil
}

func frameErr(code ErrorCode, format string, args ...any) error {
	return &Error{Code: code, Description: fmt.Sprintf(format, args...)}
}

// frameErrCause is frameErr keeping the tokenizer's error (which wraps
// io.ErrUnexpectedEOF for a truncated frame) as the cause.
func frameErrCause(code ErrorCode, cause error, format string, args ...any) error {
	return &Error{Code: code, Description: fmt.Sprintf(format, args...), Err: cause}
}

// nextElem advances to the next element of the frame array; a missing
// element is reported as what, with the tokenizer's error if there is one.
func nextElem(d *jsonwire.Decoder, format string, args ...any) error {
	ok, err := d.NextElem()
	if !ok {
		return frameErrCause(RpcFrameworkError, err, format, args...)
	}
	return nil
}

// ParseFrame parses one OCPP-J frame. Payload and error details are checked
// for JSON well-formedness and kept raw. For an error the returned frame
// still carries what could be read, notably the ID (or [UnknownID]), so the
// caller can answer with [ErrorFrame]; the error is an [*Error] with code
// RpcFrameworkError, FormatViolation or MessageTypeNotSupported.
//
// ParseFrame accepts every message type of OCPP 2.1; an [Endpoint] for 2.0.1
// refuses types 5 and 6.
func ParseFrame(data []byte) (Frame, error) {
	f := Frame{ID: UnknownID}
	var d jsonwire.Decoder
	d.Reset(data)
	if err := d.BeginArray(); err != nil {
		return f, frameErrCause(RpcFrameworkError, err, "frame is not a JSON array")
	}
	if err := nextElem(&d, "empty frame"); err != nil {
		return f, err
	}
	typ, err := d.Int()
	if err != nil {
		return f, frameErrCause(RpcFrameworkError, err, "message type is not an integer")
	}
	if err := nextElem(&d, "frame has no message id"); err != nil {
		return f, err
	}
	if d.Peek() != jsonwire.String {
		if err := d.Skip(); err != nil {
			return f, frameErrCause(RpcFrameworkError, err, "message id is not a string")
		}
		return f, frameErr(RpcFrameworkError, "message id is not a string")
	}
	id, err := d.String()
	if err != nil {
		return f, frameErrCause(RpcFrameworkError, err, "message id is not a well-formed string")
	}
	if id == "" || utf8.RuneCountInString(id) > MaxIDLength {
		return f, frameErr(RpcFrameworkError, "message id must have 1 to %d characters", MaxIDLength)
	}
	f.ID = id
	f.Type = MessageType(typ)
	switch f.Type {
	case Call, Send:
		if err := nextElem(&d, "%s has no action", f.Type); err != nil {
			return f, err
		}
		if err := stringElem(&d, "%s has no action", f.Type); err != nil {
			return f, err
		}
		if f.Action, err = d.String(); err != nil {
			return f, frameErrCause(RpcFrameworkError, err, "%s action is not a well-formed string", f.Type)
		}
		if f.Action == "" {
			return f, frameErr(RpcFrameworkError, "%s has an empty action", f.Type)
		}
		if f.Payload, err = rawElem(&d); err != nil {
			return f, err
		}
	case CallResult:
		if f.Payload, err = rawElem(&d); err != nil {
			return f, err
		}
	case CallError, CallResultError:
		if err := nextElem(&d, "%s has no error code", f.Type); err != nil {
			return f, err
		}
		if err := stringElem(&d, "%s has no error code", f.Type); err != nil {
			return f, err
		}
		code, err := d.String()
		if err != nil {
			return f, frameErrCause(RpcFrameworkError, err, "%s error code is not a well-formed string", f.Type)
		}
		f.ErrorCode = ErrorCode(code)
		if err := nextElem(&d, "%s has no error description", f.Type); err != nil {
			return f, err
		}
		if err := stringElem(&d, "%s has no error description", f.Type); err != nil {
			return f, err
		}
		if f.ErrorDescription, err = d.String(); err != nil {
			return f, frameErrCause(RpcFrameworkError, err, "%s error description is not a well-formed string", f.Type)
		}
		if f.ErrorDetails, err = rawElem(&d); err != nil {
			return f, err
		}
		if f.ErrorDetails[0] != '{' {
			return f, frameErr(RpcFrameworkError, "%s error details are not an object", f.Type)
		}
	default:
		// Read no further: the id is known, the rest is not ours to judge.
		return f, frameErr(MessageTypeNotSupported, "message type %d", typ)
	}
	more, err := d.NextElem()
	if err != nil {
		return f, &Error{Code: RpcFrameworkError, Description: "frame is not well-formed JSON", Err: err}
	}
	if more {
		return f, frameErr(RpcFrameworkError, "%s has too many elements", f.Type)
	}
	if err := d.End(); err != nil {
		return f, &Error{Code: RpcFrameworkError, Description: "frame is not well-formed JSON", Err: err}
	}
	return f, nil
}

// stringElem checks that the next element is a string; when it is not,
// the element is skipped to tell a truncated frame from a wrong type.
func stringElem(d *jsonwire.Decoder, format string, args ...any) error {
	if d.Peek() == jsonwire.String {
		return nil
	}
	return frameErrCause(RpcFrameworkError, d.Skip(), format, args...)
}

func rawElem(d *jsonwire.Decoder) (json.RawMessage, error) {
	if err := nextElem(d, "frame is missing its payload"); err != nil {
		return nil, err
	}
	raw, err := d.Raw()
	if err != nil {
		return nil, &Error{Code: FormatViolation, Description: "payload is not well-formed JSON", Err: err}
	}
	return raw, nil
}
