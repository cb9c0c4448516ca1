package ocpp

import (
	"encoding/json"
	"errors"
	"strings"
)

// ErrorCode is the errorCode of a CALLERROR or CALLRESULTERROR. Any string
// received from a peer is kept as is.
type ErrorCode string

// Error codes of OCPP 2.0.1 and 2.1 (OCPP-J, CALLERROR).
const (
	// FormatViolation: the payload for the action is syntactically incorrect.
	FormatViolation ErrorCode = "FormatViolation"
	// GenericError: any other error not covered by the more specific codes.
	GenericError ErrorCode = "GenericError"
	// InternalError: an internal error kept the receiver from processing the action.
	InternalError ErrorCode = "InternalError"
	// MessageTypeNotSupported: a message type number the receiver does not support.
	MessageTypeNotSupported ErrorCode = "MessageTypeNotSupported"
	// NotImplemented: the action is not known by the receiver.
	NotImplemented ErrorCode = "NotImplemented"
	// NotSupported: the action is recognised but not supported by the receiver.
	NotSupported ErrorCode = "NotSupported"
	// OccurrenceConstraintViolation: a field violates occurrence constraints.
	OccurrenceConstraintViolation ErrorCode = "OccurrenceConstraintViolation"
	// PropertyConstraintViolation: a field contains an invalid value.
	PropertyConstraintViolation ErrorCode = "PropertyConstraintViolation"
	// ProtocolError: the payload does not conform to the PDU structure.
	ProtocolError ErrorCode = "ProtocolError"
	// RpcFrameworkError: the content is not a valid RPC request (for
	// example, the message id could not be read).
	RpcFrameworkError ErrorCode = "RpcFrameworkError"
	// SecurityError: a security issue kept the receiver from completing the action.
	SecurityError ErrorCode = "SecurityError"
	// TypeConstraintViolation: a field violates data type constraints.
	TypeConstraintViolation ErrorCode = "TypeConstraintViolation"
)

// Spellings some peers send: the OCPP 1.6 names, which implementations
// carried over. They are accepted from peers and never sent.
const (
	// FormationViolation is the OCPP 1.6 name of FormatViolation.
	FormationViolation ErrorCode = "FormationViolation"
	// OccurenceConstraintViolation is the OCPP 1.6 spelling of
	// OccurrenceConstraintViolation.
	OccurenceConstraintViolation ErrorCode = "OccurenceConstraintViolation"
)

// Known reports whether c is one of the codes this package sends.
func (c ErrorCode) Known() bool {
	switch c {
	case FormatViolation, GenericError, InternalError, MessageTypeNotSupported,
		NotImplemented, NotSupported, OccurrenceConstraintViolation,
		PropertyConstraintViolation, ProtocolError, RpcFrameworkError,
		SecurityError, TypeConstraintViolation:
		return true
	}
	return false
}

// IsSchemaViolation reports whether c is one of the codes peers use for a
// payload that fails the message schema, including the spellings of older
// versions. Clients should test with this instead of asserting one code.
func (c ErrorCode) IsSchemaViolation() bool {
	switch c {
	case FormatViolation, FormationViolation, OccurrenceConstraintViolation,
		OccurenceConstraintViolation, PropertyConstraintViolation,
		TypeConstraintViolation, ProtocolError:
		return true
	}
	return false
}

// Error is an error that carries an OCPP error code. It is what handlers
// return to answer with a specific CALLERROR, what decoders and validators
// return, and what a CALLERROR received from a peer becomes.
type Error struct {
	// Code is the errorCode of the CALLERROR.
	Code ErrorCode
	// Description is the errorDescription; empty is allowed.
	Description string
	// Details is the errorDetails JSON object; nil means {}.
	Details json.RawMessage
	// Err is the underlying cause, if any (for example a [*FieldError]).
	Err error
}

// Error returns "ocpp: <code>: <description>: <cause>".
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("ocpp: ")
	b.WriteString(string(e.Code))
	if e.Description != "" {
		b.WriteString(": ")
		b.WriteString(e.Description)
	}
	if e.Err != nil {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// Is reports whether target is an *Error with the same code, so that
// errors.Is(err, &ocpp.Error{Code: ocpp.SecurityError}) works.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Code == e.Code && t.Description == "" && t.Err == nil
}

// FieldError locates a schema violation in a payload. Path is a JSON pointer
// ("/chargingStation/model", "/meterValue/0/sampledValue/2/value"); the
// empty path is the payload itself.
type FieldError struct {
	// Path is the JSON pointer of the offending member.
	Path string
	// Reason says what is wrong with it ("required member missing").
	Reason string
	// Err is the tokenizer's error behind a malformed payload (it wraps
	// io.ErrUnexpectedEOF for a truncated one), nil for constraint
	// violations. Its text is already in Reason.
	Err error
}

// Error returns "<path>: <reason>", or the reason alone for the payload
// itself.
func (e *FieldError) Error() string {
	if e.Path == "" {
		return e.Reason
	}
	return e.Path + ": " + e.Reason
}

// Unwrap returns Err.
func (e *FieldError) Unwrap() error { return e.Err }

// Violation returns an [*Error] with code and a [*FieldError] at path. It is
// used by the generated validators.
func Violation(code ErrorCode, path, reason string) error {
	return &Error{Code: code, Err: &FieldError{Path: path, Reason: reason}}
}

// AtField prefixes the path of a [*FieldError] inside err with "/name" and
// returns err. It is used by generated code as errors bubble up.
func AtField(err error, name string) error {
	if fe, ok := errors.AsType[*FieldError](err); ok {
		fe.Path = "/" + name + fe.Path
	}
	return err
}

// AtIndex prefixes the path of a [*FieldError] inside err with "/i".
func AtIndex(err error, i int) error {
	if fe, ok := errors.AsType[*FieldError](err); ok {
		fe.Path = "/" + itoa(i) + fe.Path
	}
	return err
}

func itoa(i int) string {
	if i == 0 {
		return "0"
	}
	var buf [20]byte
	p := len(buf)
	neg := i < 0
	if neg {
		i = -i
	}
	for i > 0 {
		p--
		buf[p] = byte('0' + i%10)
		i /= 10
	}
	if neg {
		p--
		buf[p] = '-'
	}
	return string(buf[p:])
}

// AsError converts any error into the [*Error] that goes to the peer: an
// *Error found in the chain is returned as is; anything else becomes an
// InternalError whose description does not reveal the cause.
func AsError(err error) *Error {
	if err == nil {
		return nil
	}
	if e, ok := errors.AsType[*Error](err); ok {
		return e
	}
	return &Error{Code: InternalError, Description: "internal error", Err: err}
}
