package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/plugsim/plugsim/internal/sharedtest"
)

// TestGeneratedUpToDate regenerates both packages into a temporary
// directory and fails on any difference with the checked-in files.
func TestGeneratedUpToDate(t *testing.T) {
	for _, tt := range []struct{ pkg, version, schemas string }{
		{"v201", "OCPP 2.0.1", "ocpp201"},
		{"v21", "OCPP 2.1", "ocpp21"},
	} {
		t.Run(tt.pkg, func(t *testing.T) {
			tmp := t.TempDir()
			if code := run([]string{"-pkg", tt.pkg, "-version", tt.version, "-out", tmp, sharedtest.Path(t, "ocpp", tt.schemas)}); code != 0 {
				t.Fatalf("ocppgen exit code %d", code)
			}
			gen, _ := filepath.Glob(filepath.Join(tmp, "*_gen*.go"))
			have, _ := filepath.Glob(filepath.Join("..", "..", tt.pkg, "*_gen*.go"))
			if len(gen) != len(have) {
				t.Fatalf("generated %d files, repository has %d", len(gen), len(have))
			}
			for _, g := range gen {
				want, err := os.ReadFile(g)
				if err != nil {
					t.Fatal(err)
				}
				got, err := os.ReadFile(filepath.Join("..", "..", tt.pkg, filepath.Base(g)))
				if err != nil {
					t.Fatal(err)
				}
				if string(got) != string(want) {
					t.Errorf("%s/%s differs from the generator's output: run go generate ./ocpp/...", tt.pkg, filepath.Base(g))
				}
			}
		})
	}
}

func TestGoName(t *testing.T) {
	tests := map[string]string{
		"evseId":                       "EVSEID",
		"IdTokenType":                  "IDTokenType",
		"iso15118SchemaVersion":        "ISO15118SchemaVersion",
		"Get15118EVCertificateRequest": "Get15118EVCertificateRequest",
		"OCSPRequestDataType":          "OCSPRequestDataType",
		"chargingStation":              "ChargingStation",
		"stateOfCharge":                "StateOfCharge",
		"v2xChargingParameters":        "V2XChargingParameters",
	}
	for in, want := range tests {
		if got := goName(in); got != want {
			t.Errorf("goName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestEnumValueName(t *testing.T) {
	tests := map[string]string{
		"Energy.Active.Import.Register": "EnergyActiveImportRegister",
		"L1-N":                          "L1N",
		"eMAID":                         "EMAID",
		"AC_single_phase":               "ACSinglePhase",
		"s309-1P-16A":                   "S3091P16A",
	}
	for in, want := range tests {
		if got := enumValueName(in); got != want {
			t.Errorf("enumValueName(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestDeterministic generates twice and requires identical output.
func TestDeterministic(t *testing.T) {
	dir := sharedtest.Path(t, "ocpp", "ocpp21")
	a, err := generate(dir, "v21", "OCPP 2.1")
	if err != nil {
		t.Fatal(err)
	}
	b, err := generate(dir, "v21", "OCPP 2.1")
	if err != nil {
		t.Fatal(err)
	}
	for name := range a {
		if string(a[name]) != string(b[name]) {
			t.Errorf("%s differs between two runs", name)
		}
	}
}

func TestRunUsage(t *testing.T) {
	if code := run([]string{"-pkg", "x"}); code != 2 {
		t.Errorf("run without schema dir = %d, want 2", code)
	}
	if code := run([]string{"-pkg", "x", "-version", "y", t.TempDir()}); code != 1 {
		t.Errorf("run on an empty dir = %d, want 1", code)
	}
}
