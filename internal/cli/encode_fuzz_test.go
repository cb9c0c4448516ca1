package cli

import (
	"bytes"
	"encoding/hex"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/plugsim/plugsim/iso15118/v2gtp"
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
		if err != nil || !res.ReencodeEqual || hasEmptyOmittedBinary(t, res.Schema, raw) {
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

// hasEmptyOmittedBinary reports whether the document decoded from raw holds
// a binary value that is present but empty in a field tagged omitempty: its
// JSON form then drops the element, a known gap of the generated packages'
// JSON (see TestKnownJSONGap), so the decode-encode round trip cannot hold.
func hasEmptyOmittedBinary(t *testing.T, schema string, raw []byte) bool {
	t.Helper()
	c, ok := findCodec(schema)
	if !ok {
		return false
	}
	payload := raw
	if f, err := v2gtp.ParseFrame(raw); err == nil {
		payload = f.Payload
	}
	doc, err := c.decode(payload)
	if err != nil {
		return false
	}
	return emptyOmitted(reflect.ValueOf(doc.jsonValue()), false)
}

func emptyOmitted(v reflect.Value, omitempty bool) bool {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		return !v.IsNil() && emptyOmitted(v.Elem(), false)
	case reflect.Slice:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			return omitempty && !v.IsNil() && v.Len() == 0
		}
		for i := range v.Len() {
			if emptyOmitted(v.Index(i), false) {
				return true
			}
		}
	case reflect.Struct:
		for i := range v.NumField() {
			f := v.Type().Field(i)
			if f.IsExported() && emptyOmitted(v.Field(i), strings.Contains(f.Tag.Get("json"), ",omitempty")) {
				return true
			}
		}
	}
	return false
}

// TestKnownJSONGap pins the gap FuzzDecodeLine steps around: the ISO-20
// CommonMessages stream 80 2c 00 is a DigestValue document with an empty
// value; its JSON form is {} and cannot be encoded again. When the
// generated packages keep empty binary elements in JSON, this test fails:
// then drop hasEmptyOmittedBinary from FuzzDecodeLine.
func TestKnownJSONGap(t *testing.T) {
	res, err := decodeFrame("802c00", "iso20-common")
	if err != nil {
		t.Fatalf("decode 802c00: %v", err)
	}
	if !hasEmptyOmittedBinary(t, "iso20-common", []byte{0x80, 0x2c, 0x00}) {
		t.Errorf("decode 802c00 has no empty omitempty binary any more: remove the gap check")
	}
	line := `{"schema":"iso20-common","fields":` + string(res.Fields) + `}`
	if out, err := encodeLine([]byte(line), "", false); err == nil && bytes.Equal(out, []byte{0x80, 0x2c, 0x00}) {
		t.Errorf("the JSON round trip of 802c00 works now (%s): remove the gap check from FuzzDecodeLine", res.Fields)
	}
}
