package main

import (
	"fmt"
	"path/filepath"
	"sort"
)

const dsigNS = "http://www.w3.org/2000/09/xmldsig#"

type setConfig struct {
	name      string
	pkg       string
	entry     string
	fragments bool
	// shared marks a package of types and codecs only (no document, no
	// tests), with exported codec functions and pool, for other sets to use.
	shared bool
	// dir is a shared set's package folder below iso15118 (its import path).
	dir string
	// uses names the shared sets whose types this set takes instead of
	// generating them again (they become aliases here), first match first.
	uses []string
}

// The shared sets: xmldsig-core (used by DIN, ISO-2 and ISO-20) and the
// ISO-20 CommonTypes (used by the five ISO-20 message sets).
const (
	xmldsigTypes = "xmldsig"
	iso20Types   = "iso20-types"
)

var iso20Uses = []string{xmldsigTypes, iso20Types}

var configs = []setConfig{
	{name: xmldsigTypes, pkg: "dsigtypes", entry: "iso2/xmldsig-core-schema.xsd", shared: true, dir: "internal/dsigtypes"},
	{name: iso20Types, pkg: "commontypes", entry: "iso20/V2G_CI_CommonTypes.xsd", shared: true, dir: "iso20/internal/commontypes", uses: []string{xmldsigTypes}},
	{name: "apphand", pkg: "apphand", entry: "apphand/V2G_CI_AppProtocol.xsd"},
	{name: "din", pkg: "din", entry: "din/V2G_CI_MsgDef.xsd", uses: []string{xmldsigTypes}},
	{name: "iso2", pkg: "iso2", entry: "iso2/V2G_CI_MsgDef.xsd", fragments: true, uses: []string{xmldsigTypes}},
	{name: "iso20-common", pkg: "common", entry: "iso20/V2G_CI_CommonMessages.xsd", fragments: true, uses: iso20Uses},
	{name: "iso20-ac", pkg: "ac", entry: "iso20/V2G_CI_AC.xsd", fragments: true, uses: iso20Uses},
	{name: "iso20-dc", pkg: "dc", entry: "iso20/V2G_CI_DC.xsd", fragments: true, uses: iso20Uses},
	{name: "iso20-acdp", pkg: "acdp", entry: "iso20/V2G_CI_ACDP.xsd", fragments: true, uses: iso20Uses},
	{name: "iso20-wpt", pkg: "wpt", entry: "iso20/V2G_CI_WPT.xsd", fragments: true, uses: iso20Uses},
}

func configFor(name string) *setConfig {
	for i := range configs {
		if configs[i].name == name {
			return &configs[i]
		}
	}
	return nil
}

// buildModel loads a schema set and resolves its globals, types and grammars.
func buildModel(schemas string, cfg *setConfig) (*model, []qname, error) {
	set, err := loadSet(filepath.Join(schemas, cfg.entry))
	if err != nil {
		return nil, nil, err
	}
	m := newModel(set)
	var globals []qname
	for q := range set.elements {
		globals = append(globals, q)
	}
	sortedQ(globals)
	for _, q := range globals {
		m.global(q)
	}
	var ctq []qname
	for q := range set.ctypes {
		ctq = append(ctq, q)
	}
	sortedQ(ctq)
	for _, q := range ctq {
		m.complexType(q)
	}
	for _, ct := range m.ctList {
		m.buildGrammar(ct)
	}
	return m, globals, nil
}

// sharedTypes maps the Go names of the complex types and enumerations that
// a shared set in cfg.uses generates, and m declares identically (same
// qualified name and Go name), to that set: m takes them from its package.
// A type two used sets declare belongs to the first.
func sharedTypes(schemas string, cfg *setConfig, m *model) (map[string]*setConfig, error) {
	type key struct {
		q    qname
		hint string
	}
	mine := map[string]key{}
	for _, ct := range m.ctList {
		mine[ct.goName] = key{ct.q, ""}
	}
	for _, e := range m.enums {
		mine[e.goName] = key{e.q, e.anonHint}
	}
	ext := map[string]*setConfig{}
	for _, u := range cfg.uses {
		uc := configFor(u)
		sm, _, err := buildModel(schemas, uc)
		if err != nil {
			return nil, err
		}
		have := map[string]key{}
		for _, ct := range sm.ctList {
			have[ct.goName] = key{ct.q, ""}
		}
		for _, e := range sm.enums {
			have[e.goName] = key{e.q, e.anonHint}
		}
		for name, k := range have {
			if mk, ok := mine[name]; !ok || mk != k {
				return nil, fmt.Errorf("exigen: %s: %s of %s is not declared the same way here", cfg.name, name, u)
			}
			if ext[name] == nil {
				ext[name] = uc
			}
		}
	}
	return ext, nil
}

