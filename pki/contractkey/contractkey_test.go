package contractkey

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/plugsim/plugsim/pki"
)

func rawKey(t testing.TB, b byte) *pki.Key {
	t.Helper()
	k, err := ecdsa.ParseRawPrivateKey(elliptic.P256(), bytes.Repeat([]byte{b}, 32))
	if err != nil {
		t.Fatal(err)
	}
	pk, err := pki.NewKey(k)
	if err != nil {
		t.Fatal(err)
	}
	return pk
}

// TestISO2CrossCheckVector reproduces the vector of PKI-NOTES §3, computed
// there with Python's ConcatKDFHash: d_OEM = 01×32, d_eph = 02×32, contract
// scalar = 03×32, IV = 00..0F.
func TestISO2CrossCheckVector(t *testing.T) {
	oem := rawKey(t, 1)
	eph := rawKey(t, 2)
	a, _ := eph.ECDSA().ECDH()
	b, _ := oem.ECDSA().PublicKey.ECDH()
	z, err := a.ECDH(b)
	if err != nil {
		t.Fatal(err)
	}
	if h := hex.EncodeToString(z); h[:8] != "eb459a6b" || h[len(h)-8:] != "13d9a81d" {
		t.Errorf("Z = %s, want eb459a6b…13d9a81d", h)
	}
	if k := hex.EncodeToString(ConcatKDF(sha256.New, z, otherInfo, 16)); k != "8844c4149630b858b973097ab0ae1948" {
		t.Errorf("K = %s, want 8844c4149630b858b973097ab0ae1948", k)
	}
	iv := []byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15}
	rnd := bytes.NewReader(append(bytes.Repeat([]byte{2}, 32), iv...))
	s, err := SealISO2(rnd, &oem.ECDSA().PublicKey, rawKey(t, 3))
	if err != nil {
		t.Fatal(err)
	}
	enc := hex.EncodeToString(s.EncryptedPrivateKey)
	if enc[:32] != "000102030405060708090a0b0c0d0e0f" || enc[32:40] != "f7fa3076" || enc[len(enc)-8:] != "1607fb59" {
		t.Errorf("encrypted = %s, want 000102…0e0f f7fa3076…1607fb59", enc)
	}
	if len(s.DHPublicKey) != 65 || s.DHPublicKey[0] != 4 {
		t.Errorf("DHpublickey %x", s.DHPublicKey)
	}
}

type setup struct {
	h        *pki.Hierarchy
	oem      *pki.Credential
	contract *pki.Credential
}

func newSetup(t testing.TB, p pki.Profile) setup {
	t.Helper()
	h, err := pki.NewHierarchy(pki.HierarchyOptions{Profile: p, Seed: []byte("contractkey"), At: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), V2GRoots: 1, Contracts: 2})
	if err != nil {
		t.Fatal(err)
	}
	return setup{h: h, oem: h.OEM.Provisioning[0], contract: h.EMSPs[0].Contracts[0]}
}

func reasonOf(err error) pki.Reason {
	if e, ok := errors.AsType[*pki.Error](err); ok {
		return e.Reason
	}
	return 0
}

