package contractkey

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/ecdh"
	"crypto/ecdsa"
	"crypto/sha512"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/cloudflare/circl/sign/ed448"
	"github.com/plugsim/plugsim/pki"
)

// Curve20 is the ECDHCurve of an ISO 15118-20 SignedInstallationData.
type Curve20 int

// The curves of the ISO-20 XSD's ECDHCurve enumeration.
const (
	SECP521 Curve20 = iota + 1
	X448
)

// String returns the XSD enumeration value.
func (c Curve20) String() string {
	switch c {
	case SECP521:
		return "SECP521"
	case X448:
		return "X448"
	}
	return fmt.Sprintf("Curve20(%d)", int(c))
}

// Sizes of the ISO 15118-20 fields.
const (
	// DHPublicKeySizeSECP521 is the DHPublicKey of ECDHCurve SECP521: an
	// uncompressed P-521 point, 0x04 ‖ X ‖ Y (XSD; [V2G20-2489] NOTE 7).
	DHPublicKeySizeSECP521 = 133
	// DHPublicKeySizeX448 is the DHPublicKey of ECDHCurve X448: 0x04 ‖ the
	// 56-byte X448 key, with no filler up to 133 ([V2G20-2489] NOTE 6 and 7,
	// [V2G20-2495]).
	DHPublicKeySizeX448 = 57
	// SECP521EncryptedKeySize is SECP521_EncryptedPrivateKey: IV(12) ‖
	// ciphertext(66) ‖ tag(16) ([V2G20-2499], XSD).
	SECP521EncryptedKeySize = 94
	// X448EncryptedKeySize is X448_EncryptedPrivateKey: IV(12) ‖
	// ciphertext(56) ‖ tag(16) ([V2G20-2502], XSD).
	X448EncryptedKeySize = 84
)

const (
	gcmNonceSize, gcmTagSize = 12, 16
	uncompressed             = 0x04

	// The requirement texts are quoted from a public copy of ISO 15118-20
	// [S]; none is cross-checked against another implementation, since no
	// public one implements ISO-20 key transport (PKI-NOTES §3).
	ruleKDF20  = "[V2G20-2535] ephemeral-static ECDH, concatenation KDF with SHA-512, AlgorithmID 0x01, U, V, 256-bit key [S]"
	ruleGCM20  = "[V2G20-2497] [V2G20-2500] AES-256-GCM, IV ‖ ciphertext ‖ tag, AAD [V2G20-2492]; [V2G20-2504] reject when decryption fails [S]"
	ruleSize20 = "[V2G20-2489] DHPublicKey 0x04 ‖ key, 133 (SECP521) or 57 (X448) bytes; [V2G20-2499] [V2G20-2502] encrypted key 94 or 84 bytes [S]"
	ruleKey521 = "[V2G20-2678] 7 leading zero bits, [V2G20-2506] [V2G20-2507] a valid P-521 key for the contract certificate [S]"
	ruleKey448 = "[V2G20-2509] [V2G20-2510] a 448-bit scalar below the group order whose multiple of the base point is the contract certificate's key [S]"
	ruleCurve  = "[V2G20-2487] [V2G20-2488] ECDHCurve follows the contract key's curve: SECP521 for P-521, X448 for Ed448 [S]"
)

// Sealed20 is the key material of an ISO 15118-20 SignedInstallationData,
// for a vehicle without a TPM (ISO 15118-20 §7.9.2.5.2, quoted [S]):
//
//   - SECP521: ECDH between an ephemeral P-521 key and the OEM provisioning
//     certificate's P-521 key; the plaintext is the P-521 contract key, 66
//     bytes big-endian.
//   - X448: X448 between an ephemeral X448 key and the X448 key in the OEM
//     provisioning certificate's subjectAltPublicKeyInfo ([V2G20-2534],
//     [pki.AltPublicKeyX448]); the plaintext is the Ed448 contract key as its
//     448-bit secret scalar, 56 bytes big-endian ([V2G20-2500],
//     [V2G20-2501]; see [pki.NewEd448KeyFromScalar]).
//
// Both derive the AES-256-GCM key with the concatenation KDF, SHA-512 and
// OtherInfo 0x01 ‖ "U" ‖ "V" ([V2G20-2535]); the AAD is [AAD20]'s.
type Sealed20 struct {
	Curve               Curve20 // the ECDHCurve element
	DHPublicKey         []byte  // 133 bytes (SECP521) or 57 bytes (X448)
	EncryptedPrivateKey []byte  // IV(12) ‖ ciphertext(66 or 56) ‖ tag(16)
}

