package ocppws

// Interop with an independent OCPP-J implementation: the npm package
// ocpp-rpc in strict mode, driven by testdata/interop/peer.js, which
// validates every frame both ways against the official schemas read from
// PLUGSIM_SHARED and reports any violation on stdout. `npm ci --prefix
// bridge/ocppws/testdata/interop` installs it (.ci/run does).

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/plugsim/plugsim/internal/sharedtest"
	"github.com/plugsim/plugsim/ocpp"
)

// interopPassword is the Basic auth password (security profile 1) both
// sides use.
const interopPassword = "interop-password-0123456789"

// peerEvent is one JSON line from peer.js.
type peerEvent struct {
	Event    string          `json:"event"`
	Action   string          `json:"action"`
	Method   string          `json:"method"`
	Outbound bool            `json:"outbound"`
	IsCall   bool            `json:"isCall"`
	Code     string          `json:"code"`
	Error    string          `json:"error"`
	Port     int             `json:"port"`
	Protocol string          `json:"protocol"`
	Details  json.RawMessage `json:"details"`
	Params   json.RawMessage `json:"params"`
	Result   json.RawMessage `json:"result"`
}

// skipOrFail skips with a reason, or fails when CI=true: CI installs
// everything the test needs, so a skip there is a broken setup.
func skipOrFail(t *testing.T, format string, args ...any) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatalf(format, args...)
	}
	t.Skipf(format, args...)
}

// sharedDir returns the shared data directory (see sharedtest).
func sharedDir(t *testing.T) string {
	t.Helper()
	return sharedtest.Path(t)
}

// nodePeer is a running peer.js.
type nodePeer struct {
	t      *testing.T
	cmd    *exec.Cmd
	stdin  interface{ Close() error }
	events chan peerEvent
	stderr bytes.Buffer

	mu  sync.Mutex
	all []peerEvent // guarded by mu
}

// startNodePeer runs peer.js with args, or skips (fails in CI) when node,
// ocpp-rpc or the schemas are missing.
func startNodePeer(t *testing.T, mode, protocol, schemaSet string, extra ...string) *nodePeer {
	t.Helper()
	node, err := exec.LookPath("node")
	if err != nil {
		skipOrFail(t, "interop: node not found (%v); install Node.js to run the ocpp-rpc interop tests", err)
	}
	dir, err := filepath.Abs(filepath.Join("testdata", "interop"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "ocpp-rpc", "package.json")); err != nil {
		skipOrFail(t, "interop: ocpp-rpc not installed; run: npm ci --prefix bridge/ocppws/testdata/interop")
	}
	schemas := filepath.Join(sharedDir(t), "ocpp", schemaSet)
	if _, err := os.Stat(filepath.Join(schemas, "BootNotificationRequest.json")); err != nil {
		skipOrFail(t, "interop: official OCPP schemas not found in %s (set PLUGSIM_SHARED)", schemas)
	}
	args := append([]string{filepath.Join(dir, "peer.js"), mode, protocol, schemas, interopPassword}, extra...)
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, node, args...)
	cmd.Dir = dir
	p := &nodePeer{t: t, cmd: cmd, events: make(chan peerEvent, 256)}
	cmd.Stderr = &p.stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	p.stdin = stdin
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	readDone := make(chan struct{})
	go func() {
		defer close(readDone)
		defer close(p.events)
		sc := bufio.NewScanner(stdout)
		sc.Buffer(make([]byte, 1<<16), 1<<22)
		for sc.Scan() {
			var ev peerEvent
			if err := json.Unmarshal(sc.Bytes(), &ev); err != nil {
				ev = peerEvent{Event: "unparsed", Error: sc.Text()}
			}
			p.mu.Lock()
			p.all = append(p.all, ev)
			p.mu.Unlock()
			p.events <- ev
		}
	}()
	t.Cleanup(func() {
		stdin.Close()
		waited := make(chan struct{})
		go func() { <-readDone; cmd.Wait(); close(waited) }()
		select {
		case <-waited:
		case <-time.After(10 * time.Second):
			cancel()
			<-waited
		}
		cancel()
	})
	return p
}

