package ocppws

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/plugsim/plugsim/ocpp"
	"github.com/plugsim/plugsim/ocpp/v201"
	"github.com/plugsim/plugsim/ocpp/v21"
)

// discardSession reads and never answers.
func discardSession(_ context.Context, c *Conn) error {
	for {
		if _, err := c.ReadMessage(); err != nil {
			return err
		}
	}
}

func TestPeerCallOutcomes(t *testing.T) {
	tests := []struct {
		name    string
		session Session
		wantErr error // nil: a result
	}{
		{"result", func(ctx context.Context, c *Conn) error {
			return NewPeer(PeerOptions{Router: heartbeatRouter()}).Serve(ctx, c)
		}, nil},
		{"timeout", discardSession, ocpp.ErrTimeout},
		{"CALLERROR for an unhandled action", func(ctx context.Context, c *Conn) error {
			return NewPeer(PeerOptions{Router: v201.NewRouter(ocpp.CSMSSide)}).Serve(ctx, c)
		}, &ocpp.Error{Code: ocpp.NotSupported}},
		{"connection lost", func(ctx context.Context, c *Conn) error {
			if _, err := c.ReadMessage(); err != nil {
				return err
			}
			return c.Abort()
		}, ocpp.ErrDisconnected},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, err := NewServer(ServerOptions{Session: tt.session})
			if err != nil {
				t.Fatal(err)
			}
			hs := startServer(t, srv, nil)
			cl, err := NewClient(ClientOptions{URL: baseURL(hs), StationID: "CS1", Subprotocols: []string{SubprotocolOCPP201}})
			if err != nil {
				t.Fatal(err)
			}
			peer := NewPeer(PeerOptions{Endpoint: ocpp.EndpointOptions{CallTimeout: 50 * time.Millisecond}})
			defer peer.Close()
			// Queued before any connection: sent once Serve starts.
			done := make(chan Completion, 1)
			if err := peer.CallAsync("Heartbeat", json.RawMessage(`{}`), func(c Completion) { done <- c }); err != nil {
				t.Fatal(err)
			}
			conn, err := cl.Dial(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithCancel(t.Context())
			served := make(chan error, 1)
			go func() { served <- peer.Serve(ctx, conn) }()
			c := <-done
			cancel()
			<-served
			switch {
			case tt.wantErr == nil:
				if c.Err != nil || string(c.Payload) != `{"currentTime":"2026-01-01T00:00:00Z"}` {
					t.Fatalf("Heartbeat = %s, %v; want the result", c.Payload, c.Err)
				}
			case !errors.Is(c.Err, tt.wantErr):
				t.Fatalf("Heartbeat error = %v, want %v", c.Err, tt.wantErr)
			}
		})
	}
}

func TestPeerRefusesOtherVersion(t *testing.T) {
	srv, err := NewServer(ServerOptions{Session: echoSession})
	if err != nil {
		t.Fatal(err)
	}
	hs := startServer(t, srv, nil)
	peer := NewPeer(PeerOptions{Endpoint: ocpp.EndpointOptions{Version: ocpp.V201}})
	cl, err := NewClient(ClientOptions{URL: baseURL(hs), StationID: "CS1", Subprotocols: []string{SubprotocolOCPP21}})
	if err != nil {
		t.Fatal(err)
	}
	conn, err := cl.Dial(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if err := peer.Serve(t.Context(), conn); err == nil {
		t.Fatal("a 2.0.1 peer served an ocpp2.1 connection")
	}
}

// FuzzPeerInbound feeds arbitrary frames to CSMS-side Peers of OCPP 2.0.1
// and 2.1 as if read from a station: nothing may panic, whatever the
// bytes.
func FuzzPeerInbound(f *testing.F) {
	// Seeds live in testdata/fuzz/FuzzPeerInbound.
	router := v201.NewRouter(ocpp.CSMSSide)
	ocpp.Handle(router, func(_ context.Context, _ *ocpp.Session, req *v201.BootNotificationRequest) (*v201.BootNotificationResponse, error) {
		return &v201.BootNotificationResponse{CurrentTime: time.Unix(0, 0).UTC(), Interval: 60, Status: v201.RegistrationStatusAccepted}, nil
	})
	router21 := v21.NewRouter(ocpp.CSMSSide)
	ocpp.Handle(router21, func(_ context.Context, _ *ocpp.Session, req *v21.BootNotificationRequest) (*v21.BootNotificationResponse, error) {
		return &v21.BootNotificationResponse{CurrentTime: time.Unix(0, 0).UTC(), Interval: 60, Status: v21.RegistrationStatusAccepted}, nil
	})
	ocpp.HandleSend(router21, func(_ context.Context, _ *ocpp.Session, req *v21.NotifyPeriodicEventStream) error {
		return nil
	})
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, v := range []struct {
			version ocpp.Version
			router  *ocpp.Router
		}{{ocpp.V201, router}, {ocpp.V21, router21}} {
			p := NewPeer(PeerOptions{Router: v.router})
			p.ep = ocpp.NewEndpoint(ocpp.EndpointOptions{Version: v.version})
			if err := p.CallAsync("Heartbeat", json.RawMessage(`{}`), nil); err != nil {
				t.Fatal(err)
			}
			// Accepted, so that calls reach their handlers.
			p.receive(context.Background(), []byte(`[2,"b","BootNotification",{"reason":"PowerUp","chargingStation":{"model":"m","vendorName":"v"}}]`))
			p.receive(context.Background(), data)
			p.Close()
		}
	})
}

