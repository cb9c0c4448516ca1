package main

// emitFuzz writes the fuzz targets of one package: decode, re-encode, decode again, compare.
func (g *gen) emitFuzz() {
	g.p("%spackage %s\n", header, g.cfg.pkg)
	g.p(`import (
	"errors"
	"math/rand/v2"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/plugsim/plugsim/iso15118/exi"
)
`)
	kinds := []struct{ name, typ, dec, enc string }{{"FuzzDecode", "Document", "Decode", "AppendEncode"}}
	if g.cfg.fragments {
		kinds = append(kinds,
			struct{ name, typ, dec, enc string }{"FuzzDecodeFragment", "Fragment", "DecodeFragment", "AppendEncodeFragment"},
			struct{ name, typ, dec, enc string }{"FuzzDecodeXMLDSigFragment", "XMLDSigFragment", "DecodeXMLDSigFragment", "AppendEncodeXMLDSigFragment"})
	}
	for _, k := range kinds {
		g.p("// %s decodes arbitrary bytes with %s; whatever decodes must re-encode and decode to the same value.", k.name, k.dec)
		g.p("// Seeds: testdata/fuzz/%s (real frames, crashers found before).", k.name)
		g.p("func %s(f *testing.F) {", k.name)
		g.p("f.Add([]byte{0x80})")
		switch k.typ {
		case "Document":
			g.p("// Random documents of every global element add seeds where no real frame exists.")
			g.p("for i, tc := range randomDocumentSeeds {")
			g.p("b, err := tc(rand.New(rand.NewPCG(uint64(i), 1)))")
			g.p("if err != nil { f.Fatal(err) }")
			g.p("f.Add(b)")
			g.p("}")
		case "Fragment", "XMLDSigFragment":
			list := map[string]string{"Fragment": "randomFragments", "XMLDSigFragment": "randomXMLDSigFragments"}[k.typ]
			g.p("// Random fragments of every element name of a complex type add seeds.")
			g.p("for i, tc := range %s {", list)
			g.p("fr := tc.make(rand.New(rand.NewPCG(uint64(i), 1)))")
			g.p("b, err := %s(nil, &fr)", k.enc)
			g.p("if err != nil { f.Fatal(err) }")
			g.p("f.Add(b)")
			g.p("}")
		}
		g.p("f.Fuzz(func(t *testing.T, b []byte) {")
		g.p("var d %s", k.typ)
		g.p("if err := %s(b, &d); err != nil {", k.dec)
		g.p("if _, ok := errors.AsType[*exi.Error](err); !ok { t.Fatalf(\"%s: error %%v is not an *exi.Error\", err) }", k.dec)
		g.p("return")
		g.p("}")
		g.p("out, err := %s(nil, &d)", k.enc)
		g.p("if err != nil { t.Fatalf(\"%s(%s(%%x)): %%v\", b, err) }", k.enc, k.dec)
		g.p("var d2 %s", k.typ)
		g.p("if err := %s(out, &d2); err != nil { t.Fatalf(\"%s(%%x) of our own encoding: %%v\", out, err) }", k.dec, k.dec)
		g.p("if diff := cmp.Diff(d, d2); diff != \"\" { t.Fatalf(\"decode(encode(decode(%%x))) differs (-first +second):\\n%%s\", b, diff) }")
		g.p("})")
		g.p("}\n")
	}
}