// next returns the next event, failing after a timeout.
func (p *nodePeer) next() peerEvent {
	p.t.Helper()
	select {
	case ev, ok := <-p.events:
		if !ok {
			p.t.Fatalf("peer.js exited; stderr:\n%s", p.stderrTail())
		}
		return ev
	case <-time.After(30 * time.Second):
		p.t.Fatalf("no event from peer.js in 30 s; stderr:\n%s", p.stderrTail())
	}
	return peerEvent{}
}

// waitFor reads events until one matches.
func (p *nodePeer) waitFor(match func(peerEvent) bool) peerEvent {
	p.t.Helper()
	for {
		if ev := p.next(); match(ev) {
			return ev
		}
	}
}

func (p *nodePeer) stderrTail() string {
	s := p.stderr.String()
	// ajv logs a "strict mode" warning per enum definition; keep the rest.
	var keep []string
	for _, l := range strings.Split(s, "\n") {
		if !strings.HasPrefix(l, "strict mode:") {
			keep = append(keep, l)
		}
	}
	s = strings.Join(keep, "\n")
	if len(s) > 4000 {
		s = s[len(s)-4000:]
	}
	return s
}

// events returns every event so far.
func (p *nodePeer) snapshot() []peerEvent {
	p.mu.Lock()
	defer p.mu.Unlock()
	return slices.Clone(p.all)
}

// checkClean fails on any schema violation, CALLERROR or script error
// peer.js reported.
func checkClean(t *testing.T, evs []peerEvent) {
	t.Helper()
	for _, ev := range evs {
		switch ev.Event {
		case "violation", "call_error", "error", "unparsed", "auth_rejected":
			b, _ := json.Marshal(ev)
			t.Errorf("peer.js reported %s", b)
		}
	}
}

// actionsOf lists the actions of events of one kind, in order.
func actionsOf(evs []peerEvent, kind string) []string {
	var out []string
	for _, ev := range evs {
		if ev.Event == kind {
			out = append(out, ev.Action)
		}
	}
	return out
}

// interopStationCalls is the list our station runs and the CSMS side
// expects, in order. After NotifyEVChargingNeeds the CSMS sends
// SetChargingProfile; after SignCertificate, CertificateSigned.
var interopStationCalls = []string{
	"BootNotification", "StatusNotification", "Heartbeat", "Authorize", "Authorize",
	"TransactionEvent", "NotifyEVChargingNeeds", "TransactionEvent", "MeterValues",
	"Get15118EVCertificate", "GetCertificateStatus", "SignCertificate", "TransactionEvent",
}

