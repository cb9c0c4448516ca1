package exi

import (
	"fmt"
	"math/big"
	"math/bits"
)

// MaxIntegerBytes bounds the magnitude of an [Integer] read from a stream (64 octets: more than
// any X.509 serial number, which RFC 5280 caps at 20).
const MaxIntegerBytes = 64

// Integer is an xs:integer of any size, such as an xmldsig X509SerialNumber (certificate serial
// numbers are often longer than 64 bits). Abs is the big-endian magnitude without leading zero
// bytes (nil for zero); Neg is set only for negative values. It marshals to text as a decimal.
type Integer struct {
	Neg bool
	Abs []byte
}

// IntegerFromBig returns the Integer equal to b.
func IntegerFromBig(b *big.Int) Integer {
	abs := b.Bytes()
	if len(abs) == 0 {
		return Integer{}
	}
	return Integer{Neg: b.Sign() < 0, Abs: abs}
}

// Big returns i as a new *big.Int.
func (i Integer) Big() *big.Int {
	b := new(big.Int).SetBytes(i.Abs)
	if i.Neg {
		b.Neg(b)
	}
	return b
}

// MarshalText returns the decimal form of i.
func (i Integer) MarshalText() ([]byte, error) { return i.Big().MarshalText() }

// UnmarshalText parses a decimal integer.
func (i *Integer) UnmarshalText(text []byte) error {
	b := new(big.Int)
	if err := b.UnmarshalText(text); err != nil {
		return fmt.Errorf("exi: integer %q: %w", text, err)
	}
	*i = IntegerFromBig(b)
	return nil
}

// WriteInteger writes an integer of any size: a sign bit and the unsigned magnitude
// (−v−1 when negative), as 7-bit groups, least significant first. It does not allocate.
func (w *Writer) WriteInteger(v Integer) error {
	abs := v.Abs
	for len(abs) > 0 && abs[0] == 0 {
		abs = abs[1:]
	}
	if len(abs) > MaxIntegerBytes {
		return w.Fail("write integer", ErrLimit)
	}
	var m [MaxIntegerBytes]byte // the magnitude to write, big-endian, in m[MaxIntegerBytes-len(abs):]
	mag := m[MaxIntegerBytes-len(abs):]
	copy(mag, abs)
	if v.Neg && len(mag) > 0 {
		w.WriteBits(1, 1)
		for i := len(mag) - 1; i >= 0; i-- { // mag − 1: abs ≥ 1, so the borrow stops
			mag[i]--
			if mag[i] != 0xff {
				break
			}
		}
		for len(mag) > 0 && mag[0] == 0 {
			mag = mag[1:]
		}
	} else {
		w.WriteBits(0, 1)
	}
	nbits := 0
	if len(mag) > 0 {
		nbits = (len(mag)-1)*8 + bits.Len8(mag[0])
	}
	groups := max(1, (nbits+6)/7)
	var acc uint32 // bits not yet written, from the least significant end
	nacc, j := 0, len(mag)-1
	for g := range groups {
		for nacc < 7 && j >= 0 {
			acc |= uint32(mag[j]) << nacc
			nacc += 8
			j--
		}
		c := byte(acc & 0x7f)
		acc >>= 7
		nacc = max(nacc-7, 0)
		if g < groups-1 {
			c |= 0x80
		}
		w.writeByte(c)
	}
	return nil
}

// ReadInteger reads an integer of any size up to [MaxIntegerBytes] octets of magnitude. It
// allocates only the magnitude of the result.
func (r *Reader) ReadInteger() (Integer, error) {
	start := r.pos
	neg, err := r.ReadBool()
	if err != nil {
		return Integer{}, err
	}
	const maxGroups = (MaxIntegerBytes*8+7)/7 + 1
	var le [MaxIntegerBytes + 2]byte // the magnitude, little-endian
	n, ngroups := 0, 0
	var acc uint32
	nacc := 0
	for {
		if r.pos+8 > r.end {
			return Integer{}, r.eof("read integer")
		}
		b := r.readByte()
		if ngroups++; ngroups >= maxGroups {
			return Integer{}, &Error{Bit: start, Op: "read integer", Err: ErrLimit}
		}
		acc |= uint32(b&0x7f) << nacc
		nacc += 7
		for nacc >= 8 {
			le[n] = byte(acc)
			n++
			acc >>= 8
			nacc -= 8
		}
		if b&0x80 == 0 {
			break
		}
	}
	if nacc > 0 {
		le[n] = byte(acc)
		n++
	}
	if neg { // the value is −(m+1)
		for i := 0; ; i++ {
			if i == n {
				le[n] = 1
				n++
				break
			}
			le[i]++
			if le[i] != 0 {
				break
			}
		}
	}
	for n > 0 && le[n-1] == 0 {
		n--
	}
	if n > MaxIntegerBytes {
		return Integer{}, &Error{Bit: start, Op: "read integer", Err: ErrLimit}
	}
	if n == 0 {
		return Integer{}, nil
	}
	abs := make([]byte, n)
	for i := range abs {
		abs[i] = le[n-1-i]
	}
	return Integer{Neg: neg, Abs: abs}, nil
}
