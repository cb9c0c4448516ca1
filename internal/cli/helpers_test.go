package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// runCmd runs plugsim with args and stdin and returns what it wrote.
func runCmd(t *testing.T, args []string, stdin string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = Run(context.Background(), args, strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

// runCLI runs plugsim with args and an empty stdin.
func runCLI(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	return runCmd(t, args, "")
}

// checkGolden compares got with testdata/name, or rewrites the file when
// update is set (by the -<flagName> flag).
func checkGolden(t *testing.T, update bool, flagName, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -%s to create it)", err, flagName)
	}
	if got != string(want) {
		t.Errorf("output differs from %s (run with -%s after review):\ngot:\n%s\nwant:\n%s", path, flagName, got, want)
	}
}
