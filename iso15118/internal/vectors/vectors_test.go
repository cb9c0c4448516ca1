package vectors

import (
	"bytes"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func TestParseHex(t *testing.T) {
	tests := []struct {
		name           string
		in             string
		payload, frame string
		wantErr        bool
	}{
		{"payload only", "8000\n", "8000", "", false},
		{"with frame", "1000\n# v2gtp frame: 01fe9000000000021000\n", "1000", "01fe9000000000021000", false},
		{"no newline", "80", "80", "", false},
		{"bad hex", "8g\n", "", "", true},
		{"bad second line", "80\nxx\n", "", "", true},
		{"three lines", "80\n# v2gtp frame: 00\n00\n", "", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, f, err := parseHex([]byte(tt.in))
			if (err != nil) != tt.wantErr {
				t.Fatalf("parseHex(%q) error = %v, want error %v", tt.in, err, tt.wantErr)
			}
			if hex.EncodeToString(p) != tt.payload || hex.EncodeToString(f) != tt.frame {
				t.Errorf("parseHex(%q) = %x, %x, want %s, %s", tt.in, p, f, tt.payload, tt.frame)
			}
		})
	}
}

func TestLocate(t *testing.T) {
	tmp := t.TempDir()
	repo := filepath.Join(tmp, "repo")
	vec := filepath.Join(tmp, "shared", "iso15118", "vectors")
	for _, d := range []string{filepath.Join(repo, "a", "b"), vec} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for _, f := range []string{filepath.Join(repo, "go.mod"), filepath.Join(vec, "INDEX.tsv")} {
		if err := os.WriteFile(f, nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	noEnv := func(string) string { return "" }
	got, err := Locate(noEnv, filepath.Join(repo, "a", "b"))
	if err != nil || got != vec {
		t.Errorf("Locate(no env) = %q, %v, want %q", got, err, vec)
	}
	env := func(k string) string {
		if k == EnvShared {
			return filepath.Join(tmp, "elsewhere")
		}
		return ""
	}
	if _, err := Locate(env, repo); !errors.Is(err, ErrNoShared) {
		t.Errorf("Locate(env to missing dir) error = %v, want ErrNoShared", err)
	}
	if _, err := Locate(noEnv, tmp); !errors.Is(err, ErrNoShared) {
		t.Errorf("Locate(outside module) error = %v, want ErrNoShared", err)
	}
}

// TestSharedVectors checks the published vectors against themselves: the
// index, the .hex lines and the sidecars must agree.
func TestSharedVectors(t *testing.T) {
	_, vs := ForTest(t)
	if len(vs) != 2020 {
		t.Errorf("Load: %d vectors, want 2020", len(vs))
	}
	frames := 0
	for _, v := range vs {
		if len(v.Payload) != v.Size {
			t.Errorf("%s: payload %d bytes, index says %d", v.File, len(v.Payload), v.Size)
		}
		if v.Meta.EXIHex != hex.EncodeToString(v.Payload) {
			t.Errorf("%s: sidecar exi_hex differs from the .hex payload", v.File)
		}
		if v.Frame == nil && v.Meta.V2GTPHex != "" {
			t.Errorf("%s: sidecar has v2gtp_hex but the .hex file has no frame line", v.File)
		}
		if v.Frame != nil {
			frames++
			if v.Meta.V2GTPHex != hex.EncodeToString(v.Frame) {
				t.Errorf("%s: sidecar v2gtp_hex differs from the .hex frame line", v.File)
			}
			if !bytes.HasSuffix(v.Frame, v.Payload) {
				t.Errorf("%s: frame does not end with the payload", v.File)
			}
		}
		switch v.Verdict {
		case VerdictOK, VerdictFail, VerdictSDP:
		default:
			t.Errorf("%s: verdict %q", v.File, v.Verdict)
		}
	}
	t.Logf("%d vectors, %d with a V2GTP frame line", len(vs), frames)
}
