package conformance

import (
	"bytes"
	"testing"

	"github.com/plugsim/plugsim/iso15118/internal/vectors"
)

// TestBeyondIndependentCodec covers the vectors the independent C codec
// could not decode (INDEX.tsv verdict FAIL): each has an expected outcome
// for ours, and a new FAIL vector without one fails the test.
func TestBeyondIndependentCodec(t *testing.T) {
	tests := map[string]struct {
		schema  string // our codec to use
		message string // "" when ours must refuse the bytes
		why     string
	}{
		"RISE-V2G_signature_testdata/0003_eMAID_correct_ns": {"iso2-frag", "eMAID",
			"eMAID is declared twice (MsgBody and MsgDataTypes): the signed one needs the element-fragment grammar (EXI-NOTES 6F); its SHA-256 matches RISE-V2G's"},
		"RISE-V2G_signature_testdata/0005_ContractSignatureCertChain_empty_ns": {"iso2-frag", "",
			"elements in the empty namespace are not in the schema: the classic signing mistake, refused"},
		"RISE-V2G_signature_testdata/0006_ContractSignatureEncryptedPrivateKey_empty_ns": {"iso2-frag", "",
			"empty namespace, refused"},
		"RISE-V2G_signature_testdata/0007_DHpublickey_empty_ns": {"iso2-frag", "", "empty namespace, refused"},
		"RISE-V2G_signature_testdata/0008_eMAID_empty_ns":       {"iso2-frag", "", "empty namespace, refused"},
		"dsV2Gshark_pcaps/0781_undecoded": {"iso2", "CertificateInstallationReq",
			"a 1,011-byte ISO-2 Plug & Charge certificate installation request from a TLS capture"},
	}
	_, vs := vectors.ForTest(t)
	cs := codecs()
	seen := 0
	for i := range vs {
		v := &vs[i]
		if v.Verdict != vectors.VerdictFail {
			continue
		}
		tt, ok := tests[v.ID()]
		if !ok {
			t.Errorf("%s: not decoded by the independent codec and no expected outcome here", v.ID())
			continue
		}
		seen++
		d, err := cs[tt.schema](v.Payload)
		if tt.message == "" {
			if err == nil {
				t.Errorf("%s: %s decoded %s, want refusal (%s)", v.ID(), tt.schema, d.name, tt.why)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %s: %v, want %s (%s)", v.ID(), tt.schema, err, tt.message, tt.why)
			continue
		}
		re, err := d.encode()
		if d.name != tt.message || err != nil || !bytes.Equal(re, v.Payload) {
			t.Errorf("%s: %s decoded %s, re-encode equal %v (%v), want %s re-encoded equal", v.ID(), tt.schema, d.name, bytes.Equal(re, v.Payload), err, tt.message)
		}
	}
	if seen != len(tests) {
		t.Errorf("%d of %d expected FAIL vectors found", seen, len(tests))
	}
}
