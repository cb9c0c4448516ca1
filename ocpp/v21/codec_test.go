package v21_test

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
	"github.com/plugsim/plugsim/ocpp/v21"
)

// vectors are hand-written payloads in testdata/, named <Message>.json.
func vectors(t testing.TB) map[string][]byte {
	paths, err := filepath.Glob(filepath.Join("testdata", "*.json"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no test vectors: %v", err)
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

func newMessage(name string) ocpp.Message {
	if a, ok := strings.CutSuffix(name, "Request"); ok {
		return v21.NewRequest(a)
	}
	return v21.NewResponse(strings.TrimSuffix(name, "Response"))
}

func generic(t testing.TB, b []byte) any {
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("json.Unmarshal(%s): %v", b, err)
	}
	return v
}

// TestVectors decodes each hand-written vector, validates it, re-encodes it
// and requires the same JSON value back.
func TestVectors(t *testing.T) {
	for name, data := range vectors(t) {
		t.Run(name, func(t *testing.T) {
			m := newMessage(name)
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

func TestTransactionEventFields(t *testing.T) {
	var m v21.TransactionEventRequest
	if err := m.UnmarshalJSON(vectors(t)["TransactionEventRequest"]); err != nil {
		t.Fatal(err)
	}
	sv := m.MeterValue[0].SampledValue
	if m.EventType != v21.TransactionEventUpdated || m.SeqNo != 17 || m.EVSE.ID != 1 || *m.EVSE.ConnectorID != 1 ||
		len(sv) != 5 || sv[0].Value != 18234.5 || *sv[0].Measurand != v21.MeasurandEnergyActiveImportRegister ||
		*sv[4].Location != v21.LocationEV || m.Timestamp.Nanosecond() != 589000000 {
		t.Errorf("decoded TransactionEventRequest = %+v", m)
	}
}

func FuzzTransactionEvent(f *testing.F) {
	for _, v := range vectors(f) {
		f.Add(v)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var m v21.TransactionEventRequest
		if m.UnmarshalJSON(data) != nil || m.Validate() != nil {
			return
		}
		out := m.AppendJSON(nil)
		var m2 v21.TransactionEventRequest
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

func benchMessages(b *testing.B) []string {
	return []string{"TransactionEventRequest", "MeterValuesRequest"}
}

func BenchmarkDecode(b *testing.B) {
	vs := vectors(b)
	for _, name := range benchMessages(b) {
		b.Run(name, func(b *testing.B) {
			data := vs[name]
			m := newMessage(name)
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

func BenchmarkValidate(b *testing.B) {
	vs := vectors(b)
	for _, name := range benchMessages(b) {
		b.Run(name, func(b *testing.B) {
			m := newMessage(name)
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

func BenchmarkEncode(b *testing.B) {
	vs := vectors(b)
	for _, name := range benchMessages(b) {
		b.Run(name, func(b *testing.B) {
			m := newMessage(name)
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
// the same payload into a generic tree (no types, no validation).
func BenchmarkStdlibUnmarshalAny(b *testing.B) {
	vs := vectors(b)
	for _, name := range benchMessages(b) {
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

// FuzzAnyMessage feeds arbitrary payloads to the decoder and validator of
// every message: they must not panic, and what they accept must survive a
// re-encode unchanged.
func FuzzAnyMessage(f *testing.F) {
	f.Add(uint16(0), []byte(`{}`))
	f.Add(uint16(3), []byte(`{"customData":{"vendorId":"x","y":[1]}}`))
	for _, v := range vectors(f) {
		f.Add(uint16(7), v)
	}
	actions := v21.Actions()
	f.Fuzz(func(t *testing.T, which uint16, data []byte) {
		action := actions[int(which/2)%len(actions)]
		m := v21.NewRequest(action)
		if which%2 == 1 {
			if r := v21.NewResponse(action); r != nil {
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

// TestTruncatedPayloads cuts the test vectors at every byte: each prefix
// fails to decode with a FormatViolation that wraps io.ErrUnexpectedEOF.
func TestTruncatedPayloads(t *testing.T) {
	for name, data := range vectors(t) {
		data = bytes.TrimSpace(data)
		t.Run(name, func(t *testing.T) {
			for n := range len(data) {
				err := newMessage(name).UnmarshalJSON(data[:n])
				var e *ocpp.Error
				if !errors.As(err, &e) || e.Code != ocpp.FormatViolation || !errors.Is(err, io.ErrUnexpectedEOF) {
					t.Fatalf("UnmarshalJSON(%s) = %v, want a FormatViolation wrapping io.ErrUnexpectedEOF", data[:n], err)
				}
			}
		})
	}
}
