package cli

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The golden files of the decode and encode commands are rewritten with
// go test ./internal/cli -run 'Decode|Encode' -update-decode (a flag name of
// its own: other commands of this package keep their own goldens).
var updateDecode = flag.Bool("update-decode", false, "rewrite the decode/encode golden files")

// golden compares got with testdata/name, or rewrites it with -update-decode.
func golden(t *testing.T, name, got string) {
	t.Helper()
	checkGolden(t, *updateDecode, "update-decode", name, got)
}

func TestDecodeGolden(t *testing.T) {
	in, err := os.ReadFile(filepath.Join("testdata", "decode_input.txt"))
	if err != nil {
		t.Fatal(err)
	}
	code, out, stderr := runCmd(t, []string{"decode"}, string(in))
	if code != ExitFail {
		t.Errorf("decode exit status %d, want %d (some frames fail); stderr %q", code, ExitFail, stderr)
	}
	golden(t, "decode_output.golden", out)
}

func TestDecodeArgs(t *testing.T) {
	tests := []struct {
		name     string
		args     []string
		wantCode int
		wantOut  string // substring of stdout
		wantErr  string // substring of stderr
	}{
		{"hex argument", []string{"decode", "809a004011d018038131a0007400"}, ExitOK, `"schema":"din","message":"SessionSetupReq"`, ""},
		{"explicit schema", []string{"decode", "--schema", "iso20-ac", "8008041e9869d6a61dc1ef895b9b4a8062832418640096"}, ExitOK, `"message":"AC_ChargeLoopReq"`, ""},
		{"schema refuses", []string{"decode", "--schema", "iso2", "809a004011d018038131a0007400"}, ExitFail, `"bit":`, ""},
		{"header and schema disagree", []string{"decode", "--schema", "iso2", "01fe800400000016803004667603d3222062a30e8e69bfcf7c6900320010"}, ExitFail, "does not carry schema iso2", ""},
		{"sdp schema", []string{"decode", "--schema", "sdp", "1000"}, ExitOK, `"SECCDiscoveryReq":{"Security":"none","Transport":"TCP"}`, ""},
		{"sdp response payload", []string{"decode", "--schema", "sdp", "fe80000000000000664d70fffe0103bfd74e1000"}, ExitOK, `"Port":55118`, ""},
		{"two arguments", []string{"decode", "1000", "zz"}, ExitFail, `"error":"decode: bad hex`, ""},
		{"unknown schema", []string{"decode", "--schema", "iso3"}, ExitUsage, "", `unknown schema "iso3"`},
		{"bad flag", []string{"decode", "--nope"}, ExitUsage, "", "unknown flag"},
		{"help", []string{"decode", "--help"}, ExitOK, "Usage: plugsim decode", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, stderr := runCmd(t, tt.args, "")
			if code != tt.wantCode || !strings.Contains(out, tt.wantOut) || !strings.Contains(stderr, tt.wantErr) {
				t.Errorf("Run(%q) = %d, stdout %q, stderr %q; want %d, stdout with %q, stderr with %q", tt.args, code, out, stderr, tt.wantCode, tt.wantOut, tt.wantErr)
			}
		})
	}
}
