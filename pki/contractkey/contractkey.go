// Package contractkey owns the key transport of contract certificate
// installation and update: the eMSP (through the CPS) seals a fresh contract
// private key for one vehicle, the vehicle opens it. ISO 15118-2
// CertificateInstallationRes/UpdateRes use ECDH on secp256r1, the NIST SP
// 800-56A concatenation KDF and AES-128-CBC ([V2G2-818] [S]); ISO 15118-20
// uses ECDH on secp521r1 or X448, the same KDF with SHA-512 and AES-256-GCM
// ([V2G20-2535], [V2G20-2497], [V2G20-2500] [S]; see [Sealed20]).
//
// Randomness (ephemeral keys, IVs) comes from a reader the caller passes, so
// a seeded simulation is reproducible.
package contractkey

import (
	"crypto"
	"crypto/aes"
	"crypto/cipher"
	"crypto/ecdh"
	"crypto/ecdsa"
	"crypto/sha256"
	"crypto/x509"
	"errors"
	"fmt"
	"hash"
	"io"

	"github.com/plugsim/plugsim/pki"
)

// Sizes of the ISO 15118-2 message fields (XSD, capture 0832 [V]).
const (
	DHPublicKeySize2         = 65 // DHpublickey: 0x04 ‖ X ‖ Y
	EncryptedPrivateKeySize2 = 48 // ContractSignatureEncryptedPrivateKey: IV ‖ C
)

// otherInfo is the KDF's OtherInfo: AlgorithmID 0x01 ‖ PartyUInfo 0x55 ‖
// PartyVInfo 0x56, no SuppPubInfo/SuppPrivInfo (RISE-SU concatKDF, ECOG
// [S], cross-checked in PKI-NOTES §3 [V]).
var otherInfo = []byte{0x01, 0x55, 0x56}

// ConcatKDF is the NIST SP 800-56A single-step concatenation KDF with hash h:
// the first keyLen bytes of H(counter ‖ Z ‖ OtherInfo) for counter = 1, 2, ...
// (big-endian, 32 bits).
func ConcatKDF(h func() hash.Hash, z, info []byte, keyLen int) []byte {
	var out []byte
	for counter := uint32(1); len(out) < keyLen; counter++ {
		d := h()
		d.Write([]byte{byte(counter >> 24), byte(counter >> 16), byte(counter >> 8), byte(counter)})
		d.Write(z)
		d.Write(info)
		out = d.Sum(out)
	}
	return out[:keyLen]
}

// Sealed2 is the key material of an ISO 15118-2 CertificateInstallationRes
// or CertificateUpdateRes.
type Sealed2 struct {
	DHPublicKey         []byte // 65 bytes, uncompressed P-256 point of the ephemeral key
	EncryptedPrivateKey []byte // 48 bytes: IV(16) ‖ AES-128-CBC(32-byte scalar)
}

const ruleKDF2 = "[V2G2-818] ECDH secp256r1, concat KDF SHA-256, AES-128-CBC, IV in front [S]"
const ruleKeyCheck = "[V2G2-823] decrypted key must match the contract certificate (RISE-SU isPrivateKeyValid) [S]"

