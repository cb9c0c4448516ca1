package xmldsig

import (
	"testing"

	"github.com/plugsim/plugsim/iso15118/iso2"
	"github.com/plugsim/plugsim/iso15118/iso20/common"
	"github.com/plugsim/plugsim/pki"
)

// FuzzVerifyMessage2 decodes arbitrary EXI as an ISO-2 message, as an SECC
// receives it, and verifies its signature with a contract certificate:
// nothing may panic, every rejection of a signed message is typed, and only
// the message the contract key signed verifies.
func FuzzVerifyMessage2(f *testing.F) {
	h := hierarchy(f, pki.ISO2)
	contract := h.EMSPs[0].Contracts[0]
	msg := authReq2([]byte("0123456789abcdef"))
	if err := SignMessage2(contract.Key, msg); err != nil {
		f.Fatal(err)
	}
	signed, err := iso2.AppendEncode(nil, &iso2.Document{V2G_Message: msg})
	if err != nil {
		f.Fatal(err)
	}
	f.Add(signed)
	f.Fuzz(func(t *testing.T, data []byte) {
		var d iso2.Document
		if err := iso2.Decode(data, &d); err != nil || d.V2G_Message == nil {
			return
		}
		if _, err := References2(&d.V2G_Message.Body); err != nil {
			return // not a message that carries a signature
		}
		err := VerifyMessage2(d.V2G_Message, contract.Cert)
		if err != nil {
			if reasonOf(err) == 0 {
				t.Fatalf("untyped error %v", err)
			}
			return
		}
		if d.V2G_Message.Body.AuthorizationReq == nil || string(d.V2G_Message.Body.AuthorizationReq.GenChallenge) != "0123456789abcdef" {
			t.Fatalf("verified a message the contract key never signed: %+v", d.V2G_Message.Body)
		}
	})
}

// FuzzVerifyMessage20 does the same for ISO-20 CommonMessages documents.
func FuzzVerifyMessage20(f *testing.F) {
	h := hierarchy(f, pki.ISO20Ed448)
	e := h.EMSPs[0]
	contract := e.Contracts[0]
	doc := &common.Document{AuthorizationReq: &common.AuthorizationReqType{
		Header:                       common.MessageHeaderType{SessionID: []byte{1, 2, 3, 4, 5, 6, 7, 8}},
		SelectedAuthorizationService: common.AuthorizationType(1),
		PnC_AReqAuthorizationMode: &common.PnC_AReqAuthorizationModeType{Id: "ID1", GenChallenge: []byte("0123456789abcdef"),
			ContractCertificateChain: common.ContractCertificateChainType{Certificate: contract.Cert.Raw,
				SubCertificates: common.SubCertificatesType{Certificate: [][]byte{e.SubCA2.Cert.Raw}}}},
	}}
	if err := SignMessage20(contract.Key, doc); err != nil {
		f.Fatal(err)
	}
	signed, err := common.AppendEncode(nil, doc)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(signed)
	f.Fuzz(func(t *testing.T, data []byte) {
		var d common.Document
		if err := common.Decode(data, &d); err != nil {
			return
		}
		if _, _, err := References20(&d); err != nil {
			return
		}
		err := VerifyMessage20(&d, contract.Cert)
		if err != nil {
			if reasonOf(err) == 0 {
				t.Fatalf("untyped error %v", err)
			}
			return
		}
		if d.AuthorizationReq == nil || d.AuthorizationReq.PnC_AReqAuthorizationMode == nil ||
			string(d.AuthorizationReq.PnC_AReqAuthorizationMode.GenChallenge) != "0123456789abcdef" {
			t.Fatal("verified a document the contract key never signed")
		}
	})
}
