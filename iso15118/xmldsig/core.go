package xmldsig

import (
	"bytes"
	"crypto/x509"
	"errors"

	"github.com/plugsim/plugsim/pki"
)

// reference is the schema-independent view of one Reference.
type reference struct {
	uri        string
	digestURI  string
	transforms []string
	digest     []byte
}

// element is one signed element: its Id and its EXI fragment, the digest
// input.
type element struct {
	id  string
	exi []byte
}

// encodeElements encodes each signed element with its schema set's fragment
// grammar; enc returns the element's Id and fragment bytes.
func encodeElements[R any](refs []R, enc func(*R) (string, []byte, error)) ([]element, error) {
	out := make([]element, 0, len(refs))
	for i := range refs {
		id, b, err := enc(&refs[i])
		if err != nil {
			return nil, malformed(err, "encoding the signed fragment")
		}
		out = append(out, element{id, b})
	}
	return out, nil
}

// digest hashes a fragment with the suite's digest algorithm.
func (s suite) digest(exi []byte) []byte {
	h := s.newHash()
	h.Write(exi)
	return h.Sum(nil)
}

// references returns the References of a new SignedInfo over elems: a
// same-document "#Id" URI, the canonical EXI transform and the suite's
// digest of each fragment.
func (s suite) references(elems []element) ([]reference, error) {
	out := make([]reference, 0, len(elems))
	for _, e := range elems {
		if e.id == "" {
			return nil, errors.New("xmldsig: a signed element needs an Id")
		}
		out = append(out, reference{uri: "#" + e.id, digestURI: s.digestURI, transforms: []string{CanonicalEXI}, digest: s.digest(e.exi)})
	}
	return out, nil
}

// checkSignedInfo checks the schema-independent parts of a SignedInfo
// against the elements the caller says are signed and the signer's key,
// then the signature over signedInfo (the SignedInfo's xmldsig fragment).
func checkSignedInfo(s suite, signer *x509.Certificate, canon, method string, refs []reference, elems []element, signedInfo, sigValue []byte) error {
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
	want := make(map[string][]byte, len(elems))
	for _, e := range elems {
		want[e.id] = e.exi
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
		if !bytes.Equal(s.digest(input), r.digest) {
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
