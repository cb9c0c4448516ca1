package dc

import (
	"testing"

	"github.com/plugsim/plugsim/iso15118/internal/exibench"
)

// TestFragmentEventCodes pins the first event code of signed elements' fragments to
// EXI-NOTES §4: 149 element names (8-bit codes), and SignedInfo 32 of the 45 of xmldsig-core alone (6 bits).
// A wrong list gives other digest inputs, and signatures no one else verifies.
func TestFragmentEventCodes(t *testing.T) {
	exibench.CheckFragmentCodes(t, encodeRandomFragment, []exibench.FragmentCode{
		{Name: "DC_ChargeParameterDiscoveryRes", Width: 8, Code: 26},
		{Name: "SignedInfo", XMLDSig: true, Width: 6, Code: 32},
	})
}
