package iso2

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/sha256"
	"crypto/x509"
	"math/big"
	"strings"
	"testing"
)

// signedElements returns the fragments that a message's Reference URIs can point to, by Id.
func signedElements(b *BodyType) map[string]*Fragment {
	out := map[string]*Fragment{}
	add := func(id *string, f *Fragment) {
		if id != nil {
			out[*id] = f
		}
	}
	if r := b.AuthorizationReq; r != nil {
		add(r.Id, &Fragment{AuthorizationReq: r})
	}
	if r := b.MeteringReceiptReq; r != nil {
		add(r.Id, &Fragment{MeteringReceiptReq: r})
	}
	if r := b.CertificateInstallationReq; r != nil {
		add(&r.Id, &Fragment{CertificateInstallationReq: r})
	}
	if r := b.CertificateUpdateReq; r != nil {
		add(&r.Id, &Fragment{CertificateUpdateReq: r})
	}
	chain := func(c *CertificateChainType, k *ContractSignatureEncryptedPrivateKeyType, dh *DiffieHellmanPublickeyType, emaid *EMAIDType) {
		add(c.Id, &Fragment{ContractSignatureCertChain: c})
		add(&k.Id, &Fragment{ContractSignatureEncryptedPrivateKey: k})
		add(&dh.Id, &Fragment{DHpublickey: dh})
		add(&emaid.Id, &Fragment{EMAID: emaid})
	}
	if r := b.CertificateInstallationRes; r != nil {
		chain(&r.ContractSignatureCertChain, &r.ContractSignatureEncryptedPrivateKey, &r.DHpublickey, &r.EMAID)
	}
	if r := b.CertificateUpdateRes; r != nil {
		chain(&r.ContractSignatureCertChain, &r.ContractSignatureEncryptedPrivateKey, &r.DHpublickey, &r.EMAID)
	}
	return out
}

// TestCaptureSignatures checks the XML signatures of the real ISO-2 Plug & Charge captures:
// every DigestValue is the SHA-256 of the referenced element encoded with AppendEncodeFragment
// (ISO 15118-2 [V2G2-771]), and the ECDSA signature over the SignedInfo encoded with
// AppendEncodeXMLDSigFragment verifies with the signer's key where the capture carries it
// (the OEM provisioning certificate, the SA provisioning chain, or a contract certificate sent
// in a PaymentDetailsReq of the same captures).
func TestCaptureSignatures(t *testing.T) {
	vs := loadVectors(t, "iso2", "auto") // "auto": the CertificateInstallationReq the C codec cannot read
	var keys []*ecdsa.PublicKey
	addKey := func(der []byte) {
		if c, err := x509.ParseCertificate(der); err == nil {
			if k, ok := c.PublicKey.(*ecdsa.PublicKey); ok {
				keys = append(keys, k)
			}
		}
	}
	var docs []Document
	for _, v := range vs {
		var d Document
		if err := Decode(v.exi, &d); err != nil {
			t.Fatalf("%s: %v", v.file, err)
		}
		docs = append(docs, d)
		b := &d.V2G_Message.Body
		if b.PaymentDetailsReq != nil {
			addKey(b.PaymentDetailsReq.ContractSignatureCertChain.Certificate)
		}
		if b.CertificateInstallationReq != nil {
			addKey(b.CertificateInstallationReq.OEMProvisioningCert)
		}
		if b.CertificateInstallationRes != nil {
			addKey(b.CertificateInstallationRes.SAProvisioningCertificateChain.Certificate)
		}
	}
	var digests, sigs, signed int
	for i, d := range docs {
		sig := d.V2G_Message.Header.Signature
		if sig == nil {
			continue
		}
		signed++
		elems := signedElements(&d.V2G_Message.Body)
		for _, ref := range sig.SignedInfo.Reference {
			if ref.URI == nil {
				t.Fatalf("%s: Reference without URI", vs[i].file)
			}
			f := elems[strings.TrimPrefix(*ref.URI, "#")]
			if f == nil {
				t.Fatalf("%s: Reference %s points to no signed element", vs[i].file, *ref.URI)
			}
			frag, err := AppendEncodeFragment(nil, f)
			if err != nil {
				t.Fatalf("%s: %v", vs[i].file, err)
			}
			if sum := sha256.Sum256(frag); !bytes.Equal(sum[:], ref.DigestValue) {
				t.Errorf("%s: Reference %s: SHA-256 of our fragment %x, DigestValue %x", vs[i].file, *ref.URI, sum, ref.DigestValue)
				continue
			}
			digests++
		}
		si, err := AppendEncodeXMLDSigFragment(nil, &XMLDSigFragment{SignedInfo: &sig.SignedInfo})
		if err != nil {
			t.Fatal(err)
		}
		h := sha256.Sum256(si)
		rs := sig.SignatureValue.Value
		if len(rs) != 64 {
			t.Errorf("%s: SignatureValue of %d bytes, want 64 (r||s)", vs[i].file, len(rs))
			continue
		}
		r, s := new(big.Int).SetBytes(rs[:32]), new(big.Int).SetBytes(rs[32:])
		for _, k := range keys {
			if ecdsa.Verify(k, h[:], r, s) {
				sigs++
				break
			}
		}
	}
	t.Logf("%d signed messages: %d digests match our fragments, %d signatures verify over our SignedInfo encoding", signed, digests, sigs)
	// Every signer's certificate is in these captures, so every signature must verify.
	if signed == 0 || sigs != signed {
		t.Errorf("%d of %d signatures verify, want all", sigs, signed)
	}
}
