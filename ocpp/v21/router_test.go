package v21_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/plugsim/plugsim/ocpp"
	"github.com/plugsim/plugsim/ocpp/v21"
)

var now = time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)

// OCPP 2.1 adds SEND: NotifyPeriodicEventStream gets no answer, whatever
// happens to it.
func TestSend(t *testing.T) {
	r := v21.NewRouter(ocpp.CSMSSide)
	var got []v21.StreamDataElementType
	ocpp.HandleSend(r, func(ctx context.Context, s *ocpp.Session, m *v21.NotifyPeriodicEventStream) error {
		got = append(got, m.Data...)
		return nil
	})
	csms := ocpp.NewEndpoint(ocpp.EndpointOptions{Version: ocpp.V21})
	s := ocpp.Session{Registration: ocpp.Accepted}
	tests := []struct {
		name  string
		frame string
		code  ocpp.ErrorCode // "" for success
	}{
		{"valid", `[6,"1","NotifyPeriodicEventStream",{"id":1,"pending":0,"basetime":"2026-01-01T12:00:00Z","data":[{"t":0.5,"v":"230.1"}]}]`, ""},
		{"empty data", `[6,"2","NotifyPeriodicEventStream",{"id":1,"pending":0,"basetime":"2026-01-01T12:00:00Z","data":[]}]`, ocpp.OccurrenceConstraintViolation},
		{"unknown", `[6,"3","NotifyTheMoon",{}]`, ocpp.NotImplemented},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := csms.Receive(now, []byte(tt.frame))
			if in.Kind != ocpp.IncomingSend {
				t.Fatalf("Receive kind = %v, want IncomingSend", in.Kind)
			}
			err := r.DispatchSend(context.Background(), &s, in.Frame)
			var e *ocpp.Error
			switch {
			case tt.code == "" && err != nil:
				t.Fatalf("DispatchSend = %v", err)
			case tt.code != "" && (!errors.As(err, &e) || e.Code != tt.code):
				t.Fatalf("DispatchSend = %v, want %s", err, tt.code)
			}
			if out := csms.TakeOutgoing(); len(out) != 0 {
				t.Fatalf("a SEND was answered: %q", out)
			}
		})
	}
	if len(got) != 1 || got[0].V != "230.1" || got[0].T != 0.5 {
		t.Fatalf("handler saw %+v", got)
	}
}

// OCPP 2.1 CALLRESULTERROR: a result we cannot process is answered with
// [5,...]; the peer side sees ResultRejected.
func TestCallResultError(t *testing.T) {
	station := ocpp.NewEndpoint(ocpp.EndpointOptions{Version: ocpp.V21})
	csms := ocpp.NewEndpoint(ocpp.EndpointOptions{Version: ocpp.V21})
	station.Call(now, "Heartbeat", []byte(`{}`))
	csms.Receive(now, station.TakeOutgoing()[0])
	csms.Respond("1", []byte(`{"currentTime":"yesterday"}`), nil)
	in := station.Receive(now, csms.TakeOutgoing()[0])
	var res v21.HeartbeatResponse
	err := res.UnmarshalJSON(in.Completion.Payload)
	var e *ocpp.Error
	if !errors.As(err, &e) || e.Code != ocpp.PropertyConstraintViolation {
		t.Fatalf("decode of bad result = %v, want PropertyConstraintViolation", err)
	}
	if err := station.RejectResult(in.Completion.ID, err); err != nil {
		t.Fatal(err)
	}
	frame := station.TakeOutgoing()[0]
	if want := `[5,"1","PropertyConstraintViolation","/currentTime: not an RFC 3339 date-time",{"path":"/currentTime"}]`; string(frame) != want {
		t.Fatalf("CALLRESULTERROR = %s, want %s", frame, want)
	}
	if in := csms.Receive(now, frame); in.Kind != ocpp.ResultRejected || in.Frame.ErrorCode != ocpp.PropertyConstraintViolation {
		t.Fatalf("csms Receive = %+v, want ResultRejected", in)
	}
	if out := csms.TakeOutgoing(); len(out) != 0 {
		t.Fatalf("CALLRESULTERROR was answered: %q", out)
	}
}

// The ../shared/ocpp README: 2.1 raises the Get15118EVCertificate caps to
// 11000 (exiRequest) and 17000 (exiResponse) characters.
func TestGet15118EVCertificateCaps(t *testing.T) {
	tests := []struct {
		name string
		msg  ocpp.Message
		ok   bool
	}{
		{"request 5800", &v21.Get15118EVCertificateRequest{ISO15118SchemaVersion: "urn:iso:std:iso:15118:-20:CommonMessages", Action: v21.CertificateActionInstall, EXIRequest: strings.Repeat("A", 5800)}, true},
		{"request 11000", &v21.Get15118EVCertificateRequest{ISO15118SchemaVersion: "x", Action: v21.CertificateActionInstall, EXIRequest: strings.Repeat("A", 11000)}, true},
		{"request 11001", &v21.Get15118EVCertificateRequest{ISO15118SchemaVersion: "x", Action: v21.CertificateActionInstall, EXIRequest: strings.Repeat("A", 11001)}, false},
		{"response 17000", &v21.Get15118EVCertificateResponse{Status: v21.ISO15118EVCertificateStatusAccepted, EXIResponse: strings.Repeat("A", 17000)}, true},
		{"response 17001", &v21.Get15118EVCertificateResponse{Status: v21.ISO15118EVCertificateStatusAccepted, EXIResponse: strings.Repeat("A", 17001)}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.msg.Validate()
			if (err == nil) != tt.ok {
				t.Fatalf("Validate() = %v, want ok=%v", err, tt.ok)
			}
		})
	}
}
