package common

import (
	"bytes"
	"testing"
)

// findVector returns the EXI bytes of one vector by its INDEX.tsv file name.
func findVector(tb testing.TB, file string) []byte {
	for _, v := range loadVectors(tb) {
		if v.file == file {
			return v.exi
		}
	}
	tb.Fatalf("vector %s not found", file)
	return nil
}

// benchDocument measures Decode into a reused Document, a reused Decoder, and AppendEncode
// into a reused buffer.
func benchDocument(b *testing.B, data []byte) {
	b.Run("decode", func(b *testing.B) {
		var d Document
		b.ReportAllocs()
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			if err := Decode(data, &d); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("decoder", func(b *testing.B) {
		var dec Decoder
		b.ReportAllocs()
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			if _, err := dec.Decode(data); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("encode", func(b *testing.B) {
		var d Document
		if err := Decode(data, &d); err != nil {
			b.Fatal(err)
		}
		buf := make([]byte, 0, 2*len(data))
		b.ReportAllocs()
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			var err error
			if buf, err = AppendEncode(buf[:0], &d); err != nil {
				b.Fatal(err)
			}
		}
		if !bytes.Equal(buf, data) {
			b.Fatal("re-encoded bytes differ")
		}
	})
}

func BenchmarkScheduleExchangeRes(b *testing.B) {
	benchDocument(b, findVector(b, "dsV2Gshark_pcaps/0069_ScheduleExchangeRes.hex"))
}
