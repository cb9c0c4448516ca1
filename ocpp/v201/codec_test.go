package v201_test

import (
	"testing"

	"github.com/plugsim/plugsim/ocpp/internal/codectest"
	"github.com/plugsim/plugsim/ocpp/v201"
)

// The shared codec tests are wired in codec_gen_test.go.

// TestTransactionEventFields checks that the vector's values land in the
// typed fields.
func TestTransactionEventFields(t *testing.T) {
	var m v201.TransactionEventRequest
	if err := m.UnmarshalJSON(codectest.Vectors(t)["TransactionEventRequest"]); err != nil {
		t.Fatal(err)
	}
	sv := m.MeterValue[0].SampledValue
	if m.EventType != v201.TransactionEventUpdated || m.SeqNo != 17 || m.EVSE.ID != 1 || *m.EVSE.ConnectorID != 1 ||
		len(sv) != 5 || sv[0].Value != 18234.5 || *sv[0].Measurand != v201.MeasurandEnergyActiveImportRegister ||
		*sv[4].Location != v201.LocationEV || m.Timestamp.Nanosecond() != 589000000 {
		t.Errorf("decoded TransactionEventRequest = %+v", m)
	}
}
