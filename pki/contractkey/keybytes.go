package contractkey

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"errors"

	"github.com/cloudflare/circl/sign/ed448"
	"github.com/plugsim/plugsim/pki"
)

// keyFromBytes loads a raw private key: a big-endian scalar (P-256, P-521;
// it must be in [1, n-1]) or a 57-byte Ed448 seed.
func keyFromBytes(alg pki.Algorithm, b []byte) (*pki.Key, error) {
	switch alg {
	case pki.ECDSAP256SHA256:
		k, err := ecdsa.ParseRawPrivateKey(elliptic.P256(), b)
		if err != nil {
			return nil, err
		}
		return pki.NewKey(k)
	case pki.ECDSAP521SHA512:
		k, err := ecdsa.ParseRawPrivateKey(elliptic.P521(), b)
		if err != nil {
			return nil, err
		}
		return pki.NewKey(k)
	case pki.Ed448:
		if len(b) != ed448.SeedSize {
			return nil, errors.New("contractkey: Ed448 seed must be 57 bytes")
		}
		return pki.NewKey(ed448.NewKeyFromSeed(b))
	}
	return nil, errors.New("contractkey: unknown algorithm")
}
