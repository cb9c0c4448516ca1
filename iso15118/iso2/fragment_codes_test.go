package iso2

import (
	"testing"

	"github.com/plugsim/plugsim/iso15118/internal/exibench"
)

// TestFragmentEventCodes pins the first event code of signed elements' fragments to
// EXI-NOTES §4: 243 element names (8-bit codes), and SignedInfo 32 of the 45 of xmldsig-core alone (6 bits).
// A wrong list gives other digest inputs, and signatures no one else verifies.
func TestFragmentEventCodes(t *testing.T) {
	exibench.CheckFragmentCodes(t, encodeRandomFragment, []exibench.FragmentCode{
		{Name: "AuthorizationReq", Width: 8, Code: 4},
		{Name: "CertificateInstallationReq", Width: 8, Code: 15},
		{Name: "CertificateUpdateReq", Width: 8, Code: 17},
		{Name: "ContractSignatureCertChain", Width: 8, Code: 33},
		{Name: "ContractSignatureEncryptedPrivateKey", Width: 8, Code: 34},
		{Name: "DHpublickey", Width: 8, Code: 45},
		{Name: "MeteringReceiptReq", Width: 8, Code: 121},
		{Name: "SalesTariff", Width: 8, Code: 174},
		{Name: "SignedInfo", XMLDSig: true, Width: 6, Code: 32},
	})
}
