package ocpp_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestImports checks the layer rule of ARCHITECTURE.md: ocpp and its
// message packages import the standard library and ocpp's own packages only.
func TestImports(t *testing.T) {
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("go command not found")
	}
	out, err := exec.Command(goBin, "list", "-deps", "-f", "{{if not .Standard}}{{.ImportPath}}{{end}}",
		"github.com/plugsim/plugsim/ocpp", "github.com/plugsim/plugsim/ocpp/v201", "github.com/plugsim/plugsim/ocpp/v21").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	for _, p := range strings.Fields(string(out)) {
		if p != "github.com/plugsim/plugsim/ocpp" && !strings.HasPrefix(p, "github.com/plugsim/plugsim/ocpp/") {
			t.Errorf("ocpp packages depend on %s", p)
		}
	}
}
