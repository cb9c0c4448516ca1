// Package codectest owns the codec tests that every generated message
// package (ocpp/v201, ocpp/v21) runs against its own functions: the
// hand-written vectors in the package's testdata/, truncation, duplicate
// members, the fuzz targets and the codec benchmarks. A package's test file
// fills a [Version] and calls its methods from its Test, Fuzz and Benchmark
// functions, so the names, fuzz corpora and -run patterns stay per package.
package codectest

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/plugsim/plugsim/ocpp"
)

// Version is the generated API of one message package.
type Version struct {
	// NewRequest and NewResponse return an empty message of an action, or
	// nil when the action has none.
	NewRequest, NewResponse func(action string) ocpp.Message
	// Actions lists the version's actions.
	Actions []string
}

// benchMessages are the vectors the benchmarks run on.
var benchMessages = []string{"TransactionEventRequest", "MeterValuesRequest"}

// Vectors returns the hand-written payloads in the calling package's
// testdata/, named <Message>.json, by message name.
func Vectors(t testing.TB) map[string][]byte {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join("testdata", "*.json"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("codectest: no test vectors: %v", err)
	}
	out := map[string][]byte{}
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		out[strings.TrimSuffix(filepath.Base(p), ".json")] = b
	}
	return out
}

// NewMessage returns an empty message named like a vector
// ("TransactionEventRequest").
func (v Version) NewMessage(name string) ocpp.Message {
	if a, ok := strings.CutSuffix(name, "Request"); ok {
		return v.NewRequest(a)
	}
	return v.NewResponse(strings.TrimSuffix(name, "Response"))
}

func generic(t testing.TB, b []byte) any {
	t.Helper()
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("json.Unmarshal(%s): %v", b, err)
	}
	return v
}

// TestVectors decodes each hand-written vector, validates it, re-encodes it
// and requires the same JSON value back.
func (v Version) TestVectors(t *testing.T) {
	for name, data := range Vectors(t) {
		t.Run(name, func(t *testing.T) {
			m := v.NewMessage(name)
			if err := m.UnmarshalJSON(data); err != nil {
				t.Fatalf("UnmarshalJSON: %v", err)
			}
			if err := m.Validate(); err != nil {
				t.Fatalf("Validate: %v", err)
			}
			out := m.AppendJSON(nil)
			if diff := cmp.Diff(generic(t, data), generic(t, out)); diff != "" {
				t.Errorf("re-encoding differs (-vector +ours):\n%s", diff)
			}
		})
	}
}

// TestDuplicateMembers requires a payload with a member given twice, at
// the top or inside customData, to be a FormatViolation.
func (v Version) TestDuplicateMembers(t *testing.T) {
	for _, payload := range []string{
		`{"currentTime":"2026-01-01T00:00:00Z","currentTime":"2026-01-01T00:00:00Z"}`,
		`{"currentTime":"2026-01-01T00:00:00Z","customData":{"vendorId":"v","x":1,"x":2}}`,
	} {
		err := v.NewResponse("Heartbeat").UnmarshalJSON([]byte(payload))
		var e *ocpp.Error
		if !errors.As(err, &e) || e.Code != ocpp.FormatViolation {
			t.Errorf("UnmarshalJSON(%s) = %v, want FormatViolation", payload, err)
		}
	}
}

// TestTruncatedPayloads cuts the test vectors at every byte: each prefix
// fails to decode with a FormatViolation that wraps io.ErrUnexpectedEOF.
func (v Version) TestTruncatedPayloads(t *testing.T) {
	for name, data := range Vectors(t) {
		data = bytes.TrimSpace(data)
		t.Run(name, func(t *testing.T) {
			for n := range len(data) {
				err := v.NewMessage(name).UnmarshalJSON(data[:n])
				var e *ocpp.Error
				if !errors.As(err, &e) || e.Code != ocpp.FormatViolation || !errors.Is(err, io.ErrUnexpectedEOF) {
					t.Fatalf("UnmarshalJSON(%s) = %v, want a FormatViolation wrapping io.ErrUnexpectedEOF", data[:n], err)
				}
			}
		})
	}
}

