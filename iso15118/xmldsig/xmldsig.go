// Package xmldsig owns the message signatures of ISO 15118-2 and ISO
// 15118-20: XML signatures whose references are digests of EXI fragments.
//
// A Reference's DigestValue is the hash of the signed element encoded as an
// EXI fragment with the message schema set's fragment grammar
// (iso2.AppendEncodeFragment, common.AppendEncodeFragment). The
// SignatureValue is made over SignedInfo encoded as an EXI fragment with the
// xmldsig-core grammar alone (AppendEncodeXMLDSigFragment), and carried raw:
// r‖s for ECDSA, 114 bytes for Ed448 (/work/shared/iso15118/README.md;
// PKI-NOTES §3 [V on the captured signatures]).
//
// ISO-2 uses SHA-256 digests and ECDSA P-256 with SHA-256. ISO-20 uses
// SHA-512 digests with ECDSA P-521/SHA-512 or Ed448 ([V2G20-1000] [S]); the
// Ed448 SignatureMethod URI (RFC 9231's eddsa-ed448) and its SHA-512
// reference digests are not confirmed by a public ISO-20 capture [U].
//
// Rejections are *pki.Error values with pki.ReasonBadSignature (digest or
// signature mismatch, missing or unexpected reference, wrong algorithm) or
// pki.ReasonMalformed (an element that does not encode).
package xmldsig

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/x509"
	"fmt"
	"hash"

	"github.com/cloudflare/circl/sign/ed448"
	"github.com/plugsim/plugsim/pki"
)

// Algorithm URIs used by ISO 15118.
const (
	CanonicalEXI = "http://www.w3.org/TR/canonical-exi/"
	DigestSHA256 = "http://www.w3.org/2001/04/xmlenc#sha256"
	DigestSHA512 = "http://www.w3.org/2001/04/xmlenc#sha512"
	ECDSASHA256  = "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256"
	ECDSASHA512  = "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha512"
	EdDSAEd448   = "http://www.w3.org/2021/04/xmldsig-more#eddsa-ed448" // RFC 9231; ISO-20 use [U]
)

// suite is what one schema set uses.
type suite struct {
	digestURI string
	newHash   func() hash.Hash
}

var (
	suite2  = suite{DigestSHA256, sha256.New}
	suite20 = suite{DigestSHA512, sha512.New}
)

// signatureMethod returns the SignatureMethod URI for a key algorithm.
func signatureMethod(a pki.Algorithm) string {
	switch a {
	case pki.ECDSAP256SHA256:
		return ECDSASHA256
	case pki.ECDSAP521SHA512:
		return ECDSASHA512
	case pki.Ed448:
		return EdDSAEd448
	}
	return ""
}

// methodFor returns the SignatureMethod URI a signer's public key implies.
func methodFor(pub crypto.PublicKey) string {
	switch k := pub.(type) {
	case *ecdsa.PublicKey:
		switch k.Curve {
		case elliptic.P256():
			return ECDSASHA256
		case elliptic.P521():
			return ECDSASHA512
		}
	case ed448.PublicKey:
		return EdDSAEd448
	}
	return ""
}

// badSignature builds the typed rejection.
func badSignature(cert *x509.Certificate, format string, args ...any) error {
	return &pki.Error{Reason: pki.ReasonBadSignature, Cert: cert, Rule: "ISO 15118 message signature over EXI fragments (PKI-NOTES §3)", Detail: fmt.Sprintf(format, args...)}
}

func malformed(err error, what string) error {
	return &pki.Error{Reason: pki.ReasonMalformed, Detail: what, Err: err}
}
