package exi

import (
	"encoding/binary"
	"io"
	"strings"
	"unicode/utf8"
)

// DefaultMaxLength is the limit, in characters or bytes, applied to a string or binary value
// whose schema type has no maxLength facet.
const DefaultMaxLength = 8192

// Header is the only EXI header ISO 15118 uses: distinguishing bits 10, no options, version 1.
const Header = 0x80

// Reader reads EXI values from a byte slice, most significant bit first.
// The zero value reads nothing; use [NewReader].
type Reader struct {
	buf []byte
	pos int64 // bit position
	end int64 // bit length of buf
}

// NewReader returns a Reader at bit 0 of b.
func NewReader(b []byte) Reader {
	return Reader{buf: b, end: int64(len(b)) * 8}
}

// Pos returns the current bit offset.
func (r *Reader) Pos() int64 { return r.pos }

// Fail returns an *[Error] at the current bit offset.
func (r *Reader) Fail(op string, err error) error {
	return &Error{Bit: r.pos, Op: op, Err: err}
}

func (r *Reader) eof(op string) error {
	return &Error{Bit: r.pos, Op: op, Err: io.ErrUnexpectedEOF}
}

// ReadHeader reads the header byte and refuses anything but 0x80.
func (r *Reader) ReadHeader() error {
	v, err := r.ReadBits(8)
	if err != nil {
		return err
	}
	if v != Header {
		return &Error{Bit: 0, Op: "read header", Err: ErrHeader}
	}
	return nil
}

// ReadBits reads an n-bit unsigned integer, 0 ≤ n ≤ 64.
func (r *Reader) ReadBits(n int) (uint64, error) {
	if n == 0 {
		return 0, nil
	}
	if r.pos+int64(n) > r.end {
		return 0, r.eof("read bits")
	}
	if i := r.pos >> 3; n <= 56 && i+8 <= int64(len(r.buf)) {
		v := binary.BigEndian.Uint64(r.buf[i:])
		v = v << uint(r.pos&7) >> uint(64-n)
		r.pos += int64(n)
		return v, nil
	}
	var v uint64
	pos := r.pos
	for n > 0 {
		off := int(pos & 7)
		avail := 8 - off
		take := min(avail, n)
		b := uint64(r.buf[pos>>3]>>(avail-take)) & (1<<take - 1)
		v = v<<take | b
		n -= take
		pos += int64(take)
	}
	r.pos = pos
	return v, nil
}

// ReadBool reads a one-bit boolean.
func (r *Reader) ReadBool() (bool, error) {
	if r.pos >= r.end {
		return false, r.eof("read boolean")
	}
	b := r.buf[r.pos>>3]>>(7-r.pos&7)&1 == 1
	r.pos++
	return b, nil
}

func (r *Reader) readByte() byte {
	off := r.pos & 7
	i := r.pos >> 3
	var b byte
	if off == 0 {
		b = r.buf[i]
	} else {
		b = r.buf[i]<<off | r.buf[i+1]>>(8-off)
	}
	r.pos += 8
	return b
}

// ReadUint reads an unsigned integer (7-bit groups, least significant first) that fits in 64 bits.
func (r *Reader) ReadUint() (uint64, error) {
	start := r.pos
	var v uint64
	for shift := uint(0); ; shift += 7 {
		if r.pos+8 > r.end {
			return 0, r.eof("read unsigned integer")
		}
		b := r.readByte()
		if shift == 63 && b&0x7e != 0 || shift > 63 {
			return 0, &Error{Bit: start, Op: "read unsigned integer", Err: ErrValue}
		}
		v |= uint64(b&0x7f) << shift
		if b&0x80 == 0 {
			return v, nil
		}
	}
}

// ReadInt reads a signed integer: a sign bit (1 = negative) and the unsigned magnitude,
// which is −v−1 for negative values.
func (r *Reader) ReadInt() (int64, error) {
	start := r.pos
	neg, err := r.ReadBool()
	if err != nil {
		return 0, err
	}
	m, err := r.ReadUint()
	if err != nil {
		return 0, err
	}
	if m > 1<<63-1 {
		return 0, &Error{Bit: start, Op: "read integer", Err: ErrValue}
	}
	if neg {
		return -int64(m) - 1, nil
	}
	return int64(m), nil
}

