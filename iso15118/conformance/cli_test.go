package conformance

import (
	"bufio"
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"strings"
	"testing"

	"github.com/plugsim/plugsim/internal/cli"
	"github.com/plugsim/plugsim/iso15118/internal/vectors"
)

// TestCLIRoundTrip runs every EXI vector through "plugsim decode" (the
// V2GTP frame line when there is one, else the bare payload, always with
// --schema auto) and the result back through "plugsim encode": the
// heuristic of decode must name the vector's schema and message, and encode
// must give the payload back.
func TestCLIRoundTrip(t *testing.T) {
	_, vs := vectors.ForTest(t)
	var in strings.Builder
	var sel []*vectors.Vector
	for i := range vs {
		v := &vs[i]
		if v.Verdict != vectors.VerdictOK || strings.Contains(v.Schema, "frag") || v.Schema == "sdp" {
			continue
		}
		if v.ID() == "pyPLC_openv2g_decoded/1202_ContractAuthenticationReq" {
			continue // trailing byte, see testdata/known_divergences.tsv
		}
		b := v.Frame
		if b == nil {
			b = v.Payload
		}
		in.WriteString(hex.EncodeToString(b) + "\n")
		sel = append(sel, v)
	}
	var out, errb bytes.Buffer
	if code := cli.Run(context.Background(), []string{"decode"}, strings.NewReader(in.String()), &out, &errb); code != cli.ExitOK {
		t.Errorf("decode exit status %d, stderr %q", code, errb.String())
	}
	decodedLines := out.String()
	sc := bufio.NewScanner(strings.NewReader(decodedLines))
	sc.Buffer(nil, 1<<20)
	i := 0
	for ; sc.Scan(); i++ {
		if i >= len(sel) {
			t.Fatalf("decode printed more than %d lines", len(sel))
		}
		var r struct {
			Schema, Message, Error string
			ReencodeEqual          bool `json:"reencode_equal"`
		}
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("line %d: %v", i+1, err)
		}
		v := sel[i]
		if r.Schema != v.Schema || r.Message != v.Message || !r.ReencodeEqual {
			t.Errorf("%s: decode --schema auto gave %s %s (reencode_equal %v, error %q), want %s %s", v.ID(), r.Schema, r.Message, r.ReencodeEqual, r.Error, v.Schema, v.Message)
		}
	}
	if i != len(sel) {
		t.Fatalf("decode printed %d lines, want %d", i, len(sel))
	}
	out.Reset()
	if code := cli.Run(context.Background(), []string{"encode"}, strings.NewReader(decodedLines), &out, &errb); code != cli.ExitOK {
		t.Errorf("encode exit status %d, stderr %q", code, errb.String())
	}
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if len(lines) != len(sel) {
		t.Fatalf("encode printed %d lines, want %d", len(lines), len(sel))
	}
	for i, l := range lines {
		if want := hex.EncodeToString(sel[i].Payload); l != want {
			t.Errorf("%s: encode gave %s, want %s", sel[i].ID(), l, want)
		}
	}
	t.Logf("%d frames decoded with --schema auto and encoded back", len(sel))
}
