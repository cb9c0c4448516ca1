package exi

import (
	"encoding/binary"
	"encoding/hex"
	"unicode/utf8"
)

// Writer appends EXI values to a byte slice, most significant bit first, padding the last
// byte with zero bits. The zero value is ready to use and writes into a new slice;
// [NewWriter] appends to a caller's buffer. Writing never allocates when the buffer has room.
type Writer struct {
	buf   []byte
	start int    // len(buf) when the writer was created
	acc   uint64 // pending bits, right-aligned: the low nacc bits
	nacc  uint   // number of pending bits, always < 8 between calls
}

// NewWriter returns a Writer that appends to dst.
func NewWriter(dst []byte) Writer {
	return Writer{buf: dst, start: len(dst)}
}

// Bytes returns the caller's dst followed by the bytes written so far, the last one padded
// with zero bits. The result is valid until the next write.
func (w *Writer) Bytes() []byte {
	if w.nacc == 0 {
		return w.buf
	}
	return append(w.buf, byte(w.acc<<(8-w.nacc)))
}

// Pos returns the number of bits written by this writer.
func (w *Writer) Pos() int64 { return int64(len(w.buf)-w.start)*8 + int64(w.nacc) }

// Fail returns an *[Error] at the current bit offset.
func (w *Writer) Fail(op string, err error) error {
	return &Error{Bit: w.Pos(), Op: op, Err: err}
}

// WriteHeader writes the header byte 0x80.
func (w *Writer) WriteHeader() { w.WriteBits(Header, 8) }

// WriteBits writes the low n bits of v, 0 ≤ n ≤ 64.
func (w *Writer) WriteBits(v uint64, n int) {
	if n > 56 {
		w.WriteBits(v>>32, n-32)
		v &= 0xffffffff
		n = 32
	}
	w.acc = w.acc<<uint(n) | v&(1<<uint(n)-1)
	w.nacc += uint(n)
	for w.nacc >= 8 {
		w.nacc -= 8
		w.buf = append(w.buf, byte(w.acc>>w.nacc))
	}
}

// WriteBool writes a one-bit boolean.
func (w *Writer) WriteBool(b bool) {
	if b {
		w.WriteBits(1, 1)
	} else {
		w.WriteBits(0, 1)
	}
}

func (w *Writer) writeByte(b byte) {
	if w.nacc == 0 {
		w.buf = append(w.buf, b)
		return
	}
	w.buf = append(w.buf, byte(w.acc<<(8-w.nacc))|b>>w.nacc)
	w.acc = uint64(b)
}

// WriteUint writes an unsigned integer as 7-bit groups, least significant first.
func (w *Writer) WriteUint(v uint64) {
	for v >= 0x80 {
		w.writeByte(byte(v) | 0x80)
		v >>= 7
	}
	w.writeByte(byte(v))
}

// WriteInt writes a signed integer: a sign bit and the magnitude (−v−1 when negative).
func (w *Writer) WriteInt(v int64) {
	if v < 0 {
		w.WriteBits(1, 1)
		w.WriteUint(uint64(-(v + 1)))
		return
	}
	w.WriteBits(0, 1)
	w.WriteUint(uint64(v))
}

// WriteBinary writes the length of b and its bytes.
func (w *Writer) WriteBinary(b []byte) {
	w.WriteUint(uint64(len(b)))
	if w.nacc == 0 {
		w.buf = append(w.buf, b...)
		return
	}
	old := len(w.buf)
	w.buf = append(w.buf, make([]byte, len(b))...)
	out := w.buf[old : old+len(b)]
	sh := w.nacc
	pend := byte(w.acc << (8 - sh))
	src := b
	for len(src) >= 8 {
		x := binary.BigEndian.Uint64(src)
		binary.BigEndian.PutUint64(out, uint64(pend)<<56|x>>sh)
		pend = byte(x) << (8 - sh)
		src, out = src[8:], out[8:]
	}
	for i, c := range src {
		out[i] = pend | c>>sh
		pend = c << (8 - sh)
	}
	if len(b) > 0 {
		w.acc = uint64(b[len(b)-1])
	}
}

// WriteString writes s as its length in code points plus 2, then each code point.
// It reports [ErrValue] when s is not valid UTF-8.
func (w *Writer) WriteString(s string) error {
	n := utf8.RuneCountInString(s)
	w.WriteUint(uint64(n) + 2)
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			w.writeByte(c)
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			return w.Fail("write string", ErrValue)
		}
		w.WriteUint(uint64(r))
		i += size
	}
	return nil
}

// HexBinary is an xs:hexBinary value. It marshals to text (and so to JSON) as lower-case hex,
// where a plain []byte (xs:base64Binary) marshals as standard base64.
type HexBinary []byte

// MarshalText returns the lower-case hex form of h.
func (h HexBinary) MarshalText() ([]byte, error) {
	return hex.AppendEncode(nil, h), nil
}

// UnmarshalText parses hex digits (either case) into h.
func (h *HexBinary) UnmarshalText(text []byte) error {
	b, err := hex.AppendDecode(make([]byte, 0, len(text)/2), text)
	if err != nil {
		return err
	}
	*h = b
	return nil
}

// StringLen returns the length of s in code points, the unit of string length facets.
func StringLen(s string) int { return utf8.RuneCountInString(s) }
