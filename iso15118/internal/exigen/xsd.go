package main

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

const xsNS = "http://www.w3.org/2001/XMLSchema"

// qname is an expanded XML name.
type qname struct{ NS, Local string }

func (q qname) String() string { return "{" + q.NS + "}" + q.Local }

func qless(a, b qname) bool {
	if a.Local != b.Local {
		return a.Local < b.Local
	}
	return a.NS < b.NS
}

// node is one element of an XSD file.
type node struct {
	name     xml.Name
	attrs    map[string]string
	children []*node
	ns       map[string]string // in-scope prefixes ("" = default namespace)
	file     *schemaFile
}

func (n *node) attr(k string) (string, bool) { v, ok := n.attrs[k]; return v, ok }

func (n *node) is(local string) bool { return n.name.Space == xsNS && n.name.Local == local }

// resolve turns a prefixed attribute value into a qname.
func (n *node) resolve(v string) qname {
	prefix, local, ok := strings.Cut(v, ":")
	if !ok {
		return qname{n.ns[""], v}
	}
	ns, found := n.ns[prefix]
	if !found {
		panic(fmt.Sprintf("%s: unknown prefix %q", n.file.path, prefix))
	}
	return qname{ns, local}
}

type schemaFile struct {
	path          string
	tns           string
	elemQualified bool
	attrQualified bool
	root          *node
}

// schemaSet is every file reachable from an entry XSD through imports and includes.
type schemaSet struct {
	files    []*schemaFile
	elements map[qname]*node
	ctypes   map[qname]*node
	stypes   map[qname]*node
	subst    map[qname][]qname // head -> direct members
}

func loadSet(entry string) (*schemaSet, error) {
	s := &schemaSet{
		elements: map[qname]*node{},
		ctypes:   map[qname]*node{},
		stypes:   map[qname]*node{},
		subst:    map[qname][]qname{},
	}
	seen := map[string]bool{}
	var load func(p string) error
	load = func(p string) error {
		p = filepath.Clean(p)
		if seen[p] {
			return nil
		}
		seen[p] = true
		f, err := parseFile(p)
		if err != nil {
			return err
		}
		s.files = append(s.files, f)
		for _, c := range f.root.children {
			if c.is("import") || c.is("include") {
				loc, ok := c.attr("schemaLocation")
				if !ok {
					continue
				}
				if err := load(filepath.Join(filepath.Dir(p), loc)); err != nil {
					return err
				}
			}
		}
		return nil
	}
	if err := load(entry); err != nil {
		return nil, err
	}
	for _, f := range s.files {
		for _, c := range f.root.children {
			name, ok := c.attr("name")
			if !ok {
				continue
			}
			q := qname{f.tns, name}
			switch {
			case c.is("element"):
				s.elements[q] = c
				if h, ok := c.attr("substitutionGroup"); ok {
					hq := c.resolve(h)
					s.subst[hq] = append(s.subst[hq], q)
				}
			case c.is("complexType"):
				s.ctypes[q] = c
			case c.is("simpleType"):
				s.stypes[q] = c
			}
		}
	}
	return s, nil
}

func parseFile(p string) (*schemaFile, error) {
	data, err := os.ReadFile(p)
	if err != nil {
		return nil, fmt.Errorf("exigen: %w", err)
	}
	f := &schemaFile{path: p}
	d := xml.NewDecoder(strings.NewReader(string(data)))
	d.Strict = true
	var stack []*node
	for {
		tok, err := d.Token()
		if err != nil {
			if errors.Is(err, io.EOF) {
				break
			}
			return nil, fmt.Errorf("exigen: parse %s: %w", p, err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			n := &node{name: t.Name, attrs: map[string]string{}, file: f, ns: map[string]string{}}
			if len(stack) > 0 {
				for k, v := range stack[len(stack)-1].ns {
					n.ns[k] = v
				}
			}
			for _, a := range t.Attr {
				switch {
				case a.Name.Space == "xmlns":
					n.ns[a.Name.Local] = a.Value
				case a.Name.Space == "" && a.Name.Local == "xmlns":
					n.ns[""] = a.Value
				case a.Name.Space == "":
					n.attrs[a.Name.Local] = a.Value
				}
			}
			if len(stack) > 0 {
				p := stack[len(stack)-1]
				p.children = append(p.children, n)
			} else {
				f.root = n
			}
			stack = append(stack, n)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		}
	}
	if f.root == nil || !f.root.is("schema") {
		return nil, fmt.Errorf("exigen: %s: not an XML schema", p)
	}
	f.tns = f.root.attrs["targetNamespace"]
	f.elemQualified = f.root.attrs["elementFormDefault"] == "qualified"
	f.attrQualified = f.root.attrs["attributeFormDefault"] == "qualified"
	return f, nil
}