// runInteropStation connects our station client to a peer.js CSMS.
func runInteropStation(t *testing.T, flow interopFlow) {
	js := startNodePeer(t, "server", flow.protocol, flow.schemaSet)
	ev := js.waitFor(func(ev peerEvent) bool { return ev.Event == "listening" || ev.Event == "error" })
	if ev.Event == "error" {
		t.Fatalf("peer.js: %s", ev.Error)
	}
	got := make(chan string, 4)
	peer := NewPeer(PeerOptions{Router: flow.stationRouter(got), Endpoint: ocpp.EndpointOptions{CallTimeout: 20 * time.Second}})
	defer peer.Close()
	cl, err := NewClient(ClientOptions{
		URL: fmt.Sprintf("ws://127.0.0.1:%d/ocpp", ev.Port), StationID: "PLUGSIM-CS-1",
		Profile: Profile1, Password: interopPassword, Subprotocols: []string{flow.protocol},
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	conn, err := cl.Dial(ctx)
	if err != nil {
		t.Fatalf("Dial: %v; peer.js stderr:\n%s", err, js.stderrTail())
	}
	if conn.Subprotocol() != flow.protocol {
		t.Fatalf("subprotocol %q, want %q", conn.Subprotocol(), flow.protocol)
	}
	served := make(chan error, 1)
	go func() { served <- peer.Serve(ctx, conn) }()
	if err := flow.runStation(ctx, peer); err != nil {
		t.Errorf("station flow: %v", err)
	}
	var answered []string
	for len(answered) < 2 {
		select {
		case a := <-got:
			answered = append(answered, a)
		case <-ctx.Done():
			t.Fatalf("CSMS calls answered: %v, want SetChargingProfile and CertificateSigned", answered)
		}
	}
	// Wait until peer.js has logged the results of its two calls.
	results := 0
	js.waitFor(func(ev peerEvent) bool {
		if ev.Event == "result" || ev.Event == "call_error" {
			results++
		}
		return results == 2
	})
	conn.Close()
	<-served
	js.stdin.Close()
	for range js.events { // until peer.js exits
	}
	evs := js.snapshot()
	checkClean(t, evs)
	if d := diffStrings(interopStationCalls, actionsOf(evs, "call")); d != "" {
		t.Errorf("calls the ocpp-rpc CSMS received: %s", d)
	}
	if d := diffStrings([]string{"SetChargingProfile", "CertificateSigned"}, actionsOf(evs, "result")); d != "" {
		t.Errorf("results the ocpp-rpc CSMS received: %s", d)
	}
}

// runInteropCSMS serves a peer.js station with our CSMS server.
func runInteropCSMS(t *testing.T, flow interopFlow) {
	got := make(chan string, 4)
	srv, err := NewServer(ServerOptions{
		Subprotocols: []string{flow.protocol},
		Profile:      Profile1,
		Authenticate: func(id, pw string) bool { return id == "JS-STATION-1" && pw == interopPassword },
		Session: func(ctx context.Context, conn *Conn) error {
			p := NewPeer(PeerOptions{Endpoint: ocpp.EndpointOptions{CallTimeout: 20 * time.Second}})
			p.opts.Router = flow.csmsRouter(p, got) // the router's handlers call back through p
			return p.Serve(ctx, conn)
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	hs := startServer(t, srv, nil)
	js := startNodePeer(t, "client", flow.protocol, flow.schemaSet, baseURL(hs), "JS-STATION-1")
	js.waitFor(func(ev peerEvent) bool { return ev.Event == "done" || ev.Event == "error" })
	for range js.events {
	}
	evs := js.snapshot()
	checkClean(t, evs)
	if d := diffStrings(interopStationCalls, actionsOf(evs, "result")); d != "" {
		t.Errorf("results the ocpp-rpc station received: %s", d)
	}
	if d := diffStrings([]string{"SetChargingProfile", "CertificateSigned"}, actionsOf(evs, "call")); d != "" {
		t.Errorf("calls the ocpp-rpc station received: %s", d)
	}
	var answered []string
	for len(answered) < 2 {
		select {
		case a := <-got:
			answered = append(answered, a)
		case <-time.After(10 * time.Second):
			t.Fatalf("our CSMS got answers to %v, want SetChargingProfile and CertificateSigned", answered)
		}
	}
}

func diffStrings(want, got []string) string {
	if slices.Equal(want, got) {
		return ""
	}
	return fmt.Sprintf("got %q, want %q", got, want)
}

// TestInteropDetectsViolation shows the harness can fail: a
// BootNotification without its required reason, sent raw past our
// validation, is reported by ocpp-rpc as a schema violation and answered
// with a CALLERROR whose code we accept whatever it is.
func TestInteropDetectsViolation(t *testing.T) {
	js := startNodePeer(t, "server", SubprotocolOCPP201, "ocpp201")
	ev := js.waitFor(func(ev peerEvent) bool { return ev.Event == "listening" || ev.Event == "error" })
	if ev.Event == "error" {
		t.Fatalf("peer.js: %s", ev.Error)
	}
	peer := NewPeer(PeerOptions{})
	defer peer.Close()
	cl, err := NewClient(ClientOptions{URL: fmt.Sprintf("ws://127.0.0.1:%d/ocpp", ev.Port), StationID: "PLUGSIM-CS-1",
		Profile: Profile1, Password: interopPassword, Subprotocols: []string{SubprotocolOCPP201}})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	conn, err := cl.Dial(ctx)
	if err != nil {
		t.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- peer.Serve(ctx, conn) }()
	_, err = peer.Call(ctx, "BootNotification", json.RawMessage(`{"chargingStation":{"model":"m","vendorName":"v"}}`))
	var oe *ocpp.Error
	if !errors.As(err, &oe) {
		t.Fatalf("invalid BootNotification answered %v, want a CALLERROR", err)
	}
	if !oe.Code.IsSchemaViolation() && oe.Code != ocpp.ProtocolError {
		t.Logf("CALLERROR code %q (accepted: peers disagree on codes)", oe.Code)
	}
	v := js.waitFor(func(ev peerEvent) bool { return ev.Event == "violation" })
	if v.Method != "BootNotification" || v.Outbound {
		t.Fatalf("violation %+v, want one for the inbound BootNotification", v)
	}
	conn.Close()
	<-served
}
