package revocation

import (
	"crypto"
	"testing"

	"github.com/plugsim/plugsim/pki"
)

// BenchmarkOCSPCreate measures the responder signing one response.
func BenchmarkOCSPCreate(b *testing.B) {
	for _, p := range []pki.Profile{pki.ISO2, pki.ISO20, pki.ISO20Ed448} {
		b.Run(p.String(), func(b *testing.B) {
			f := newFixture(b, p)
			for b.Loop() {
				if _, err := f.responder.ResponseFor(f.contract.SerialNumber, crypto.SHA256, t0); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkOCSPVerify measures verifying one response with a delegated
// signer: the signer certificate's signature plus the response's.
func BenchmarkOCSPVerify(b *testing.B) {
	for _, p := range []pki.Profile{pki.ISO2, pki.ISO20, pki.ISO20Ed448} {
		b.Run(p.String(), func(b *testing.B) {
			f := newFixture(b, p)
			der, err := f.responder.ResponseFor(f.contract.SerialNumber, crypto.SHA256, t0)
			if err != nil {
				b.Fatal(err)
			}
			for b.Loop() {
				if _, err := ParseResponse(der, f.contract, f.sub2.Cert, t0); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkCheckerCached measures a revocation check answered by the cache.
func BenchmarkCheckerCached(b *testing.B) {
	f := newFixture(b, pki.ISO2)
	ch := &Checker{Cache: NewCache(), Fetcher: f.set}
	if err := ch.CheckRevocation(f.contract, f.sub2.Cert, t0); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if err := ch.CheckRevocation(f.contract, f.sub2.Cert, t0); err != nil {
			b.Fatal(err)
		}
	}
}
