package iso2

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/plugsim/plugsim/iso15118/exi"
)

// dsV2Gshark_pcaps/0781 is a real CertificateInstallationReq whose RootCertificateID carries an
// 85-character X509IssuerName. The independent C codec caps strings at 64 characters and fails
// on it (INDEX.tsv marks it undecoded, schema "auto"); the schema sets no maxLength, so this
// codec must decode it and re-encode the same bytes.
func TestLongX509IssuerName(t *testing.T) {
	var data []byte
	for _, v := range loadVectors(t, "auto") {
		if v.file == "dsV2Gshark_pcaps/0781_undecoded.hex" {
			data = v.exi
		}
	}
	if data == nil {
		t.Fatal("vector dsV2Gshark_pcaps/0781_undecoded.hex not found")
	}
	var d Document
	if err := Decode(data, &d); err != nil {
		t.Fatalf("Decode: %v", err)
	}
	req := d.V2G_Message.Body.CertificateInstallationReq
	if req == nil {
		t.Fatalf("message = %s, want CertificateInstallationReq", d.MessageName())
	}
	ids := req.ListOfRootCertificateIDs.RootCertificateID
	if len(ids) == 0 || len(ids[0].X509IssuerName) <= 64 {
		t.Fatalf("RootCertificateID = %+v, want an issuer name longer than 64 characters", ids)
	}
	out, err := AppendEncode(nil, &d)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(out, data) {
		t.Errorf("re-encoded bytes differ")
	}
}

// X509IssuerName has no maxLength, so the documented default exi.DefaultMaxLength applies:
// 4096 characters and the default itself round-trip, one more is refused by the encoder.
func TestX509IssuerNameDefaultLimit(t *testing.T) {
	var data []byte
	for _, v := range loadVectors(t, "auto") {
		if v.file == "dsV2Gshark_pcaps/0781_undecoded.hex" {
			data = v.exi
		}
	}
	if data == nil {
		t.Fatal("vector dsV2Gshark_pcaps/0781_undecoded.hex not found")
	}
	tests := []struct {
		name    string
		n       int
		wantErr error
	}{
		{"4096", 4096, nil},
		{"default limit", exi.DefaultMaxLength, nil},
		{"default limit+1", exi.DefaultMaxLength + 1, exi.ErrValue},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var d Document
			if err := Decode(data, &d); err != nil {
				t.Fatal(err)
			}
			// Non-ASCII characters count as one each (EXI lengths are code points).
			name := strings.Repeat("é", tc.n)
			d.V2G_Message.Body.CertificateInstallationReq.ListOfRootCertificateIDs.RootCertificateID[0].X509IssuerName = name
			b, err := AppendEncode(nil, &d)
			if !errors.Is(err, tc.wantErr) {
				t.Fatalf("AppendEncode(%d-character X509IssuerName) error = %v, want %v", tc.n, err, tc.wantErr)
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
}
