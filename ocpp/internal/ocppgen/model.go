package main

import (
	"fmt"
	"sort"
	"strings"
	"unicode"
)

type kind int

const (
	kString kind = iota
	kInt
	kNumber
	kBool
	kTime
	kEnum
	kObject
	kArray
	kAny // no type: any JSON value, kept raw
)

type typ struct {
	kind      kind
	ref       string // Go type name for kEnum and kObject
	schema    string // schema definition name for kEnum
	maxLength int    // 0: none
	min, max  *float64
	elem      *typ
	minItems  int
	maxItems  int // 0: none
}

type field struct {
	json     string
	goName   string
	doc      string
	required bool
	bit      int
	t        *typ
}

type objType struct {
	name   string
	doc    string
	fields []field
	extra  bool   // additional properties allowed (kept in Extra)
	action string // for message roots
	role   string // "Request", "Response" or "Send" for message roots
}

type enumType struct {
	name   string
	doc    string
	values []string
	consts []string
}

type model struct {
	objects []*objType
	enums   []*enumType
	actions []string // sorted
	sends   map[string]bool
}

func build(files []schemaFile) (*model, error) {
	m := &model{sends: map[string]bool{}}
	defs := map[string]*node{}
	for _, f := range files {
		for name, d := range f.root.Definitions {
			defs[name] = d // identical across files (checked by the caller's data)
		}
	}
	names := map[string]string{} // Go identifier -> origin, to catch collisions
	claim := func(id, origin string) error {
		if prev, ok := names[id]; ok && prev != origin {
			return fmt.Errorf("ocppgen: Go name %s used by %s and %s", id, prev, origin)
		}
		names[id] = origin
		return nil
	}
	defNames := make([]string, 0, len(defs))
	for n := range defs {
		defNames = append(defNames, n)
	}
	sort.Strings(defNames)
	for _, dn := range defNames {
		d := defs[dn]
		goN := goName(dn)
		if err := claim(goN, "definition "+dn); err != nil {
			return nil, err
		}
		switch {
		case len(d.Enum) > 0:
			if d.Type != "string" {
				return nil, fmt.Errorf("ocppgen: enum %s of type %s", dn, d.Type)
			}
			e := &enumType{name: goN, doc: d.Description, values: d.Enum}
			prefix := strings.TrimSuffix(strings.TrimSuffix(goN, "EnumType"), "Type")
			for _, v := range d.Enum {
				c := prefix + enumValueName(v)
				if err := claim(c, "enum value "+dn+"."+v); err != nil {
					return nil, err
				}
				e.consts = append(e.consts, c)
			}
			m.enums = append(m.enums, e)
		case d.Type == "object":
			o, err := buildObject(goN, d, defs)
			if err != nil {
				return nil, fmt.Errorf("ocppgen: definition %s: %w", dn, err)
			}
			m.objects = append(m.objects, o)
		default:
			return nil, fmt.Errorf("ocppgen: definition %s has type %q", dn, d.Type)
		}
	}
	for _, f := range files {
		goN := goName(f.name)
		if err := claim(goN, "schema "+f.name); err != nil {
			return nil, err
		}
		o, err := buildObject(goN, f.root, defs)
		if err != nil {
			return nil, fmt.Errorf("ocppgen: %s: %w", f.name, err)
		}
		switch {
		case strings.HasSuffix(f.name, "Request"):
			o.role, o.action = "Request", strings.TrimSuffix(f.name, "Request")
		case strings.HasSuffix(f.name, "Response"):
			o.role, o.action = "Response", strings.TrimSuffix(f.name, "Response")
		default:
			o.role, o.action = "Send", f.name
			m.sends[f.name] = true
		}
		if o.doc == "" {
			o.doc = fmt.Sprintf("%s is the payload of the %s %s.", goN, o.action, strings.ToLower(o.role))
		}
		m.objects = append(m.objects, o)
	}
	seen := map[string]bool{}
	for _, o := range m.objects {
		if o.action != "" && !seen[o.action] {
			seen[o.action] = true
			m.actions = append(m.actions, o.action)
		}
	}
	sort.Strings(m.actions)
	return m, nil
}

func buildObject(goN string, n *node, defs map[string]*node) (*objType, error) {
	o := &objType{name: goN, doc: n.Description}
	o.extra = n.AdditionalProperties == nil || *n.AdditionalProperties
	if len(n.props) > 64 {
		return nil, fmt.Errorf("%d properties, more than 64", len(n.props))
	}
	req := map[string]bool{}
	for _, r := range n.Required {
		req[r] = true
	}
	fieldNames := map[string]bool{}
	for i, p := range n.props {
		t, err := buildType(p.n, defs)
		if err != nil {
			return nil, fmt.Errorf("property %s: %w", p.name, err)
		}
		f := field{json: p.name, goName: goName(p.name), doc: p.n.Description, required: req[p.name], bit: i, t: t}
		if fieldNames[f.goName] || f.goName == "Extra" {
			return nil, fmt.Errorf("field name %s collides", f.goName)
		}
		fieldNames[f.goName] = true
		delete(req, p.name)
		o.fields = append(o.fields, f)
	}
	if len(req) > 0 {
		return nil, fmt.Errorf("required members without property: %v", req)
	}
	return o, nil
}

