package xmldsig

import (
	"bytes"
	"crypto/x509"

	"github.com/plugsim/plugsim/pki"
)

// reference is the schema-independent view of one Reference.
type reference struct {
	uri        string
	digestURI  string
	transforms []string
	digest     []byte
}

// checkSignedInfo checks the schema-independent parts of a SignedInfo
// against the elements the caller says are signed (id → digest input) and
// the signer's key, then the signature over signedInfo.
func checkSignedInfo(s suite, signer *x509.Certificate, canon, method string, refs []reference, want map[string][]byte, signedInfo, sigValue []byte) error {
	pub, err := pki.PublicKey(signer)
	if err != nil {
		return &pki.Error{Reason: pki.ReasonBadSignature, Cert: signer, Err: err}
	}
	if canon != CanonicalEXI {
		return badSignature(signer, "CanonicalizationMethod %q, want %q", canon, CanonicalEXI)
	}
	if m := methodFor(pub); method != m {
		return badSignature(signer, "SignatureMethod %q, the signer's key needs %q", method, m)
	}
	seen := map[string]bool{}
	for _, r := range refs {
		if len(r.uri) < 2 || r.uri[0] != '#' {
			return badSignature(signer, "Reference URI %q is not a same-document #Id", r.uri)
		}
		id := r.uri[1:]
		input, ok := want[id]
		if !ok {
			return badSignature(signer, "Reference %s names no signed element of this message", r.uri)
		}
		if seen[id] {
			return badSignature(signer, "Reference %s appears twice", r.uri)
		}
		seen[id] = true
		if r.digestURI != s.digestURI {
			return badSignature(signer, "Reference %s DigestMethod %q, want %q", r.uri, r.digestURI, s.digestURI)
		}
		for _, t := range r.transforms {
			if t != CanonicalEXI {
				return badSignature(signer, "Reference %s Transform %q", r.uri, t)
			}
		}
		h := s.newHash()
		h.Write(input)
		if !bytes.Equal(h.Sum(nil), r.digest) {
			return badSignature(signer, "Reference %s: DigestValue does not match the element", r.uri)
		}
	}
	for id := range want {
		if !seen[id] {
			return badSignature(signer, "element #%s is not referenced by the signature", id)
		}
	}
	if !pki.VerifyRaw(pub, signedInfo, sigValue) {
		return badSignature(signer, "SignatureValue does not verify over SignedInfo")
	}
	return nil
}
