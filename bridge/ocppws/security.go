package ocppws

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net/url"
	"strings"
)

// SecurityProfile is an OCPP security profile (OCPP 2.0.1 part 2, A00):
// how a station authenticates to the CSMS and whether the link is TLS.
type SecurityProfile int

// The security profiles. ProfileNone (no authentication, plain ws) is not
// an OCPP profile; it exists for tests and closed labs.
const (
	// ProfileNone: plain WebSocket, no authentication.
	ProfileNone SecurityProfile = 0
	// Profile1: unsecured transport with HTTP Basic authentication.
	Profile1 SecurityProfile = 1
	// Profile2: TLS with HTTP Basic authentication; the station checks the
	// CSMS server certificate.
	Profile2 SecurityProfile = 2
	// Profile3: TLS with client certificates; the station certificate's
	// subject CN is the station identity.
	Profile3 SecurityProfile = 3
)

// String returns "profile N".
func (p SecurityProfile) String() string { return fmt.Sprintf("profile %d", int(p)) }

func (p SecurityProfile) valid() bool { return p >= ProfileNone && p <= Profile3 }

// usesTLS reports whether the profile requires wss.
func (p SecurityProfile) usesTLS() bool { return p >= Profile2 }

// usesBasicAuth reports whether the profile authenticates with a password.
func (p SecurityProfile) usesBasicAuth() bool { return p == Profile1 || p == Profile2 }

// MaxStationIDLength is the longest accepted station identity (identifierString
// of 48 characters in OCPP 2.0.1).
const MaxStationIDLength = 48

// Errors reported when a connection is refused.
var (
	ErrNoCommonSubprotocol = errors.New("ocppws: no common subprotocol")
	ErrUnauthorized        = errors.New("ocppws: unauthorized")
	ErrBadStationID        = errors.New("ocppws: bad station identity")
)

// checkStationID enforces the identity rules: non-empty, at most
// [MaxStationIDLength] characters, and no ':' (the Basic auth user-id
// separator, forbidden in identities by OCPP 2.0.1 A00).
func checkStationID(id string) error {
	switch {
	case id == "":
		return fmt.Errorf("%w: empty", ErrBadStationID)
	case len(id) > MaxStationIDLength:
		return fmt.Errorf("%w: %d characters, at most %d", ErrBadStationID, len(id), MaxStationIDLength)
	case strings.ContainsAny(id, ":/"):
		return fmt.Errorf("%w: %q contains ':' or '/'", ErrBadStationID, id)
	}
	return nil
}

// stationURL appends the station identity to the CSMS base URL as its last
// path segment (OCPP-J: ws://host/path/<identity>), percent-encoded: JoinPath
// takes escaped segments, so an identity holding '%' would otherwise be
// decoded into another one.
func stationURL(base, stationID string) (string, error) {
	u, err := url.Parse(base)
	if err != nil {
		return "", fmt.Errorf("ocppws: parsing CSMS URL: %w", err)
	}
	if u.Scheme != "ws" && u.Scheme != "wss" {
		return "", fmt.Errorf("ocppws: CSMS URL scheme %q, want ws or wss", u.Scheme)
	}
	return u.JoinPath(url.PathEscape(stationID)).String(), nil
}

// stationIDFromPath returns the last non-empty segment of an unescaped
// URL path.
func stationIDFromPath(p string) string {
	p = strings.TrimSuffix(p, "/")
	if i := strings.LastIndexByte(p, '/'); i >= 0 {
		return p[i+1:]
	}
	return p
}

// ServerTLSConfig returns a TLS configuration for a CSMS server of the
// given profile: TLS 1.2 or later, and for [Profile3] client certificates
// required and verified against clientCAs. Set it as the http.Server's
// TLSConfig.
func ServerTLSConfig(p SecurityProfile, cert tls.Certificate, clientCAs *x509.CertPool) (*tls.Config, error) {
	if !p.usesTLS() {
		return nil, fmt.Errorf("ocppws: %v uses no TLS", p)
	}
	cfg := &tls.Config{
		MinVersion:   tls.VersionTLS12,
		Certificates: []tls.Certificate{cert},
	}
	if p == Profile3 {
		if clientCAs == nil {
			return nil, errors.New("ocppws: profile 3 needs client CAs")
		}
		cfg.ClientAuth = tls.RequireAndVerifyClientCert
		cfg.ClientCAs = clientCAs
	}
	return cfg, nil
}

// checkClientCertificate enforces profile 3's identity rule: the verified
// client certificate's subject CN equals the station identity.
func checkClientCertificate(cs *tls.ConnectionState, stationID string) error {
	if cs == nil || len(cs.VerifiedChains) == 0 || len(cs.VerifiedChains[0]) == 0 {
		return fmt.Errorf("%w: no verified client certificate", ErrUnauthorized)
	}
	leaf := cs.VerifiedChains[0][0]
	if leaf.Subject.CommonName != stationID {
		return fmt.Errorf("%w: client certificate CN %q, station %q", ErrUnauthorized, leaf.Subject.CommonName, stationID)
	}
	return nil
}

// pickSubprotocol returns the first of offered (the client's order of
// preference) that supported contains, or "".
func pickSubprotocol(offered, supported []string) string {
	for _, o := range offered {
		for _, s := range supported {
			if o == s {
				return o
			}
		}
	}
	return ""
}
