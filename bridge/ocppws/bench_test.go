package ocppws

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/plugsim/plugsim/ocpp"
)

// heartbeatRouter answers Heartbeat with a fixed currentTime.
func heartbeatRouter() *ocpp.Router {
	r := ocpp.NewRouter(ocpp.RouterOptions{Side: ocpp.CSMSSide, Unrestricted: true})
	r.HandleFunc("Heartbeat", func(context.Context, *ocpp.Session, json.RawMessage) (json.RawMessage, error) {
		return json.RawMessage(`{"currentTime":"2026-01-01T00:00:00Z"}`), nil
	})
	return r
}

// BenchmarkCallRoundTrip measures one CALL -> CALLRESULT (Heartbeat) over
// WebSocket on loopback, through the whole stack on both sides: Peer,
// ocpp.Endpoint, ocpp.Router and the transport.
func BenchmarkCallRoundTrip(b *testing.B) {
	router := heartbeatRouter()
	_, cl := startStation(b, ServerOptions{Session: func(ctx context.Context, c *Conn) error {
		return NewPeer(PeerOptions{Router: router}).Serve(ctx, c)
	}})
	conn := dial(b, cl)
	peer := NewPeer(PeerOptions{})
	ctx, cancel := context.WithCancel(b.Context())
	done := make(chan struct{})
	go func() { peer.Serve(ctx, conn); close(done) }()
	defer func() { cancel(); <-done }()
	payload := json.RawMessage(`{}`)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := peer.Call(ctx, "Heartbeat", payload); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkTransportRoundTrip is the same exchange at the Conn level only
// (an echo), to show what the OCPP layers add.
func BenchmarkTransportRoundTrip(b *testing.B) {
	_, cl := startStation(b, ServerOptions{Session: echoSession})
	conn := dial(b, cl)
	defer conn.Close()
	msg := []byte(`[2,"1","Heartbeat",{}]`)
	b.ReportAllocs()
	for b.Loop() {
		if err := conn.WriteMessage(msg); err != nil {
			b.Fatal(err)
		}
		if _, err := conn.ReadMessage(); err != nil {
			b.Fatal(err)
		}
	}
}

// connFleet is n stations connected to one CSMS in this process, each end
// running a Peer (the station side with pings every PingInterval), as a
// load test holds them.
type connFleet struct {
	hs     *httptest.Server
	srv    *Server
	peers  []*Peer
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

// liveBytes is heap plus stacks in use after a full collection.
func liveBytes() uint64 {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc + ms.StackInuse
}

// openFleet connects n stations with `workers` dialers in parallel, then
// proves every connection alive with one Heartbeat each.
func openFleet(tb testing.TB, n int) *connFleet {
	tb.Helper()
	router := heartbeatRouter()
	srv, err := NewServer(ServerOptions{Session: func(ctx context.Context, c *Conn) error {
		return NewPeer(PeerOptions{Router: router}).Serve(ctx, c)
	}})
	if err != nil {
		tb.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/ocpp/", srv)
	f := &connFleet{hs: httptest.NewServer(mux), srv: srv, peers: make([]*Peer, n)}
	ctx, cancel := context.WithCancel(context.Background())
	f.cancel = cancel
	const workers = 8
	errs := make(chan error, workers)
	var dials sync.WaitGroup
	for w := range workers {
		dials.Add(1)
		go func() {
			defer dials.Done()
			for i := w; i < n; i += workers {
				cl, err := NewClient(ClientOptions{URL: baseURL(f.hs), StationID: fmt.Sprintf("CS%05d", i),
					ConnOptions: ConnOptions{PingInterval: 60 * time.Second}})
				if err != nil {
					errs <- err
					return
				}
				conn, err := cl.Dial(ctx)
				if err != nil {
					errs <- fmt.Errorf("station %d: %w", i, err)
					return
				}
				p := NewPeer(PeerOptions{})
				f.peers[i] = p
				f.wg.Add(1)
				go func() { defer f.wg.Done(); p.Serve(ctx, conn) }()
			}
		}()
	}
	dials.Wait()
	close(errs)
	for err := range errs {
		f.close()
		tb.Fatal(err)
	}
	for i, p := range f.peers {
		if _, err := p.Call(ctx, "Heartbeat", json.RawMessage(`{}`)); err != nil {
			f.close()
			tb.Fatalf("station %d: %v", i, err)
		}
	}
	return f
}

func (f *connFleet) close() {
	f.cancel()
	sctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	f.srv.Shutdown(sctx)
	f.wg.Wait()
	f.hs.Close()
}

// BenchmarkIdleConnections reports the memory of one idle, pinged station
// connection, both ends counted, with 500 open at once. The scale test
// (go test -tags scale) does the same with 10,000.
func BenchmarkIdleConnections(b *testing.B) {
	const n = 500
	for b.Loop() {
		before := liveBytes()
		f := openFleet(b, n)
		after := liveBytes()
		b.ReportMetric(float64(after-before)/n, "B/conn")
		f.close()
	}
}
