// Package v21 owns the OCPP 2.1 messages: a Go type for every request and
// response of the official JSON schemas (and every nested type and
// enumeration), each with a strict decoder (UnmarshalJSON), an encoder
// (AppendJSON) and a validator (Validate) generated as straight-line code
// without reflection by ocpp/internal/ocppgen. All of them implement
// [ocpp.Message].
//
// Required members are values; optional scalars and objects are pointers
// (nil: absent); arrays are slices (nil: absent, non-nil empty: []);
// members without a type (DataTransfer data) are raw JSON; date-times are
// [time.Time]. Enumerations are typed string constants. Decoding rejects
// members the schema does not allow (FormatViolation), values of the wrong
// JSON type (TypeConstraintViolation), missing required members
// (OccurrenceConstraintViolation) and values outside an enumeration or not a
// date-time (PropertyConstraintViolation); Validate checks every constraint,
// so call both on input: [ocpp.Handle] does. Integers are Go ints (64-bit).
// CustomDataType keeps members it does not name in Extra, as its schema
// allows.
package v21

//go:generate go run ../internal/ocppgen -pkg v21 -version "OCPP 2.1" -out . ../../../shared/ocpp/ocpp21
