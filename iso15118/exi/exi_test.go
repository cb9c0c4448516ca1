package exi

import (
	"bytes"
	"encoding/hex"
	"errors"
	"io"
	"math/big"
	"math/rand/v2"
	"testing"
)

func mustHex(t *testing.T, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// Examples from EXI-NOTES §3 (checked against real frames).
func TestUint(t *testing.T) {
	tests := []struct {
		name string
		v    uint64
		hex  string
	}{
		{"zero", 0, "00"},
		{"one group", 30, "1e"},
		{"two groups", 3718, "861d"},
		{"max one group", 127, "7f"},
		{"min two groups", 128, "8001"},
		{"max uint64", ^uint64(0), "ffffffffffffffffff01"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := NewWriter(nil)
			w.WriteUint(tc.v)
			if got := hex.EncodeToString(w.Bytes()); got != tc.hex {
				t.Errorf("WriteUint(%d) = %s, want %s", tc.v, got, tc.hex)
			}
			r := NewReader(mustHex(t, tc.hex))
			got, err := r.ReadUint()
			if err != nil || got != tc.v {
				t.Errorf("ReadUint(%s) = %d, %v, want %d", tc.hex, got, err, tc.v)
			}
		})
	}
}

func TestUintOverflow(t *testing.T) {
	r := NewReader(mustHex(t, "ffffffffffffffffff02"))
	if _, err := r.ReadUint(); !errors.Is(err, ErrValue) {
		t.Errorf("ReadUint(2^64) error = %v, want ErrValue", err)
	}
}

func TestInt(t *testing.T) {
	tests := []struct {
		name string
		v    int64
		bits string // as written, before padding
	}{
		{"minus ten", -10, "100001001"},
		{"zero", 0, "000000000"},
		{"plus ten", 10, "000001010"},
		{"minus 29900", -29900, "1" + "11001011" + "11101001" + "00000001"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := NewWriter(nil)
			w.WriteInt(tc.v)
			if got := bitString(w.Bytes(), len(tc.bits)); got != tc.bits {
				t.Errorf("WriteInt(%d) = %s, want %s", tc.v, got, tc.bits)
			}
			r := NewReader(w.Bytes())
			got, err := r.ReadInt()
			if err != nil || got != tc.v {
				t.Errorf("ReadInt = %d, %v, want %d", got, err, tc.v)
			}
		})
	}
}

func bitString(b []byte, n int) string {
	var s []byte
	for i := range n {
		s = append(s, '0'+(b[i/8]>>(7-i%8))&1)
	}
	return string(s)
}

func TestBitsAndBool(t *testing.T) {
	w := NewWriter([]byte{0xAA})
	w.WriteBits(1, 1)
	w.WriteBits(0b101, 3)
	w.WriteBool(true)
	w.WriteBits(0x1234, 13)
	if w.Pos() != 18 {
		t.Errorf("Pos() = %d, want 18", w.Pos())
	}
	b := w.Bytes()
	if b[0] != 0xAA {
		t.Fatalf("dst prefix overwritten: %x", b)
	}
	r := NewReader(b[1:])
	for _, want := range []struct {
		n int
		v uint64
	}{{1, 1}, {3, 5}, {1, 1}, {13, 0x1234}} {
		got, err := r.ReadBits(want.n)
		if err != nil || got != want.v {
			t.Errorf("ReadBits(%d) = %d, %v, want %d", want.n, got, err, want.v)
		}
	}
	if err := r.ReadEnd(); err != nil {
		t.Errorf("ReadEnd() = %v", err)
	}
}

