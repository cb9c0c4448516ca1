package pki

import (
	"crypto/sha3"
	"errors"

	"github.com/cloudflare/circl/ecc/goldilocks"
	"github.com/cloudflare/circl/sign/ed448"
)

// Ed448 keys known only by their secret scalar.
//
// RFC 8032 stores an Ed448 private key as a 57-byte seed: SHAKE256(seed,
// 114) gives the secret scalar s (first half, pruned) and the nonce prefix
// (second half). ISO 15118-20 instead transports the contract key of an Ed448
// contract certificate as "the 448 bit private key": a 56-byte value that is
// strictly smaller than the order of the base point and whose multiple of the
// base point is the certificate's public key ([V2G20-2500], [V2G20-2509],
// [V2G20-2510]; [S], the requirement text as quoted by a public copy of the
// standard). That is s mod L; the seed cannot be recovered from it.
//
// Such a key still signs valid Ed448 signatures: EdDSA only needs the nonce
// r to be a secret, deterministic function of the message, and any secret
// prefix gives one. A scalar-only key uses prefix = SHAKE256("plugsim/pki/
// ed448-scalar-prefix" ‖ s, 57). For a key made from a seed the RFC's own
// prefix is kept, so its signatures are byte-identical to RFC 8032's (the
// tests check this against circl).

const (
	ed448ScalarSize = goldilocks.ScalarSize // 56
	ed448HashSize   = 2 * ed448.SeedSize    // 114
)

// ed448Scalar is the signing state of an Ed448 key: the reduced secret
// scalar, the nonce prefix and the public key.
type ed448Scalar struct {
	s      goldilocks.Scalar // little-endian, reduced mod L
	prefix [ed448.SeedSize]byte
	pub    ed448.PublicKey
}

// ed448Order is L, the order of the Ed448 (and X448) base point, little-endian.
var ed448Order = goldilocks.Curve{}.Order()

// scalarFromSeed expands an RFC 8032 seed (RFC 8032 §5.2.5): the secret
// scalar and the prefix; pub is left for the caller to fill.
func scalarFromSeed(seed []byte) *ed448Scalar {
	var h [ed448HashSize]byte
	x := sha3.NewSHAKE256()
	x.Write(seed)
	x.Read(h[:])
	h[0] &= 0xfc  // clear the two lowest bits
	h[55] |= 0x80 // set the highest bit of the second to last octet
	h[56] = 0     // clear the last octet
	e := &ed448Scalar{}
	e.s.FromBytes(h[:ed448.SeedSize])
	copy(e.prefix[:], h[ed448.SeedSize:])
	return e
}

func (e *ed448Scalar) public() ed448.PublicKey {
	pub := make(ed448.PublicKey, ed448.PublicKeySize)
	if err := (goldilocks.Curve{}).ScalarBaseMult(&e.s).ToBytes(pub); err != nil {
		panic("pki: Ed448 public key encoding: " + err.Error()) // cannot happen for a multiple of the base point
	}
	return pub
}

// dom4 writes RFC 8032's dom4(0, "") for pure Ed448 with an empty context.
func dom4(x *sha3.SHAKE) { x.Write([]byte("SigEd448\x00\x00")) }

// sign makes a pure Ed448 signature (RFC 8032 §5.2.6) of message.
func (e *ed448Scalar) sign(message []byte) []byte {
	var h [ed448HashSize]byte
	x := sha3.NewSHAKE256()
	dom4(x)
	x.Write(e.prefix[:])
	x.Write(message)
	x.Read(h[:])
	var r goldilocks.Scalar
	r.FromBytes(h[:])
	sig := make([]byte, ed448.SignatureSize)
	if err := (goldilocks.Curve{}).ScalarBaseMult(&r).ToBytes(sig[:ed448.SeedSize]); err != nil {
		panic("pki: Ed448 R encoding: " + err.Error())
	}
	x.Reset()
	dom4(x)
	x.Write(sig[:ed448.SeedSize])
	x.Write(e.pub)
	x.Write(message)
	x.Read(h[:])
	var k, s goldilocks.Scalar
	k.FromBytes(h[:])
	s.Mul(&k, &e.s)
	s.Add(&s, &r)
	copy(sig[ed448.SeedSize:], s[:]) // the 57th byte stays 0
	return sig
}

// NewEd448KeyFromScalar makes an Ed448 key from its 56-byte secret scalar,
// little-endian as in RFC 8032. The scalar must be in [1, L-1]
// ([V2G20-2510]: strictly smaller than the order of the base point). The key
// signs, but has no seed, so [Key.MarshalPKCS8] refuses it and [Key.Ed448]
// returns nil.
func NewEd448KeyFromScalar(scalar []byte) (*Key, error) {
	if len(scalar) != ed448ScalarSize {
		return nil, errors.New("pki: Ed448 scalar must be 56 bytes")
	}
	if !lessLE(scalar, ed448Order[:]) {
		return nil, errors.New("pki: Ed448 scalar is not smaller than the group order")
	}
	e := &ed448Scalar{}
	copy(e.s[:], scalar)
	if e.s == (goldilocks.Scalar{}) {
		return nil, errors.New("pki: Ed448 scalar is zero")
	}
	x := sha3.NewSHAKE256()
	x.Write([]byte("plugsim/pki/ed448-scalar-prefix"))
	x.Write(e.s[:])
	x.Read(e.prefix[:])
	e.pub = e.public()
	return &Key{alg: Ed448, eds: e}, nil
}

// Ed448Scalar returns an Ed448 key's secret scalar reduced modulo the group
// order, 56 bytes little-endian, or nil for an ECDSA key.
func (k *Key) Ed448Scalar() []byte {
	switch {
	case k.eds != nil:
		return append([]byte(nil), k.eds.s[:]...)
	case k.ed != nil:
		e := scalarFromSeed(k.ed.Seed())
		return append([]byte(nil), e.s[:]...)
	}
	return nil
}

// lessLE reports whether a < b for little-endian numbers of equal length.
func lessLE(a, b []byte) bool {
	for i := len(a) - 1; i >= 0; i-- {
		if a[i] != b[i] {
			return a[i] < b[i]
		}
	}
	return false
}

// edSign signs message with an Ed448 key, seeded or scalar-only.
func (k *Key) edSign(message []byte) []byte {
	if k.eds != nil {
		return k.eds.sign(message)
	}
	return ed448.Sign(k.ed, message, "")
}