// SealISO20 encrypts the contract private key for the vehicle whose OEM
// provisioning certificate is oem. The curve follows the contract key: a
// P-521 key travels as SECP521 to oem's P-521 key, an Ed448 key as X448 to
// oem's alternate X448 key. rand gives the ephemeral key, then the GCM IV.
func SealISO20(rand io.Reader, oem *x509.Certificate, contract *pki.Key, aad []byte) (Sealed20, error) {
	var out Sealed20
	var z, plain []byte
	switch contract.Algorithm() {
	case pki.ECDSAP521SHA512:
		out.Curve = SECP521
		var peer *ecdh.PublicKey
		if pub, ok := oem.PublicKey.(*ecdsa.PublicKey); ok {
			peer, _ = pub.ECDH()
		}
		if peer == nil || peer.Curve() != ecdh.P521() {
			return out, &pki.Error{Reason: pki.ReasonWrongAlgorithm, Cert: oem, Rule: ruleCurve, Detail: "a P-521 contract key needs a P-521 OEM provisioning certificate"}
		}
		eph, err := pki.GenerateKey(pki.ECDSAP521SHA512, rand)
		if err != nil {
			return out, err
		}
		ephDH, err := eph.ECDSA().ECDH()
		if err != nil {
			return out, err
		}
		if z, err = ephDH.ECDH(peer); err != nil {
			return out, err
		}
		out.DHPublicKey = ephDH.PublicKey().Bytes() // 0x04 ‖ X ‖ Y
		if plain, err = contract.ECDSA().Bytes(); err != nil {
			return out, err
		}
	case pki.Ed448:
		out.Curve = X448
		peer, err := pki.AltPublicKeyX448(oem)
		if err != nil {
			return out, err
		}
		eph, err := pki.NewX448Key(rand)
		if err != nil {
			return out, err
		}
		if z, err = eph.Shared(peer); err != nil {
			return out, &pki.Error{Reason: pki.ReasonMalformed, Cert: oem, Rule: ruleKDF20, Detail: "X448 key agreement", Err: err}
		}
		out.DHPublicKey = append([]byte{uncompressed}, eph.Public()...)
		plain = reverse(contract.Ed448Scalar()) // big-endian ([V2G20-2501])
	default:
		return out, fmt.Errorf("contractkey: ISO-20 contract key must be P-521 or Ed448, got %v", contract.Algorithm())
	}
	gcm, err := newGCM(z)
	if err != nil {
		return out, err
	}
	nonce := make([]byte, gcmNonceSize, gcmNonceSize+len(plain)+gcmTagSize)
	if _, err := io.ReadFull(rand, nonce); err != nil {
		return out, err
	}
	out.EncryptedPrivateKey = gcm.Seal(nonce, nonce, plain, aad)
	return out, nil
}

func newGCM(z []byte) (cipher.AEAD, error) {
	block, err := aes.NewCipher(ConcatKDF(sha512.New, z, otherInfo, 32))
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}