func TestStringAndBinary(t *testing.T) {
	tests := []struct {
		name string
		s    string
	}{
		{"empty", ""},
		{"ascii", "urn:iso:std:iso:15118:-20:AC"},
		{"code points", "Zürich €漢😀"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := NewWriter(nil)
			w.WriteBits(1, 3) // misalign
			if err := w.WriteString(tc.s); err != nil {
				t.Fatal(err)
			}
			w.WriteBinary([]byte(tc.s))
			r := NewReader(w.Bytes())
			if _, err := r.ReadBits(3); err != nil {
				t.Fatal(err)
			}
			got, err := r.ReadString(100)
			if err != nil || got != tc.s {
				t.Errorf("ReadString = %q, %v, want %q", got, err, tc.s)
			}
			bin, err := r.ReadBinary(100)
			if err != nil || !bytes.Equal(bin, []byte(tc.s)) || bin == nil {
				t.Errorf("ReadBinary = %q, %v, want %q", bin, err, tc.s)
			}
		})
	}
}

// The length field of a string is its length plus 2 (EXI-NOTES §6 B: 30 means 28 characters).
func TestStringLengthField(t *testing.T) {
	w := NewWriter(nil)
	if err := w.WriteString("abc"); err != nil {
		t.Fatal(err)
	}
	if got, want := hex.EncodeToString(w.Bytes()), "05616263"; got != want {
		t.Errorf("WriteString(abc) = %s, want %s", got, want)
	}
}

func TestWriteStringInvalidUTF8(t *testing.T) {
	w := NewWriter(nil)
	if err := w.WriteString("a\xffb"); !errors.Is(err, ErrValue) {
		t.Errorf("WriteString(invalid) = %v, want ErrValue", err)
	}
}

func TestReadErrors(t *testing.T) {
	tests := []struct {
		name string
		in   string
		read func(r *Reader) error
		want error
		bit  int64
	}{
		{"bits past end", "ff", func(r *Reader) error { _, err := r.ReadBits(9); return err }, io.ErrUnexpectedEOF, 0},
		{"uint unterminated", "80", func(r *Reader) error { _, err := r.ReadUint(); return err }, io.ErrUnexpectedEOF, 8},
		{"string table hit", "00", func(r *Reader) error { _, err := r.ReadString(10); return err }, ErrUnsupported, 0},
		{"string over limit", "0c", func(r *Reader) error { _, err := r.ReadString(5); return err }, ErrLimit, 0},
		{"string longer than input", "0c41", func(r *Reader) error { _, err := r.ReadString(100); return err }, io.ErrUnexpectedEOF, 0},
		{"surrogate code point", "03 80b003", func(r *Reader) error { _, err := r.ReadString(100); return err }, ErrValue, 8},
		{"binary longer than input", "05aabb", func(r *Reader) error { _, err := r.ReadBinary(100); return err }, io.ErrUnexpectedEOF, 0},
		{"binary over limit", "02aabb", func(r *Reader) error { _, err := r.ReadBinary(1); return err }, ErrLimit, 0},
		{"header", "81", func(r *Reader) error { return r.ReadHeader() }, ErrHeader, 0},
		{"trailing byte", "8000", func(r *Reader) error { _ = r.ReadHeader(); return r.ReadEnd() }, ErrTrailing, 8},
		{"non-zero padding", "8040", func(r *Reader) error {
			_ = r.ReadHeader()
			_, _ = r.ReadBits(1)
			return r.ReadEnd()
		}, ErrTrailing, 9},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b, err := hex.DecodeString(stripSpaces(tc.in))
			if err != nil {
				t.Fatal(err)
			}
			r := NewReader(b)
			err = tc.read(&r)
			if !errors.Is(err, tc.want) {
				t.Fatalf("error = %v, want %v", err, tc.want)
			}
			e, ok := errors.AsType[*Error](err)
			if !ok {
				t.Fatalf("error %v is not an *Error", err)
			}
			if e.Bit != tc.bit {
				t.Errorf("Error.Bit = %d, want %d", e.Bit, tc.bit)
			}
		})
	}
}

func stripSpaces(s string) string { return string(bytes.ReplaceAll([]byte(s), []byte(" "), nil)) }

