package schemacheck

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"time"
)

// schema is a JSON schema node as decoded by encoding/json.
type schema = map[string]any

// instGen draws random instances of one message schema and random
// mutations of them. It reads the schema generically, independently of the
// generator under test.
type instGen struct {
	r    *rand.Rand
	root schema
}

func (g *instGen) resolve(s schema) schema {
	if ref, ok := s["$ref"].(string); ok {
		name := strings.TrimPrefix(ref, "#/definitions/")
		return g.root["definitions"].(map[string]any)[name].(schema)
	}
	return s
}

func num(s schema, key string) (float64, bool) {
	v, ok := s[key]
	if !ok {
		return 0, false
	}
	f, _ := v.(json.Number).Float64()
	return f, true
}

var alphabet = []rune("abcXYZ019 -_.é€😀\"\\/\n")

func (g *instGen) str(n int) string {
	var b strings.Builder
	for range n {
		b.WriteRune(alphabet[g.r.IntN(len(alphabet))])
	}
	return b.String()
}

// valid returns a random valid instance of s.
func (g *instGen) valid(s schema, depth int) any {
	s = g.resolve(s)
	if enum, ok := s["enum"].([]any); ok {
		return enum[g.r.IntN(len(enum))]
	}
	switch s["type"] {
	case "object":
		obj := map[string]any{}
		props, _ := s["properties"].(map[string]any)
		req := map[string]bool{}
		reqs, _ := s["required"].([]any)
		for _, r := range reqs {
			req[r.(string)] = true
		}
		for _, name := range sortedKeys(props) {
			if req[name] || (depth < 4 && g.r.IntN(2) == 0) {
				obj[name] = g.valid(props[name].(schema), depth+1)
			}
		}
		if s["additionalProperties"] == nil && g.r.IntN(4) == 0 {
			obj["vendorExtra"] = map[string]any{"k": []any{1, "x"}}
		}
		return obj
	case "array":
		lo := 0
		if v, ok := num(s, "minItems"); ok {
			lo = int(v)
		}
		hi := lo + 2
		if v, ok := num(s, "maxItems"); ok && int(v) < hi {
			hi = int(v)
		}
		n := lo + g.r.IntN(hi-lo+1)
		arr := make([]any, n)
		for i := range arr {
			arr[i] = g.valid(s["items"].(schema), depth+1)
		}
		return arr
	case "string":
		if s["format"] == "date-time" {
			t := time.Unix(g.r.Int64N(4e9), int64(g.r.IntN(3))*int64(time.Millisecond)*123).UTC()
			if g.r.IntN(2) == 0 {
				t = t.In(time.FixedZone("", 3600*(g.r.IntN(10)-5)))
			}
			return t.Format(time.RFC3339Nano)
		}
		max := 40
		if v, ok := num(s, "maxLength"); ok {
			max = int(v)
			if g.r.IntN(5) == 0 {
				return g.str(max) // exactly at the limit, multi-byte characters included
			}
		}
		return g.str(g.r.IntN(min(max, 12) + 1))
	case "integer":
		lo, hasLo := num(s, "minimum")
		hi, hasHi := num(s, "maximum")
		switch {
		case hasLo && hasHi:
			return json.Number(fmt.Sprint(int64(lo) + g.r.Int64N(int64(hi-lo)+1)))
		case hasLo:
			if g.r.IntN(5) == 0 {
				return json.Number(fmt.Sprint(int64(lo)))
			}
			return json.Number(fmt.Sprint(int64(lo) + g.r.Int64N(100000)))
		}
		if g.r.IntN(6) == 0 {
			return json.Number("2.0") // an integer by value (JSON Schema)
		}
		return json.Number(fmt.Sprint(g.r.Int64N(200000) - 100000))
	case "number":
		lo, hasLo := num(s, "minimum")
		hi, hasHi := num(s, "maximum")
		f := g.r.Float64()*2000 - 1000
		if hasLo && hasHi {
			f = lo + g.r.Float64()*(hi-lo)
		} else if hasLo {
			f = lo + g.r.Float64()*1000
		} else if hasHi {
			f = hi - g.r.Float64()*1000
		}
		if g.r.IntN(3) == 0 {
			f = math.Round(f)
		}
		return json.Number(fmt.Sprint(f))
	case "boolean":
		return g.r.IntN(2) == 0
	case nil:
		// Untyped: any JSON value.
		return []any{"x", json.Number("1.5"), map[string]any{"a": nil}, true}[g.r.IntN(4)]
	}
	panic(fmt.Sprintf("unhandled schema type %v", s["type"]))
}

