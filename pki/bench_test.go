package pki_test

import (
	"crypto/x509"
	"testing"
	"time"

	"github.com/plugsim/plugsim/pki"
)

var benchAt = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)

var benchProfiles = []pki.Profile{pki.ISO2, pki.ISO20, pki.ISO20Ed448}

func benchHierarchy(b *testing.B, p pki.Profile) *pki.Hierarchy {
	b.Helper()
	h, err := pki.NewHierarchy(pki.HierarchyOptions{Profile: p, Seed: []byte("bench"), At: benchAt, V2GRoots: 1})
	if err != nil {
		b.Fatal(err)
	}
	return h
}

func BenchmarkDeriveKey(b *testing.B) {
	for _, p := range benchProfiles {
		b.Run(p.String(), func(b *testing.B) {
			for i := 0; b.Loop(); i++ {
				if _, err := pki.DeriveKey(p.Algorithm(), []byte("bench"), "k"); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkIssue measures issuing one SECC leaf (key drawn beforehand).
func BenchmarkIssue(b *testing.B) {
	for _, p := range benchProfiles {
		b.Run(p.String(), func(b *testing.B) {
			h := benchHierarchy(b, p)
			k, err := pki.DeriveKey(p.Algorithm(), []byte("bench"), "leaf")
			if err != nil {
				b.Fatal(err)
			}
			ca := h.V2G[0].CPOSubCA2
			for b.Loop() {
				if _, err := ca.Issue(pki.Request{Role: pki.RoleSECC, Subject: pki.Name{CommonName: pki.SECCIDFor(0)}, Key: k, NotBefore: benchAt}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkVerifyChain measures verifying a contract chain (leaf, Sub-CA 2,
// Sub-CA 1, root): three signature verifications plus the profile checks.
func BenchmarkVerifyChain(b *testing.B) {
	for _, p := range benchProfiles {
		b.Run(p.String(), func(b *testing.B) {
			h := benchHierarchy(b, p)
			e := h.EMSPs[0]
			opts := pki.VerifyOptions{Profile: p, Roots: pki.NewTrustStore(e.Root.Cert), Intermediates: []*x509.Certificate{e.SubCA2.Cert, e.SubCA1.Cert}, At: benchAt.Add(time.Hour), Role: pki.RoleContract}
			for b.Loop() {
				if _, err := pki.Verify(e.Contracts[0].Cert, opts); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkSignRaw and BenchmarkVerifyRaw measure one message signature as
// ISO 15118 carries it (raw r‖s over the SignedInfo bytes).
func BenchmarkSignRaw(b *testing.B) {
	msg := make([]byte, 120)
	for _, p := range benchProfiles {
		b.Run(p.String(), func(b *testing.B) {
			k, _ := pki.DeriveKey(p.Algorithm(), []byte("bench"), "sig")
			for b.Loop() {
				if _, err := k.SignRaw(msg); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkVerifyRaw(b *testing.B) {
	msg := make([]byte, 120)
	for _, p := range benchProfiles {
		b.Run(p.String(), func(b *testing.B) {
			k, _ := pki.DeriveKey(p.Algorithm(), []byte("bench"), "sig")
			sig, err := k.SignRaw(msg)
			if err != nil {
				b.Fatal(err)
			}
			for b.Loop() {
				if !pki.VerifyRaw(k.Public(), msg, sig) {
					b.Fatal("signature does not verify")
				}
			}
		})
	}
}
