package revocation

import (
	"crypto"
	"crypto/x509"
	"time"

	"github.com/plugsim/plugsim/pki"
	"golang.org/x/crypto/ocsp"
)

// Fetcher obtains a DER OCSP response for request (a DER OCSPRequest about
// cert) at time at: in process from a [ResponderSet], or through the
// simulator's transport.
type Fetcher interface {
	FetchOCSP(cert, issuer *x509.Certificate, request []byte, at time.Time) ([]byte, error)
}

// Checker answers revocation questions for [pki.Verify]: first from CRLs,
// then from cached OCSP responses, then by fetching a response and caching
// it. It implements [pki.RevocationChecker].
type Checker struct {
	CRLs    *CRLSet     // nil: no CRLs
	Cache   *Cache      // nil: nothing cached
	Fetcher Fetcher     // nil: no fetching
	Hash    crypto.Hash // CertID hash of requests; zero means SHA-256
	// SoftFail accepts a certificate when no source knows its status; by
	// default such a certificate is rejected with ReasonRevocationUnknown.
	SoftFail bool
}

var _ pki.RevocationChecker = (*Checker)(nil)

// CheckRevocation implements [pki.RevocationChecker].
func (ch *Checker) CheckRevocation(cert, issuer *x509.Certificate, at time.Time) error {
	if ch.CRLs != nil {
		known, err := ch.CRLs.Check(cert, issuer, at)
		if err != nil {
			return err
		}
		if known && ch.Cache == nil && ch.Fetcher == nil {
			return nil
		}
	}
	if ch.Cache != nil {
		if r, ok := ch.Cache.Get(cert, issuer, at); ok {
			return r.Err(cert)
		}
	}
	if ch.Fetcher != nil {
		h := ch.Hash
		if h == 0 {
			h = crypto.SHA256
		}
		req, err := ocsp.CreateRequest(cert, issuer, &ocsp.RequestOptions{Hash: h})
		if err != nil {
			return &pki.Error{Reason: pki.ReasonRevocationUnknown, Cert: cert, Detail: "building OCSP request", Err: err}
		}
		der, err := ch.Fetcher.FetchOCSP(cert, issuer, req, at)
		if err != nil {
			return &pki.Error{Reason: pki.ReasonRevocationUnknown, Cert: cert, Detail: "fetching OCSP response", Err: err}
		}
		var r *Response
		if ch.Cache != nil {
			r, err = ch.Cache.Add(der, cert, issuer, at)
		} else {
			r, err = ParseResponse(der, cert, issuer, at)
		}
		if err != nil {
			return err
		}
		return r.Err(cert)
	}
	if ch.CRLs != nil {
		if known, _ := ch.CRLs.Check(cert, issuer, at); known {
			return nil
		}
	}
	if ch.SoftFail {
		return nil
	}
	return &pki.Error{Reason: pki.ReasonRevocationUnknown, Cert: cert, Detail: "no CRL or OCSP response"}
}
