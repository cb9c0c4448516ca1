package pki

import (
	"bytes"
	"crypto/x509"
	"testing"
	"time"
)

var testAt = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)

func newTestHierarchy(t testing.TB, p Profile) *Hierarchy {
	t.Helper()
	h, err := NewHierarchy(HierarchyOptions{Profile: p, Seed: []byte("test seed"), At: testAt, EMSPs: 2, Contracts: 2, Stations: 2})
	if err != nil {
		t.Fatalf("NewHierarchy(%v): %v", p, err)
	}
	return h
}

func certs(cs ...*CA) []*x509.Certificate {
	var out []*x509.Certificate
	for _, c := range cs {
		out = append(out, c.Cert)
	}
	return out
}

func TestHierarchyVerifies(t *testing.T) {
	for _, p := range []Profile{ISO2, ISO20, ISO20Ed448} {
		t.Run(p.String(), func(t *testing.T) {
			h := newTestHierarchy(t, p)
			// One trust store holding both V2G roots.
			v2g := NewTrustStore(h.V2G[0].Root.Cert, h.V2G[1].Root.Cert)
			at := testAt.Add(24 * time.Hour)
			type leafCase struct {
				name  string
				leaf  *Credential
				roots *TrustStore
				subs  []*x509.Certificate
				prof  Profile
			}
			var cases []leafCase
			for i, br := range h.V2G {
				for _, s := range br.SECC {
					cases = append(cases, leafCase{"SECC/" + s.Cert.Subject.CommonName, s, v2g, certs(br.CPOSubCA2, br.CPOSubCA1), p})
				}
				cases = append(cases, leafCase{"CPS/" + string(rune('1'+i)), br.CPS, v2g, certs(br.CPSSubCA1, br.CPSSubCA2), p})
			}
			for _, e := range h.EMSPs {
				for _, c := range e.Contracts {
					cases = append(cases, leafCase{"contract/" + c.Cert.Subject.CommonName, c, NewTrustStore(e.Root.Cert), certs(e.SubCA2, e.SubCA1), p})
				}
			}
			for _, c := range h.OEM.Provisioning {
				cases = append(cases, leafCase{"oem/" + c.Cert.Subject.CommonName, c, NewTrustStore(h.OEM.Root.Cert), certs(h.OEM.SubCA2, h.OEM.SubCA1), p})
			}
			for _, c := range append([]*Credential{h.OCPP.CSMS}, h.OCPP.Stations...) {
				cases = append(cases, leafCase{"ocpp/" + c.Cert.Subject.CommonName, c, NewTrustStore(h.OCPP.Root.Cert), nil, ISO2})
			}
			for _, tc := range cases {
				chain, err := Verify(tc.leaf.Cert, VerifyOptions{Profile: tc.prof, Roots: tc.roots, Intermediates: tc.subs, At: at, Role: tc.leaf.Role})
				if err != nil {
					t.Errorf("%s: Verify = %v, want nil", tc.name, err)
					continue
				}
				if want := len(tc.subs) + 2; len(chain) != want {
					t.Errorf("%s: chain length %d, want %d", tc.name, len(chain), want)
				}
				if got := ClassifyRole(tc.leaf.Cert); got != tc.leaf.Role {
					t.Errorf("%s: ClassifyRole = %v, want %v", tc.name, got, tc.leaf.Role)
				}
				if max := p.MaxCertificateSize(); tc.prof == p && len(tc.leaf.Cert.Raw) > max {
					t.Errorf("%s: %d bytes > %d", tc.name, len(tc.leaf.Cert.Raw), max)
				}
			}
			for _, ca := range h.CAs() {
				if got := ClassifyRole(ca.Cert); got != ca.Role {
					t.Errorf("ClassifyRole(%s) = %v, want %v", ca.Cert.Subject, got, ca.Role)
				}
			}
		})
	}
}

func TestHierarchyDeterministic(t *testing.T) {
	for _, p := range []Profile{ISO2, ISO20Ed448} {
		a := newTestHierarchy(t, p)
		b := newTestHierarchy(t, p)
		if !bytes.Equal(a.EMSPs[1].Contracts[1].Cert.Raw, b.EMSPs[1].Contracts[1].Cert.Raw) ||
			!bytes.Equal(a.V2G[1].SECC[1].Cert.Raw, b.V2G[1].SECC[1].Cert.Raw) {
			t.Errorf("%v: same seed gave different certificates", p)
		}
		c, err := NewHierarchy(HierarchyOptions{Profile: p, Seed: []byte("other seed"), At: testAt})
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Equal(a.V2G[0].Root.Cert.Raw, c.V2G[0].Root.Cert.Raw) {
			t.Errorf("%v: different seeds gave the same root", p)
		}
	}
}

// TestMOUnderV2G chains the MO Sub-CAs to the first V2G root (PKI-NOTES §1:
// MO may use a V2G root): a trust store of V2G roots then verifies
// contracts too.
func TestMOUnderV2G(t *testing.T) {
	h, err := NewHierarchy(HierarchyOptions{Profile: ISO2, Seed: []byte("mo under v2g"), At: testAt, MOUnderV2G: true})
	if err != nil {
		t.Fatal(err)
	}
	e := h.EMSPs[0]
	if e.Root != nil {
		t.Fatal("MOUnderV2G still made an MO root")
	}
	store := NewTrustStore(h.V2G[0].Root.Cert, h.V2G[1].Root.Cert)
	chain, err := Verify(e.Contracts[0].Cert, VerifyOptions{Profile: ISO2, Roots: store, Intermediates: certs(e.SubCA2, e.SubCA1), At: testAt.Add(time.Hour), Role: RoleContract})
	if err != nil {
		t.Fatalf("Verify = %v", err)
	}
	if chain[3] != h.V2G[0].Root.Cert {
		t.Errorf("chain ends at %s, want the first V2G root", chain[3].Subject)
	}
}