// OpenISO20 decrypts s on the vehicle side. oem is the vehicle's OEM
// provisioning credential: its P-521 key opens SECP521, its AltKey opens
// X448. The key must belong to contract. Sizes that differ from the
// standard's and points that are not keys give [pki.ReasonMalformed]; a
// tampered IV, ciphertext, tag or AAD, a key for another vehicle, and a key
// that is not contract's give [pki.ReasonKeyMismatch].
func OpenISO20(oem *pki.Credential, s Sealed20, contract *x509.Certificate, aad []byte) (*pki.Key, error) {
	malformed := func(detail string, err error) error {
		return &pki.Error{Reason: pki.ReasonMalformed, Cert: contract, Rule: ruleSize20, Detail: detail, Err: err}
	}
	var z []byte
	var wantEnc int
	switch s.Curve {
	case SECP521:
		if oem == nil || oem.Key == nil || oem.Key.Algorithm() != pki.ECDSAP521SHA512 {
			return nil, errors.New("contractkey: SECP521 needs the vehicle's P-521 OEM provisioning key")
		}
		if len(s.DHPublicKey) != DHPublicKeySizeSECP521 {
			return nil, malformed(fmt.Sprintf("SECP521 DHPublicKey %d bytes", len(s.DHPublicKey)), nil)
		}
		peer, err := ecdh.P521().NewPublicKey(s.DHPublicKey)
		if err != nil {
			return nil, malformed("SECP521 DHPublicKey", err)
		}
		own, err := oem.Key.ECDSA().ECDH()
		if err != nil {
			return nil, err
		}
		if z, err = own.ECDH(peer); err != nil {
			return nil, malformed("ECDH", err)
		}
		wantEnc = SECP521EncryptedKeySize
	case X448:
		if oem == nil || oem.AltKey == nil {
			return nil, errors.New("contractkey: X448 needs the vehicle's X448 key (the OEM provisioning credential's AltKey)")
		}
		if len(s.DHPublicKey) != DHPublicKeySizeX448 || s.DHPublicKey[0] != uncompressed {
			return nil, malformed(fmt.Sprintf("X448 DHPublicKey %d bytes", len(s.DHPublicKey)), nil)
		}
		var err error
		if z, err = oem.AltKey.Shared(s.DHPublicKey[1:]); err != nil {
			return nil, malformed("X448 DHPublicKey", err)
		}
		wantEnc = X448EncryptedKeySize
	default:
		return nil, fmt.Errorf("contractkey: unknown curve %v", s.Curve)
	}
	if n := len(s.EncryptedPrivateKey); n != wantEnc {
		return nil, malformed(fmt.Sprintf("%v encrypted private key %d bytes, want %d", s.Curve, n, wantEnc), nil)
	}
	gcm, err := newGCM(z)
	if err != nil {
		return nil, err
	}
	plain, err := gcm.Open(nil, s.EncryptedPrivateKey[:gcmNonceSize], s.EncryptedPrivateKey[gcmNonceSize:], aad)
	if err != nil {
		return nil, &pki.Error{Reason: pki.ReasonKeyMismatch, Cert: contract, Rule: ruleGCM20, Detail: "GCM authentication failed", Err: err}
	}
	if s.Curve == SECP521 {
		if plain[0]&0xfe != 0 {
			return nil, &pki.Error{Reason: pki.ReasonKeyMismatch, Cert: contract, Rule: ruleKey521, Detail: "the 7 leading bits are not zero"}
		}
		return checkKey(pki.ECDSAP521SHA512, plain, contract)
	}
	k, err := pki.NewEd448KeyFromScalar(reverse(plain))
	if err != nil {
		return nil, &pki.Error{Reason: pki.ReasonKeyMismatch, Cert: contract, Rule: ruleKey448, Detail: "decrypted value is not an Ed448 scalar", Err: err}
	}
	var want []byte
	if contract != nil {
		p, _ := pki.PublicKey(contract)
		want, _ = p.(ed448.PublicKey)
	}
	if want == nil || !bytes.Equal(k.Public().(ed448.PublicKey), want) {
		return nil, &pki.Error{Reason: pki.ReasonKeyMismatch, Cert: contract, Rule: ruleKey448, Detail: "decrypted key does not match the contract certificate"}
	}
	return k, nil
}

// reverse returns b in the opposite byte order (the standard transports
// big-endian, RFC 8032 scalars are little-endian).
func reverse(b []byte) []byte {
	out := make([]byte, len(b))
	for i, c := range b {
		out[len(b)-1-i] = c
	}
	return out
}

// AAD20 returns the additional authenticated data of the ISO 15118-20
// contract key encryption, [V2G20-2492] [S, the requirement text as quoted
// by a public third-party source]: the PCID of the CertificateInstallationReq
// in capital letters and digits without separators (18 bytes), followed by
// the SubjectKeyIdentifier of the contract certificate as a hexadecimal
// string in capital letters. The requirement counts 18 characters, a PCID
// with its check character; a PCID without one (17 characters, which
// VDE-AR-E 2802-100-1 as cited by OPCP allows, PKI-NOTES §2) is taken as it
// is, since the standard says nothing of padding it [U].
func AAD20(pcid string, contract *x509.Certificate) ([]byte, error) {
	var id []byte
	for i := 0; i < len(pcid); i++ {
		switch c := pcid[i]; {
		case c >= 'a' && c <= 'z':
			id = append(id, c-'a'+'A')
		case c >= 'A' && c <= 'Z' || c >= '0' && c <= '9':
			id = append(id, c)
		case c == '-' || c == ' ':
			// a separator: dropped
		default:
			return nil, fmt.Errorf("contractkey: AAD: PCID %q: character %q", pcid, c)
		}
	}
	if len(id) != 17 && len(id) != 18 {
		return nil, fmt.Errorf("contractkey: AAD: PCID %q: %d characters without separators, want 18 (or 17 without the check character)", pcid, len(id))
	}
	if contract == nil || len(contract.SubjectKeyId) == 0 {
		return nil, errors.New("contractkey: AAD: contract certificate without SubjectKeyIdentifier")
	}
	return append(id, strings.ToUpper(hex.EncodeToString(contract.SubjectKeyId))...), nil
}
