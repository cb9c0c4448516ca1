package pkidir

import (
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/plugsim/plugsim/pki"
	"github.com/plugsim/plugsim/pki/ident"
)

// Report is what [Inspect] finds out about a certificate.
type Report struct {
	Cert       *x509.Certificate   // the certificate inspected
	Role       pki.Role            // its role guessed by pki.ClassifyRole, 0 when none fits
	Profile    pki.Profile         // the profile its algorithm implies
	Identifier string              // e.g. "EMAID DEM01C000000016 (check digit ok)"
	At         time.Time           // the time of the verdict
	Chain      []*x509.Certificate // leaf first, when verified
	Err        error               // the chain verdict: nil when accepted
}

// Inspect classifies cert, reads its identifiers and verifies its chain at
// time at against trust. A CA certificate is checked as a chain element (its
// own issuers), a leaf with its role's rules.
func Inspect(cert *x509.Certificate, trust *Trust, at time.Time) *Report {
	r := &Report{Cert: cert, Role: pki.ClassifyRole(cert), At: at}
	switch {
	case cert.PublicKeyAlgorithm == x509.UnknownPublicKeyAlgorithm:
		r.Profile = pki.ISO20Ed448
	case cert.SignatureAlgorithm == x509.ECDSAWithSHA512:
		r.Profile = pki.ISO20
	default:
		r.Profile = pki.ISO2
	}
	cn := cert.Subject.CommonName
	switch r.Role {
	case pki.RoleContract:
		if e, err := ident.ParseEMAID(cn); err != nil {
			r.Identifier = fmt.Sprintf("EMAID %q: %v", cn, err)
		} else if err := e.Verify(); err != nil {
			r.Identifier = fmt.Sprintf("EMAID %s: %v", e, err)
		} else {
			r.Identifier = fmt.Sprintf("EMAID %s (%s, check digit ok)", e, e.Hyphenated())
		}
	case pki.RoleOEMProvisioning:
		if p, err := ident.ParsePCID(cn); err != nil {
			r.Identifier = fmt.Sprintf("PCID %q: %v", cn, err)
		} else {
			r.Identifier = fmt.Sprintf("PCID %s (WMI %s)", p, p.WMI)
		}
	case pki.RoleSECC:
		if id, err := ident.ParseSECCID(cn); err == nil {
			r.Identifier = fmt.Sprintf("SECC ID %s (operator %s-%s)", id, id.Country, id.Operator)
		} else {
			r.Identifier = fmt.Sprintf("SECC ID %q (not in the ISO 15118-20 syntax)", cn)
		}
	case pki.RoleChargingStation:
		r.Identifier = "station id " + cn
	}
	var roots []*x509.Certificate
	if trust != nil {
		roots = trust.Roots
	}
	opts := pki.VerifyOptions{Profile: r.Profile, Roots: pki.NewTrustStore(roots...), At: at}
	if trust != nil {
		opts.Intermediates = trust.SubCAs
	}
	if string(cert.RawIssuer) == string(cert.RawSubject) {
		for _, root := range roots {
			if string(root.Raw) == string(cert.Raw) {
				r.Chain = []*x509.Certificate{cert}
				if at.Before(cert.NotBefore) || at.After(cert.NotAfter) {
					r.Err = &pki.Error{Reason: pki.ReasonExpired, Cert: cert, Detail: "trusted root outside its validity"}
					r.Chain = nil
				}
				return r
			}
		}
		r.Err = &pki.Error{Reason: pki.ReasonUnknownIssuer, Cert: cert, Detail: "self-signed certificate not in the trust directory"}
		return r
	}
	if r.Role > 0 {
		opts.Role = r.Role
	}
	// Several sub-CAs may share a name (one CPO under two V2G roots): try
	// every path of sub-CAs the directory offers, by name, and keep the first
	// that verifies, else the first rejection.
	all := opts.Intermediates
	for _, path := range subCAPaths(cert, all, r.Profile.MaxSubCAs()) {
		opts.Intermediates = path
		chain, err := pki.Verify(cert, opts)
		if err == nil {
			r.Chain, r.Err = chain, nil
			return r
		}
		// Keep the most telling rejection: anything beats "unknown issuer",
		// which every too-short path gives.
		if pe, ok := errors.AsType[*pki.Error](r.Err); r.Err == nil || ok && pe.Reason == pki.ReasonUnknownIssuer {
			r.Err = err
		}
	}
	return r
}

