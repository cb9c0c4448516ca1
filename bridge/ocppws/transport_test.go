package ocppws

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"log"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// echoSession answers every message with the same bytes.
func echoSession(_ context.Context, c *Conn) error {
	for {
		p, err := c.ReadMessage()
		if err != nil {
			return err
		}
		if err := c.WriteMessage(p); err != nil {
			return err
		}
	}
}

// startServer mounts srv under /ocpp/ on a fresh mux and serves it over
// plain HTTP or, when tlsCfg is set, TLS.
func startServer(t testing.TB, srv *Server, tlsCfg *tls.Config) *httptest.Server {
	t.Helper()
	mux := http.NewServeMux()
	mux.Handle("/ocpp/", srv)
	hs := httptest.NewUnstartedServer(mux)
	hs.Config.ErrorLog = log.New(io.Discard, "", 0) // refused TLS handshakes are expected
	if tlsCfg != nil {
		hs.TLS = tlsCfg
		hs.StartTLS()
	} else {
		hs.Start()
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := srv.Shutdown(ctx); err != nil {
			t.Errorf("Shutdown: %v", err)
		}
		hs.Close()
	})
	return hs
}

func baseURL(hs *httptest.Server) string {
	return "ws" + strings.TrimPrefix(hs.URL, "http") + "/ocpp"
}

// startStation serves a new Server with opts over plain WebSocket and
// returns it with a client of station CS1 pointed at it.
func startStation(t testing.TB, opts ServerOptions) (*Server, *Client) {
	t.Helper()
	srv, err := NewServer(opts)
	if err != nil {
		t.Fatal(err)
	}
	hs := startServer(t, srv, nil)
	cl, err := NewClient(ClientOptions{URL: baseURL(hs), StationID: "CS1"})
	if err != nil {
		t.Fatal(err)
	}
	return srv, cl
}