// ReadBinary reads a length-prefixed binary value of at most max bytes.
// The result is a new slice (non-nil, possibly empty).
func (r *Reader) ReadBinary(max int) ([]byte, error) {
	start := r.pos
	n, err := r.ReadUint()
	if err != nil {
		return nil, err
	}
	if n > uint64(max) {
		return nil, &Error{Bit: start, Op: "read binary", Err: ErrLimit}
	}
	if int64(n)*8 > r.end-r.pos { // the input ends before its own length says
		return nil, &Error{Bit: start, Op: "read binary", Err: io.ErrUnexpectedEOF}
	}
	b := make([]byte, n)
	if r.pos&7 == 0 {
		copy(b, r.buf[r.pos>>3:])
		r.pos += int64(n) * 8
		return b, nil
	}
	off := uint(r.pos & 7)
	src := r.buf[r.pos>>3 : r.pos>>3+int64(n)+1]
	out := b
	for len(out) >= 8 && len(src) >= 9 {
		x := binary.BigEndian.Uint64(src)
		binary.BigEndian.PutUint64(out, x<<off|uint64(src[8])>>(8-off))
		src, out = src[8:], out[8:]
	}
	for i := range out {
		out[i] = src[i]<<off | src[i+1]>>(8-off)
	}
	r.pos += int64(n) * 8
	return b, nil
}

// ReadString reads a string of at most max characters: the length plus 2, then one unsigned
// integer per code point. Length fields 0 and 1 (string table hits) are refused.
func (r *Reader) ReadString(max int) (string, error) {
	start := r.pos
	n, err := r.ReadUint()
	if err != nil {
		return "", err
	}
	if n < 2 {
		return "", &Error{Bit: start, Op: "read string", Err: ErrUnsupported}
	}
	n -= 2
	// Each code point takes at least 8 bits.
	if n > uint64(max) {
		return "", &Error{Bit: start, Op: "read string", Err: ErrLimit}
	}
	if int64(n)*8 > r.end-r.pos { // the input ends before its own length says
		return "", &Error{Bit: start, Op: "read string", Err: io.ErrUnexpectedEOF}
	}
	var sb strings.Builder
	sb.Grow(int(n))
	for range n {
		at := r.pos
		if r.pos+8 > r.end {
			return "", r.eof("read string")
		}
		// Fast path: one-octet code point.
		if b := r.peekByte(); b < 0x80 {
			r.pos += 8
			sb.WriteByte(b)
			continue
		}
		c, err := r.ReadUint()
		if err != nil {
			return "", err
		}
		if c > utf8.MaxRune || (c >= 0xD800 && c <= 0xDFFF) {
			return "", &Error{Bit: at, Op: "read string", Err: ErrValue}
		}
		sb.WriteRune(rune(c))
	}
	return sb.String(), nil
}

func (r *Reader) peekByte() byte {
	off := r.pos & 7
	i := r.pos >> 3
	if off == 0 {
		return r.buf[i]
	}
	return r.buf[i]<<off | r.buf[i+1]>>(8-off)
}

// ReadEnd checks that the stream ends here: the rest of the current byte is zero padding
// and no byte follows.
func (r *Reader) ReadEnd() error {
	pad := (8 - r.pos&7) & 7
	if r.end-r.pos != pad {
		return &Error{Bit: r.pos, Op: "end of document", Err: ErrTrailing}
	}
	if pad != 0 {
		if v, _ := r.ReadBits(int(pad)); v != 0 {
			return &Error{Bit: r.pos - pad, Op: "end of document", Err: ErrTrailing}
		}
	}
	return nil
}

// CodeError returns the error for event code ec read with width bits in a state with n
// declared productions: [ErrUnsupported] for the escape code n (a second-level event),
// [ErrEventCode] above it. The offset is that of the code.
func (r *Reader) CodeError(op string, ec uint64, n, width int) error {
	err := ErrEventCode
	if ec == uint64(n) {
		err = ErrUnsupported
	}
	return &Error{Bit: r.pos - int64(width), Op: op, Err: err}
}

// SkipZero steps over the next bit and reports true when it is a zero inside the input;
// otherwise it reports false and does not move. It is small enough to inline: generated
// decoders try it before [Reader.ReadSimpleStart] and [Reader.ReadSimpleEnd], which then
// report the error.
func (r *Reader) SkipZero() bool {
	if i := uint64(r.pos >> 3); i < uint64(len(r.buf)) && r.buf[i]<<(r.pos&7) < 0x80 {
		r.pos++
		return true
	}
	return false
}

// ReadSimpleStart reads the one-bit CH event code of a simple-typed element (code 0).
func (r *Reader) ReadSimpleStart(op string) error {
	v, err := r.ReadBits(1)
	if err != nil {
		return In(err, op)
	}
	if v != 0 {
		return r.CodeError(op, v, 1, 1)
	}
	return nil
}

// ReadSimpleEnd reads the one-bit EE event code that ends a simple-typed element (code 0).
func (r *Reader) ReadSimpleEnd(op string) error { return r.ReadSimpleStart(op) }
