package pki

import (
	"crypto/hkdf"
	"crypto/sha512"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"errors"
	"fmt"
	"io"

	"github.com/cloudflare/circl/dh/x448"
	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// The X448 key-agreement key of an ISO 15118-20 vehicle.
//
// An Ed448 key signs and cannot do Diffie-Hellman, so for ECDHCurve "X448"
// the vehicle uses "the private key associated with the Alternate Subject
// Public Key of the OEM provisioning certificate" ([V2G20-2534]; [S], the
// requirement text as quoted by a public copy of ISO 15118-20). The
// certificate profile (Annex B.7.2) is not public [U]; we carry that key in
// the extension X.509 (10/2019) defines for an alternative public key,
// subjectAltPublicKeyInfo (id-ce 72), non-critical so that verifiers that do
// not know it still accept the certificate, holding an RFC 8410 id-X448
// SubjectPublicKeyInfo.

// X448Size is the size of X448 private and public keys (RFC 7748).
const X448Size = x448.Size

// X448Key is an X448 private key (RFC 7748, 56 bytes).
type X448Key [X448Size]byte

var (
	oidX448                     = asn1.ObjectIdentifier{1, 3, 101, 111} // RFC 8410 id-X448
	oidSubjectAltPublicKeyInfo  = asn1.ObjectIdentifier{2, 5, 29, 72}   // X.509 (10/2019) id-ce-subjectAltPublicKeyInfo
	ruleAltPublicKey            = "[V2G20-2534] X448 key agreement with the OEM provisioning certificate's alternate subject public key [S]; its encoding (Annex B.7.2) [U]"
	errNoAltPublicKey           = errors.New("pki: certificate has no X448 subjectAltPublicKeyInfo")
	errMalformedAltPublicKeyExt = errors.New("pki: malformed subjectAltPublicKeyInfo")
)

// NewX448Key draws an X448 private key from rand.
func NewX448Key(rand io.Reader) (X448Key, error) {
	var k X448Key
	if _, err := io.ReadFull(rand, k[:]); err != nil {
		return k, fmt.Errorf("pki: generating X448 key: %w", err)
	}
	return k, nil
}

// DeriveX448Key derives the X448 key named label from seed, like
// [DeriveKey]: HKDF-SHA-512(seed, info = "plugsim/pki/x448/" + label).
func DeriveX448Key(seed []byte, label string) (X448Key, error) {
	var k X448Key
	b, err := hkdf.Key(sha512.New, seed, nil, "plugsim/pki/x448/"+label, X448Size)
	if err != nil {
		return k, err
	}
	copy(k[:], b)
	return k, nil
}

// Public returns the 56-byte X448 public key.
func (k X448Key) Public() []byte {
	var pub, sec x448.Key
	sec = x448.Key(k)
	x448.KeyGen(&pub, &sec)
	return pub[:]
}

// Shared returns the X448 shared secret with peer's 56-byte public key
// (RFC 7748 §6.2), refusing low-order points (an all-zero result).
func (k X448Key) Shared(peer []byte) ([]byte, error) {
	if len(peer) != X448Size {
		return nil, fmt.Errorf("pki: X448 public key is %d bytes, want %d", len(peer), X448Size)
	}
	var shared, sec, p x448.Key
	sec, p = x448.Key(k), x448.Key(peer)
	if !x448.Shared(&shared, &sec, &p) {
		return nil, errors.New("pki: X448 public key of low order")
	}
	return shared[:], nil
}

// MarshalPKCS8 returns the key as RFC 8410 PKCS #8 DER (id-X448, the
// private key in an OCTET STRING).
func (k X448Key) MarshalPKCS8() []byte {
	var b cryptobyte.Builder
	b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
		b.AddASN1Int64(0)
		b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) { b.AddASN1ObjectIdentifier(oidX448) })
		b.AddASN1(cbasn1.OCTET_STRING, func(b *cryptobyte.Builder) { b.AddASN1OctetString(k[:]) })
	})
	return b.BytesOrPanic()
}

// ParseX448PKCS8 parses a key written by [X448Key.MarshalPKCS8].
func ParseX448PKCS8(der []byte) (X448Key, error) {
	var k X448Key
	in := cryptobyte.String(der)
	var seq, alg, inner, raw cryptobyte.String
	var ver int64
	var oid asn1.ObjectIdentifier
	if !in.ReadASN1(&seq, cbasn1.SEQUENCE) || !in.Empty() ||
		!seq.ReadASN1Integer(&ver) || ver != 0 || !seq.ReadASN1(&alg, cbasn1.SEQUENCE) ||
		!alg.ReadASN1ObjectIdentifier(&oid) || !oid.Equal(oidX448) ||
		!seq.ReadASN1(&inner, cbasn1.OCTET_STRING) || !inner.ReadASN1(&raw, cbasn1.OCTET_STRING) ||
		!inner.Empty() || len(raw) != X448Size {
		return k, errors.New("pki: malformed X448 PKCS #8 key")
	}
	copy(k[:], raw)
	return k, nil
}

// altPublicKeyExtension is the subjectAltPublicKeyInfo extension carrying
// the X448 public key pub.
func altPublicKeyExtension(pub []byte) (pkix.Extension, error) {
	if len(pub) != X448Size {
		return pkix.Extension{}, fmt.Errorf("pki: X448 public key is %d bytes, want %d", len(pub), X448Size)
	}
	var b cryptobyte.Builder
	b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
		b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) { b.AddASN1ObjectIdentifier(oidX448) })
		b.AddASN1BitString(pub)
	})
	v, err := b.Bytes()
	return pkix.Extension{Id: oidSubjectAltPublicKeyInfo, Value: v}, err
}

// AltPublicKeyX448 returns the X448 public key of cert's
// subjectAltPublicKeyInfo extension: the key an eMSP encrypts an ISO-20
// contract key to when ECDHCurve is X448 ([V2G20-2534]).
func AltPublicKeyX448(cert *x509.Certificate) ([]byte, error) {
	for _, e := range cert.Extensions {
		if !e.Id.Equal(oidSubjectAltPublicKeyInfo) {
			continue
		}
		in := cryptobyte.String(e.Value)
		var seq, alg cryptobyte.String
		var oid asn1.ObjectIdentifier
		var bits asn1.BitString
		if !in.ReadASN1(&seq, cbasn1.SEQUENCE) || !in.Empty() ||
			!seq.ReadASN1(&alg, cbasn1.SEQUENCE) || !alg.ReadASN1ObjectIdentifier(&oid) || !alg.Empty() ||
			!seq.ReadASN1BitString(&bits) || !seq.Empty() {
			return nil, &Error{Reason: ReasonMalformed, Cert: cert, Rule: ruleAltPublicKey, Err: errMalformedAltPublicKeyExt}
		}
		if !oid.Equal(oidX448) || bits.BitLength != 8*X448Size {
			return nil, &Error{Reason: ReasonMalformed, Cert: cert, Rule: ruleAltPublicKey, Detail: fmt.Sprintf("algorithm %v, %d bits", oid, bits.BitLength), Err: errMalformedAltPublicKeyExt}
		}
		return bits.Bytes, nil
	}
	return nil, &Error{Reason: ReasonWrongAlgorithm, Cert: cert, Rule: ruleAltPublicKey, Err: errNoAltPublicKey}
}
