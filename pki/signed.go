package pki

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/x509"
	"encoding/asn1"
	"errors"
	"fmt"
	"math/big"
	"slices"

	"github.com/cloudflare/circl/sign/ed448"
	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// Signature algorithm identifiers (RFC 5758 §3.2, RFC 8410 §3).
var (
	oidSignatureECDSAWithSHA256 = asn1.ObjectIdentifier{1, 2, 840, 10045, 4, 3, 2}
	oidSignatureECDSAWithSHA384 = asn1.ObjectIdentifier{1, 2, 840, 10045, 4, 3, 3}
	oidSignatureECDSAWithSHA512 = asn1.ObjectIdentifier{1, 2, 840, 10045, 4, 3, 4}
)

// SignatureOID returns the signature algorithm identifier k signs with in
// certificates, CRLs and OCSP responses (ecdsa-with-SHA256,
// ecdsa-with-SHA512 or id-Ed448), a fresh copy.
func (k *Key) SignatureOID() asn1.ObjectIdentifier {
	switch k.alg {
	case ECDSAP256SHA256:
		return slices.Clone(oidSignatureECDSAWithSHA256)
	case ECDSAP521SHA512:
		return slices.Clone(oidSignatureECDSAWithSHA512)
	}
	return slices.Clone(oidEd448)
}

// SignDER signs message for an X.509-style structure: ECDSA over the hash
// of the key's algorithm, ASN.1 DER signature; Ed448 over the message.
func (k *Key) SignDER(message []byte) ([]byte, error) {
	if k.ec == nil {
		return k.edSign(message), nil
	}
	h := hashFor(k.alg).New()
	h.Write(message)
	return k.ec.Sign(nil, h.Sum(nil), hashFor(k.alg))
}

// CheckSignedBy verifies an X.509-style signature (certificate, CRL, OCSP
// response) made by signer's key over signed, with the algorithm named by
// oid. It accepts ecdsa-with-SHA256/384/512 and Ed448.
func CheckSignedBy(signer *x509.Certificate, oid asn1.ObjectIdentifier, signed, sig []byte) error {
	if oid.Equal(oidEd448) {
		pub, err := ed448PublicKey(signer.RawSubjectPublicKeyInfo)
		if err != nil {
			return err
		}
		if !ed448.Verify(pub, signed, sig, "") {
			return errors.New("pki: Ed448 signature does not verify")
		}
		return nil
	}
	var h crypto.Hash
	switch {
	case oid.Equal(oidSignatureECDSAWithSHA256):
		h = crypto.SHA256
	case oid.Equal(oidSignatureECDSAWithSHA384):
		h = crypto.SHA384
	case oid.Equal(oidSignatureECDSAWithSHA512):
		h = crypto.SHA512
	default:
		return fmt.Errorf("pki: unsupported signature algorithm %v", oid)
	}
	pub, ok := signer.PublicKey.(*ecdsa.PublicKey)
	if !ok {
		return fmt.Errorf("pki: signer key %T is not ECDSA", signer.PublicKey)
	}
	d := h.New()
	d.Write(signed)
	if !ecdsa.VerifyASN1(pub, d.Sum(nil), sig) {
		return errors.New("pki: ECDSA signature does not verify")
	}
	return nil
}

// CreateCRL makes a CRL signed by ca, through x509.CreateRevocationList for
// ECDSA and, for an Ed448 CA, by rewriting the signature algorithm of the
// TBSCertList x509 encodes and signing it with Ed448 (see the package
// comment). ThisUpdate and NextUpdate come from the caller.
func (ca *CA) CreateCRL(t x509.RevocationList) ([]byte, error) {
	if t.ThisUpdate.IsZero() || t.NextUpdate.IsZero() {
		return nil, errors.New("pki: CreateCRL: ThisUpdate and NextUpdate are required")
	}
	if t.Number == nil {
		t.Number = big.NewInt(1)
	}
	if ca.Key.Algorithm() != Ed448 {
		t.SignatureAlgorithm = ca.Key.Algorithm().x509SignatureAlgorithm()
		der, err := x509.CreateRevocationList(nil, &t, ca.Cert, ca.Key)
		if err != nil {
			return nil, fmt.Errorf("pki: creating CRL: %w", err)
		}
		return der, nil
	}
	t.SignatureAlgorithm = x509.ECDSAWithSHA256
	der, err := x509.CreateRevocationList(nil, &t, ca.Cert, throwawayKey())
	if err != nil {
		return nil, fmt.Errorf("pki: creating CRL: %w", err)
	}
	in := cryptobyte.String(der)
	var crl, tbs, version, sigAlg cryptobyte.String
	if !in.ReadASN1(&crl, cbasn1.SEQUENCE) || !crl.ReadASN1(&tbs, cbasn1.SEQUENCE) ||
		!tbs.ReadASN1Element(&version, cbasn1.INTEGER) || !tbs.ReadASN1Element(&sigAlg, cbasn1.SEQUENCE) {
		return nil, errors.New("pki: creating CRL: unexpected TBSCertList layout")
	}
	var b cryptobyte.Builder
	b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
		b.AddBytes(version)
		b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) { b.AddASN1ObjectIdentifier(oidEd448) })
		b.AddBytes(tbs)
	})
	newTBS, err := b.Bytes()
	if err != nil {
		return nil, err
	}
	return signEd448(ca.Key, newTBS)
}

// CheckCRLSignature verifies that issuer signed crl (ECDSA or Ed448).
func CheckCRLSignature(crl *x509.RevocationList, issuer *x509.Certificate) error {
	in := cryptobyte.String(crl.Raw)
	var outer, alg cryptobyte.String
	var oid asn1.ObjectIdentifier
	if !in.ReadASN1(&outer, cbasn1.SEQUENCE) || !outer.SkipASN1(cbasn1.SEQUENCE) ||
		!outer.ReadASN1(&alg, cbasn1.SEQUENCE) || !alg.ReadASN1ObjectIdentifier(&oid) {
		return errors.New("pki: malformed CRL")
	}
	return CheckSignedBy(issuer, oid, crl.RawTBSRevocationList, crl.Signature)
}

// PublicKey returns a certificate's public key: *ecdsa.PublicKey as x509
// parsed it, or the ed448.PublicKey x509 cannot parse.
func PublicKey(c *x509.Certificate) (crypto.PublicKey, error) {
	if c.PublicKey != nil {
		return c.PublicKey, nil
	}
	return ed448PublicKey(c.RawSubjectPublicKeyInfo)
}
