package xmldsig

import (
	"crypto/x509"
	"errors"
	"fmt"

	"github.com/plugsim/plugsim/iso15118/iso2"
	"github.com/plugsim/plugsim/pki"
)

// Reference2 is one element an ISO 15118-2 signature covers.
type Reference2 struct {
	ID       string        // the element's Id attribute, referenced as "#" + ID
	Fragment iso2.Fragment // the element itself: exactly one field set
}

// Digest2 returns the SHA-256 of f encoded as an EXI fragment with the ISO-2
// fragment grammar: a Reference's DigestValue ([V2G2-771] as cited by the
// codec's tests; PKI-NOTES §3 [V]).
func Digest2(f *iso2.Fragment) ([]byte, error) {
	b, err := iso2.AppendEncodeFragment(nil, f)
	if err != nil {
		return nil, malformed(err, "encoding the signed fragment")
	}
	return suite2.digest(b), nil
}

// encode2 is the digest input of an ISO-2 signed element.
func encode2(r *Reference2) (string, []byte, error) {
	b, err := iso2.AppendEncodeFragment(nil, &r.Fragment)
	return r.ID, b, err
}

// Sign2 signs refs with key (ECDSA P-256) and returns the Signature element
// of the message header.
func Sign2(key *pki.Key, refs ...Reference2) (*iso2.SignatureType, error) {
	if key.Algorithm() != pki.ECDSAP256SHA256 {
		return nil, fmt.Errorf("xmldsig: ISO 15118-2 signs with ECDSA P-256, not %v", key.Algorithm())
	}
	si, b, err := signedInfo2(ECDSASHA256, refs)
	if err != nil {
		return nil, err
	}
	sig, err := key.SignRaw(b)
	if err != nil {
		return nil, err
	}
	return &iso2.SignatureType{SignedInfo: *si, SignatureValue: iso2.SignatureValueType{Value: sig}}, nil
}

// signedInfo2 builds the SignedInfo over refs with SignatureMethod method
// and returns it with its xmldsig EXI fragment, the bytes the signature is
// made over.
func signedInfo2(method string, refs []Reference2) (*iso2.SignedInfoType, []byte, error) {
	elems, err := encodeElements(refs, encode2)
	if err != nil {
		return nil, nil, err
	}
	rs, err := suite2.references(elems)
	if err != nil {
		return nil, nil, err
	}
	si := iso2.SignedInfoType{
		CanonicalizationMethod: iso2.CanonicalizationMethodType{Algorithm: CanonicalEXI},
		SignatureMethod:        iso2.SignatureMethodType{Algorithm: method},
	}
	for _, r := range rs {
		ref := iso2.ReferenceType{URI: &r.uri, Transforms: &iso2.TransformsType{}, DigestMethod: iso2.DigestMethodType{Algorithm: r.digestURI}, DigestValue: r.digest}
		for _, t := range r.transforms {
			ref.Transforms.Transform = append(ref.Transforms.Transform, iso2.TransformType{Algorithm: t})
		}
		si.Reference = append(si.Reference, ref)
	}
	b, err := iso2.AppendEncodeXMLDSigFragment(nil, &iso2.XMLDSigFragment{SignedInfo: &si})
	if err != nil {
		return nil, nil, malformed(err, "encoding SignedInfo")
	}
	return &si, b, nil
}

// Verify2 checks that sig covers exactly refs, that every digest matches and
// that signer's key made the SignatureValue.
func Verify2(sig *iso2.SignatureType, signer *x509.Certificate, refs ...Reference2) error {
	if sig == nil {
		return badSignature(signer, "message carries no Signature")
	}
	elems, err := encodeElements(refs, encode2)
	if err != nil {
		return err
	}
	rs := make([]reference, 0, len(sig.SignedInfo.Reference))
	for _, r := range sig.SignedInfo.Reference {
		x := reference{digestURI: r.DigestMethod.Algorithm, digest: r.DigestValue}
		if r.URI != nil {
			x.uri = *r.URI
		}
		if r.Transforms != nil {
			for _, t := range r.Transforms.Transform {
				x.transforms = append(x.transforms, t.Algorithm)
			}
		}
		rs = append(rs, x)
	}
	si, err := iso2.AppendEncodeXMLDSigFragment(nil, &iso2.XMLDSigFragment{SignedInfo: &sig.SignedInfo})
	if err != nil {
		return malformed(err, "encoding SignedInfo")
	}
	return checkSignedInfo(suite2, signer, sig.SignedInfo.CanonicalizationMethod.Algorithm, sig.SignedInfo.SignatureMethod.Algorithm, rs, elems, si, sig.SignatureValue.Value)
}

