// Package revocation owns certificate revocation for the Plug & Charge PKI:
// an OCSP responder per CA with signed responses (RFC 6960), CRLs, a
// client-side OCSP response cache that honours nextUpdate, a checker that
// plugs into [pki.Verify], and the OCPP 2.0.1 OCSPRequestData hash data.
//
// Responses are encoded here rather than with golang.org/x/crypto/ocsp's
// CreateResponse, because that function stamps producedAt with the wall
// clock (the simulator's time must come from its clock) and cannot sign with
// Ed448. Requests are made and parsed with golang.org/x/crypto/ocsp, and the
// tests parse every ECDSA response with it as an independent check.
//
// Time always comes from the caller.
package revocation

import (
	"crypto"
	"crypto/x509"
	"encoding/asn1"
	"errors"
	"fmt"
	"math/big"
	"sort"
	"sync"
	"time"

	"github.com/plugsim/plugsim/pki"
	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
	"golang.org/x/crypto/ocsp"
)

// Status is a certificate's OCSP status.
type Status int

// The statuses of RFC 6960 §2.2.
const (
	Good Status = iota
	Revoked
	Unknown
)

// String returns the status name.
func (s Status) String() string {
	switch s {
	case Good:
		return "good"
	case Revoked:
		return "revoked"
	case Unknown:
		return "unknown"
	}
	return fmt.Sprintf("Status(%d)", int(s))
}

// DefaultValidity is the interval between thisUpdate and nextUpdate of a
// response: a week, since a charging station refreshes its cached OCSP
// responses at least weekly (OCPP 2.0.1 M06.FR.06/.07 [S]).
const DefaultValidity = 7 * 24 * time.Hour

// ResponderOptions configure [NewResponder].
type ResponderOptions struct {
	// SignerKey is the key of the delegated OCSP signer the responder
	// issues itself from the CA (RFC 6960 §4.2.2.2, EKU id-kp-OCSPSigning).
	// Nil: the CA signs responses with its own key.
	SignerKey *pki.Key
	// Validity is nextUpdate − thisUpdate (default [DefaultValidity]).
	Validity time.Duration
}

type revokedEntry struct {
	at     time.Time
	reason int
}

// Responder is the OCSP responder of one CA. It is safe for concurrent use.
type Responder struct {
	ca       *pki.CA
	signer   *x509.Certificate // delegated signer, or the CA certificate
	key      *pki.Key
	validity time.Duration

	mu      sync.Mutex
	revoked map[string]revokedEntry // by serial in hex; guarded by mu
}

// NewResponder returns the responder of ca; at is when its delegated signer
// certificate (if any) starts being valid.
func NewResponder(ca *pki.CA, at time.Time, o ResponderOptions) (*Responder, error) {
	r := &Responder{ca: ca, signer: ca.Cert, key: ca.Key, validity: o.Validity, revoked: make(map[string]revokedEntry)}
	if r.validity <= 0 {
		r.validity = DefaultValidity
	}
	if o.SignerKey != nil {
		cred, err := ca.Issue(pki.Request{
			Role:      pki.RoleOCSPSigner,
			Subject:   pki.Name{CommonName: "OCSP " + ca.Cert.Subject.CommonName, Organization: firstOr(ca.Cert.Subject.Organization), Country: firstOr(ca.Cert.Subject.Country)},
			Key:       o.SignerKey,
			NotBefore: at,
		})
		if err != nil {
			return nil, fmt.Errorf("revocation: issuing OCSP signer: %w", err)
		}
		r.signer, r.key = cred.Cert, o.SignerKey
	}
	return r, nil
}

func firstOr(s []string) string {
	if len(s) > 0 {
		return s[0]
	}
	return ""
}

// CA returns the responder's CA.
func (r *Responder) CA() *pki.CA { return r.ca }

// Signer returns the certificate that signs the responses.
func (r *Responder) Signer() *x509.Certificate { return r.signer }

// Revoke marks serial revoked from at with an RFC 5280 reason code.
func (r *Responder) Revoke(serial *big.Int, at time.Time, reason int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.revoked[serial.Text(16)] = revokedEntry{at: at, reason: reason}
}

