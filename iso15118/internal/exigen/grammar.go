package main

import (
	"fmt"
	"sort"
)

type glu struct {
	first, last []int
	nullable    bool
}

func union(a, b []int) []int {
	out := append([]int(nil), a...)
	for _, x := range b {
		found := false
		for _, y := range out {
			if x == y {
				found = true
			}
		}
		if !found {
			out = append(out, x)
		}
	}
	return out
}

// buildGrammar flattens ct into positions and computes its states (EXI §8.5.4.1, with a
// counter per repeated element instead of unrolled copies).
func (m *model) buildGrammar(ct *complexT) {
	top := &particle{kind: pSeq, min: 1, max: 1}
	for _, a := range ct.attrs {
		min := 0
		if a.required {
			min = 1
		}
		top.kids = append(top.kids, &particle{kind: pAttr, min: min, max: 1, attr: a})
	}
	if ct.simple != nil {
		top.kids = append(top.kids, &particle{kind: pCH, min: 1, max: 1})
	}
	if ct.content != nil {
		top.kids = append(top.kids, ct.content)
	}
	ct.top = top
	// Assign positions in document order.
	var walk func(p *particle, inLoop, optional bool)
	walk = func(p *particle, inLoop, optional bool) {
		switch p.kind {
		case pSeq, pChoice:
			loop := inLoop || p.max < 0 || p.max > 1
			opt := optional || p.min == 0
			for _, k := range p.kids {
				walk(k, loop, opt || (p.kind == pChoice && len(p.kids) > 1))
			}
		default:
			pos := &position{idx: len(ct.positions), kind: p.kind, attr: p.attr, elem: p.elem,
				min: p.min, max: p.max, inLoop: inLoop, follow: map[int]bool{}, content: p.kind == pElem || p.kind == pAny}
			pos.counted = !inLoop && (p.max < 0 || p.max > 1)
			pos.optional = optional || p.min == 0
			if inLoop && (p.max < 0 || p.max > 1) && p.kind == pElem {
				panic(fmt.Sprintf("exigen: %s: repeated element %s inside a repeated group", ct, p.elem.q))
			}
			p.pos = pos
			ct.positions = append(ct.positions, pos)
		}
	}
	walk(top, false, false)
	var g func(p *particle) glu
	g = func(p *particle) glu {
		var r glu
		switch p.kind {
		case pSeq:
			kids := make([]glu, len(p.kids))
			for i, k := range p.kids {
				kids[i] = g(k)
			}
			r.nullable = true
			for _, k := range kids {
				r.first = union(r.first, k.first)
				if !k.nullable {
					r.nullable = false
					break
				}
			}
			for i := len(kids) - 1; i >= 0; i-- {
				r.last = union(r.last, kids[i].last)
				if !kids[i].nullable {
					break
				}
			}
			for i := range kids {
				for j := i + 1; j < len(kids); j++ {
					for _, l := range kids[i].last {
						for _, f := range kids[j].first {
							ct.positions[l].follow[f] = true
						}
					}
					if !kids[j].nullable {
						break
					}
				}
			}
		case pChoice:
			for _, k := range p.kids {
				kg := g(k)
				r.first = union(r.first, kg.first)
				r.last = union(r.last, kg.last)
				r.nullable = r.nullable || kg.nullable
			}
		default:
			r.first = []int{p.pos.idx}
			r.last = []int{p.pos.idx}
			r.nullable = p.min == 0
			return r
		}
		if p.min == 0 {
			r.nullable = true
		}
		if p.max < 0 || p.max > 1 {
			for _, l := range r.last {
				for _, f := range r.first {
					ct.positions[l].follow[f] = true
				}
			}
		}
		return r
	}
	tg := g(top)
	for _, l := range tg.last {
		ct.positions[l].ends = true
	}
	// contentReachable[i]: after attribute position i (or at the start, i = -1), the content
	// start is reachable through optional attributes only.
	reach := func(after int) bool {
		for _, p := range ct.positions[after+1:] {
			if p.kind == pAttr && p.min > 0 {
				return false
			}
		}
		return true
	}
	mk := func(desc string, prods []prod, mixedOK bool) int {
		if ct.mixed && mixedOK {
			prods = append(prods, prod{kind: prCHUntyped})
		}
		sortProds(prods)
		st := &state{id: len(ct.states), prods: prods, width: bitsFor(len(prods) + 1), desc: desc}
		ct.states = append(ct.states, st)
		return st.id
	}
	follow := func(p *position, self bool) []prod {
		var out []prod
		if self {
			out = append(out, prodFor(p))
		}
		for i := range ct.positions {
			if p.follow[i] {
				out = append(out, prodFor(ct.positions[i]))
			}
		}
		if p.ends {
			out = append(out, prod{kind: prEE})
		}
		return dedupAny(out)
	}
	var init []prod
	for _, f := range tg.first {
		init = append(init, prodFor(ct.positions[f]))
	}
	if tg.nullable {
		init = append(init, prod{kind: prEE})
	}
	mk("start", dedupAny(init), reach(-1))
	for _, p := range ct.positions {
		if p.kind == pAny {
			continue
		}
		mixedOK := p.content || reach(p.idx)
		name := posName(p)
		if !p.counted {
			p.stAfter = mk("after "+name, follow(p, false), mixedOK)
			continue
		}
		if p.min > 1 {
			p.stUnder = mk(fmt.Sprintf("after %s, fewer than %d", name, p.min), []prod{prodFor(p)}, mixedOK)
		}
		p.stMid = mk("after "+name+", more allowed", follow(p, true), mixedOK)
		if p.max > 0 {
			p.stFull = mk(fmt.Sprintf("after %d %s", p.max, name), follow(p, false), mixedOK)
		}
	}
}

func posName(p *position) string {
	switch p.kind {
	case pAttr:
		return "AT(" + p.attr.q.Local + ")"
	case pCH:
		return "CH"
	case pAny:
		return "SE(*)"
	}
	return "SE(" + p.elem.q.Local + ")"
}

func prodFor(p *position) prod {
	switch p.kind {
	case pAttr:
		return prod{kind: prAT, pos: p}
	case pCH:
		return prod{kind: prCH, pos: p}
	case pAny:
		return prod{kind: prSEAny, pos: p}
	}
	return prod{kind: prSE, pos: p}
}

func dedupAny(ps []prod) []prod {
	var out []prod
	seenAny := false
	for _, p := range ps {
		if p.kind == prSEAny {
			if seenAny {
				continue
			}
			seenAny = true
		}
		out = append(out, p)
	}
	return out
}

func prodRank(p prod) int {
	switch p.kind {
	case prAT:
		return 0
	case prSE:
		return 1
	case prSEAny:
		return 2
	case prEE:
		return 3
	}
	return 4
}

func sortProds(ps []prod) {
	sort.SliceStable(ps, func(i, j int) bool {
		ri, rj := prodRank(ps[i]), prodRank(ps[j])
		if ri != rj {
			return ri < rj
		}
		if ps[i].pos != nil && ps[j].pos != nil {
			return ps[i].pos.idx < ps[j].pos.idx
		}
		return false
	})
	seen := map[qname]bool{}
	for _, p := range ps {
		if p.kind == prSE {
			if seen[p.pos.elem.q] {
				panic("exigen: duplicate SE(" + p.pos.elem.q.String() + ") in one state")
			}
			seen[p.pos.elem.q] = true
		}
	}
}
