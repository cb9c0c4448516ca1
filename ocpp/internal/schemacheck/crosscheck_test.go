package schemacheck

import (
	"bytes"
	"encoding/json"
	"flag"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/plugsim/plugsim/internal/sharedtest"
	"github.com/plugsim/plugsim/ocpp"
	"github.com/plugsim/plugsim/ocpp/v201"
	"github.com/plugsim/plugsim/ocpp/v21"
)

var (
	seed    = flag.Uint64("crosscheck.seed", 20261124, "seed of the random messages")
	perFile = flag.Int("crosscheck.n", 40, "valid messages (and as many mutations) per schema file")
)

type version struct {
	dir         string
	newRequest  func(string) ocpp.Message
	newResponse func(string) ocpp.Message
}

var versions = []version{
	{"ocpp201", v201.NewRequest, v201.NewResponse},
	{"ocpp21", v21.NewRequest, v21.NewResponse},
}

// ours decodes and validates data as the message of a schema file name.
func ours(v version, name string, data []byte) (ocpp.Message, error) {
	var m ocpp.Message
	switch {
	case strings.HasSuffix(name, "Request"):
		m = v.newRequest(strings.TrimSuffix(name, "Request"))
	case strings.HasSuffix(name, "Response"):
		m = v.newResponse(strings.TrimSuffix(name, "Response"))
	default:
		m = v.newRequest(name)
	}
	if m == nil {
		panic("no message type for " + name)
	}
	if err := m.UnmarshalJSON(data); err != nil {
		return m, err
	}
	return m, m.Validate()
}

// TestCrossCheck draws random valid messages and random mutations of them
// for every schema file and requires our decoder+validator and the
// JSON-Schema validator to agree on valid/invalid. Valid messages are also
// re-encoded by our encoder and must stay valid for the schema validator.
func TestCrossCheck(t *testing.T) {
	t.Logf("seed %d (-crosscheck.seed)", *seed)
	for _, v := range versions {
		t.Run(v.dir, func(t *testing.T) {
			dir := sharedtest.Path(t, "ocpp", v.dir)
			paths, _ := filepath.Glob(filepath.Join(dir, "*.json"))
			sort.Strings(paths)
			if len(paths) < 100 {
				t.Fatalf("only %d schemas in %s", len(paths), dir)
			}
			var valid, invalid, disagree int
			for fi, p := range paths {
				name := strings.TrimSuffix(filepath.Base(p), ".json")
				raw, err := os.ReadFile(p)
				if err != nil {
					t.Fatal(err)
				}
				raw = bytes.TrimPrefix(raw, []byte("\xef\xbb\xbf"))
				doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
				if err != nil {
					t.Fatal(err)
				}
				c := jsonschema.NewCompiler()
				url := "file:///" + name + ".json"
				if err := c.AddResource(url, doc); err != nil {
					t.Fatal(err)
				}
				sch, err := c.Compile(url)
				if err != nil {
					t.Fatalf("compile %s: %v", name, err)
				}
				var root schema
				d := json.NewDecoder(bytes.NewReader(raw))
				d.UseNumber()
				if err := d.Decode(&root); err != nil {
					t.Fatal(err)
				}
				g := &instGen{r: rand.New(rand.NewPCG(*seed, uint64(fi))), root: root}
				check := func(data []byte, wantValid bool) {
					inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
					if err != nil {
						t.Fatalf("%s: test generated bad JSON %s: %v", name, data, err)
					}
					schemaErr := sch.Validate(inst)
					m, ourErr := ours(v, name, data)
					if (schemaErr == nil) != (ourErr == nil) {
						disagree++
						if disagree <= 10 {
							t.Errorf("%s: disagree on %s\n  jsonschema: %v\n  ours: %v", name, data, schemaErr, ourErr)
						}
						return
					}
					if schemaErr == nil {
						valid++
						// Our encoding of a valid message must be valid too.
						out := m.AppendJSON(nil)
						inst2, err := jsonschema.UnmarshalJSON(bytes.NewReader(out))
						if err != nil {
							t.Fatalf("%s: our encoding is not JSON: %s", name, out)
						}
						if err := sch.Validate(inst2); err != nil {
							t.Errorf("%s: our re-encoding %s of %s is invalid: %v", name, out, data, err)
						}
						if _, err := ours(v, name, out); err != nil {
							t.Errorf("%s: our re-encoding %s does not decode: %v", name, out, err)
						}
					} else {
						invalid++
						if e, ok := ourErr.(*ocpp.Error); !ok || !e.Code.IsSchemaViolation() {
							t.Errorf("%s: our error %v is not a schema-violation *ocpp.Error", name, ourErr)
						}
					}
					if wantValid && schemaErr != nil {
						t.Fatalf("%s: generator made an invalid message %s: %v", name, data, schemaErr)
					}
				}
				for range *perFile {
					inst := g.valid(root, 0)
					data, err := json.Marshal(inst)
					if err != nil {
						t.Fatal(err)
					}
					check(data, true)
					bad, err := json.Marshal(g.mutate(inst, root))
					if err != nil {
						t.Fatal(err)
					}
					check(bad, false)
				}
			}
			t.Logf("%d schemas: %d valid, %d invalid messages, %d disagreements", len(paths), valid, invalid, disagree)
			if invalid < valid/2 {
				t.Errorf("only %d invalid messages for %d valid: mutations too weak", invalid, valid)
			}
		})
	}
}
