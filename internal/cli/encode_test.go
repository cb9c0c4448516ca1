package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestEncodeGolden(t *testing.T) {
	in, err := os.ReadFile(filepath.Join("testdata", "encode_input.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	code, out, stderr := runCmd(t, []string{"encode"}, string(in))
	if code != ExitFail {
		t.Errorf("encode exit status %d, want %d (some lines fail); stderr %q", code, ExitFail, stderr)
	}
	golden(t, "encode_output.golden", out)

	// The same file given by name, with a fixed schema and V2GTP headers.
	code, out, _ = runCmd(t, []string{"encode", "--schema", "din", "--v2gtp", filepath.Join("testdata", "encode_input.jsonl")}, "")
	if code != ExitFail {
		t.Errorf("encode --schema din exit status %d, want %d", code, ExitFail)
	}
	golden(t, "encode_din_v2gtp.golden", out)
}

// TestDecodeEncodeRoundTrip feeds the decode golden's successful lines
// back to encode: every payload must come back (without its V2GTP header).
func TestDecodeEncodeRoundTrip(t *testing.T) {
	in, err := os.ReadFile(filepath.Join("testdata", "decode_input.txt"))
	if err != nil {
		t.Fatal(err)
	}
	_, decoded, _ := runCmd(t, []string{"decode"}, string(in))
	var ok, wantHex []string
	inputs := strings.Split(string(in), "\n")
	var frames []string
	for _, l := range inputs {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
			frames = append(frames, l)
		}
	}
	for i, l := range strings.Split(strings.TrimSuffix(decoded, "\n"), "\n") {
		if strings.HasPrefix(l, `{"error"`) {
			continue
		}
		ok = append(ok, l)
		f := frames[i]
		if strings.HasPrefix(f, "01fe") {
			f = f[16:]
		}
		wantHex = append(wantHex, f)
	}
	code, out, stderr := runCmd(t, []string{"encode", "-"}, strings.Join(ok, "\n"))
	if code != ExitOK {
		t.Fatalf("encode exit status %d, stderr %q, stdout %q", code, stderr, out)
	}
	if got, want := out, strings.Join(wantHex, "\n")+"\n"; got != want {
		t.Errorf("encode(decode(x)) =\n%s\nwant\n%s", got, want)
	}
}

func TestEncodeArgs(t *testing.T) {
	tests := []struct {
		name     string
		args     []string
		wantCode int
		wantErr  string
	}{
		{"unknown schema", []string{"encode", "--schema", "iso3"}, ExitUsage, `unknown schema "iso3"`},
		{"two files", []string{"encode", "a", "b"}, ExitUsage, "at most one FILE"},
		{"missing file", []string{"encode", filepath.Join("testdata", "no-such-file")}, ExitUsage, "no such file"},
		{"unknown flag", []string{"encode", "--bogus"}, ExitUsage, "unknown flag: --bogus"},
		{"help", []string{"encode", "--help"}, ExitOK, "Usage: plugsim encode"}, // on stdout
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runCmd(t, tt.args, "")
			if tt.wantCode == ExitOK {
				stderr = stdout // --help prints on stdout
			}
			if code != tt.wantCode || !strings.Contains(stderr, tt.wantErr) {
				t.Errorf("Run(%q) = %d, stderr %q; want %d, stderr with %q", tt.args, code, stderr, tt.wantCode, tt.wantErr)
			}
		})
	}
}
