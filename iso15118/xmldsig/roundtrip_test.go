package xmldsig

import (
	"crypto/x509"
	"io"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/plugsim/plugsim/iso15118/exi"
	"github.com/plugsim/plugsim/iso15118/iso2"
	"github.com/plugsim/plugsim/iso15118/iso20/common"
	"github.com/plugsim/plugsim/pki"
	"github.com/plugsim/plugsim/pki/contractkey"
)

var at = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)

func hierarchy(t testing.TB, p pki.Profile) *pki.Hierarchy {
	t.Helper()
	h, err := pki.NewHierarchy(pki.HierarchyOptions{Profile: p, Seed: []byte("xmldsig"), At: at, V2GRoots: 1, Contracts: 2})
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func ptr[T any](v T) *T { return &v }

// authReq2 is an ISO-2 AuthorizationReq message as the EV sends it.
func authReq2(challenge []byte) *iso2.V2G_Message {
	return &iso2.V2G_Message{
		Header: iso2.MessageHeaderType{SessionID: []byte{1, 2, 3, 4, 5, 6, 7, 8}},
		Body:   iso2.BodyType{AuthorizationReq: &iso2.AuthorizationReqType{Id: ptr("ID1"), GenChallenge: challenge}},
	}
}

func TestAuthorizationReq2RoundTrip(t *testing.T) {
	h := hierarchy(t, pki.ISO2)
	contract := h.EMSPs[0].Contracts[0]
	challenge := []byte("0123456789abcdef")
	msg := authReq2(challenge)
	if err := SignMessage2(contract.Key, msg); err != nil {
		t.Fatal(err)
	}
	// Through the codec and back, as on the wire.
	wire, err := iso2.AppendEncode(nil, &iso2.Document{V2G_Message: msg})
	if err != nil {
		t.Fatal(err)
	}
	var d iso2.Document
	if err := iso2.Decode(wire, &d); err != nil {
		t.Fatal(err)
	}
	if err := VerifyMessage2(d.V2G_Message, contract.Cert); err != nil {
		t.Fatalf("VerifyMessage2 = %v, want nil", err)
	}
	if err := pki.CheckAuthorization(challenge, d.V2G_Message.Body.AuthorizationReq.GenChallenge, contract.Cert.Subject.CommonName, contract.Cert); err != nil {
		t.Errorf("CheckAuthorization = %v", err)
	}
	// Signed by another contract's key.
	if err := VerifyMessage2(d.V2G_Message, h.EMSPs[0].Contracts[1].Cert); reasonOf(err) != pki.ReasonBadSignature {
		t.Errorf("other contract: %v, want bad signature", err)
	}
	// A signature whose reference names another element.
	d.V2G_Message.Body.AuthorizationReq.Id = ptr("ID2")
	if err := VerifyMessage2(d.V2G_Message, contract.Cert); reasonOf(err) != pki.ReasonBadSignature {
		t.Errorf("renamed Id: %v, want bad signature", err)
	}
}

// TestCertificateInstallation2 runs the whole ISO-2 installation on both
// sides: the CPS seals a new contract key for the vehicle's OEM provisioning
// key and signs the four elements; the EV checks the CPS chain and the
// signature, decrypts the key and checks it against the new contract
// certificate.
func TestCertificateInstallation2(t *testing.T) {
	h := hierarchy(t, pki.ISO2)
	v := h.V2G[0]
	oem := h.OEM.Provisioning[0]
	contract := h.EMSPs[0].Contracts[0]
	sub := h.EMSPs[0]
	// CPS side.
	sealed, err := contractkey.SealISO2(rand.NewChaCha8([32]byte{7}), &oem.Key.ECDSA().PublicKey, contract.Key)
	if err != nil {
		t.Fatal(err)
	}
	res := &iso2.CertificateInstallationResType{
		ResponseCode: iso2.ResponseCodeType(0),
		SAProvisioningCertificateChain: iso2.CertificateChainType{Certificate: v.CPS.Cert.Raw,
			SubCertificates: &iso2.SubCertificatesType{Certificate: [][]byte{v.CPSSubCA2.Cert.Raw, v.CPSSubCA1.Cert.Raw}}},
		ContractSignatureCertChain: iso2.CertificateChainType{Id: ptr("ID1"), Certificate: contract.Cert.Raw,
			SubCertificates: &iso2.SubCertificatesType{Certificate: [][]byte{sub.SubCA2.Cert.Raw, sub.SubCA1.Cert.Raw}}},
		ContractSignatureEncryptedPrivateKey: iso2.ContractSignatureEncryptedPrivateKeyType{Id: "ID2", Value: sealed.EncryptedPrivateKey},
		DHpublickey:                          iso2.DiffieHellmanPublickeyType{Id: "ID3", Value: sealed.DHPublicKey},
		EMAID:                                iso2.EMAIDType{Id: "ID4", Value: contract.Cert.Subject.CommonName},
	}
	msg := &iso2.V2G_Message{Header: iso2.MessageHeaderType{SessionID: []byte{1}}, Body: iso2.BodyType{CertificateInstallationRes: res}}
	if err := SignMessage2(v.CPS.Key, msg); err != nil {
		t.Fatal(err)
	}
	wire, err := iso2.AppendEncode(nil, &iso2.Document{V2G_Message: msg})
	if err != nil {
		t.Fatal(err)
	}
	// EV side.
	var d iso2.Document
	if err := iso2.Decode(wire, &d); err != nil {
		t.Fatal(err)
	}
	got := d.V2G_Message.Body.CertificateInstallationRes
	cps := verifyCPSChain(t, pki.ISO2, pki.NewTrustStore(v.Root.Cert), got.SAProvisioningCertificateChain.Certificate, got.SAProvisioningCertificateChain.SubCertificates.Certificate)
	if err := VerifyMessage2(d.V2G_Message, cps); err != nil {
		t.Fatalf("VerifyMessage2 = %v", err)
	}
	newCert, err := x509.ParseCertificate(got.ContractSignatureCertChain.Certificate)
	if err != nil {
		t.Fatal(err)
	}
	key, err := contractkey.OpenISO2(oem.Key, contractkey.Sealed2{DHPublicKey: got.DHpublickey.Value, EncryptedPrivateKey: got.ContractSignatureEncryptedPrivateKey.Value}, newCert)
	if err != nil {
		t.Fatalf("OpenISO2 = %v", err)
	}
	if !key.ECDSA().Equal(contract.Key.ECDSA()) {
		t.Error("installed key differs from the contract key")
	}
}

// authReq20 is an ISO-20 PnC AuthorizationReq for contract (issued by e),
// unsigned.
func authReq20(contract *x509.Certificate, e *pki.EMSPBranch) *common.Document {
	return &common.Document{AuthorizationReq: &common.AuthorizationReqType{
		Header:                       common.MessageHeaderType{SessionID: []byte{1, 2, 3, 4, 5, 6, 7, 8}, TimeStamp: uint64(at.Unix())},
		SelectedAuthorizationService: common.AuthorizationType(1),
		PnC_AReqAuthorizationMode: &common.PnC_AReqAuthorizationModeType{
			Id:           "ID1",
			GenChallenge: []byte("0123456789abcdef"),
			ContractCertificateChain: common.ContractCertificateChainType{Certificate: contract.Raw,
				SubCertificates: common.SubCertificatesType{Certificate: [][]byte{e.SubCA2.Cert.Raw, e.SubCA1.Cert.Raw}}},
		},
	}}
}

// signedAuthReq20 signs authReq20 with key, EXI-encodes it and returns what
// the receiver decodes.
func signedAuthReq20(tb testing.TB, key *pki.Key, contract *x509.Certificate, e *pki.EMSPBranch) common.Document {
	tb.Helper()
	doc := authReq20(contract, e)
	if err := SignMessage20(key, doc); err != nil {
		tb.Fatal(err)
	}
	wire, err := common.AppendEncode(nil, doc)
	if err != nil {
		tb.Fatal(err)
	}
	var d common.Document
	if err := common.Decode(wire, &d); err != nil {
		tb.Fatal(err)
	}
	return d
}

func TestAuthorizationReq20RoundTrip(t *testing.T) {
	for _, p := range []pki.Profile{pki.ISO20, pki.ISO20Ed448} {
		t.Run(p.String(), func(t *testing.T) {
			h := hierarchy(t, p)
			e := h.EMSPs[0]
			contract := e.Contracts[0]
			d := signedAuthReq20(t, contract.Key, contract.Cert, e)
			if err := VerifyMessage20(&d, contract.Cert); err != nil {
				t.Fatalf("VerifyMessage20 = %v", err)
			}
			d.AuthorizationReq.PnC_AReqAuthorizationMode.GenChallenge[3] ^= 1
			if err := VerifyMessage20(&d, contract.Cert); reasonOf(err) != pki.ReasonBadSignature {
				t.Errorf("tampered: %v, want bad signature", err)
			}
		})
	}
}

func TestSignRejectsWrongAlgorithm(t *testing.T) {
	h := hierarchy(t, pki.ISO20)
	if _, err := Sign2(h.EMSPs[0].Contracts[0].Key); err == nil {
		t.Error("Sign2 with a P-521 key = nil error")
	}
	h2 := hierarchy(t, pki.ISO2)
	if _, err := Sign20(h2.EMSPs[0].Contracts[0].Key); err == nil {
		t.Error("Sign20 with a P-256 key = nil error")
	}
}

// verifyCPSChain parses a CPS certificate chain as a message carries it and
// verifies it against roots an hour after the hierarchy was made.
func verifyCPSChain(tb testing.TB, p pki.Profile, roots *pki.TrustStore, leaf []byte, subs [][]byte) *x509.Certificate {
	tb.Helper()
	cps, err := pki.ParseCertificate(leaf)
	if err != nil {
		tb.Fatal(err)
	}
	var inter []*x509.Certificate
	for _, raw := range subs {
		c, err := pki.ParseCertificate(raw)
		if err != nil {
			tb.Fatal(err)
		}
		inter = append(inter, c)
	}
	if _, err := pki.Verify(cps, pki.VerifyOptions{Profile: p, Roots: roots, Intermediates: inter, At: at.Add(time.Hour), Role: pki.RoleCPS}); err != nil {
		tb.Fatalf("CPS chain: %v", err)
	}
	return cps
}

// createInstallationRes20 is the CPS side of an ISO-20
// CertificateInstallationRes for the first vehicle and contract of h: seal
// the contract key (SECP521 or X448, following the profile), sign
// SignedInstallationData with the CPS key and EXI-encode the message.
func createInstallationRes20(tb testing.TB, h *pki.Hierarchy, rnd io.Reader) []byte {
	v, e := h.V2G[0], h.EMSPs[0]
	oem, contract := h.OEM.Provisioning[0], e.Contracts[0]
	aad, err := contractkey.AAD20(oem.Cert.Subject.CommonName, contract.Cert)
	if err != nil {
		tb.Fatal(err)
	}
	sealed, err := contractkey.SealISO20(rnd, oem.Cert, contract.Key, aad)
	if err != nil {
		tb.Fatal(err)
	}
	sid := common.SignedInstallationDataType{
		Id: "ID1",
		ContractCertificateChain: common.ContractCertificateChainType{Certificate: contract.Cert.Raw,
			SubCertificates: common.SubCertificatesType{Certificate: [][]byte{e.SubCA2.Cert.Raw, e.SubCA1.Cert.Raw}}},
		ECDHCurve:   common.EcdhCurveTypeSECP521,
		DHPublicKey: sealed.DHPublicKey,
	}
	if sealed.Curve == contractkey.X448 {
		sid.ECDHCurve, sid.X448_EncryptedPrivateKey = common.EcdhCurveTypeX448, sealed.EncryptedPrivateKey
	} else {
		sid.SECP521_EncryptedPrivateKey = sealed.EncryptedPrivateKey
	}
	doc := &common.Document{CertificateInstallationRes: &common.CertificateInstallationResType{
		Header: common.MessageHeaderType{SessionID: []byte{1, 2, 3, 4, 5, 6, 7, 8}, TimeStamp: uint64(at.Unix())},
		CPSCertificateChain: common.CertificateChainType{Certificate: v.CPS.Cert.Raw,
			SubCertificates: &common.SubCertificatesType{Certificate: [][]byte{v.CPSSubCA2.Cert.Raw, v.CPSSubCA1.Cert.Raw}}},
		SignedInstallationData: sid,
	}}
	if err := SignMessage20(v.CPS.Key, doc); err != nil {
		tb.Fatal(err)
	}
	wire, err := common.AppendEncode(nil, doc)
	if err != nil {
		tb.Fatalf("encoding (DHPublicKey %d bytes, key %d bytes): %v", len(sealed.DHPublicKey), len(sealed.EncryptedPrivateKey), err)
	}
	return wire
}

// receiveInstallationRes20 is the vehicle side: decode, verify the CPS
// chain against the V2G root and the signature, open the contract key with
// the vehicle's provisioning credential. It returns the key and the new
// contract certificate.
func receiveInstallationRes20(tb testing.TB, h *pki.Hierarchy, roots *pki.TrustStore, wire []byte) (*pki.Key, *x509.Certificate) {
	oem := h.OEM.Provisioning[0]
	var d common.Document
	if err := common.Decode(wire, &d); err != nil {
		tb.Fatal(err)
	}
	res := d.CertificateInstallationRes
	cps := verifyCPSChain(tb, h.Profile, roots, res.CPSCertificateChain.Certificate, res.CPSCertificateChain.SubCertificates.Certificate)
	if err := VerifyMessage20(&d, cps); err != nil {
		tb.Fatalf("VerifyMessage20 = %v", err)
	}
	sid := res.SignedInstallationData
	newCert, err := pki.ParseCertificate(sid.ContractCertificateChain.Certificate)
	if err != nil {
		tb.Fatal(err)
	}
	aad, err := contractkey.AAD20(oem.Cert.Subject.CommonName, newCert)
	if err != nil {
		tb.Fatal(err)
	}
	in := contractkey.Sealed20{Curve: contractkey.SECP521, DHPublicKey: sid.DHPublicKey, EncryptedPrivateKey: sid.SECP521_EncryptedPrivateKey}
	if sid.ECDHCurve == common.EcdhCurveTypeX448 {
		in.Curve, in.EncryptedPrivateKey = contractkey.X448, sid.X448_EncryptedPrivateKey
	}
	key, err := contractkey.OpenISO20(oem, in, newCert, aad)
	if err != nil {
		tb.Fatalf("OpenISO20 = %v", err)
	}
	return key, newCert
}

// TestCertificateInstallation20 runs the ISO-20 installation on both sides
// for both key transports: SECP521 (P-521 PKI) and X448 (Ed448 PKI, the
// vehicle's X448 key in its provisioning certificate). The message goes
// through the EXI codec; the installed key then signs an AuthorizationReq
// that verifies against the installed contract certificate.
func TestCertificateInstallation20(t *testing.T) {
	for _, tt := range []struct {
		profile pki.Profile
		curve   common.EcdhCurveType
		encLen  int
	}{{pki.ISO20, common.EcdhCurveTypeSECP521, 94}, {pki.ISO20Ed448, common.EcdhCurveTypeX448, 84}} {
		t.Run(tt.profile.String(), func(t *testing.T) {
			h := hierarchy(t, tt.profile)
			wire := createInstallationRes20(t, h, rand.NewChaCha8([32]byte{8}))
			var d common.Document
			if err := common.Decode(wire, &d); err != nil {
				t.Fatal(err)
			}
			sid := d.CertificateInstallationRes.SignedInstallationData
			if sid.ECDHCurve != tt.curve || len(sid.SECP521_EncryptedPrivateKey)+len(sid.X448_EncryptedPrivateKey) != tt.encLen {
				t.Errorf("ECDHCurve %v, encrypted key %d bytes; want %v, %d", sid.ECDHCurve, len(sid.SECP521_EncryptedPrivateKey)+len(sid.X448_EncryptedPrivateKey), tt.curve, tt.encLen)
			}
			key, newCert := receiveInstallationRes20(t, h, pki.NewTrustStore(h.V2G[0].Root.Cert), wire)
			a := signedAuthReq20(t, key, newCert, h.EMSPs[0])
			if err := VerifyMessage20(&a, newCert); err != nil {
				t.Fatalf("AuthorizationReq signed with the installed key: %v", err)
			}
		})
	}
}

func TestMeteringReceiptReq2(t *testing.T) {
	h := hierarchy(t, pki.ISO2)
	contract := h.EMSPs[0].Contracts[0]
	reading := uint64(123456)
	msg := &iso2.V2G_Message{
		Header: iso2.MessageHeaderType{SessionID: []byte{1, 2, 3, 4, 5, 6, 7, 8}},
		Body: iso2.BodyType{MeteringReceiptReq: &iso2.MeteringReceiptReqType{Id: ptr("ID1"), SessionID: []byte{1, 2, 3, 4, 5, 6, 7, 8},
			MeterInfo: iso2.MeterInfoType{MeterID: "meter-1", MeterReading: &reading}}},
	}
	if err := SignMessage2(contract.Key, msg); err != nil {
		t.Fatal(err)
	}
	if err := VerifyMessage2(msg, contract.Cert); err != nil {
		t.Fatalf("VerifyMessage2 = %v", err)
	}
	reading++
	if err := VerifyMessage2(msg, contract.Cert); reasonOf(err) != pki.ReasonBadSignature {
		t.Errorf("changed meter reading: %v, want bad signature", err)
	}
}

// TestCertificateUpdate2 runs the ISO-2 update: the EV signs
// CertificateUpdateReq with its current contract key; the CPS seals the new
// contract key for that old key and signs the response.
func TestCertificateUpdate2(t *testing.T) {
	h := hierarchy(t, pki.ISO2)
	v := h.V2G[0]
	e := h.EMSPs[0]
	old, next := e.Contracts[0], e.Contracts[1]
	req := &iso2.V2G_Message{Header: iso2.MessageHeaderType{SessionID: []byte{9}}, Body: iso2.BodyType{CertificateUpdateReq: &iso2.CertificateUpdateReqType{
		Id:                         "ID1",
		ContractSignatureCertChain: iso2.CertificateChainType{Certificate: old.Cert.Raw, SubCertificates: &iso2.SubCertificatesType{Certificate: [][]byte{e.SubCA2.Cert.Raw, e.SubCA1.Cert.Raw}}},
		EMAID:                      old.Cert.Subject.CommonName,
		ListOfRootCertificateIDs: iso2.ListOfRootCertificateIDsType{RootCertificateID: []iso2.X509IssuerSerialType{
			{X509IssuerName: pki.FormatName(v.Root.Cert.Subject), X509SerialNumber: exi.IntegerFromBig(v.Root.Cert.SerialNumber)}}},
	}}}
	if err := SignMessage2(old.Key, req); err != nil {
		t.Fatal(err)
	}
	if err := VerifyMessage2(req, old.Cert); err != nil {
		t.Fatalf("CertificateUpdateReq: %v", err)
	}
	sealed, err := contractkey.SealISO2(rand.NewChaCha8([32]byte{5}), &old.Key.ECDSA().PublicKey, next.Key)
	if err != nil {
		t.Fatal(err)
	}
	res := &iso2.V2G_Message{Header: iso2.MessageHeaderType{SessionID: []byte{9}}, Body: iso2.BodyType{CertificateUpdateRes: &iso2.CertificateUpdateResType{
		SAProvisioningCertificateChain:       iso2.CertificateChainType{Certificate: v.CPS.Cert.Raw},
		ContractSignatureCertChain:           iso2.CertificateChainType{Id: ptr("ID1"), Certificate: next.Cert.Raw},
		ContractSignatureEncryptedPrivateKey: iso2.ContractSignatureEncryptedPrivateKeyType{Id: "ID2", Value: sealed.EncryptedPrivateKey},
		DHpublickey:                          iso2.DiffieHellmanPublickeyType{Id: "ID3", Value: sealed.DHPublicKey},
		EMAID:                                iso2.EMAIDType{Id: "ID4", Value: next.Cert.Subject.CommonName},
		RetryCounter:                         ptr(int16(0)),
	}}}
	if err := SignMessage2(v.CPS.Key, res); err != nil {
		t.Fatal(err)
	}
	if err := VerifyMessage2(res, v.CPS.Cert); err != nil {
		t.Fatalf("CertificateUpdateRes: %v", err)
	}
	key, err := contractkey.OpenISO2(old.Key, sealed, next.Cert)
	if err != nil || !key.ECDSA().Equal(next.Key.ECDSA()) {
		t.Fatalf("OpenISO2 with the old contract key: %v", err)
	}
}

// TestSignedMessages20 signs, encodes, decodes and verifies the other ISO-20
// messages that carry a signature, with the key References20 says signs
// them, for both ISO-20 algorithms; a changed signed element or another
// key is a bad signature.
func TestSignedMessages20(t *testing.T) {
	for _, p := range []pki.Profile{pki.ISO20, pki.ISO20Ed448} {
		h := hierarchy(t, p)
		e, oem := h.EMSPs[0], h.OEM
		prov := oem.Provisioning[0]
		header := common.MessageHeaderType{SessionID: []byte{1, 2, 3, 4, 5, 6, 7, 8}, TimeStamp: uint64(at.Unix())}
		tests := []struct {
			name   string
			doc    *common.Document
			signer *pki.Credential
			tamper func(*common.Document)
		}{
			{"CertificateInstallationReq", &common.Document{CertificateInstallationReq: &common.CertificateInstallationReqType{
				Header: header,
				OEMProvisioningCertificateChain: common.SignedCertificateChainType{Id: "ID1", Certificate: prov.Cert.Raw,
					SubCertificates: &common.SubCertificatesType{Certificate: [][]byte{oem.SubCA2.Cert.Raw, oem.SubCA1.Cert.Raw}}},
				ListOfRootCertificateIDs: common.ListOfRootCertificateIDsType{RootCertificateID: []common.X509IssuerSerialType{
					{X509IssuerName: pki.FormatName(h.V2G[0].Root.Cert.Subject), X509SerialNumber: exi.IntegerFromBig(h.V2G[0].Root.Cert.SerialNumber)}}},
				MaximumContractCertificateChains: 1,
			}}, prov, func(d *common.Document) {
				d.CertificateInstallationReq.OEMProvisioningCertificateChain.Certificate = e.Contracts[0].Cert.Raw
			}},
			{"MeteringConfirmationReq", &common.Document{MeteringConfirmationReq: &common.MeteringConfirmationReqType{
				Header: header,
				SignedMeteringData: common.SignedMeteringDataType{Id: "ID1", SessionID: header.SessionID,
					MeterInfo:                 common.MeterInfoType{MeterID: "meter-1", ChargedEnergyReadingWh: 12345},
					Scheduled_SMDTControlMode: &common.Scheduled_SMDTControlModeType{SelectedScheduleTupleID: 1}},
			}}, e.Contracts[0], func(d *common.Document) {
				d.MeteringConfirmationReq.SignedMeteringData.MeterInfo.ChargedEnergyReadingWh++
			}},
		}
		for _, tt := range tests {
			t.Run(p.String()+"/"+tt.name, func(t *testing.T) {
				if err := SignMessage20(tt.signer.Key, tt.doc); err != nil {
					t.Fatal(err)
				}
				wire, err := common.AppendEncode(nil, tt.doc)
				if err != nil {
					t.Fatal(err)
				}
				var d common.Document
				if err := common.Decode(wire, &d); err != nil {
					t.Fatal(err)
				}
				if err := VerifyMessage20(&d, tt.signer.Cert); err != nil {
					t.Fatalf("VerifyMessage20 = %v, want nil", err)
				}
				if err := VerifyMessage20(&d, e.Contracts[1].Cert); reasonOf(err) != pki.ReasonBadSignature {
					t.Errorf("verified with another key: %v, want bad signature", err)
				}
				tt.tamper(&d)
				if err := VerifyMessage20(&d, tt.signer.Cert); reasonOf(err) != pki.ReasonBadSignature {
					t.Errorf("tampered: %v, want bad signature", err)
				}
			})
		}
	}
}