func TestISO2InstallAndUpdate(t *testing.T) {
	s := newSetup(t, pki.ISO2)
	rnd := rand.NewChaCha8([32]byte{1})
	// Installation: sealed for the OEM provisioning key.
	sealed, err := SealISO2(rnd, &s.oem.Key.ECDSA().PublicKey, s.contract.Key)
	if err != nil {
		t.Fatal(err)
	}
	got, err := OpenISO2(s.oem.Key, sealed, s.contract.Cert)
	if err != nil {
		t.Fatalf("OpenISO2: %v", err)
	}
	if !got.ECDSA().Equal(s.contract.Key.ECDSA()) {
		t.Error("installation: decrypted key differs")
	}
	// Update: the new contract key sealed for the old contract key.
	next := s.h.EMSPs[0].Contracts[1]
	sealed2, err := SealISO2(rnd, &s.contract.Key.ECDSA().PublicKey, next.Key)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := OpenISO2(s.contract.Key, sealed2, next.Cert); err != nil {
		t.Errorf("update: %v", err)
	}
	tests := []struct {
		name   string
		key    *pki.Key
		sealed Sealed2
		cert   *x509.Certificate
		want   pki.Reason
	}{
		{"tampered ciphertext", s.oem.Key, Sealed2{sealed.DHPublicKey, flip(sealed.EncryptedPrivateKey, 40)}, s.contract.Cert, pki.ReasonKeyMismatch},
		{"tampered IV", s.oem.Key, Sealed2{sealed.DHPublicKey, flip(sealed.EncryptedPrivateKey, 3)}, s.contract.Cert, pki.ReasonKeyMismatch},
		{"wrong vehicle key", s.contract.Key, sealed, s.contract.Cert, pki.ReasonKeyMismatch},
		{"other contract certificate", s.oem.Key, sealed, next.Cert, pki.ReasonKeyMismatch},
		{"truncated key", s.oem.Key, Sealed2{sealed.DHPublicKey, sealed.EncryptedPrivateKey[:47]}, s.contract.Cert, pki.ReasonMalformed},
		{"DH key not on curve", s.oem.Key, Sealed2{flip(sealed.DHPublicKey, 64), sealed.EncryptedPrivateKey}, s.contract.Cert, pki.ReasonMalformed},
	}
	for _, tt := range tests {
		if _, err := OpenISO2(tt.key, tt.sealed, tt.cert); reasonOf(err) != tt.want {
			t.Errorf("%s: OpenISO2 = %v, want %v", tt.name, err, tt.want)
		}
	}
}

func flip(b []byte, i int) []byte {
	c := bytes.Clone(b)
	c[i] ^= 0x01
	return c
}

func TestAAD20(t *testing.T) {
	cert := &x509.Certificate{SubjectKeyId: []byte{0x0a, 0xbc, 0x12}}
	tests := []struct {
		name, pcid, want string
		wantErr          bool
	}{
		{"plain", "WMI00000000000012X", "WMI00000000000012X0ABC12", false},
		{"lower case and separators", "wmi-0000000000-0012x", "WMI00000000000012X0ABC12", false},
		{"17 characters", "WMI00000000000012", "", true},
		{"bad character", "WMI0000000000001_X", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := AAD20(tt.pcid, cert)
			if (err != nil) != tt.wantErr || string(got) != tt.want {
				t.Errorf("AAD20(%q) = %q, %v; want %q (error %v)", tt.pcid, got, err, tt.want, tt.wantErr)
			}
		})
	}
	if _, err := AAD20("WMI00000000000012X", &x509.Certificate{}); err == nil {
		t.Error("AAD20 without SubjectKeyId succeeded")
	}
}

