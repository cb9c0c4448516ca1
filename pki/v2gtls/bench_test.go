package v2gtls

import (
	"crypto/tls"
	"crypto/x509"
	"net"
	"testing"
	"time"

	"github.com/plugsim/plugsim/pki"
)

// BenchmarkHandshake measures one full handshake over net.Pipe, both sides'
// CPU, with the configurations of this package: ISO-2 is TLS 1.2 with
// 0xC023 (the suite of the dSPACE capture), the SECC sending leaf + Sub-CA 2
// + Sub-CA 1 and the EV checking them with pki.Verify (3 ECDSA
// verifications) against two V2G roots; ISO-20 is TLS 1.3 with mutual
// authentication on P-521 certificates (both chains checked).
func BenchmarkHandshake(b *testing.B) {
	for _, p := range []pki.Profile{pki.ISO2, pki.ISO20} {
		name := map[pki.Profile]string{pki.ISO2: "iso2-tls12-C023", pki.ISO20: "iso20-tls13-mutual-P521"}[p]
		b.Run(name, func(b *testing.B) {
			h, err := pki.NewHierarchy(pki.HierarchyOptions{Profile: p, Seed: []byte("bench"), At: t0})
			if err != nil {
				b.Fatal(err)
			}
			v := h.V2G[0]
			now := func() time.Time { return t0.Add(time.Hour) }
			server, err := SECCConfig(v.SECC[0], SECCOptions{Profile: p, Now: now, SubCAs: []*x509.Certificate{v.CPOSubCA2.Cert, v.CPOSubCA1.Cert}, OEMRoots: pki.NewTrustStore(h.OEM.Root.Cert)})
			if err != nil {
				b.Fatal(err)
			}
			client, err := EVConfig(EVOptions{Profile: p, Now: now, V2GRoots: pki.NewTrustStore(h.V2G[0].Root.Cert, h.V2G[1].Root.Cert),
				Provisioning: h.OEM.Provisioning[0], OEMSubCAs: []*x509.Certificate{h.OEM.SubCA2.Cert, h.OEM.SubCA1.Cert}})
			if err != nil {
				b.Fatal(err)
			}
			for b.Loop() {
				c1, c2 := net.Pipe()
				errc := make(chan error, 1)
				go func() { errc <- tls.Server(c2, server).Handshake() }()
				if err := tls.Client(c1, client).Handshake(); err != nil {
					b.Fatal(err)
				}
				if err := <-errc; err != nil {
					b.Fatal(err)
				}
				// Close the pipe, not the TLS connections: tls.Conn.Close
				// writes a close_notify nobody reads on a synchronous pipe.
				c1.Close()
				c2.Close()
			}
		})
	}
}