// generate returns the generated files of one schema set, by file name.
func generate(schemas, setName string) (files map[string][]byte, err error) {
	cfg := configFor(setName)
	if cfg == nil {
		return nil, fmt.Errorf("exigen: unknown schema set %q", setName)
	}
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("exigen: %s: %v", setName, r)
		}
	}()
	m, globals, err := buildModel(schemas, cfg)
	if err != nil {
		return nil, err
	}
	g := &gen{m: m, cfg: *cfg}
	if len(cfg.uses) > 0 {
		if g.ext, err = sharedTypes(schemas, cfg, m); err != nil {
			return nil, err
		}
	}
	for _, ct := range m.ctList {
		g.assignFields(ct)
	}
	files = map[string][]byte{}

	g.emitTypes()
	if files["types_gen.go"], err = g.source(); err != nil {
		return nil, err
	}

	// Codecs.
	g.p("%spackage %s\n", header, cfg.pkg)
	g.p("import (\n\"errors\"\n\n\"github.com/plugsim/plugsim/iso15118/exi\"\n%s)\n", g.sharedImports())
	g.p("var errInvalidEnum = errors.New(%q)\n", cfg.pkg+": invalid enumeration value")
	for _, ct := range m.ctList {
		if g.ext[ct.goName] != nil {
			continue
		}
		g.emitDecode(ct)
		g.emitEncode(ct)
	}
	if cfg.shared {
		g.emitPool(nil)
		files["codec_gen.go"], err = g.source()
		return files, err
	}
	docFields := g.rootFields(globals, func(q qname) *elemDecl { return m.globals[q] })
	g.emitRootCodec("Document", "Decode", "AppendEncode", docFields, len(globals), bitsFor(len(globals)+1), false,
		"Document is one EXI document of the schema: exactly one of its global elements is set.")
	g.emitMessageName(docFields)
	g.emitPool(docFields)
	if cfg.fragments {
		var all []qname
		for q := range m.allElems {
			all = append(all, q)
		}
		sortedQ(all)
		pick := func(q qname) *elemDecl {
			if d := m.allElems[q]; len(d) == 1 {
				return d[0]
			}
			return nil
		}
		fr := g.rootFields(all, pick)
		fr = g.addElemFrags(fr, all)
		g.fragFields = fr
		g.emitRootCodec("Fragment", "DecodeFragment", "AppendEncodeFragment", fr, len(all), bitsFor(len(all)+2), true,
			fmt.Sprintf("Fragment is one element encoded as an EXI fragment with this schema set's fragment grammar "+
				"(EXI §8.5.2: %d element names, SE(*) and ED): the input of a signature digest. Exactly one field is set. "+
				"Element names declared with several types (%s) use the schema-informed element fragment grammar "+
				"(EXI §8.5.3, attributes and character content untyped); the field holds the declaration with attributes.",
				len(all), ambiguous(m, all)))
		var ds []qname
		for _, q := range all {
			if q.NS == dsigNS {
				ds = append(ds, q)
			}
		}
		fd := g.rootFields(ds, pick)
		g.dsigFields = fd
		g.emitRootCodec("XMLDSigFragment", "DecodeXMLDSigFragment", "AppendEncodeXMLDSigFragment", fd, len(ds), bitsFor(len(ds)+2), true,
			fmt.Sprintf("XMLDSigFragment is one element encoded as an EXI fragment with the grammar of the xmldsig-core schema alone "+
				"(%d element names, SE(*) and ED): SignedInfo is encoded this way for the signature value. Exactly one field is set.", len(ds)))
	}
	if files["codec_gen.go"], err = g.source(); err != nil {
		return nil, err
	}
	g.emitVectors()
	if files["vectors_gen_test.go"], err = g.source(); err != nil {
		return nil, err
	}
	g.emitFuzz()
	if files["fuzz_gen_test.go"], err = g.source(); err != nil {
		return nil, err
	}
	g.emitRandom(docFields)
	if files["random_gen_test.go"], err = g.source(); err != nil {
		return nil, err
	}
	return files, nil
}

func ambiguous(m *model, all []qname) string {
	var out []string
	for _, q := range all {
		if len(m.allElems[q]) > 1 {
			out = append(out, q.Local)
		}
	}
	sort.Strings(out)
	if len(out) == 0 {
		return "none in this set"
	}
	return fmt.Sprint(out)
}

func (g *gen) emitMessageName(doc []rootField) {
	var body *complexT
	for _, ct := range g.m.ctList {
		if ct.goName == "BodyType" {
			body = ct
		}
	}
	if body != nil {
		g.p("// MessageName returns the local name of the message element set in b, or \"\".")
		g.p("func (b *BodyType) MessageName() string {")
		for _, f := range body.fields {
			if f.shape == fPointer {
				g.p("if b.%s != nil { return %q }", f.name, f.json)
			}
		}
		g.p("return \"\"")
		g.p("}\n")
	}
	g.p("// MessageName returns the local name of the message that d carries, as the schema names it;")
	g.p("// \"\" when d is empty. For V2G_Message it is the element inside Body.")
	g.p("func (d *Document) MessageName() string {")
	for _, f := range doc {
		if f.q.Local == "V2G_Message" && body != nil {
			g.p("if d.%s != nil { return d.%s.Body.MessageName() }", f.name, f.name)
			continue
		}
		g.p("if d.%s != nil { return %q }", f.name, f.q.Local)
	}
	g.p("return \"\"")
	g.p("}\n")
}
