package cli

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var updatePKI = flag.Bool("update-pki", false, "rewrite the pki golden files")

func pkiGolden(t *testing.T, name, got string) {
	t.Helper()
	checkGolden(t, *updatePKI, "update-pki", name, got)
}

func TestPKIInitAndInspect(t *testing.T) {
	dir := t.TempDir()
	code, out, errs := runCLI(t, "pki", "init", "--dir", dir, "--profile", "iso2", "--emsps", "2", "--contracts", "2", "--stations", "2", "--seed", "golden", "--at", "2026-11-01T00:00:00Z")
	if code != ExitOK {
		t.Fatalf("pki init = %d, stderr %s", code, errs)
	}
	pkiGolden(t, "pki-init-stdout.golden", strings.ReplaceAll(out, dir, "DIR"))
	readme, err := os.ReadFile(filepath.Join(dir, "README.txt"))
	if err != nil {
		t.Fatal(err)
	}
	pkiGolden(t, "pki-init-readme.golden", string(readme))

	tests := []struct {
		name, file, at string
		wantCode       int
	}{
		{"contract", "emsp-M02/contracts/DEM02C00000002P.pem", "2026-11-02T00:00:00Z", ExitOK},
		{"secc-expired", "v2g-2/cpo/secc/DE-PSM-S-00000000000000000000000000000002.der", "2027-03-01T00:00:00Z", ExitFail},
		{"oem-provisioning", "oem/provisioning/PSMV0000000000003.pem", "2026-11-02T00:00:00Z", ExitOK},
		{"cpo-subca1", "v2g-1/cpo/subca1.pem", "2026-11-02T00:00:00Z", ExitOK},
		{"station", "ocpp/stations/CS0002.pem", "2026-11-02T00:00:00Z", ExitOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errs := runCLI(t, "pki", "inspect", "--at", tt.at, filepath.Join(dir, tt.file))
			if code != tt.wantCode {
				t.Errorf("pki inspect %s = %d, want %d; stderr %s", tt.file, code, tt.wantCode, errs)
			}
			pkiGolden(t, "pki-inspect-"+tt.name+".golden", strings.ReplaceAll(out, dir, "DIR"))
		})
	}
	// A leaf against a trust directory without its root.
	code, _, _ = runCLI(t, "pki", "inspect", "--at", "2026-11-02T00:00:00Z", "--trust", filepath.Join(dir, "oem"), filepath.Join(dir, "emsp-M01/contracts/DEM01C00000001N.pem"))
	if code != ExitFail {
		t.Errorf("inspect against the OEM directory = %d, want %d", code, ExitFail)
	}
}

// TestPKIInitFlags runs init with the flags exactly as issue 4 names them,
// for each profile, and checks the counts reach the files.
func TestPKIInitFlags(t *testing.T) {
	for _, profile := range []string{"iso2", "iso20", "iso20-ed448"} {
		t.Run(profile, func(t *testing.T) {
			dir := t.TempDir()
			code, out, errs := runCLI(t, "pki", "init", "--dir", dir, "--profile", profile, "--emsps", "3", "--contracts", "2", "--stations", "2", "--seed", "S")
			if code != ExitOK {
				t.Fatalf("pki init = %d, stderr %s", code, errs)
			}
			if !strings.HasPrefix(out, "seed=S ") || !strings.Contains(out, "profile="+profile+"\n") {
				t.Errorf("stdout %q does not print the seed and profile", out)
			}
			// 2 V2G roots × (2 SECC + 1 CPS) + 3 eMSPs × 2 contracts + 6 provisioning + CSMS + 2 stations.
			if !strings.Contains(out, "(21 leaf certificates)") {
				t.Errorf("stdout %q, want 21 leaf certificates", out)
			}
			for _, f := range []string{"README.txt", "emsp-M03/contracts/DEM03C00000002Q.pem", "oem/provisioning/PSMV0000000000006.der", "v2g-2/cpo/subca.pem", "ocpp/stations/CS0002.pem"} {
				if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
					t.Errorf("%s: %v", f, err)
				}
			}
		})
	}
}

func TestPKIUsage(t *testing.T) {
	tests := []struct {
		args []string
		want int
	}{
		{[]string{"pki"}, ExitUsage},
		{[]string{"pki", "--help"}, ExitOK},
		{[]string{"pki", "init", "--help"}, ExitOK},
		{[]string{"pki", "inspect", "--help"}, ExitOK},
		{[]string{"pki", "frobnicate"}, ExitUsage},
		{[]string{"pki", "init"}, ExitUsage},
		{[]string{"pki", "init", "--dir", "x", "--profile", "iso3"}, ExitUsage},
		{[]string{"pki", "init", "--dir", "x", "--at", "yesterday"}, ExitUsage},
		{[]string{"pki", "init", "--dir", "x", "--emsps", "0"}, ExitUsage},
		{[]string{"pki", "init", "--bogus"}, ExitUsage},
		{[]string{"pki", "inspect"}, ExitUsage},
		{[]string{"pki", "inspect", "/nonexistent/cert.pem"}, ExitFail},
	}
	for _, tt := range tests {
		if code, _, _ := runCLI(t, tt.args...); code != tt.want {
			t.Errorf("plugsim %s = %d, want %d", strings.Join(tt.args, " "), code, tt.want)
		}
	}
}
