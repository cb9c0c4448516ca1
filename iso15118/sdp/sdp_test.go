package sdp

import (
	"bytes"
	"encoding/hex"
	"errors"
	"io"
	"net/netip"
	"testing"

	"github.com/plugsim/plugsim/iso15118/v2gtp"
)

func mustHex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatalf("hex %q: %v", s, err)
	}
	return b
}

// Datagrams from the dsV2Gshark example captures (shared/iso15118/vectors,
// dsV2Gshark_pcaps 0000, 0001, 0084, 0085), and constructed ones.
func TestRequest(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want Request
	}{
		{"no TLS (capture 0000)", "01fe9000000000021000", Request{Security: SecurityNone, Transport: TransportTCP}},
		{"TLS (capture 0084)", "01fe9000000000020000", Request{Security: SecurityTLS, Transport: TransportTCP}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := mustHex(t, tt.in)
			got, err := ParseRequestDatagram(in)
			if err != nil || got != tt.want {
				t.Fatalf("ParseRequestDatagram(%s) = %+v, %v, want %+v", tt.in, got, err, tt.want)
			}
			enc, err := AppendRequestDatagram(nil, got)
			if err != nil || !bytes.Equal(enc, in) {
				t.Errorf("AppendRequestDatagram(%+v) = %x, %v, want %s", got, enc, err, tt.in)
			}
		})
	}
}

func TestResponse(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want Response
	}{
		{
			"no TLS, port 55118 (capture 0001)",
			"01fe900100000014fe80000000000000664d70fffe0103bfd74e1000",
			Response{Addr: netip.MustParseAddr("fe80::664d:70ff:fe01:3bf"), Port: 55118, Security: SecurityNone, Transport: TransportTCP},
		},
		{
			"TLS, port 55119 (capture 0085)",
			"01fe900100000014fe80000000000000664d70fffe0103bfd74f0000",
			Response{Addr: netip.MustParseAddr("fe80::664d:70ff:fe01:3bf"), Port: 55119, Security: SecurityTLS, Transport: TransportTCP},
		},
		{
			// Port 30000 is outside 49152-65535 and used by real chargers: accepted.
			"port 30000",
			"01fe900100000014fe800000000000000000000000000001753000" + "00",
			Response{Addr: netip.MustParseAddr("fe80::1"), Port: 30000, Security: SecurityTLS, Transport: TransportTCP},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := mustHex(t, tt.in)
			got, err := ParseResponseDatagram(in)
			if err != nil || got != tt.want {
				t.Fatalf("ParseResponseDatagram(%s) = %+v, %v, want %+v", tt.in, got, err, tt.want)
			}
			enc, err := AppendResponseDatagram(nil, got)
			if err != nil || !bytes.Equal(enc, in) {
				t.Errorf("AppendResponseDatagram(%+v) = %x, %v, want %s", got, enc, err, tt.in)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name   string
		parse  func([]byte) error
		in     string
		want   error
		offset int
	}{
		{"request short", req, "01fe90000000000110", io.ErrUnexpectedEOF, 1},
		{"request frame truncated", req, "01fe90000000000210", io.ErrUnexpectedEOF, 0},
		{"request payload short", reqPayload, "10", ErrLength, 1},
		{"request payload long", reqPayload, "100000", ErrLength, 2},
		{"request security 0x20", req, "01fe9000000000022000", ErrSecurity, 0},
		{"request transport UDP", req, "01fe9000000000021010", ErrTransport, 1},
		{"request as response type", req, "01fe9001000000021000", ErrPayloadType, 0},
		{"request bad version", req, "02fe9000000000021000", v2gtp.ErrVersion, 0},
		{"request trailing byte", req, "01fe900000000002100000", v2gtp.ErrLength, 0},
		{"response short", resPayload, "fe80", io.ErrUnexpectedEOF, 2},
		{"response security 0x01", res, "01fe900100000014fe80000000000000664d70fffe0103bfd74e0100", ErrSecurity, 18},
		{"response transport 0x10", res, "01fe900100000014fe80000000000000664d70fffe0103bfd74e1010", ErrTransport, 19},
		{"response as request type", res, "01fe900000000014fe80000000000000664d70fffe0103bfd74e1000", ErrPayloadType, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.parse(mustHex(t, tt.in))
			if !errors.Is(err, tt.want) {
				t.Fatalf("parse(%s) error = %v, want %v", tt.in, err, tt.want)
			}
			e, ok := errors.AsType[*Error](err)
			if !ok || e.Offset != tt.offset {
				t.Errorf("parse(%s) error = %#v, want *Error at offset %d", tt.in, err, tt.offset)
			}
		})
	}
}

