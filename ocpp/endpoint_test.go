package ocpp

import (
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

var t0 = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

func outStrings(e *Endpoint) []string {
	var s []string
	for _, b := range e.TakeOutgoing() {
		s = append(s, string(b))
	}
	return s
}

func TestEndpointOneCallInFlight(t *testing.T) {
	e := NewEndpoint(EndpointOptions{CallTimeout: 10 * time.Second, IDPrefix: "cs-"})
	id1, _ := e.Call(t0, "BootNotification", []byte(`{"a":1}`))
	id2, _ := e.Call(t0, "Heartbeat", []byte(`{}`))
	if got, want := outStrings(e), []string{`[2,"cs-1","BootNotification",{"a":1}]`}; !cmp.Equal(got, want) {
		t.Fatalf("outgoing = %q, want %q (second call must wait)", got, want)
	}
	if e.Queued() != 1 {
		t.Fatalf("Queued() = %d, want 1", e.Queued())
	}
	in := e.Receive(t0.Add(time.Second), []byte(`[3,"cs-1",{"status":"Accepted"}]`))
	if in.Kind != Completed || in.Completion.ID != id1 || in.Completion.Action != "BootNotification" || string(in.Completion.Payload) != `{"status":"Accepted"}` {
		t.Fatalf("Receive(result) = %+v", in)
	}
	if got, want := outStrings(e), []string{`[2,"cs-2","Heartbeat",{}]`}; !cmp.Equal(got, want) {
		t.Fatalf("outgoing = %q, want %q", got, want)
	}
	d, ok := e.Deadline()
	if !ok || !d.Equal(t0.Add(11*time.Second)) {
		t.Fatalf("Deadline() = %v, %v; want %v", d, ok, t0.Add(11*time.Second))
	}
	in = e.Receive(t0.Add(2*time.Second), []byte(`[4,"cs-2","OccurenceConstraintViolation","x",{}]`))
	var pe *Error
	if in.Kind != Completed || in.Completion.ID != id2 || !errors.As(in.Completion.Err, &pe) || pe.Code != OccurenceConstraintViolation {
		t.Fatalf("Receive(error) = %+v, want completion with the peer's code", in)
	}
	if !pe.Code.IsSchemaViolation() {
		t.Error("IsSchemaViolation(OccurenceConstraintViolation) = false")
	}
}

func TestEndpointTimeout(t *testing.T) {
	e := NewEndpoint(EndpointOptions{CallTimeout: 5 * time.Second})
	e.Call(t0, "Heartbeat", []byte(`{}`))
	e.Call(t0, "StatusNotification", []byte(`{}`))
	e.TakeOutgoing()
	if done := e.Tick(t0.Add(4 * time.Second)); len(done) != 0 {
		t.Fatalf("Tick before deadline = %v, want none", done)
	}
	done := e.Tick(t0.Add(5 * time.Second))
	if len(done) != 1 || done[0].ID != "1" || !errors.Is(done[0].Err, ErrTimeout) {
		t.Fatalf("Tick at deadline = %+v, want timeout of call 1", done)
	}
	if got, want := outStrings(e), []string{`[2,"2","StatusNotification",{}]`}; !cmp.Equal(got, want) {
		t.Fatalf("outgoing after timeout = %q, want %q", got, want)
	}
	// A late answer to the timed-out call is dropped, not matched to call 2.
	in := e.Receive(t0.Add(6*time.Second), []byte(`[3,"1",{}]`))
	if in.Kind != Handled || !errors.Is(in.Err, ErrUnsolicited) {
		t.Fatalf("late answer = %+v, want Handled/ErrUnsolicited", in)
	}
	if id, _, ok := e.InFlight(); !ok || id != "2" {
		t.Fatalf("InFlight() = %q, %v; want 2", id, ok)
	}
	if out := e.TakeOutgoing(); len(out) != 0 {
		t.Fatalf("an answer was answered: %q", out)
	}
}

func TestEndpointIncoming(t *testing.T) {
	tests := []struct {
		name    string
		version Version
		in      string
		kind    InboundKind
		out     []string
	}{
		{"call", V201, `[2,"9","Reset",{"type":"Immediate"}]`, IncomingCall, nil},
		{"malformed call", V201, `[2,"9","Reset",{"type":}]`, Handled, []string{`[4,"9","FormatViolation","payload is not well-formed JSON",{}]`}},
		{"unreadable id", V201, `[2,9,"Reset",{}]`, Handled, []string{`[4,"-1","RpcFrameworkError","message id is not a string",{}]`}},
		{"send on 2.0.1", V201, `[6,"9","NotifyPeriodicEventStream",{}]`, Handled, []string{`[4,"9","MessageTypeNotSupported","SEND is not part of OCPP 2.0.1",{}]`}},
		{"send on 2.1", V21, `[6,"9","NotifyPeriodicEventStream",{}]`, IncomingSend, nil},
		{"result error on 2.1", V21, `[5,"9","FormatViolation","",{}]`, ResultRejected, nil},
		{"unknown type", V21, `[8,"9"]`, Handled, []string{`[4,"9","MessageTypeNotSupported","message type 8",{}]`}},
		{"malformed result not answered", V21, `[3,"9"]`, Handled, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := NewEndpoint(EndpointOptions{Version: tt.version})
			in := e.Receive(t0, []byte(tt.in))
			if in.Kind != tt.kind {
				t.Fatalf("Receive(%s).Kind = %v, want %v (err %v)", tt.in, in.Kind, tt.kind, in.Err)
			}
			if got := outStrings(e); !cmp.Equal(got, tt.out) {
				t.Errorf("outgoing = %q, want %q", got, tt.out)
			}
		})
	}
}

