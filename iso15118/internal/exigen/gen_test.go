package main

import (
	"bytes"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/plugsim/plugsim/internal/sharedtest"
)

// pkgDirs maps each schema set to its package folder, relative to this one.
var pkgDirs = map[string]string{
	"xmldsig":      "../dsigtypes",
	"apphand":      "../../apphand",
	"din":          "../../din",
	"iso2":         "../../iso2",
	"iso20-types":  "../../iso20/internal/commontypes",
	"iso20-common": "../../iso20/common",
	"iso20-ac":     "../../iso20/ac",
	"iso20-dc":     "../../iso20/dc",
	"iso20-acdp":   "../../iso20/acdp",
	"iso20-wpt":    "../../iso20/wpt",
}

func schemaDir(t *testing.T) string {
	t.Helper()
	return sharedtest.Path(t, "iso15118", "schemas")
}

// TestGeneratedUpToDate regenerates every schema set into a temporary folder and fails when
// any checked-in generated file differs, is missing, or is no longer generated.
func TestGeneratedUpToDate(t *testing.T) {
	schemas := schemaDir(t)
	names := make([]string, 0, len(pkgDirs))
	for n := range pkgDirs {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			pkg := pkgDirs[name]
			if _, err := os.Stat(pkg); err != nil {
				t.Skipf("package %s not generated yet", pkg)
			}
			tmp := t.TempDir()
			if err := run(schemas, name, tmp); err != nil {
				t.Fatal(err)
			}
			ents, err := os.ReadDir(tmp)
			if err != nil {
				t.Fatal(err)
			}
			// A generated file the generator no longer writes is stale.
			have, err := filepath.Glob(filepath.Join(pkg, "*_gen*.go"))
			if err != nil {
				t.Fatal(err)
			}
			for _, h := range have {
				if _, err := os.Stat(filepath.Join(tmp, filepath.Base(h))); err != nil {
					t.Errorf("%s: not written by a fresh generation (stale generated file)", h)
				}
			}
			for _, e := range ents {
				want, err := os.ReadFile(filepath.Join(tmp, e.Name()))
				if err != nil {
					t.Fatal(err)
				}
				got, err := os.ReadFile(filepath.Join(pkg, e.Name()))
				if err != nil {
					t.Errorf("%s: %v (run go generate)", e.Name(), err)
					continue
				}
				if !bytes.Equal(got, want) {
					t.Errorf("%s/%s differs from a fresh generation (run go generate)", pkg, e.Name())
				}
			}
		})
	}
}

// TestDeterministic generates one set twice and compares.
func TestDeterministic(t *testing.T) {
	schemas := schemaDir(t)
	a, err := generate(schemas, "iso2")
	if err != nil {
		t.Fatal(err)
	}
	b, err := generate(schemas, "iso2")
	if err != nil {
		t.Fatal(err)
	}
	for name := range a {
		if !bytes.Equal(a[name], b[name]) {
			t.Errorf("%s: two generations differ", name)
		}
	}
}

func TestUnknownSet(t *testing.T) {
	if _, err := generate(".", "nope"); err == nil {
		t.Fatal(`generate(".", "nope") = nil error, want error`)
	}
}
