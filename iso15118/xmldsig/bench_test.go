package xmldsig

import (
	"testing"

	"github.com/plugsim/plugsim/pki"
)

// BenchmarkAuthorizationReq2 measures signing (EV) and verifying (SECC) an
// ISO-2 AuthorizationReq: fragment encoding, SHA-256, SignedInfo encoding
// and ECDSA P-256.
func BenchmarkAuthorizationReq2(b *testing.B) {
	h := hierarchy(b, pki.ISO2)
	contract := h.EMSPs[0].Contracts[0]
	challenge := []byte("0123456789abcdef")
	b.Run("sign", func(b *testing.B) {
		for b.Loop() {
			if err := SignMessage2(contract.Key, authReq2(challenge)); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("verify", func(b *testing.B) {
		msg := authReq2(challenge)
		if err := SignMessage2(contract.Key, msg); err != nil {
			b.Fatal(err)
		}
		for b.Loop() {
			if err := VerifyMessage2(msg, contract.Cert); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("verify-captured-0832-4refs", func(b *testing.B) {
		msg := decodeMsg(b, "dsV2Gshark_pcaps/0832_CertificateInstallationRes")
		cps, err := pki.ParseCertificate(msg.Body.CertificateInstallationRes.SAProvisioningCertificateChain.Certificate)
		if err != nil {
			b.Fatal(err)
		}
		for b.Loop() {
			if err := VerifyMessage2(msg, cps); err != nil {
				b.Fatal(err)
			}
		}
	})
}
