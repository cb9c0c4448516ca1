package main

import (
	"sort"
	"strings"
)

// poolKey turns a Go type into an identifier suffix.
func poolKey(t string) string {
	switch t {
	case "[]byte":
		return "Bytes"
	case "exi.HexBinary":
		return "HexBinary"
	}
	return exported(strings.ReplaceAll(t, ".", "_"))
}

// emitPool writes the free lists that let a Decoder reuse the memory of its previous document,
// the recycle function of every type, and the Decoder itself.
func (g *gen) emitPool(doc []rootField) {
	ptrs := map[string]bool{}   // Go types held by pointer fields
	slices := map[string]bool{} // element types of slice fields
	for _, ct := range g.m.ctList {
		for _, f := range ct.fields {
			t := f.goType
			switch f.shape {
			case fPointer:
				ptrs[t[1:]] = true
			case fSlice:
				slices[t[2:]] = true
			}
		}
	}
	for _, f := range doc {
		if strings.HasPrefix(f.gtype, "*") {
			ptrs[f.gtype[1:]] = true
		}
	}
	// Fragment decoders allocate with a nil pool but use the same constructors.
	for _, ct := range g.m.ctList {
		ptrs[ct.goName] = true
	}
	for _, decls := range g.m.allElems {
		for _, e := range decls {
			if e.st != nil && !e.st.isBinary() {
				ptrs[e.st.goType] = true
			}
		}
	}
	keys := func(m map[string]bool) []string {
		var out []string
		for k := range m {
			out = append(out, k)
		}
		sort.Strings(out)
		return out
	}
	pt := g.poolType()
	if g.cfg.shared {
		g.p("// Pool holds values of a previous document for reuse; a nil *Pool allocates.")
		g.p("// The packages that use these types keep one in their own pool.")
	} else {
		g.p("// pool holds values of a previous document for reuse; a nil *pool allocates.")
	}
	g.p("type %s struct {", pt)
	for _, name := range g.cfg.uses {
		u := configFor(name)
		g.p("sh%s %s.Pool // for the types of package %s", u.pkg, u.pkg, u.pkg)
	}
	for _, t := range keys(ptrs) {
		g.p("p%s []*%s", poolKey(t), t)
	}
	for _, t := range keys(slices) {
		g.p("s%s [][]%s", poolKey(t), t)
	}
	g.p("}\n")
	for _, name := range g.cfg.uses {
		u := configFor(name)
		g.p("// %s returns the pool of package %s's types, nil when p is nil.", u.pkg, u.pkg)
		g.p("func (p *%s) %s() *%s.Pool { if p == nil { return nil }; return &p.sh%s }\n", pt, u.pkg, u.pkg, u.pkg)
	}
	for _, t := range keys(ptrs) {
		k := poolKey(t)
		if g.cfg.shared {
			g.p("// New%s returns a zeroed *%s, reused when p has one.", k, t)
		}
		g.p("func (p *%s) %s() *%s {", pt, g.local("new", k), t)
		g.p("if p != nil { if n := len(p.p%s); n > 0 { x := p.p%s[n-1]; p.p%s = p.p%s[:n-1]; var zero %s; *x = zero; return x } }", k, k, k, k, t)
		g.p("return new(%s)", t)
		g.p("}\n")
	}
	for _, t := range keys(slices) {
		k := poolKey(t)
		if g.cfg.shared {
			g.p("// Slice%s returns an empty []%s, with the capacity of a reused one when p has one.", k, t)
		}
		g.p("func (p *%s) %s() []%s {", pt, g.local("slice", k), t)
		g.p("if p != nil { if n := len(p.s%s); n > 0 { s := p.s%s[n-1]; p.s%s = p.s%s[:n-1]; return s[:0] } }", k, k, k, k)
		g.p("return nil")
		g.p("}\n")
	}
	for _, ct := range g.m.ctList {
		if g.ext[ct.goName] != nil {
			continue
		}
		if g.cfg.shared {
			g.p("// Recycle%s gives what v points to back to p, for reuse by the next document.", ct.goName)
		}
		g.p("func (p *%s) %s(v *%s) {", pt, g.local("recycle", ct.goName), ct.goName)
		for _, f := range ct.fields {
			t := "v." + f.name
			switch {
			case f.shape == fRequired && f.ct != nil:
				g.p("%s", g.recycleCall(f.ct.goName, "&"+t))
			case f.shape == fPointer && f.ct != nil:
				g.p("if %s != nil { %s; p.p%s = append(p.p%s, %s) }", t, g.recycleCall(f.ct.goName, t), poolKey(f.ct.goName), poolKey(f.ct.goName), t)
			case f.shape == fPointer:
				k := poolKey(f.goType[1:])
				g.p("if %s != nil { p.p%s = append(p.p%s, %s) }", t, k, k, t)
			case f.shape == fSlice:
				k := poolKey(f.goType[2:])
				if f.ct != nil {
					g.p("for i := range %s { %s }", t, g.recycleCall(f.ct.goName, "&"+t+"[i]"))
				}
				g.p("if cap(%s) > 0 { p.s%s = append(p.s%s, %s) }", t, k, k, t)
			}
		}
		g.p("}\n")
	}
	if g.cfg.shared {
		return
	}
	g.p(`// Decoder decodes documents without allocating, once warm, anything but byte and string
// fields: each call reuses the memory of the document it returned before.
// The zero value is ready to use. A Decoder is not safe for concurrent use.
type Decoder struct {
	p   pool
	doc Document
}

// Decode decodes one EXI document like [Decode] and returns it. The Document and everything it
// points to belong to the Decoder and are valid until the next call; copy what must outlive it.
func (dec *Decoder) Decode(b []byte) (*Document, error) {
	p := &dec.p
	d := &dec.doc
`)
	for _, f := range doc {
		if !strings.HasPrefix(f.gtype, "*") {
			continue
		}
		if f.e.ct != nil {
			g.p("if d.%s != nil { %s; p.p%s = append(p.p%s, d.%s) }", f.name, g.recycleCall(f.e.ct.goName, "d."+f.name), poolKey(f.e.ct.goName), poolKey(f.e.ct.goName), f.name)
		} else {
			k := poolKey(f.gtype[1:])
			g.p("if d.%s != nil { p.p%s = append(p.p%s, d.%s) }", f.name, k, k, f.name)
		}
	}
	g.p("*d = Document{}")
	g.p("if err := decodeRootDocument(b, p, d); err != nil { return nil, err }")
	g.p("return d, nil")
	g.p("}\n")
}