// FuzzRoundTrip fuzzes the message name returns (seeded with the vectors):
// what decodes and validates must re-decode, re-validate and re-encode to
// the same bytes.
func (v Version) FuzzRoundTrip(f *testing.F, name string) {
	for _, data := range Vectors(f) {
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		m := v.NewMessage(name)
		if m.UnmarshalJSON(data) != nil || m.Validate() != nil {
			return
		}
		out := m.AppendJSON(nil)
		m2 := v.NewMessage(name)
		if err := m2.UnmarshalJSON(out); err != nil {
			t.Fatalf("re-decode of %s: %v", out, err)
		}
		if err := m2.Validate(); err != nil {
			t.Fatalf("re-validate of %s: %v", out, err)
		}
		if out2 := m2.AppendJSON(nil); string(out2) != string(out) {
			t.Fatalf("re-encode differs:\n%s\n%s", out, out2)
		}
	})
}

// FuzzAnyMessage feeds arbitrary payloads to the decoder and validator of
// every message: they must not panic, and what they accept must survive a
// re-encode unchanged.
func (v Version) FuzzAnyMessage(f *testing.F) {
	f.Add(uint16(0), []byte(`{}`))
	f.Add(uint16(3), []byte(`{"customData":{"vendorId":"x","y":[1]}}`))
	for _, data := range Vectors(f) {
		f.Add(uint16(7), data)
	}
	f.Fuzz(func(t *testing.T, which uint16, data []byte) {
		action := v.Actions[int(which/2)%len(v.Actions)]
		m := v.NewRequest(action)
		if which%2 == 1 {
			if r := v.NewResponse(action); r != nil {
				m = r
			}
		}
		if m.UnmarshalJSON(data) != nil || m.Validate() != nil {
			return
		}
		out := m.AppendJSON(nil)
		if err := m.UnmarshalJSON(out); err != nil {
			t.Fatalf("%s: re-decode of %s: %v", action, out, err)
		}
		if out2 := m.AppendJSON(nil); string(out2) != string(out) {
			t.Fatalf("%s: re-encode differs:\n%s\n%s", action, out, out2)
		}
	})
}

// BenchmarkDecode measures UnmarshalJSON of the benchmark vectors.
func (v Version) BenchmarkDecode(b *testing.B) {
	vs := Vectors(b)
	for _, name := range benchMessages {
		b.Run(name, func(b *testing.B) {
			data := vs[name]
			m := v.NewMessage(name)
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for b.Loop() {
				if err := m.UnmarshalJSON(data); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkValidate measures Validate of the decoded benchmark vectors.
func (v Version) BenchmarkValidate(b *testing.B) {
	vs := Vectors(b)
	for _, name := range benchMessages {
		b.Run(name, func(b *testing.B) {
			m := v.NewMessage(name)
			if err := m.UnmarshalJSON(vs[name]); err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				if err := m.Validate(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkEncode measures AppendJSON of the decoded benchmark vectors.
func (v Version) BenchmarkEncode(b *testing.B) {
	vs := Vectors(b)
	for _, name := range benchMessages {
		b.Run(name, func(b *testing.B) {
			m := v.NewMessage(name)
			if err := m.UnmarshalJSON(vs[name]); err != nil {
				b.Fatal(err)
			}
			buf := make([]byte, 0, 4096)
			b.ReportAllocs()
			for b.Loop() {
				buf = m.AppendJSON(buf[:0])
			}
			b.SetBytes(int64(len(buf)))
		})
	}
}

// BenchmarkStdlibUnmarshalAny is a reference point: encoding/json decoding
// the benchmark vectors into a generic tree (no types, no validation).
func BenchmarkStdlibUnmarshalAny(b *testing.B) {
	vs := Vectors(b)
	for _, name := range benchMessages {
		b.Run(name, func(b *testing.B) {
			data := vs[name]
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for b.Loop() {
				var v any
				if err := json.Unmarshal(data, &v); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
