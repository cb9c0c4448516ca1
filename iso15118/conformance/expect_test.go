package conformance

import (
	"encoding/hex"
	"encoding/xml"
	"fmt"
	"io"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/plugsim/plugsim/iso15118/internal/vectors"
)

// fieldResult is the outcome of comparing a decoded document with the
// expected field values a source publishes.
type fieldResult struct {
	checked    int      // expectations compared
	unmapped   []string // expectations that could not be tied to one of our fields
	mismatches []string // expectations that failed
}

func (r *fieldResult) ok(cond bool, format string, args ...any) {
	r.checked++
	if !cond {
		r.mismatches = append(r.mismatches, fmt.Sprintf(format, args...))
	}
}

// enumTable maps enumeration values of a schema set to their position in
// their xs:enumeration list (tools such as OpenV2G print the position).
type enumTable map[string][]int

// index returns the position of value v when every enumeration holding v
// agrees on it.
func (e enumTable) index(v string) (int, bool) {
	is := e[v]
	if len(is) == 0 {
		return 0, false
	}
	for _, i := range is[1:] {
		if i != is[0] {
			return 0, false
		}
	}
	return is[0], true
}

// parseEnums reads the xs:enumeration lists of XSD documents.
func parseEnums(xsds ...io.Reader) (enumTable, error) {
	t := enumTable{}
	for _, r := range xsds {
		d := xml.NewDecoder(r)
		pos := 0
		for {
			tok, err := d.Token()
			if err == io.EOF {
				break
			}
			if err != nil {
				return nil, err
			}
			switch el := tok.(type) {
			case xml.StartElement:
				switch el.Name.Local {
				case "restriction":
					pos = 0
				case "enumeration":
					for _, a := range el.Attr {
						if a.Name.Local == "value" {
							t[a.Value] = append(t[a.Value], pos)
							pos++
						}
					}
				}
			}
		}
	}
	return t, nil
}

// ---- pyPLC: the flat output of the OpenV2G fork ----

// openV2GSkip are keys of the OpenV2G fork's output that are not fields.
var openV2GSkip = map[string]bool{"debug": true, "error": true, "g_errn": true, "info": true, "result": true, "schema": true, "msgName": true}

// comp is one step of a field path: an element name and, when given, its
// position in its array.
type comp struct {
	name  string
	index int // -1: not given
}

// compareOpenV2G compares doc (the whole decoded document) with the OpenV2G
// fork's decoding of a DIN frame: dotted paths relative to the message body
// (or "header."), "X_isUsed" presence flags, "X.arrayLen" counts,
// "X.bytesLen" lengths, enumerations as numbers or names.
func compareOpenV2G(v *vectors.Vector, msgName string, doc any, enums enumTable) fieldResult {
	var r fieldResult
	m := v.Meta.OpenV2G
	if m["g_errn"] != "0" {
		r.unmapped = append(r.unmapped, "all: the OpenV2G fork failed on this frame ("+m["error"]+")")
		return r
	}
	r.ok(m["msgName"] == msgName, "msgName %q, ours %q", m["msgName"], msgName)
	body, _ := findKey(doc, msgName)
	header, _ := findKey(doc, "Header")
	bodyNodes, headerNodes := nodes(body), nodes(header)
	for _, k := range slices.Sorted(maps.Keys(m)) {
		want := m[k]
		if openV2GSkip[k] || strings.Contains(strings.ToLower(k), "text") {
			continue
		}
		scope, key := bodyNodes, k
		if rest, ok := strings.CutPrefix(k, "header."); ok {
			scope, key = headerNodes, rest
		}
		key = strings.Replace(key, "SchedTuple0.", "SAScheduleList.SAScheduleTuple.array[0].", 1)
		kind := "value"
		switch {
		case strings.HasSuffix(key, ".arrayLen"):
			kind, key = "count", strings.TrimSuffix(key, ".arrayLen")
		case strings.HasSuffix(key, ".bytesLen"):
			kind, key = "bytes", strings.TrimSuffix(key, ".bytesLen")
		case strings.HasSuffix(key, "_isUsed"):
			kind, key = "present", strings.TrimSuffix(key, "_isUsed")
		}
		comps, ok := openV2GPath(key)
		if !ok {
			r.unmapped = append(r.unmapped, k)
			continue
		}
		cands := matchSuffix(scope, comps)
		if len(cands) > 1 {
			r.unmapped = append(r.unmapped, k+" (ambiguous)")
			continue
		}
		var got *node
		if len(cands) == 1 {
			got = cands[0]
		}
		switch kind {
		case "present":
			w := strings.EqualFold(want, "1") || strings.EqualFold(want, "true")
			r.ok((got != nil) == w, "%s: present %v, want %v", k, got != nil, w)
		case "count":
			n := 0
			if got != nil {
				n = countOf(scope, got)
			}
			r.ok(strconv.Itoa(n) == want, "%s: %d items, want %s", k, n, want)
		case "bytes":
			n := -1
			if got == nil {
				n = 0
			} else if s, ok := got.value.(string); ok {
				if b, err := hex.DecodeString(s); err == nil {
					n = len(b)
				}
			}
			r.ok(strconv.Itoa(n) == want, "%s: %d bytes, want %s", k, n, want)
		default:
			if got == nil {
				// Absent: OpenV2G prints the zero value (or the first
				// enumeration value) of an element that is not used.
				i, isEnum := enums.index(want)
				r.ok(isZeroText(want) || isEnum && i == 0, "%s: absent, want %s", k, want)
				continue
			}
			r.ok(valueMatches(got.value, want, enums.index), "%s = %s, want %s", k, show(got.value), want)
		}
	}
	return r
}

