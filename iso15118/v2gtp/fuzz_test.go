package v2gtp

import (
	"bytes"
	"encoding/hex"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// FuzzStream feeds one byte stream to the Decoder and the Reader split at
// the points given by splits (each byte a chunk size), as nats-server's
// FuzzParser does, and checks that both agree with the whole-buffer
// reference decoder and never panic.
func FuzzStream(f *testing.F) {
	for _, tt := range streamTests {
		data, _ := hex.DecodeString(tt.in)
		f.Add(data, []byte{1, 3, 7}, uint16(tt.max))
	}
	f.Fuzz(func(t *testing.T, data, splits []byte, max uint16) {
		limit := Options{MaxPayload: uint32(max)}.max()
		sizes := make([]int, len(splits))
		for i, s := range splits {
			sizes[i] = int(s)
		}
		want := reference(data, limit)
		if diff := cmp.Diff(want, decodeChunks(data, sizes, limit)); diff != "" {
			t.Errorf("Decoder(%x, splits %v) (-reference +decoder):\n%s", data, sizes, diff)
		}
		if diff := cmp.Diff(want, readAll(&chunkReader{data: data, sizes: sizes}, limit)); diff != "" {
			t.Errorf("Reader(%x, splits %v) (-reference +reader):\n%s", data, sizes, diff)
		}
	})
}

// FuzzParseFrame checks that a frame that parses re-encodes to the same bytes.
func FuzzParseFrame(f *testing.F) {
	for _, tt := range streamTests {
		data, _ := hex.DecodeString(tt.in)
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		fr, err := ParseFrame(data)
		if err != nil {
			return
		}
		got, err := AppendFrame(nil, fr.Type, fr.Payload)
		if err != nil || !bytes.Equal(got, data) {
			t.Errorf("AppendFrame(ParseFrame(%x)) = %x, %v", data, got, err)
		}
	})
}