// mutate returns a changed copy of v, an instance of s: usually invalid,
// sometimes still valid. Both validators must agree either way.
func (g *instGen) mutate(v any, s schema) any {
	s = g.resolve(s)
	switch x := v.(type) {
	case map[string]any:
		props, _ := s["properties"].(map[string]any)
		keys := make([]string, 0, len(x))
		for k := range x {
			if _, ok := props[k]; ok {
				keys = append(keys, k)
			}
		}
		slices.Sort(keys)
		if len(keys) > 0 && g.r.IntN(3) != 0 {
			k := keys[g.r.IntN(len(keys))]
			c := maps(x)
			c[k] = g.mutate(x[k], props[k].(schema))
			return c
		}
		c := maps(x)
		switch g.r.IntN(4) {
		case 0:
			if len(keys) > 0 {
				delete(c, keys[g.r.IntN(len(keys))])
				return c
			}
			fallthrough
		case 1:
			c["unknownMember"] = json.Number("1")
			return c
		case 2:
			// An optional member that is absent, added with a wrong type.
			for _, name := range sortedKeys(props) {
				if _, ok := c[name]; !ok {
					c[name] = []any{}
					return c
				}
			}
			return "not an object"
		}
		return nil
	case []any:
		if len(x) > 0 && g.r.IntN(2) == 0 {
			i := g.r.IntN(len(x))
			c := slices.Clone(x)
			c[i] = g.mutate(x[i], s["items"].(schema))
			return c
		}
		switch g.r.IntN(3) {
		case 0:
			return []any{}
		case 1:
			n := len(x) + 1
			if m, ok := num(s, "maxItems"); ok {
				n = int(m) + 1
			}
			c := make([]any, n)
			for i := range c {
				c[i] = g.valid(s["items"].(schema), 3)
			}
			return c
		}
		return map[string]any{}
	}
	if _, ok := s["enum"]; ok {
		return []any{"NotAnEnumValue", "", json.Number("1")}[g.r.IntN(3)]
	}
	switch s["type"] {
	case "string":
		if s["format"] == "date-time" {
			return []any{"2024-13-01T00:00:00Z", "yesterday", "2024-01-01", "2024-01-01T10:00:00", json.Number("5")}[g.r.IntN(5)]
		}
		if m, ok := num(s, "maxLength"); ok && g.r.IntN(3) != 0 {
			return g.str(int(m) + 1 + g.r.IntN(3))
		}
		return []any{json.Number("12"), true, nil}[g.r.IntN(3)]
	case "integer":
		if lo, ok := num(s, "minimum"); ok && g.r.IntN(2) == 0 {
			return json.Number(fmt.Sprint(int64(lo) - 1))
		}
		if hi, ok := num(s, "maximum"); ok && g.r.IntN(2) == 0 {
			return json.Number(fmt.Sprint(int64(hi) + 1))
		}
		return []any{json.Number("1.5"), "7", json.Number("1e2"), nil}[g.r.IntN(4)]
	case "number":
		if lo, ok := num(s, "minimum"); ok && g.r.IntN(2) == 0 {
			return json.Number(fmt.Sprint(lo - 0.25))
		}
		if hi, ok := num(s, "maximum"); ok && g.r.IntN(2) == 0 {
			return json.Number(fmt.Sprint(hi + 0.25))
		}
		return []any{"1.5", json.Number("-0"), false}[g.r.IntN(3)]
	case "boolean":
		return []any{"true", json.Number("0"), nil}[g.r.IntN(3)]
	}
	return v
}

func maps(m map[string]any) map[string]any {
	c := make(map[string]any, len(m)+1)
	for k, v := range m {
		c[k] = v
	}
	return c
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
