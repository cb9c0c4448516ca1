package exibench

import (
	"math/rand/v2"
	"testing"

	"github.com/plugsim/plugsim/iso15118/exi"
)

// FragmentCode is the expected first event code of one element's EXI fragment.
type FragmentCode struct {
	// Name is the element's local name.
	Name string
	// XMLDSig selects the xmldsig-core fragment grammar (SignedInfo), else the schema set's.
	XMLDSig bool
	// Width is the event code's width in bits, and Code its value.
	Width int
	Code  uint64
}

// EncodeFunc encodes a random fragment of the element name (a generated package's
// encodeRandomFragment); ok is false when the package has no such element.
type EncodeFunc func(name string, xmldsig bool, r *rand.Rand) (b []byte, ok bool, err error)

// CheckFragmentCodes encodes a fragment of each element of want and checks the event code
// that follows the header byte: the element's position in the fragment grammar's sorted
// list of element names, and the width of that list's codes.
func CheckFragmentCodes(t *testing.T, enc EncodeFunc, want []FragmentCode) {
	t.Helper()
	for _, tc := range want {
		b, ok, err := enc(tc.Name, tc.XMLDSig, rand.New(rand.NewPCG(1, 2)))
		if !ok || err != nil {
			t.Errorf("%s (xmldsig %v): no fragment encoded (found %v, error %v)", tc.Name, tc.XMLDSig, ok, err)
			continue
		}
		r := exi.NewReader(b)
		if err := r.ReadHeader(); err != nil {
			t.Fatal(err)
		}
		if code, err := r.ReadBits(tc.Width); err != nil || code != tc.Code {
			t.Errorf("%s (xmldsig %v): first %d-bit event code = %d (%v), want %d", tc.Name, tc.XMLDSig, tc.Width, code, err, tc.Code)
		}
	}
}
