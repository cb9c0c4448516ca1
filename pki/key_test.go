package pki

import (
	"bytes"
	"testing"
)

var allAlgorithms = []Algorithm{ECDSAP256SHA256, ECDSAP521SHA512, Ed448}

func TestDeriveKeyDeterministic(t *testing.T) {
	for _, a := range allAlgorithms {
		k1, err := DeriveKey(a, []byte("seed"), "label")
		if err != nil {
			t.Fatal(err)
		}
		k2, _ := DeriveKey(a, []byte("seed"), "label")
		k3, _ := DeriveKey(a, []byte("seed"), "other label")
		p1, _ := k1.MarshalPKCS8()
		p2, _ := k2.MarshalPKCS8()
		p3, _ := k3.MarshalPKCS8()
		if !bytes.Equal(p1, p2) || bytes.Equal(p1, p3) {
			t.Errorf("%v: DeriveKey is not a function of (seed, label)", a)
		}
		if k1.Algorithm() != a {
			t.Errorf("%v: Algorithm() = %v", a, k1.Algorithm())
		}
	}
}

func TestSignRawDeterministicAndVerifies(t *testing.T) {
	msg := []byte("SignedInfo bytes")
	for _, a := range allAlgorithms {
		k, _ := DeriveKey(a, []byte("seed"), "sig")
		s1, err := k.SignRaw(msg)
		if err != nil {
			t.Fatal(err)
		}
		s2, _ := k.SignRaw(msg)
		if !bytes.Equal(s1, s2) {
			t.Errorf("%v: two signatures of the same message differ (want RFC 6979 / Ed448 determinism)", a)
		}
		want := map[Algorithm]int{ECDSAP256SHA256: 64, ECDSAP521SHA512: 132, Ed448: 114}[a]
		if len(s1) != want {
			t.Errorf("%v: raw signature %d bytes, want %d", a, len(s1), want)
		}
		if !VerifyRaw(k.Public(), msg, s1) {
			t.Errorf("%v: VerifyRaw(own signature) = false", a)
		}
		if VerifyRaw(k.Public(), append(msg, '!'), s1) {
			t.Errorf("%v: VerifyRaw(other message) = true", a)
		}
	}
}

func TestPKCS8RoundTrip(t *testing.T) {
	for _, a := range allAlgorithms {
		k, _ := DeriveKey(a, []byte("seed"), "pkcs8")
		der, err := k.MarshalPKCS8()
		if err != nil {
			t.Fatal(err)
		}
		back, err := ParsePKCS8(der)
		if err != nil {
			t.Fatalf("%v: ParsePKCS8: %v", a, err)
		}
		der2, _ := back.MarshalPKCS8()
		if !bytes.Equal(der, der2) {
			t.Errorf("%v: PKCS #8 round trip differs", a)
		}
	}
}

func TestRawSignatureLeftPads(t *testing.T) {
	// derToRaw must left-pad short r and s (PKI-NOTES pitfall 10).
	der, err := rawToDER(append(append(make([]byte, 31), 5), append(make([]byte, 30), 1, 2)...))
	if err != nil {
		t.Fatal(err)
	}
	raw, err := derToRaw(der, 32)
	if err != nil {
		t.Fatal(err)
	}
	if len(raw) != 64 || raw[31] != 5 || raw[62] != 1 || raw[63] != 2 {
		t.Errorf("derToRaw = %x", raw)
	}
}

func FuzzParsePKCS8(f *testing.F) {
	for _, a := range allAlgorithms {
		k, _ := DeriveKey(a, []byte("seed"), "fuzz")
		der, _ := k.MarshalPKCS8()
		f.Add(der)
	}
	f.Fuzz(func(t *testing.T, der []byte) {
		k, err := ParsePKCS8(der)
		if err != nil {
			return
		}
		if _, err := k.MarshalPKCS8(); err != nil {
			t.Fatalf("parsed key does not marshal: %v", err)
		}
	})
}
