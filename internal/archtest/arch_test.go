package archtest

import (
	"bytes"
	"encoding/json"
	"os/exec"
	"strings"
	"testing"
)

const module = "github.com/plugsim/plugsim"

// pkg is the part of `go list -json` these tests read.
type pkg struct {
	ImportPath string
	Name       string
	Doc        string
	Deps       []string
	Imports    []string
	GoFiles    []string
}

func listPackages(t *testing.T) []pkg {
	t.Helper()
	out, err := exec.Command("go", "list", "-json", module+"/...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	var pkgs []pkg
	dec := json.NewDecoder(bytes.NewReader(out))
	for dec.More() {
		var p pkg
		if err := dec.Decode(&p); err != nil {
			t.Fatal(err)
		}
		pkgs = append(pkgs, p)
	}
	return pkgs
}

// rule forbids packages under prefix (the prefix itself included) to
// depend, directly or not, on any of forbidden.
type rule struct {
	prefix    string
	forbidden []string
	why       string
}

var rules = []rule{
	{"iso15118", []string{module + "/actors", module + "/scenarios", module + "/bridge", module + "/ocpp", "github.com/asynkron/protoactor-go", "github.com/nats-io/"}, "protocol packages are pure: no actors, transports or scenarios"},
	{"ocpp", []string{module + "/actors", module + "/scenarios", module + "/bridge", module + "/iso15118", "github.com/asynkron/protoactor-go", "github.com/nats-io/"}, "OCPP is sans-I/O"},
	{"pki", []string{module + "/actors", module + "/scenarios", module + "/bridge", module + "/ocpp", "github.com/asynkron/protoactor-go", "github.com/nats-io/"}, "the PKI is a library below the actors"},
	{"vehicles", []string{module + "/actors", module + "/iso15118", module + "/ocpp", module + "/pki", module + "/bridge", "github.com/nats-io/"}, "models never import protocols"},
	{"site", []string{module + "/actors", module + "/iso15118", module + "/ocpp", module + "/pki", module + "/bridge", "github.com/nats-io/"}, "models never import protocols"},
	{"grid", []string{module + "/actors", module + "/iso15118", module + "/ocpp", module + "/pki", module + "/bridge", "github.com/nats-io/"}, "models never import protocols"},
	{"proto", []string{module + "/actors", module + "/iso15118", module + "/ocpp", module + "/pki", module + "/bridge", module + "/scenarios"}, "proto imports protobuf only"},
	{"actors", []string{module + "/bridge", module + "/scenarios", module + "/internal/cli"}, "imports flow downward"},
	{"report", []string{module + "/actors", module + "/iso15118", module + "/ocpp", module + "/bridge", "github.com/nats-io/"}, "reports read models and records only"},
}

// TestImportRules checks ARCHITECTURE.md's table: imports flow downward.
func TestImportRules(t *testing.T) {
	for _, p := range listPackages(t) {
		rel := strings.TrimPrefix(strings.TrimPrefix(p.ImportPath, module), "/")
		for _, r := range rules {
			if rel != r.prefix && !strings.HasPrefix(rel, r.prefix+"/") {
				continue
			}
			for _, d := range p.Deps {
				for _, f := range r.forbidden {
					if d == f || strings.HasPrefix(d, strings.TrimSuffix(f, "/")+"/") || (strings.HasSuffix(f, "/") && strings.HasPrefix(d, f)) {
						t.Errorf("%s depends on %s: %s", p.ImportPath, d, r.why)
					}
				}
			}
		}
	}
}

// TestPackageDocs checks that every package with Go files says what it
// owns in a package comment.
func TestPackageDocs(t *testing.T) {
	for _, p := range listPackages(t) {
		if len(p.GoFiles) == 0 {
			continue
		}
		if strings.TrimSpace(p.Doc) == "" {
			t.Errorf("%s has no package comment", p.ImportPath)
		}
	}
}

// TestProtoactorStaysBehindRuntime: ARCHITECTURE.md wants protoactor
// wrapped by actors/runtime so that it could be patched or replaced; no
// other package imports it.
func TestProtoactorStaysBehindRuntime(t *testing.T) {
	for _, p := range listPackages(t) {
		if p.ImportPath == module+"/actors/runtime" {
			continue
		}
		for _, imp := range p.Imports {
			if strings.HasPrefix(imp, "github.com/asynkron/protoactor-go") {
				t.Errorf("%s imports %s: use actors/runtime's Actor and Context", p.ImportPath, imp)
			}
		}
	}
}
