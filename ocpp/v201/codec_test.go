package v201_test

import (
	"testing"

	"github.com/plugsim/plugsim/ocpp/internal/codectest"
	"github.com/plugsim/plugsim/ocpp/v201"
)

// version is this package's generated API, for the shared codec tests.
var version = codectest.Version{NewRequest: v201.NewRequest, NewResponse: v201.NewResponse, Actions: v201.Actions()}

func vectors(t testing.TB) map[string][]byte { return codectest.Vectors(t) }

func TestVectors(t *testing.T)                 { version.TestVectors(t) }
func TestDuplicateMembers(t *testing.T)        { version.TestDuplicateMembers(t) }
func TestTruncatedPayloads(t *testing.T)       { version.TestTruncatedPayloads(t) }
func FuzzTransactionEvent(f *testing.F)        { version.FuzzRoundTrip(f, "TransactionEventRequest") }
func FuzzAnyMessage(f *testing.F)              { version.FuzzAnyMessage(f) }
func BenchmarkDecode(b *testing.B)             { version.BenchmarkDecode(b) }
func BenchmarkValidate(b *testing.B)           { version.BenchmarkValidate(b) }
func BenchmarkEncode(b *testing.B)             { version.BenchmarkEncode(b) }
func BenchmarkStdlibUnmarshalAny(b *testing.B) { codectest.BenchmarkStdlibUnmarshalAny(b) }

// TestTransactionEventFields checks that the vector's values land in the
// typed fields.
func TestTransactionEventFields(t *testing.T) {
	var m v201.TransactionEventRequest
	if err := m.UnmarshalJSON(vectors(t)["TransactionEventRequest"]); err != nil {
		t.Fatal(err)
	}
	sv := m.MeterValue[0].SampledValue
	if m.EventType != v201.TransactionEventUpdated || m.SeqNo != 17 || m.EVSE.ID != 1 || *m.EVSE.ConnectorID != 1 ||
		len(sv) != 5 || sv[0].Value != 18234.5 || *sv[0].Measurand != v201.MeasurandEnergyActiveImportRegister ||
		*sv[4].Location != v201.LocationEV || m.Timestamp.Nanosecond() != 589000000 {
		t.Errorf("decoded TransactionEventRequest = %+v", m)
	}
}
