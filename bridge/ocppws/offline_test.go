package ocppws

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/plugsim/plugsim/ocpp"
	"github.com/plugsim/plugsim/ocpp/outbox"
	"github.com/plugsim/plugsim/ocpp/v201"
)

// csmsRecord is what the test CSMS counted of one TransactionEvent or
// MeterValues.
type csmsRecord struct {
	Action    string
	SeqNo     int
	Offline   bool
	EventType v201.TransactionEventEnumType
	EnergyWh  float64
}

// testCSMS counts transaction messages once each, by the outbox ledger. It
// can lose the response of one chosen TransactionEvent (the connection is
// aborted after processing it) and delay another past the station's call
// timeout, so that both are retransmitted.
type testCSMS struct {
	srv     *Server
	router  *ocpp.Router
	counted chan struct{}

	mu         sync.Mutex
	ledger     *outbox.Ledger
	records    []csmsRecord     // guarded by mu
	received   int              // every reception, duplicates included; guarded by mu
	up         bool             // the "network" admits connections; guarded by mu
	abortSeqNo int              // guarded by mu; -1 none
	delaySeqNo int              // guarded by mu; -1 none
	release    chan struct{}    // closed to answer the delayed event
	peers      map[string]*Peer // guarded by mu
}

func newTestCSMS(t *testing.T) *testCSMS {
	c := &testCSMS{
		ledger: outbox.NewLedger(0), up: true, abortSeqNo: -1, delaySeqNo: -1,
		counted: make(chan struct{}, 100), release: make(chan struct{}), peers: map[string]*Peer{},
	}
	c.router = v201.NewRouter(ocpp.CSMSSide)
	ocpp.Handle(c.router, func(_ context.Context, _ *ocpp.Session, req *v201.BootNotificationRequest) (*v201.BootNotificationResponse, error) {
		return &v201.BootNotificationResponse{CurrentTime: time.Now().UTC(), Interval: 300, Status: v201.RegistrationStatusAccepted}, nil
	})
	ocpp.Handle(c.router, func(_ context.Context, s *ocpp.Session, req *v201.TransactionEventRequest) (*v201.TransactionEventResponse, error) {
		c.mu.Lock()
		c.received++
		isNew := c.ledger.TransactionEvent(s.StationID, req.TransactionInfo.TransactionID, req.SeqNo)
		if isNew {
			c.records = append(c.records, csmsRecord{Action: "TransactionEvent", SeqNo: req.SeqNo,
				Offline: req.Offline != nil && *req.Offline, EventType: req.EventType})
		}
		abort := req.SeqNo == c.abortSeqNo
		if abort {
			c.abortSeqNo = -1
		}
		delay := req.SeqNo == c.delaySeqNo
		if delay {
			c.delaySeqNo = -1
		}
		c.mu.Unlock()
		if isNew {
			c.counted <- struct{}{}
		}
		switch {
		case abort:
			// Processed, but the answer never leaves.
			c.srv.Conn(s.StationID).Abort()
		case delay:
			// Answer only after the station gave up waiting: the late
			// answer is stale, and the station sends the event again.
			<-c.release
		}
		return &v201.TransactionEventResponse{}, nil
	})
	ocpp.Handle(c.router, func(_ context.Context, s *ocpp.Session, req *v201.MeterValuesRequest) (*v201.MeterValuesResponse, error) {
		c.mu.Lock()
		c.received++
		isNew := c.ledger.MeterValues(s.StationID, req.AppendJSON(nil))
		if isNew {
			c.records = append(c.records, csmsRecord{Action: "MeterValues", SeqNo: -1, EnergyWh: req.MeterValue[0].SampledValue[0].Value})
		}
		c.mu.Unlock()
		if isNew {
			c.counted <- struct{}{}
		}
		return &v201.MeterValuesResponse{}, nil
	})
	srv, err := NewServer(ServerOptions{
		Profile: Profile1,
		Authenticate: func(id, pw string) bool {
			c.mu.Lock()
			defer c.mu.Unlock()
			return c.up && pw == "station-password-1"
		},
		Session: func(ctx context.Context, conn *Conn) error {
			// One Peer per station, kept across its connections, so its
			// registration survives a reconnection.
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
		case <-c.counted:
		case <-time.After(20 * time.Second):
			t.Fatalf("CSMS counted %d messages, still waiting", len(c.snapshot()))
		}
	}
}

func (c *testCSMS) snapshot() []csmsRecord {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]csmsRecord(nil), c.records...)
}

func txMessage(txID string, eventType v201.TransactionEventEnumType) outbox.Message {
	return outbox.Message{
		Action: outbox.ActionTransactionEvent, TransactionID: txID, Ends: eventType == v201.TransactionEventEnded,
		Encode: func(seqNo int, offline bool) ([]byte, error) {
			req := &v201.TransactionEventRequest{EventType: eventType, Timestamp: time.Now().UTC(),
				TriggerReason: v201.TriggerReasonMeterValuePeriodic, SeqNo: seqNo,
				TransactionInfo: v201.TransactionType{TransactionID: txID}}
			if offline {
				req.Offline = ptr(true)
			}
			if err := req.Validate(); err != nil {
				return nil, err
			}
			return req.AppendJSON(nil), nil
		},
	}
}

