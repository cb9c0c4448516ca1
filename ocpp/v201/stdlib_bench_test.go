package v201_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/plugsim/plugsim/ocpp/internal/codectest"
)

// stdTransactionEvent mirrors the members of the TransactionEventRequest
// test vector as plain structs, so that encoding/json's reflection-based
// codec can be measured on the same payload (it checks no schema
// constraint).
type stdTransactionEvent struct {
	EventType       string    `json:"eventType"`
	Timestamp       time.Time `json:"timestamp"`
	TriggerReason   string    `json:"triggerReason"`
	SeqNo           int       `json:"seqNo"`
	Offline         *bool     `json:"offline,omitempty"`
	TransactionInfo struct {
		TransactionID     string  `json:"transactionId"`
		ChargingState     *string `json:"chargingState,omitempty"`
		TimeSpentCharging *int    `json:"timeSpentCharging,omitempty"`
	} `json:"transactionInfo"`
	EVSE *struct {
		ID          int  `json:"id"`
		ConnectorID *int `json:"connectorId,omitempty"`
	} `json:"evse,omitempty"`
	IDToken *struct {
		IDToken string `json:"idToken"`
		Type    string `json:"type"`
	} `json:"idToken,omitempty"`
	MeterValue []struct {
		Timestamp    time.Time `json:"timestamp"`
		SampledValue []struct {
			Value         float64 `json:"value"`
			Context       *string `json:"context,omitempty"`
			Measurand     *string `json:"measurand,omitempty"`
			Phase         *string `json:"phase,omitempty"`
			Location      *string `json:"location,omitempty"`
			UnitOfMeasure *struct {
				Unit       *string `json:"unit,omitempty"`
				Multiplier *int    `json:"multiplier,omitempty"`
			} `json:"unitOfMeasure,omitempty"`
		} `json:"sampledValue"`
	} `json:"meterValue,omitempty"`
}

// BenchmarkStdlibTyped is the reference for BenchmarkDecode and
// BenchmarkEncode: encoding/json on equivalent plain structs.
func BenchmarkStdlibTyped(b *testing.B) {
	data := codectest.Vectors(b)["TransactionEventRequest"]
	b.Run("Decode/TransactionEventRequest", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var m stdTransactionEvent
			if err := json.Unmarshal(data, &m); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("Encode/TransactionEventRequest", func(b *testing.B) {
		var m stdTransactionEvent
		if err := json.Unmarshal(data, &m); err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		for b.Loop() {
			if _, err := json.Marshal(&m); err != nil {
				b.Fatal(err)
			}
		}
	})
}
