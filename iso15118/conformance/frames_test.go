package conformance

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/netip"
	"strconv"
	"testing"
	"testing/iotest"

	"github.com/plugsim/plugsim/iso15118/internal/vectors"
	"github.com/plugsim/plugsim/iso15118/sdp"
	"github.com/plugsim/plugsim/iso15118/v2gtp"
)

// payloadTypeOf returns the V2GTP payload type that carries a vector of the
// given INDEX.tsv schema and message.
func payloadTypeOf(schema, message string) (v2gtp.PayloadType, bool) {
	switch schema {
	case "apphand", "din", "iso2", "auto":
		return v2gtp.EXI, true
	case "iso20-common":
		return v2gtp.ISO20Common, true
	case "iso20-ac":
		return v2gtp.ISO20AC, true
	case "iso20-dc":
		return v2gtp.ISO20DC, true
	case "iso20-acdp":
		return v2gtp.ISO20ACDP, true
	case "iso20-wpt":
		return v2gtp.ISO20WPT, true
	case "sdp":
		if message == "SECCDiscoveryRes" {
			return v2gtp.SDPResponse, true
		}
		return v2gtp.SDPRequest, true
	}
	return 0, false
}

// TestV2GTPFrames decodes the V2GTP frame line of every vector that has one:
// the header must be valid, carry the payload type of the vector's schema
// (and the one the capture recorded), and frame exactly the payload.
func TestV2GTPFrames(t *testing.T) {
	_, vs := vectors.ForTest(t)
	n := 0
	for _, v := range vs {
		if v.Frame == nil {
			continue
		}
		n++
		f, err := v2gtp.ParseFrame(v.Frame)
		if err != nil {
			t.Errorf("%s: ParseFrame: %v", v.ID(), err)
			continue
		}
		if !bytes.Equal(f.Payload, v.Payload) {
			t.Errorf("%s: frame payload %x, want the vector's %x", v.ID(), f.Payload, v.Payload)
		}
		want, ok := payloadTypeOf(v.Schema, v.Message)
		if !ok {
			t.Errorf("%s: schema %q has no payload type", v.ID(), v.Schema)
		} else if f.Type != want {
			t.Errorf("%s: payload type %v, want %v for schema %s", v.ID(), f.Type, want, v.Schema)
		}
		if pt := v.Meta.V2GTPPayloadType; pt != "" {
			u, err := strconv.ParseUint(pt, 0, 16)
			if err != nil || v2gtp.PayloadType(u) != f.Type {
				t.Errorf("%s: payload type %v, capture says %s", v.ID(), f.Type, pt)
			}
		}
	}
	t.Logf("%d V2GTP frame lines checked", n)
	if n == 0 {
		t.Fatal("no vector has a V2GTP frame line")
	}
}

// TestV2GTPStream concatenates every frame line into one stream and reads it
// back with the Decoder (random feed sizes) and the Reader (one byte per
// read): the frames must come out unchanged and in order.
func TestV2GTPStream(t *testing.T) {
	_, vs := vectors.ForTest(t)
	var stream []byte
	var want []v2gtp.Frame
	for _, v := range vs {
		if v.Frame == nil {
			continue
		}
		stream = append(stream, v.Frame...)
		f, err := v2gtp.ParseFrame(v.Frame)
		if err != nil {
			t.Fatalf("%s: %v", v.ID(), err)
		}
		want = append(want, f)
	}
	seed := uint64(20260425)
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, seed))
	d := v2gtp.NewDecoder(v2gtp.Options{})
	var got []v2gtp.Frame
	for rest := stream; len(rest) > 0; {
		k := min(1+rng.IntN(300), len(rest))
		d.Feed(rest[:k])
		rest = rest[k:]
		for {
			f, ok, err := d.Next()
			if err != nil {
				t.Fatalf("Decoder.Next after %d frames: %v", len(got), err)
			}
			if !ok {
				break
			}
			f.Payload = bytes.Clone(f.Payload)
			got = append(got, f)
		}
	}
	if err := sameFrames(got, want); err != nil {
		t.Errorf("Decoder (seed %d): %v", seed, err)
	}
	r := v2gtp.NewReader(iotest.OneByteReader(bytes.NewReader(stream)), v2gtp.Options{})
	got = got[:0]
	for {
		f, err := r.ReadFrame()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("Reader.ReadFrame after %d frames: %v", len(got), err)
		}
		f.Payload = bytes.Clone(f.Payload)
		got = append(got, f)
	}
	if err := sameFrames(got, want); err != nil {
		t.Errorf("Reader: %v", err)
	}
}

func sameFrames(got, want []v2gtp.Frame) error {
	if len(got) != len(want) {
		return fmt.Errorf("%d frames, want %d", len(got), len(want))
	}
	for i := range got {
		if got[i].Type != want[i].Type || !bytes.Equal(got[i].Payload, want[i].Payload) {
			return fmt.Errorf("frame %d = %v %x, want %v %x", i, got[i].Type, got[i].Payload, want[i].Type, want[i].Payload)
		}
	}
	return nil
}

// TestSDP decodes the SDP datagrams of the captures and compares them with
// the capture tool's decoding, then re-encodes them.
func TestSDP(t *testing.T) {
	_, vs := vectors.ForTest(t)
	n := 0
	for _, v := range vs {
		if v.Schema != "sdp" {
			continue
		}
		n++
		dec := v.Meta.Decoded
		var enc []byte
		var err error
		switch v.Message {
		case "SECCDiscoveryReq":
			var r sdp.Request
			if r, err = sdp.ParseRequestDatagram(v.Frame); err == nil {
				checkSDPValue(t, v, "Security", byte(r.Security))
				checkSDPValue(t, v, "TransportProtocol", byte(r.Transport))
				enc, err = sdp.AppendRequestDatagram(nil, r)
			}
		case "SECCDiscoveryRes":
			var r sdp.Response
			if r, err = sdp.ParseResponseDatagram(v.Frame); err == nil {
				checkSDPValue(t, v, "Security", byte(r.Security))
				checkSDPValue(t, v, "TransportProtocol", byte(r.Transport))
				if a, perr := netip.ParseAddr(fmt.Sprint(dec["SECC_IPAddress"])); perr != nil || a != r.Addr {
					t.Errorf("%s: address %v, capture says %v", v.ID(), r.Addr, dec["SECC_IPAddress"])
				}
				if p, ok := dec["SECC_Port"].(float64); !ok || uint16(p) != r.Port {
					t.Errorf("%s: port %d, capture says %v", v.ID(), r.Port, dec["SECC_Port"])
				}
				enc, err = sdp.AppendResponseDatagram(nil, r)
			}
		default:
			err = errors.New("unknown SDP message " + v.Message)
		}
		if err != nil {
			t.Errorf("%s: %v", v.ID(), err)
			continue
		}
		if !bytes.Equal(enc, v.Frame) {
			t.Errorf("%s: re-encoded %x, want %x", v.ID(), enc, v.Frame)
		}
	}
	if n == 0 {
		t.Fatal("no SDP vector")
	}
}

func checkSDPValue(t *testing.T, v vectors.Vector, key string, got byte) {
	t.Helper()
	want := fmt.Sprint(v.Meta.Decoded[key])
	if fmt.Sprintf("0x%02x", got) != want {
		t.Errorf("%s: %s = 0x%02x, capture says %s", v.ID(), key, got, want)
	}
}