func meterMessage(energyWh float64) outbox.Message {
	return outbox.Message{Action: outbox.ActionMeterValues, Encode: func(int, bool) ([]byte, error) {
		req := &v201.MeterValuesRequest{EVSEID: 1, MeterValue: []v201.MeterValueType{{
			Timestamp:    time.Now().UTC(),
			SampledValue: []v201.SampledValueType{{Value: energyWh, Measurand: ptr(v201.MeasurandEnergyActiveImportRegister)}},
		}}}
		if err := req.Validate(); err != nil {
			return nil, err
		}
		return req.AppendJSON(nil), nil
	}}
}

// TestOfflineDeliveryEndToEnd cuts a station's connection in the middle of
// a transaction (the CSMS aborts the TCP connection and refuses new ones),
// queues transaction messages while offline, and checks that once the
// network returns the CSMS counts every message exactly once, in order,
// with offline=true on the events queued during the outage, although one
// event lost its response with the connection and another timed out, so
// that both were sent twice.
func TestOfflineDeliveryEndToEnd(t *testing.T) {
	csms := newTestCSMS(t)
	hs := startServer(t, csms.srv, nil)

	ob := outbox.New(outbox.Options{Rate: 200, Burst: 2, RetryInterval: 10 * time.Millisecond, Seed: 1})
	var delivery *Delivery
	connected, disconnected := make(chan struct{}, 10), make(chan struct{}, 10)
	peer := NewPeer(PeerOptions{
		Endpoint:     ocpp.EndpointOptions{CallTimeout: 500 * time.Millisecond},
		OnConnect:    func() { delivery.Online(); connected <- struct{}{} },
		OnDisconnect: func() { delivery.Offline(); disconnected <- struct{}{} },
	})
	var mu sync.Mutex
	var timeouts int
	var releaseOnce sync.Once
	delivery = NewDelivery(peer, ob, DeliveryOptions{
		OnSettled: func(it outbox.Item, err error) {
			if errors.Is(err, ocpp.ErrTimeout) {
				mu.Lock()
				timeouts++
				mu.Unlock()
				releaseOnce.Do(func() { close(csms.release) }) // let the CSMS send its now stale answer
			}
		},
		OnDropped: func(it outbox.Item) { t.Errorf("dropped %s", it.Payload) },
	})
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
	<-connected
	boot := &v201.BootNotificationResponse{}
	if err := peer.CallMessage(ctx, &v201.BootNotificationRequest{Reason: v201.BootReasonPowerUp,
		ChargingStation: v201.ChargingStationType{Model: "m", VendorName: "v"}}, boot); err != nil {
		t.Fatal(err)
	}
	// Online part of the transaction.
	enqueue(txMessage("tx-1", v201.TransactionEventStarted))
	enqueue(meterMessage(1000))
	enqueue(txMessage("tx-1", v201.TransactionEventUpdated))
	csms.waitCounted(t, 3)

	// Cut the network: refuse new connections and abort the live one.
	csms.mu.Lock()
	csms.up = false
	csms.abortSeqNo = 2 // the first event after the outage loses its response
	csms.delaySeqNo = 4 // and a later one is answered too late
	csms.mu.Unlock()
	csms.srv.Conn("CS1").Abort()
	<-disconnected

	for i := 2; i <= 4; i++ {
		enqueue(txMessage("tx-1", v201.TransactionEventUpdated))
		enqueue(meterMessage(float64(1000 * i)))
	}
	enqueue(txMessage("tx-1", v201.TransactionEventEnded))
	if got := len(csms.snapshot()); got != 3 {
		t.Fatalf("CSMS counted %d messages during the outage, want 3", got)
	}

	// The network returns.
	csms.mu.Lock()
	csms.up = true
	csms.mu.Unlock()
	csms.waitCounted(t, 7)
	select {
	case <-delivery.Empty():
	case <-time.After(20 * time.Second):
		t.Fatalf("outbox not drained: %d items left", delivery.Len())
	}

	want := []csmsRecord{
		{Action: "TransactionEvent", SeqNo: 0, EventType: v201.TransactionEventStarted},
		{Action: "MeterValues", SeqNo: -1, EnergyWh: 1000},
		{Action: "TransactionEvent", SeqNo: 1, EventType: v201.TransactionEventUpdated},
		{Action: "TransactionEvent", SeqNo: 2, Offline: true, EventType: v201.TransactionEventUpdated},
		{Action: "MeterValues", SeqNo: -1, EnergyWh: 2000},
		{Action: "TransactionEvent", SeqNo: 3, Offline: true, EventType: v201.TransactionEventUpdated},
		{Action: "MeterValues", SeqNo: -1, EnergyWh: 3000},
		{Action: "TransactionEvent", SeqNo: 4, Offline: true, EventType: v201.TransactionEventUpdated},
		{Action: "MeterValues", SeqNo: -1, EnergyWh: 4000},
		{Action: "TransactionEvent", SeqNo: 5, Offline: true, EventType: v201.TransactionEventEnded},
	}
	if d := cmp.Diff(want, csms.snapshot()); d != "" {
		t.Fatalf("CSMS counted (-want +got):\n%s", d)
	}
	csms.mu.Lock()
	received := csms.received
	csms.mu.Unlock()
	mu.Lock()
	defer mu.Unlock()
	// At least the two forced retransmissions (a loaded machine may time
	// out more calls; each is retransmitted and still counted once).
	if received < len(want)+2 || timeouts < 1 {
		t.Fatalf("CSMS received %d messages and the station saw %d timeouts; want at least %d (two retransmissions) and 1",
			received, timeouts, len(want)+2)
	}
}
