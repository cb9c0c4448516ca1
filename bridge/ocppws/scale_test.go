//go:build scale

package ocppws

import (
	"bufio"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"flag"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

var (
	scaleN      = flag.Int("scale.n", 10000, "stations the scale test connects")
	scaleClient = flag.String("scale.client", "", "internal: run as the station process, dialling this CSMS URL")
	scaleTLS    = flag.Bool("scale.tls", false, "use security profile 2 (TLS and Basic auth) instead of plain ws")
	scaleCA     = flag.String("scale.ca", "", "internal: PEM file of the CA the station process trusts")
)

const scalePassword = "scale-password-0123456789"

// raiseNoFile lifts the soft descriptor limit to need, within the hard limit.
func raiseNoFile(t *testing.T, need uint64) {
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		t.Fatal(err)
	}
	if lim.Cur >= need {
		return
	}
	if lim.Max < need {
		t.Fatalf("RLIMIT_NOFILE hard limit %d, need %d", lim.Max, need)
	}
	lim.Cur = need
	if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		t.Fatalf("raising RLIMIT_NOFILE to %d: %v", need, err)
	}
}

// TestScaleConnections holds -scale.n station connections in this process,
// the CSMS, each served by a Peer; the stations run in a child process (the
// same test binary), each with a Peer pinging every 60 s, and send one
// Heartbeat each before reporting ready. It logs the CSMS memory per
// connection and fails above the 100 KiB goal.
//
// Run: go test -tags scale -run Scale -v -timeout 10m ./bridge/ocppws
// (add -args -scale.tls for security profile 2).
func TestScaleConnections(t *testing.T) {
	if *scaleClient != "" {
		runScaleStations(t, *scaleClient, *scaleN)
		return
	}
	n := *scaleN
	raiseNoFile(t, uint64(n+1024))
	router := heartbeatRouter()
	profile := ProfileNone
	if *scaleTLS {
		profile = Profile2
	}
	srv, err := NewServer(ServerOptions{Profile: profile,
		Authenticate: func(_, pw string) bool { return pw == scalePassword },
		Session: func(ctx context.Context, c *Conn) error {
			return NewPeer(PeerOptions{Router: router}).Serve(ctx, c)
		}})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/ocpp/", srv)
	hs := httptest.NewUnstartedServer(mux)
	childArgs := []string{}
	if *scaleTLS {
		ca := newTestPKI(t)
		cfg, err := ServerTLSConfig(Profile2, ca.server, nil)
		if err != nil {
			t.Fatal(err)
		}
		hs.TLS = cfg
		hs.StartTLS()
		caFile := filepath.Join(t.TempDir(), "ca.pem")
		if err := os.WriteFile(caFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: ca.ca.Raw}), 0o600); err != nil {
			t.Fatal(err)
		}
		childArgs = append(childArgs, "-scale.tls", "-scale.ca="+caFile)
	} else {
		hs.Start()
	}
	defer hs.Close()
	defer func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		srv.Shutdown(ctx)
	}()

	before := liveBytes()
	goroutines := runtime.NumGoroutine()
	cmd := exec.Command(os.Args[0], append([]string{"-test.run=^TestScaleConnections$", "-test.v",
		"-scale.client=" + baseURL(hs), fmt.Sprintf("-scale.n=%d", n)}, childArgs...)...)
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Wait()
	defer stdin.Close()
	sc := bufio.NewScanner(stdout)
	ready := false
	for sc.Scan() {
		line := sc.Text()
		if rest, ok := strings.CutPrefix(line, "SCALE "); ok {
			t.Logf("station process: %s", rest)
			ready = true
			break
		}
	}
	if !ready {
		t.Fatal("station process ended without reporting ready")
	}
	elapsed := time.Since(start)
	after := liveBytes()
	if got := srv.Len(); got != n {
		t.Fatalf("CSMS holds %d connections, want %d", got, n)
	}
	per := float64(after-before) / float64(n)
	t.Logf("CSMS process (%v): %d connections opened and each answered a Heartbeat in %v; %.0f bytes live (heap+stacks) per connection; %.1f goroutines per connection",
		profile, n, elapsed.Round(time.Millisecond), per, float64(runtime.NumGoroutine()-goroutines)/float64(n))
	if per > 100<<10 {
		t.Errorf("%.0f bytes per connection, goal under 100 KiB", per)
	}
	go func() { // drain the child's output until it exits
		for sc.Scan() {
		}
	}()
}

// runScaleStations is the station process: n connections, one Heartbeat
// each, then a "SCALE ..." line on stdout and a wait for stdin to close.
func runScaleStations(t *testing.T, url string, n int) {
	raiseNoFile(t, uint64(n+1024))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	opts := ClientOptions{URL: url, ConnOptions: ConnOptions{PingInterval: 60 * time.Second}}
	if *scaleTLS {
		b, err := os.ReadFile(*scaleCA)
		if err != nil {
			t.Fatal(err)
		}
		roots := x509.NewCertPool()
		if !roots.AppendCertsFromPEM(b) {
			t.Fatal("no CA certificate in " + *scaleCA)
		}
		opts.Profile, opts.Password = Profile2, scalePassword
		opts.TLSConfig = &tls.Config{RootCAs: roots}
	}
	before := liveBytes()
	peers := make([]*Peer, n)
	var wg sync.WaitGroup
	const workers = 8
	errs := make(chan error, workers)
	var dials sync.WaitGroup
	for w := range workers {
		dials.Add(1)
		go func() {
			defer dials.Done()
			for i := w; i < n; i += workers {
				o := opts
				o.StationID = fmt.Sprintf("CS%05d", i)
				cl, err := NewClient(o)
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
				peers[i] = p
				wg.Add(1)
				go func() { defer wg.Done(); p.Serve(ctx, conn) }()
			}
		}()
	}
	dials.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	for i, p := range peers {
		if _, err := p.Call(ctx, "Heartbeat", json.RawMessage(`{}`)); err != nil {
			t.Fatalf("station %d: %v", i, err)
		}
	}
	per := float64(liveBytes()-before) / float64(n)
	fmt.Printf("SCALE %d stations connected, %.0f bytes live per station connection\n", n, per)
	var buf [1]byte
	os.Stdin.Read(buf[:]) // until the parent closes stdin
	cancel()
	wg.Wait()
}
