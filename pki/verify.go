package pki

import (
	"crypto/x509"
	"errors"
	"fmt"
	"time"

	"github.com/cloudflare/circl/sign/ed448"
)

// TrustStore holds trusted roots, possibly several V2G roots of different
// root operators at once. It is immutable after [NewTrustStore].
type TrustStore struct {
	roots     []*x509.Certificate
	bySubject map[string][]*x509.Certificate
}

// NewTrustStore returns a store trusting roots.
func NewTrustStore(roots ...*x509.Certificate) *TrustStore {
	s := &TrustStore{bySubject: make(map[string][]*x509.Certificate)}
	for _, r := range roots {
		s.roots = append(s.roots, r)
		s.bySubject[string(r.RawSubject)] = append(s.bySubject[string(r.RawSubject)], r)
	}
	return s
}

// Roots returns the trusted roots in the order given.
func (s *TrustStore) Roots() []*x509.Certificate { return append([]*x509.Certificate(nil), s.roots...) }

// RevocationChecker answers whether a certificate issued by issuer is revoked
// at time at. It returns nil when the certificate is good, and an [*Error]
// (ReasonRevoked, ReasonOCSPStale, ReasonOCSPBadSignature,
// ReasonRevocationUnknown, ...) otherwise. pki/revocation implements it.
type RevocationChecker interface {
	CheckRevocation(cert, issuer *x509.Certificate, at time.Time) error
}

// VerifyOptions configure [Verify].
type VerifyOptions struct {
	Profile Profile     // required
	Roots   *TrustStore // required
	// Intermediates are the sub-CA certificates the peer sent, in any order
	// (ISO SubCertificates are [Sub-CA 2, Sub-CA 1], PEM bundles leaf first).
	// More than Profile.MaxSubCAs of them is [ReasonChainTooLong].
	Intermediates []*x509.Certificate
	// At is the time to verify at: the simulated time. Required.
	At time.Time
	// Role is the role the leaf must have (its DC, usage, CN syntax); 0
	// checks only what every leaf needs. A CA role verifies a sub-CA
	// certificate as the end of the path.
	Role Role
	// Revocation, when set, is asked about every certificate below the root.
	Revocation RevocationChecker
}

// Verify checks leaf against opts and returns the chain, leaf first and the
// trusted root last. Every rejection of the certificates is an [*Error] with
// its [Reason]; misuse (zero At, no Roots or Profile) is a plain error.
func Verify(leaf *x509.Certificate, opts VerifyOptions) ([]*x509.Certificate, error) {
	if opts.At.IsZero() {
		return nil, errors.New("pki: Verify: zero At: pass the simulated time")
	}
	if opts.Roots == nil || opts.Profile == 0 {
		return nil, errors.New("pki: Verify: Roots and Profile are required")
	}
	if n := len(opts.Intermediates); n > opts.Profile.MaxSubCAs() {
		return nil, reject(ReasonChainTooLong, leaf, ruleChainLen, "%d sub-CA certificates, at most %d", n, opts.Profile.MaxSubCAs())
	}
	if err := checkCommon(leaf, opts); err != nil {
		return nil, err
	}
	if err := checkLeaf(leaf, opts.Role); err != nil {
		return nil, err
	}
	chain := []*x509.Certificate{leaf}
	for {
		cur := chain[len(chain)-1]
		if len(chain) > opts.Profile.MaxSubCAs()+2 {
			return nil, reject(ReasonChainTooLong, leaf, ruleChainLen, "no root within %d certificates", opts.Profile.MaxSubCAs()+2)
		}
		if root, err := findIssuer(cur, opts.Roots.bySubject[string(cur.RawIssuer)], len(chain)-1, opts); root != nil {
			chain = append(chain, root)
			break
		} else if err != nil {
			return nil, err
		}
		var cands []*x509.Certificate
		for _, c := range opts.Intermediates {
			if string(c.RawSubject) == string(cur.RawIssuer) && !contains(chain, c) {
				cands = append(cands, c)
			}
		}
		sub, err := findIssuer(cur, cands, len(chain)-1, opts)
		if err != nil {
			return nil, err
		}
		if sub == nil {
			return nil, reject(ReasonUnknownIssuer, cur, "", "issuer %q is neither a trusted root nor a given sub-CA", issuerString(cur))
		}
		chain = append(chain, sub)
	}
	if opts.Revocation != nil {
		for i := 0; i+1 < len(chain); i++ {
			if err := opts.Revocation.CheckRevocation(chain[i], chain[i+1], opts.At); err != nil {
				return nil, err
			}
		}
	}
	return chain, nil
}

