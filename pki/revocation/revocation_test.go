package revocation

import (
	"crypto"
	"crypto/x509"
	"errors"
	"testing"
	"time"

	"github.com/plugsim/plugsim/pki"
	"golang.org/x/crypto/ocsp"
)

var t0 = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)

type fixture struct {
	h         *pki.Hierarchy
	contract  *x509.Certificate
	sub2      *pki.CA
	responder *Responder
	set       *ResponderSet
}

func newFixture(t testing.TB, p pki.Profile) *fixture {
	t.Helper()
	h, err := pki.NewHierarchy(pki.HierarchyOptions{Profile: p, Seed: []byte("revocation"), At: t0, V2GRoots: 1})
	if err != nil {
		t.Fatal(err)
	}
	e := h.EMSPs[0]
	var rs []*Responder
	var target *Responder
	for _, ca := range h.CAs() {
		if ca.Role == pki.RoleCSMSRoot {
			continue
		}
		k, err := pki.DeriveKey(p.Algorithm(), []byte("revocation"), "ocsp/"+ca.Cert.Subject.CommonName)
		if err != nil {
			t.Fatal(err)
		}
		r, err := NewResponder(ca, t0, ResponderOptions{SignerKey: k})
		if err != nil {
			t.Fatal(err)
		}
		if ca == e.SubCA2 {
			target = r
		}
		rs = append(rs, r)
	}
	return &fixture{h: h, contract: e.Contracts[0].Cert, sub2: e.SubCA2, responder: target, set: NewResponderSet(rs...)}
}

func reasonOf(err error) pki.Reason {
	if e, ok := errors.AsType[*pki.Error](err); ok {
		return e.Reason
	}
	return 0
}

func TestResponderRoundTrip(t *testing.T) {
	for _, p := range []pki.Profile{pki.ISO2, pki.ISO20, pki.ISO20Ed448} {
		t.Run(p.String(), func(t *testing.T) {
			f := newFixture(t, p)
			at := t0.Add(time.Hour)
			for _, h := range []crypto.Hash{crypto.SHA1, crypto.SHA256, crypto.SHA512} {
				req, err := ocsp.CreateRequest(f.contract, f.sub2.Cert, &ocsp.RequestOptions{Hash: h})
				if err != nil {
					t.Fatal(err)
				}
				der := f.responder.Respond(req, at)
				r, err := ParseResponse(der, f.contract, f.sub2.Cert, at)
				if err != nil {
					t.Fatalf("%v: ParseResponse: %v", h, err)
				}
				if r.Status != Good || r.Hash != h || !r.ProducedAt.Equal(at) || !r.NextUpdate.Equal(at.Add(DefaultValidity)) {
					t.Errorf("%v: response %+v", h, r)
				}
				if p.Algorithm() != pki.Ed448 {
					// Independent decoder: golang.org/x/crypto/ocsp.
					xr, err := ocsp.ParseResponseForCert(der, f.contract, f.sub2.Cert)
					if err != nil {
						t.Fatalf("%v: x/crypto/ocsp rejects our response: %v", h, err)
					}
					if xr.Status != ocsp.Good || xr.Certificate == nil || !xr.ThisUpdate.Equal(at) {
						t.Errorf("%v: x/crypto/ocsp sees %+v", h, xr)
					}
				}
			}
			f.responder.Revoke(f.contract.SerialNumber, at, 1)
			der, err := f.responder.ResponseFor(f.contract.SerialNumber, crypto.SHA256, at.Add(time.Minute))
			if err != nil {
				t.Fatal(err)
			}
			r, err := ParseResponse(der, f.contract, f.sub2.Cert, at.Add(time.Minute))
			if err != nil {
				t.Fatal(err)
			}
			if got := reasonOf(r.Err(f.contract)); got != pki.ReasonRevoked || r.Reason != 1 || !r.RevokedAt.Equal(at) {
				t.Errorf("revoked: Err reason %v, response %+v", got, r)
			}
			if p.Algorithm() != pki.Ed448 {
				xr, err := ocsp.ParseResponseForCert(der, f.contract, f.sub2.Cert)
				if err != nil || xr.Status != ocsp.Revoked || xr.RevocationReason != 1 {
					t.Errorf("x/crypto/ocsp on revoked: %+v, %v", xr, err)
				}
			}
		})
	}
}

