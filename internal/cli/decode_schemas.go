package cli

import (
	"fmt"
	"slices"
	"strings"

	"github.com/plugsim/plugsim/iso15118/apphand"
	"github.com/plugsim/plugsim/iso15118/din"
	"github.com/plugsim/plugsim/iso15118/iso2"
	"github.com/plugsim/plugsim/iso15118/iso20/ac"
	"github.com/plugsim/plugsim/iso15118/iso20/acdp"
	"github.com/plugsim/plugsim/iso15118/iso20/common"
	"github.com/plugsim/plugsim/iso15118/iso20/dc"
	"github.com/plugsim/plugsim/iso15118/iso20/wpt"
	"github.com/plugsim/plugsim/iso15118/sdp"
	"github.com/plugsim/plugsim/iso15118/v2gtp"
)

// document is one decoded message of any schema, as the decode and encode
// commands handle it.
type document interface {
	// MessageName is the schema's name of the message carried.
	MessageName() string
	// appendEncode appends the message's encoding to dst.
	appendEncode(dst []byte) ([]byte, error)
	// jsonValue is what encoding/json marshals and unmarshals.
	jsonValue() any
}

// codecs lists every schema the decode and encode commands know.
func codecs() []codec {
	return []codec{
		exiCodec("apphand", v2gtp.EXI, apphand.Decode, apphand.AppendEncode),
		exiCodec("din", v2gtp.EXI, din.Decode, din.AppendEncode),
		exiCodec("iso2", v2gtp.EXI, iso2.Decode, iso2.AppendEncode),
		exiCodec("iso20-common", v2gtp.ISO20Common, common.Decode, common.AppendEncode),
		exiCodec("iso20-ac", v2gtp.ISO20AC, ac.Decode, ac.AppendEncode),
		exiCodec("iso20-dc", v2gtp.ISO20DC, dc.Decode, dc.AppendEncode),
		exiCodec("iso20-acdp", v2gtp.ISO20ACDP, acdp.Decode, acdp.AppendEncode),
		exiCodec("iso20-wpt", v2gtp.ISO20WPT, wpt.Decode, wpt.AppendEncode),
		sdpCodec(),
	}
}

// codec is one schema: how to decode its bytes and how to make an empty
// document to fill from JSON.
type codec struct {
	name        string
	payloadType v2gtp.PayloadType
	decode      func(b []byte) (document, error)
	newDocument func() document
}

// exiDocument adapts a generated package's Document (the EXI-API contract
// in notes/EXI-API.md: Decode, AppendEncode, MessageName) to [document].
type exiDocument[D any, P interface {
	*D
	MessageName() string
}] struct {
	d   P
	enc func([]byte, P) ([]byte, error)
}

func (x exiDocument[D, P]) MessageName() string                     { return x.d.MessageName() }
func (x exiDocument[D, P]) appendEncode(dst []byte) ([]byte, error) { return x.enc(dst, x.d) }
func (x exiDocument[D, P]) jsonValue() any                          { return x.d }

// exiCodec makes the codec of a generated EXI schema package.
func exiCodec[D any, P interface {
	*D
	MessageName() string
}](name string, pt v2gtp.PayloadType, dec func([]byte, P) error, enc func([]byte, P) ([]byte, error)) codec {
	return codec{
		name:        name,
		payloadType: pt,
		decode: func(b []byte) (document, error) {
			d := P(new(D))
			err := dec(b, d)
			return exiDocument[D, P]{d: d, enc: enc}, err
		},
		newDocument: func() document { return exiDocument[D, P]{d: P(new(D)), enc: enc} },
	}
}

// sdpDocument is an SDP request or response, named as the captures name them.
type sdpDocument struct {
	Req *sdp.Request  `json:"SECCDiscoveryReq,omitempty"`
	Res *sdp.Response `json:"SECCDiscoveryRes,omitempty"`
}

func (d *sdpDocument) MessageName() string {
	switch {
	case d.Req != nil:
		return "SECCDiscoveryReq"
	case d.Res != nil:
		return "SECCDiscoveryRes"
	}
	return ""
}

func (d *sdpDocument) appendEncode(dst []byte) ([]byte, error) {
	switch {
	case d.Req != nil && d.Res == nil:
		return d.Req.AppendBinary(dst)
	case d.Res != nil && d.Req == nil:
		return d.Res.AppendBinary(dst)
	}
	return dst, fmt.Errorf("sdp: exactly one of SECCDiscoveryReq and SECCDiscoveryRes must be set")
}

func (d *sdpDocument) jsonValue() any { return d }

// sdpCodec decodes an SDP payload; without a V2GTP header the payload
// length (2 or 20 bytes) tells the request from the response.
func sdpCodec() codec {
	return codec{
		name:        "sdp",
		payloadType: v2gtp.SDPRequest,
		decode: func(b []byte) (document, error) {
			d := &sdpDocument{}
			if len(b) == sdp.ResponseLen {
				r, err := sdp.ParseResponse(b)
				if err == nil {
					d.Res = &r
				}
				return d, err
			}
			r, err := sdp.ParseRequest(b)
			if err == nil {
				d.Req = &r
			}
			return d, err
		},
		newDocument: func() document { return &sdpDocument{} },
	}
}

// autoOrder is the order in which --schema auto tries the schemas that
// share payload type 0x8001 (and every EXI schema when a frame comes
// without a V2GTP header): see the decode command's usage.
func autoOrder(pt v2gtp.PayloadType, header bool) []string {
	if header && pt == v2gtp.EXI {
		return []string{"apphand", "din", "iso2"}
	}
	return []string{"apphand", "din", "iso2", "iso20-common", "iso20-ac", "iso20-dc", "iso20-acdp", "iso20-wpt"}
}

// findCodec returns the codec of a schema name.
func findCodec(name string) (codec, bool) {
	for _, c := range codecs() {
		if c.name == name {
			return c, true
		}
	}
	return codec{}, false
}

// codecNames lists the schema names that --schema accepts.
func codecNames() string {
	var names []string
	for _, c := range codecs() {
		names = append(names, c.name)
	}
	slices.Sort(names)
	return strings.Join(names, "|")
}
