// Package jsonwire owns the JSON tokenizer and writer used by the OCPP-J
// framer and by the generated OCPP message codecs. It decodes one value at a
// time from a byte slice without reflection and without building an
// intermediate tree, so each payload is scanned exactly once.
package jsonwire

import (
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"time"
	"unicode/utf16"
	"unicode/utf8"
	"unsafe"
)

// MaxDepth is the deepest nesting of arrays and objects the decoder accepts.
const MaxDepth = 64

// Kind is the kind of the next JSON value.
type Kind uint8

// Kinds of JSON values.
const (
	Invalid Kind = iota
	Null
	Bool
	Number
	String
	Array
	Object
)

// String returns the JSON name of the kind.
func (k Kind) String() string {
	switch k {
	case Null:
		return "null"
	case Bool:
		return "boolean"
	case Number:
		return "number"
	case String:
		return "string"
	case Array:
		return "array"
	case Object:
		return "object"
	}
	return "invalid"
}

// SyntaxError reports malformed JSON at a byte offset.
type SyntaxError struct {
	// Offset is the byte offset of the error in the input.
	Offset int
	// Msg describes the error.
	Msg string
	// Err is [io.ErrUnexpectedEOF] when the input ends inside a value,
	// nil otherwise.
	Err error
}

// Error returns "jsonwire: <message> at byte <offset>".
func (e *SyntaxError) Error() string {
	return fmt.Sprintf("jsonwire: %s at byte %d", e.Msg, e.Offset)
}

// Unwrap returns Err.
func (e *SyntaxError) Unwrap() error { return e.Err }

// truncated reports input that ends inside a value.
func truncated(offset int, msg string) error {
	return &SyntaxError{Offset: offset, Msg: msg, Err: io.ErrUnexpectedEOF}
}

// TypeError reports a well-formed value of the wrong kind.
type TypeError struct {
	// Offset is the byte offset of the value in the input.
	Offset int
	// Want names the expected kind ("string").
	Want string
	// Got is the kind found.
	Got Kind
}

// Error returns "jsonwire: want <kind>, got <kind> at byte <offset>".
func (e *TypeError) Error() string {
	return fmt.Sprintf("jsonwire: want %s, got %s at byte %d", e.Want, e.Got, e.Offset)
}

// ErrRange is wrapped by errors for numbers outside the range of the Go type.
var ErrRange = errors.New("jsonwire: number out of range")

// Decoder reads JSON values from a byte slice. Strings returned by
// [Decoder.Key] alias the input or an internal scratch buffer and are valid
// only until the next call.
type Decoder struct {
	data    []byte
	pos     int
	depth   int
	first   bool // true right after '{' or '['
	scratch []byte
}

// Reset points the decoder at data.
func (d *Decoder) Reset(data []byte) {
	d.data = data
	d.pos = 0
	d.depth = 0
	d.first = false
}

// Offset returns the current byte offset.
func (d *Decoder) Offset() int { return d.pos }

func (d *Decoder) syntax(msg string) error {
	return &SyntaxError{Offset: d.pos, Msg: msg}
}

func (d *Decoder) skipSpace() {
	for d.pos < len(d.data) {
		switch d.data[d.pos] {
		case ' ', '\t', '\n', '\r':
			d.pos++
		default:
			return
		}
	}
}

// Peek returns the kind of the next value without consuming it.
func (d *Decoder) Peek() Kind {
	d.skipSpace()
	if d.pos >= len(d.data) {
		return Invalid
	}
	switch c := d.data[d.pos]; {
	case c == '{':
		return Object
	case c == '[':
		return Array
	case c == '"':
		return String
	case c == 't' || c == 'f':
		return Bool
	case c == 'n':
		return Null
	case c == '-' || (c >= '0' && c <= '9'):
		return Number
	}
	return Invalid
}

func (d *Decoder) typeErr(want string) error {
	k := d.Peek()
	if k == Invalid {
		if d.pos >= len(d.data) {
			return truncated(d.pos, "unexpected end of input")
		}
		return d.syntax("invalid character")
	}
	// Make sure the wrong value is at least well-formed JSON, so that a
	// syntax error is reported as such.
	save := d.pos
	if err := d.Skip(); err != nil {
		return err
	}
	return &TypeError{Offset: save, Want: want, Got: k}
}