func buildType(n *node, defs map[string]*node) (*typ, error) {
	if n.Ref != "" {
		name := strings.TrimPrefix(n.Ref, "#/definitions/")
		d, ok := defs[name]
		if !ok {
			return nil, fmt.Errorf("unresolved $ref %s", n.Ref)
		}
		if len(d.Enum) > 0 {
			return &typ{kind: kEnum, ref: goName(name), schema: name}, nil
		}
		return &typ{kind: kObject, ref: goName(name)}, nil
	}
	if len(n.Enum) > 0 {
		return nil, fmt.Errorf("inline enum not supported")
	}
	t := &typ{min: n.Minimum, max: n.Maximum}
	if n.MaxLength != nil {
		t.maxLength = *n.MaxLength
	}
	switch n.Type {
	case "string":
		t.kind = kString
		switch n.Format {
		case "":
		case "date-time":
			t.kind = kTime
		default:
			return nil, fmt.Errorf("unsupported format %q", n.Format)
		}
	case "integer":
		t.kind = kInt
	case "number":
		t.kind = kNumber
	case "boolean":
		t.kind = kBool
	case "array":
		t.kind = kArray
		if n.Items == nil {
			return nil, fmt.Errorf("array without items")
		}
		elem, err := buildType(n.Items, defs)
		if err != nil {
			return nil, err
		}
		if elem.kind == kArray {
			return nil, fmt.Errorf("nested arrays not supported")
		}
		t.elem = elem
		if n.MinItems != nil {
			t.minItems = *n.MinItems
		}
		if n.MaxItems != nil {
			t.maxItems = *n.MaxItems
		}
	case "":
		if len(n.props) > 0 || n.Items != nil {
			return nil, fmt.Errorf("untyped schema with structure")
		}
		t.kind = kAny
	default:
		return nil, fmt.Errorf("unsupported type %q", n.Type)
	}
	if (t.min != nil || t.max != nil) && t.kind != kInt && t.kind != kNumber {
		return nil, fmt.Errorf("minimum/maximum on %s", n.Type)
	}
	if t.maxLength > 0 && t.kind != kString && t.kind != kTime {
		return nil, fmt.Errorf("maxLength on %s", n.Type)
	}
	return t, nil
}

// initialisms maps lower-case words to their Go spelling.
var initialisms = map[string]string{
	"id": "ID", "evse": "EVSE", "ev": "EV", "url": "URL", "uri": "URI", "ocsp": "OCSP",
	"csms": "CSMS", "ac": "AC", "dc": "DC", "ocpp": "OCPP", "tls": "TLS", "http": "HTTP",
	"vpn": "VPN", "apn": "APN", "der": "DER", "iso": "ISO", "soc": "SOC", "v2x": "V2X",
	"tx": "Tx", "qr": "QR", "pin": "PIN", "ip": "IP", "dso": "DSO", "ems": "EMS",
	"emaid": "EMAID", "exi": "EXI", "imsi": "IMSI", "iccid": "ICCID", "ssid": "SSID", "bpt": "BPT",
}

// splitWords splits a camelCase or PascalCase identifier into words; digits
// stay with the word before them.
func splitWords(s string) []string {
	r := []rune(s)
	var words []string
	start := 0
	for i := 1; i < len(r); i++ {
		prev, cur := r[i-1], r[i]
		boundary := false
		switch {
		case unicode.IsUpper(cur) && (unicode.IsLower(prev) || unicode.IsDigit(prev)):
			boundary = true
		case unicode.IsUpper(cur) && unicode.IsUpper(prev) && i+1 < len(r) && unicode.IsLower(r[i+1]):
			boundary = true
		}
		if boundary {
			words = append(words, string(r[start:i]))
			start = i
		}
	}
	return append(words, string(r[start:]))
}

// goName turns a schema name into an exported Go identifier with one case
// per initialism.
func goName(s string) string {
	var b strings.Builder
	for _, w := range splitWords(s) {
		lw := strings.ToLower(w)
		letters := strings.TrimRightFunc(lw, unicode.IsDigit)
		if rep, ok := initialisms[letters]; ok && (letters == lw || letters != "") {
			b.WriteString(rep + lw[len(letters):])
			continue
		}
		rs := []rune(w)
		rs[0] = unicode.ToUpper(rs[0])
		b.WriteString(string(rs))
	}
	return b.String()
}

// enumValueName turns an enumeration value into an identifier suffix.
func enumValueName(v string) string {
	var b strings.Builder
	for _, part := range strings.FieldsFunc(v, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		rs := []rune(part)
		rs[0] = unicode.ToUpper(rs[0])
		b.WriteString(string(rs))
	}
	if b.Len() == 0 {
		return "Empty"
	}
	return b.String()
}