func contains(list []*x509.Certificate, c *x509.Certificate) bool {
	for _, x := range list {
		if x == c || string(x.Raw) == string(c.Raw) {
			return true
		}
	}
	return false
}

func issuerString(c *x509.Certificate) string { return FormatName(c.Issuer) }

// findIssuer returns the first candidate that is a valid issuer of cur, the
// first rejection when none is, or (nil, nil) when there are no candidates.
// below is the number of CA certificates between cur's issuer and the leaf
// (0 when cur is the leaf).
func findIssuer(cur *x509.Certificate, cands []*x509.Certificate, below int, opts VerifyOptions) (*x509.Certificate, error) {
	var first error
	for _, c := range cands {
		err := checkIssuer(cur, c, below, opts)
		if err == nil {
			return c, nil
		}
		if first == nil {
			first = err
		}
	}
	return nil, first
}

// checkIssuer checks that ca may have issued cur and did.
func checkIssuer(cur, ca *x509.Certificate, below int, opts VerifyOptions) error {
	if err := checkCommon(ca, opts); err != nil {
		return err
	}
	if !ca.BasicConstraintsValid || !ca.IsCA {
		return reject(ReasonNotCA, ca, ruleCAUsage, "issuer lacks basicConstraints CA:TRUE")
	}
	if ca.KeyUsage&x509.KeyUsageCertSign == 0 {
		return reject(ReasonWrongUsage, ca, ruleCAUsage, "issuer lacks keyCertSign")
	}
	// below counts the sub-CAs between ca and the leaf; cur itself is one
	// of them when it is a CA.
	if ca.MaxPathLen >= 0 && (ca.MaxPathLen > 0 || ca.MaxPathLenZero) && below > ca.MaxPathLen {
		return reject(ReasonPathTooLong, ca, ruleSub2, "pathLenConstraint %d, %d sub-CAs below", ca.MaxPathLen, below)
	}
	if err := CheckSignature(cur, ca); err != nil {
		return err
	}
	return nil
}

// checkCommon checks what every certificate of the chain must satisfy.
func checkCommon(c *x509.Certificate, opts VerifyOptions) error {
	role := ClassifyRole(c)
	ocpp := role > 0 && specs[role].ocpp
	if !ocpp && len(c.Raw) > opts.Profile.MaxCertificateSize() {
		return reject(ReasonTooLarge, c, sizeRule(opts.Profile), "%d bytes", len(c.Raw))
	}
	want := opts.Profile.Algorithm()
	if ocpp {
		want = ECDSAP256SHA256
	}
	if a := algorithmOf(c); a != want {
		return reject(ReasonWrongAlgorithm, c, ruleAlg, "key %v, profile %v wants %v", a, opts.Profile, want)
	}
	if len(c.UnhandledCriticalExtensions) > 0 {
		return reject(ReasonUnhandledCriticalExtension, c, ruleCritical, "%v", c.UnhandledCriticalExtensions[0])
	}
	if opts.At.Before(c.NotBefore) {
		return reject(ReasonNotYetValid, c, ruleValidity, "valid from %s, now %s", c.NotBefore.UTC().Format(time.RFC3339), opts.At.UTC().Format(time.RFC3339))
	}
	if opts.At.After(c.NotAfter) {
		return reject(ReasonExpired, c, ruleValidity, "valid until %s, now %s", c.NotAfter.UTC().Format(time.RFC3339), opts.At.UTC().Format(time.RFC3339))
	}
	return nil
}

