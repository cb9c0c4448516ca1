package pki

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/hkdf"
	"crypto/sha512"
	"crypto/x509"
	"encoding/asn1"
	"errors"
	"fmt"
	"io"
	"strconv"

	"github.com/cloudflare/circl/sign/ed448"
	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// Key is a private key of one of the profile algorithms. It implements
// crypto.Signer and signs deterministically: ECDSA with RFC 6979 nonces (Go's
// ecdsa.PrivateKey.Sign with a nil random source), Ed448 by construction.
// The random source passed to Sign is ignored, so certificates, CRLs and
// OCSP responses made with a seeded key are reproducible byte for byte.
type Key struct {
	alg Algorithm
	ec  *ecdsa.PrivateKey // ECDSA algorithms
	ed  ed448.PrivateKey  // Ed448 from an RFC 8032 seed
	eds *ed448Scalar      // Ed448 known only by its scalar (NewEd448KeyFromScalar)
}

var _ crypto.Signer = (*Key)(nil)

// Determinism: since Go 1.26, ecdsa.GenerateKey ignores its reader (unless
// GODEBUG=cryptocustomrand=1), so it cannot give seeded keys. DeriveKey and
// GenerateKey therefore draw the private scalar themselves and load it with
// ecdsa.ParseRawPrivateKey, rejecting values outside [1, n-1] and drawing
// again (rejection sampling); for P-521 the top 7 bits of the 66 drawn bytes
// are cleared first. Ed448 keys come from a 57-byte RFC 8032 seed.

// DeriveKey derives the key named label from seed: the candidate bytes are
// HKDF-SHA-512(secret = seed, salt = none, info = "plugsim/pki/key/" + label
// + "/" + attempt), see the comment above for the rest. The same (alg, seed,
// label) always gives the same key.
func DeriveKey(alg Algorithm, seed []byte, label string) (*Key, error) {
	attempt := 0
	r := readerFunc(func(p []byte) (int, error) {
		b, err := hkdf.Key(sha512.New, seed, nil, "plugsim/pki/key/"+label+"/"+strconv.Itoa(attempt), len(p))
		if err != nil {
			return 0, err
		}
		attempt++
		return copy(p, b), nil
	})
	return GenerateKey(alg, r)
}

// GenerateKey draws a key of alg from rand, which may be a seeded stream: the
// same stream gives the same key.
func GenerateKey(alg Algorithm, rand io.Reader) (*Key, error) {
	switch alg {
	case ECDSAP256SHA256, ECDSAP521SHA512:
		c := alg.curve()
		size := (c.Params().BitSize + 7) / 8
		buf := make([]byte, size)
		for range 64 {
			if _, err := io.ReadFull(rand, buf); err != nil {
				return nil, fmt.Errorf("pki: generating %v key: %w", alg, err)
			}
			if extra := size*8 - c.Params().BitSize; extra > 0 {
				buf[0] &= 0xff >> extra
			}
			k, err := ecdsa.ParseRawPrivateKey(c, buf)
			if err == nil {
				return &Key{alg: alg, ec: k}, nil
			}
		}
		return nil, fmt.Errorf("pki: generating %v key: no valid scalar in 64 draws", alg)
	case Ed448:
		seed := make([]byte, ed448.SeedSize)
		if _, err := io.ReadFull(rand, seed); err != nil {
			return nil, fmt.Errorf("pki: generating Ed448 key: %w", err)
		}
		return &Key{alg: alg, ed: ed448.NewKeyFromSeed(seed)}, nil
	}
	return nil, fmt.Errorf("pki: unknown algorithm %v", alg)
}

