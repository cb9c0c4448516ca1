package main

import (
	"fmt"
	"math/big"
)

// randExpr returns a Go expression drawing a valid random value of st from r.
func randExpr(st *simpleT) string {
	maxL := func() int {
		hi := st.minLen + 24
		if st.maxLen >= 0 && st.maxLen < hi {
			hi = st.maxLen
		}
		return hi
	}
	switch st.kind {
	case kString:
		return fmt.Sprintf("randString(r, %d, %d)", st.minLen, maxL())
	case kHex, kB64:
		return fmt.Sprintf("%s(randBytes(r, %d, %d))", st.goType, st.minLen, maxL())
	case kBool:
		return "r.IntN(2) == 1"
	case kBigInt:
		return "randInteger(r)"
	case kEnum:
		return fmt.Sprintf("%s(r.IntN(%d))", st.goType, len(st.enum))
	case kNbit:
		rng := new(big.Int).Sub(st.max, st.min)
		return fmt.Sprintf("%s(int64(r.IntN(%s)) + %s)", st.goType, rng.Add(rng, big.NewInt(1)), st.min)
	case kUint:
		b := goBounds[st.goType]
		lo, hi := bigOf(b[0]), bigOf(b[1])
		if st.min != nil {
			lo = st.min
		}
		if st.max != nil && st.max.Cmp(hi) < 0 {
			hi = st.max
		}
		return fmt.Sprintf("%s(randUint(r, %s, %s))", st.goType, lo, hi)
	case kInt:
		b := goBounds[st.goType]
		lo, hi := bigOf(b[0]), bigOf(b[1])
		if st.min != nil && st.min.Cmp(lo) > 0 {
			lo = st.min
		}
		if st.max != nil && st.max.Cmp(hi) < 0 {
			hi = st.max
		}
		return fmt.Sprintf("%s(randInt(r, %s, %s))", st.goType, lo, hi)
	}
	panic("exigen: no random value for kind")
}

func (g *gen) emitRandFill(f *field, target string) {
	if f.ct != nil {
		switch f.shape {
		case fRequired:
			g.p("rand%s(r, &%s)", f.ct.goName, target)
		case fPointer:
			g.p("%s = new(%s)", target, f.ct.goName)
			g.p("rand%s(r, %s)", f.ct.goName, target)
		case fSlice:
			g.p("%s = append(%s, %s{})", target, target, f.ct.goName)
			g.p("rand%s(r, &%s[len(%s)-1])", f.ct.goName, target, target)
		}
		return
	}
	e := randExpr(f.st)
	switch f.shape {
	case fRequired, fNilable:
		g.p("%s = %s", target, e)
	case fPointer:
		g.p("{ x := %s; %s = &x }", e, target)
	case fSlice:
		g.p("%s = append(%s, %s)", target, target, e)
	}
}

func (g *gen) emitRandParticle(p *particle) {
	body := func() {
		switch p.kind {
		case pSeq:
			for _, k := range p.kids {
				g.emitRandParticle(k)
			}
		case pChoice:
			var kids []*particle
			for _, k := range p.kids {
				if !g.needsAny(k) {
					kids = append(kids, k)
				}
			}
			if len(kids) == 0 {
				return
			}
			if len(kids) == 1 {
				g.emitRandParticle(kids[0])
				return
			}
			g.p("switch r.IntN(%d) {", len(kids))
			for i, k := range kids {
				g.p("case %d:", i)
				g.emitRandParticle(k)
			}
			g.p("}")
		}
	}
	switch p.kind {
	case pAny:
		return
	case pElem, pAttr, pCH:
		pos := p.pos
		f := pos.field
		target := "v." + f.name
		if f.ct != nil && g.unrep[f.ct] {
			return
		}
		switch {
		case pos.counted:
			hi := pos.min + 3
			if pos.max > 0 && pos.max < hi {
				hi = pos.max
			}
			if pos.max > 0 && pos.max <= 64 && pos.max > hi {
				// Sometimes fill to maxOccurs, where the element leaves the grammar state.
				g.p("for range randCount(r, %d, %d, %d) {", pos.min, hi, pos.max)
			} else if hi == pos.min {
				g.p("for range %d {", pos.min)
			} else {
				g.p("for range %d + r.IntN(%d) {", pos.min, hi-pos.min+1)
			}
			g.emitRandFill(f, target)
			g.p("}")
		case pos.min == 0:
			g.p("if r.IntN(2) == 0 {")
			g.emitRandFill(f, target)
			g.p("}")
		default:
			g.emitRandFill(f, target)
		}
		return
	}
	switch {
	case p.max == 1 && p.min == 0:
		g.p("if r.IntN(2) == 0 {")
		body()
		g.p("}")
	case p.max == 1:
		body()
	default:
		g.p("for range %d + r.IntN(2) {", p.min)
		body()
		g.p("}")
	}
}

