package common

import (
	"testing"

	"github.com/plugsim/plugsim/iso15118/internal/exibench"
)

// TestFragmentEventCodes pins the first event code of signed elements' fragments to
// EXI-NOTES §4: 281 element names (9-bit codes), and SignedInfo 32 of the 45 of xmldsig-core alone (6 bits).
// A wrong list gives other digest inputs, and signatures no one else verifies.
func TestFragmentEventCodes(t *testing.T) {
	exibench.CheckFragmentCodes(t, encodeRandomFragment, []exibench.FragmentCode{
		{Name: "AbsolutePriceSchedule", Width: 9, Code: 0},
		{Name: "PnC_AReqAuthorizationMode", Width: 9, Code: 151},
		{Name: "SignedInfo", Width: 9, Code: 230},
		{Name: "SignedInfo", XMLDSig: true, Width: 6, Code: 32},
	})
}
