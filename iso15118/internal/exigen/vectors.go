package main

import (
	"fmt"
	"strings"
)

var vectorSchemas = map[string][]string{
	"apphand":      {"apphand"},
	"din":          {"din"},
	"iso2":         {"iso2", "iso2-frag", "iso2-xmldsig-frag"},
	"iso20-common": {"iso20-common"},
	"iso20-ac":     {"iso20-ac"},
	"iso20-dc":     {"iso20-dc"},
	"iso20-acdp":   {"iso20-acdp"},
	"iso20-wpt":    {"iso20-wpt"},
}

// emitVectors writes a test that decodes and re-encodes every vector of the set.
func (g *gen) emitVectors() {
	g.p("%spackage %s\n", header, g.cfg.pkg)
	g.p(`import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/plugsim/plugsim/iso15118/internal/vectors"
)
`)
	var quoted []string
	for _, s := range vectorSchemas[g.cfg.name] {
		quoted = append(quoted, fmt.Sprintf("%q", s))
	}
	g.p("var vectorSchemaNames = []string{%s}\n", strings.Join(quoted, ", "))
	g.p("// roundTripVector decodes b with the grammar of the INDEX.tsv schema name and re-encodes it.")
	g.p("func roundTripVector(schema string, b []byte) ([]byte, string, error) {")
	g.p("switch schema {")
	if g.cfg.fragments {
		g.p("case %q:", g.cfg.name+"-frag")
		g.p("var f Fragment")
		g.p("if err := DecodeFragment(b, &f); err != nil { return nil, \"\", err }")
		g.p("out, err := AppendEncodeFragment(nil, &f)")
		g.p("return out, \"\", err")
		g.p("case %q:", g.cfg.name+"-xmldsig-frag")
		g.p("var f XMLDSigFragment")
		g.p("if err := DecodeXMLDSigFragment(b, &f); err != nil { return nil, \"\", err }")
		g.p("out, err := AppendEncodeXMLDSigFragment(nil, &f)")
		g.p("return out, \"\", err")
	}
	g.p("}")
	g.p("var d Document")
	g.p("if err := Decode(b, &d); err != nil { return nil, \"\", err }")
	g.p("out, err := AppendEncode(nil, &d)")
	g.p("return out, d.MessageName(), err")
	g.p("}\n")
	g.b.WriteString(`type vector struct {
	file, schema, message string
	exi                   []byte
}

// loadVectors returns the vectors of the given INDEX.tsv schema names (default: this package's),
// skipping (or failing under CI=true) when the shared data is absent.
func loadVectors(t testing.TB, schemas ...string) []vector {
	if len(schemas) == 0 {
		schemas = vectorSchemaNames
	}
	_, vs := vectors.ForTest(t, schemas...)
	out := make([]vector, len(vs))
	for i, v := range vs {
		out[i] = vector{file: v.File, schema: v.Schema, message: v.Message, exi: v.Payload}
	}
	return out
}

// loadExceptions reads testdata/vector_exceptions.txt: "file<TAB>reason" lines of vectors
// that this codec does not decode or re-encode identically, with the reason.
func loadExceptions(t testing.TB) map[string]string {
	out := map[string]string{}
	data, err := os.ReadFile(filepath.Join("testdata", "vector_exceptions.txt"))
	if err != nil {
		return out
	}
	for _, l := range strings.Split(string(data), "\n") {
		if l == "" || strings.HasPrefix(l, "#") {
			continue
		}
		file, reason, _ := strings.Cut(l, "\t")
		out[file] = reason
	}
	return out
}

// TestVectors checks that every vector decodes and re-encodes to the same bytes, and that the
// message name agrees with INDEX.tsv. Vectors listed in testdata/vector_exceptions.txt must fail.
func TestVectors(t *testing.T) {
	vs := loadVectors(t)
	exc := loadExceptions(t)
	ok := 0
	for _, v := range vs {
		out, name, err := roundTripVector(v.schema, v.exi)
		var problem string
		switch {
		case err != nil:
			problem = err.Error()
		case !bytes.Equal(out, v.exi):
			problem = "re-encoded bytes differ: " + hex.EncodeToString(out)
		case name != "" && v.message != "" && name != v.message:
			problem = "message " + name + ", index says " + v.message
		}
		reason, listed := exc[v.file]
		switch {
		case problem == "" && listed:
			t.Errorf("%s: listed as exception (%s) but round-trips", v.file, reason)
		case problem == "":
			ok++
		case !listed:
			t.Errorf("%s (%s %s): %s", v.file, v.schema, v.message, problem)
		}
	}
	t.Logf("%d of %d vectors decode and re-encode byte-identically (%d listed exceptions)", ok, len(vs), len(exc))
}

// TestVectorsJSON checks that every decodable document vector survives JSON (the schema-named
// tags that plugsim decode/encode rely on): decode, marshal, unmarshal, encode, same bytes.
func TestVectorsJSON(t *testing.T) {
	for _, v := range loadVectors(t) {
		if v.schema != vectorSchemaNames[0] {
			continue
		}
		var d Document
		if err := Decode(v.exi, &d); err != nil {
			continue
		}
		js, err := json.Marshal(&d)
		if err != nil {
			t.Fatalf("%s: json.Marshal: %v", v.file, err)
		}
		var back Document
		if err := json.Unmarshal(js, &back); err != nil {
			t.Fatalf("%s: json.Unmarshal(%s): %v", v.file, js, err)
		}
		out, err := AppendEncode(nil, &back)
		if err != nil {
			t.Fatalf("%s: AppendEncode after JSON: %v", v.file, err)
		}
		if !bytes.Equal(out, v.exi) {
			t.Errorf("%s: after a JSON round trip the encoding differs:\n%s", v.file, js)
		}
	}
}

// TestDecoderReuse decodes every document vector, forwards then backwards, with one Decoder
// that recycles the previous document, and compares each result with a fresh Decode.
func TestDecoderReuse(t *testing.T) {
	var docs [][]byte
	for _, v := range loadVectors(t) {
		if v.schema == vectorSchemaNames[0] {
			docs = append(docs, v.exi)
		}
	}
	for i := len(docs) - 1; i >= 0; i-- {
		docs = append(docs, docs[i])
	}
	var dec Decoder
	for i, b := range docs {
		var want Document
		wantErr := Decode(b, &want)
		got, err := dec.Decode(b)
		if (err != nil) != (wantErr != nil) {
			t.Fatalf("vector %d: Decoder.Decode error %v, Decode error %v", i, err, wantErr)
		}
		if err != nil {
			continue
		}
		if diff := cmp.Diff(&want, got); diff != "" {
			t.Fatalf("vector %d: Decoder.Decode differs from Decode (-want +got):\n%s", i, diff)
		}
	}
}
`)
}