func TestResponderRejectsForeignRequest(t *testing.T) {
	f := newFixture(t, pki.ISO2)
	// Ask the MO Sub-CA 2 responder about the OEM provisioning certificate.
	oem := f.h.OEM
	req, err := ocsp.CreateRequest(oem.Provisioning[0].Cert, oem.SubCA2.Cert, nil)
	if err != nil {
		t.Fatal(err)
	}
	der := f.responder.Respond(req, t0)
	if _, err := ParseResponse(der, oem.Provisioning[0].Cert, oem.SubCA2.Cert, t0); reasonOf(err) != pki.ReasonRevocationUnknown {
		t.Errorf("unauthorized response: %v, want ReasonRevocationUnknown", err)
	}
	if got := f.responder.Respond([]byte{0x30, 0x01}, t0); string(got) != string(ocsp.MalformedRequestErrorResponse) {
		t.Errorf("malformed request answered with %x", got)
	}
}

type countingFetcher struct {
	next  Fetcher
	count int
}

func (c *countingFetcher) FetchOCSP(cert, issuer *x509.Certificate, req []byte, at time.Time) ([]byte, error) {
	c.count++
	return c.next.FetchOCSP(cert, issuer, req, at)
}

func TestCacheHonoursNextUpdate(t *testing.T) {
	f := newFixture(t, pki.ISO2)
	cf := &countingFetcher{next: f.set}
	ch := &Checker{Cache: NewCache(), Fetcher: cf}
	steps := []struct {
		name      string
		at        time.Time
		wantFetch int
	}{
		{"first query fetches", t0.Add(time.Hour), 1},
		{"an hour later: cached", t0.Add(2 * time.Hour), 1},
		{"just before nextUpdate: cached", t0.Add(time.Hour + DefaultValidity), 1},
		{"after nextUpdate: refetched", t0.Add(time.Hour + DefaultValidity + time.Second), 2},
		{"then cached again", t0.Add(2*time.Hour + DefaultValidity), 2},
	}
	for _, s := range steps {
		if err := ch.CheckRevocation(f.contract, f.sub2.Cert, s.at); err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		if cf.count != s.wantFetch {
			t.Errorf("%s: %d fetches, want %d", s.name, cf.count, s.wantFetch)
		}
	}
	// A revocation after caching shows only once the cached response expires.
	f.responder.Revoke(f.contract.SerialNumber, t0.Add(3*time.Hour+DefaultValidity), 4)
	if err := ch.CheckRevocation(f.contract, f.sub2.Cert, t0.Add(4*time.Hour+DefaultValidity)); err != nil {
		t.Errorf("cached good response: %v, want nil", err)
	}
	if err := ch.CheckRevocation(f.contract, f.sub2.Cert, t0.Add(2*time.Hour+2*DefaultValidity)); reasonOf(err) != pki.ReasonRevoked {
		t.Errorf("after expiry: %v, want revoked", err)
	}
}

func TestVerifyWithChecker(t *testing.T) {
	for _, p := range []pki.Profile{pki.ISO2, pki.ISO20Ed448} {
		f := newFixture(t, p)
		e := f.h.EMSPs[0]
		at := t0.Add(time.Hour)
		opts := pki.VerifyOptions{Profile: p, Roots: pki.NewTrustStore(e.Root.Cert), Intermediates: []*x509.Certificate{e.SubCA2.Cert, e.SubCA1.Cert}, At: at, Role: pki.RoleContract,
			Revocation: &Checker{Cache: NewCache(), Fetcher: f.set}}
		if _, err := pki.Verify(f.contract, opts); err != nil {
			t.Fatalf("%v: Verify with OCSP: %v", p, err)
		}
		// Revoke Sub-CA 1 at the MO root's responder: the whole chain fails.
		f.set.Lookup(e.Root.Cert).Revoke(e.SubCA1.Cert.SerialNumber, at, 2)
		opts.Revocation = &Checker{Cache: NewCache(), Fetcher: f.set}
		if _, err := pki.Verify(f.contract, opts); reasonOf(err) != pki.ReasonRevoked {
			t.Errorf("%v: revoked Sub-CA 1: %v, want revoked", p, err)
		}
		// CRL only.
		crl, err := f.set.Lookup(e.Root.Cert).CRL(at.Add(time.Minute), 1)
		if err != nil {
			t.Fatal(err)
		}
		set := NewCRLSet()
		if err := set.Add(crl, e.Root.Cert); err != nil {
			t.Fatalf("%v: CRL: %v", p, err)
		}
		opts.At = at.Add(2 * time.Minute)
		opts.Revocation = &Checker{CRLs: set, SoftFail: true}
		if _, err := pki.Verify(f.contract, opts); reasonOf(err) != pki.ReasonRevoked {
			t.Errorf("%v: CRL revoked Sub-CA 1: %v, want revoked", p, err)
		}
		// Without any source the default is to fail closed.
		opts.Revocation = &Checker{}
		if _, err := pki.Verify(f.contract, opts); reasonOf(err) != pki.ReasonRevocationUnknown {
			t.Errorf("%v: no source: %v, want revocation unknown", p, err)
		}
	}
}

