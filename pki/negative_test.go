package pki_test

import (
	"bytes"
	"crypto"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"errors"
	"math/big"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/plugsim/plugsim/pki"
	"github.com/plugsim/plugsim/pki/contractkey"
	"github.com/plugsim/plugsim/pki/revocation"
)

var negAt = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)

func mustHierarchy(t *testing.T, p pki.Profile, seed string) *pki.Hierarchy {
	t.Helper()
	h, err := pki.NewHierarchy(pki.HierarchyOptions{Profile: p, Seed: []byte(seed), At: negAt, V2GRoots: 2, Contracts: 2})
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// forge signs tmpl with issuerKey under issuer's name, bypassing the
// profile rules, to build certificates a conforming CA would never issue.
func forge(t *testing.T, tmpl, issuer *x509.Certificate, pub crypto.PublicKey, issuerKey crypto.Signer) *x509.Certificate {
	t.Helper()
	der, err := x509.CreateCertificate(nil, tmpl, issuer, pub, issuerKey)
	if err != nil {
		t.Fatal(err)
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func leafTemplate(serial int64, cn string, dc string, usage x509.KeyUsage) *x509.Certificate {
	return &x509.Certificate{
		SerialNumber: big.NewInt(serial),
		Subject: pkix.Name{CommonName: cn, Organization: []string{"plugsim CPO"}, Country: []string{"DE"}, ExtraNames: []pkix.AttributeTypeAndValue{
			{Type: pki.OIDDomainComponent(), Value: dc}}},
		NotBefore:             negAt,
		NotAfter:              negAt.Add(90 * 24 * time.Hour),
		KeyUsage:              usage,
		BasicConstraintsValid: true,
		SignatureAlgorithm:    x509.ECDSAWithSHA256,
	}
}

// TestNegative is the table of inputs the PKI must reject: each is rejected
// with its typed reason, none is accepted.
func TestNegative(t *testing.T) {
	h := mustHierarchy(t, pki.ISO2, "negative")
	h20 := mustHierarchy(t, pki.ISO20, "negative")
	v := h.V2G[0]
	secc := v.SECC[0]
	e := h.EMSPs[0]
	contract := e.Contracts[0]
	v2gStore := pki.NewTrustStore(v.Root.Cert, h.V2G[1].Root.Cert)
	moStore := pki.NewTrustStore(e.Root.Cert)
	seccOpts := pki.VerifyOptions{Profile: pki.ISO2, Roots: v2gStore, Intermediates: []*x509.Certificate{v.CPOSubCA2.Cert, v.CPOSubCA1.Cert}, At: negAt.Add(time.Hour), Role: pki.RoleSECC}
	moOpts := pki.VerifyOptions{Profile: pki.ISO2, Roots: moStore, Intermediates: []*x509.Certificate{e.SubCA2.Cert, e.SubCA1.Cert}, At: negAt.Add(time.Hour), Role: pki.RoleContract}
	with := func(o pki.VerifyOptions, f func(*pki.VerifyOptions)) pki.VerifyOptions { f(&o); return o }

	otherKey, err := pki.DeriveKey(pki.ECDSAP256SHA256, []byte("attacker"), "key")
	if err != nil {
		t.Fatal(err)
	}
	leafKey, err := pki.DeriveKey(pki.ECDSAP256SHA256, []byte("attacker"), "leaf")
	if err != nil {
		t.Fatal(err)
	}

	// OCSP responders for the MO hierarchy.
	responders := map[*pki.CA]*revocation.Responder{}
	for _, ca := range []*pki.CA{e.Root, e.SubCA1, e.SubCA2} {
		k, err := pki.DeriveKey(pki.ECDSAP256SHA256, []byte("negative"), "ocsp/"+ca.Cert.Subject.CommonName)
		if err != nil {
			t.Fatal(err)
		}
		r, err := revocation.NewResponder(ca, negAt, revocation.ResponderOptions{SignerKey: k})
		if err != nil {
			t.Fatal(err)
		}
		responders[ca] = r
	}

	cases := []struct {
		name string
		run  func(t *testing.T) error
		want pki.Reason
	}{
		{"expired", func(t *testing.T) error {
			return verifyErr(secc.Cert, with(seccOpts, func(o *pki.VerifyOptions) { o.At = secc.Cert.NotAfter.Add(time.Second) }))
		}, pki.ReasonExpired},
		{"not yet valid", func(t *testing.T) error {
			return verifyErr(secc.Cert, with(seccOpts, func(o *pki.VerifyOptions) { o.At = negAt.Add(-time.Second) }))
		}, pki.ReasonNotYetValid},
		{"revoked by OCSP", func(t *testing.T) error {
			r := revocation.NewResponderSet(responders[e.Root], responders[e.SubCA1], responders[e.SubCA2])
			responders[e.SubCA2].Revoke(e.Contracts[1].Cert.SerialNumber, negAt, 1)
			return verifyErr(e.Contracts[1].Cert, with(moOpts, func(o *pki.VerifyOptions) {
				o.Revocation = &revocation.Checker{Cache: revocation.NewCache(), Fetcher: r}
			}))
		}, pki.ReasonRevoked},
		{"revoked by CRL", func(t *testing.T) error {
			k, _ := pki.DeriveKey(pki.ECDSAP256SHA256, []byte("crl"), "r")
			r, err := revocation.NewResponder(e.SubCA1, negAt, revocation.ResponderOptions{SignerKey: k})
			if err != nil {
				return err
			}
			r.Revoke(e.SubCA2.Cert.SerialNumber, negAt, 2)
			crl, err := r.CRL(negAt.Add(time.Minute), 7)
			if err != nil {
				return err
			}
			crls := revocation.NewCRLSet()
			if err := crls.Add(crl, e.SubCA1.Cert); err != nil {
				return err
			}
			return verifyErr(contract.Cert, with(moOpts, func(o *pki.VerifyOptions) {
				o.Revocation = &revocation.Checker{CRLs: crls, SoftFail: true}
			}))
		}, pki.ReasonRevoked},
		{"wrong root", func(t *testing.T) error {
			return verifyErr(secc.Cert, with(seccOpts, func(o *pki.VerifyOptions) { o.Roots = pki.NewTrustStore(h.V2G[1].Root.Cert) }))
		}, pki.ReasonUnknownIssuer},
		{"root of another hierarchy (same names, other seed)", func(t *testing.T) error {
			other := mustHierarchy(t, pki.ISO2, "other operator")
			return verifyErr(secc.Cert, with(seccOpts, func(o *pki.VerifyOptions) { o.Roots = pki.NewTrustStore(other.V2G[0].Root.Cert) }))
		}, pki.ReasonBadSignature},
		{"missing sub-CA", func(t *testing.T) error {
			return verifyErr(secc.Cert, with(seccOpts, func(o *pki.VerifyOptions) { o.Intermediates = []*x509.Certificate{v.CPOSubCA2.Cert} }))
		}, pki.ReasonUnknownIssuer},
		{"path too long (Sub-CA 2 with pathlen 0 issues a CA)", func(t *testing.T) error {
			v20 := h20.V2G[0]
			k3, _ := pki.DeriveKey(pki.ECDSAP521SHA512, []byte("x"), "sub3")
			kl, _ := pki.DeriveKey(pki.ECDSAP521SHA512, []byte("x"), "leaf")
			sub3 := forge(t, &x509.Certificate{SerialNumber: big.NewInt(900), Subject: pkix.Name{CommonName: "Sub-CA 3"},
				NotBefore: negAt, NotAfter: negAt.Add(365 * 24 * time.Hour), IsCA: true, BasicConstraintsValid: true,
				KeyUsage: x509.KeyUsageCertSign, SubjectKeyId: []byte{3}}, v20.CPOSubCA2.Cert, k3.Public(), v20.CPOSubCA2.Key)
			tmpl := leafTemplate(901, "DE-PSM-S-00000000000000000000000000000009", "CPO", x509.KeyUsageDigitalSignature|x509.KeyUsageKeyAgreement)
			tmpl.SignatureAlgorithm = x509.ECDSAWithSHA512
			leaf := forge(t, tmpl, sub3, kl.Public(), k3)
			return verifyErr(leaf, pki.VerifyOptions{Profile: pki.ISO20, Roots: pki.NewTrustStore(v20.Root.Cert),
				Intermediates: []*x509.Certificate{sub3, v20.CPOSubCA2.Cert, v20.CPOSubCA1.Cert}, At: negAt.Add(time.Hour), Role: pki.RoleSECC})
		}, pki.ReasonPathTooLong},
		{"CA certificate used as a leaf", func(t *testing.T) error {
			return verifyErr(v.CPOSubCA2.Cert, with(seccOpts, func(o *pki.VerifyOptions) { o.Intermediates = []*x509.Certificate{v.CPOSubCA1.Cert} }))
		}, pki.ReasonCAAsLeaf},
		{"wrong key usage (keyEncipherment only)", func(t *testing.T) error {
			leaf := forge(t, leafTemplate(902, "DE-PSM-S-00000000000000000000000000000009", "CPO", x509.KeyUsageKeyEncipherment), v.CPOSubCA2.Cert, leafKey.Public(), v.CPOSubCA2.Key)
			return verifyErr(leaf, seccOpts)
		}, pki.ReasonWrongUsage},
		{"wrong key usage (no keyAgreement on SECC)", func(t *testing.T) error {
			leaf := forge(t, leafTemplate(903, "DE-PSM-S-00000000000000000000000000000009", "CPO", x509.KeyUsageDigitalSignature), v.CPOSubCA2.Cert, leafKey.Public(), v.CPOSubCA2.Key)
			return verifyErr(leaf, seccOpts)
		}, pki.ReasonWrongUsage},
		{"leaf sent as a third sub-CA (ISO-2 allows two)", func(t *testing.T) error {
			leaf := forge(t, leafTemplate(904, "DE-PSM-S-00000000000000000000000000000009", "CPO", x509.KeyUsageDigitalSignature|x509.KeyUsageKeyAgreement), secc.Cert, leafKey.Public(), secc.Key)
			return verifyErr(leaf, with(seccOpts, func(o *pki.VerifyOptions) { o.Intermediates = append(o.Intermediates[:2:2], secc.Cert) }))
		}, pki.ReasonChainTooLong},
		{"issuer is a leaf (ISO-20 room)", func(t *testing.T) error {
			v20 := h20.V2G[0]
			kl, _ := pki.DeriveKey(pki.ECDSAP521SHA512, []byte("x"), "leaf2")
			tmpl := leafTemplate(905, "DE-PSM-S-00000000000000000000000000000009", "CPO", x509.KeyUsageDigitalSignature|x509.KeyUsageKeyAgreement)
			tmpl.SignatureAlgorithm = x509.ECDSAWithSHA512
			leaf := forge(t, tmpl, v20.SECC[0].Cert, kl.Public(), v20.SECC[0].Key)
			return verifyErr(leaf, pki.VerifyOptions{Profile: pki.ISO20, Roots: pki.NewTrustStore(v20.Root.Cert),
				Intermediates: []*x509.Certificate{v20.SECC[0].Cert, v20.CPOSubCA2.Cert, v20.CPOSubCA1.Cert}, At: negAt.Add(time.Hour), Role: pki.RoleSECC})
		}, pki.ReasonNotCA},
		{"tampered signature", func(t *testing.T) error {
			der := bytes.Clone(secc.Cert.Raw)
			der[len(der)-5] ^= 0x40
			c, err := pki.ParseCertificate(der)
			if err != nil {
				return err
			}
			return verifyErr(c, seccOpts)
		}, pki.ReasonBadSignature},
		{"tampered TBS (CN changed)", func(t *testing.T) error {
			der := bytes.Clone(secc.Cert.Raw)
			i := bytes.Index(der, []byte("DE-PSM-S-"))
			der[i+3] = 'X'
			c, err := pki.ParseCertificate(der)
			if err != nil {
				return err
			}
			return verifyErr(c, seccOpts)
		}, pki.ReasonBadSignature},
		{"tampered Ed448 signature", func(t *testing.T) error {
			hEd := mustHierarchy(t, pki.ISO20Ed448, "negative")
			ve := hEd.V2G[0]
			der := bytes.Clone(ve.SECC[0].Cert.Raw)
			der[len(der)-7] ^= 0x01
			c, err := pki.ParseCertificate(der)
			if err != nil {
				return err
			}
			return verifyErr(c, pki.VerifyOptions{Profile: pki.ISO20Ed448, Roots: pki.NewTrustStore(ve.Root.Cert),
				Intermediates: []*x509.Certificate{ve.CPOSubCA2.Cert, ve.CPOSubCA1.Cert}, At: negAt.Add(time.Hour), Role: pki.RoleSECC})
		}, pki.ReasonBadSignature},
		{"signature by another key", func(t *testing.T) error {
			fakeIssuer := *v.CPOSubCA2.Cert
			fakeIssuer.PublicKey = otherKey.Public()
			leaf := forge(t, leafTemplate(906, "DE-PSM-S-00000000000000000000000000000009", "CPO", x509.KeyUsageDigitalSignature|x509.KeyUsageKeyAgreement), &fakeIssuer, leafKey.Public(), otherKey)
			return verifyErr(leaf, seccOpts)
		}, pki.ReasonBadSignature},
		{"EMAID in the message differs from the certificate", func(t *testing.T) error {
			ch := []byte("0123456789abcdef")
			return pki.CheckAuthorization(ch, ch, e.Contracts[1].Cert.Subject.CommonName, contract.Cert)
		}, pki.ReasonEMAIDMismatch},
		{"replayed GenChallenge", func(t *testing.T) error {
			return pki.CheckAuthorization([]byte("fresh-challenge!"), []byte("old-challenge-01"), contract.Cert.Subject.CommonName, contract.Cert)
		}, pki.ReasonChallengeMismatch},
		{"wrong curve for the profile (P-256 chain under ISO-20)", func(t *testing.T) error {
			return verifyErr(secc.Cert, with(seccOpts, func(o *pki.VerifyOptions) { o.Profile = pki.ISO20 }))
		}, pki.ReasonWrongAlgorithm},
		{"wrong curve for the profile (P-521 chain under ISO-2)", func(t *testing.T) error {
			v20 := h20.V2G[0]
			return verifyErr(v20.SECC[0].Cert, pki.VerifyOptions{Profile: pki.ISO2, Roots: pki.NewTrustStore(v20.Root.Cert),
				Intermediates: []*x509.Certificate{v20.CPOSubCA2.Cert, v20.CPOSubCA1.Cert}, At: negAt.Add(time.Hour)})
		}, pki.ReasonWrongAlgorithm},
		{"wrong curve: issuing a P-521 key under ISO-2", func(t *testing.T) error {
			k, _ := pki.DeriveKey(pki.ECDSAP521SHA512, []byte("x"), "k")
			_, err := v.CPOSubCA2.Issue(pki.Request{Role: pki.RoleSECC, Subject: pki.Name{CommonName: "x"}, Key: k, NotBefore: negAt})
			return err
		}, pki.ReasonWrongAlgorithm},
		{"OCSP response signed by a wrong key", func(t *testing.T) error {
			fake := &pki.CA{Credential: pki.Credential{Role: pki.RoleMOSubCA2, Cert: e.SubCA2.Cert, Key: otherKey}, Profile: pki.ISO2}
			r, err := revocation.NewResponder(fake, negAt, revocation.ResponderOptions{})
			if err != nil {
				return err
			}
			der, err := r.ResponseFor(contract.Cert.SerialNumber, crypto.SHA256, negAt)
			if err != nil {
				return err
			}
			_, err = revocation.ParseResponse(der, contract.Cert, e.SubCA2.Cert, negAt)
			return err
		}, pki.ReasonOCSPBadSignature},
		{"OCSP response by a delegated signer of another CA", func(t *testing.T) error {
			impostor := *e.SubCA2.Cert // same name and raw bytes, another key behind it
			impostor.PublicKey = otherKey.Public()
			fake := &pki.CA{Credential: pki.Credential{Role: pki.RoleMOSubCA2, Cert: &impostor, Key: otherKey}, Profile: pki.ISO2}
			r, err := revocation.NewResponder(fake, negAt, revocation.ResponderOptions{SignerKey: leafKey})
			if err != nil {
				return err
			}
			der, err := r.ResponseFor(contract.Cert.SerialNumber, crypto.SHA256, negAt)
			if err != nil {
				return err
			}
			_, err = revocation.ParseResponse(der, contract.Cert, e.SubCA2.Cert, negAt)
			return err
		}, pki.ReasonOCSPBadSignature},
		{"stale OCSP response", func(t *testing.T) error {
			der, err := responders[e.SubCA2].ResponseFor(contract.Cert.SerialNumber, crypto.SHA256, negAt)
			if err != nil {
				return err
			}
			_, err = revocation.NewCache().Add(der, contract.Cert, e.SubCA2.Cert, negAt.Add(revocation.DefaultValidity+time.Second))
			return err
		}, pki.ReasonOCSPStale},
		{"OCSP response for another certificate", func(t *testing.T) error {
			der, err := responders[e.SubCA2].ResponseFor(e.Contracts[1].Cert.SerialNumber, crypto.SHA256, negAt)
			if err != nil {
				return err
			}
			_, err = revocation.ParseResponse(der, contract.Cert, e.SubCA2.Cert, negAt)
			return err
		}, pki.ReasonOCSPMismatch},
		{"tampered encrypted private key", func(t *testing.T) error {
			oem := h.OEM.Provisioning[0]
			s, err := contractkey.SealISO2(rand.NewChaCha8([32]byte{9}), &oem.Key.ECDSA().PublicKey, contract.Key)
			if err != nil {
				return err
			}
			s.EncryptedPrivateKey[20] ^= 0x80
			_, err = contractkey.OpenISO2(oem.Key, s, contract.Cert)
			return err
		}, pki.ReasonKeyMismatch},
		{"truncated DER", func(t *testing.T) error {
			_, err := pki.ParseCertificate(secc.Cert.Raw[:len(secc.Cert.Raw)-20])
			return err
		}, pki.ReasonMalformed},
		{"oversized chain", func(t *testing.T) error {
			return verifyErr(secc.Cert, with(seccOpts, func(o *pki.VerifyOptions) {
				o.Intermediates = []*x509.Certificate{v.CPOSubCA2.Cert, v.CPOSubCA1.Cert, v.CPSSubCA1.Cert}
			}))
		}, pki.ReasonChainTooLong},
		{"unknown critical extension", func(t *testing.T) error {
			k, _ := pki.DeriveKey(pki.ECDSAP256SHA256, []byte("x"), "crit")
			c, err := v.CPOSubCA2.Issue(pki.Request{Role: pki.RoleSECC, Subject: pki.Name{CommonName: "DE-PSM-S-00000000000000000000000000000008"}, Key: k, NotBefore: negAt,
				ExtraExtensions: []pkix.Extension{{Id: asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 99999, 1}, Critical: true, Value: []byte{5, 0}}}})
			if err != nil {
				return err
			}
			return verifyErr(c.Cert, seccOpts)
		}, pki.ReasonUnhandledCriticalExtension},
		{"certificate larger than ISO-2's 800 bytes", func(t *testing.T) error {
			k, _ := pki.DeriveKey(pki.ECDSAP256SHA256, []byte("x"), "big")
			_, err := v.CPOSubCA2.Issue(pki.Request{Role: pki.RoleSECC, Subject: pki.Name{CommonName: "DE-PSM-S-00000000000000000000000000000007"}, Key: k, NotBefore: negAt,
				ExtraExtensions: []pkix.Extension{{Id: asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 99999, 2}, Value: bytes.Repeat([]byte{4}, 600)}}})
			return err
		}, pki.ReasonTooLarge},
		{"SECC certificate without the CPO's O and C", func(t *testing.T) error {
			k, _ := pki.DeriveKey(pki.ECDSAP256SHA256, []byte("x"), "noorg")
			c, err := v.CPOSubCA2.Issue(pki.Request{Role: pki.RoleSECC, Subject: pki.Name{CommonName: "DE-PSM-S-00000000000000000000000000000006"}, Key: k, NotBefore: negAt})
			if err != nil {
				return err
			}
			return verifyErr(c.Cert, seccOpts)
		}, pki.ReasonBadIdentifier},
		{"wrong domain component (contract presented as SECC)", func(t *testing.T) error {
			return verifyErr(contract.Cert, with(moOpts, func(o *pki.VerifyOptions) { o.Role = pki.RoleSECC }))
		}, pki.ReasonWrongDomain},
		{"contract CN with a wrong EMAID check digit", func(t *testing.T) error {
			k, _ := pki.DeriveKey(pki.ECDSAP256SHA256, []byte("x"), "badcn")
			c, err := e.SubCA2.Issue(pki.Request{Role: pki.RoleContract, Subject: pki.Name{CommonName: "UKSWI123456791A"}, Key: k, NotBefore: negAt})
			if err != nil {
				return err
			}
			return verifyErr(c.Cert, moOpts)
		}, pki.ReasonBadIdentifier},
	}
	if len(cases) < 20 {
		t.Fatalf("only %d negative cases", len(cases))
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.run(t)
			if err == nil {
				t.Fatalf("accepted, want rejection with %v", tc.want)
			}
			pe, ok := errors.AsType[*pki.Error](err)
			if !ok {
				t.Fatalf("error %v is not a *pki.Error", err)
			}
			if pe.Reason != tc.want {
				t.Errorf("reason = %v (%v), want %v", pe.Reason, err, tc.want)
			}
		})
	}
}

func verifyErr(c *x509.Certificate, o pki.VerifyOptions) error {
	_, err := pki.Verify(c, o)
	return err
}
