package ocppws

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"testing"
	"time"

	"github.com/plugsim/plugsim/pki"
)

// TestProfile3WithPKIHierarchy runs security profile 3 on the OCPP branch
// of a pki.Hierarchy: the CSMS server certificate and the stations' client
// certificates (CN = station id) under the CSMS root. A station presenting
// another station's certificate is refused.
func TestProfile3WithPKIHierarchy(t *testing.T) {
	h, err := pki.NewHierarchy(pki.HierarchyOptions{
		Profile: pki.ISO2, Seed: []byte("bridge/ocppws profile 3"), Stations: 2,
		// The bridge talks to real peers on the wall clock.
		At: time.Now().Add(-time.Hour),
	})
	if err != nil {
		t.Fatal(err)
	}
	tlsCert := func(c *pki.Credential) tls.Certificate {
		return tls.Certificate{Certificate: [][]byte{c.Cert.Raw}, PrivateKey: c.Key.ECDSA(), Leaf: c.Cert}
	}
	roots := x509.NewCertPool()
	roots.AddCert(h.OCPP.Root.Cert)
	serverTLS, err := ServerTLSConfig(Profile3, tlsCert(h.OCPP.CSMS), roots)
	if err != nil {
		t.Fatal(err)
	}
	srv, err := NewServer(ServerOptions{Profile: Profile3, Session: echoSession})
	if err != nil {
		t.Fatal(err)
	}
	hs := startServer(t, srv, serverTLS)
	serverName := h.OCPP.CSMS.Cert.DNSNames[0]

	tests := []struct {
		name    string
		station string
		cert    *pki.Credential
		wantErr error
	}{
		{"own certificate", pki.StationID(0), h.OCPP.Stations[0], nil},
		{"second station", pki.StationID(1), h.OCPP.Stations[1], nil},
		{"another station's certificate", pki.StationID(0), h.OCPP.Stations[1], ErrUnauthorized},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cl, err := NewClient(ClientOptions{URL: baseURL(hs), StationID: tt.station, Profile: Profile3,
				TLSConfig: &tls.Config{RootCAs: roots, ServerName: serverName, Certificates: []tls.Certificate{tlsCert(tt.cert)}}})
			if err != nil {
				t.Fatal(err)
			}
			conn, err := cl.Dial(t.Context())
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("Dial error = %v, want %v", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Dial: %v", err)
			}
			defer conn.Close()
			roundTrip(t, conn, `[2,"1","Heartbeat",{}]`)
		})
	}
}
