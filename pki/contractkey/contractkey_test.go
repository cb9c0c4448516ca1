package contractkey

import (
	"bytes"
	"crypto"
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
		{"17 characters (no check character)", "WMI00000000000012", "WMI000000000000120ABC12", false},
		{"16 characters", "WMI0000000000001", "", true},
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

// openCase is one bad input of the ISO-20 vehicle side and the reason it
// must be refused with.
type openCase struct {
	name   string
	oem    *pki.Credential
	sealed Sealed20
	cert   *x509.Certificate
	aad    []byte
	want   pki.Reason
}

// TestISO20 seals and opens the contract key of both ISO-20 variants with
// the hierarchy's own certificates and checks the sizes the standard gives.
func TestISO20(t *testing.T) {
	rnd := rand.NewChaCha8([32]byte{2})
	for _, tt := range []struct {
		profile      pki.Profile
		curve        Curve20
		dhLen, encLn int
	}{
		{pki.ISO20, SECP521, DHPublicKeySizeSECP521, SECP521EncryptedKeySize},
		{pki.ISO20Ed448, X448, DHPublicKeySizeX448, X448EncryptedKeySize},
	} {
		t.Run(tt.curve.String(), func(t *testing.T) {
			s := newSetup(t, tt.profile)
			aad, err := AAD20(s.oem.Cert.Subject.CommonName, s.contract.Cert) // [V2G20-2492]
			if err != nil {
				t.Fatal(err)
			}
			sealed, err := SealISO20(rnd, s.oem.Cert, s.contract.Key, aad)
			if err != nil {
				t.Fatal(err)
			}
			if sealed.Curve != tt.curve || len(sealed.DHPublicKey) != tt.dhLen || sealed.DHPublicKey[0] != 0x04 || len(sealed.EncryptedPrivateKey) != tt.encLn {
				t.Errorf("%v, DHPublicKey %d bytes (%#x…), key %d bytes; want %v, %d, 0x04, %d",
					sealed.Curve, len(sealed.DHPublicKey), sealed.DHPublicKey[0], len(sealed.EncryptedPrivateKey), tt.curve, tt.dhLen, tt.encLn)
			}
			k, err := OpenISO20(s.oem, sealed, s.contract.Cert, aad)
			if err != nil {
				t.Fatalf("OpenISO20 = %v", err)
			}
			msg := []byte("SignedInfo")
			sig, err := k.SignRaw(msg)
			if err != nil || !pki.VerifyRaw(mustPublic(t, s.contract.Cert), msg, sig) {
				t.Errorf("the installed key does not sign for the contract certificate (%v)", err)
			}
			if tt.curve == SECP521 && !k.ECDSA().Equal(s.contract.Key.ECDSA()) {
				t.Error("installed P-521 key differs")
			}
			if tt.curve == X448 && !bytes.Equal(k.Ed448Scalar(), s.contract.Key.Ed448Scalar()) {
				t.Error("installed Ed448 scalar differs")
			}

			otherVehicle := s.h.OEM.Provisioning[1]
			next := s.h.EMSPs[0].Contracts[1]
			bad := func(f func(*Sealed20)) Sealed20 {
				c := Sealed20{Curve: sealed.Curve, DHPublicKey: bytes.Clone(sealed.DHPublicKey), EncryptedPrivateKey: bytes.Clone(sealed.EncryptedPrivateKey)}
				f(&c)
				return c
			}
			cases := []openCase{
				{"tampered ciphertext", s.oem, bad(func(c *Sealed20) { c.EncryptedPrivateKey[40] ^= 1 }), s.contract.Cert, aad, pki.ReasonKeyMismatch},
				{"tampered IV", s.oem, bad(func(c *Sealed20) { c.EncryptedPrivateKey[3] ^= 1 }), s.contract.Cert, aad, pki.ReasonKeyMismatch},
				{"tampered tag", s.oem, bad(func(c *Sealed20) { c.EncryptedPrivateKey[tt.encLn-1] ^= 1 }), s.contract.Cert, aad, pki.ReasonKeyMismatch},
				{"other AAD", s.oem, sealed, s.contract.Cert, []byte("other"), pki.ReasonKeyMismatch},
				{"other vehicle", otherVehicle, sealed, s.contract.Cert, aad, pki.ReasonKeyMismatch},
				{"other contract certificate", s.oem, sealed, next.Cert, aad, pki.ReasonKeyMismatch},
				{"truncated key", s.oem, bad(func(c *Sealed20) { c.EncryptedPrivateKey = c.EncryptedPrivateKey[:tt.encLn-1] }), s.contract.Cert, aad, pki.ReasonMalformed},
				{"DH key one byte longer", s.oem, bad(func(c *Sealed20) { c.DHPublicKey = append(c.DHPublicKey, 0) }), s.contract.Cert, aad, pki.ReasonMalformed},
				{"DH key without 0x04", s.oem, bad(func(c *Sealed20) { c.DHPublicKey[0] = 0x02 }), s.contract.Cert, aad, pki.ReasonMalformed},
			}
			if tt.curve == X448 {
				cases = append(cases, openCase{"low-order DH key", s.oem, bad(func(c *Sealed20) { clear(c.DHPublicKey[1:]) }), s.contract.Cert, aad, pki.ReasonMalformed},
					openCase{"DH key padded to 133 bytes ([V2G20-2495] forbids it)", s.oem, bad(func(c *Sealed20) { c.DHPublicKey = append(c.DHPublicKey, make([]byte, 133-57)...) }), s.contract.Cert, aad, pki.ReasonMalformed})
			}
			for _, c := range cases {
				if _, err := OpenISO20(c.oem, c.sealed, c.cert, c.aad); reasonOf(err) != c.want {
					t.Errorf("%s: OpenISO20 = %v, want %v", c.name, err, c.want)
				}
			}
		})
	}
}

// TestISO20CurveFollowsContractKey: the eMSP cannot seal a key for a
// vehicle whose provisioning certificate has no key of the contract key's
// curve ([V2G20-2487], [V2G20-2488], [V2G20-2534]).
func TestISO20CurveFollowsContractKey(t *testing.T) {
	rnd := rand.NewChaCha8([32]byte{6})
	p521, ed := newSetup(t, pki.ISO20), newSetup(t, pki.ISO20Ed448)
	if _, err := SealISO20(rnd, p521.oem.Cert, ed.contract.Key, nil); reasonOf(err) != pki.ReasonWrongAlgorithm {
		t.Errorf("Ed448 contract to a P-521 vehicle: %v, want wrong algorithm", err)
	}
	if _, err := SealISO20(rnd, ed.oem.Cert, p521.contract.Key, nil); reasonOf(err) != pki.ReasonWrongAlgorithm {
		t.Errorf("P-521 contract to an Ed448 vehicle: %v, want wrong algorithm", err)
	}
	if _, err := SealISO20(rnd, p521.oem.Cert, rawKey(t, 3), nil); err == nil {
		t.Error("P-256 contract key sealed for ISO-20")
	}
}

func mustPublic(t *testing.T, c *x509.Certificate) crypto.PublicKey {
	t.Helper()
	p, err := pki.PublicKey(c)
	if err != nil {
		t.Fatal(err)
	}
	return p
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
	ed := newSetup(f, pki.ISO20Ed448)
	rnd := rand.NewChaCha8([32]byte{4})
	sealed, err := SealISO20(rnd, s.oem.Cert, s.contract.Key, nil)
	if err != nil {
		f.Fatal(err)
	}
	sealedX, err := SealISO20(rnd, ed.oem.Cert, ed.contract.Key, nil)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(false, sealed.DHPublicKey, sealed.EncryptedPrivateKey)
	f.Add(true, sealedX.DHPublicKey, sealedX.EncryptedPrivateKey)
	f.Fuzz(func(t *testing.T, x448 bool, dh, enc []byte) {
		in := Sealed20{Curve: SECP521, DHPublicKey: dh, EncryptedPrivateKey: enc}
		oem := s.oem
		if x448 {
			in.Curve, oem = X448, ed.oem
		}
		// The OEM provisioning certificate is never the contract: nothing
		// may decrypt to its key.
		k, err := OpenISO20(oem, in, oem.Cert, nil)
		if err == nil {
			t.Fatalf("accepted a key for the provisioning certificate: %v", k)
		}
		if reasonOf(err) == 0 {
			t.Fatalf("untyped error %v", err)
		}
	})
}
