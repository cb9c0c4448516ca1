package conformance

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
)

// A decoded document is compared through its JSON form (the schema's
// element names, per the EXI-API contract), so that the comparisons below
// depend on the schema only, not on the Go types.

// node is one element or attribute of a decoded document.
type node struct {
	name  string
	index int // position in its array, or -1 when not in an array
	path  []*node
	value any // map[string]any, []any (never: arrays are unrolled), string, json.Number, bool, nil
}

// jsonTree returns the generic JSON value of v.
func jsonTree(v any) (any, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var t any
	err = dec.Decode(&t)
	return t, err
}

// findKey returns the first value stored under key in a depth-first walk.
func findKey(t any, key string) (any, bool) {
	switch x := t.(type) {
	case map[string]any:
		if v, ok := x[key]; ok {
			return v, true
		}
		for _, k := range sortedKeys(x) {
			if v, ok := findKey(x[k], key); ok {
				return v, true
			}
		}
	case []any:
		for _, e := range x {
			if v, ok := findKey(e, key); ok {
				return v, true
			}
		}
	}
	return nil, false
}

func sortedKeys(m map[string]any) []string {
	return slices.Sorted(maps.Keys(m))
}

// nodes lists every element and attribute under root (root excluded), with
// arrays unrolled into one node per item.
func nodes(root any) []*node {
	var out []*node
	var walk func(parent []*node, v any)
	walk = func(parent []*node, v any) {
		m, ok := v.(map[string]any)
		if !ok {
			return
		}
		for _, k := range sortedKeys(m) {
			items, isArr := m[k].([]any)
			if !isArr || !allObjectsOrScalars(items) {
				n := &node{name: k, index: -1, value: m[k]}
				n.path = append(append([]*node(nil), parent...), n)
				out = append(out, n)
				walk(n.path, m[k])
				continue
			}
			for i, it := range items {
				n := &node{name: k, index: i, value: it}
				n.path = append(append([]*node(nil), parent...), n)
				out = append(out, n)
				walk(n.path, it)
			}
		}
	}
	walk(nil, root)
	return out
}

func allObjectsOrScalars(items []any) bool {
	for _, it := range items {
		if _, ok := it.([]any); ok {
			return false
		}
	}
	return true
}

// count returns how many items the element named like n has: the length
// of its array, 1 for a single element, or the length of the only array
// inside a container element (ISO-20 lists such as PriceRuleStacks).
func countOf(all []*node, n *node) int {
	if n.index >= 0 {
		c := 0
		for _, o := range all {
			if o.name == n.name && o.index >= 0 && samePrefix(o.path, n.path) {
				c++
			}
		}
		return c
	}
	if m, ok := n.value.(map[string]any); ok && len(m) == 1 {
		for _, v := range m {
			if a, ok := v.([]any); ok {
				return len(a)
			}
			return 1
		}
	}
	return 1
}

// samePrefix reports whether two paths share everything but their last node.
func samePrefix(a, b []*node) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a)-1; i++ {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// rational returns the value of an ISO-20 RationalNumber ({Exponent, Value})
// or a DIN/ISO-2 PhysicalValue ({Multiplier, Value}) node.
func rational(v any) (float64, bool) {
	m, ok := v.(map[string]any)
	if !ok {
		return 0, false
	}
	val, ok1 := number(m["Value"])
	exp, ok2 := number(m["Exponent"])
	if !ok2 {
		exp, ok2 = number(m["Multiplier"])
	}
	if !ok1 {
		return 0, false
	}
	if !ok2 {
		exp = 0 // an omitted zero
	}
	return val * math.Pow(10, exp), true
}

func number(v any) (float64, bool) {
	switch x := v.(type) {
	case json.Number:
		f, err := x.Float64()
		return f, err == nil
	case nil:
		return 0, true // omitted zero value
	}
	return 0, false
}

// valueMatches reports whether a decoded leaf equals an expected value
// written as text by another tool (C literal, XML text, OpenV2G output).
// enumIndex maps an enumeration value to its position in the schema, for
// tools that print enumerations as numbers.
func valueMatches(got any, want string, enumIndex func(string) (int, bool)) bool {
	want = strings.TrimSpace(want)
	switch g := got.(type) {
	case nil:
		return isZeroText(want)
	case bool:
		switch strings.ToLower(want) {
		case "true", "1":
			return g
		case "false", "0":
			return !g
		}
		return false
	case json.Number:
		wf, err := strconv.ParseFloat(strings.TrimSuffix(want, "f"), 64)
		if err != nil {
			return false
		}
		gf, _ := g.Float64()
		return closeEnough(gf, wf)
	case string:
		if g == want || strings.EqualFold(g, want) && isHex(want) {
			return true
		}
		if b, err := base64.StdEncoding.DecodeString(g); err == nil && len(g) > 0 && strings.EqualFold(hex.EncodeToString(b), want) {
			return true
		}
		if n, err := strconv.Atoi(want); err == nil && enumIndex != nil {
			if i, ok := enumIndex(g); ok {
				return i == n
			}
		}
		return false
	case map[string]any:
		if f, ok := rational(g); ok {
			wf, err := strconv.ParseFloat(strings.TrimSuffix(want, "f"), 64)
			return err == nil && closeEnough(f, wf)
		}
	}
	return false
}

func closeEnough(a, b float64) bool {
	if a == b {
		return true
	}
	return math.Abs(a-b) <= 1e-6*math.Max(math.Abs(a), math.Abs(b))
}

func isZeroText(s string) bool {
	switch strings.ToLower(s) {
	case "0", "false", "", "0.0", "0.0f", "0f":
		return true
	}
	return false
}

func isHex(s string) bool {
	if s == "" || len(s)%2 != 0 {
		return false
	}
	_, err := hex.DecodeString(s)
	return err == nil
}

// show formats a decoded value for a failure message.
func show(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	if len(b) > 120 {
		return string(b[:117]) + "..."
	}
	return string(b)
}
