package iso2

import (
	"bytes"
	"testing"
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
