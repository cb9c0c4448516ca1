package v2gtls

import (
	"crypto"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net"
	"testing"
	"time"

	"github.com/plugsim/plugsim/pki"
	"github.com/plugsim/plugsim/pki/revocation"
)

var t0 = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)

func hierarchy(t *testing.T, p pki.Profile, seed string) *pki.Hierarchy {
	t.Helper()
	h, err := pki.NewHierarchy(pki.HierarchyOptions{Profile: p, Seed: []byte(seed), At: t0})
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// handshake runs both sides over net.Pipe and returns the client's state
// and both errors.
func handshake(server, client *tls.Config) (tls.ConnectionState, error, error) {
	c1, c2 := net.Pipe()
	defer c1.Close()
	defer c2.Close()
	errc := make(chan error, 1)
	go func() {
		err := tls.Server(c2, server).Handshake()
		c2.Close() // unblock the client if the server gave up
		errc <- err
	}()
	c := tls.Client(c1, client)
	cerr := c.Handshake()
	c1.Close()
	serr := <-errc
	return c.ConnectionState(), cerr, serr
}

func reasonOf(err error) pki.Reason {
	if e, ok := errors.AsType[*pki.Error](err); ok {
		return e.Reason
	}
	return 0
}

func TestISO2(t *testing.T) {
	h := hierarchy(t, pki.ISO2, "v2gtls")
	v := h.V2G[1] // the SECC chains to the second root operator
	at := t0.Add(time.Hour)
	now := func() time.Time { return at }
	k, err := pki.DeriveKey(pki.ECDSAP256SHA256, []byte("v2gtls"), "ocsp")
	if err != nil {
		t.Fatal(err)
	}
	responder, err := revocation.NewResponder(v.CPOSubCA2, t0, revocation.ResponderOptions{SignerKey: k})
	if err != nil {
		t.Fatal(err)
	}
	secc := v.SECC[0]
	good, err := responder.ResponseFor(secc.Cert.SerialNumber, crypto.SHA256, at)
	if err != nil {
		t.Fatal(err)
	}
	both := pki.NewTrustStore(h.V2G[0].Root.Cert, h.V2G[1].Root.Cert)
	tests := []struct {
		name    string
		staple  []byte
		roots   *pki.TrustStore
		require bool
		at      time.Time
		want    pki.Reason // 0: success
	}{
		{name: "two V2G roots, chain to the second", roots: both, at: at},
		{name: "stapled good response required", roots: both, staple: good, require: true, at: at},
		{name: "staple required but absent", roots: both, require: true, at: at, want: pki.ReasonRevocationUnknown},
		{name: "stale staple", roots: both, staple: good, require: true, at: at.Add(revocation.DefaultValidity + time.Hour), want: pki.ReasonOCSPStale},
		{name: "only the other operator's root", roots: pki.NewTrustStore(h.V2G[0].Root.Cert), at: at, want: pki.ReasonUnknownIssuer},
		{name: "SECC leaf expired at simulated time", roots: both, at: t0.Add(200 * 24 * time.Hour), want: pki.ReasonExpired},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clock := func() time.Time { return tt.at }
			server, err := SECCConfig(secc, SECCOptions{Profile: pki.ISO2, Now: clock, SubCAs: []*x509.Certificate{v.CPOSubCA2.Cert, v.CPOSubCA1.Cert}, OCSPStaple: tt.staple})
			if err != nil {
				t.Fatal(err)
			}
			client, err := EVConfig(EVOptions{Profile: pki.ISO2, Now: clock, V2GRoots: tt.roots, RequireStaple: tt.require})
			if err != nil {
				t.Fatal(err)
			}
			st, cerr, _ := handshake(server, client)
			if tt.want == 0 {
				if cerr != nil {
					t.Fatalf("handshake: %v", cerr)
				}
				if st.Version != tls.VersionTLS12 || st.CipherSuite != tls.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256 {
					t.Errorf("negotiated %x / %x, want TLS 1.2 / 0xC023", st.Version, st.CipherSuite)
				}
				return
			}
			if got := reasonOf(cerr); got != tt.want {
				t.Errorf("handshake error %v, want reason %v", cerr, tt.want)
			}
		})
	}
	// A revoked leaf in the staple.
	responder.Revoke(secc.Cert.SerialNumber, at, 1)
	revoked, err := responder.ResponseFor(secc.Cert.SerialNumber, crypto.SHA256, at)
	if err != nil {
		t.Fatal(err)
	}
	server, _ := SECCConfig(secc, SECCOptions{Profile: pki.ISO2, Now: now, SubCAs: []*x509.Certificate{v.CPOSubCA2.Cert, v.CPOSubCA1.Cert}, OCSPStaple: revoked})
	client, _ := EVConfig(EVOptions{Profile: pki.ISO2, Now: now, V2GRoots: both, RequireStaple: true})
	if _, cerr, _ := handshake(server, client); reasonOf(cerr) != pki.ReasonRevoked {
		t.Errorf("revoked staple: %v, want revoked", cerr)
	}
}

func TestISO20Mutual(t *testing.T) {
	h := hierarchy(t, pki.ISO20, "v2gtls20")
	other := hierarchy(t, pki.ISO20, "another OEM")
	v := h.V2G[0]
	now := func() time.Time { return t0.Add(time.Hour) }
	server, err := SECCConfig(v.SECC[0], SECCOptions{Profile: pki.ISO20, Now: now, SubCAs: []*x509.Certificate{v.CPOSubCA2.Cert, v.CPOSubCA1.Cert}, OEMRoots: pki.NewTrustStore(h.OEM.Root.Cert)})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		oem  *pki.OEMBranch
		want pki.Reason
	}{
		{"own OEM", h.OEM, 0},
		{"another OEM with the same names", other.OEM, pki.ReasonBadSignature},
	} {
		t.Run(tc.name, func(t *testing.T) {
			client, err := EVConfig(EVOptions{Profile: pki.ISO20, Now: now, V2GRoots: pki.NewTrustStore(v.Root.Cert),
				Provisioning: tc.oem.Provisioning[0], OEMSubCAs: []*x509.Certificate{tc.oem.SubCA2.Cert, tc.oem.SubCA1.Cert}})
			if err != nil {
				t.Fatal(err)
			}
			st, cerr, serr := handshake(server, client)
			if tc.want == 0 {
				if cerr != nil || serr != nil {
					t.Fatalf("handshake: client %v, server %v", cerr, serr)
				}
				if st.Version != tls.VersionTLS13 {
					t.Errorf("version %x, want TLS 1.3", st.Version)
				}
				return
			}
			if got := reasonOf(serr); got != tc.want {
				t.Errorf("server error %v, want reason %v", serr, tc.want)
			}
		})
	}
}
