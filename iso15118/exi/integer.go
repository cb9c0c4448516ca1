package exi

import (
	"fmt"
	"math/big"
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
// (−v−1 when negative), as 7-bit groups, least significant first.
func (w *Writer) WriteInteger(v Integer) error {
	for len(v.Abs) > 0 && v.Abs[0] == 0 {
		v.Abs = v.Abs[1:]
	}
	if len(v.Abs) > MaxIntegerBytes {
		return w.Fail("write integer", ErrLimit)
	}
	if len(v.Abs) <= 7 {
		var u uint64
		for _, c := range v.Abs {
			u = u<<8 | uint64(c)
		}
		if v.Neg && u > 0 {
			w.WriteBits(1, 1)
			w.WriteUint(u - 1)
		} else {
			w.WriteBits(0, 1)
			w.WriteUint(u)
		}
		return nil
	}
	m := new(big.Int).SetBytes(v.Abs)
	if v.Neg {
		w.WriteBits(1, 1)
		m.Sub(m, big.NewInt(1))
	} else {
		w.WriteBits(0, 1)
	}
	abs := m.Bytes()
	// Emit 7-bit groups from the least significant end.
	nbits := m.BitLen()
	for pos := 0; ; pos += 7 {
		var g byte
		for k := 0; k < 7; k++ {
			bit := pos + k
			if bit < nbits && abs[len(abs)-1-bit/8]>>(bit%8)&1 == 1 {
				g |= 1 << k
			}
		}
		if pos+7 >= nbits {
			w.writeByte(g)
			return nil
		}
		w.writeByte(g | 0x80)
	}
}

// ReadInteger reads an integer of any size up to [MaxIntegerBytes] octets of magnitude.
func (r *Reader) ReadInteger() (Integer, error) {
	start := r.pos
	neg, err := r.ReadBool()
	if err != nil {
		return Integer{}, err
	}
	m := new(big.Int)
	var groups []byte
	for {
		if r.pos+8 > r.end {
			return Integer{}, r.eof("read integer")
		}
		b := r.readByte()
		groups = append(groups, b&0x7f)
		if len(groups)*7 > MaxIntegerBytes*8+7 {
			return Integer{}, &Error{Bit: start, Op: "read integer", Err: ErrLimit}
		}
		if b&0x80 == 0 {
			break
		}
	}
	for i := len(groups) - 1; i >= 0; i-- {
		m.Lsh(m, 7)
		m.Or(m, big.NewInt(int64(groups[i])))
	}
	if neg {
		m.Add(m, big.NewInt(1))
		m.Neg(m)
	}
	if len(m.Bytes()) > MaxIntegerBytes {
		return Integer{}, &Error{Bit: start, Op: "read integer", Err: ErrLimit}
	}
	return IntegerFromBig(m), nil
}