func TestCodeError(t *testing.T) {
	r := NewReader([]byte{0xff})
	ec, _ := r.ReadBits(2)
	if err := r.CodeError("op", ec, 3, 2); !errors.Is(err, ErrUnsupported) {
		t.Errorf("CodeError(escape) = %v, want ErrUnsupported", err)
	}
	if err := r.CodeError("op", 3, 2, 2); !errors.Is(err, ErrEventCode) {
		t.Errorf("CodeError(undeclared) = %v, want ErrEventCode", err)
	}
}

func TestHexBinaryText(t *testing.T) {
	h := HexBinary{0x0a, 0xff}
	txt, err := h.MarshalText()
	if err != nil || string(txt) != "0aff" {
		t.Errorf("MarshalText = %s, %v, want 0aff", txt, err)
	}
	var back HexBinary
	if err := back.UnmarshalText([]byte("0AFF")); err != nil || !bytes.Equal(back, h) {
		t.Errorf("UnmarshalText(0AFF) = %x, %v", back, err)
	}
	if err := back.UnmarshalText([]byte("0g")); err == nil {
		t.Error("UnmarshalText(0g) = nil error, want error")
	}
}

func TestWriterNoAlloc(t *testing.T) {
	buf := make([]byte, 0, 256)
	allocs := testing.AllocsPerRun(100, func() {
		w := NewWriter(buf[:0])
		w.WriteHeader()
		w.WriteBits(5, 3)
		w.WriteUint(123456)
		w.WriteInt(-7)
		_ = w.WriteString("urn:din:70121:2012:MsgDef")
		w.WriteBinary([]byte{1, 2, 3})
	})
	if allocs != 0 {
		t.Errorf("writing into a buffer with room allocates %v times, want 0", allocs)
	}
}

// FuzzReader reads arbitrary bytes with every primitive; it must never panic and every error
// must be an *Error.
func FuzzReader(f *testing.F) {
	f.Add([]byte{0x80, 0x86, 0x1d, 0x05, 0x61, 0x62, 0x63})
	f.Fuzz(func(t *testing.T, b []byte) {
		r := NewReader(b)
		for r.Pos() < int64(len(b))*8 {
			var err error
			switch r.Pos() % 5 {
			case 0:
				_, err = r.ReadUint()
			case 1:
				_, err = r.ReadInt()
			case 2:
				_, err = r.ReadString(64)
			case 3:
				_, err = r.ReadBinary(64)
			default:
				_, err = r.ReadBits(1 + int(r.Pos()%13))
			}
			if err != nil {
				if _, ok := errors.AsType[*Error](err); !ok {
					t.Fatalf("error %v is not an *Error", err)
				}
				return
			}
		}
	})
}

func TestInteger(t *testing.T) {
	tests := []struct {
		name string
		dec  string
	}{
		{"zero", "0"},
		{"small", "12345"},
		{"minus one", "-1"},
		{"minus ten", "-10"},
		{"int64 max", "9223372036854775807"},
		{"beyond int64", "9223372036854775808"},
		{"20-octet serial", "1461501637330902918203684832716283019655932542975"},
		{"negative big", "-1461501637330902918203684832716283019655932542976"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var v Integer
			if err := v.UnmarshalText([]byte(tc.dec)); err != nil {
				t.Fatal(err)
			}
			w := NewWriter(nil)
			if err := w.WriteInteger(v); err != nil {
				t.Fatal(err)
			}
			// Values that fit must match the int64 encoding.
			if b := v.Big(); b.IsInt64() {
				w2 := NewWriter(nil)
				w2.WriteInt(b.Int64())
				if !bytes.Equal(w.Bytes(), w2.Bytes()) {
					t.Errorf("WriteInteger(%s) = %x, WriteInt gives %x", tc.dec, w.Bytes(), w2.Bytes())
				}
			}
			r := NewReader(w.Bytes())
			got, err := r.ReadInteger()
			if err != nil {
				t.Fatal(err)
			}
			txt, _ := got.MarshalText()
			if string(txt) != tc.dec {
				t.Errorf("ReadInteger(WriteInteger(%s)) = %s", tc.dec, txt)
			}
		})
	}
}

