package ocppws

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/plugsim/plugsim/ocpp"
	"github.com/plugsim/plugsim/ocpp/outbox"
)

// csmsRecord is what the test CSMS saw of one TransactionEvent or
// MeterValues.
type csmsRecord struct {
	Action  string
	SeqNo   int
	Offline bool
	Note    string
}

// testCSMS counts transaction messages once each, by the outbox ledger,
// and can drop the response of one chosen message to force a
// retransmission.
type testCSMS struct {
	mu        sync.Mutex
	ledger    *outbox.Ledger
	counted   []csmsRecord // guarded by mu
	received  int          // every reception, duplicates included; guarded by mu
	up        bool         // the "network" admits connections; guarded by mu
	dropSeqNo int          // abort the connection instead of answering this seqNo once; -1 none
	countedCh chan struct{}
	srv       *Server
	peers     map[string]*Peer
	router    *ocpp.Router
}

type txPayload struct {
	EventType       string `json:"eventType"`
	SeqNo           int    `json:"seqNo"`
	Offline         bool   `json:"offline,omitempty"`
	TransactionInfo struct {
		TransactionID string `json:"transactionId"`
	} `json:"transactionInfo"`
}

func newTestCSMS(t *testing.T) *testCSMS {
	c := &testCSMS{ledger: outbox.NewLedger(0), up: true, dropSeqNo: -1, countedCh: make(chan struct{}, 100), peers: map[string]*Peer{}}
	c.router = ocpp.NewRouter(ocpp.RouterOptions{Side: ocpp.CSMSSide, Unrestricted: true})
	c.router.HandleFunc("TransactionEvent", func(ctx context.Context, s *ocpp.Session, payload json.RawMessage) (json.RawMessage, error) {
		var ev txPayload
		if err := json.Unmarshal(payload, &ev); err != nil {
			return nil, &ocpp.Error{Code: ocpp.FormatViolation, Description: err.Error()}
		}
		c.mu.Lock()
		c.received++
		isNew := c.ledger.TransactionEvent("CS1", ev.TransactionInfo.TransactionID, ev.SeqNo)
		if isNew {
			c.counted = append(c.counted, csmsRecord{"TransactionEvent", ev.SeqNo, ev.Offline, ev.EventType})
		}
		drop := ev.SeqNo == c.dropSeqNo
		if drop {
			c.dropSeqNo = -1
		}
		c.mu.Unlock()
		if isNew {
			c.countedCh <- struct{}{}
		}
		if drop {
			// Processed, but the answer never leaves: the station must
			// send it again, and we must not count it twice.
			c.srv.Conn("CS1").Abort()
		}
		return json.RawMessage(`{}`), nil
	})
	c.router.HandleFunc("MeterValues", func(ctx context.Context, s *ocpp.Session, payload json.RawMessage) (json.RawMessage, error) {
		var mv struct {
			Note string `json:"note"`
		}
		json.Unmarshal(payload, &mv)
		c.mu.Lock()
		c.received++
		isNew := c.ledger.MeterValues("CS1", payload)
		if isNew {
			c.counted = append(c.counted, csmsRecord{"MeterValues", -1, false, ""})
		}
		c.mu.Unlock()
		if isNew {
			c.countedCh <- struct{}{}
		}
		return json.RawMessage(`{}`), nil
	})
	srv, err := NewServer(ServerOptions{
		Profile: Profile1,
		Authenticate: func(id, pw string) bool {
			c.mu.Lock()
			defer c.mu.Unlock()
			return c.up && pw == "station-password-1"
		},
		Session: func(ctx context.Context, conn *Conn) error {
			c.mu.Lock()
			p := c.peers[conn.StationID()]
			if p == nil {
				p = NewPeer(PeerOptions{Router: c.router})
				c.peers[conn.StationID()] = p
			}
			c.mu.Unlock()
			return p.Serve(ctx, conn)
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	c.srv = srv
	return c
}

func (c *testCSMS) waitCounted(t *testing.T, n int) {
	t.Helper()
	for range n {
		select {
		case <-c.countedCh:
		case <-time.After(20 * time.Second):
			t.Fatalf("CSMS counted %d messages, waiting for %d more", len(c.snapshot()), n)
		}
	}
}

func (c *testCSMS) snapshot() []csmsRecord {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]csmsRecord(nil), c.counted...)
}

func txMessage(txID, eventType string) outbox.Message {
	return outbox.Message{
		Action: outbox.ActionTransactionEvent, TransactionID: txID, Ends: eventType == "Ended",
		Encode: func(seqNo int, offline bool) ([]byte, error) {
			var ev txPayload
			ev.EventType, ev.SeqNo, ev.Offline = eventType, seqNo, offline
			ev.TransactionInfo.TransactionID = txID
			return json.Marshal(ev)
		},
	}
}

func meterMessage(i int) outbox.Message {
	return outbox.Message{Action: outbox.ActionMeterValues, Encode: func(int, bool) ([]byte, error) {
		return fmt.Appendf(nil, `{"evseId":1,"meterValue":[{"timestamp":"2026-01-01T00:%02d:00Z","sampledValue":[{"value":%d}]}]}`, i, 1000*i), nil
	}}
}

// TestOfflineDeliveryEndToEnd cuts a station's connection in the middle of
// a transaction (the CSMS aborts the TCP connection and refuses new ones),
// queues transaction messages while offline, and checks that after the
// network returns the CSMS counts every message exactly once, in order,
// with offline=true on those queued during the outage, even though one of
// them had to be retransmitted because its response was lost.
func TestOfflineDeliveryEndToEnd(t *testing.T) {
	csms := newTestCSMS(t)
	hs := startServer(t, csms.srv, nil)

	ob := outbox.New(outbox.Options{Rate: 200, Burst: 2, RetryInterval: 10 * time.Millisecond, Seed: 1})
	var delivery *Delivery
	connected, disconnected := make(chan struct{}, 10), make(chan struct{}, 10)
	peer := NewPeer(PeerOptions{
		Endpoint:     ocpp.EndpointOptions{CallTimeout: 5 * time.Second},
		OnConnect:    func() { delivery.Online(); connected <- struct{}{} },
		OnDisconnect: func() { delivery.Offline(); disconnected <- struct{}{} },
	})
	delivery = NewDelivery(peer, ob, nil, func(it outbox.Item) { t.Errorf("dropped %s", it.Payload) })
	defer delivery.Close()
	cl, err := NewClient(ClientOptions{
		URL: baseURL(hs), StationID: "CS1", Profile: Profile1, Password: "station-password-1",
		Subprotocols: []string{SubprotocolOCPP201},
		Backoff:      Backoff{WaitMinimum: 2 * time.Millisecond, RandomRange: 2 * time.Millisecond, RepeatTimes: 3}, Seed: 42,
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	runDone := make(chan error, 1)
	go func() { runDone <- cl.Run(ctx, peer.Serve, nil) }()
	defer func() {
		cancel()
		<-runDone
	}()

	enqueue := func(m outbox.Message) {
		t.Helper()
		if _, err := delivery.Enqueue(m); err != nil {
			t.Fatal(err)
		}
	}
	// Online part of the transaction.
	<-connected
	enqueue(txMessage("tx-1", "Started"))
	enqueue(meterMessage(1))
	enqueue(txMessage("tx-1", "Updated"))
	csms.waitCounted(t, 3)

	// Cut the network: refuse new connections and abort the live one.
	csms.mu.Lock()
	csms.up = false
	csms.dropSeqNo = 2 // the first event after the outage loses its response
	csms.mu.Unlock()
	csms.srv.Conn("CS1").Abort()
	<-disconnected

	for i := 2; i <= 4; i++ {
		enqueue(txMessage("tx-1", "Updated"))
		enqueue(meterMessage(i))
	}
	enqueue(txMessage("tx-1", "Ended"))
	if got := len(csms.snapshot()); got != 3 {
		t.Fatalf("CSMS counted %d messages during the outage, want 3", got)
	}

	// The network returns.
	csms.mu.Lock()
	csms.up = true
	csms.mu.Unlock()
	csms.waitCounted(t, 7)

	want := []csmsRecord{
		{"TransactionEvent", 0, false, "Started"},
		{"MeterValues", -1, false, ""},
		{"TransactionEvent", 1, false, "Updated"},
		{"TransactionEvent", 2, true, "Updated"},
		{"MeterValues", -1, false, ""},
		{"TransactionEvent", 3, true, "Updated"},
		{"MeterValues", -1, false, ""},
		{"TransactionEvent", 4, true, "Updated"},
		{"MeterValues", -1, false, ""},
		{"TransactionEvent", 5, true, "Ended"},
	}
	if d := cmp.Diff(want, csms.snapshot()); d != "" {
		t.Fatalf("CSMS counted (-want +got):\n%s", d)
	}
	csms.mu.Lock()
	received := csms.received
	csms.mu.Unlock()
	if received <= len(want) {
		t.Fatalf("CSMS received %d messages; the lost response should have caused one retransmission", received)
	}
	select {
	case <-delivery.Empty():
	case <-time.After(20 * time.Second):
		t.Fatalf("outbox not drained")
	}
	if n := delivery.Len(); n != 0 {
		t.Fatalf("%d items left in the outbox", n)
	}
}
