package revocation

import (
	"crypto/x509"
	"fmt"
	"sync"
	"time"

	"github.com/plugsim/plugsim/pki"
)

// CRLSet holds verified CRLs by issuer. It is safe for concurrent use.
type CRLSet struct {
	mu       sync.Mutex
	byIssuer map[string]*x509.RevocationList // by issuer subject + key; guarded by mu
}

// NewCRLSet returns an empty set.
func NewCRLSet() *CRLSet { return &CRLSet{byIssuer: make(map[string]*x509.RevocationList)} }

func issuerKey(issuer *x509.Certificate) string {
	return string(issuer.RawSubject) + string(issuer.RawSubjectPublicKeyInfo)
}

// Add parses der, checks that issuer signed it (ECDSA or Ed448) and keeps it
// when it is newer than the CRL already held. Rejections are [*pki.Error]s
// (ReasonMalformed, ReasonBadSignature).
func (s *CRLSet) Add(der []byte, issuer *x509.Certificate) error {
	crl, err := x509.ParseRevocationList(der)
	if err != nil {
		return &pki.Error{Reason: pki.ReasonMalformed, Cert: issuer, Detail: "CRL", Err: err}
	}
	if string(crl.RawIssuer) != string(issuer.RawSubject) {
		return &pki.Error{Reason: pki.ReasonBadSignature, Cert: issuer, Detail: "CRL issued by " + pki.FormatName(crl.Issuer)}
	}
	if err := pki.CheckCRLSignature(crl, issuer); err != nil {
		return &pki.Error{Reason: pki.ReasonBadSignature, Cert: issuer, Detail: "CRL", Err: err}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	k := issuerKey(issuer)
	if old, ok := s.byIssuer[k]; ok && old.Number != nil && crl.Number != nil && old.Number.Cmp(crl.Number) > 0 {
		return nil
	}
	s.byIssuer[k] = crl
	return nil
}

// Check reports whether the set knows cert's status at time at: known is
// false when there is no CRL of its issuer or it is outside
// [thisUpdate, nextUpdate]; err is a ReasonRevoked [*pki.Error] when the
// CRL lists cert's serial.
func (s *CRLSet) Check(cert, issuer *x509.Certificate, at time.Time) (known bool, err error) {
	s.mu.Lock()
	crl, ok := s.byIssuer[issuerKey(issuer)]
	s.mu.Unlock()
	if !ok || at.Before(crl.ThisUpdate) || (!crl.NextUpdate.IsZero() && at.After(crl.NextUpdate)) {
		return false, nil
	}
	for _, e := range crl.RevokedCertificateEntries {
		if e.SerialNumber.Cmp(cert.SerialNumber) == 0 && !e.RevocationTime.After(at) {
			return true, &pki.Error{Reason: pki.ReasonRevoked, Cert: cert, Detail: fmt.Sprintf("CRL %v: revoked at %s", crl.Number, e.RevocationTime.UTC().Format(time.RFC3339))}
		}
	}
	return true, nil
}
