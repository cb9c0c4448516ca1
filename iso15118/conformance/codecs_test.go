package conformance

import (
	"encoding/json"

	"github.com/plugsim/plugsim/iso15118/apphand"
	"github.com/plugsim/plugsim/iso15118/din"
	"github.com/plugsim/plugsim/iso15118/iso2"
	"github.com/plugsim/plugsim/iso15118/iso20/ac"
	"github.com/plugsim/plugsim/iso15118/iso20/acdp"
	"github.com/plugsim/plugsim/iso15118/iso20/common"
	"github.com/plugsim/plugsim/iso15118/iso20/dc"
	"github.com/plugsim/plugsim/iso15118/iso20/wpt"
)

// decoded is one document decoded by one of our codecs.
type decoded struct {
	name   string                 // message (or fragment element) name
	value  any                    // the Go value, for its JSON form
	encode func() ([]byte, error) // re-encodes value
}

// codec decodes one schema (or fragment grammar) of ours.
type codec func(b []byte) (decoded, error)

// codecs maps INDEX.tsv schema names to our codecs (the EXI-API contract:
// Decode, AppendEncode, MessageName, plus the fragment entry points of
// iso2 for the signature fragments).
func codecs() map[string]codec {
	return map[string]codec{
		"apphand":           document(apphand.Decode, apphand.AppendEncode),
		"din":               document(din.Decode, din.AppendEncode),
		"iso2":              document(iso2.Decode, iso2.AppendEncode),
		"iso20-common":      document(common.Decode, common.AppendEncode),
		"iso20-ac":          document(ac.Decode, ac.AppendEncode),
		"iso20-dc":          document(dc.Decode, dc.AppendEncode),
		"iso20-acdp":        document(acdp.Decode, acdp.AppendEncode),
		"iso20-wpt":         document(wpt.Decode, wpt.AppendEncode),
		"iso2-frag":         fragment(iso2.DecodeFragment, iso2.AppendEncodeFragment),
		"iso2-xmldsig-frag": fragment(iso2.DecodeXMLDSigFragment, iso2.AppendEncodeXMLDSigFragment),
	}
}

func document[D any, P interface {
	*D
	MessageName() string
}](dec func([]byte, P) error, enc func([]byte, P) ([]byte, error)) codec {
	return func(b []byte) (decoded, error) {
		d := P(new(D))
		if err := dec(b, d); err != nil {
			return decoded{}, err
		}
		return decoded{name: d.MessageName(), value: d, encode: func() ([]byte, error) { return enc(nil, d) }}, nil
	}
}

// fragment adapts a fragment codec; the element's name is the one key of
// the fragment's JSON form.
func fragment[D any](dec func([]byte, *D) error, enc func([]byte, *D) ([]byte, error)) codec {
	return func(b []byte) (decoded, error) {
		d := new(D)
		if err := dec(b, d); err != nil {
			return decoded{}, err
		}
		name := ""
		if j, err := json.Marshal(d); err == nil {
			var m map[string]json.RawMessage
			if json.Unmarshal(j, &m) == nil && len(m) == 1 {
				for k := range m {
					name = k
				}
			}
		}
		return decoded{name: name, value: d, encode: func() ([]byte, error) { return enc(nil, d) }}, nil
	}
}
