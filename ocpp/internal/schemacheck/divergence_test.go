package schemacheck

import (
	"bufio"
	"bytes"
	"os"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// TestDivergences pins every entry of testdata/divergences.txt: the schema
// validator accepts the payload and we reject it. If either side changes,
// the file must be updated.
func TestDivergences(t *testing.T) {
	f, err := os.Open("testdata/divergences.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	n := 0
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		parts := strings.SplitN(line, " | ", 3)
		if len(parts) != 3 {
			t.Fatalf("bad line %q", line)
		}
		name, payload := parts[0], []byte(strings.ReplaceAll(parts[1], `\xff`, "\xff"))
		msg := "HeartbeatRequest"
		if strings.Contains(parts[1], "interval") {
			msg = "BootNotificationResponse"
		}
		n++
		for _, v := range versions {
			t.Run(v.dir+"/"+name, func(t *testing.T) {
				sch := compile(t, v.dir, msg)
				inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(payload))
				if err != nil {
					t.Fatalf("jsonschema cannot read %s: %v", payload, err)
				}
				if err := sch.Validate(inst); err != nil {
					t.Errorf("jsonschema now rejects %s (%v): remove it from divergences.txt", payload, err)
				}
				if _, err := ours(v, msg, payload); err == nil {
					t.Errorf("we now accept %s: remove it from divergences.txt", payload)
				}
			})
		}
	}
	if n == 0 {
		t.Fatal("no divergences read")
	}
}
