package plugsimpb_test

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/plugsim/plugsim/internal/protogen"
)

// TestGeneratedUpToDate regenerates the Go code of this directory in memory
// and fails when the checked-in files differ: run `go generate ./proto`.
func TestGeneratedUpToDate(t *testing.T) {
	want, err := protogen.Generate(context.Background(), ".")
	if err != nil {
		t.Fatal(err)
	}
	got, err := protogen.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want) {
		t.Errorf("generated files: got %d, want %d (run go generate ./proto)", len(got), len(want))
	}
	for name, w := range want {
		if diff := cmp.Diff(string(w), string(got[name])); diff != "" {
			t.Errorf("%s is stale (run go generate ./proto); -want +got:\n%s", name, diff)
		}
	}
}