// checkLeaf checks the end-entity rules of role (0: any leaf).
func checkLeaf(c *x509.Certificate, role Role) error {
	if role > 0 && role < roleEnd && specs[role].ca {
		return checkCATarget(c, role)
	}
	if c.IsCA {
		return reject(ReasonCAAsLeaf, c, ruleLeafBC, "basicConstraints CA:TRUE")
	}
	if c.KeyUsage&x509.KeyUsageDigitalSignature == 0 {
		return reject(ReasonWrongUsage, c, ruleLeafUsage, "leaf lacks digitalSignature")
	}
	if role <= 0 || role >= roleEnd {
		return nil
	}
	s := specs[role]
	if c.KeyUsage&s.usage != s.usage {
		return reject(ReasonWrongUsage, c, s.rules, "keyUsage %#x, %v needs %#x", c.KeyUsage, role, s.usage)
	}
	for _, want := range s.extUsage {
		ok := false
		for _, got := range c.ExtKeyUsage {
			ok = ok || got == want
		}
		if !ok {
			return reject(ReasonWrongUsage, c, s.rules, "missing extended key usage %v", want)
		}
	}
	if dc := DomainComponent(c); s.dc != "" && dc != s.dc {
		return reject(ReasonWrongDomain, c, ruleDC, "DC %q, %v needs DC=%s", dc, role, s.dc)
	}
	switch role {
	case RoleSECC:
		// HUB 3-7: the SECC leaf carries the CPO's O and C [S].
		if len(c.Subject.Organization) == 0 || len(c.Subject.Country) == 0 {
			return reject(ReasonBadIdentifier, c, ruleSECCName, "SECC certificate without O or C of the CPO")
		}
	case RoleContract:
		if err := checkEMAID(c); err != nil {
			return err
		}
	case RoleOEMProvisioning:
		if err := checkPCID(c); err != nil {
			return err
		}
	}
	return nil
}

// CheckSignature verifies that parent's key signed child: ECDSA through
// crypto/x509, Ed448 itself. It does not check CA constraints.
func CheckSignature(child, parent *x509.Certificate) error {
	if sa, pa := signatureAlgorithmOf(child), algorithmOf(parent); sa == 0 || sa != pa {
		return reject(ReasonBadSignature, child, ruleAlg, "signature algorithm %v, issuer key %v", sa, pa)
	}
	if parent.PublicKeyAlgorithm == x509.UnknownPublicKeyAlgorithm {
		pub, err := ed448PublicKey(parent.RawSubjectPublicKeyInfo)
		if err != nil {
			return &Error{Reason: ReasonBadSignature, Cert: child, Err: err}
		}
		if !ed448.Verify(pub, child.RawTBSCertificate, child.Signature, "") {
			return reject(ReasonBadSignature, child, "", "Ed448 signature does not verify with %q", FormatName(parent.Subject))
		}
		return nil
	}
	if err := parent.CheckSignature(child.SignatureAlgorithm, child.RawTBSCertificate, child.Signature); err != nil {
		return &Error{Reason: ReasonBadSignature, Cert: child, Detail: fmt.Sprintf("issuer %q", FormatName(parent.Subject)), Err: err}
	}
	return nil
}

// checkCATarget checks a CA certificate verified as the end of a path.
func checkCATarget(c *x509.Certificate, role Role) error {
	s := specs[role]
	if !c.BasicConstraintsValid || !c.IsCA {
		return reject(ReasonNotCA, c, ruleCAUsage, "%v without basicConstraints CA:TRUE", role)
	}
	if c.KeyUsage&s.usage != s.usage {
		return reject(ReasonWrongUsage, c, s.rules, "keyUsage %#x, %v needs %#x", c.KeyUsage, role, s.usage)
	}
	if dc := DomainComponent(c); s.dc != "" && dc != s.dc {
		return reject(ReasonWrongDomain, c, ruleDC, "DC %q, %v needs DC=%s", dc, role, s.dc)
	}
	return nil
}