// End checks that only white space remains.
func (d *Decoder) End() error {
	d.skipSpace()
	if d.pos != len(d.data) {
		return d.syntax("trailing data after value")
	}
	return nil
}

// BeginObject consumes '{'.
func (d *Decoder) BeginObject() error {
	if d.Peek() != Object {
		return d.typeErr("object")
	}
	if d.depth >= MaxDepth {
		return d.syntax("nesting too deep")
	}
	d.depth++
	d.pos++
	d.first = true
	return nil
}

// NextKey reads the next member name of the current object, consuming the
// separating comma and the colon. It returns ok=false after consuming the
// closing '}'.
func (d *Decoder) NextKey() (key []byte, ok bool, err error) {
	d.skipSpace()
	if d.pos >= len(d.data) {
		return nil, false, truncated(d.pos, "unexpected end of input")
	}
	c := d.data[d.pos]
	if c == '}' {
		d.pos++
		d.depth--
		d.first = false
		return nil, false, nil
	}
	if !d.first {
		if c != ',' {
			return nil, false, d.syntax("expected ',' or '}' in object")
		}
		d.pos++
		d.skipSpace()
	}
	d.first = false
	if d.pos >= len(d.data) {
		return nil, false, truncated(d.pos, "unexpected end of input")
	}
	if d.data[d.pos] != '"' {
		return nil, false, d.syntax("expected member name")
	}
	key, err = d.readString()
	if err != nil {
		return nil, false, err
	}
	d.skipSpace()
	if d.pos >= len(d.data) {
		return nil, false, truncated(d.pos, "unexpected end of input")
	}
	if d.data[d.pos] != ':' {
		return nil, false, d.syntax("expected ':' after member name")
	}
	d.pos++
	return key, true, nil
}

// BeginArray consumes '['.
func (d *Decoder) BeginArray() error {
	if d.Peek() != Array {
		return d.typeErr("array")
	}
	if d.depth >= MaxDepth {
		return d.syntax("nesting too deep")
	}
	d.depth++
	d.pos++
	d.first = true
	return nil
}

// NextElem reports whether another array element follows, consuming the
// separating comma; it returns false after consuming the closing ']'.
func (d *Decoder) NextElem() (bool, error) {
	d.skipSpace()
	if d.pos >= len(d.data) {
		return false, truncated(d.pos, "unexpected end of input")
	}
	c := d.data[d.pos]
	if c == ']' {
		d.pos++
		d.depth--
		d.first = false
		return false, nil
	}
	if !d.first {
		if c != ',' {
			return false, d.syntax("expected ',' or ']' in array")
		}
		d.pos++
	}
	d.first = false
	return true, nil
}

// Skip consumes one well-formed value of any kind.
func (d *Decoder) Skip() error {
	_, err := d.Raw()
	return err
}

// Raw consumes one well-formed value and returns its bytes (aliasing the
// input).
func (d *Decoder) Raw() ([]byte, error) {
	k := d.Peek()
	start := d.pos
	switch k {
	case Object:
		if err := d.BeginObject(); err != nil {
			return nil, err
		}
		for {
			_, ok, err := d.NextKey()
			if err != nil {
				return nil, err
			}
			if !ok {
				break
			}
			if err := d.Skip(); err != nil {
				return nil, err
			}
		}
	case Array:
		if err := d.BeginArray(); err != nil {
			return nil, err
		}
		for {
			ok, err := d.NextElem()
			if err != nil {
				return nil, err
			}
			if !ok {
				break
			}
			if err := d.Skip(); err != nil {
				return nil, err
			}
		}
	case String:
		if _, err := d.readString(); err != nil {
			return nil, err
		}
	case Number:
		if _, err := d.readNumber(); err != nil {
			return nil, err
		}
	case Bool, Null:
		if err := d.literal(); err != nil {
			return nil, err
		}
	default:
		if d.pos >= len(d.data) {
			return nil, truncated(d.pos, "unexpected end of input")
		}
		return nil, d.syntax("invalid character")
	}
	d.first = false
	return d.data[start:d.pos], nil
}