// subCAPaths returns every chain of sub-CAs above cert, following issuer
// names, up to max long; the empty path is always first.
func subCAPaths(cert *x509.Certificate, subs []*x509.Certificate, max int) [][]*x509.Certificate {
	paths := [][]*x509.Certificate{nil}
	var walk func(cur *x509.Certificate, path []*x509.Certificate)
	walk = func(cur *x509.Certificate, path []*x509.Certificate) {
		if len(path) == max {
			return
		}
		for _, s := range subs {
			if string(s.RawSubject) != string(cur.RawIssuer) || string(s.Raw) == string(cur.Raw) {
				continue
			}
			p := append(append([]*x509.Certificate(nil), path...), s)
			paths = append(paths, p)
			walk(s, p)
		}
	}
	walk(cert, nil)
	return paths
}

// Write prints the report.
func (r *Report) Write(w io.Writer, file string) error {
	var b strings.Builder
	c := r.Cert
	fmt.Fprintf(&b, "file:       %s\n", file)
	role := "unknown"
	if r.Role > 0 {
		role = r.Role.String()
	}
	fmt.Fprintf(&b, "role:       %s\n", role)
	fmt.Fprintf(&b, "subject:    %s\n", pki.FormatName(c.Subject))
	fmt.Fprintf(&b, "issuer:     %s\n", pki.FormatName(c.Issuer))
	fmt.Fprintf(&b, "serial:     0x%s\n", c.SerialNumber.Text(16))
	fmt.Fprintf(&b, "algorithm:  %s (profile %s), %d bytes DER\n", r.Profile.Algorithm(), r.Profile, len(c.Raw))
	if r.Identifier != "" {
		fmt.Fprintf(&b, "identifier: %s\n", r.Identifier)
	}
	state := "valid"
	switch {
	case r.At.Before(c.NotBefore):
		state = "not yet valid"
	case r.At.After(c.NotAfter):
		state = "expired"
	}
	fmt.Fprintf(&b, "validity:   %s .. %s (%s at %s)\n", c.NotBefore.UTC().Format(time.RFC3339), c.NotAfter.UTC().Format(time.RFC3339), state, r.At.UTC().Format(time.RFC3339))
	if len(c.OCSPServer) > 0 {
		fmt.Fprintf(&b, "ocsp:       %s\n", strings.Join(c.OCSPServer, ", "))
	}
	if alt, err := pki.AltPublicKeyX448(c); err == nil {
		fmt.Fprintf(&b, "alt key:    X448 %x (key agreement for ECDHCurve X448)\n", alt)
	} else if pe, ok := errors.AsType[*pki.Error](err); ok && pe.Reason == pki.ReasonMalformed {
		fmt.Fprintf(&b, "alt key:    %v\n", err)
	}
	if r.Err != nil {
		reason := "error"
		if pe, ok := errors.AsType[*pki.Error](r.Err); ok {
			reason = pe.Reason.String()
		}
		fmt.Fprintf(&b, "chain:      REJECTED (%s): %v\n", reason, r.Err)
	} else {
		var names []string
		for _, x := range r.Chain {
			names = append(names, x.Subject.CommonName)
		}
		fmt.Fprintf(&b, "chain:      OK: %s\n", strings.Join(names, " <- "))
	}
	_, err := io.WriteString(w, b.String())
	return err
}
