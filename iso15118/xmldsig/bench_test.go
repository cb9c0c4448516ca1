package xmldsig

import (
	"testing"

	"github.com/plugsim/plugsim/iso15118/iso20/common"
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

// BenchmarkAuthorizationReq20 measures signing and verifying the
// PnC_AReqAuthorizationMode of an ISO-20 AuthorizationReq (it carries the
// contract chain, so the fragment is large).
func BenchmarkAuthorizationReq20(b *testing.B) {
	for _, p := range []pki.Profile{pki.ISO20, pki.ISO20Ed448} {
		h := hierarchy(b, p)
		e := h.EMSPs[0]
		contract := e.Contracts[0]
		doc := func() *common.Document {
			return &common.Document{AuthorizationReq: &common.AuthorizationReqType{
				Header: common.MessageHeaderType{SessionID: []byte{1, 2, 3, 4, 5, 6, 7, 8}},
				PnC_AReqAuthorizationMode: &common.PnC_AReqAuthorizationModeType{Id: "ID1", GenChallenge: []byte("0123456789abcdef"),
					ContractCertificateChain: common.ContractCertificateChainType{Certificate: contract.Cert.Raw,
						SubCertificates: common.SubCertificatesType{Certificate: [][]byte{e.SubCA2.Cert.Raw, e.SubCA1.Cert.Raw}}}},
			}}
		}
		b.Run(p.String()+"/sign", func(b *testing.B) {
			for b.Loop() {
				if err := SignMessage20(contract.Key, doc()); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(p.String()+"/verify", func(b *testing.B) {
			d := doc()
			if err := SignMessage20(contract.Key, d); err != nil {
				b.Fatal(err)
			}
			for b.Loop() {
				if err := VerifyMessage20(d, contract.Cert); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
