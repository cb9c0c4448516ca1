// Package codec owns the runtime helpers of the generated OCPP message
// codecs and validators (ocpp/v201, ocpp/v21): it turns tokenizer errors and
// constraint failures into [ocpp.Error] values with the code the ocpp
// package documents and a [ocpp.FieldError] path.
package codec

import (
	"encoding/json"
	"errors"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/plugsim/plugsim/ocpp"
	"github.com/plugsim/plugsim/ocpp/internal/jsonwire"
)

// wrap converts a tokenizer error into an *ocpp.Error.
func wrap(err error) error {
	if err == nil {
		return nil
	}
	if te, ok := errors.AsType[*jsonwire.TypeError](err); ok {
		return ocpp.Violation(ocpp.TypeConstraintViolation, "", "want "+te.Want+", got "+te.Got.String())
	}
	if errors.Is(err, jsonwire.ErrRange) {
		return ocpp.Violation(ocpp.TypeConstraintViolation, "", "number out of range")
	}
	return &ocpp.Error{Code: ocpp.FormatViolation, Description: "payload is not well-formed JSON", Err: &ocpp.FieldError{Reason: err.Error(), Err: err}}
}

// End checks that nothing but white space follows the payload.
func End(d *jsonwire.Decoder) error { return wrap(d.End()) }

// BeginObject consumes '{'.
func BeginObject(d *jsonwire.Decoder) error { return wrap(d.BeginObject()) }

// NextKey reads the next member name.
func NextKey(d *jsonwire.Decoder) ([]byte, bool, error) {
	k, ok, err := d.NextKey()
	return k, ok, wrap(err)
}

// BeginArray consumes '['.
func BeginArray(d *jsonwire.Decoder) error { return wrap(d.BeginArray()) }

// NextElem reports whether another array element follows.
func NextElem(d *jsonwire.Decoder) (bool, error) {
	ok, err := d.NextElem()
	return ok, wrap(err)
}

// Raw reads any value.
func Raw(d *jsonwire.Decoder) ([]byte, error) {
	b, err := d.Raw()
	return b, wrap(err)
}

// String reads a string.
func String(d *jsonwire.Decoder) (string, error) {
	s, err := d.String()
	return s, wrap(err)
}

// StringBytes reads a string into a temporary buffer.
func StringBytes(d *jsonwire.Decoder) ([]byte, error) {
	b, err := d.StringBytes()
	return b, wrap(err)
}

// Int reads an integer.
func Int(d *jsonwire.Decoder) (int, error) {
	n, err := d.Int()
	return int(n), wrap(err)
}

// Float reads a number.
func Float(d *jsonwire.Decoder) (float64, error) {
	f, err := d.Float()
	return f, wrap(err)
}

// Bool reads a boolean.
func Bool(d *jsonwire.Decoder) (bool, error) {
	b, err := d.Bool()
	return b, wrap(err)
}

// Time reads an RFC 3339 date-time.
func Time(d *jsonwire.Decoder) (time.Time, error) {
	t, ok, err := d.Time()
	if err != nil {
		return time.Time{}, wrap(err)
	}
	if !ok {
		return time.Time{}, ocpp.Violation(ocpp.PropertyConstraintViolation, "", "not an RFC 3339 date-time")
	}
	return t, nil
}

// Duplicate reports a member that appears twice.
func Duplicate(key []byte) error {
	return ocpp.Violation(ocpp.FormatViolation, "/"+escape(key), "duplicate member")
}

// Unknown reports a member the schema does not allow.
func Unknown(key []byte) error {
	return ocpp.Violation(ocpp.FormatViolation, "/"+escape(key), "member not allowed by the schema")
}

// escape writes a member name as a JSON pointer reference token (RFC 6901).
func escape(key []byte) string {
	s := string(key)
	if strings.ContainsAny(s, "~/") {
		s = strings.NewReplacer("~", "~0", "/", "~1").Replace(s)
	}
	return s
}

// Missing reports a required member that is absent.
func Missing(name string) error {
	return ocpp.Violation(ocpp.OccurrenceConstraintViolation, "/"+name, "required member missing")
}

// NotInEnum reports a value outside its enumeration.
func NotInEnum(enum string) error {
	return ocpp.Violation(ocpp.PropertyConstraintViolation, "", "value not in "+enum)
}

// MaxLength checks a string's length in characters (Unicode code points,
// as JSON Schema counts).
func MaxLength(s string, n int) error {
	if len(s) <= n || utf8.RuneCountInString(s) <= n {
		return nil
	}
	return ocpp.Violation(ocpp.PropertyConstraintViolation, "", "longer than "+strconv.Itoa(n)+" characters")
}

// ValidTime checks that t can be written as an RFC 3339 date-time.
func ValidTime(t time.Time) error {
	if y := t.Year(); y < 0 || y > 9999 {
		return ocpp.Violation(ocpp.PropertyConstraintViolation, "", "year outside 0000-9999")
	}
	return nil
}

// Finite rejects NaN and infinities, which JSON cannot carry.
func Finite(f float64) error {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return ocpp.Violation(ocpp.PropertyConstraintViolation, "", "not a finite number")
	}
	return nil
}

// Below reports a number under its minimum.
func Below(min string) error {
	return ocpp.Violation(ocpp.PropertyConstraintViolation, "", "less than minimum "+min)
}

// Above reports a number over its maximum.
func Above(max string) error {
	return ocpp.Violation(ocpp.PropertyConstraintViolation, "", "greater than maximum "+max)
}

// TooFew reports an array under minItems.
func TooFew(n int) error {
	return ocpp.Violation(ocpp.OccurrenceConstraintViolation, "", "fewer than "+strconv.Itoa(n)+" items")
}

// TooMany reports an array over maxItems.
func TooMany(n int) error {
	return ocpp.Violation(ocpp.OccurrenceConstraintViolation, "", "more than "+strconv.Itoa(n)+" items")
}

// ValidExtra checks that each extra member is one well-formed JSON value.
func ValidExtra(extra map[string]json.RawMessage) error {
	for k, v := range extra {
		if !jsonwire.Valid(v) {
			return ocpp.Violation(ocpp.FormatViolation, "/"+escape([]byte(k)), "extra member is not well-formed JSON")
		}
	}
	return nil
}

// ValidRaw checks that a raw member, when present, is one well-formed JSON value.
func ValidRaw(raw json.RawMessage) error {
	if raw != nil && !jsonwire.Valid(raw) {
		return ocpp.Violation(ocpp.FormatViolation, "", "not well-formed JSON")
	}
	return nil
}

// AppendExtra appends extra members in name order; n is the length of b
// right after the object's '{'.
func AppendExtra(b []byte, n int, extra map[string]json.RawMessage) []byte {
	if len(extra) == 0 {
		return b
	}
	keys := make([]string, 0, len(extra))
	for k := range extra {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if len(b) > n {
			b = append(b, ',')
		}
		b = jsonwire.AppendString(b, k)
		b = append(b, ':')
		b = append(b, extra[k]...)
	}
	return b
}