// dial connects cl or fails t.
func dial(t testing.TB, cl *Client) *Conn {
	t.Helper()
	conn, err := cl.Dial(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	return conn
}

func roundTrip(t *testing.T, c *Conn, msg string) {
	t.Helper()
	if err := c.WriteMessage([]byte(msg)); err != nil {
		t.Fatalf("WriteMessage: %v", err)
	}
	got, err := c.ReadMessage()
	if err != nil {
		t.Fatalf("ReadMessage: %v", err)
	}
	if string(got) != msg {
		t.Fatalf("echo = %q, want %q", got, msg)
	}
}

func TestSecurityProfiles(t *testing.T) {
	pki := newTestPKI(t)
	roots := x509.NewCertPool()
	roots.AddCert(pki.ca)
	otherPKI := newTestPKI(t)
	passwords := map[string]string{"CS-0001": "0123456789abcdef"}
	auth := func(id, pw string) bool { return passwords[id] != "" && passwords[id] == pw }

	tls2, err := ServerTLSConfig(Profile2, pki.server, nil)
	if err != nil {
		t.Fatal(err)
	}
	tls3, err := ServerTLSConfig(Profile3, pki.server, pki.pool)
	if err != nil {
		t.Fatal(err)
	}
	goodCert := pki.issue(t, "CS-0001", x509.ExtKeyUsageClientAuth)
	wrongCN := pki.issue(t, "CS-9999", x509.ExtKeyUsageClientAuth)
	foreign := otherPKI.issue(t, "CS-0001", x509.ExtKeyUsageClientAuth)

	tests := []struct {
		name      string
		profile   SecurityProfile
		serverTLS *tls.Config
		station   string
		password  string
		clientTLS *tls.Config
		wantErr   error // nil: connects; otherwise errors.Is target
		wantAny   bool  // any error (TLS handshake failures carry no sentinel)
	}{
		{name: "profile1 ok", profile: Profile1, station: "CS-0001", password: "0123456789abcdef"},
		{name: "profile1 wrong password", profile: Profile1, station: "CS-0001", password: "nope", wantErr: ErrUnauthorized},
		{name: "profile1 unknown station", profile: Profile1, station: "CS-0002", password: "0123456789abcdef", wantErr: ErrUnauthorized},
		{name: "profile2 ok", profile: Profile2, serverTLS: tls2, station: "CS-0001", password: "0123456789abcdef", clientTLS: &tls.Config{RootCAs: roots}},
		{name: "profile2 wrong password", profile: Profile2, serverTLS: tls2, station: "CS-0001", password: "x", clientTLS: &tls.Config{RootCAs: roots}, wantErr: ErrUnauthorized},
		{name: "profile2 untrusted server", profile: Profile2, serverTLS: tls2, station: "CS-0001", password: "0123456789abcdef", clientTLS: &tls.Config{RootCAs: x509.NewCertPool()}, wantAny: true},
		{name: "profile3 ok", profile: Profile3, serverTLS: tls3, station: "CS-0001", clientTLS: &tls.Config{RootCAs: roots, Certificates: []tls.Certificate{goodCert}}},
		{name: "profile3 CN is not station", profile: Profile3, serverTLS: tls3, station: "CS-0001", clientTLS: &tls.Config{RootCAs: roots, Certificates: []tls.Certificate{wrongCN}}, wantErr: ErrUnauthorized},
		{name: "profile3 foreign CA", profile: Profile3, serverTLS: tls3, station: "CS-0001", clientTLS: &tls.Config{RootCAs: roots, Certificates: []tls.Certificate{foreign}}, wantAny: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, err := NewServer(ServerOptions{Profile: tt.profile, Authenticate: auth, Session: echoSession})
			if err != nil {
				t.Fatal(err)
			}
			hs := startServer(t, srv, tt.serverTLS)
			cl, err := NewClient(ClientOptions{
				URL: baseURL(hs), StationID: tt.station, Profile: tt.profile,
				Password: tt.password, TLSConfig: tt.clientTLS,
			})
			if err != nil {
				t.Fatal(err)
			}
			conn, err := cl.Dial(t.Context())
			switch {
			case tt.wantErr == nil && !tt.wantAny:
				if err != nil {
					t.Fatalf("Dial: %v", err)
				}
				defer conn.Close()
				roundTrip(t, conn, `[2,"1","Heartbeat",{}]`)
			case tt.wantAny:
				if err == nil {
					conn.Close()
					t.Fatal("Dial succeeded, want an error")
				}
			default:
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("Dial error = %v, want %v", err, tt.wantErr)
				}
			}
		})
	}
}

func TestClientOptionsChecked(t *testing.T) {
	tests := []struct {
		name string
		opts ClientOptions
	}{
		{"profile2 over ws", ClientOptions{URL: "ws://h/ocpp", StationID: "CS1", Profile: Profile2}},
		{"profile3 without certificate", ClientOptions{URL: "wss://h/ocpp", StationID: "CS1", Profile: Profile3}},
		{"bad scheme", ClientOptions{URL: "http://h/ocpp", StationID: "CS1"}},
		{"empty station", ClientOptions{URL: "ws://h/ocpp"}},
		{"colon in station", ClientOptions{URL: "ws://h/ocpp", StationID: "CS:1"}},
		{"station too long", ClientOptions{URL: "ws://h/ocpp", StationID: strings.Repeat("x", 49)}},
		{"unknown profile", ClientOptions{URL: "ws://h/ocpp", StationID: "CS1", Profile: 4}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := NewClient(tt.opts); err == nil {
				t.Fatalf("NewClient(%+v) succeeded, want an error", tt.opts)
			}
		})
	}
}