// SealISO2 encrypts the contract private key for the vehicle whose static
// key is recipient: the OEM provisioning certificate key (installation) or
// the old contract certificate key (update). It draws the ephemeral key and
// then the IV from rand.
func SealISO2(rand io.Reader, recipient *ecdsa.PublicKey, contract *pki.Key) (Sealed2, error) {
	if contract.Algorithm() != pki.ECDSAP256SHA256 {
		return Sealed2{}, fmt.Errorf("contractkey: ISO-2 needs a P-256 contract key, got %v", contract.Algorithm())
	}
	peer, err := recipient.ECDH()
	if err != nil || peer.Curve() != ecdh.P256() {
		return Sealed2{}, errors.New("contractkey: ISO-2 recipient key must be P-256")
	}
	eph, err := pki.GenerateKey(pki.ECDSAP256SHA256, rand)
	if err != nil {
		return Sealed2{}, fmt.Errorf("contractkey: ephemeral key: %w", err)
	}
	ephDH, err := eph.ECDSA().ECDH()
	if err != nil {
		return Sealed2{}, err
	}
	z, err := ephDH.ECDH(peer) // x-coordinate, 32 bytes big-endian
	if err != nil {
		return Sealed2{}, fmt.Errorf("contractkey: ECDH: %w", err)
	}
	k := ConcatKDF(sha256.New, z, otherInfo, 16)
	plain, err := contract.ECDSA().Bytes() // 32 bytes, left-padded (pitfall 10)
	if err != nil {
		return Sealed2{}, err
	}
	out := make([]byte, EncryptedPrivateKeySize2)
	if _, err := io.ReadFull(rand, out[:16]); err != nil {
		return Sealed2{}, fmt.Errorf("contractkey: IV: %w", err)
	}
	block, err := aes.NewCipher(k)
	if err != nil {
		return Sealed2{}, err
	}
	cipher.NewCBCEncrypter(block, out[:16]).CryptBlocks(out[16:], plain) // no padding: 32 bytes
	return Sealed2{DHPublicKey: ephDH.PublicKey().Bytes(), EncryptedPrivateKey: out}, nil
}

// OpenISO2 decrypts s with the vehicle's static key (OEM provisioning or old
// contract key) and checks the result against the new contract certificate
// ([V2G2-823]). CBC is unauthenticated: a tampered or foreign ciphertext
// decrypts to another scalar and fails that check with
// [pki.ReasonKeyMismatch].
func OpenISO2(recipient *pki.Key, s Sealed2, contract *x509.Certificate) (*pki.Key, error) {
	if recipient.Algorithm() != pki.ECDSAP256SHA256 {
		return nil, errors.New("contractkey: ISO-2 recipient key must be P-256")
	}
	if len(s.DHPublicKey) != DHPublicKeySize2 || len(s.EncryptedPrivateKey) != EncryptedPrivateKeySize2 {
		return nil, &pki.Error{Reason: pki.ReasonMalformed, Cert: contract, Rule: ruleKDF2,
			Detail: fmt.Sprintf("DHpublickey %d bytes, encrypted key %d bytes, want 65 and 48", len(s.DHPublicKey), len(s.EncryptedPrivateKey))}
	}
	peer, err := ecdh.P256().NewPublicKey(s.DHPublicKey)
	if err != nil {
		return nil, &pki.Error{Reason: pki.ReasonMalformed, Cert: contract, Rule: ruleKDF2, Detail: "DHpublickey", Err: err}
	}
	own, err := recipient.ECDSA().ECDH()
	if err != nil {
		return nil, err
	}
	z, err := own.ECDH(peer)
	if err != nil {
		return nil, &pki.Error{Reason: pki.ReasonMalformed, Cert: contract, Rule: ruleKDF2, Detail: "ECDH", Err: err}
	}
	block, err := aes.NewCipher(ConcatKDF(sha256.New, z, otherInfo, 16))
	if err != nil {
		return nil, err
	}
	plain := make([]byte, 32)
	cipher.NewCBCDecrypter(block, s.EncryptedPrivateKey[:16]).CryptBlocks(plain, s.EncryptedPrivateKey[16:])
	return checkKey(pki.ECDSAP256SHA256, plain, contract)
}

// checkKey loads a decrypted scalar or seed and checks that it is the
// private key of contract.
func checkKey(alg pki.Algorithm, plain []byte, contract *x509.Certificate) (*pki.Key, error) {
	k, err := keyFromBytes(alg, plain)
	if err != nil {
		return nil, &pki.Error{Reason: pki.ReasonKeyMismatch, Cert: contract, Rule: ruleKeyCheck, Detail: "decrypted value is not a private key", Err: err}
	}
	pub, ok := k.Public().(interface{ Equal(crypto.PublicKey) bool })
	var want crypto.PublicKey
	if contract != nil {
		want, _ = pki.PublicKey(contract)
	}
	if !ok || contract == nil || !pub.Equal(want) {
		return nil, &pki.Error{Reason: pki.ReasonKeyMismatch, Cert: contract, Rule: ruleKeyCheck, Detail: "decrypted key does not match the contract certificate"}
	}
	return k, nil
}