func (d *Decoder) literal() error {
	rest := d.data[d.pos:]
	for _, lit := range [...]string{"true", "false", "null"} {
		if len(rest) >= len(lit) && string(rest[:len(lit)]) == lit {
			d.pos += len(lit)
			return nil
		}
		if len(rest) < len(lit) && string(rest) == lit[:len(rest)] {
			return truncated(len(d.data), "unexpected end of input in literal")
		}
	}
	return d.syntax("invalid literal")
}

// Bool reads a boolean.
func (d *Decoder) Bool() (bool, error) {
	if d.Peek() != Bool {
		return false, d.typeErr("boolean")
	}
	if d.data[d.pos] == 't' {
		if err := d.literal(); err != nil {
			return false, err
		}
		return true, nil
	}
	if err := d.literal(); err != nil {
		return false, err
	}
	return false, nil
}

// readNumber consumes a JSON number and reports whether it is a plain
// integer (no fraction or exponent).
func (d *Decoder) readNumber() (plain bool, err error) {
	p := d.pos
	data := d.data
	if p < len(data) && data[p] == '-' {
		p++
	}
	if p >= len(data) {
		return false, truncated(p, "unexpected end of input in number")
	}
	switch {
	case data[p] == '0':
		p++
	case data[p] >= '1' && data[p] <= '9':
		for p < len(data) && data[p] >= '0' && data[p] <= '9' {
			p++
		}
	default:
		return false, &SyntaxError{Offset: p, Msg: "invalid number"}
	}
	plain = true
	if p < len(data) && data[p] == '.' {
		plain = false
		p++
		s := p
		for p < len(data) && data[p] >= '0' && data[p] <= '9' {
			p++
		}
		if p == s && p == len(data) {
			return false, truncated(p, "unexpected end of input in number")
		}
		if p == s {
			return false, &SyntaxError{Offset: p, Msg: "invalid number fraction"}
		}
	}
	if p < len(data) && (data[p] == 'e' || data[p] == 'E') {
		plain = false
		p++
		if p < len(data) && (data[p] == '+' || data[p] == '-') {
			p++
		}
		s := p
		for p < len(data) && data[p] >= '0' && data[p] <= '9' {
			p++
		}
		if p == s && p == len(data) {
			return false, truncated(p, "unexpected end of input in number")
		}
		if p == s {
			return false, &SyntaxError{Offset: p, Msg: "invalid number exponent"}
		}
	}
	d.pos = p
	return plain, nil
}

// Float reads a number as float64.
func (d *Decoder) Float() (float64, error) {
	if d.Peek() != Number {
		return 0, d.typeErr("number")
	}
	start := d.pos
	if _, err := d.readNumber(); err != nil {
		return 0, err
	}
	b := d.data[start:d.pos]
	// The string does not outlive ParseFloat: its error is discarded.
	f, err := strconv.ParseFloat(unsafe.String(&b[0], len(b)), 64)
	if err != nil {
		return 0, fmt.Errorf("jsonwire: number at byte %d: %w", start, ErrRange)
	}
	return f, nil
}

// Int reads a number whose value is an integer (JSON Schema "integer": 1.0
// and 1e2 qualify) and fits in int64.
func (d *Decoder) Int() (int64, error) {
	if d.Peek() != Number {
		return 0, d.typeErr("integer")
	}
	start := d.pos
	plain, err := d.readNumber()
	if err != nil {
		return 0, err
	}
	b := d.data[start:d.pos]
	if plain && len(b) <= 18 {
		neg := b[0] == '-'
		if neg {
			b = b[1:]
		}
		var n int64
		for _, c := range b {
			n = n*10 + int64(c-'0')
		}
		if neg {
			n = -n
		}
		return n, nil
	}
	s := unsafe.String(&b[0], len(b))
	if plain {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return 0, fmt.Errorf("jsonwire: integer at byte %d: %w", start, ErrRange)
		}
		return n, nil
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f != math.Trunc(f) {
		return 0, &TypeError{Offset: start, Want: "integer", Got: Number}
	}
	if f < -9.223372036854775e18 || f > 9.223372036854775e18 {
		return 0, fmt.Errorf("jsonwire: integer at byte %d: %w", start, ErrRange)
	}
	return int64(f), nil
}

// StringBytes reads a string and returns its unescaped bytes, valid until
// the next call.
func (d *Decoder) StringBytes() ([]byte, error) {
	if d.Peek() != String {
		return nil, d.typeErr("string")
	}
	return d.readString()
}

