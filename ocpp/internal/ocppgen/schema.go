package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// node is one JSON Schema (draft-06) node, restricted to the keywords the
// OCPP schemas use. The generator fails on any other keyword.
type node struct {
	Type                 string           `json:"type"`
	Ref                  string           `json:"$ref"`
	Description          string           `json:"description"`
	Properties           json.RawMessage  `json:"properties"`
	Required             []string         `json:"required"`
	AdditionalProperties *bool            `json:"additionalProperties"`
	AdditionalItems      *bool            `json:"additionalItems"`
	Enum                 []string         `json:"enum"`
	MaxLength            *int             `json:"maxLength"`
	Minimum              *float64         `json:"minimum"`
	Maximum              *float64         `json:"maximum"`
	Items                *node            `json:"items"`
	MinItems             *int             `json:"minItems"`
	MaxItems             *int             `json:"maxItems"`
	Format               string           `json:"format"`
	Definitions          map[string]*node `json:"definitions"`
	Default              any              `json:"default"`
	JavaType             string           `json:"javaType"`
	Schema               string           `json:"$schema"`
	ID                   string           `json:"$id"`
	Comment              string           `json:"comment"`
	// props is Properties in document order.
	props []namedNode
}

type namedNode struct {
	name string
	n    *node
}

var knownKeywords = map[string]bool{
	"type": true, "$ref": true, "description": true, "properties": true, "required": true,
	"additionalProperties": true, "additionalItems": true, "enum": true, "maxLength": true,
	"minimum": true, "maximum": true, "items": true, "minItems": true, "maxItems": true,
	"format": true, "definitions": true, "default": true, "javaType": true, "$schema": true,
	"$id": true, "comment": true,
}

// parseNode decodes raw strictly and keeps property order.
func parseNode(raw []byte, where string) (*node, error) {
	var keys map[string]json.RawMessage
	if err := json.Unmarshal(raw, &keys); err != nil {
		return nil, fmt.Errorf("ocppgen: %s: %w", where, err)
	}
	for k := range keys {
		if !knownKeywords[k] {
			return nil, fmt.Errorf("ocppgen: %s: unsupported keyword %q", where, k)
		}
	}
	var n node
	if err := json.Unmarshal(raw, &n); err != nil {
		return nil, fmt.Errorf("ocppgen: %s: %w", where, err)
	}
	if raw, ok := keys["items"]; ok {
		it, err := parseNode(raw, where+"/items")
		if err != nil {
			return nil, err
		}
		n.Items = it
	}
	if raw, ok := keys["definitions"]; ok {
		var defs map[string]json.RawMessage
		if err := json.Unmarshal(raw, &defs); err != nil {
			return nil, err
		}
		n.Definitions = make(map[string]*node)
		for name, r := range defs {
			d, err := parseNode(r, where+"/definitions/"+name)
			if err != nil {
				return nil, err
			}
			n.Definitions[name] = d
		}
	}
	if len(n.Properties) > 0 {
		names, err := orderedKeys(n.Properties)
		if err != nil {
			return nil, fmt.Errorf("ocppgen: %s: %w", where, err)
		}
		var props map[string]json.RawMessage
		if err := json.Unmarshal(n.Properties, &props); err != nil {
			return nil, err
		}
		for _, name := range names {
			p, err := parseNode(props[name], where+"/properties/"+name)
			if err != nil {
				return nil, err
			}
			n.props = append(n.props, namedNode{name, p})
		}
	}
	return &n, nil
}

func orderedKeys(raw json.RawMessage) ([]string, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	if _, err := dec.Token(); err != nil {
		return nil, err
	}
	var keys []string
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, err
		}
		keys = append(keys, tok.(string))
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			return nil, err
		}
	}
	return keys, nil
}

// schemaFile is one message schema.
type schemaFile struct {
	name string // file base name, e.g. BootNotificationRequest
	root *node
}

func loadDir(dir string) ([]schemaFile, error) {
	paths, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		return nil, err
	}
	if len(paths) == 0 {
		return nil, fmt.Errorf("ocppgen: no *.json schemas in %s", dir)
	}
	sort.Strings(paths)
	var files []schemaFile
	for _, p := range paths {
		raw, err := os.ReadFile(p)
		if err != nil {
			return nil, err
		}
		raw = bytes.TrimPrefix(raw, []byte("\xef\xbb\xbf"))
		base := strings.TrimSuffix(filepath.Base(p), ".json")
		n, err := parseNode(raw, base)
		if err != nil {
			return nil, err
		}
		files = append(files, schemaFile{name: base, root: n})
	}
	return files, nil
}
