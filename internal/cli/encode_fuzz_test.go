package cli

import (
	"bytes"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzEncodeLine feeds arbitrary JSON lines to the encode command's line
// encoder: it must not panic, and what it encodes must decode back (with
// the same schema) to a document that encodes to the same bytes.
func FuzzEncodeLine(f *testing.F) {
	for _, name := range []string{"decode_output.golden", "encode_input.jsonl"} {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		for _, l := range strings.Split(string(b), "\n") {
			f.Add(l)
		}
	}
	f.Fuzz(func(t *testing.T, line string) {
		out, err := encodeLine([]byte(line), "", false)
		if err != nil {
			return
		}
		schema := schemaOfLine(line)
		c, ok := findCodec(schema)
		if !ok {
			t.Fatalf("encoded with unknown schema %q", schema)
		}
		doc, err := c.decode(out)
		if err != nil {
			t.Fatalf("encode(%q) = %x, which %s does not decode: %v", line, out, schema, err)
		}
		again, err := doc.appendEncode(nil)
		if err != nil || !bytes.Equal(again, out) {
			t.Fatalf("encode(%q) = %x, decode+encode = %x, %v", line, out, again, err)
		}
	})
}

// schemaOfLine returns the "schema" member of a decode output line.
func schemaOfLine(line string) string {
	_, rest, ok := strings.Cut(line, `"schema":"`)
	if !ok {
		return ""
	}
	s, _, _ := strings.Cut(rest, `"`)
	return s
}

// FuzzDecodeLine feeds arbitrary hex to the decode command: it must not
// panic, and a frame it decodes with re-encode equality must encode back
// to its payload through the encode command.
func FuzzDecodeLine(f *testing.F) {
	b, err := os.ReadFile(filepath.Join("testdata", "decode_input.txt"))
	if err != nil {
		f.Fatal(err)
	}
	for _, l := range strings.Split(string(b), "\n") {
		if l != "" && !strings.HasPrefix(l, "#") {
			if raw, err := hex.DecodeString(l); err == nil {
				f.Add(raw)
			}
		}
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		res, err := decodeFrame(hex.EncodeToString(raw), "auto")
		if err != nil || !res.ReencodeEqual {
			return
		}
		payload := raw
		if res.PayloadType != "" {
			payload = raw[8:]
		}
		line := `{"schema":"` + res.Schema + `","fields":` + string(res.Fields) + `}`
		out, err := encodeLine([]byte(line), "", false)
		if err != nil || !bytes.Equal(out, payload) {
			t.Fatalf("decode(%x) then encode = %x, %v; want %x", raw, out, err, payload)
		}
	})
}

// TestEmptyBinaryJSONRoundTrip: the ISO-20 CommonMessages stream 80 2c 00
// is a DigestValue document with an empty value. Its JSON form keeps the
// present-but-empty element ("DigestValue":""), so encoding the JSON gives
// the same bytes again (found by FuzzDecodeLine).
func TestEmptyBinaryJSONRoundTrip(t *testing.T) {
	res, err := decodeFrame("802c00", "iso20-common")
	if err != nil {
		t.Fatalf("decode 802c00: %v", err)
	}
	line := `{"schema":"iso20-common","fields":` + string(res.Fields) + `}`
	out, err := encodeLine([]byte(line), "", false)
	if err != nil || !bytes.Equal(out, []byte{0x80, 0x2c, 0x00}) {
		t.Errorf("encode(decode(802c00)) = %x, %v; want 802c00 (fields %s)", out, err, res.Fields)
	}
}