func TestIn(t *testing.T) {
	r := NewReader(nil)
	_, err := r.ReadString(10)
	err = In(err, "decode AppProtocolType/ProtocolNamespace")
	if got, want := err.Error(), "exi: decode AppProtocolType/ProtocolNamespace: read unsigned integer at bit 0: unexpected EOF"; got != want {
		t.Errorf("In(...).Error() = %q, want %q", got, want)
	}
	// A located error keeps its operation.
	err = In(err, "decode outer")
	if e, _ := errors.AsType[*Error](err); e.Op != "decode AppProtocolType/ProtocolNamespace: read unsigned integer" {
		t.Errorf("Op after a second In = %q", e.Op)
	}
	if In(io.EOF, "x") != io.EOF {
		t.Error("In changed a foreign error")
	}
}

func TestSkipZero(t *testing.T) {
	tests := []struct {
		name    string
		in      []byte
		skip    int64 // bits read before
		want    bool
		wantPos int64
	}{
		{"zero bit", []byte{0x7f}, 0, true, 1},
		{"one bit", []byte{0x80}, 0, false, 0},
		{"zero mid-byte", []byte{0xfe}, 7, true, 8},
		{"one mid-byte", []byte{0xfd}, 7, false, 7},
		{"end of input", []byte{0x00}, 8, false, 8},
		{"empty", nil, 0, false, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := NewReader(tc.in)
			if _, err := r.ReadBits(int(tc.skip)); err != nil {
				t.Fatal(err)
			}
			if got := r.SkipZero(); got != tc.want || r.Pos() != tc.wantPos {
				t.Errorf("SkipZero() = %v at bit %d, want %v at bit %d", got, r.Pos(), tc.want, tc.wantPos)
			}
		})
	}
}

// bigGroups is the reference encoding of an xs:integer: sign bit, then the magnitude
// (−v−1 when negative) in 7-bit groups, least significant first, computed with math/big.
func bigGroups(v *big.Int) []byte {
	w := NewWriter(nil)
	m := new(big.Int).Set(v)
	if v.Sign() < 0 {
		w.WriteBits(1, 1)
		m.Neg(m).Sub(m, big.NewInt(1))
	} else {
		w.WriteBits(0, 1)
	}
	for {
		g := byte(new(big.Int).And(m, big.NewInt(0x7f)).Int64())
		m.Rsh(m, 7)
		if m.Sign() == 0 {
			w.WriteBits(uint64(g), 8)
			return w.Bytes()
		}
		w.WriteBits(uint64(g|0x80), 8)
	}
}

