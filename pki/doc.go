// Package pki owns the Plug & Charge public key infrastructure of plugsim:
// keys derived deterministically from a seed, certificate profiles for
// ISO 15118-2 (ECDSA P-256 with SHA-256) and ISO 15118-20 (ECDSA P-521 with
// SHA-512, or Ed448), certificate authorities and whole hierarchies (V2G root,
// CPO and CPS sub-CAs, SECC leaves, MO and OEM hierarchies with contract and
// provisioning certificates, OCPP security profile 3 certificates), trust
// stores with several roots, chain verification at a caller-given time with
// typed reasons ([Error], [Reason]) and the pure Plug & Charge authorization
// check ([CheckAuthorization]).
//
// The package never reads the wall clock: every time comes from the caller
// (the simulator's clock). Revocation (OCSP, CRL) lives in pki/revocation,
// contract key transport in pki/contractkey, identifiers in pki/ident, the
// on-disk layout in pki/pkidir and the ISO 15118 TLS configurations in
// pki/v2gtls.
//
// Requirement ids in comments follow /work/shared/iso15118/PKI-NOTES.md:
// [V] checked against data, [S] stated by a cited source only, [U] not
// verifiable without the ISO text.
//
// # Ed448
//
// crypto/x509 can neither sign nor verify Ed448 certificates. This package
// builds them itself: it lets x509.CreateCertificate encode the
// TBSCertificate (names, validity, extensions) with a throw-away P-256 key,
// then rewrites the TBSCertificate with golang.org/x/crypto/cryptobyte so that
// its signature algorithm and SubjectPublicKeyInfo say id-Ed448 (RFC 8410),
// signs it with circl's Ed448 (pure, empty context) and wraps it in a
// Certificate SEQUENCE. x509.ParseCertificate still parses the result (with an
// unknown algorithm), and [CheckSignature] verifies Ed448 signatures.
//
// Two ISO 15118-20 needs are served here too. An Ed448 contract key arrives
// in a CertificateInstallationRes as its 448-bit secret scalar, not as an
// RFC 8032 seed: [NewEd448KeyFromScalar] makes a signing key of it. And an
// Ed448 key cannot do Diffie-Hellman, so an Ed448 OEM provisioning
// certificate carries the vehicle's X448 key ([X448Key]) as its alternate
// public key ([AltPublicKeyX448]).
package pki