func TestHashDataRequest(t *testing.T) {
	f := newFixture(t, pki.ISO2)
	hd, err := HashData(f.contract, f.sub2.Cert, crypto.SHA256)
	if err != nil {
		t.Fatal(err)
	}
	if hd.ResponderURL == "" || hd.HashAlgorithm != "SHA256" || len(hd.IssuerNameHash) != 64 || hd.SerialNumber != f.contract.SerialNumber.Text(16) {
		t.Errorf("HashData = %+v", hd)
	}
	req, err := hd.Request()
	if err != nil {
		t.Fatal(err)
	}
	der := f.responder.Respond(req, t0)
	if _, err := ParseResponse(der, f.contract, f.sub2.Cert, t0); err != nil {
		t.Errorf("response to a hash-data request: %v", err)
	}
	bad := hd
	bad.SerialNumber = "0x10"
	if _, err := bad.Request(); err == nil {
		t.Error("Request with serial 0x10 = nil error")
	}
}

func TestCRLRejectsForeignSigner(t *testing.T) {
	f := newFixture(t, pki.ISO2)
	crl, err := f.responder.CRL(t0, 1)
	if err != nil {
		t.Fatal(err)
	}
	if err := NewCRLSet().Add(crl, f.h.EMSPs[0].SubCA1.Cert); reasonOf(err) != pki.ReasonBadSignature {
		t.Errorf("CRL checked against another CA: %v, want bad signature", err)
	}
	if err := NewCRLSet().Add(crl[:len(crl)-3], f.sub2.Cert); reasonOf(err) != pki.ReasonMalformed {
		t.Errorf("truncated CRL: %v, want malformed", err)
	}
}

func FuzzParseResponse(f *testing.F) {
	fx := newFixture(f, pki.ISO2)
	good, err := fx.responder.ResponseFor(fx.contract.SerialNumber, crypto.SHA256, t0)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(good)
	f.Add(ocsp.UnauthorizedErrorResponse)
	f.Fuzz(func(t *testing.T, der []byte) {
		r, err := ParseResponse(der, fx.contract, fx.sub2.Cert, t0)
		if err == nil && r.Serial.Cmp(fx.contract.SerialNumber) != 0 {
			t.Fatalf("accepted a response about serial %v", r.Serial)
		}
		if err != nil && reasonOf(err) == 0 {
			t.Fatalf("untyped error %v", err)
		}
	})
}

// TestHashDataOnly is the CSMS receiving Authorize with hash data for the
// contract chain (leaf, Sub-CA 2, Sub-CA 1): it asks the responder named in
// each entry and checks every answer against the CAs it knows.
func TestHashDataOnly(t *testing.T) {
	f := newFixture(t, pki.ISO2)
	e := f.h.EMSPs[0]
	known := []*x509.Certificate{e.Root.Cert, e.SubCA1.Cert, e.SubCA2.Cert}
	chain := []*x509.Certificate{f.contract, e.SubCA2.Cert, e.SubCA1.Cert, e.Root.Cert}
	for i := 0; i+1 < len(chain); i++ {
		hd, err := HashData(chain[i], chain[i+1], crypto.SHA256)
		if err != nil {
			t.Fatal(err)
		}
		req, err := hd.Request()
		if err != nil {
			t.Fatal(err)
		}
		der := f.set.Lookup(chain[i+1]).Respond(req, t0)
		r, err := ParseResponseForHashData(der, hd, known, t0)
		if err != nil {
			t.Fatalf("entry %d: %v", i, err)
		}
		if err := r.Err(nil); err != nil {
			t.Errorf("entry %d: %v, want good", i, err)
		}
	}
	hd, _ := HashData(f.contract, e.SubCA2.Cert, crypto.SHA256)
	der, _ := f.responder.ResponseFor(f.contract.SerialNumber, crypto.SHA256, t0)
	if _, err := ParseResponseForHashData(der, hd, []*x509.Certificate{e.Root.Cert}, t0); reasonOf(err) != pki.ReasonUnknownIssuer {
		t.Errorf("issuer unknown to the CSMS: %v, want unknown issuer", err)
	}
	other := hd
	other.SerialNumber = "7f"
	if _, err := ParseResponseForHashData(der, other, known, t0); reasonOf(err) != pki.ReasonOCSPMismatch {
		t.Errorf("response for another serial: %v, want OCSP mismatch", err)
	}
}

