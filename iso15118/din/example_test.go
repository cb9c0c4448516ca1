package din_test

import (
	"encoding/hex"
	"encoding/json"
	"fmt"

	"github.com/plugsim/plugsim/iso15118/din"
	"github.com/plugsim/plugsim/iso15118/exi"
)

// The DIN 70121 SessionSetupReq of libcbv2g's tests, built from Go values.
func ExampleAppendEncode() {
	d := din.Document{V2G_Message: &din.V2G_Message{
		Header: din.MessageHeaderType{SessionID: make(exi.HexBinary, 8)},
		Body: din.BodyType{SessionSetupReq: &din.SessionSetupReqType{
			EVCCID: exi.HexBinary{0x84, 0x87, 0x72, 0x60, 0xf3, 0x58},
		}},
	}}
	b, err := din.AppendEncode(nil, &d)
	if err != nil {
		panic(err)
	}
	fmt.Println(hex.EncodeToString(b))
	// Output: 809a02000000000000000011d01a121dc983cd6000
}

func ExampleDecode() {
	b, _ := hex.DecodeString("809a02000000000000000011d01a121dc983cd6000")
	var d din.Document
	if err := din.Decode(b, &d); err != nil {
		panic(err)
	}
	js, _ := json.Marshal(&d)
	fmt.Println(d.MessageName())
	fmt.Println(string(js))
	// Output:
	// SessionSetupReq
	// {"V2G_Message":{"Header":{"SessionID":"0000000000000000"},"Body":{"SessionSetupReq":{"EVCCID":"84877260f358"}}}}
}
