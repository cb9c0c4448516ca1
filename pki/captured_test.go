package pki_test

import (
	"crypto"
	"crypto/x509"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/plugsim/plugsim/internal/sharedtest"
	"github.com/plugsim/plugsim/iso15118/iso2"
	"github.com/plugsim/plugsim/pki"
	"github.com/plugsim/plugsim/pki/revocation"
)

// sharedVectors returns the shared vectors directory (see sharedtest).
func sharedVectors(t *testing.T) string {
	t.Helper()
	return sharedtest.Path(t, "iso15118", "vectors")
}

func capturedMessage(t *testing.T, name string) *iso2.V2G_Message {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(sharedVectors(t), "dsV2Gshark_pcaps", name+".hex"))
	if err != nil {
		t.Fatal(err)
	}
	data, err := hex.DecodeString(strings.TrimSpace(strings.SplitN(string(b), "\n", 2)[0]))
	if err != nil {
		t.Fatal(err)
	}
	var d iso2.Document
	if err := iso2.Decode(data, &d); err != nil || d.V2G_Message == nil {
		t.Fatalf("%s: %v", name, err)
	}
	return d.V2G_Message
}

func chainOf(t *testing.T, c iso2.CertificateChainType) []*x509.Certificate {
	t.Helper()
	raws := [][]byte{c.Certificate}
	if c.SubCertificates != nil {
		raws = append(raws, c.SubCertificates.Certificate...)
	}
	var out []*x509.Certificate
	for _, r := range raws {
		x, err := pki.ParseCertificate(r)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, x)
	}
	return out
}

// TestCapturedChains runs the ISO-2 profile checks on certificates made by
// another PKI: the contract and CPS chains of the dSPACE captures (leaf,
// Sub-CA 2, Sub-CA 1; the roots are not in the captures, so Sub-CA 1 is
// the trust anchor). It also computes OCPP hash data for them.
func TestCapturedChains(t *testing.T) {
	pd := capturedMessage(t, "0782_PaymentDetailsReq").Body.PaymentDetailsReq
	res := capturedMessage(t, "0832_CertificateInstallationRes").Body.CertificateInstallationRes
	tests := []struct {
		name  string
		chain []*x509.Certificate
		role  pki.Role
	}{
		{"contract chain of PaymentDetailsReq", chainOf(t, pd.ContractSignatureCertChain), pki.RoleContract},
		{"contract chain of CertificateInstallationRes", chainOf(t, res.ContractSignatureCertChain), pki.RoleContract},
		{"CPS chain of CertificateInstallationRes", chainOf(t, res.SAProvisioningCertificateChain), pki.RoleCPS},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if len(tt.chain) != 3 {
				t.Fatalf("%d certificates, want leaf + 2 sub-CAs", len(tt.chain))
			}
			leaf, sub2, sub1 := tt.chain[0], tt.chain[1], tt.chain[2]
			at := leaf.NotBefore.Add(24 * time.Hour)
			got, err := pki.Verify(leaf, pki.VerifyOptions{Profile: pki.ISO2, Roots: pki.NewTrustStore(sub1), Intermediates: []*x509.Certificate{sub2}, At: at, Role: tt.role})
			if err != nil {
				t.Fatalf("Verify = %v", err)
			}
			if len(got) != 3 {
				t.Errorf("chain length %d", len(got))
			}
			if r := pki.ClassifyRole(leaf); r != tt.role {
				t.Errorf("ClassifyRole(leaf) = %v, want %v", r, tt.role)
			}
			if r := pki.ClassifyRole(sub2); r != pki.RoleMOSubCA2 && r != pki.RoleCPSSubCA2 {
				t.Errorf("ClassifyRole(Sub-CA 2) = %v", r)
			}
			if _, err := revocation.HashData(leaf, sub2, crypto.SHA256); err != nil {
				t.Errorf("HashData: %v", err)
			}
			// The same chain is rejected under the ISO-20 profile.
			if _, err := pki.Verify(leaf, pki.VerifyOptions{Profile: pki.ISO20, Roots: pki.NewTrustStore(sub1), Intermediates: []*x509.Certificate{sub2}, At: at, Role: tt.role}); err == nil {
				t.Error("a P-256 capture chain verified under the ISO-20 profile")
			}
		})
	}
	if cn := chainOf(t, pd.ContractSignatureCertChain)[0].Subject.CommonName; cn != "DEABC123456789Y" || !strings.EqualFold(pd.EMAID, cn) {
		t.Errorf("captured contract CN %q, eMAID %q", cn, pd.EMAID)
	}
}
