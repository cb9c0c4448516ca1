package iso2

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/plugsim/plugsim/internal/sharedtest"
)

// riseVector reads the EXI bytes and the published SHA-256 of a RISE-V2G signature test vector.
func riseVector(t *testing.T, name string) ([]byte, string) {
	t.Helper()
	var found []vector
	for _, v := range loadVectors(t) {
		if strings.HasPrefix(v.file, "RISE-V2G_signature_testdata/"+name) {
			found = append(found, v)
		}
	}
	if len(found) != 1 {
		t.Fatalf("vector %s: found %d", name, len(found))
	}
	meta, err := os.ReadFile(filepath.Join(sharedtest.Path(t, "iso15118", "vectors"), strings.TrimSuffix(found[0].file, ".hex")+".json"))
	if err != nil {
		t.Fatal(err)
	}
	var m struct {
		Given *string `json:"sha256_given"`
	}
	if err := json.Unmarshal(meta, &m); err != nil {
		t.Fatal(err)
	}
	given := ""
	if m.Given != nil {
		given = *m.Given
	}
	return found[0].exi, given
}

// TestSignatureDigests reproduces the SHA-256 digests RISE-V2G publishes for the EXI fragments
// of the four elements a CertificateInstallationRes signs (ISO 15118-2 [V2G2-771]: the digest is
// over the element encoded as an EXI fragment with the message schema's fragment grammar), and
// checks that the SignedInfo fragment (xmldsig-core grammar) carries exactly those digests.
func TestSignatureDigests(t *testing.T) {
	var digests [][]byte
	for _, name := range []string{
		"0000_ContractSignatureCertChain_correct_ns",
		"0001_ContractSignatureEncryptedPrivateKey_correct_ns",
		"0002_DHpublickey_correct_ns",
		"0003_eMAID_correct_ns",
	} {
		data, given := riseVector(t, name)
		var f Fragment
		if err := DecodeFragment(data, &f); err != nil {
			t.Fatalf("%s: DecodeFragment: %v", name, err)
		}
		out, err := AppendEncodeFragment(nil, &f)
		if err != nil {
			t.Fatalf("%s: AppendEncodeFragment: %v", name, err)
		}
		sum := sha256.Sum256(out)
		if got := hex.EncodeToString(sum[:]); got != given {
			t.Errorf("%s: SHA-256 of our fragment = %s, want %s", name, got, given)
		}
		digests = append(digests, sum[:])
	}

	// The eMAID fragment built from Go values, not decoded: the path a signer takes.
	out, err := AppendEncodeFragment(nil, &Fragment{EMAID: &EMAIDType{Id: "id4", Value: "DEABCC123ABC56"}})
	if err != nil {
		t.Fatal(err)
	}
	if sum := sha256.Sum256(out); !bytes.Equal(sum[:], digests[3]) {
		t.Errorf("eMAID fragment from values: digest %x, want %x", sum, digests[3])
	}

	data, _ := riseVector(t, "0004_SignedInfo_correct_ns")
	var si XMLDSigFragment
	if err := DecodeXMLDSigFragment(data, &si); err != nil {
		t.Fatalf("DecodeXMLDSigFragment: %v", err)
	}
	if si.SignedInfo == nil {
		t.Fatal("SignedInfo fragment decoded to another element")
	}
	refs := si.SignedInfo.Reference
	if len(refs) != len(digests) {
		t.Fatalf("SignedInfo has %d references, want %d", len(refs), len(digests))
	}
	// The references are in the order of the message, not of the vectors: match them as a set.
	matched := map[int]bool{}
	for i, ref := range refs {
		hit := -1
		for j, d := range digests {
			if !matched[j] && bytes.Equal(ref.DigestValue, d) {
				hit = j
			}
		}
		if hit < 0 {
			t.Errorf("Reference %d (URI %v) DigestValue %x matches no fragment digest", i, ref.URI, ref.DigestValue)
			continue
		}
		matched[hit] = true
	}
	again, err := AppendEncodeXMLDSigFragment(nil, &si)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(again, data) {
		t.Errorf("SignedInfo re-encoded = %x, want %x", again, data)
	}
	// Encoded with the ISO-2 fragment grammar instead, SignedInfo gives other bytes: the classic mistake.
	wrong, err := AppendEncodeFragment(nil, &Fragment{SignedInfo: si.SignedInfo})
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(wrong, data) {
		t.Error("SignedInfo with the ISO-2 fragment grammar equals the xmldsig encoding")
	}
}
