package pki_test

import (
	"crypto/x509"
	"errors"
	"testing"
	"time"

	"github.com/plugsim/plugsim/pki"
)

// FuzzVerify feeds arbitrary DER, as a peer sends it in a certificate chain,
// to ParseCertificate and Verify against a real hierarchy (both V2G roots,
// the CPO sub-CAs): nothing may panic, every rejection is a typed
// [*pki.Error], and only a certificate whose signed part the CPO Sub-CA 2
// really signed is accepted.
func FuzzVerify(f *testing.F) {
	h, err := pki.NewHierarchy(pki.HierarchyOptions{Profile: pki.ISO2, Seed: []byte("fuzz verify"), At: negAt, Stations: 2})
	if err != nil {
		f.Fatal(err)
	}
	v := h.V2G[0]
	genuine := map[string]bool{}
	for _, s := range v.SECC {
		genuine[string(s.Cert.RawTBSCertificate)] = true
		f.Add(s.Cert.Raw)
	}
	f.Add(v.CPOSubCA2.Cert.Raw)
	opts := pki.VerifyOptions{Profile: pki.ISO2, Roots: pki.NewTrustStore(v.Root.Cert, h.V2G[1].Root.Cert),
		Intermediates: []*x509.Certificate{v.CPOSubCA2.Cert, v.CPOSubCA1.Cert}, At: negAt.Add(time.Hour), Role: pki.RoleSECC}
	f.Fuzz(func(t *testing.T, der []byte) {
		c, err := pki.ParseCertificate(der)
		if err != nil {
			if _, ok := errors.AsType[*pki.Error](err); !ok {
				t.Fatalf("untyped parse error %v", err)
			}
			return
		}
		pki.ClassifyRole(c)
		if _, err := pki.Verify(c, opts); err != nil {
			if _, ok := errors.AsType[*pki.Error](err); !ok {
				t.Fatalf("untyped rejection %v", err)
			}
			return
		}
		if !genuine[string(c.RawTBSCertificate)] {
			t.Fatalf("accepted a certificate the CA never signed: %x", der)
		}
	})
}
