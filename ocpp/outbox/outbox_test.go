package outbox

import (
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

var t0 = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// txEvent is a minimal TransactionEvent payload for tests.
type txEvent struct {
	EventType string `json:"eventType"`
	SeqNo     int    `json:"seqNo"`
	Offline   bool   `json:"offline,omitempty"`
	TxID      string `json:"transactionId"`
}

func tx(id, eventType string) Message {
	return Message{
		Action: ActionTransactionEvent, TransactionID: id, Ends: eventType == "Ended",
		Encode: func(seqNo int, offline bool) ([]byte, error) {
			return json.Marshal(txEvent{EventType: eventType, SeqNo: seqNo, Offline: offline, TxID: id})
		},
	}
}

func meter(n int) Message {
	return Message{Action: ActionMeterValues, Encode: func(int, bool) ([]byte, error) {
		return fmt.Appendf(nil, `{"evseId":1,"n":%d}`, n), nil
	}}
}

func mustEnqueue(t *testing.T, o *Outbox, m Message) Item {
	t.Helper()
	it, err := o.Enqueue(m)
	if err != nil {
		t.Fatalf("Enqueue: %v", err)
	}
	return it
}

// drain sends everything deliverable at now, acknowledging each item.
func drain(o *Outbox, now time.Time) []Item {
	var out []Item
	for {
		it, ok, _ := o.Next(now)
		if !ok {
			return out
		}
		out = append(out, it)
		o.Acked(it.MessageID)
	}
}

func TestSeqNoAndOffline(t *testing.T) {
	o := New(Options{})
	o.Connected(t0)
	mustEnqueue(t, o, tx("A", "Started"))
	online := drain(o, t0)
	o.Disconnected()
	mustEnqueue(t, o, tx("A", "Updated"))
	mustEnqueue(t, o, meter(1))
	mustEnqueue(t, o, tx("A", "Ended"))
	mustEnqueue(t, o, tx("A", "Started")) // a new transaction reusing the id starts at 0
	if _, ok, _ := o.Next(t0); ok {
		t.Fatal("Next handed out an item while offline")
	}
	o.Connected(t0)
	offline := drain(o, t0)
	type row struct {
		Action string
		SeqNo  int
		Offln  bool
	}
	var got []row
	for _, it := range append(online, offline...) {
		got = append(got, row{it.Action, it.SeqNo, it.Offline})
		if it.Action == ActionTransactionEvent {
			var ev txEvent
			if err := json.Unmarshal(it.Payload, &ev); err != nil {
				t.Fatal(err)
			}
			if ev.SeqNo != it.SeqNo || ev.Offline != it.Offline {
				t.Errorf("payload %s disagrees with item seqNo %d offline %v", it.Payload, it.SeqNo, it.Offline)
			}
		}
	}
	want := []row{
		{ActionTransactionEvent, 0, false},
		{ActionTransactionEvent, 1, true},
		{ActionMeterValues, -1, true},
		{ActionTransactionEvent, 2, true},
		{ActionTransactionEvent, 0, true},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Fatalf("delivered (-want +got):\n%s", d)
	}
	if o.Len() != 0 {
		t.Fatalf("Len = %d after draining", o.Len())
	}
}

func TestOneInFlightAndRetransmission(t *testing.T) {
	o := New(Options{RetryInterval: time.Second})
	o.Connected(t0)
	mustEnqueue(t, o, tx("A", "Started"))
	mustEnqueue(t, o, tx("A", "Updated"))
	first, ok, _ := o.Next(t0)
	if !ok {
		t.Fatal("Next: nothing")
	}
	if _, ok, _ := o.Next(t0); ok {
		t.Fatal("second item handed out while the first is in flight")
	}
	if _, dropped := o.Failed(t0, first.MessageID); dropped {
		t.Fatal("dropped with unlimited attempts")
	}
	if _, ok, wake := o.Next(t0); ok || !wake.Equal(t0.Add(time.Second)) {
		t.Fatalf("Next right after a failure = %v, wake %v; want a wait until %v", ok, wake, t0.Add(time.Second))
	}
	again, ok, _ := o.Next(t0.Add(time.Second))
	if !ok {
		t.Fatal("no retransmission after the retry interval")
	}
	if again.MessageID != first.MessageID || string(again.Payload) != string(first.Payload) {
		t.Fatalf("retransmission %s %s differs from %s %s", again.MessageID, again.Payload, first.MessageID, first.Payload)
	}
	// A connection lost while in flight: the same item comes back first.
	o.Disconnected()
	if !o.Requeue(again.MessageID) {
		t.Fatal("Requeue refused the item in flight")
	}
	o.Connected(t0.Add(2 * time.Second))
	third, ok, _ := o.Next(t0.Add(2 * time.Second))
	if !ok || third.MessageID != first.MessageID {
		t.Fatalf("after reconnect got %v %q, want the same item %q", ok, third.MessageID, first.MessageID)
	}
	if third.Attempts != 1 {
		t.Fatalf("Attempts = %d, want 1 (a lost connection is not an attempt)", third.Attempts)
	}
	if o.Acked("not-this-one") {
		t.Fatal("Acked accepted an unknown id")
	}
	if !o.Acked(third.MessageID) {
		t.Fatal("Acked refused the item in flight")
	}
}

func TestMaxAttempts(t *testing.T) {
	o := New(Options{MaxAttempts: 2, RetryInterval: time.Millisecond})
	o.Connected(t0)
	mustEnqueue(t, o, meter(1))
	mustEnqueue(t, o, meter(2))
	now := t0
	for attempt := 1; attempt <= 2; attempt++ {
		it, ok, wake := o.Next(now)
		if !ok {
			now = wake
			it, _, _ = o.Next(now)
		}
		d, dropped := o.Failed(now, it.MessageID)
		if dropped != (attempt == 2) {
			t.Fatalf("attempt %d: dropped = %v", attempt, dropped)
		}
		if dropped && string(d.Payload) != `{"evseId":1,"n":1}` {
			t.Fatalf("dropped %s, want the first item", d.Payload)
		}
	}
	it, ok, _ := o.Next(now)
	if !ok || string(it.Payload) != `{"evseId":1,"n":2}` {
		t.Fatalf("after the drop Next = %v %s, want the second item", ok, it.Payload)
	}
}

func TestThrottle(t *testing.T) {
	o := New(Options{Rate: 2, Burst: 2})
	for i := range 6 {
		mustEnqueue(t, o, meter(i))
	}
	o.Connected(t0)
	// Two go at once (the burst), then one every 500 ms.
	var sentAt []time.Duration
	now := t0
	for o.Len() > 0 {
		it, ok, wake := o.Next(now)
		if !ok {
			if wake.IsZero() {
				t.Fatal("stalled with items queued")
			}
			now = wake
			continue
		}
		sentAt = append(sentAt, now.Sub(t0))
		o.Acked(it.MessageID)
	}
	want := []time.Duration{0, 0, 500 * time.Millisecond, time.Second, 1500 * time.Millisecond, 2 * time.Second}
	if d := cmp.Diff(want, sentAt); d != "" {
		t.Fatalf("send times (-want +got):\n%s", d)
	}
}

func TestEnqueueErrors(t *testing.T) {
	o := New(Options{MaxItems: 1})
	mustEnqueue(t, o, meter(0))
	tests := []struct {
		name string
		msg  Message
		want error
	}{
		{"full", meter(1), ErrFull},
	}
	for _, tt := range tests {
		if _, err := o.Enqueue(tt.msg); !errors.Is(err, tt.want) {
			t.Errorf("%s: Enqueue = %v, want %v", tt.name, err, tt.want)
		}
	}
	o2 := New(Options{})
	bad := []struct {
		name string
		msg  Message
	}{
		{"heartbeat is not queued", Message{Action: "Heartbeat", Encode: func(int, bool) ([]byte, error) { return []byte("{}"), nil }}},
		{"transaction event without id", Message{Action: ActionTransactionEvent, Encode: func(int, bool) ([]byte, error) { return []byte("{}"), nil }}},
		{"encoder fails", Message{Action: ActionMeterValues, Encode: func(int, bool) ([]byte, error) { return nil, errors.New("boom") }}},
	}
	for _, tt := range bad {
		if _, err := o2.Enqueue(tt.msg); err == nil {
			t.Errorf("%s: Enqueue succeeded", tt.name)
		}
	}
	if o2.Len() != 0 {
		t.Fatalf("failed enqueues left %d items", o2.Len())
	}
}

func TestMessageIDs(t *testing.T) {
	a, b := New(Options{Seed: 3}), New(Options{Seed: 3})
	seen := map[string]bool{}
	for i := range 1000 {
		x, y := mustEnqueue(t, a, meter(i)), mustEnqueue(t, b, meter(i))
		if x.MessageID != y.MessageID {
			t.Fatalf("same seed, ids %q and %q", x.MessageID, y.MessageID)
		}
		if len(x.MessageID) != 36 || seen[x.MessageID] {
			t.Fatalf("id %q: length %d or repeated", x.MessageID, len(x.MessageID))
		}
		seen[x.MessageID] = true
	}
}

// TestExactlyOnceUnderFaults drives a station outbox and a CSMS ledger
// through seeded random faults: connection losses, lost requests, lost
// responses (the CSMS processed the call but the station never heard) and
// CALLERRORs. Every enqueued message must be counted by the CSMS exactly
// once, in order.
func TestExactlyOnceUnderFaults(t *testing.T) {
	for seed := uint64(1); seed <= 20; seed++ {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			r := rand.New(rand.NewPCG(seed, 0))
			o := New(Options{Rate: 5, Burst: 3, RetryInterval: 100 * time.Millisecond, Seed: seed})
			ledger := NewLedger(0)
			var want, counted []string
			now := t0
			o.Connected(now)
			txn := 0
			for step := 0; step < 400 || o.Len() > 0; step++ {
				now = now.Add(time.Duration(r.IntN(300)) * time.Millisecond)
				if step < 400 {
					switch r.IntN(6) {
					case 0:
						if o.Online() {
							o.Disconnected()
						} else {
							o.Connected(now)
						}
					case 1, 2:
						id := fmt.Sprintf("T%d", txn)
						kinds := []string{"Started", "Updated", "Ended"}
						k := kinds[r.IntN(3)]
						if k == "Ended" {
							txn++
						}
						it := mustEnqueue(t, o, tx(id, k))
						want = append(want, fmt.Sprintf("%s/%d", id, it.SeqNo))
					case 3:
						it := mustEnqueue(t, o, meter(step))
						want = append(want, it.MessageID)
					}
				} else if !o.Online() {
					o.Connected(now)
				}
				it, ok, _ := o.Next(now)
				if !ok {
					continue
				}
				switch r.IntN(8) {
				case 0: // request lost on the way
					o.Failed(now, it.MessageID)
					continue
				case 1: // CSMS answers CALLERROR without processing
					o.Failed(now, it.MessageID)
					continue
				}
				// The CSMS processes the call.
				if it.Action == ActionTransactionEvent {
					if ledger.TransactionEvent("CS1", it.TransactionID, it.SeqNo) {
						counted = append(counted, fmt.Sprintf("%s/%d", it.TransactionID, it.SeqNo))
					}
				} else if ledger.MeterValues("CS1", it.Payload) {
					counted = append(counted, it.MessageID)
				}
				switch r.IntN(6) {
				case 0: // response lost: timeout
					o.Failed(now, it.MessageID)
				case 1: // connection dropped before the response
					o.Disconnected()
					o.Requeue(it.MessageID)
				default:
					o.Acked(it.MessageID)
				}
			}
			if d := cmp.Diff(want, counted); d != "" {
				t.Fatalf("seed %d: counted by the CSMS (-want +got):\n%s", seed, d)
			}
		})
	}
}

func TestLedgerEviction(t *testing.T) {
	l := NewLedger(2)
	steps := []struct {
		tx   string
		seq  int
		want bool
	}{
		{"A", 0, true}, {"A", 0, false}, {"A", 1, true}, {"A", 2, true}, // A/0 evicted now
		{"A", 2, false}, {"A", 0, true},
	}
	for i, s := range steps {
		if got := l.TransactionEvent("CS1", s.tx, s.seq); got != s.want {
			t.Fatalf("step %d: TransactionEvent(%s, %d) = %v, want %v", i, s.tx, s.seq, got, s.want)
		}
	}
	m1, m2 := []byte(`{"evseId":1}`), []byte(`{"evseId":2}`)
	if !l.MeterValues("CS1", m1) || l.MeterValues("CS1", m1) || !l.MeterValues("CS2", m1) || !l.MeterValues("CS1", m2) {
		t.Fatal("MeterValues keys by station and payload")
	}
}
