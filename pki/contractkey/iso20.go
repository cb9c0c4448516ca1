package contractkey

import (
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

	"github.com/cloudflare/circl/dh/x448"
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

// Sizes of the ISO 15118-20 fields (XSD iso20 CommonMessages [V]).
const (
	DHPublicKeySize20       = 133 // DHPublicKey: an uncompressed P-521 point
	SECP521EncryptedKeySize = 94  // SECP521_EncryptedPrivateKey: 12 + 66 + 16
	X448EncryptedKeySize    = 84  // X448_EncryptedPrivateKey: 12 + 56 + 16
)

const (
	x448PublicKeySize          = x448.Size
	gcmNonceSize, gcmTagSize   = 12, 16
	ed448ContractKeyPlaintext  = ed448.SeedSize
	p521ContractKeyPlaintext   = 66
	x448EncryptedKeyForEd448Sz = gcmNonceSize + ed448ContractKeyPlaintext + gcmTagSize

	ruleISO20     = "[V2G20-2497..2499] AES-256-GCM, IV ‖ C ‖ tag [S, unverified third party]; KDF hash, FixedInfo and AAD [U]"
	ruleISO20Size = "ISO-20 XSD: SECP521_EncryptedPrivateKey 94, X448_EncryptedPrivateKey 84, DHPublicKey 133 bytes [V]"
)

// Sealed20 is the key material of an ISO 15118-20 SignedInstallationData.
//
// What the public sources leave open ([U] in PKI-NOTES §3) is settled here
// as follows, so that both sides of the simulator agree: the KDF is the
// concatenation KDF with SHA-512 and the ISO-2 OtherInfo, giving a 32-byte
// AES-256 key; the AAD is the caller's ([AAD20] builds the one
// [V2G20-2492] prescribes: PCID ‖ SKI); the X448 DHPublicKey is the raw 56-byte key (how it
// fills the fixed 133-byte field is [U]). The plaintext is the contract key:
// a P-521 scalar (66 bytes, so 94 bytes sealed, as the XSD says) or an Ed448
// seed (57 bytes, so 85 bytes sealed: one more than the XSD's 84 for X448,
// which suggests a 56-byte key format we cannot confirm [U]).
type Sealed20 struct {
	Curve               Curve20 // the ECDHCurve element
	DHPublicKey         []byte  // 133 bytes (SECP521) or 56 bytes (X448)
	EncryptedPrivateKey []byte  // IV(12) ‖ ciphertext ‖ tag(16)
}

// X448Key is an X448 private key (RFC 7748).
type X448Key [x448.Size]byte

// NewX448Key draws an X448 private key from rand.
func NewX448Key(rand io.Reader) (X448Key, error) {
	var k X448Key
	_, err := io.ReadFull(rand, k[:])
	return k, err
}

// Public returns the X448 public key.
func (k X448Key) Public() []byte {
	var pub, sec x448.Key
	sec = x448.Key(k)
	x448.KeyGen(&pub, &sec)
	return pub[:]
}

// SealISO20 encrypts the contract private key for the vehicle. For SECP521
// recipient is the P-521 *ecdsa.PublicKey of the OEM provisioning (or old
// contract) certificate; for X448 it is the vehicle's 56-byte X448 public
// key. rand gives the ephemeral key, then the GCM nonce.
func SealISO20(rand io.Reader, curve Curve20, recipient any, contract *pki.Key, aad []byte) (Sealed20, error) {
	var plain []byte
	switch contract.Algorithm() {
	case pki.ECDSAP521SHA512:
		b, err := contract.ECDSA().Bytes()
		if err != nil {
			return Sealed20{}, err
		}
		plain = b
	case pki.Ed448:
		plain = contract.Ed448().Seed()
	default:
		return Sealed20{}, fmt.Errorf("contractkey: ISO-20 contract key must be P-521 or Ed448, got %v", contract.Algorithm())
	}
	var z, dhPub []byte
	switch curve {
	case SECP521:
		pub, ok := recipient.(*ecdsa.PublicKey)
		if !ok {
			return Sealed20{}, fmt.Errorf("contractkey: SECP521 recipient must be *ecdsa.PublicKey, got %T", recipient)
		}
		peer, err := pub.ECDH()
		if err != nil || peer.Curve() != ecdh.P521() {
			return Sealed20{}, errors.New("contractkey: SECP521 recipient must be a P-521 key")
		}
		eph, err := pki.GenerateKey(pki.ECDSAP521SHA512, rand)
		if err != nil {
			return Sealed20{}, err
		}
		ephDH, err := eph.ECDSA().ECDH()
		if err != nil {
			return Sealed20{}, err
		}
		if z, err = ephDH.ECDH(peer); err != nil {
			return Sealed20{}, err
		}
		dhPub = ephDH.PublicKey().Bytes()
	case X448:
		pub, ok := recipient.([]byte)
		if !ok || len(pub) != x448PublicKeySize {
			return Sealed20{}, errors.New("contractkey: X448 recipient must be a 56-byte public key")
		}
		eph, err := NewX448Key(rand)
		if err != nil {
			return Sealed20{}, err
		}
		var shared, sec, peer x448.Key
		sec, peer = x448.Key(eph), x448.Key(pub)
		if !x448.Shared(&shared, &sec, &peer) {
			return Sealed20{}, errors.New("contractkey: X448 low-order recipient key")
		}
		z, dhPub = shared[:], eph.Public()
	default:
		return Sealed20{}, fmt.Errorf("contractkey: unknown curve %v", curve)
	}
	gcm, err := newGCM(z)
	if err != nil {
		return Sealed20{}, err
	}
	nonce := make([]byte, gcmNonceSize, gcmNonceSize+len(plain)+gcmTagSize)
	if _, err := io.ReadFull(rand, nonce); err != nil {
		return Sealed20{}, err
	}
	return Sealed20{Curve: curve, DHPublicKey: dhPub, EncryptedPrivateKey: gcm.Seal(nonce, nonce, plain, aad)}, nil
}

func newGCM(z []byte) (cipher.AEAD, error) {
	block, err := aes.NewCipher(ConcatKDF(sha512.New, z, otherInfo, 32))
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}

// OpenISO20 decrypts s. For SECP521 recipient is the vehicle's P-521
// *pki.Key, for X448 its X448Key. A tampered ciphertext, nonce, tag or AAD
// fails GCM authentication; a foreign key fails the certificate match; both
// give [pki.ReasonKeyMismatch].
func OpenISO20(recipient any, s Sealed20, contract *x509.Certificate, aad []byte) (*pki.Key, error) {
	var z []byte
	malformed := func(detail string, err error) error {
		return &pki.Error{Reason: pki.ReasonMalformed, Cert: contract, Rule: ruleISO20Size, Detail: detail, Err: err}
	}
	switch s.Curve {
	case SECP521:
		k, ok := recipient.(*pki.Key)
		if !ok || k.Algorithm() != pki.ECDSAP521SHA512 {
			return nil, errors.New("contractkey: SECP521 recipient must be a P-521 *pki.Key")
		}
		if len(s.DHPublicKey) != DHPublicKeySize20 {
			return nil, malformed(fmt.Sprintf("DHPublicKey %d bytes", len(s.DHPublicKey)), nil)
		}
		peer, err := ecdh.P521().NewPublicKey(s.DHPublicKey)
		if err != nil {
			return nil, malformed("DHPublicKey", err)
		}
		own, err := k.ECDSA().ECDH()
		if err != nil {
			return nil, err
		}
		if z, err = own.ECDH(peer); err != nil {
			return nil, malformed("ECDH", err)
		}
	case X448:
		k, ok := recipient.(X448Key)
		if !ok {
			return nil, errors.New("contractkey: X448 recipient must be an X448Key")
		}
		if len(s.DHPublicKey) != x448PublicKeySize {
			return nil, malformed(fmt.Sprintf("X448 DHPublicKey %d bytes", len(s.DHPublicKey)), nil)
		}
		var shared, sec, peer x448.Key
		sec, peer = x448.Key(k), x448.Key(s.DHPublicKey)
		if !x448.Shared(&shared, &sec, &peer) {
			return nil, malformed("X448 low-order point", nil)
		}
		z = shared[:]
	default:
		return nil, fmt.Errorf("contractkey: unknown curve %v", s.Curve)
	}
	if n := len(s.EncryptedPrivateKey); n != SECP521EncryptedKeySize && n != X448EncryptedKeySize && n != x448EncryptedKeyForEd448Sz {
		return nil, malformed(fmt.Sprintf("encrypted private key %d bytes", n), nil)
	}
	gcm, err := newGCM(z)
	if err != nil {
		return nil, err
	}
	plain, err := gcm.Open(nil, s.EncryptedPrivateKey[:gcmNonceSize], s.EncryptedPrivateKey[gcmNonceSize:], aad)
	if err != nil {
		return nil, &pki.Error{Reason: pki.ReasonKeyMismatch, Cert: contract, Rule: ruleISO20, Detail: "GCM authentication failed", Err: err}
	}
	alg := pki.ECDSAP521SHA512
	if len(plain) == ed448ContractKeyPlaintext {
		alg = pki.Ed448
	} else if len(plain) != p521ContractKeyPlaintext {
		return nil, &pki.Error{Reason: pki.ReasonKeyMismatch, Cert: contract, Rule: ruleISO20, Detail: fmt.Sprintf("%d-byte key", len(plain))}
	}
	return checkKey(alg, plain, contract)
}

// AAD20 returns the additional authenticated data of the ISO 15118-20
// contract key encryption, [V2G20-2492] [S, the requirement text as quoted
// by a public third-party source]: the PCID of the CertificateInstallationReq
// in capital letters and digits without separators (18 bytes), followed by
// the SubjectKeyIdentifier of the contract certificate as a hexadecimal
// string in capital letters.
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
	if len(id) != 18 {
		return nil, fmt.Errorf("contractkey: AAD: PCID %q: %d characters without separators, want 18", pcid, len(id))
	}
	if contract == nil || len(contract.SubjectKeyId) == 0 {
		return nil, errors.New("contractkey: AAD: contract certificate without SubjectKeyIdentifier")
	}
	return append(id, strings.ToUpper(hex.EncodeToString(contract.SubjectKeyId))...), nil
}
