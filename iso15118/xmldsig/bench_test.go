package xmldsig

import (
	"math/rand/v2"
	"testing"

	"github.com/plugsim/plugsim/iso15118/iso2"
	"github.com/plugsim/plugsim/iso15118/iso20/common"
	"github.com/plugsim/plugsim/pki"
	"github.com/plugsim/plugsim/pki/contractkey"
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

// BenchmarkCertificateInstallationRes2 measures a whole ISO-2
// CertificateInstallationRes: "create" is the CPS side (seal the contract
// key for the OEM provisioning key, sign the four elements, EXI-encode the
// message); "receive" is the EV side (decode, verify the CPS chain against
// its V2G root, verify the signature, decrypt and check the key).
func BenchmarkCertificateInstallationRes2(b *testing.B) {
	h := hierarchy(b, pki.ISO2)
	v, e := h.V2G[0], h.EMSPs[0]
	oem, contract := h.OEM.Provisioning[0], e.Contracts[0]
	rnd := rand.NewChaCha8([32]byte{6})
	create := func() []byte {
		sealed, err := contractkey.SealISO2(rnd, &oem.Key.ECDSA().PublicKey, contract.Key)
		if err != nil {
			b.Fatal(err)
		}
		msg := &iso2.V2G_Message{Header: iso2.MessageHeaderType{SessionID: []byte{1, 2, 3, 4, 5, 6, 7, 8}}, Body: iso2.BodyType{CertificateInstallationRes: &iso2.CertificateInstallationResType{
			SAProvisioningCertificateChain: iso2.CertificateChainType{Certificate: v.CPS.Cert.Raw,
				SubCertificates: &iso2.SubCertificatesType{Certificate: [][]byte{v.CPSSubCA2.Cert.Raw, v.CPSSubCA1.Cert.Raw}}},
			ContractSignatureCertChain: iso2.CertificateChainType{Id: ptr("ID1"), Certificate: contract.Cert.Raw,
				SubCertificates: &iso2.SubCertificatesType{Certificate: [][]byte{e.SubCA2.Cert.Raw, e.SubCA1.Cert.Raw}}},
			ContractSignatureEncryptedPrivateKey: iso2.ContractSignatureEncryptedPrivateKeyType{Id: "ID2", Value: sealed.EncryptedPrivateKey},
			DHpublickey:                          iso2.DiffieHellmanPublickeyType{Id: "ID3", Value: sealed.DHPublicKey},
			EMAID:                                iso2.EMAIDType{Id: "ID4", Value: contract.Cert.Subject.CommonName},
		}}}
		if err := SignMessage2(v.CPS.Key, msg); err != nil {
			b.Fatal(err)
		}
		wire, err := iso2.AppendEncode(nil, &iso2.Document{V2G_Message: msg})
		if err != nil {
			b.Fatal(err)
		}
		return wire
	}
	b.Run("create", func(b *testing.B) {
		for b.Loop() {
			create()
		}
	})
	b.Run("receive", func(b *testing.B) {
		wire := create()
		roots := pki.NewTrustStore(v.Root.Cert)
		for b.Loop() {
			var d iso2.Document
			if err := iso2.Decode(wire, &d); err != nil {
				b.Fatal(err)
			}
			res := d.V2G_Message.Body.CertificateInstallationRes
			cps := verifyCPSChain(b, pki.ISO2, roots, res.SAProvisioningCertificateChain.Certificate, res.SAProvisioningCertificateChain.SubCertificates.Certificate)
			if err := VerifyMessage2(d.V2G_Message, cps); err != nil {
				b.Fatal(err)
			}
			newCert, err := pki.ParseCertificate(res.ContractSignatureCertChain.Certificate)
			if err != nil {
				b.Fatal(err)
			}
			if _, err := contractkey.OpenISO2(oem.Key, contractkey.Sealed2{DHPublicKey: res.DHpublickey.Value, EncryptedPrivateKey: res.ContractSignatureEncryptedPrivateKey.Value}, newCert); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkCertificateInstallationRes20 is the ISO-20 counterpart of
// BenchmarkCertificateInstallationRes2, for the SECP521 (P-521 PKI) and X448
// (Ed448 PKI) key transports.
func BenchmarkCertificateInstallationRes20(b *testing.B) {
	for _, p := range []pki.Profile{pki.ISO20, pki.ISO20Ed448} {
		h := hierarchy(b, p)
		rnd := rand.NewChaCha8([32]byte{6})
		b.Run(p.String()+"/create", func(b *testing.B) {
			for b.Loop() {
				createInstallationRes20(b, h, rnd)
			}
		})
		b.Run(p.String()+"/receive", func(b *testing.B) {
			wire := createInstallationRes20(b, h, rnd)
			roots := pki.NewTrustStore(h.V2G[0].Root.Cert)
			for b.Loop() {
				receiveInstallationRes20(b, h, roots, wire)
			}
		})
	}
}