// NewKey wraps an existing *ecdsa.PrivateKey (P-256 or P-521) or
// ed448.PrivateKey.
func NewKey(priv crypto.PrivateKey) (*Key, error) {
	switch k := priv.(type) {
	case *ecdsa.PrivateKey:
		switch k.Curve {
		case ECDSAP256SHA256.curve():
			return &Key{alg: ECDSAP256SHA256, ec: k}, nil
		case ECDSAP521SHA512.curve():
			return &Key{alg: ECDSAP521SHA512, ec: k}, nil
		}
		return nil, fmt.Errorf("pki: unsupported curve %s", k.Curve.Params().Name)
	case ed448.PrivateKey:
		return &Key{alg: Ed448, ed: k}, nil
	}
	return nil, fmt.Errorf("pki: unsupported private key type %T", priv)
}

// Algorithm returns the key's algorithm.
func (k *Key) Algorithm() Algorithm { return k.alg }

// Public returns the public key: *ecdsa.PublicKey or ed448.PublicKey.
func (k *Key) Public() crypto.PublicKey {
	if k.ec != nil {
		return &k.ec.PublicKey
	}
	if k.eds != nil {
		return k.eds.pub
	}
	return k.ed.Public()
}

// ECDSA returns the ECDSA private key, or nil for Ed448.
func (k *Key) ECDSA() *ecdsa.PrivateKey { return k.ec }

// Ed448 returns the Ed448 private key, or nil for ECDSA and for an Ed448 key
// known only by its scalar ([NewEd448KeyFromScalar]).
func (k *Key) Ed448() ed448.PrivateKey { return k.ed }

// Sign signs digest (ECDSA; opts.HashFunc() must be the hash that made it)
// or the whole message (Ed448, opts.HashFunc() must be 0), deterministically.
// The ECDSA signature is ASN.1 DER; use [Key.SignRaw] for ISO 15118's raw r‖s.
func (k *Key) Sign(_ io.Reader, digest []byte, opts crypto.SignerOpts) ([]byte, error) {
	if k.ec != nil {
		return k.ec.Sign(nil, digest, opts) // nil random: RFC 6979
	}
	if opts.HashFunc() != 0 {
		return nil, errors.New("pki: Ed448 signs whole messages, hash must be 0")
	}
	return k.edSign(digest), nil
}

// SignRaw signs message with the algorithm's hash (SHA-256 for P-256,
// SHA-512 for P-521; Ed448 signs the message itself) and returns the raw
// signature ISO 15118 carries: r‖s with each half left-padded to the curve
// size (64 or 132 bytes; [V2G20-1000] [S]), or the 114-byte Ed448 signature.
func (k *Key) SignRaw(message []byte) ([]byte, error) {
	if k.ec == nil {
		return k.edSign(message), nil
	}
	h := hashFor(k.alg)
	d := h.New()
	d.Write(message)
	der, err := k.ec.Sign(nil, d.Sum(nil), h)
	if err != nil {
		return nil, fmt.Errorf("pki: signing: %w", err)
	}
	return derToRaw(der, (k.ec.Curve.Params().BitSize+7)/8)
}

// VerifyRaw verifies a raw signature made by [Key.SignRaw] with pub
// (*ecdsa.PublicKey or ed448.PublicKey).
func VerifyRaw(pub crypto.PublicKey, message, sig []byte) bool {
	switch p := pub.(type) {
	case *ecdsa.PublicKey:
		size := (p.Curve.Params().BitSize + 7) / 8
		if len(sig) != 2*size {
			return false
		}
		var alg Algorithm
		switch size {
		case 32:
			alg = ECDSAP256SHA256
		case 66:
			alg = ECDSAP521SHA512
		default:
			return false
		}
		h := hashFor(alg).New()
		h.Write(message)
		der, err := rawToDER(sig)
		if err != nil {
			return false
		}
		return ecdsa.VerifyASN1(p, h.Sum(nil), der)
	case ed448.PublicKey:
		return len(p) == ed448.PublicKeySize && ed448.Verify(p, message, sig, "")
	}
	return false
}

func hashFor(a Algorithm) crypto.Hash {
	if a == ECDSAP521SHA512 {
		return crypto.SHA512
	}
	return crypto.SHA256
}