// TestIntegerAgainstBig compares WriteInteger and ReadInteger with a math/big reference on
// random values of up to MaxIntegerBytes octets, and checks that neither allocates more than
// the magnitude it returns.
func TestIntegerAgainstBig(t *testing.T) {
	const seed = 15118
	r := rand.New(rand.NewPCG(seed, 2))
	for i := range 2000 {
		abs := make([]byte, r.IntN(MaxIntegerBytes+1))
		for j := range abs {
			abs[j] = byte(r.Uint32())
		}
		if len(abs) > 0 && r.IntN(4) == 0 {
			abs[len(abs)-1] = 0 // carries and borrows across bytes
			if len(abs) > 1 {
				abs[len(abs)-2] = 0
			}
		}
		want := new(big.Int).SetBytes(abs)
		if r.IntN(2) == 0 {
			want.Neg(want)
		}
		v := IntegerFromBig(want)
		w := NewWriter(nil)
		if err := w.WriteInteger(v); err != nil {
			t.Fatalf("seed %d case %d: WriteInteger(%s): %v", seed, i, want, err)
		}
		if ref := bigGroups(want); !bytes.Equal(w.Bytes(), ref) {
			t.Fatalf("seed %d case %d: WriteInteger(%s) = %x, want %x", seed, i, want, w.Bytes(), ref)
		}
		rd := NewReader(w.Bytes())
		got, err := rd.ReadInteger()
		if err != nil {
			t.Fatalf("seed %d case %d: ReadInteger(%x): %v", seed, i, w.Bytes(), err)
		}
		if got.Big().Cmp(want) != 0 || (len(got.Abs) > 0 && got.Abs[0] == 0) {
			t.Fatalf("seed %d case %d: ReadInteger(WriteInteger(%s)) = %s (abs %x)", seed, i, want, got.Big(), got.Abs)
		}
	}
	buf := make([]byte, 0, 128)
	big20 := Integer{Neg: true, Abs: bytes.Repeat([]byte{0xab}, 20)}
	if n := testing.AllocsPerRun(50, func() {
		w := NewWriter(buf[:0])
		_ = w.WriteInteger(big20)
	}); n != 0 {
		t.Errorf("WriteInteger of a 20-octet value: %v allocations, want 0", n)
	}
	w := NewWriter(nil)
	_ = w.WriteInteger(big20)
	enc := w.Bytes()
	if n := testing.AllocsPerRun(50, func() {
		rd := NewReader(enc)
		_, _ = rd.ReadInteger()
	}); n > 1 {
		t.Errorf("ReadInteger of a 20-octet value: %v allocations, want at most 1", n)
	}
}

// FuzzReadInteger compares ReadInteger with a math/big reading of the same bits (sign bit,
// 7-bit groups least significant first, −m−1 when negative) and checks that what it reads
// re-encodes and reads back to the same value.
func FuzzReadInteger(f *testing.F) {
	f.Add([]byte{0x00})
	f.Add([]byte{0xc0, 0x40, 0x00})
	f.Add(bigGroups(new(big.Int).Lsh(big.NewInt(-3), 500)))
	f.Fuzz(func(t *testing.T, b []byte) {
		r := NewReader(b)
		got, err := r.ReadInteger()
		// Reference.
		ref := NewReader(b)
		neg, rerr := ref.ReadBool()
		m, shift := new(big.Int), uint(0)
		for rerr == nil {
			var g uint64
			if g, rerr = ref.ReadBits(8); rerr != nil {
				break
			}
			m.Or(m, new(big.Int).Lsh(big.NewInt(int64(g&0x7f)), shift))
			shift += 7
			if g&0x80 == 0 {
				break
			}
		}
		if neg {
			m.Neg(m.Add(m, big.NewInt(1)))
		}
		switch {
		case rerr != nil:
			if err == nil {
				t.Fatalf("ReadInteger(%x) = %s, the reference finds the input truncated", b, got.Big())
			}
			return
		case err != nil:
			if len(new(big.Int).Abs(m).Bytes()) <= MaxIntegerBytes && shift/7 < (MaxIntegerBytes*8+7)/7+1 {
				t.Fatalf("ReadInteger(%x): %v, the reference reads %s", b, err, m)
			}
			return
		}
		if got.Big().Cmp(m) != 0 || r.Pos() != ref.Pos() {
			t.Fatalf("ReadInteger(%x) = %s at bit %d, reference %s at bit %d", b, got.Big(), r.Pos(), m, ref.Pos())
		}
		w := NewWriter(nil)
		if err := w.WriteInteger(got); err != nil {
			t.Fatalf("WriteInteger(%s): %v", m, err)
		}
		back := NewReader(w.Bytes())
		if v, err := back.ReadInteger(); err != nil || v.Big().Cmp(m) != 0 {
			t.Fatalf("ReadInteger(WriteInteger(%s)) = %v, %v", m, v.Big(), err)
		}
	})
}
