package pki

import (
	"crypto/x509"
	"fmt"
	"strings"
)

// Reason says why a certificate, chain, OCSP response or Plug & Charge
// message was rejected.
type Reason int

// The reasons. The zero value is not a reason.
const (
	ReasonMalformed                  Reason = iota + 1 // DER that does not parse (truncated, garbage)
	ReasonExpired                                      // now is after NotAfter
	ReasonNotYetValid                                  // now is before NotBefore
	ReasonRevoked                                      // an OCSP response or CRL says revoked
	ReasonUnknownIssuer                                // no trusted root or given sub-CA issued it
	ReasonBadSignature                                 // the issuer's key does not verify the signature
	ReasonWrongUsage                                   // key usage or extended key usage does not allow the role
	ReasonNotCA                                        // an issuer lacks basicConstraints CA:TRUE
	ReasonCAAsLeaf                                     // a CA certificate is presented as an end-entity
	ReasonPathTooLong                                  // a CA's pathLenConstraint is exceeded
	ReasonChainTooLong                                 // more sub-CAs than the profile allows
	ReasonTooLarge                                     // the DER is larger than the profile's certificateType
	ReasonWrongAlgorithm                               // key or signature algorithm not the profile's (wrong curve)
	ReasonUnhandledCriticalExtension                   // a critical extension this package does not process
	ReasonWrongDomain                                  // the subject's domain component (DC) is not the role's
	ReasonBadIdentifier                                // the CN is not a valid EMAID or PCID
	ReasonRevocationUnknown                            // no usable revocation information
	ReasonOCSPBadSignature                             // an OCSP response not signed by the CA or its delegated responder
	ReasonOCSPStale                                    // an OCSP response past its nextUpdate (or not yet produced)
	ReasonOCSPMismatch                                 // an OCSP response for another certificate
	ReasonEMAIDMismatch                                // the EMAID in a message differs from the contract certificate
	ReasonChallengeMismatch                            // a signed GenChallenge differs from the one sent (replay)
	ReasonKeyMismatch                                  // a decrypted private key does not match its certificate
)

var reasonNames = [...]string{
	ReasonMalformed:                  "malformed",
	ReasonExpired:                    "expired",
	ReasonNotYetValid:                "not yet valid",
	ReasonRevoked:                    "revoked",
	ReasonUnknownIssuer:              "unknown issuer",
	ReasonBadSignature:               "bad signature",
	ReasonWrongUsage:                 "wrong key usage",
	ReasonNotCA:                      "issuer is not a CA",
	ReasonCAAsLeaf:                   "CA certificate used as a leaf",
	ReasonPathTooLong:                "path length constraint exceeded",
	ReasonChainTooLong:               "chain too long",
	ReasonTooLarge:                   "certificate too large",
	ReasonWrongAlgorithm:             "wrong algorithm for the profile",
	ReasonUnhandledCriticalExtension: "unhandled critical extension",
	ReasonWrongDomain:                "wrong domain component",
	ReasonBadIdentifier:              "bad identifier",
	ReasonRevocationUnknown:          "revocation status unknown",
	ReasonOCSPBadSignature:           "OCSP response badly signed",
	ReasonOCSPStale:                  "OCSP response stale",
	ReasonOCSPMismatch:               "OCSP response for another certificate",
	ReasonEMAIDMismatch:              "EMAID mismatch",
	ReasonChallengeMismatch:          "challenge mismatch",
	ReasonKeyMismatch:                "private key does not match the certificate",
}

// String returns the reason in words.
func (r Reason) String() string {
	if r > 0 && int(r) < len(reasonNames) {
		return reasonNames[r]
	}
	return fmt.Sprintf("Reason(%d)", int(r))
}

// Error is a rejection with its [Reason], like x509.CertificateInvalidError.
// Branch on it with errors.AsType[*pki.Error].
type Error struct {
	Reason Reason            // why
	Cert   *x509.Certificate // the certificate concerned, when there is one
	Rule   string            // the requirement the check enforces, as PKI-NOTES.md cites it
	Detail string            // free text
	Err    error             // the underlying error, when there is one
}

// Error implements error.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("pki: ")
	if e.Cert != nil {
		fmt.Fprintf(&b, "certificate %q: ", FormatName(e.Cert.Subject))
	}
	b.WriteString(e.Reason.String())
	if e.Detail != "" {
		b.WriteString(": " + e.Detail)
	}
	if e.Rule != "" {
		b.WriteString(" (" + e.Rule + ")")
	}
	if e.Err != nil {
		b.WriteString(": " + e.Err.Error())
	}
	return b.String()
}

// Unwrap returns the underlying error.
func (e *Error) Unwrap() error { return e.Err }

func reject(r Reason, c *x509.Certificate, rule, format string, args ...any) *Error {
	return &Error{Reason: r, Cert: c, Rule: rule, Detail: fmt.Sprintf(format, args...)}
}