func TestISO20(t *testing.T) {
	rnd := rand.NewChaCha8([32]byte{2})
	aad := []byte("PSMV000000000000013F1D0C9A2B4E6F8001")
	t.Run("SECP521", func(t *testing.T) {
		s := newSetup(t, pki.ISO20)
		aad, err := AAD20("WMI00000000000012X", s.contract.Cert) // [V2G20-2492]
		if err != nil {
			t.Fatal(err)
		}
		sealed, err := SealISO20(rnd, SECP521, &s.oem.Key.ECDSA().PublicKey, s.contract.Key, aad)
		if err != nil {
			t.Fatal(err)
		}
		if len(sealed.DHPublicKey) != DHPublicKeySize20 || len(sealed.EncryptedPrivateKey) != SECP521EncryptedKeySize {
			t.Errorf("sizes %d, %d, want 133, 94", len(sealed.DHPublicKey), len(sealed.EncryptedPrivateKey))
		}
		k, err := OpenISO20(s.oem.Key, sealed, s.contract.Cert, aad)
		if err != nil || !k.ECDSA().Equal(s.contract.Key.ECDSA()) {
			t.Fatalf("OpenISO20 = %v", err)
		}
		bad := sealed
		bad.EncryptedPrivateKey = flip(sealed.EncryptedPrivateKey, 50)
		if _, err := OpenISO20(s.oem.Key, bad, s.contract.Cert, aad); reasonOf(err) != pki.ReasonKeyMismatch {
			t.Errorf("tampered: %v, want key mismatch", err)
		}
		if _, err := OpenISO20(s.oem.Key, sealed, s.contract.Cert, []byte("other")); reasonOf(err) != pki.ReasonKeyMismatch {
			t.Errorf("other AAD: %v, want key mismatch", err)
		}
	})
	t.Run("X448", func(t *testing.T) {
		s := newSetup(t, pki.ISO20Ed448)
		vehicle, err := NewX448Key(rnd)
		if err != nil {
			t.Fatal(err)
		}
		sealed, err := SealISO20(rnd, X448, vehicle.Public(), s.contract.Key, aad)
		if err != nil {
			t.Fatal(err)
		}
		if len(sealed.EncryptedPrivateKey) != x448EncryptedKeyForEd448Sz {
			t.Errorf("X448/Ed448 sealed key %d bytes, want %d", len(sealed.EncryptedPrivateKey), x448EncryptedKeyForEd448Sz)
		}
		k, err := OpenISO20(vehicle, sealed, s.contract.Cert, aad)
		if err != nil || !k.Ed448().Equal(s.contract.Key.Ed448()) {
			t.Fatalf("OpenISO20 = %v", err)
		}
		other, _ := NewX448Key(rnd)
		if _, err := OpenISO20(other, sealed, s.contract.Cert, aad); reasonOf(err) != pki.ReasonKeyMismatch {
			t.Errorf("wrong vehicle: %v, want key mismatch", err)
		}
	})
}

func FuzzOpenISO2(f *testing.F) {
	oem, contract := rawKey(f, 1), rawKey(f, 3)
	s, err := SealISO2(bytes.NewReader(bytes.Repeat([]byte{2}, 48)), &oem.ECDSA().PublicKey, contract)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(s.DHPublicKey, s.EncryptedPrivateKey)
	f.Fuzz(func(t *testing.T, dh, enc []byte) {
		k, err := OpenISO2(oem, Sealed2{dh, enc}, nil)
		if err == nil {
			t.Fatalf("accepted a key without a certificate: %v", k)
		}
	})
}

// FuzzOpenISO20 feeds arbitrary DHPublicKey and encrypted-key bytes of an
// ISO-20 SignedInstallationData to the vehicle side, for both curves: it
// must never panic and never accept a key for the wrong certificate.
func FuzzOpenISO20(f *testing.F) {
	s := newSetup(f, pki.ISO20)
	rnd := rand.NewChaCha8([32]byte{4})
	sealed, err := SealISO20(rnd, SECP521, &s.oem.Key.ECDSA().PublicKey, s.contract.Key, nil)
	if err != nil {
		f.Fatal(err)
	}
	vehicle, err := NewX448Key(rnd)
	if err != nil {
		f.Fatal(err)
	}
	ed := newSetup(f, pki.ISO20Ed448)
	sealedX, err := SealISO20(rnd, X448, vehicle.Public(), ed.contract.Key, nil)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(false, sealed.DHPublicKey, sealed.EncryptedPrivateKey)
	f.Add(true, sealedX.DHPublicKey, sealedX.EncryptedPrivateKey)
	f.Fuzz(func(t *testing.T, x448 bool, dh, enc []byte) {
		in := Sealed20{Curve: SECP521, DHPublicKey: dh, EncryptedPrivateKey: enc}
		var recipient any = s.oem.Key
		if x448 {
			in.Curve, recipient = X448, vehicle
		}
		// The OEM provisioning certificate is never the contract: nothing
		// may decrypt to its key.
		k, err := OpenISO20(recipient, in, s.oem.Cert, nil)
		if err == nil {
			t.Fatalf("accepted a key for the provisioning certificate: %v", k)
		}
		if reasonOf(err) == 0 {
			t.Fatalf("untyped error %v", err)
		}
	})
}
