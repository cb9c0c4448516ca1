package pki

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/x509"
	"fmt"
)

// Algorithm is a key and signature algorithm used by a certificate profile.
type Algorithm int

// The algorithms of ISO 15118-2 and ISO 15118-20 (PKI-NOTES §1).
const (
	ECDSAP256SHA256 Algorithm = iota + 1 // ISO 15118-2: secp256r1, ecdsa-with-SHA256
	ECDSAP521SHA512                      // ISO 15118-20: secp521r1, ecdsa-with-SHA512
	Ed448                                // ISO 15118-20 alternative: Ed448 (RFC 8410)
)

// String returns the algorithm's name.
func (a Algorithm) String() string {
	switch a {
	case ECDSAP256SHA256:
		return "ECDSA-P256-SHA256"
	case ECDSAP521SHA512:
		return "ECDSA-P521-SHA512"
	case Ed448:
		return "Ed448"
	}
	return fmt.Sprintf("Algorithm(%d)", int(a))
}

// curve returns the elliptic curve of an ECDSA algorithm, nil for Ed448.
func (a Algorithm) curve() elliptic.Curve {
	switch a {
	case ECDSAP256SHA256:
		return elliptic.P256()
	case ECDSAP521SHA512:
		return elliptic.P521()
	}
	return nil
}

func (a Algorithm) x509SignatureAlgorithm() x509.SignatureAlgorithm {
	switch a {
	case ECDSAP256SHA256:
		return x509.ECDSAWithSHA256
	case ECDSAP521SHA512:
		return x509.ECDSAWithSHA512
	}
	return x509.UnknownSignatureAlgorithm
}

// Profile is a certificate profile: the algorithm and size limits a
// hierarchy follows.
type Profile int

// The profiles.
const (
	ISO2       Profile = iota + 1 // ISO 15118-2: P-256, certificate ≤ 800 bytes
	ISO20                         // ISO 15118-20 with secp521r1 and SHA-512
	ISO20Ed448                    // ISO 15118-20 with Ed448
)

// ParseProfile parses "iso2", "iso20" or "iso20-ed448".
func ParseProfile(s string) (Profile, error) {
	switch s {
	case "iso2":
		return ISO2, nil
	case "iso20":
		return ISO20, nil
	case "iso20-ed448":
		return ISO20Ed448, nil
	}
	return 0, fmt.Errorf("pki: unknown profile %q (want iso2, iso20 or iso20-ed448)", s)
}

// String returns the name ParseProfile accepts.
func (p Profile) String() string {
	switch p {
	case ISO2:
		return "iso2"
	case ISO20:
		return "iso20"
	case ISO20Ed448:
		return "iso20-ed448"
	}
	return fmt.Sprintf("Profile(%d)", int(p))
}

// Algorithm returns the profile's key and signature algorithm.
func (p Profile) Algorithm() Algorithm {
	switch p {
	case ISO20:
		return ECDSAP521SHA512
	case ISO20Ed448:
		return Ed448
	}
	return ECDSAP256SHA256
}

// MaxCertificateSize returns the largest DER certificate the profile's
// messages carry: certificateType ≤ 800 bytes in ISO-2, ≤ 1600 in ISO-20
// (XSD, PKI-NOTES §1 [V]).
func (p Profile) MaxCertificateSize() int {
	if p == ISO2 {
		return 800
	}
	return 1600
}

// MaxSubCAs returns how many sub-CA certificates a chain may carry between
// leaf and root: the ISO-2 XSD allows 4 SubCertificates but validators accept
// at most 2 (ECOG verify_certs, RISE-SU verifyCertificateChain [S]); ISO-20
// allows at most 3 SubCertificates (XSD iso20 [V]).
func (p Profile) MaxSubCAs() int {
	if p == ISO2 {
		return 2
	}
	return 3
}

// algorithmOf returns the algorithm of a parsed certificate's public key, or
// 0 when it is none of ours.
func algorithmOf(c *x509.Certificate) Algorithm {
	switch pub := c.PublicKey.(type) {
	case *ecdsa.PublicKey:
		switch pub.Curve {
		case elliptic.P256():
			return ECDSAP256SHA256
		case elliptic.P521():
			return ECDSAP521SHA512
		}
		return 0
	}
	if c.PublicKeyAlgorithm == x509.UnknownPublicKeyAlgorithm {
		if _, err := ed448PublicKey(c.RawSubjectPublicKeyInfo); err == nil {
			return Ed448
		}
	}
	return 0
}

// signatureAlgorithmOf returns the algorithm a certificate was signed with,
// or 0 when it is none of ours.
func signatureAlgorithmOf(c *x509.Certificate) Algorithm {
	switch c.SignatureAlgorithm {
	case x509.ECDSAWithSHA256:
		return ECDSAP256SHA256
	case x509.ECDSAWithSHA512:
		return ECDSAP521SHA512
	case x509.UnknownSignatureAlgorithm:
		if isEd448SignatureAlgorithm(c.Raw) {
			return Ed448
		}
	}
	return 0
}