// TestPeerSend delivers an OCPP 2.1 SEND to the CSMS router's SEND handler
// and refuses one on a 2.0.1 connection.
func TestPeerSend(t *testing.T) {
	got := make(chan string, 1)
	router := ocpp.NewRouter(ocpp.RouterOptions{Side: ocpp.CSMSSide, Unrestricted: true})
	router.HandleSendFunc("NotifyPeriodicEventStream", func(_ context.Context, _ *ocpp.Session, payload json.RawMessage) error {
		got <- string(payload)
		return nil
	})
	srv, err := NewServer(ServerOptions{Session: func(ctx context.Context, c *Conn) error {
		return NewPeer(PeerOptions{Router: router}).Serve(ctx, c)
	}})
	if err != nil {
		t.Fatal(err)
	}
	hs := startServer(t, srv, nil)
	for _, proto := range []string{SubprotocolOCPP21, SubprotocolOCPP201} {
		t.Run(proto, func(t *testing.T) {
			cl, err := NewClient(ClientOptions{URL: baseURL(hs), StationID: "CS1", Subprotocols: []string{proto}})
			if err != nil {
				t.Fatal(err)
			}
			peer := NewPeer(PeerOptions{})
			defer peer.Close()
			if err := peer.Send("NotifyPeriodicEventStream", json.RawMessage(`{}`)); !errors.Is(err, ocpp.ErrDisconnected) {
				t.Fatalf("Send while disconnected = %v, want ErrDisconnected", err)
			}
			conn, err := cl.Dial(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithCancel(t.Context())
			served := make(chan error, 1)
			connected := make(chan struct{})
			peer.opts.OnConnect = func() { close(connected) }
			go func() { served <- peer.Serve(ctx, conn) }()
			<-connected
			payload := `{"id":1,"pending":0,"basetime":"2026-01-01T00:00:00Z","data":[{"t":0,"v":"230.1"}]}`
			err = peer.Send("NotifyPeriodicEventStream", json.RawMessage(payload))
			if proto == SubprotocolOCPP201 {
				if !errors.Is(err, ocpp.ErrVersion) {
					t.Fatalf("Send on 2.0.1 = %v, want ErrVersion", err)
				}
			} else {
				if err != nil {
					t.Fatal(err)
				}
				if p := <-got; p != payload {
					t.Fatalf("CSMS got %s, want %s", p, payload)
				}
			}
			cancel()
			<-served
		})
	}
}

// TestPeerSessionStationID: CSMS-side handlers find the identity the
// station connected with (the last URL segment) in their Session.
func TestPeerSessionStationID(t *testing.T) {
	got := make(chan string, 2)
	router := ocpp.NewRouter(ocpp.RouterOptions{Side: ocpp.CSMSSide, Unrestricted: true})
	router.HandleFunc("Heartbeat", func(_ context.Context, s *ocpp.Session, _ json.RawMessage) (json.RawMessage, error) {
		got <- s.StationID
		return json.RawMessage(`{"currentTime":"2026-01-01T00:00:00Z"}`), nil
	})
	srv, err := NewServer(ServerOptions{Session: func(ctx context.Context, c *Conn) error {
		return NewPeer(PeerOptions{Router: router}).Serve(ctx, c)
	}})
	if err != nil {
		t.Fatal(err)
	}
	hs := startServer(t, srv, nil)
	for _, id := range []string{"CS-A", "CS B%2F"} {
		cl, err := NewClient(ClientOptions{URL: baseURL(hs), StationID: id})
		if err != nil {
			t.Fatal(err)
		}
		conn, err := cl.Dial(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		peer := NewPeer(PeerOptions{})
		ctx, cancel := context.WithCancel(t.Context())
		served := make(chan error, 1)
		go func() { served <- peer.Serve(ctx, conn) }()
		if _, err := peer.Call(ctx, "Heartbeat", json.RawMessage(`{}`)); err != nil {
			t.Fatal(err)
		}
		if s := <-got; s != id {
			t.Errorf("handler saw station %q, want %q", s, id)
		}
		cancel()
		<-served
		peer.Close()
	}
}

// TestPeerResultsOutliveNextRead: a completion's payload stays intact
// while the peer reads further frames, so a completion handler may keep it
// (the Conn allocates each message afresh).
func TestPeerResultsOutliveNextRead(t *testing.T) {
	_, cl := startStation(t, ServerOptions{Session: func(ctx context.Context, c *Conn) error {
		// Answer each call with a result as long as the call's id, all of
		// one byte, so that a reused read buffer would show.
		for {
			data, err := c.ReadMessage()
			if err != nil {
				return err
			}
			f, err := ocpp.ParseFrame(data)
			if err != nil {
				return err
			}
			res := fmt.Sprintf(`{"data":%q}`, strings.Repeat(f.ID[len(f.ID)-1:], 64))
			if err := c.WriteMessage(ocpp.Frame{Type: ocpp.CallResult, ID: f.ID, Payload: json.RawMessage(res)}.AppendTo(nil)); err != nil {
				return err
			}
		}
	}})
	conn := dial(t, cl)
	peer := NewPeer(PeerOptions{})
	defer peer.Close()
	ctx, cancel := context.WithCancel(t.Context())
	served := make(chan error, 1)
	go func() { served <- peer.Serve(ctx, conn) }()
	defer func() { cancel(); <-served }()
	var kept []json.RawMessage
	for range 9 {
		p, err := peer.Call(ctx, "DataTransfer", json.RawMessage(`{"vendorId":"v"}`))
		if err != nil {
			t.Fatal(err)
		}
		kept = append(kept, p)
	}
	for i, p := range kept {
		want := fmt.Sprintf(`{"data":%q}`, strings.Repeat(strconv.Itoa(i+1), 64))
		if string(p) != want {
			t.Errorf("result %d = %s after later reads, want %s", i+1, p, want)
		}
	}
}

// TestPeerRejectsInvalidResult: a CALLRESULT that fails the response
// schema is answered with a CALLRESULTERROR on OCPP 2.1 and only dropped
// on 2.0.1, where the next frame the CSMS sees is the station's next CALL.
// (OCPP 2.1 part 4: CALLRESULTERROR.)
func TestPeerRejectsInvalidResult(t *testing.T) {
	for _, proto := range []string{SubprotocolOCPP21, SubprotocolOCPP201} {
		t.Run(proto, func(t *testing.T) {
			next := make(chan ocpp.Frame, 1)
			srv, err := NewServer(ServerOptions{Session: func(ctx context.Context, c *Conn) error {
				read := func() (ocpp.Frame, error) {
					data, err := c.ReadMessage()
					if err != nil {
						return ocpp.Frame{}, err
					}
					f, err := ocpp.ParseFrame(data)
					return f.Clone(), err
				}
				call, err := read()
				if err != nil {
					return err
				}
				// A HeartbeatResponse without its required currentTime.
				if err := c.WriteMessage(ocpp.Frame{Type: ocpp.CallResult, ID: call.ID, Payload: json.RawMessage(`{}`)}.AppendTo(nil)); err != nil {
					return err
				}
				f, err := read()
				if err != nil {
					return err
				}
				next <- f
				return discardSession(ctx, c)
			}})
			if err != nil {
				t.Fatal(err)
			}
			hs := startServer(t, srv, nil)
			cl, err := NewClient(ClientOptions{URL: baseURL(hs), StationID: "CS1", Subprotocols: []string{proto}})
			if err != nil {
				t.Fatal(err)
			}
			conn, err := cl.Dial(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			peer := NewPeer(PeerOptions{Endpoint: ocpp.EndpointOptions{CallTimeout: 50 * time.Millisecond}})
			defer peer.Close()
			ctx, cancel := context.WithCancel(t.Context())
			served := make(chan error, 1)
			go func() { served <- peer.Serve(ctx, conn) }()
			defer func() { cancel(); <-served }()
			err = peer.CallMessage(ctx, &v201.HeartbeatRequest{}, &v201.HeartbeatResponse{})
			var oe *ocpp.Error
			if !errors.As(err, &oe) || oe.Code != ocpp.OccurrenceConstraintViolation {
				t.Fatalf("CallMessage = %v, want an OccurrenceConstraintViolation", err)
			}
			// The next frame is the CALLRESULTERROR, if any, else this CALL.
			if err := peer.CallAsync("Heartbeat", json.RawMessage(`{}`), nil); err != nil {
				t.Fatal(err)
			}
			f := <-next
			switch {
			case proto == SubprotocolOCPP21 && (f.Type != ocpp.CallResultError || f.ID != "1" || f.ErrorCode != ocpp.OccurrenceConstraintViolation):
				t.Errorf("after the invalid result the CSMS got %s, want a CALLRESULTERROR OccurrenceConstraintViolation for id 1", f.AppendTo(nil))
			case proto == SubprotocolOCPP201 && (f.Type != ocpp.Call || f.ID != "2"):
				t.Errorf("after the invalid result the CSMS got %s, want the next CALL", f.AppendTo(nil))
			}
		})
	}
}