func derToRaw(der []byte, size int) ([]byte, error) {
	var r, s []byte
	in := cryptobyte.String(der)
	var seq cryptobyte.String
	if !in.ReadASN1(&seq, cbasn1.SEQUENCE) ||
		!seq.ReadASN1(((*cryptobyte.String)(&r)), cbasn1.INTEGER) ||
		!seq.ReadASN1(((*cryptobyte.String)(&s)), cbasn1.INTEGER) {
		return nil, errors.New("pki: malformed ECDSA signature")
	}
	out := make([]byte, 2*size)
	for i, v := range [][]byte{r, s} {
		for len(v) > 0 && v[0] == 0 {
			v = v[1:]
		}
		if len(v) > size {
			return nil, errors.New("pki: malformed ECDSA signature")
		}
		copy(out[(i+1)*size-len(v):(i+1)*size], v)
	}
	return out, nil
}

func rawToDER(sig []byte) ([]byte, error) {
	half := len(sig) / 2
	var b cryptobyte.Builder
	b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
		for _, v := range [][]byte{sig[:half], sig[half:]} {
			b.AddASN1(cbasn1.INTEGER, func(b *cryptobyte.Builder) {
				for len(v) > 1 && v[0] == 0 {
					v = v[1:]
				}
				if v[0]&0x80 != 0 {
					b.AddUint8(0)
				}
				b.AddBytes(v)
			})
		}
	})
	return b.Bytes()
}

var oidEd448 = asn1.ObjectIdentifier{1, 3, 101, 113}

// MarshalPKCS8 returns the key as PKCS #8 DER ("PRIVATE KEY"): Go's encoding
// for ECDSA, RFC 8410 (OneAsymmetricKey with the 57-byte seed in an OCTET
// STRING) for Ed448. An Ed448 key known only by its scalar has no such
// encoding and gives an error.
func (k *Key) MarshalPKCS8() ([]byte, error) {
	if k.ec != nil {
		return x509.MarshalPKCS8PrivateKey(k.ec)
	}
	if k.ed == nil {
		return nil, errors.New("pki: an Ed448 key known only by its scalar has no RFC 8410 encoding")
	}
	var b cryptobyte.Builder
	b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
		b.AddASN1Int64(0)
		b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) { b.AddASN1ObjectIdentifier(oidEd448) })
		b.AddASN1(cbasn1.OCTET_STRING, func(b *cryptobyte.Builder) {
			b.AddASN1OctetString(k.ed.Seed())
		})
	})
	return b.Bytes()
}

// ParsePKCS8 parses a key written by [Key.MarshalPKCS8] (or any PKCS #8
// P-256, P-521 or Ed448 key).
func ParsePKCS8(der []byte) (*Key, error) {
	in := cryptobyte.String(der)
	var seq, alg, inner cryptobyte.String
	var ver int64
	var oid asn1.ObjectIdentifier
	if in.ReadASN1(&seq, cbasn1.SEQUENCE) && in.Empty() &&
		seq.ReadASN1Integer(&ver) && seq.ReadASN1(&alg, cbasn1.SEQUENCE) &&
		alg.ReadASN1ObjectIdentifier(&oid) && oid.Equal(oidEd448) {
		var seed cryptobyte.String
		if !seq.ReadASN1(&inner, cbasn1.OCTET_STRING) || !inner.ReadASN1(&seed, cbasn1.OCTET_STRING) || len(seed) != ed448.SeedSize {
			return nil, errors.New("pki: malformed Ed448 PKCS #8 key")
		}
		return &Key{alg: Ed448, ed: ed448.NewKeyFromSeed(seed)}, nil
	}
	priv, err := x509.ParsePKCS8PrivateKey(der)
	if err != nil {
		return nil, fmt.Errorf("pki: parsing PKCS #8 key: %w", err)
	}
	return NewKey(priv)
}

type readerFunc func([]byte) (int, error)

// Read implements io.Reader.
func (f readerFunc) Read(p []byte) (int, error) { return f(p) }
