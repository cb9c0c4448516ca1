package exi

import (
	"errors"
	"fmt"
)

// Error reports a failure to decode or encode an EXI stream at a bit offset.
type Error struct {
	// Bit is the offset, in bits from the start of the stream (header included), where the
	// failing item starts (decoding) or where the writer stood (encoding).
	Bit int64
	// Op names what was being done, such as "decode SessionSetupReq" or "read string".
	Op string
	// Err is the cause; it may be io.ErrUnexpectedEOF or one of the sentinel errors of this package.
	Err error
}

// Error returns "exi: <op> at bit <n>: <cause>".
func (e *Error) Error() string {
	return fmt.Sprintf("exi: %s at bit %d: %v", e.Op, e.Bit, e.Err)
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// Sentinel causes wrapped by [Error].
var (
	// ErrHeader: the stream does not start with the single header byte 0x80.
	ErrHeader = errors.New("header is not 0x80")
	// ErrEventCode: an event code that the grammar state does not declare.
	ErrEventCode = errors.New("undeclared event code")
	// ErrUnsupported: a declared event that ISO 15118 never uses and this codec does not
	// represent (second-level events, wildcards, untyped character data in mixed content,
	// string table hits).
	ErrUnsupported = errors.New("unsupported event or value")
	// ErrLimit: a length or count above the documented limit (for array counts, also above
	// what the input can hold). A string or binary value whose length prefix runs past the
	// end of the input is a truncation and wraps io.ErrUnexpectedEOF instead.
	ErrLimit = errors.New("limit exceeded")
	// ErrValue: a value outside the schema's facets or the Go type's range, or an invalid
	// code point.
	ErrValue = errors.New("value out of range")
	// ErrTrailing: unread bytes or non-zero padding after the end of the document.
	ErrTrailing = errors.New("trailing data after end of document")
	// ErrMissing: a required element or attribute is absent, or more than one choice
	// alternative is set, so the value has no valid encoding.
	ErrMissing = errors.New("invalid content for the grammar")
)

// Errorf returns an *Error at bit with op and cause err.
func Errorf(bit int64, op string, err error) error {
	return &Error{Bit: bit, Op: op, Err: err}
}

// In adds the codec operation op (such as "decode SessionSetupReqType/EVCCID") in front of the
// Op of a primitive read error ("read string"), so the message says where in the message the
// stream failed. Other errors are returned unchanged. It does not allocate.
func In(err error, op string) error {
	if e, ok := err.(*Error); ok && len(e.Op) > 5 && e.Op[:5] == "read " {
		e.Op = op + ": " + e.Op
	}
	return err
}