// FuzzRespond feeds arbitrary OCSP requests to a responder, as a CA actor
// receives them from the network: it must answer every one, and whatever it
// signs must be about the serial asked, for its own CA.
func FuzzRespond(f *testing.F) {
	fx := newFixture(f, pki.ISO2)
	req, err := ocsp.CreateRequest(fx.contract, fx.sub2.Cert, &ocsp.RequestOptions{Hash: crypto.SHA256})
	if err != nil {
		f.Fatal(err)
	}
	f.Add(req)
	f.Add([]byte{0x30, 0x00})
	f.Fuzz(func(t *testing.T, request []byte) {
		der := fx.responder.Respond(request, t0)
		if len(der) == 0 {
			t.Fatal("empty answer")
		}
		parsed, err := ocsp.ParseRequest(request)
		if err != nil {
			return
		}
		r, err := parseResponse(der, parsed.SerialNumber, nil, fx.sub2.Cert, t0)
		if err != nil {
			if reasonOf(err) == 0 {
				t.Fatalf("untyped error %v", err)
			}
			return
		}
		if r.Serial.Cmp(parsed.SerialNumber) != 0 {
			t.Fatalf("answered about serial %v, asked %v", r.Serial, parsed.SerialNumber)
		}
	})
}

// FuzzCRLSetAdd feeds arbitrary CRL DER to a CRL set: only a CRL the issuer
// signed is kept, anything else is a typed rejection.
func FuzzCRLSetAdd(f *testing.F) {
	fx := newFixture(f, pki.ISO2)
	fx.responder.Revoke(fx.contract.SerialNumber, t0, 1)
	crl, err := fx.responder.CRL(t0, 1)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(crl)
	f.Fuzz(func(t *testing.T, der []byte) {
		set := NewCRLSet()
		if err := set.Add(der, fx.sub2.Cert); err != nil {
			if reasonOf(err) == 0 {
				t.Fatalf("untyped error %v", err)
			}
			return
		}
		if _, err := set.Check(fx.contract, fx.sub2.Cert, t0); err != nil && reasonOf(err) != pki.ReasonRevoked {
			t.Fatalf("Check: %v", err)
		}
	})
}

// FuzzHashData feeds arbitrary OCPP OCSPRequestData fields (they come from
// a charging station's Authorize) to the CSMS side: building the request
// and checking a response against them must never panic.
func FuzzHashData(f *testing.F) {
	fx := newFixture(f, pki.ISO2)
	hd, err := HashData(fx.contract, fx.sub2.Cert, crypto.SHA256)
	if err != nil {
		f.Fatal(err)
	}
	good, err := fx.responder.ResponseFor(fx.contract.SerialNumber, crypto.SHA256, t0)
	if err != nil {
		f.Fatal(err)
	}
	known := []*x509.Certificate{fx.sub2.Cert}
	f.Add(hd.HashAlgorithm, hd.IssuerNameHash, hd.IssuerKeyHash, hd.SerialNumber)
	f.Fuzz(func(t *testing.T, alg, nameHash, keyHash, serial string) {
		d := OCSPRequestData{HashAlgorithm: alg, IssuerNameHash: nameHash, IssuerKeyHash: keyHash, SerialNumber: serial}
		if _, err := d.Request(); err != nil {
			return
		}
		r, err := ParseResponseForHashData(good, d, known, t0)
		if err != nil {
			if reasonOf(err) == 0 {
				t.Fatalf("untyped error %v", err)
			}
			return
		}
		if r.Serial.Cmp(fx.contract.SerialNumber) != 0 {
			t.Fatalf("accepted the response for hash data about serial %q", serial)
		}
	})
}