func req(b []byte) error        { _, err := ParseRequestDatagram(b); return err }
func res(b []byte) error        { _, err := ParseResponseDatagram(b); return err }
func reqPayload(b []byte) error { _, err := ParseRequest(b); return err }
func resPayload(b []byte) error { _, err := ParseResponse(b); return err }

func TestEncodeErrors(t *testing.T) {
	if _, err := (Response{Addr: netip.MustParseAddr("192.0.2.1"), Port: 1}).AppendBinary(nil); !errors.Is(err, ErrAddress) {
		t.Errorf("AppendBinary with IPv4 address: error = %v, want ErrAddress", err)
	}
	if _, err := (Response{}).AppendBinary(nil); !errors.Is(err, ErrAddress) {
		t.Errorf("AppendBinary with zero address: error = %v, want ErrAddress", err)
	}
	dst := []byte{0xaa}
	got, err := AppendResponseDatagram(dst, Response{Addr: netip.MustParseAddr("::1"), Security: 0x42})
	if !errors.Is(err, ErrSecurity) || len(got) != 1 {
		t.Errorf("AppendResponseDatagram with security 0x42 = %x, %v, want dst unchanged and ErrSecurity", got, err)
	}
	if _, err := AppendRequestDatagram(nil, Request{Transport: 0x10}); !errors.Is(err, ErrTransport) {
		t.Errorf("AppendRequestDatagram with transport 0x10: error = %v, want ErrTransport", err)
	}
}

func TestZoneDropped(t *testing.T) {
	r := Response{Addr: netip.MustParseAddr("fe80::1%eth0"), Port: 15118}
	b, err := r.AppendBinary(nil)
	if err != nil {
		t.Fatal(err)
	}
	got, err := ParseResponse(b)
	if err != nil || got.Addr != netip.MustParseAddr("fe80::1") {
		t.Errorf("ParseResponse(AppendBinary(%v)) = %v, %v, want address without zone", r.Addr, got.Addr, err)
	}
}

func TestStrings(t *testing.T) {
	for _, tt := range []struct{ got, want string }{
		{SecurityTLS.String(), "TLS"}, {SecurityNone.String(), "none"}, {Security(0x20).String(), "0x20"},
		{TransportTCP.String(), "TCP"}, {Transport(0x10).String(), "0x10"},
	} {
		if tt.got != tt.want {
			t.Errorf("String() = %q, want %q", tt.got, tt.want)
		}
	}
}

func TestText(t *testing.T) {
	for _, s := range []Security{SecurityTLS, SecurityNone, 0x20} {
		b, _ := s.MarshalText()
		var got Security
		if err := got.UnmarshalText(b); err != nil || got != s {
			t.Errorf("Security UnmarshalText(%q) = %v, %v, want %v", b, got, err, s)
		}
	}
	for _, tr := range []Transport{TransportTCP, 0x10} {
		b, _ := tr.MarshalText()
		var got Transport
		if err := got.UnmarshalText(b); err != nil || got != tr {
			t.Errorf("Transport UnmarshalText(%q) = %v, %v, want %v", b, got, err, tr)
		}
	}
	var s Security
	if err := s.UnmarshalText([]byte("tls")); err == nil {
		t.Error(`Security UnmarshalText("tls") succeeded, want error`)
	}
	var tr Transport
	if err := tr.UnmarshalText([]byte("0x100")); err == nil {
		t.Error(`Transport UnmarshalText("0x100") succeeded, want error`)
	}
}

func BenchmarkParseResponseDatagram(b *testing.B) {
	in := mustHex(b, "01fe900100000014fe80000000000000664d70fffe0103bfd74e1000")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseResponseDatagram(in); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkAppendResponseDatagram(b *testing.B) {
	r := Response{Addr: netip.MustParseAddr("fe80::664d:70ff:fe01:3bf"), Port: 55118, Security: SecurityNone}
	buf := make([]byte, 0, 32)
	b.ReportAllocs()
	for b.Loop() {
		buf, _ = AppendResponseDatagram(buf[:0], r)
	}
}
