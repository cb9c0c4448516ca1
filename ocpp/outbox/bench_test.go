package outbox

import "testing"

// BenchmarkCycle is one item through the outbox: Enqueue, Next, Acked.
func BenchmarkCycle(b *testing.B) {
	o := New(Options{})
	o.Connected(t0)
	payload := []byte(`{"eventType":"Updated","seqNo":1,"transactionInfo":{"transactionId":"tx"}}`)
	msg := Message{Action: ActionTransactionEvent, TransactionID: "tx", Encode: func(int, bool) ([]byte, error) { return payload, nil }}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := o.Enqueue(msg); err != nil {
			b.Fatal(err)
		}
		it, ok, _ := o.Next(t0)
		if !ok || !o.Acked(it.MessageID) {
			b.Fatal("not delivered")
		}
	}
}

// BenchmarkLedger is the CSMS-side check of one TransactionEvent and one
// MeterValues, with the ledger full (evicting).
func BenchmarkLedger(b *testing.B) {
	l := NewLedger(10_000)
	mv := []byte(`{"evseId":1,"meterValue":[{"timestamp":"2026-01-01T00:00:00Z","sampledValue":[{"value":1234.5}]}]}`)
	b.ReportAllocs()
	seq := 0
	for b.Loop() {
		seq++
		l.TransactionEvent("CS0001", "tx-1", seq)
		mv[len(mv)-5] = byte('0' + seq%10)
		l.MeterValues("CS0001", mv)
	}
}
