package pki

import (
	"crypto/subtle"
	"crypto/x509"

	"github.com/plugsim/plugsim/pki/ident"
)

const (
	ruleEMAIDCN     = "contract CN = EMAID, syntax of ISO 15118-2 Annex H and eMI3 check digit (PKI-NOTES §2) [S]; MO leaf checked by EMAID syntax (RISE-SU) [S]"
	rulePCIDCN      = "OEM provisioning CN = PCID ^[a-zA-Z0-9]{17,18}$ (OPCP) [S]"
	ruleEMAIDMatch  = "eMAID of the message equals the contract CN, compared case-insensitively without '-' (EV-V2G handle_iso_payment_details) [S]; ISO id [U]"
	ruleGenChalleng = "AuthorizationReq GenChallenge equals the one sent in PaymentDetailsRes; ISO id [U]"
)

func checkEMAID(c *x509.Certificate) error {
	e, err := ident.ParseEMAID(c.Subject.CommonName)
	if err == nil {
		err = e.Verify()
	}
	if err != nil {
		return &Error{Reason: ReasonBadIdentifier, Cert: c, Rule: ruleEMAIDCN, Err: err}
	}
	return nil
}

func checkPCID(c *x509.Certificate) error {
	if _, err := ident.ParsePCID(c.Subject.CommonName); err != nil {
		return &Error{Reason: ReasonBadIdentifier, Cert: c, Rule: rulePCIDCN, Err: err}
	}
	return nil
}

// CheckAuthorization is the pure Plug & Charge authorization check an SECC
// runs on an AuthorizationReq once its signature verified: the challenge the
// EV signed must be the one the SECC sent in PaymentDetailsRes (a replayed
// or foreign GenChallenge gives [ReasonChallengeMismatch]), and the EMAID the
// EV claimed in PaymentDetailsReq must be the contract certificate's CN
// ([ReasonEMAIDMismatch]). The certificate's chain is checked by [Verify].
func CheckAuthorization(sent, received []byte, emaidClaimed string, contract *x509.Certificate) error {
	if len(sent) == 0 || len(sent) != len(received) || subtle.ConstantTimeCompare(sent, received) != 1 {
		return &Error{Reason: ReasonChallengeMismatch, Cert: contract, Rule: ruleGenChalleng, Detail: "GenChallenge differs from the one sent"}
	}
	if contract == nil || !ident.EqualEMAID(emaidClaimed, contract.Subject.CommonName) {
		cn := ""
		if contract != nil {
			cn = contract.Subject.CommonName
		}
		return &Error{Reason: ReasonEMAIDMismatch, Cert: contract, Rule: ruleEMAIDMatch, Detail: "claimed " + emaidClaimed + ", certificate " + cn}
	}
	return nil
}
