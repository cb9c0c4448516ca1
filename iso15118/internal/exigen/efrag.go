package main

import "sort"

// elemFrag describes the schema-informed element fragment grammar (EXI §8.5.3) of an element
// name declared with several types in one schema set (ISO-2 eMAID: eMAIDType and EMAIDType).
// Only names whose declarations all have string content are supported; the Go value is the
// declaration with attributes (simple content).
type elemFrag struct {
	ct     *complexT
	attrs  []qname // every attribute name of the schema set, sorted
	nElems int     // fragment element names
}

// addElemFrags adds a field for every ambiguous fragment element name it supports.
func (g *gen) addElemFrags(fields []rootField, all []qname) []rootField {
	seen := map[qname]bool{}
	for _, ct := range g.m.ctList {
		for _, a := range ct.attrs {
			seen[a.q] = true
		}
	}
	var attrs []qname
	for q := range seen {
		attrs = append(attrs, q)
	}
	sortedQ(attrs)
	for i, q := range all {
		decls := g.m.allElems[q]
		if len(decls) < 2 {
			continue
		}
		var with *complexT
		ok := true
		for _, d := range decls {
			switch {
			case d.st != nil && d.st.kind == kString:
			case d.ct != nil && d.ct.simple != nil && d.ct.simple.kind == kString:
				if with != nil {
					ok = false
				}
				with = d.ct
				for _, a := range d.ct.attrs {
					if a.typ.kind != kString {
						ok = false
					}
				}
			default:
				ok = false
			}
		}
		if !ok || with == nil {
			panic("exigen: element " + q.String() + " has several types and is not supported by the element fragment grammar generator")
		}
		fields = append(fields, rootField{q: q, e: decls[0], name: exported(q.Local), json: q.Local, code: i,
			gtype: "*" + with.goName, ef: &elemFrag{ct: with, attrs: attrs, nElems: len(all)}})
	}
	sort.SliceStable(fields, func(i, j int) bool { return fields[i].code < fields[j].code })
	return fields
}

// Element fragment grammar layout: state 0 has AT(a) for every attribute name, AT(*), SE for
// every fragment element name, SE(*), EE and CH; after CH, state 2 has the SEs, SE(*), EE, CH.
func (ef *elemFrag) state0() (n, width, ee, ch int) {
	n = len(ef.attrs) + 1 + ef.nElems + 3
	return n, bitsFor(n + 1), n - 2, n - 1
}

func (ef *elemFrag) state2() (n, width, ee int) {
	n = ef.nElems + 3
	return n, bitsFor(n + 1), ef.nElems + 1
}

func (ef *elemFrag) attrCode(q qname) int {
	for i, a := range ef.attrs {
		if a == q {
			return i
		}
	}
	panic("exigen: attribute not in set " + q.String())
}

func (g *gen) emitElemFragDecode(f rootField, op string) {
	ef := f.ef
	n0, w0, ee0, ch0 := ef.state0()
	n2, w2, ee2 := ef.state2()
	g.p("d.%s = new(%s)", f.name, ef.ct.goName)
	g.p("for done := false; !done; {")
	g.p("ec, err := r.ReadBits(%d)", w0)
	g.p("if err != nil { return exi.In(err, %q) }", op)
	g.p("switch ec {")
	for _, p := range ef.ct.positions {
		if p.kind != pAttr {
			continue
		}
		g.p("case %d:", ef.attrCode(p.attr.q))
		g.emitRead(p.attr.typ, "x", op)
		if p.field.shape == fPointer {
			g.p("d.%s.%s = &x", f.name, p.field.name)
		} else {
			g.p("d.%s.%s = x", f.name, p.field.name)
		}
	}
	g.p("case %d:", ee0)
	g.p("done = true")
	g.p("case %d:", ch0)
	g.emitRead(ef.ct.simple, "x", op)
	g.p("d.%s.Value = x", f.name)
	g.p("ec, err = r.ReadBits(%d)", w2)
	g.p("if err != nil { return exi.In(err, %q) }", op)
	g.p("if ec != %d { return r.CodeError(%q, ec, %d, %d) }", ee2, op, n2, w2)
	g.p("done = true")
	g.p("default: return r.CodeError(%q, ec, %d, %d)", op, n0, w0)
	g.p("}")
	g.p("}")
}

func (g *gen) emitElemFragEncode(f rootField, op string) {
	ef := f.ef
	_, w0, _, ch0 := ef.state0()
	_, w2, ee2 := ef.state2()
	g.p("err = func() error {")
	g.p("v := d.%s", f.name)
	for _, p := range ef.ct.positions {
		if p.kind != pAttr {
			continue
		}
		x := "v." + p.field.name
		if p.field.shape == fPointer {
			g.p("if %s != nil {", x)
			x = "*" + x
		} else {
			g.p("{")
		}
		g.p("w.WriteBits(%d, %d)", ef.attrCode(p.attr.q), w0)
		g.emitWrite(p.attr.typ, x, op)
		g.p("}")
	}
	g.p("w.WriteBits(%d, %d)", ch0, w0)
	g.emitWrite(ef.ct.simple, "v.Value", op)
	g.p("w.WriteBits(%d, %d)", ee2, w2)
	g.p("return nil")
	g.p("}()")
}
