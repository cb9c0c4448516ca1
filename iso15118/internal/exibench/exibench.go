// Package exibench is the benchmark and allocation harness shared by the
// generated ISO 15118 and DIN 70121 codec packages: one benchmark of the
// three ways to use a codec (Decode into a fresh value, a reused Decoder,
// AppendEncode into a reused buffer), and a check that a warm Decoder
// allocates nothing but the byte and string fields of its result. It is
// test support: only _test.go files import it.
package exibench

import (
	"bytes"
	"reflect"
	"testing"
)

// Codec is one generated package's document codec, D being its Document.
type Codec[D any] struct {
	// Decode decodes one document into a caller's value (the package's Decode).
	Decode func([]byte, *D) error
	// NewDecoder returns the Decode method of a new Decoder of the package.
	NewDecoder func() func([]byte) (*D, error)
	// AppendEncode appends one document's encoding (the package's AppendEncode).
	AppendEncode func([]byte, *D) ([]byte, error)
}

// Document runs the sub-benchmarks decode (Decode into a reused value),
// decoder (a reused Decoder) and encode (AppendEncode into a reused buffer)
// on data, one EXI document, reporting allocations and bytes per second.
func Document[D any](b *testing.B, c Codec[D], data []byte) {
	b.Run("decode", func(b *testing.B) {
		var d D
		b.ReportAllocs()
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			if err := c.Decode(data, &d); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("decoder", func(b *testing.B) {
		dec := c.NewDecoder()
		b.ReportAllocs()
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			if _, err := dec(data); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("encode", func(b *testing.B) {
		var d D
		if err := c.Decode(data, &d); err != nil {
			b.Fatal(err)
		}
		buf := make([]byte, 0, 2*len(data))
		b.ReportAllocs()
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			var err error
			if buf, err = c.AppendEncode(buf[:0], &d); err != nil {
				b.Fatal(err)
			}
		}
		if !bytes.Equal(buf, data) {
			b.Fatal("re-encoded bytes differ")
		}
	})
}

// CheckAllocs checks the allocation goals on data, one EXI document: a
// warm Decoder allocates at most once per non-empty byte or string field of
// its result, and AppendEncode into a buffer with room allocates nothing.
func CheckAllocs[D any](t *testing.T, c Codec[D], data []byte) {
	t.Helper()
	dec := c.NewDecoder()
	d, err := dec(data)
	if err != nil {
		t.Fatalf("Decoder.Decode: %v", err)
	}
	fields := ValueFields(reflect.ValueOf(d))
	got := testing.AllocsPerRun(20, func() {
		if _, err := dec(data); err != nil {
			t.Fatal(err)
		}
	})
	t.Logf("warm Decoder: %v allocations, %d non-empty byte and string fields", got, fields)
	if got > float64(fields) {
		t.Errorf("Decoder.Decode: %v allocations per run, want at most %d (the non-empty byte and string fields)", got, fields)
	}
	buf := make([]byte, 0, 2*len(data))
	got = testing.AllocsPerRun(20, func() {
		if _, err := c.AppendEncode(buf[:0], d); err != nil {
			t.Fatal(err)
		}
	})
	if got != 0 {
		t.Errorf("AppendEncode into a buffer with room: %v allocations per run, want 0", got)
	}
}

// ValueFields counts the non-empty strings and byte slices reachable from v
// through pointers, structs and slices.
func ValueFields(v reflect.Value) int {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return 0
		}
		return ValueFields(v.Elem())
	case reflect.Struct:
		n := 0
		for i := range v.NumField() {
			n += ValueFields(v.Field(i))
		}
		return n
	case reflect.String:
		if v.Len() > 0 {
			return 1
		}
	case reflect.Slice:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			if v.Len() > 0 {
				return 1
			}
			return 0
		}
		n := 0
		for i := range v.Len() {
			n += ValueFields(v.Index(i))
		}
		return n
	case reflect.Array:
		n := 0
		for i := range v.Len() {
			n += ValueFields(v.Index(i))
		}
		return n
	}
	return 0
}