// String reads a string.
func (d *Decoder) String() (string, error) {
	b, err := d.StringBytes()
	if err != nil {
		return "", err
	}
	return string(b), nil
}

// Time reads an RFC 3339 date-time string. ok=false means the value was a
// string but not a valid date-time.
func (d *Decoder) Time() (t time.Time, ok bool, err error) {
	b, err := d.StringBytes()
	if err != nil {
		return time.Time{}, false, err
	}
	if len(b) == 0 {
		return time.Time{}, false, nil
	}
	t, ok = ParseDateTime(b)
	if !ok {
		return time.Time{}, false, nil
	}
	return t, true, nil
}

// readString consumes a string starting at '"', checks escapes and UTF-8
// and returns the unescaped content.
func (d *Decoder) readString() ([]byte, error) {
	data := d.data
	p := d.pos + 1
	start := p
	// Fast path: no escapes, ASCII printable.
	for p < len(data) {
		c := data[p]
		if c == '"' {
			d.pos = p + 1
			return data[start:p], nil
		}
		if c == '\\' || c < 0x20 || c >= 0x80 {
			break
		}
		p++
	}
	buf := append(d.scratch[:0], data[start:p]...)
	for {
		if p >= len(data) {
			return nil, truncated(p, "unexpected end of input in string")
		}
		c := data[p]
		switch {
		case c == '"':
			d.pos = p + 1
			d.scratch = buf
			return buf, nil
		case c < 0x20:
			return nil, &SyntaxError{Offset: p, Msg: "control character in string"}
		case c == '\\':
			if p+1 >= len(data) {
				return nil, truncated(p, "unexpected end of input in string")
			}
			p++
			switch data[p] {
			case '"', '\\', '/':
				buf = append(buf, data[p])
				p++
			case 'b':
				buf = append(buf, '\b')
				p++
			case 'f':
				buf = append(buf, '\f')
				p++
			case 'n':
				buf = append(buf, '\n')
				p++
			case 'r':
				buf = append(buf, '\r')
				p++
			case 't':
				buf = append(buf, '\t')
				p++
			case 'u':
				r, ok := hex4(data, p+1)
				if !ok && p+5 > len(data) {
					return nil, truncated(p, "unexpected end of input in string")
				}
				if !ok {
					return nil, &SyntaxError{Offset: p, Msg: "invalid \\u escape"}
				}
				p += 5
				if utf16.IsSurrogate(r) {
					r2, ok2 := rune(-1), false
					if p+1 < len(data) && data[p] == '\\' && data[p+1] == 'u' {
						r2, ok2 = hex4(data, p+2)
					}
					if dec := utf16.DecodeRune(r, r2); ok2 && dec != utf8.RuneError {
						r = dec
						p += 6
					} else {
						r = utf8.RuneError
					}
				}
				buf = utf8.AppendRune(buf, r)
			default:
				return nil, &SyntaxError{Offset: p, Msg: "invalid escape"}
			}
		case c < 0x80:
			buf = append(buf, c)
			p++
		default:
			r, size := utf8.DecodeRune(data[p:])
			if r == utf8.RuneError && size == 1 {
				if !utf8.FullRune(data[p:]) {
					return nil, truncated(p, "unexpected end of input in string")
				}
				return nil, &SyntaxError{Offset: p, Msg: "invalid UTF-8 in string"}
			}
			buf = append(buf, data[p:p+size]...)
			p += size
		}
	}
}

func hex4(data []byte, p int) (rune, bool) {
	if p+4 > len(data) {
		return 0, false
	}
	var r rune
	for _, c := range data[p : p+4] {
		switch {
		case c >= '0' && c <= '9':
			r = r<<4 | rune(c-'0')
		case c >= 'a' && c <= 'f':
			r = r<<4 | rune(c-'a'+10)
		case c >= 'A' && c <= 'F':
			r = r<<4 | rune(c-'A'+10)
		default:
			return 0, false
		}
	}
	return r, true
}

// Valid reports whether data is exactly one well-formed JSON value.
func Valid(data []byte) bool {
	var d Decoder
	d.Reset(data)
	if err := d.Skip(); err != nil {
		return false
	}
	return d.End() == nil
}
