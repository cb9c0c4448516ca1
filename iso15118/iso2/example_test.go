package iso2_test

import (
	"crypto/sha256"
	"fmt"

	"github.com/plugsim/plugsim/iso15118/iso2"
)

// The digest input of the eMAID that a CertificateInstallationRes signs (RISE-V2G's test data:
// Id "id4", EMAID DEABCC123ABC56): the element encoded as an EXI fragment, equal to the
// vector RISE-V2G_signature_testdata/0003_eMAID_correct_ns and its published SHA-256.
func ExampleAppendEncodeFragment() {
	frag, err := iso2.AppendEncodeFragment(nil, &iso2.Fragment{
		EMAID: &iso2.EMAIDType{Id: "id4", Value: "DEABCC123ABC56"},
	})
	if err != nil {
		panic(err)
	}
	fmt.Printf("%x\n", frag)
	fmt.Printf("%x\n", sha256.Sum256(frag))
	// Output:
	// 80ec0202b4b21a40041111505090d0cc4c8cd05090cd4dbd3d00
	// 939af54f14396ec0d827f753c896ac0762ae1e00acab57e19af100243cdd5a6b
}