func (g *gen) emitRandom(docFields []rootField) {
	g.p("%spackage %s\n", header, g.cfg.pkg)
	g.p(`import (
	"math/rand/v2"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/plugsim/plugsim/iso15118/exi"
	%s)
`, g.sharedImports())
	g.p("var _ exi.HexBinary\n")
	g.markUnrepresentable()
	for _, ct := range g.m.ctList {
		g.p("func rand%s(r *rand.Rand, v *%s) {", ct.goName, ct.goName)
		g.p("_ = r")
		g.p("_ = v")
		g.emitRandParticle(ct.top)
		g.p("}\n")
	}
	g.p("// randomTypeCases round-trips a random value of every complex type through its grammar.")
	g.p("var randomTypeCases = []struct{ name string; run func(r *rand.Rand) (string, error) }{")
	for _, ct := range g.m.ctList {
		if g.unrep[ct] {
			continue
		}
		g.p("{%q, func(r *rand.Rand) (string, error) {", ct.goName)
		g.p("var v, got %s", ct.goName)
		g.p("rand%s(r, &v)", ct.goName)
		g.p("w := exi.NewWriter(nil)")
		g.p("if err := %s; err != nil { return \"\", err }", g.encodeCall(ct.goName, "&w", "&v"))
		g.p("rd := exi.NewReader(w.Bytes())")
		g.p("if err := %s; err != nil { return \"\", err }", g.decodeCall(ct.goName, "&rd", "&got", "nil"))
		g.p("return cmp.Diff(v, got), nil")
		g.p("}},")
	}
	g.p("}\n")
	g.p("// randomDocumentCases round-trips a random document of every global element.")
	g.p("var randomDocumentCases = []struct{ name string; run func(r *rand.Rand) (string, error) }{")
	for _, f := range docFields {
		if f.e.ct == nil || g.unrep[f.e.ct] {
			continue
		}
		g.p("{%q, func(r *rand.Rand) (string, error) {", f.q.Local)
		g.p("d := Document{%s: new(%s)}", f.name, f.e.ct.goName)
		g.p("rand%s(r, d.%s)", f.e.ct.goName, f.name)
		g.p("b, err := AppendEncode(nil, &d)")
		g.p("if err != nil { return \"\", err }")
		g.p("var got Document")
		g.p("if err := Decode(b, &got); err != nil { return \"\", err }")
		g.p("return cmp.Diff(d, got), nil")
		g.p("}},")
	}
	g.p("}\n")
	if g.cfg.fragments {
		for _, k := range []struct {
			list, typ, desc string
			fields          []rootField
		}{
			{"randomFragments", "Fragment", "this schema set's fragment grammar", g.fragFields},
			{"randomXMLDSigFragments", "XMLDSigFragment", "the xmldsig-core fragment grammar", g.dsigFields},
		} {
			g.p("// %s make a random fragment of every element name of a complex type in %s.", k.list, k.desc)
			g.p("var %s = []struct{ name string; make func(r *rand.Rand) %s }{", k.list, k.typ)
			for _, f := range k.fields {
				if f.ef != nil || f.e.ct == nil || g.unrep[f.e.ct] {
					continue
				}
				g.p("{%q, func(r *rand.Rand) %s {", f.json, k.typ)
				g.p("f := %s{%s: new(%s)}", k.typ, f.name, f.e.ct.goName)
				g.p("rand%s(r, f.%s)", f.e.ct.goName, f.name)
				g.p("return f")
				g.p("}},")
			}
			g.p("}\n")
		}
		g.p("// encodeRandomFragment encodes a random fragment of the element name, with the xmldsig-core")
		g.p("// grammar or this schema set's; ok is false when no random case has that name.")
		g.p("func encodeRandomFragment(name string, xmldsig bool, r *rand.Rand) (b []byte, ok bool, err error) {")
		g.p("if xmldsig {")
		g.p("for _, tc := range randomXMLDSigFragments { if tc.name == name { f := tc.make(r); b, err = AppendEncodeXMLDSigFragment(nil, &f); return b, true, err } }")
		g.p("return nil, false, nil")
		g.p("}")
		g.p("for _, tc := range randomFragments { if tc.name == name { f := tc.make(r); b, err = AppendEncodeFragment(nil, &f); return b, true, err } }")
		g.p("return nil, false, nil")
		g.p("}\n")
		g.p("// TestRandomFragmentRoundTrip encodes random fragments of both fragment grammars, decodes them and compares.")
		g.p("func TestRandomFragmentRoundTrip(t *testing.T) {")
		g.p("for _, tc := range randomFragments {")
		g.p("for seed := uint64(1); seed <= 5; seed++ {")
		g.p("f := tc.make(rand.New(rand.NewPCG(seed, 0x15118)))")
		g.p("b, err := AppendEncodeFragment(nil, &f)")
		g.p("if err != nil { t.Fatalf(\"%%s seed %%d: AppendEncodeFragment: %%v\", tc.name, seed, err) }")
		g.p("var got Fragment")
		g.p("if err := DecodeFragment(b, &got); err != nil { t.Fatalf(\"%%s seed %%d: DecodeFragment(%%x): %%v\", tc.name, seed, b, err) }")
		g.p("if diff := cmp.Diff(f, got); diff != \"\" { t.Fatalf(\"%%s seed %%d: fragment round trip differs (-want +got):\\n%%s\", tc.name, seed, diff) }")
		g.p("}")
		g.p("}")
		g.p("for _, tc := range randomXMLDSigFragments {")
		g.p("for seed := uint64(1); seed <= 5; seed++ {")
		g.p("f := tc.make(rand.New(rand.NewPCG(seed, 0x15118)))")
		g.p("b, err := AppendEncodeXMLDSigFragment(nil, &f)")
		g.p("if err != nil { t.Fatalf(\"%%s seed %%d: AppendEncodeXMLDSigFragment: %%v\", tc.name, seed, err) }")
		g.p("var got XMLDSigFragment")
		g.p("if err := DecodeXMLDSigFragment(b, &got); err != nil { t.Fatalf(\"%%s seed %%d: DecodeXMLDSigFragment(%%x): %%v\", tc.name, seed, b, err) }")
		g.p("if diff := cmp.Diff(f, got); diff != \"\" { t.Fatalf(\"%%s seed %%d: xmldsig fragment round trip differs (-want +got):\\n%%s\", tc.name, seed, diff) }")
		g.p("}")
		g.p("}")
		g.p("}\n")
	}
	g.p("// randomDocumentSeeds encode a random document of every global element.")
	g.p("var randomDocumentSeeds = []func(r *rand.Rand) ([]byte, error){")
	for _, f := range docFields {
		if f.e.ct == nil || g.unrep[f.e.ct] {
			continue
		}
		g.p("func(r *rand.Rand) ([]byte, error) {")
		g.p("d := Document{%s: new(%s)}", f.name, f.e.ct.goName)
		g.p("rand%s(r, d.%s)", f.e.ct.goName, f.name)
		g.p("return AppendEncode(nil, &d)")
		g.p("},")
	}
	g.p("}\n")
	g.b.WriteString(`func randString(r *rand.Rand, lo, hi int) string {
	const alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789:-_./ "
	n := lo + r.IntN(hi-lo+1)
	b := make([]rune, n)
	for i := range b {
		switch r.IntN(16) {
		case 0:
			b[i] = []rune("éü€漢😀")[r.IntN(5)]
		default:
			b[i] = rune(alphabet[r.IntN(len(alphabet))])
		}
	}
	return string(b)
}

func randCount(r *rand.Rand, lo, hi, max int) int {
	if r.IntN(6) == 0 {
		return max
	}
	return lo + r.IntN(hi-lo+1)
}

func randInteger(r *rand.Rand) exi.Integer {
	v := exi.Integer{Neg: r.IntN(2) == 0, Abs: randBytes(r, 0, 20)}
	for len(v.Abs) > 0 && v.Abs[0] == 0 {
		v.Abs = v.Abs[1:]
	}
	if len(v.Abs) == 0 {
		return exi.Integer{}
	}
	return v
}

func randBytes(r *rand.Rand, lo, hi int) []byte {
	b := make([]byte, lo+r.IntN(hi-lo+1))
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

func randUint(r *rand.Rand, lo, hi uint64) uint64 {
	v := r.Uint64() >> r.IntN(64)
	if lo == 0 && hi == ^uint64(0) {
		return v
	}
	return lo + v%(hi-lo+1)
}

func randInt(r *rand.Rand, lo, hi int64) int64 {
	v := int64(r.Uint64() >> r.IntN(64))
	if r.IntN(2) == 0 {
		v = -v
	}
	if lo == -1<<63 && hi == 1<<63-1 {
		return v
	}
	span := uint64(hi - lo) + 1
	if span == 0 {
		return v
	}
	return lo + int64(uint64(v)%span)
}

func TestRandomRoundTrip(t *testing.T) {
	const seeds = 25
	for _, tc := range append(randomTypeCases, randomDocumentCases...) {
		for seed := uint64(1); seed <= seeds; seed++ {
			r := rand.New(rand.NewPCG(seed, 0x15118))
			diff, err := tc.run(r)
			if err != nil {
				t.Fatalf("%s seed %d: %v", tc.name, seed, err)
			}
			if diff != "" {
				t.Fatalf("%s seed %d: decode(encode(v)) != v (-want +got):\n%s", tc.name, seed, diff)
			}
		}
	}
}
`)
}

// needsAny reports whether every valid instance of p contains a wildcard element or an
// element of a type that cannot be drawn (so the random generator cannot produce it).
func (g *gen) needsAny(p *particle) bool {
	if p.min == 0 {
		return false
	}
	switch p.kind {
	case pAny:
		return true
	case pElem:
		return p.elem.ct != nil && g.unrep[p.elem.ct]
	case pSeq:
		for _, k := range p.kids {
			if g.needsAny(k) {
				return true
			}
		}
		return false
	case pChoice:
		for _, k := range p.kids {
			if !g.needsAny(k) {
				return false
			}
		}
		return true
	}
	return false
}

// markUnrepresentable computes, to a fixed point, the types the random generator cannot draw.
func (g *gen) markUnrepresentable() {
	g.unrep = map[*complexT]bool{}
	for changed := true; changed; {
		changed = false
		for _, ct := range g.m.ctList {
			if !g.unrep[ct] && g.needsAny(ct.top) {
				g.unrep[ct] = true
				changed = true
			}
		}
	}
}
