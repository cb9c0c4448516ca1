package apphand

import (
	"encoding/hex"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/plugsim/plugsim/iso15118/exi"
)

// EXI-NOTES §6 A: libcbv2g_tests/0001_supportedAppProtocolRes.
func TestSupportedAppProtocolResBits(t *testing.T) {
	id := uint8(1)
	d := Document{SupportedAppProtocolRes: &SupportedAppProtocolRes{
		ResponseCode: ResponseCodeTypeOK_SuccessfulNegotiation,
		SchemaID:     &id,
	}}
	b, err := AppendEncode(nil, &d)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := hex.EncodeToString(b), "80400040"; got != want {
		t.Errorf("AppendEncode = %s, want %s", got, want)
	}
	if d.MessageName() != "supportedAppProtocolRes" {
		t.Errorf("MessageName() = %q", d.MessageName())
	}
}

func appProtocols(n int) []AppProtocolType {
	out := make([]AppProtocolType, n)
	for i := range out {
		out[i] = AppProtocolType{ProtocolNamespace: "urn:din:70121:2012:MsgDef", VersionNumberMajor: 2, SchemaID: uint8(i), Priority: uint8(i%20 + 1)}
	}
	return out
}

// maxOccurs=20: after the 20th AppProtocol the grammar offers only EE (one bit), as the EXI
// specification and OpenV2G have it (EXI-NOTES §2.3, §7.4); a 21st cannot be encoded.
func TestAppProtocolMaxOccurs(t *testing.T) {
	tests := []struct {
		name    string
		n       int
		wantErr error
	}{
		{"one", 1, nil},
		{"nineteen", 19, nil},
		{"twenty", 20, nil},
		{"twenty-one", 21, exi.ErrMissing},
		{"none", 0, exi.ErrMissing},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := Document{SupportedAppProtocolReq: &SupportedAppProtocolReq{AppProtocol: appProtocols(tc.n)}}
			b, err := AppendEncode(nil, &d)
			if !errors.Is(err, tc.wantErr) {
				t.Fatalf("AppendEncode(%d protocols) error = %v, want %v", tc.n, err, tc.wantErr)
			}
			if err != nil {
				return
			}
			var got Document
			if err := Decode(b, &got); err != nil {
				t.Fatalf("Decode: %v", err)
			}
			if diff := cmp.Diff(d, got); diff != "" {
				t.Errorf("round trip (-want +got):\n%s", diff)
			}
		})
	}
	// The last AppProtocol of 20 is followed by the 1-bit EE state, of 19 by the 2-bit state.
	b20, _ := AppendEncode(nil, &Document{SupportedAppProtocolReq: &SupportedAppProtocolReq{AppProtocol: appProtocols(20)}})
	w := exi.NewWriter(nil)
	w.WriteHeader()
	w.WriteBits(0, 2) // supportedAppProtocolReq
	for i, p := range appProtocols(20) {
		if i == 0 {
			w.WriteBits(0, 1)
		} else {
			w.WriteBits(0, 2)
		}
		if err := encodeAppProtocolType(&w, &p); err != nil {
			t.Fatal(err)
		}
	}
	w.WriteBits(0, 1) // EE in the state after 20 items
	w.WriteBits(0, 1) // root EE
	if hex.EncodeToString(b20) != hex.EncodeToString(w.Bytes()) {
		t.Errorf("20 protocols = %x, want %x", b20, w.Bytes())
	}
}

func TestDecodeErrors(t *testing.T) {
	tests := []struct {
		name string
		hex  string
		want error
		bit  int64
	}{
		{"empty", "", io.ErrUnexpectedEOF, 0},
		{"bad header", "81400040", exi.ErrHeader, 0},
		{"truncated", "8040", io.ErrUnexpectedEOF, 15},
		{"trailing byte", "8040004000", exi.ErrTrailing, 28},
		{"SE(*) root", "80800000", exi.ErrUnsupported, 8},
		{"undeclared root code", "80c00000", exi.ErrEventCode, 8},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b, _ := hex.DecodeString(tc.hex)
			var d Document
			err := Decode(b, &d)
			if err == nil {
				t.Fatalf("Decode(%s) = nil error", tc.hex)
			}
			e, ok := errors.AsType[*exi.Error](err)
			if !ok {
				t.Fatalf("Decode(%s) error %v is not an *exi.Error", tc.hex, err)
			}
			if tc.want != nil && !errors.Is(err, tc.want) {
				t.Errorf("Decode(%s) = %v, want %v", tc.hex, err, tc.want)
			}
			if tc.want != nil && e.Bit != tc.bit {
				t.Errorf("Decode(%s) bit = %d, want %d", tc.hex, e.Bit, tc.bit)
			}
		})
	}
}

// ProtocolNamespace has maxLength 100: 100 characters round-trip, 101 are refused by the
// encoder (exi.ErrValue) and by the decoder (exi.ErrLimit at the length field, bit 13).
func TestProtocolNamespaceMaxLength(t *testing.T) {
	tests := []struct {
		name    string
		n       int
		wantErr error
	}{
		{"empty", 0, nil},
		{"maxLength", 100, nil},
		{"maxLength+1", 101, exi.ErrValue},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := appProtocols(1)
			p[0].ProtocolNamespace = strings.Repeat("n", tc.n)
			d := Document{SupportedAppProtocolReq: &SupportedAppProtocolReq{AppProtocol: p}}
			b, err := AppendEncode(nil, &d)
			if !errors.Is(err, tc.wantErr) {
				t.Fatalf("AppendEncode(%d characters) error = %v, want %v", tc.n, err, tc.wantErr)
			}
			if err != nil {
				return
			}
			var got Document
			if err := Decode(b, &got); err != nil {
				t.Fatalf("Decode: %v", err)
			}
			if diff := cmp.Diff(d, got); diff != "" {
				t.Errorf("round trip (-want +got):\n%s", diff)
			}
		})
	}
	// The same document with 101 characters, written by hand.
	w := exi.NewWriter(nil)
	w.WriteHeader()
	w.WriteBits(0, 2) // supportedAppProtocolReq
	w.WriteBits(0, 1) // SE(AppProtocol)
	w.WriteBits(0, 1) // SE(ProtocolNamespace)
	w.WriteBits(0, 1) // CH
	if err := w.WriteString(strings.Repeat("n", 101)); err != nil {
		t.Fatal(err)
	}
	var got Document
	err := Decode(w.Bytes(), &got)
	if e, ok := errors.AsType[*exi.Error](err); !ok || !errors.Is(err, exi.ErrLimit) || e.Bit != 13 {
		t.Errorf("Decode(101-character ProtocolNamespace) = %v, want exi.ErrLimit at bit 13", err)
	}
}
