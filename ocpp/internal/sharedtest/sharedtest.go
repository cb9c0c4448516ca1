// Package sharedtest owns how tests of the ocpp packages find the shared
// data directory (the official OCPP JSON schemas): the PLUGSIM_SHARED
// environment variable, else "<module root>/../shared". Tests skip when it
// is absent, except under CI=true, where they fail.
package sharedtest

import (
	"os"
	"path/filepath"
	"testing"
)

// Dir returns the shared data directory or skips (fails under CI=true).
func Dir(t testing.TB) string {
	t.Helper()
	dir := os.Getenv("PLUGSIM_SHARED")
	if dir == "" {
		root, err := moduleRoot()
		if err != nil {
			t.Fatalf("sharedtest: %v", err)
		}
		dir = filepath.Join(root, "..", "shared")
	}
	if _, err := os.Stat(filepath.Join(dir, "ocpp")); err != nil {
		msg := "sharedtest: shared data not found at " + dir + " (set PLUGSIM_SHARED)"
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	return dir
}

// SchemaDir returns the directory of the schemas of version "ocpp201" or "ocpp21".
func SchemaDir(t testing.TB, version string) string {
	return filepath.Join(Dir(t), "ocpp", version)
}

func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", os.ErrNotExist
		}
		dir = parent
	}
}