func TestStationURL(t *testing.T) {
	tests := []struct{ base, id, want string }{
		{"ws://h/ocpp", "CS1", "ws://h/ocpp/CS1"},
		{"ws://h/ocpp/", "CS1", "ws://h/ocpp/CS1"},
		{"wss://h:8443", "CS 1", "wss://h:8443/CS%201"},
		{"ws://h/ocpp", "CS%2F1", "ws://h/ocpp/CS%252F1"},
		{"ws://h/ocpp", "CS%41", "ws://h/ocpp/CS%2541"},
		{"ws://h/ocpp", "CS?1#", "ws://h/ocpp/CS%3F1%23"},
	}
	for _, tt := range tests {
		got, err := stationURL(tt.base, tt.id)
		if err != nil || got != tt.want {
			t.Errorf("stationURL(%q, %q) = %q, %v, want %q", tt.base, tt.id, got, err, tt.want)
		}
	}
}

func TestSubprotocolNegotiation(t *testing.T) {
	tests := []struct {
		name           string
		server, client []string
		want           string
		wantErr        error
	}{
		{name: "client prefers 2.1", server: []string{"ocpp2.0.1", "ocpp2.1"}, client: []string{"ocpp2.1", "ocpp2.0.1"}, want: "ocpp2.1"},
		{name: "client prefers 2.0.1", server: []string{"ocpp2.1", "ocpp2.0.1"}, client: []string{"ocpp2.0.1", "ocpp2.1"}, want: "ocpp2.0.1"},
		{name: "only common one", server: []string{"ocpp2.0.1"}, client: []string{"ocpp2.1", "ocpp2.0.1"}, want: "ocpp2.0.1"},
		{name: "none common", server: []string{"ocpp2.0.1"}, client: []string{"ocpp2.1"}, wantErr: ErrNoCommonSubprotocol},
		{name: "1.6 only client", server: nil, client: []string{"ocpp1.6"}, wantErr: ErrNoCommonSubprotocol},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var mu sync.Mutex
			var serverSaw string
			srv, err := NewServer(ServerOptions{Subprotocols: tt.server, Session: func(ctx context.Context, c *Conn) error {
				mu.Lock()
				serverSaw = c.Subprotocol()
				mu.Unlock()
				return echoSession(ctx, c)
			}})
			if err != nil {
				t.Fatal(err)
			}
			hs := startServer(t, srv, nil)
			cl, err := NewClient(ClientOptions{URL: baseURL(hs), StationID: "CS1", Subprotocols: tt.client})
			if err != nil {
				t.Fatal(err)
			}
			conn, err := cl.Dial(t.Context())
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("Dial error = %v, want %v", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			roundTrip(t, conn, "[]")
			mu.Lock()
			defer mu.Unlock()
			if conn.Subprotocol() != tt.want || serverSaw != tt.want {
				t.Fatalf("subprotocol client %q server %q, want %q", conn.Subprotocol(), serverSaw, tt.want)
			}
		})
	}
}

