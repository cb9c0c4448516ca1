package revocation

import (
	"crypto"
	"crypto/x509"
	"encoding/asn1"
	"encoding/hex"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"time"

	"github.com/plugsim/plugsim/pki"
	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// Response is a verified OCSP response about one certificate.
type Response struct {
	Raw        []byte            // the DER response
	Status     Status            // good, revoked or unknown
	Serial     *big.Int          // the serial the response is about
	ProducedAt time.Time         // when the responder signed it
	ThisUpdate time.Time         // when the status was known to be correct
	NextUpdate time.Time         // zero when absent
	RevokedAt  time.Time         // Revoked only
	Reason     int               // Revoked only: RFC 5280 CRLReason, -1 when absent
	Signer     *x509.Certificate // the CA or its delegated responder
	Hash       crypto.Hash       // CertID hash algorithm
}

const (
	ruleOCSPSigner = "RFC 6960 §4.2.2.2: signed by the CA or a responder it certified with id-kp-OCSPSigning; [V2G2-875] EVCC checks all OCSP responses [S]"
	ruleOCSPFresh  = "RFC 6960 §4.2.2.1 / OCPP M06: thisUpdate ≤ now ≤ nextUpdate at the caller's time"
)

// Fresh reports whether r may be relied on at time at: thisUpdate ≤ at ≤
// nextUpdate. A response without nextUpdate is fresh at thisUpdate only.
func (r *Response) Fresh(at time.Time) bool {
	if at.Before(r.ThisUpdate) {
		return false
	}
	if r.NextUpdate.IsZero() {
		return at.Equal(r.ThisUpdate)
	}
	return !at.After(r.NextUpdate)
}

// Err returns nil for a good certificate and an [*pki.Error] with
// ReasonRevoked or ReasonRevocationUnknown otherwise.
func (r *Response) Err(cert *x509.Certificate) error {
	switch r.Status {
	case Good:
		return nil
	case Revoked:
		return &pki.Error{Reason: pki.ReasonRevoked, Cert: cert, Detail: fmt.Sprintf("OCSP: revoked at %s, reason %d", r.RevokedAt.UTC().Format(time.RFC3339), r.Reason)}
	}
	return &pki.Error{Reason: pki.ReasonRevocationUnknown, Cert: cert, Detail: "OCSP status unknown"}
}

// maxResponseSize bounds the DER a decoder accepts (OCPP ocspResult ≤ 5500
// base64 characters, so about 4 KB of DER; 16 KB leaves room).
const maxResponseSize = 16 << 10

// ParseResponse decodes a DER OCSP response about cert (issued by issuer)
// and verifies it at time at: the CertID names cert and issuer, the
// signature is the issuer's or that of a delegated responder the issuer
// certified for OCSP signing and valid at at, and the response is fresh.
// Rejections are [*pki.Error]s: ReasonMalformed, ReasonRevocationUnknown
// (non-successful response status), ReasonOCSPMismatch,
// ReasonOCSPBadSignature, ReasonOCSPStale. A revoked status is not an error
// here: see [Response.Err].
func ParseResponse(der []byte, cert, issuer *x509.Certificate, at time.Time) (*Response, error) {
	return parseResponse(der, cert.SerialNumber, cert, issuer, at)
}

// parseResponse is ParseResponse for the certificate with serial; cert,
// which may be nil, only labels the errors.
func parseResponse(der []byte, serial *big.Int, cert, issuer *x509.Certificate, at time.Time) (*Response, error) {
	malformed := func(what string) error {
		return &pki.Error{Reason: pki.ReasonMalformed, Cert: cert, Detail: "OCSP response: " + what}
	}
	if len(der) > maxResponseSize {
		return nil, malformed("too large")
	}
	in := cryptobyte.String(der)
	var resp, rb, rbSeq, basicOS cryptobyte.String
	var status int
	var respType asn1.ObjectIdentifier
	if !in.ReadASN1(&resp, cbasn1.SEQUENCE) || !in.Empty() || !resp.ReadASN1Enum(&status) {
		return nil, malformed("bad OCSPResponse")
	}
	if status != 0 {
		return nil, &pki.Error{Reason: pki.ReasonRevocationUnknown, Cert: cert, Detail: fmt.Sprintf("OCSP responseStatus %d", status)}
	}
	if !resp.ReadASN1(&rb, cbasn1.Tag(0).Constructed().ContextSpecific()) || !rb.ReadASN1(&rbSeq, cbasn1.SEQUENCE) ||
		!rbSeq.ReadASN1ObjectIdentifier(&respType) || !respType.Equal(oidOCSPBasic) ||
		!rbSeq.ReadASN1(&basicOS, cbasn1.OCTET_STRING) {
		return nil, malformed("bad responseBytes")
	}
	var basic, tbsFull, sigAlg cryptobyte.String
	var sigOID asn1.ObjectIdentifier
	var sig asn1.BitString
	if !basicOS.ReadASN1(&basic, cbasn1.SEQUENCE) || !basic.ReadASN1Element(&tbsFull, cbasn1.SEQUENCE) ||
		!basic.ReadASN1(&sigAlg, cbasn1.SEQUENCE) || !sigAlg.ReadASN1ObjectIdentifier(&sigOID) ||
		!basic.ReadASN1BitString(&sig) {
		return nil, malformed("bad BasicOCSPResponse")
	}
	var embedded *x509.Certificate
	if basic.PeekASN1Tag(cbasn1.Tag(0).Constructed().ContextSpecific()) {
		var certs, seq, first cryptobyte.String
		if !basic.ReadASN1(&certs, cbasn1.Tag(0).Constructed().ContextSpecific()) || !certs.ReadASN1(&seq, cbasn1.SEQUENCE) ||
			!seq.ReadASN1Element(&first, cbasn1.SEQUENCE) {
			return nil, malformed("bad certs")
		}
		c, err := x509.ParseCertificate(first)
		if err != nil {
			return nil, &pki.Error{Reason: pki.ReasonMalformed, Cert: cert, Detail: "OCSP responder certificate", Err: err}
		}
		embedded = c
	}
	r, certID, err := parseTBS(tbsFull)
	if err != nil {
		return nil, malformed(err.Error())
	}
	r.Raw = der
	// The CertID must name this certificate of this issuer.
	if r.Serial.Cmp(serial) != 0 {
		return nil, &pki.Error{Reason: pki.ReasonOCSPMismatch, Cert: cert, Detail: "serial " + r.Serial.Text(16)}
	}
	name, key := issuerHashes(issuer, r.Hash)
	if string(name) != string(certID.nameHash) || string(key) != string(certID.keyHash) {
		return nil, &pki.Error{Reason: pki.ReasonOCSPMismatch, Cert: cert, Detail: "CertID names another issuer"}
	}
	// Who signed: the issuer itself, or a delegated responder it certified.
	r.Signer = issuer
	if embedded != nil && string(embedded.Raw) != string(issuer.Raw) {
		if err := pki.CheckSignature(embedded, issuer); err != nil {
			return nil, &pki.Error{Reason: pki.ReasonOCSPBadSignature, Cert: cert, Rule: ruleOCSPSigner, Detail: "responder certificate not issued by the CA", Err: err}
		}
		ok := false
		for _, u := range embedded.ExtKeyUsage {
			ok = ok || u == x509.ExtKeyUsageOCSPSigning
		}
		if !ok {
			return nil, &pki.Error{Reason: pki.ReasonOCSPBadSignature, Cert: cert, Rule: ruleOCSPSigner, Detail: "responder certificate lacks id-kp-OCSPSigning"}
		}
		if at.Before(embedded.NotBefore) || at.After(embedded.NotAfter) {
			return nil, &pki.Error{Reason: pki.ReasonOCSPBadSignature, Cert: cert, Rule: ruleOCSPSigner, Detail: "responder certificate not valid now"}
		}
		r.Signer = embedded
	}
	if err := pki.CheckSignedBy(r.Signer, sigOID, tbsFull, sig.RightAlign()); err != nil {
		return nil, &pki.Error{Reason: pki.ReasonOCSPBadSignature, Cert: cert, Rule: ruleOCSPSigner, Err: err}
	}
	if !r.Fresh(at) {
		return nil, &pki.Error{Reason: pki.ReasonOCSPStale, Cert: cert, Rule: ruleOCSPFresh,
			Detail: fmt.Sprintf("thisUpdate %s, nextUpdate %s, now %s", r.ThisUpdate.Format(time.RFC3339), r.NextUpdate.Format(time.RFC3339), at.UTC().Format(time.RFC3339))}
	}
	return r, nil
}

type certID struct {
	nameHash, keyHash []byte
}

// parseTBS decodes ResponseData and its first SingleResponse.
func parseTBS(tbsFull cryptobyte.String) (*Response, certID, error) {
	var tbs, responderID, responses, single, id, hashAlg cryptobyte.String
	var tag cbasn1.Tag
	var cid certID
	r := &Response{Reason: -1}
	if !tbsFull.ReadASN1(&tbs, cbasn1.SEQUENCE) {
		return nil, cid, errors.New("bad ResponseData")
	}
	if tbs.PeekASN1Tag(cbasn1.Tag(0).Constructed().ContextSpecific()) && !tbs.SkipASN1(cbasn1.Tag(0).Constructed().ContextSpecific()) {
		return nil, cid, errors.New("bad version")
	}
	if !tbs.ReadAnyASN1(&responderID, &tag) ||
		!tbs.ReadASN1GeneralizedTime(&r.ProducedAt) ||
		!tbs.ReadASN1(&responses, cbasn1.SEQUENCE) || !responses.ReadASN1(&single, cbasn1.SEQUENCE) {
		return nil, cid, errors.New("bad ResponseData")
	}
	var hashOID asn1.ObjectIdentifier
	r.Serial = new(big.Int)
	if !single.ReadASN1(&id, cbasn1.SEQUENCE) || !id.ReadASN1(&hashAlg, cbasn1.SEQUENCE) ||
		!hashAlg.ReadASN1ObjectIdentifier(&hashOID) ||
		!id.ReadASN1Bytes(&cid.nameHash, cbasn1.OCTET_STRING) || !id.ReadASN1Bytes(&cid.keyHash, cbasn1.OCTET_STRING) ||
		!id.ReadASN1Integer(r.Serial) {
		return nil, cid, errors.New("bad CertID")
	}
	for h, oid := range hashOIDs {
		if oid.Equal(hashOID) {
			r.Hash = h
		}
	}
	if r.Hash == 0 {
		return nil, cid, errors.New("unsupported CertID hash")
	}
	var statusBody cryptobyte.String
	if !single.ReadAnyASN1(&statusBody, &tag) {
		return nil, cid, errors.New("bad certStatus")
	}
	switch tag {
	case cbasn1.Tag(0).ContextSpecific():
		r.Status = Good
	case cbasn1.Tag(1).Constructed().ContextSpecific():
		r.Status = Revoked
		if !statusBody.ReadASN1GeneralizedTime(&r.RevokedAt) {
			return nil, cid, errors.New("bad revocationTime")
		}
		if statusBody.PeekASN1Tag(cbasn1.Tag(0).Constructed().ContextSpecific()) {
			var reason cryptobyte.String
			var v int
			if !statusBody.ReadASN1(&reason, cbasn1.Tag(0).Constructed().ContextSpecific()) || !reason.ReadASN1Enum(&v) {
				return nil, cid, errors.New("bad revocationReason")
			}
			r.Reason = v
		}
	case cbasn1.Tag(2).ContextSpecific():
		r.Status = Unknown
	default:
		return nil, cid, errors.New("bad certStatus")
	}
	if !single.ReadASN1GeneralizedTime(&r.ThisUpdate) {
		return nil, cid, errors.New("bad thisUpdate")
	}
	if single.PeekASN1Tag(cbasn1.Tag(0).Constructed().ContextSpecific()) {
		var nu cryptobyte.String
		if !single.ReadASN1(&nu, cbasn1.Tag(0).Constructed().ContextSpecific()) || !nu.ReadASN1GeneralizedTime(&r.NextUpdate) {
			return nil, cid, errors.New("bad nextUpdate")
		}
	}
	if single.PeekASN1Tag(cbasn1.Tag(1).Constructed().ContextSpecific()) {
		var exts cryptobyte.String
		if !single.ReadASN1(&exts, cbasn1.Tag(1).Constructed().ContextSpecific()) {
			return nil, cid, errors.New("bad singleExtensions")
		}
		var seq cryptobyte.String
		if !exts.ReadASN1(&seq, cbasn1.SEQUENCE) {
			return nil, cid, errors.New("bad singleExtensions")
		}
		for !seq.Empty() {
			var ext cryptobyte.String
			var oid asn1.ObjectIdentifier
			critical := false
			if !seq.ReadASN1(&ext, cbasn1.SEQUENCE) || !ext.ReadASN1ObjectIdentifier(&oid) ||
				!ext.ReadOptionalASN1Boolean(&critical, cbasn1.BOOLEAN, false) {
				return nil, cid, errors.New("bad singleExtension")
			}
			if critical {
				return nil, cid, errors.New("unhandled critical single extension " + oid.String())
			}
		}
	}
	return r, cid, nil
}

// ParseResponseForHashData is the CSMS side of an OCPP Authorize that
// carries iso15118CertificateHashData instead of the certificate (OCPP 2.0.1
// C07.FR.05 [S]): it verifies der, the OCSP response obtained for hd, at
// time at. The issuing CA is found among issuers (the MO and V2G CA
// certificates the CSMS knows) by the issuerNameHash and issuerKeyHash of
// hd; none matching is [pki.ReasonUnknownIssuer]. The response's status is
// then given by [Response.Err].
func ParseResponseForHashData(der []byte, hd OCSPRequestData, issuers []*x509.Certificate, at time.Time) (*Response, error) {
	var h crypto.Hash
	for k, v := range hashNames {
		if strings.EqualFold(v, hd.HashAlgorithm) {
			h = k
		}
	}
	serial, ok := new(big.Int).SetString(hd.SerialNumber, 16)
	if h == 0 || !ok || serial.Sign() <= 0 {
		return nil, &pki.Error{Reason: pki.ReasonMalformed, Detail: fmt.Sprintf("hash data: hashAlgorithm %q, serialNumber %q", hd.HashAlgorithm, hd.SerialNumber)}
	}
	for _, ca := range issuers {
		name, key := issuerHashes(ca, h)
		if strings.EqualFold(hex.EncodeToString(name), hd.IssuerNameHash) && strings.EqualFold(hex.EncodeToString(key), hd.IssuerKeyHash) {
			return parseResponse(der, serial, nil, ca, at)
		}
	}
	return nil, &pki.Error{Reason: pki.ReasonUnknownIssuer, Detail: "hash data names no known CA"}
}
