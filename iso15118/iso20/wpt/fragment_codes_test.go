package wpt

import (
	"testing"

	"github.com/plugsim/plugsim/iso15118/internal/exibench"
)

// TestFragmentEventCodes pins the first event code of signed elements' fragments to
// EXI-NOTES §4: SignedInfo is 32 of the 45 element names of xmldsig-core alone (6 bits); the notes give no WPT codes.
// A wrong list gives other digest inputs, and signatures no one else verifies.
func TestFragmentEventCodes(t *testing.T) {
	exibench.CheckFragmentCodes(t, encodeRandomFragment, []exibench.FragmentCode{
		{Name: "SignedInfo", XMLDSig: true, Width: 6, Code: 32},
	})
}
