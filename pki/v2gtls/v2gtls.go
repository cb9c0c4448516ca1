// Package v2gtls owns the TLS configurations of the ISO 15118 link between
// EV and charger, with certificate checks done by pki.Verify at the
// simulation's time instead of crypto/x509's rules at the wall clock.
//
// ISO 15118-2 runs TLS 1.2 with TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256
// (0xC023), server authentication only: the SECC sends leaf, CPO Sub-CA 2
// and Sub-CA 1, the EV checks them against its V2G roots and DC=CPO on the
// leaf ([V2G2-875], [V2G2-925] [S]). Go implements 0xC023 only among its
// insecure suites, so it is listed explicitly; the static-ECDH suite 0xC025
// is not implemented by Go (PKI-NOTES §4). ISO 15118-20 runs TLS 1.3 with
// mutual authentication: the EV answers with its OEM provisioning chain.
// Go offers no Ed448 or X448 in TLS, so ISO-20 here uses P-521 certificates.
package v2gtls

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"time"

	"github.com/plugsim/plugsim/pki"
	"github.com/plugsim/plugsim/pki/revocation"
)

// SECCOptions configure [SECCConfig].
type SECCOptions struct {
	Profile pki.Profile      // pki.ISO2 or pki.ISO20; required
	Now     func() time.Time // the simulation clock; required
	// SubCAs follow the leaf in the Certificate message (Sub-CA 2 first).
	SubCAs []*x509.Certificate
	// OCSPStaple is the DER OCSP response for the leaf, stapled when the EV
	// asks (Go staples the leaf only, PKI-NOTES §4); nil for none.
	OCSPStaple []byte
	// OEMRoots, for ISO-20, are the roots the EV's OEM provisioning chain must
	// reach; required for ISO-20 (mutual authentication).
	OEMRoots *pki.TrustStore
}

// SECCConfig returns the server configuration of an SECC holding secc (a
// RoleSECC credential with its key).
func SECCConfig(secc *pki.Credential, o SECCOptions) (*tls.Config, error) {
	if o.Now == nil || secc == nil || secc.Key == nil || secc.Key.ECDSA() == nil {
		return nil, errors.New("v2gtls: SECCConfig needs a clock and an ECDSA SECC credential with its key")
	}
	chain := [][]byte{secc.Cert.Raw}
	for _, c := range o.SubCAs {
		chain = append(chain, c.Raw)
	}
	cfg := &tls.Config{
		Certificates: []tls.Certificate{{Certificate: chain, PrivateKey: secc.Key.ECDSA(), OCSPStaple: o.OCSPStaple}},
		Time:         o.Now,
	}
	switch o.Profile {
	case pki.ISO2:
		setISO2(cfg)
	case pki.ISO20:
		if o.OEMRoots == nil {
			return nil, errors.New("v2gtls: ISO-20 needs OEMRoots for the EV's provisioning chain")
		}
		cfg.MinVersion = tls.VersionTLS13
		cfg.ClientAuth = tls.RequireAnyClientCert
		cfg.VerifyPeerCertificate = verifier(o.Profile, o.OEMRoots, pki.RoleOEMProvisioning, o.Now)
	default:
		return nil, fmt.Errorf("v2gtls: profile %v has no TLS configuration here (Go has no Ed448 in TLS)", o.Profile)
	}
	return cfg, nil
}

// EVOptions configure [EVConfig].
type EVOptions struct {
	Profile pki.Profile      // pki.ISO2 or pki.ISO20; required
	Now     func() time.Time // the simulation clock; required
	// V2GRoots are the EV's trusted V2G roots (several root operators).
	V2GRoots *pki.TrustStore
	// Provisioning is the EV's OEM provisioning credential and OEMSubCAs its
	// sub-CAs, sent in ISO-20 mutual authentication; ignored for ISO-2.
	Provisioning *pki.Credential
	OEMSubCAs    []*x509.Certificate // Sub-CA 2 first
	// RequireStaple makes the EV insist on a stapled, fresh, good OCSP
	// response for the SECC leaf (status_request, PKI-NOTES §5).
	RequireStaple bool
}

// EVConfig returns the client configuration of an EV.
func EVConfig(o EVOptions) (*tls.Config, error) {
	if o.Now == nil || o.V2GRoots == nil {
		return nil, errors.New("v2gtls: EVConfig needs a clock and V2G roots")
	}
	var staple func(tls.ConnectionState) error
	if o.RequireStaple {
		staple = func(cs tls.ConnectionState) error {
			if len(cs.PeerCertificates) < 2 || cs.OCSPResponse == nil {
				return &pki.Error{Reason: pki.ReasonRevocationUnknown, Detail: "no stapled OCSP response"}
			}
			r, err := revocation.ParseResponse(cs.OCSPResponse, cs.PeerCertificates[0], cs.PeerCertificates[1], o.Now())
			if err != nil {
				return err
			}
			return r.Err(cs.PeerCertificates[0])
		}
	}
	cfg := &tls.Config{
		// The chain is checked by pki.Verify in VerifyPeerCertificate: ISO
		// certificates carry no host names and the time is simulated.
		InsecureSkipVerify:    true,
		VerifyPeerCertificate: verifier(o.Profile, o.V2GRoots, pki.RoleSECC, o.Now),
		Time:                  o.Now,
	}
	if staple != nil {
		cfg.VerifyConnection = staple
	}
	switch o.Profile {
	case pki.ISO2:
		setISO2(cfg)
	case pki.ISO20:
		cfg.MinVersion = tls.VersionTLS13
		if o.Provisioning == nil || o.Provisioning.Key == nil || o.Provisioning.Key.ECDSA() == nil {
			return nil, errors.New("v2gtls: ISO-20 needs the EV's ECDSA provisioning credential")
		}
		chain := [][]byte{o.Provisioning.Cert.Raw}
		for _, c := range o.OEMSubCAs {
			chain = append(chain, c.Raw)
		}
		cfg.Certificates = []tls.Certificate{{Certificate: chain, PrivateKey: o.Provisioning.Key.ECDSA()}}
	default:
		return nil, fmt.Errorf("v2gtls: profile %v has no TLS configuration here", o.Profile)
	}
	return cfg, nil
}

// setISO2 sets what both sides of an ISO 15118-2 link use: TLS 1.2 only,
// TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256 (listed explicitly: Go keeps it
// among its insecure suites) and ECDHE on P-256.
func setISO2(cfg *tls.Config) {
	cfg.MinVersion, cfg.MaxVersion = tls.VersionTLS12, tls.VersionTLS12
	cfg.CipherSuites = []uint16{tls.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256}
	cfg.CurvePreferences = []tls.CurveID{tls.CurveP256}
}

// verifier checks a peer's chain with pki.Verify at now().
func verifier(p pki.Profile, roots *pki.TrustStore, role pki.Role, now func() time.Time) func([][]byte, [][]*x509.Certificate) error {
	return func(raw [][]byte, _ [][]*x509.Certificate) error {
		if len(raw) == 0 {
			return &pki.Error{Reason: pki.ReasonUnknownIssuer, Detail: "peer sent no certificate"}
		}
		certs := make([]*x509.Certificate, 0, len(raw))
		for _, r := range raw {
			c, err := pki.ParseCertificate(r)
			if err != nil {
				return err
			}
			certs = append(certs, c)
		}
		_, err := pki.Verify(certs[0], pki.VerifyOptions{Profile: p, Roots: roots, Intermediates: certs[1:], At: now(), Role: role})
		return err
	}
}