// Respond answers a DER OCSP request at time at with a DER OCSP response.
// Malformed requests get a malformedRequest response and requests about
// another CA's certificates an unauthorized one (RFC 6960 §2.3).
func (r *Responder) Respond(request []byte, at time.Time) []byte {
	req, err := ocsp.ParseRequest(request)
	if err != nil {
		return ocsp.MalformedRequestErrorResponse
	}
	h := req.HashAlgorithm
	if !h.Available() {
		return ocsp.MalformedRequestErrorResponse
	}
	name, key := issuerHashes(r.ca.Cert, h)
	if string(name) != string(req.IssuerNameHash) || string(key) != string(req.IssuerKeyHash) {
		return ocsp.UnauthorizedErrorResponse
	}
	resp, err := r.ResponseFor(req.SerialNumber, h, at)
	if err != nil {
		return ocsp.InternalErrorErrorResponse
	}
	return resp
}

// ResponseFor returns a signed response about serial at time at (producedAt
// and thisUpdate = at, nextUpdate = at + validity), its CertID hashed with h
// (SHA-1, SHA-256, SHA-384 or SHA-512).
func (r *Responder) ResponseFor(serial *big.Int, h crypto.Hash, at time.Time) ([]byte, error) {
	r.mu.Lock()
	e, revoked := r.revoked[serial.Text(16)]
	r.mu.Unlock()
	st := single{serial: serial, status: Good, thisUpdate: at, nextUpdate: at.Add(r.validity)}
	if revoked && !e.at.After(at) {
		st.status, st.revokedAt, st.reason = Revoked, e.at, e.reason
	}
	embed := r.signer != r.ca.Cert
	return encodeResponse(r.ca.Cert, r.signer, embed, r.key, h, st, at)
}

// CRL returns a CRL of the revocations effective at at, signed by the CA,
// valid until at + validity.
func (r *Responder) CRL(at time.Time, number int64) ([]byte, error) {
	r.mu.Lock()
	var entries []x509.RevocationListEntry
	for s, e := range r.revoked {
		if e.at.After(at) {
			continue
		}
		serial, _ := new(big.Int).SetString(s, 16)
		entries = append(entries, x509.RevocationListEntry{SerialNumber: serial, RevocationTime: e.at, ReasonCode: e.reason})
	}
	r.mu.Unlock()
	sort.Slice(entries, func(i, j int) bool { return entries[i].SerialNumber.Cmp(entries[j].SerialNumber) < 0 })
	return r.ca.CreateCRL(x509.RevocationList{
		RevokedCertificateEntries: entries,
		Number:                    big.NewInt(number),
		ThisUpdate:                at,
		NextUpdate:                at.Add(r.validity),
	})
}

var (
	oidOCSPBasic = asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 48, 1, 1}
	hashOIDs     = map[crypto.Hash]asn1.ObjectIdentifier{
		crypto.SHA1:   {1, 3, 14, 3, 2, 26},
		crypto.SHA256: {2, 16, 840, 1, 101, 3, 4, 2, 1},
		crypto.SHA384: {2, 16, 840, 1, 101, 3, 4, 2, 2},
		crypto.SHA512: {2, 16, 840, 1, 101, 3, 4, 2, 3},
	}
)

// issuerHashes returns the CertID hashes of issuer: H(issuer's subject DER)
// and H(issuer's subjectPublicKey BIT STRING contents).
func issuerHashes(issuer *x509.Certificate, h crypto.Hash) (name, key []byte) {
	d := h.New()
	d.Write(issuer.RawSubject)
	name = d.Sum(nil)
	d.Reset()
	d.Write(subjectPublicKeyBits(issuer))
	return name, d.Sum(nil)
}

func subjectPublicKeyBits(c *x509.Certificate) []byte {
	in := cryptobyte.String(c.RawSubjectPublicKeyInfo)
	var spki cryptobyte.String
	var bits asn1.BitString
	if !in.ReadASN1(&spki, cbasn1.SEQUENCE) || !spki.SkipASN1(cbasn1.SEQUENCE) || !spki.ReadASN1BitString(&bits) {
		return nil
	}
	return bits.Bytes
}

type single struct {
	serial                 *big.Int
	status                 Status
	thisUpdate, nextUpdate time.Time
	revokedAt              time.Time
	reason                 int
}

