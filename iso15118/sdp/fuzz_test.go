package sdp

import (
	"bytes"
	"testing"
)

// FuzzParseDatagram decodes any bytes as a request and as a response
// datagram; what decodes must re-encode to the same bytes.
func FuzzParseDatagram(f *testing.F) {
	f.Add([]byte("\x01\xfe\x90\x00\x00\x00\x00\x02\x10\x00"))
	f.Fuzz(func(t *testing.T, b []byte) {
		if r, err := ParseRequestDatagram(b); err == nil {
			got, err := AppendRequestDatagram(nil, r)
			if err != nil || !bytes.Equal(got, b) {
				t.Errorf("AppendRequestDatagram(ParseRequestDatagram(%x)) = %x, %v", b, got, err)
			}
		}
		if r, err := ParseResponseDatagram(b); err == nil {
			got, err := AppendResponseDatagram(nil, r)
			if err != nil || !bytes.Equal(got, b) {
				t.Errorf("AppendResponseDatagram(ParseResponseDatagram(%x)) = %x, %v", b, got, err)
			}
		}
	})
}
