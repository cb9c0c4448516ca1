package pki

import (
	"bytes"
	"math/rand/v2"
	"testing"

	"github.com/cloudflare/circl/sign/ed448"
)

// TestEd448ScalarSignerMatchesRFC8032 drives our scalar signer with the
// seed's own scalar and prefix: the signatures must equal circl's RFC 8032
// signatures byte for byte, for many seeds and message lengths.
func TestEd448ScalarSignerMatchesRFC8032(t *testing.T) {
	r := rand.NewChaCha8([32]byte{7})
	for i := range 200 {
		seed := make([]byte, ed448.SeedSize)
		r.Read(seed)
		msg := make([]byte, i*3)
		r.Read(msg)
		priv := ed448.NewKeyFromSeed(seed)
		e := scalarFromSeed(seed)
		e.pub = e.public()
		if !bytes.Equal(e.pub, priv.Public().(ed448.PublicKey)) {
			t.Fatalf("seed %x: public key %x, want %x", seed, e.pub, priv.Public())
		}
		if got, want := e.sign(msg), ed448.Sign(priv, msg, ""); !bytes.Equal(got, want) {
			t.Fatalf("seed %x, %d-byte message: signature differs from RFC 8032\n got %x\nwant %x", seed, len(msg), got, want)
		}
	}
}

// TestEd448KeyFromScalar: a key rebuilt from a seeded key's scalar has the
// same public key, signs messages that verify under it (with another
// prefix, so other signatures), and refuses encodings that need a seed.
func TestEd448KeyFromScalar(t *testing.T) {
	k, err := DeriveKey(Ed448, []byte("scalar"), "contract")
	if err != nil {
		t.Fatal(err)
	}
	s := k.Ed448Scalar()
	if len(s) != 56 || !lessLE(s, ed448Order[:]) {
		t.Fatalf("Ed448Scalar = %x", s)
	}
	k2, err := NewEd448KeyFromScalar(s)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(k2.Public().(ed448.PublicKey), k.Public().(ed448.PublicKey)) {
		t.Fatal("public key of the scalar key differs")
	}
	if !bytes.Equal(k2.Ed448Scalar(), s) || k2.Ed448() != nil || k2.Algorithm() != Ed448 {
		t.Error("scalar key accessors")
	}
	msg := []byte("AuthorizationReq SignedInfo")
	sig, err := k2.SignRaw(msg)
	if err != nil {
		t.Fatal(err)
	}
	if !VerifyRaw(k.Public(), msg, sig) {
		t.Error("signature of the scalar key does not verify under the certificate's public key")
	}
	if VerifyRaw(k.Public(), []byte("other"), sig) {
		t.Error("signature verifies for another message")
	}
	if orig, _ := k.SignRaw(msg); bytes.Equal(orig, sig) {
		t.Error("scalar key reuses the seed's nonce prefix (it cannot know it)")
	}
	if der, err := k2.SignDER(msg); err != nil || !ed448.Verify(k.Public().(ed448.PublicKey), msg, der, "") {
		t.Errorf("SignDER: %v", err)
	}
	if _, err := k2.MarshalPKCS8(); err == nil {
		t.Error("MarshalPKCS8 of a scalar-only key succeeded")
	}
	if ec, _ := DeriveKey(ECDSAP256SHA256, []byte("x"), "y"); ec.Ed448Scalar() != nil {
		t.Error("Ed448Scalar of an ECDSA key")
	}
}

func TestEd448KeyFromScalarRejects(t *testing.T) {
	order := append([]byte(nil), ed448Order[:]...)
	minus1 := append([]byte(nil), order...)
	minus1[0]--
	for _, tt := range []struct {
		name string
		in   []byte
		ok   bool
	}{
		{"zero", make([]byte, 56), false},
		{"order", order, false},
		{"all ones", bytes.Repeat([]byte{0xff}, 56), false},
		{"55 bytes", make([]byte, 55), false},
		{"57 bytes", append(make([]byte, 56), 1), false},
		{"order-1", minus1, true},
		{"one", append([]byte{1}, make([]byte, 55)...), true},
	} {
		_, err := NewEd448KeyFromScalar(tt.in)
		if (err == nil) != tt.ok {
			t.Errorf("%s: err = %v, want ok=%v", tt.name, err, tt.ok)
		}
	}
}
