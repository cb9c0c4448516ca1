package pki_test

import (
	"crypto/tls"
	"crypto/x509"
	"net"
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

// BenchmarkTLSHandshake measures a full handshake over net.Pipe, both sides'
// CPU: ISO-2 is TLS 1.2 with TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256 (0xC023,
// the suite of the dSPACE capture), server-only authentication with the
// SECC leaf + CPO Sub-CA 2 + Sub-CA 1, and the EV verifying the chain with
// pki.Verify against its V2G roots; ISO-20 is TLS 1.3 with mutual
// authentication (OEM provisioning chain) on P-521 certificates.
func BenchmarkTLSHandshake(b *testing.B) {
	b.Run("iso2-tls12-C023", func(b *testing.B) { benchTLS(b, pki.ISO2) })
	b.Run("iso20-tls13-mutual-P521", func(b *testing.B) { benchTLS(b, pki.ISO20) })
}

func benchTLS(b *testing.B, p pki.Profile) {
	h := benchHierarchy(b, p)
	v := h.V2G[0]
	at := benchAt.Add(time.Hour)
	secc := v.SECC[0]
	serverCert := tls.Certificate{Certificate: [][]byte{secc.Cert.Raw, v.CPOSubCA2.Cert.Raw, v.CPOSubCA1.Cert.Raw}, PrivateKey: secc.Key.ECDSA()}
	v2g := pki.NewTrustStore(v.Root.Cert)
	oemStore := pki.NewTrustStore(h.OEM.Root.Cert)
	verify := func(store *pki.TrustStore, role pki.Role) func([][]byte, [][]*x509.Certificate) error {
		return func(raw [][]byte, _ [][]*x509.Certificate) error {
			var certs []*x509.Certificate
			for _, r := range raw {
				c, err := pki.ParseCertificate(r)
				if err != nil {
					return err
				}
				certs = append(certs, c)
			}
			_, err := pki.Verify(certs[0], pki.VerifyOptions{Profile: p, Roots: store, Intermediates: certs[1:], At: at, Role: role})
			return err
		}
	}
	now := func() time.Time { return at }
	server := &tls.Config{Certificates: []tls.Certificate{serverCert}, Time: now, MinVersion: tls.VersionTLS12}
	client := &tls.Config{InsecureSkipVerify: true, VerifyPeerCertificate: verify(v2g, pki.RoleSECC), Time: now}
	if p == pki.ISO2 {
		suites := []uint16{tls.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256}
		server.CipherSuites, client.CipherSuites = suites, suites
		server.MaxVersion, client.MaxVersion = tls.VersionTLS12, tls.VersionTLS12
		server.CurvePreferences = []tls.CurveID{tls.CurveP256}
		client.CurvePreferences = []tls.CurveID{tls.CurveP256}
	} else {
		oem := h.OEM.Provisioning[0]
		server.MinVersion = tls.VersionTLS13
		server.ClientAuth = tls.RequireAnyClientCert
		server.VerifyPeerCertificate = verify(oemStore, pki.RoleOEMProvisioning)
		client.Certificates = []tls.Certificate{{Certificate: [][]byte{oem.Cert.Raw, h.OEM.SubCA2.Cert.Raw, h.OEM.SubCA1.Cert.Raw}, PrivateKey: oem.Key.ECDSA()}}
		server.CurvePreferences = []tls.CurveID{tls.CurveP521}
		client.CurvePreferences = []tls.CurveID{tls.CurveP521}
	}
	for b.Loop() {
		c1, c2 := net.Pipe()
		errc := make(chan error, 1)
		go func() {
			s := tls.Server(c2, server)
			errc <- s.Handshake()
		}()
		c := tls.Client(c1, client)
		if err := c.Handshake(); err != nil {
			b.Fatal(err)
		}
		if err := <-errc; err != nil {
			b.Fatal(err)
		}
		st := c.ConnectionState()
		if p == pki.ISO2 && st.CipherSuite != tls.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256 {
			b.Fatalf("suite %x", st.CipherSuite)
		}
		// Close the pipe, not the TLS connections: tls.Conn.Close writes a
		// close_notify that nobody reads on a synchronous pipe.
		c1.Close()
		c2.Close()
	}
}