var arrayItemRE = regexp.MustCompile(`^array\[(\d+)\]$`)

// openV2GPath splits an OpenV2G key into path steps; "X.array[i]" gives X at index i.
func openV2GPath(key string) ([]comp, bool) {
	var cs []comp
	for _, p := range strings.Split(key, ".") {
		if m := arrayItemRE.FindStringSubmatch(p); m != nil {
			if len(cs) == 0 {
				return nil, false
			}
			cs[len(cs)-1].index, _ = strconv.Atoi(m[1])
			continue
		}
		if p == "" || p == "array" {
			return nil, false
		}
		cs = append(cs, comp{name: p, index: -1})
	}
	return cs, len(cs) > 0
}

// matchSuffix returns the nodes whose path ends with comps (names equal;
// an index given must match, and an index not given matches a single
// element or the first item of an array).
func matchSuffix(all []*node, comps []comp) []*node {
	var out []*node
	for _, n := range all {
		if len(n.path) < len(comps) {
			continue
		}
		tail := n.path[len(n.path)-len(comps):]
		ok := true
		for i, c := range comps {
			t := tail[i]
			if t.name != c.name || c.index >= 0 && t.index != c.index || c.index < 0 && t.index > 0 {
				ok = false
				break
			}
		}
		if ok {
			out = append(out, n)
		}
	}
	return out
}

// ---- libcbv2g: the XML form in the test's comment ----

// xmlElem is a parsed XML element.
type xmlElem struct {
	name     string
	text     string
	children []*xmlElem
}

// parseXMLComment returns the top-level elements of a test comment that
// holds one or more XML documents among other text.
func parseXMLComment(s string) []*xmlElem {
	d := xml.NewDecoder(strings.NewReader(s))
	d.Strict = false
	var roots, stack []*xmlElem
	for {
		tok, err := d.Token()
		if err != nil {
			break
		}
		switch t := tok.(type) {
		case xml.StartElement:
			e := &xmlElem{name: t.Name.Local}
			if len(stack) > 0 {
				p := stack[len(stack)-1]
				p.children = append(p.children, e)
			} else {
				roots = append(roots, e)
			}
			stack = append(stack, e)
		case xml.EndElement:
			if len(stack) > 0 {
				stack = stack[:len(stack)-1]
			}
		case xml.CharData:
			if len(stack) > 0 {
				stack[len(stack)-1].text += string(t)
			}
		}
	}
	return roots
}

// compareXML compares the message element of doc with the XML form of the
// same message: every element of the XML must be present with its value.
func compareXML(v *vectors.Vector, msgName string, doc any) fieldResult {
	var r fieldResult
	var root *xmlElem
	for _, e := range parseXMLComment(v.Meta.XMLComment) {
		if e.name == msgName {
			root = e
			break
		}
	}
	if root == nil {
		r.unmapped = append(r.unmapped, "no XML form of "+msgName+" in the comment")
		return r
	}
	body, _ := findKey(doc, msgName)
	ours := map[string]*node{}
	for _, n := range nodes(body) {
		ours[pathKey(n.path)] = n
	}
	var walk func(prefix string, e *xmlElem)
	walk = func(prefix string, e *xmlElem) {
		seen := map[string]int{}
		for _, c := range e.children {
			i := seen[c.name]
			seen[c.name]++
			key := prefix + c.name
			if i > 0 {
				key += "[" + strconv.Itoa(i) + "]"
			}
			n, ok := ours[key]
			if len(c.children) > 0 {
				r.ok(ok, "%s: absent, want present", key)
				if ok {
					walk(key+"/", c)
				}
				continue
			}
			text := strings.TrimSpace(c.text)
			if !ok {
				r.ok(text != "" && isZeroText(text), "%s: absent, want %q", key, text)
				continue
			}
			if text == "" {
				r.ok(true, "")
				continue
			}
			r.ok(valueMatches(n.value, text, nil), "%s = %s, want %s", key, show(n.value), text)
		}
	}
	walk("", root)
	return r
}

// pathKey names a node by its path, items after the first of an array
// with their index: "AppProtocol[1]/Priority".
func pathKey(path []*node) string {
	var b strings.Builder
	for i, n := range path {
		if i > 0 {
			b.WriteByte('/')
		}
		b.WriteString(n.name)
		if n.index > 0 {
			fmt.Fprintf(&b, "[%d]", n.index)
		}
	}
	return b.String()
}