// TestPingDetectsDeadPeer: a server whose session stops reading never
// answers pings (gorilla answers pings from the reader), so the client's
// pong deadline fires and its blocked read fails.
func TestPingDetectsDeadPeer(t *testing.T) {
	release := make(chan struct{})
	srv, err := NewServer(ServerOptions{Session: func(ctx context.Context, c *Conn) error {
		select {
		case <-release:
		case <-ctx.Done():
		}
		return nil
	}})
	if err != nil {
		t.Fatal(err)
	}
	hs := startServer(t, srv, nil)
	defer close(release)
	cl, err := NewClient(ClientOptions{URL: baseURL(hs), StationID: "CS1",
		ConnOptions: ConnOptions{PingInterval: 20 * time.Millisecond, PongTimeout: 20 * time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	conn, err := cl.Dial(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := conn.ReadMessage(); err == nil {
		t.Fatal("ReadMessage succeeded on a silent peer, want a timeout")
	}
	<-conn.Done()
}

// TestPingKeepsLiveConnection: with pings every 5 ms, a connection whose
// peer reads (and so answers pings) outlives many ping intervals.
func TestPingKeepsLiveConnection(t *testing.T) {
	srv, err := NewServer(ServerOptions{Session: echoSession})
	if err != nil {
		t.Fatal(err)
	}
	hs := startServer(t, srv, nil)
	cl, err := NewClient(ClientOptions{URL: baseURL(hs), StationID: "CS1",
		ConnOptions: ConnOptions{PingInterval: 5 * time.Millisecond, PongTimeout: time.Second}})
	if err != nil {
		t.Fatal(err)
	}
	conn, err := cl.Dial(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	// Fifty round trips, each waiting on the reader while pings fly.
	for range 50 {
		roundTrip(t, conn, `[2,"1","Heartbeat",{}]`)
	}
}

func TestReconnectAfterServerDrop(t *testing.T) {
	var mu sync.Mutex
	accepted := 0
	srv, err := NewServer(ServerOptions{Session: func(ctx context.Context, c *Conn) error {
		mu.Lock()
		accepted++
		n := accepted
		mu.Unlock()
		if n <= 2 {
			return c.Abort() // drop the first two connections at once
		}
		return echoSession(ctx, c)
	}})
	if err != nil {
		t.Fatal(err)
	}
	hs := startServer(t, srv, nil)
	cl, err := NewClient(ClientOptions{URL: baseURL(hs), StationID: "CS1",
		Backoff: Backoff{WaitMinimum: time.Millisecond, RandomRange: time.Millisecond}, Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	sessions := 0
	var errs []error
	err = cl.Run(ctx, func(ctx context.Context, c *Conn) error {
		sessions++
		if err := c.WriteMessage([]byte("ping")); err != nil {
			return err
		}
		if _, err := c.ReadMessage(); err != nil {
			return err
		}
		cancel() // third connection echoed: done
		return nil
	}, func(err error) { errs = append(errs, err) })
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Run = %v, want context.Canceled", err)
	}
	if sessions != 3 || len(errs) != 2 {
		t.Fatalf("sessions = %d, errors = %v; want 3 sessions and 2 errors", sessions, errs)
	}
}

func TestServerReplacesStaleConnection(t *testing.T) {
	srv, cl := startStation(t, ServerOptions{Session: echoSession})
	first := dial(t, cl)
	roundTrip(t, first, "a")
	second := dial(t, cl)
	defer second.Close()
	roundTrip(t, second, "b")
	if _, err := first.ReadMessage(); err == nil {
		t.Fatal("old connection still readable after the station reconnected")
	}
	if n := srv.Len(); n != 1 {
		t.Fatalf("Len = %d, want 1", n)
	}
}

func TestShutdownClosesSessions(t *testing.T) {
	srv, cl := startStation(t, ServerOptions{Session: echoSession})
	conn := dial(t, cl)
	roundTrip(t, conn, "x")
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := conn.ReadMessage(); err == nil {
		t.Fatal("connection readable after Shutdown")
	}
	if _, err := cl.Dial(t.Context()); err == nil {
		t.Fatal("Dial after Shutdown succeeded")
	}
}

func TestBackoffDelay(t *testing.T) {
	b := Backoff{WaitMinimum: time.Second, RepeatTimes: 3, Max: 6 * time.Second}
	want := []time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 6 * time.Second, 6 * time.Second}
	for n, w := range want {
		if got := b.Delay(n, nil); got != w {
			t.Errorf("Delay(%d) = %v, want %v", n, got, w)
		}
	}
	j := Backoff{WaitMinimum: time.Second, RandomRange: 500 * time.Millisecond}
	r1, r2 := rand.New(rand.NewPCG(1, 2)), rand.New(rand.NewPCG(1, 2))
	seen := map[time.Duration]bool{}
	for n := range 20 {
		d1, d2 := j.Delay(n%3, r1), j.Delay(n%3, r2)
		if d1 != d2 {
			t.Fatalf("same seed gave %v and %v", d1, d2)
		}
		base := j.Delay(n%3, nil)
		if d1 < base || d1 >= base+j.RandomRange {
			t.Fatalf("Delay(%d) = %v outside [%v, %v)", n%3, d1, base, base+j.RandomRange)
		}
		seen[d1-base] = true
	}
	if len(seen) < 10 {
		t.Fatalf("jitter took only %d distinct values in 20 draws", len(seen))
	}
}
