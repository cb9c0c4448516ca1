package xmldsig

import (
	"crypto/x509"
	"errors"
	"fmt"

	"github.com/plugsim/plugsim/iso15118/iso20/common"
	"github.com/plugsim/plugsim/pki"
)

// Reference20 is one element an ISO 15118-20 signature covers.
type Reference20 struct {
	ID       string          // the element's Id attribute, referenced as "#" + ID
	Fragment common.Fragment // the element itself: exactly one field set
}

// Digest20 returns the SHA-512 of f encoded as an EXI fragment with the
// ISO-20 CommonMessages fragment grammar: a Reference's DigestValue.
func Digest20(f *common.Fragment) ([]byte, error) {
	b, err := common.AppendEncodeFragment(nil, f)
	if err != nil {
		return nil, malformed(err, "encoding the signed fragment")
	}
	return suite20.digest(b), nil
}

// encode20 is the digest input of an ISO-20 signed element.
func encode20(r *Reference20) (string, []byte, error) {
	b, err := common.AppendEncodeFragment(nil, &r.Fragment)
	return r.ID, b, err
}

// Sign20 signs refs with key (ECDSA P-521 or Ed448) and returns the
// Signature element of the message header.
func Sign20(key *pki.Key, refs ...Reference20) (*common.SignatureType, error) {
	method := signatureMethod(key.Algorithm())
	if key.Algorithm() == pki.ECDSAP256SHA256 || method == "" {
		return nil, fmt.Errorf("xmldsig: ISO 15118-20 signs with ECDSA P-521 or Ed448, not %v", key.Algorithm())
	}
	si, b, err := signedInfo20(method, refs)
	if err != nil {
		return nil, err
	}
	sig, err := key.SignRaw(b)
	if err != nil {
		return nil, err
	}
	return &common.SignatureType{SignedInfo: *si, SignatureValue: common.SignatureValueType{Value: sig}}, nil
}

// signedInfo20 builds the SignedInfo over refs with SignatureMethod method
// and returns it with its xmldsig EXI fragment, the bytes the signature is
// made over.
func signedInfo20(method string, refs []Reference20) (*common.SignedInfoType, []byte, error) {
	elems, err := encodeElements(refs, encode20)
	if err != nil {
		return nil, nil, err
	}
	rs, err := suite20.references(elems)
	if err != nil {
		return nil, nil, err
	}
	si := common.SignedInfoType{
		CanonicalizationMethod: common.CanonicalizationMethodType{Algorithm: CanonicalEXI},
		SignatureMethod:        common.SignatureMethodType{Algorithm: method},
	}
	for _, r := range rs {
		ref := common.ReferenceType{URI: &r.uri, Transforms: &common.TransformsType{}, DigestMethod: common.DigestMethodType{Algorithm: r.digestURI}, DigestValue: r.digest}
		for _, t := range r.transforms {
			ref.Transforms.Transform = append(ref.Transforms.Transform, common.TransformType{Algorithm: t})
		}
		si.Reference = append(si.Reference, ref)
	}
	b, err := common.AppendEncodeXMLDSigFragment(nil, &common.XMLDSigFragment{SignedInfo: &si})
	if err != nil {
		return nil, nil, malformed(err, "encoding SignedInfo")
	}
	return &si, b, nil
}

// Verify20 checks that sig covers exactly refs, that every digest matches and
// that signer's key made the SignatureValue.
func Verify20(sig *common.SignatureType, signer *x509.Certificate, refs ...Reference20) error {
	if sig == nil {
		return badSignature(signer, "message carries no Signature")
	}
	elems, err := encodeElements(refs, encode20)
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
	si, err := common.AppendEncodeXMLDSigFragment(nil, &common.XMLDSigFragment{SignedInfo: &sig.SignedInfo})
	if err != nil {
		return malformed(err, "encoding SignedInfo")
	}
	return checkSignedInfo(suite20, signer, sig.SignedInfo.CanonicalizationMethod.Algorithm, sig.SignedInfo.SignatureMethod.Algorithm, rs, elems, si, sig.SignatureValue.Value)
}

// References20 returns the signed elements of an ISO-20 CommonMessages
// document and the header that carries the signature: PnC_AReqAuthorizationMode
// of AuthorizationReq (contract key), OEMProvisioningCertificateChain of
// CertificateInstallationReq (OEM provisioning key), SignedInstallationData
// of CertificateInstallationRes (CPS key), SignedMeteringData of
// MeteringConfirmationReq (contract key) (PKI-NOTES §3; README).
func References20(d *common.Document) ([]Reference20, *common.MessageHeaderType, error) {
	switch {
	case d.AuthorizationReq != nil && d.AuthorizationReq.PnC_AReqAuthorizationMode != nil:
		m := d.AuthorizationReq.PnC_AReqAuthorizationMode
		return []Reference20{{m.Id, common.Fragment{PnC_AReqAuthorizationMode: m}}}, &d.AuthorizationReq.Header, nil
	case d.CertificateInstallationReq != nil:
		c := &d.CertificateInstallationReq.OEMProvisioningCertificateChain
		return []Reference20{{c.Id, common.Fragment{OEMProvisioningCertificateChain: c}}}, &d.CertificateInstallationReq.Header, nil
	case d.CertificateInstallationRes != nil:
		s := &d.CertificateInstallationRes.SignedInstallationData
		return []Reference20{{s.Id, common.Fragment{SignedInstallationData: s}}}, &d.CertificateInstallationRes.Header, nil
	case d.MeteringConfirmationReq != nil:
		s := &d.MeteringConfirmationReq.SignedMeteringData
		return []Reference20{{s.Id, common.Fragment{SignedMeteringData: s}}}, &d.MeteringConfirmationReq.Header, nil
	}
	return nil, nil, errors.New("xmldsig: the ISO-20 document is not a message that carries a signature")
}

// SignMessage20 signs the elements of d that ISO-20 signs and puts the
// Signature into the message header.
func SignMessage20(key *pki.Key, d *common.Document) error {
	refs, h, err := References20(d)
	if err != nil {
		return err
	}
	sig, err := Sign20(key, refs...)
	if err != nil {
		return err
	}
	h.Signature = sig
	return nil
}

// VerifyMessage20 verifies the header Signature of d with signer's key.
func VerifyMessage20(d *common.Document, signer *x509.Certificate) error {
	refs, h, err := References20(d)
	if err != nil {
		return err
	}
	return Verify20(h.Signature, signer, refs...)
}
