// Package sharedtest owns how tests find the shared data directory (the
// XSDs, vectors, OCPP schemas and data beside the repository): the
// PLUGSIM_SHARED environment variable, else "<module root>/../shared".
// Tests that need it skip with a message when it is absent, except under
// CI=true, where they fail.
package sharedtest

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// Env is the environment variable that names the shared data directory.
const Env = "PLUGSIM_SHARED"

// Root returns the shared data directory: getenv(Env) when set, else
// "<module root>/../shared", the module root being the nearest directory at
// or above wd that holds go.mod. It does not check that the directory
// exists.
func Root(getenv func(string) string, wd string) (string, error) {
	if d := getenv(Env); d != "" {
		return d, nil
	}
	for d := wd; ; {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return filepath.Join(d, "..", "shared"), nil
		}
		parent := filepath.Dir(d)
		if parent == d {
			return "", fmt.Errorf("sharedtest: no go.mod at or above %s", wd)
		}
		d = parent
	}
}

// Path returns the shared path elem (joined under the shared directory),
// or skips the test when it is absent (fails it under CI=true).
func Path(tb testing.TB, elem ...string) string {
	tb.Helper()
	wd, err := os.Getwd()
	if err != nil {
		tb.Fatal(err)
	}
	root, err := Root(os.Getenv, wd)
	p := filepath.Join(append([]string{root}, elem...)...)
	if err == nil {
		_, err = os.Stat(p)
	}
	if err != nil {
		msg := fmt.Sprintf("shared data not found: %v (set %s)", err, Env)
		if os.Getenv("CI") == "true" {
			tb.Fatal(msg)
		}
		tb.Skip(msg)
	}
	return p
}