// encodeResponse encodes and signs a successful OCSPResponse holding one
// SingleResponse (RFC 6960 §4.2.1); the responder ID is by name.
func encodeResponse(issuer, signer *x509.Certificate, embed bool, key *pki.Key, h crypto.Hash, s single, producedAt time.Time) ([]byte, error) {
	oid, ok := hashOIDs[h]
	if !ok {
		return nil, fmt.Errorf("revocation: unsupported CertID hash %v", h)
	}
	nameHash, keyHash := issuerHashes(issuer, h)
	gt := func(b *cryptobyte.Builder, t time.Time) { b.AddASN1GeneralizedTime(t.UTC().Truncate(time.Second)) }
	var tb cryptobyte.Builder
	tb.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) { // ResponseData
		b.AddASN1(cbasn1.Tag(1).Constructed().ContextSpecific(), func(b *cryptobyte.Builder) { b.AddBytes(signer.RawSubject) })
		gt(b, producedAt)
		b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) { // responses
			b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) { // SingleResponse
				b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) { // CertID
					b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
						b.AddASN1ObjectIdentifier(oid)
						b.AddASN1NULL()
					})
					b.AddASN1OctetString(nameHash)
					b.AddASN1OctetString(keyHash)
					b.AddASN1BigInt(s.serial)
				})
				switch s.status {
				case Good:
					b.AddASN1(cbasn1.Tag(0).ContextSpecific(), func(*cryptobyte.Builder) {})
				case Revoked:
					b.AddASN1(cbasn1.Tag(1).Constructed().ContextSpecific(), func(b *cryptobyte.Builder) {
						gt(b, s.revokedAt)
						b.AddASN1(cbasn1.Tag(0).Constructed().ContextSpecific(), func(b *cryptobyte.Builder) {
							b.AddASN1Enum(int64(s.reason))
						})
					})
				default:
					b.AddASN1(cbasn1.Tag(2).ContextSpecific(), func(*cryptobyte.Builder) {})
				}
				gt(b, s.thisUpdate)
				b.AddASN1(cbasn1.Tag(0).Constructed().ContextSpecific(), func(b *cryptobyte.Builder) { gt(b, s.nextUpdate) })
			})
		})
	})
	tbs, err := tb.Bytes()
	if err != nil {
		return nil, fmt.Errorf("revocation: encoding response: %w", err)
	}
	sig, err := key.SignDER(tbs)
	if err != nil {
		return nil, fmt.Errorf("revocation: signing response: %w", err)
	}
	var basic cryptobyte.Builder
	basic.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
		b.AddBytes(tbs)
		b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) { b.AddASN1ObjectIdentifier(key.SignatureOID()) })
		b.AddASN1BitString(sig)
		if embed {
			b.AddASN1(cbasn1.Tag(0).Constructed().ContextSpecific(), func(b *cryptobyte.Builder) {
				b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) { b.AddBytes(signer.Raw) })
			})
		}
	})
	basicDER, err := basic.Bytes()
	if err != nil {
		return nil, fmt.Errorf("revocation: encoding response: %w", err)
	}
	var out cryptobyte.Builder
	out.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
		b.AddASN1Enum(0) // successful
		b.AddASN1(cbasn1.Tag(0).Constructed().ContextSpecific(), func(b *cryptobyte.Builder) {
			b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
				b.AddASN1ObjectIdentifier(oidOCSPBasic)
				b.AddASN1OctetString(basicDER)
			})
		})
	})
	return out.Bytes()
}

// ResponderSet finds the responder of a certificate's issuer; it implements
// [Fetcher] in process (the simulator's CA actor answers the same way over
// NATS). It is immutable after [NewResponderSet].
type ResponderSet struct {
	byIssuer map[string]*Responder
}

// NewResponderSet indexes responders by their CA's subject and key.
func NewResponderSet(rs ...*Responder) *ResponderSet {
	s := &ResponderSet{byIssuer: make(map[string]*Responder)}
	for _, r := range rs {
		s.byIssuer[string(r.ca.Cert.RawSubject)+string(r.ca.Cert.RawSubjectPublicKeyInfo)] = r
	}
	return s
}

// Lookup returns the responder of issuer, or nil.
func (s *ResponderSet) Lookup(issuer *x509.Certificate) *Responder {
	return s.byIssuer[string(issuer.RawSubject)+string(issuer.RawSubjectPublicKeyInfo)]
}

// FetchOCSP implements [Fetcher].
func (s *ResponderSet) FetchOCSP(_, issuer *x509.Certificate, request []byte, at time.Time) ([]byte, error) {
	r := s.Lookup(issuer)
	if r == nil {
		return nil, errors.New("revocation: no responder for " + pki.FormatName(issuer.Subject))
	}
	return r.Respond(request, at), nil
}
