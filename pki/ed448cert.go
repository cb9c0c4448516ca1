package pki

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/x509"
	"encoding/asn1"
	"errors"
	"fmt"

	"github.com/cloudflare/circl/sign/ed448"
	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// throwawayKey signs the throw-away TBSCertificate x509.CreateCertificate
// encodes for an Ed448 certificate; its signature is discarded. It is a
// fixed, public P-256 key (scalar 1): nothing it signs leaves this file.
func throwawayKey() *ecdsa.PrivateKey {
	one := make([]byte, 32)
	one[31] = 1
	k, err := ecdsa.ParseRawPrivateKey(elliptic.P256(), one)
	if err != nil {
		panic("pki: throw-away key: " + err.Error()) // cannot happen: 1 < n
	}
	return k
}

// ed448SPKI returns the SubjectPublicKeyInfo of an Ed448 key (RFC 8410 §4).
func ed448SPKI(pub ed448.PublicKey) []byte {
	var b cryptobyte.Builder
	b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
		b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) { b.AddASN1ObjectIdentifier(oidEd448) })
		b.AddASN1BitString(pub)
	})
	return b.BytesOrPanic()
}

// ed448PublicKey parses an Ed448 SubjectPublicKeyInfo.
func ed448PublicKey(spki []byte) (ed448.PublicKey, error) {
	in := cryptobyte.String(spki)
	var seq, alg cryptobyte.String
	var oid asn1.ObjectIdentifier
	var bits asn1.BitString
	if !in.ReadASN1(&seq, cbasn1.SEQUENCE) || !seq.ReadASN1(&alg, cbasn1.SEQUENCE) ||
		!alg.ReadASN1ObjectIdentifier(&oid) || !oid.Equal(oidEd448) || !alg.Empty() ||
		!seq.ReadASN1BitString(&bits) || bits.BitLength != 8*ed448.PublicKeySize {
		return nil, errors.New("pki: not an Ed448 public key")
	}
	return ed448.PublicKey(bits.Bytes), nil
}

// isEd448SignatureAlgorithm reports whether a DER certificate's outer
// signatureAlgorithm is id-Ed448.
func isEd448SignatureAlgorithm(certDER []byte) bool {
	in := cryptobyte.String(certDER)
	var cert, alg cryptobyte.String
	var oid asn1.ObjectIdentifier
	return in.ReadASN1(&cert, cbasn1.SEQUENCE) && cert.SkipASN1(cbasn1.SEQUENCE) &&
		cert.ReadASN1(&alg, cbasn1.SEQUENCE) && alg.ReadASN1ObjectIdentifier(&oid) && oid.Equal(oidEd448)
}

// createEd448Signed makes a certificate signed with an Ed448 issuer key. The
// subject key pub is an Ed448 or ECDSA public key. The template must carry
// SubjectKeyId (Go would derive it from the throw-away key otherwise).
func createEd448Signed(template, parent *x509.Certificate, pub any, issuer *Key) ([]byte, error) {
	ph := throwawayKey()
	p := *parent
	p.PublicKey = nil // skip x509's parent key check: the real signer is Ed448
	t := *template
	t.SignatureAlgorithm = x509.ECDSAWithSHA256
	var spki []byte
	switch k := pub.(type) {
	case ed448.PublicKey:
		spki = ed448SPKI(k)
	default:
		var err error
		if spki, err = x509.MarshalPKIXPublicKey(pub); err != nil {
			return nil, fmt.Errorf("pki: Ed448-signed certificate: %w", err)
		}
	}
	der, err := x509.CreateCertificate(nil, &t, &p, &ph.PublicKey, ph)
	if err != nil {
		return nil, err
	}
	tbs, err := rewriteTBS(der, spki)
	if err != nil {
		return nil, err
	}
	return signEd448(issuer, tbs)
}

// signEd448 signs a DER to-be-signed structure (TBSCertificate,
// TBSCertList) with an Ed448 key and returns the signed structure:
// SEQUENCE { tbs, AlgorithmIdentifier id-Ed448, BIT STRING signature }
// (RFC 5280 §4.1.1, §5.1.1; RFC 8410 §6).
func signEd448(key *Key, tbs []byte) ([]byte, error) {
	sig := key.edSign(tbs)
	var b cryptobyte.Builder
	b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
		b.AddBytes(tbs)
		b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) { b.AddASN1ObjectIdentifier(oidEd448) })
		b.AddASN1BitString(sig)
	})
	return b.Bytes()
}

// rewriteTBS takes a DER certificate and returns its TBSCertificate with the
// signature AlgorithmIdentifier set to id-Ed448 and the
// SubjectPublicKeyInfo replaced by spki.
func rewriteTBS(certDER, spki []byte) ([]byte, error) {
	in := cryptobyte.String(certDER)
	var cert, tbs cryptobyte.String
	if !in.ReadASN1(&cert, cbasn1.SEQUENCE) || !cert.ReadASN1(&tbs, cbasn1.SEQUENCE) {
		return nil, errors.New("pki: rewriting TBSCertificate: malformed certificate")
	}
	var version, serial, sigAlg, issuer, validity, subject, oldSPKI cryptobyte.String
	var vTag, sTag cbasn1.Tag
	if !tbs.ReadAnyASN1Element(&version, &vTag) || vTag != cbasn1.Tag(0).Constructed().ContextSpecific() ||
		!tbs.ReadAnyASN1Element(&serial, &sTag) || sTag != cbasn1.INTEGER ||
		!tbs.ReadASN1Element(&sigAlg, cbasn1.SEQUENCE) ||
		!tbs.ReadASN1Element(&issuer, cbasn1.SEQUENCE) ||
		!tbs.ReadASN1Element(&validity, cbasn1.SEQUENCE) ||
		!tbs.ReadASN1Element(&subject, cbasn1.SEQUENCE) ||
		!tbs.ReadASN1Element(&oldSPKI, cbasn1.SEQUENCE) {
		return nil, errors.New("pki: rewriting TBSCertificate: unexpected layout")
	}
	var b cryptobyte.Builder
	b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
		b.AddBytes(version)
		b.AddBytes(serial)
		b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) { b.AddASN1ObjectIdentifier(oidEd448) })
		b.AddBytes(issuer)
		b.AddBytes(validity)
		b.AddBytes(subject)
		b.AddBytes(spki)
		b.AddBytes(tbs) // the rest: extensions
	})
	return b.Bytes()
}