// References2 returns the elements a signed ISO-2 message body covers:
// AuthorizationReq and MeteringReceiptReq (contract key),
// CertificateInstallationReq (OEM provisioning key), CertificateUpdateReq
// (old contract key) and, in CertificateInstallationRes/UpdateRes, the
// contract chain, encrypted private key, DH public key and eMAID (CPS key).
func References2(b *iso2.BodyType) ([]Reference2, error) {
	id := func(p *string) string {
		if p == nil {
			return ""
		}
		return *p
	}
	switch {
	case b.AuthorizationReq != nil:
		return []Reference2{{id(b.AuthorizationReq.Id), iso2.Fragment{AuthorizationReq: b.AuthorizationReq}}}, nil
	case b.MeteringReceiptReq != nil:
		return []Reference2{{id(b.MeteringReceiptReq.Id), iso2.Fragment{MeteringReceiptReq: b.MeteringReceiptReq}}}, nil
	case b.CertificateInstallationReq != nil:
		return []Reference2{{b.CertificateInstallationReq.Id, iso2.Fragment{CertificateInstallationReq: b.CertificateInstallationReq}}}, nil
	case b.CertificateUpdateReq != nil:
		return []Reference2{{b.CertificateUpdateReq.Id, iso2.Fragment{CertificateUpdateReq: b.CertificateUpdateReq}}}, nil
	case b.CertificateInstallationRes != nil:
		r := b.CertificateInstallationRes
		return installationRefs(&r.ContractSignatureCertChain, &r.ContractSignatureEncryptedPrivateKey, &r.DHpublickey, &r.EMAID), nil
	case b.CertificateUpdateRes != nil:
		r := b.CertificateUpdateRes
		return installationRefs(&r.ContractSignatureCertChain, &r.ContractSignatureEncryptedPrivateKey, &r.DHpublickey, &r.EMAID), nil
	}
	return nil, errors.New("xmldsig: the ISO-2 message body is not one that carries a signature")
}

func installationRefs(chain *iso2.CertificateChainType, key *iso2.ContractSignatureEncryptedPrivateKeyType, dh *iso2.DiffieHellmanPublickeyType, emaid *iso2.EMAIDType) []Reference2 {
	chainID := ""
	if chain.Id != nil {
		chainID = *chain.Id
	}
	return []Reference2{
		{chainID, iso2.Fragment{ContractSignatureCertChain: chain}},
		{key.Id, iso2.Fragment{ContractSignatureEncryptedPrivateKey: key}},
		{dh.Id, iso2.Fragment{DHpublickey: dh}},
		{emaid.Id, iso2.Fragment{EMAID: emaid}}, // element fragment grammar, see iso2 docs and PKI-NOTES pitfall 2
	}
}

// SignMessage2 signs the elements of msg's body that ISO-2 signs and puts
// the Signature into msg.Header.
func SignMessage2(key *pki.Key, msg *iso2.V2G_Message) error {
	refs, err := References2(&msg.Body)
	if err != nil {
		return err
	}
	sig, err := Sign2(key, refs...)
	if err != nil {
		return err
	}
	msg.Header.Signature = sig
	return nil
}

// VerifyMessage2 verifies msg's header Signature over the elements of its
// body that ISO-2 signs, with signer's key (the contract certificate for
// AuthorizationReq, the CPS leaf for CertificateInstallationRes, ...).
func VerifyMessage2(msg *iso2.V2G_Message, signer *x509.Certificate) error {
	refs, err := References2(&msg.Body)
	if err != nil {
		return err
	}
	return Verify2(msg.Header.Signature, signer, refs...)
}
