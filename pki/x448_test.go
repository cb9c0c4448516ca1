package pki

import (
	"bytes"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"testing"
)

func reasonIs(err error, r Reason) bool {
	pe, ok := errors.AsType[*Error](err)
	return ok && pe.Reason == r
}

// TestProvisioningAltPublicKey: under the Ed448 profile every OEM
// provisioning certificate carries its vehicle's X448 key, and the
// credential holds the private half; other profiles carry none.
func TestProvisioningAltPublicKey(t *testing.T) {
	for _, p := range []Profile{ISO2, ISO20, ISO20Ed448} {
		h := newTestHierarchy(t, p)
		for _, c := range h.OEM.Provisioning {
			pub, err := AltPublicKeyX448(c.Cert)
			if p != ISO20Ed448 {
				if c.AltKey != nil || !reasonIs(err, ReasonWrongAlgorithm) {
					t.Errorf("%v %s: alt key %v, err %v; want none", p, c.Cert.Subject.CommonName, c.AltKey, err)
				}
				continue
			}
			if err != nil || c.AltKey == nil || !bytes.Equal(pub, c.AltKey.Public()) {
				t.Fatalf("%v %s: alt key %x, err %v", p, c.Cert.Subject.CommonName, pub, err)
			}
			for _, e := range c.Cert.Extensions {
				if e.Id.Equal(oidSubjectAltPublicKeyInfo) && e.Critical {
					t.Error("subjectAltPublicKeyInfo is critical: verifiers that do not know it would refuse the certificate")
				}
			}
		}
		if p == ISO20Ed448 {
			a, b := h.OEM.Provisioning[0].AltKey, h.OEM.Provisioning[1].AltKey
			if *a == *b {
				t.Error("two vehicles share an X448 key")
			}
		}
	}
}

func TestAltPublicKeyMalformed(t *testing.T) {
	good, err := altPublicKeyExtension(bytes.Repeat([]byte{9}, X448Size))
	if err != nil {
		t.Fatal(err)
	}
	other := good
	other.Value = bytes.Replace(good.Value, []byte{0x2b, 0x65, 0x6f}, []byte{0x2b, 0x65, 0x71}, 1) // id-X448 -> id-Ed448
	for _, v := range [][]byte{good.Value[:10], append(append([]byte(nil), good.Value...), 0), {0x30, 0x00}, other.Value} {
		c := &x509.Certificate{Extensions: []pkix.Extension{{Id: good.Id, Value: v}}}
		if _, err := AltPublicKeyX448(c); !reasonIs(err, ReasonMalformed) {
			t.Errorf("%x: err %v, want malformed", v, err)
		}
	}
	if _, err := altPublicKeyExtension(make([]byte, 57)); err == nil {
		t.Error("57-byte X448 key accepted")
	}
}

func TestX448Key(t *testing.T) {
	a, err := DeriveX448Key([]byte("seed"), "a")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := DeriveX448Key([]byte("seed"), "b")
	if a2, _ := DeriveX448Key([]byte("seed"), "a"); a2 != a || a == b {
		t.Error("DeriveX448Key is not a function of (seed, label)")
	}
	z1, err1 := a.Shared(b.Public())
	z2, err2 := b.Shared(a.Public())
	if err1 != nil || err2 != nil || !bytes.Equal(z1, z2) || len(z1) != X448Size {
		t.Fatalf("shared secrets differ: %x %x (%v %v)", z1, z2, err1, err2)
	}
	if _, err := a.Shared(make([]byte, X448Size)); err == nil {
		t.Error("low-order (zero) public key accepted")
	}
	if _, err := a.Shared(make([]byte, 57)); err == nil {
		t.Error("57-byte public key accepted")
	}
	back, err := ParseX448PKCS8(a.MarshalPKCS8())
	if err != nil || back != a {
		t.Fatalf("PKCS #8 round trip: %v", err)
	}
	ed, _ := DeriveKey(Ed448, []byte("seed"), "ed")
	edDER, _ := ed.MarshalPKCS8()
	for _, bad := range [][]byte{edDER, a.MarshalPKCS8()[:20], nil} {
		if _, err := ParseX448PKCS8(bad); err == nil {
			t.Errorf("ParseX448PKCS8(%x) accepted", bad)
		}
	}
}

// FuzzParseX448PKCS8 feeds arbitrary DER to the X448 key parser: it must
// never panic, and what it accepts must marshal back to the same bytes.
func FuzzParseX448PKCS8(f *testing.F) {
	k, _ := DeriveX448Key([]byte("seed"), "fuzz")
	f.Add(k.MarshalPKCS8())
	ed, _ := DeriveKey(Ed448, []byte("seed"), "fuzz")
	edDER, _ := ed.MarshalPKCS8()
	f.Add(edDER)
	f.Fuzz(func(t *testing.T, der []byte) {
		k, err := ParseX448PKCS8(der)
		if err != nil {
			return
		}
		if !bytes.Equal(k.MarshalPKCS8(), der) {
			t.Fatalf("accepted %x, which marshals otherwise", der)
		}
	})
}

// FuzzAltPublicKeyX448 feeds arbitrary extension values, as a vehicle's
// provisioning certificate may carry them, to the alternate-key reader:
// never a panic, every rejection typed, every accepted key 56 bytes.
func FuzzAltPublicKeyX448(f *testing.F) {
	good, _ := altPublicKeyExtension(bytes.Repeat([]byte{9}, X448Size))
	f.Add(good.Value)
	f.Add([]byte{0x30, 0x03, 0x06, 0x01, 0x00})
	f.Fuzz(func(t *testing.T, v []byte) {
		c := &x509.Certificate{Extensions: []pkix.Extension{{Id: oidSubjectAltPublicKeyInfo, Value: v}}}
		pub, err := AltPublicKeyX448(c)
		if err != nil {
			if _, ok := errors.AsType[*Error](err); !ok {
				t.Fatalf("untyped error %v", err)
			}
			return
		}
		if len(pub) != X448Size {
			t.Fatalf("accepted a %d-byte key", len(pub))
		}
	})
}