func TestEndpointRespond(t *testing.T) {
	e := NewEndpoint(EndpointOptions{})
	e.Receive(t0, []byte(`[2,"a","Reset",{}]`))
	if in := e.Receive(t0, []byte(`[2,"a","Reset",{}]`)); in.Kind != Handled || !errors.Is(in.Err, ErrDuplicateID) {
		t.Fatalf("duplicate call = %+v, want ErrDuplicateID", in)
	}
	if err := e.Respond("a", []byte(`{"status":"Accepted"}`), nil); err != nil {
		t.Fatal(err)
	}
	if err := e.Respond("a", nil, nil); !errors.Is(err, ErrUnknownID) {
		t.Fatalf("second Respond = %v, want ErrUnknownID", err)
	}
	e.Receive(t0, []byte(`[2,"b","Reset",{}]`))
	e.Respond("b", nil, &Error{Code: SecurityError})
	want := []string{`[3,"a",{"status":"Accepted"}]`, `[4,"b","SecurityError","",{}]`}
	if got := outStrings(e); !cmp.Equal(got, want) {
		t.Fatalf("outgoing = %q, want %q", got, want)
	}
	if err := e.RejectResult("x", nil); !errors.Is(err, ErrVersion) {
		t.Fatalf("RejectResult on 2.0.1 = %v, want ErrVersion", err)
	}
}

func TestEndpointReconnect(t *testing.T) {
	e := NewEndpoint(EndpointOptions{})
	e.Call(t0, "TransactionEvent", []byte(`{"seqNo":0}`))
	e.Call(t0, "TransactionEvent", []byte(`{"seqNo":1}`))
	e.TakeOutgoing()
	done := e.Disconnect()
	if len(done) != 1 || done[0].ID != "1" || !errors.Is(done[0].Err, ErrDisconnected) {
		t.Fatalf("Disconnect() = %+v, want call 1 failed", done)
	}
	e.Call(t0, "TransactionEvent", []byte(`{"seqNo":2}`))
	if out := e.TakeOutgoing(); len(out) != 0 {
		t.Fatalf("sent while disconnected: %q", out)
	}
	e.Connect(t0.Add(time.Minute))
	if got, want := outStrings(e), []string{`[2,"2","TransactionEvent",{"seqNo":1}]`}; !cmp.Equal(got, want) {
		t.Fatalf("after Connect = %q, want %q", got, want)
	}
	if e.Queued() != 1 {
		t.Fatalf("Queued() = %d, want 1", e.Queued())
	}
}

func TestEndpointSend(t *testing.T) {
	e := NewEndpoint(EndpointOptions{Version: V21})
	e.Call(t0, "Heartbeat", []byte(`{}`))
	if _, err := e.Send("NotifyPeriodicEventStream", []byte(`{"id":1}`)); err != nil {
		t.Fatal(err)
	}
	want := []string{`[2,"1","Heartbeat",{}]`, `[6,"2","NotifyPeriodicEventStream",{"id":1}]`}
	if got := outStrings(e); !cmp.Equal(got, want) {
		t.Fatalf("outgoing = %q, want %q", got, want)
	}
	if _, err := NewEndpoint(EndpointOptions{}).Send("X", nil); !errors.Is(err, ErrVersion) {
		t.Fatalf("Send on 2.0.1 = %v, want ErrVersion", err)
	}
}
