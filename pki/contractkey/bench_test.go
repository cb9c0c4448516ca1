package contractkey

import (
	"math/rand/v2"
	"testing"

	"github.com/plugsim/plugsim/pki"
)

// BenchmarkInstallation measures the key transport of one
// CertificateInstallationRes: sealing (eMSP/CPS side: ephemeral key, ECDH,
// KDF, encryption) and opening (vehicle side: ECDH, KDF, decryption, key
// check against the contract certificate).
func BenchmarkInstallation(b *testing.B) {
	t := &testing.T{}
	rnd := rand.NewChaCha8([32]byte{3})
	s2 := newSetup(t, pki.ISO2)
	b.Run("iso2/seal", func(b *testing.B) {
		for b.Loop() {
			if _, err := SealISO2(rnd, &s2.oem.Key.ECDSA().PublicKey, s2.contract.Key); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("iso2/open", func(b *testing.B) {
		sealed, err := SealISO2(rnd, &s2.oem.Key.ECDSA().PublicKey, s2.contract.Key)
		if err != nil {
			b.Fatal(err)
		}
		for b.Loop() {
			if _, err := OpenISO2(s2.oem.Key, sealed, s2.contract.Cert); err != nil {
				b.Fatal(err)
			}
		}
	})
	for _, c := range []struct {
		name string
		s    setup
	}{{"iso20-secp521", newSetup(t, pki.ISO20)}, {"iso20-x448", newSetup(t, pki.ISO20Ed448)}} {
		b.Run(c.name+"/seal", func(b *testing.B) {
			for b.Loop() {
				if _, err := SealISO20(rnd, c.s.oem.Cert, c.s.contract.Key, nil); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(c.name+"/open", func(b *testing.B) {
			sealed, err := SealISO20(rnd, c.s.oem.Cert, c.s.contract.Key, nil)
			if err != nil {
				b.Fatal(err)
			}
			for b.Loop() {
				if _, err := OpenISO20(c.s.oem, sealed, c.s.contract.Cert, nil); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
