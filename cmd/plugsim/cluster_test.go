package main

import (
	"bufio"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
)

// buildBinary builds plugsim into a temporary directory.
func buildBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "plugsim")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// freePorts picks n route ports outside the kernel's ephemeral range
// (ports drawn from that range race with outgoing connections), checking
// that each can be bound now.
func freePorts(t *testing.T, n int) []int {
	t.Helper()
	rng := rand.New(rand.NewPCG(uint64(os.Getpid()), uint64(time.Now().UnixNano())))
	var ports []int
	for tries := 0; len(ports) < n && tries < 1000; tries++ {
		p := 20000 + rng.IntN(10000)
		ln, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", p))
		if err != nil {
			continue
		}
		ln.Close()
		ports = append(ports, p)
	}
	if len(ports) < n {
		t.Fatal("no free route ports")
	}
	return ports
}

// startCluster starts a 3-node NATS cluster on loopback with explicit
// route ports and returns the servers once fully meshed.
func startCluster(t *testing.T) []*server.Server {
	t.Helper()
	ports := freePorts(t, 3)
	var routes []string
	for _, p := range ports {
		routes = append(routes, fmt.Sprintf("nats-route://127.0.0.1:%d", p))
	}
	var servers []*server.Server
	for i, p := range ports {
		opts := &server.Options{
			ServerName: fmt.Sprintf("n%d", i),
			Host:       "127.0.0.1",
			Port:       server.RANDOM_PORT,
			NoSigs:     true,
			Cluster:    server.ClusterOpts{Name: "plugsim-test", Host: "127.0.0.1", Port: p},
			Routes:     server.RoutesFromStr(strings.Join(routes, ",")),
		}
		s, err := server.NewServer(opts)
		if err != nil {
			t.Fatal(err)
		}
		go s.Start()
		if !s.ReadyForConnections(10 * time.Second) {
			t.Fatalf("server %d not ready", i)
		}
		servers = append(servers, s)
		t.Cleanup(s.Shutdown)
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		meshed := true
		for _, s := range servers {
			if s.NumRoutes() < 2 {
				meshed = false
			}
		}
		if meshed {
			return servers
		}
		if time.Now().After(deadline) {
			t.Fatal("cluster routes did not connect")
		}
		<-time.After(20 * time.Millisecond) // polling the cluster's own state, not synchronising with our code
	}
}

// proc is a started plugsim process with its output collected.
type proc struct {
	cmd    *exec.Cmd
	mu     sync.Mutex
	out    strings.Builder
	lines  chan string
	waited chan error
}

func start(t *testing.T, bin string, args ...string) *proc {
	t.Helper()
	p := &proc{cmd: exec.Command(bin, args...), lines: make(chan string, 1024), waited: make(chan error, 1)}
	stdout, _ := p.cmd.StdoutPipe()
	stderr, _ := p.cmd.StderrPipe()
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.cmd.Process.Kill() })
	var wg sync.WaitGroup
	for _, r := range []io.Reader{stdout, stderr} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sc := bufio.NewScanner(r)
			for sc.Scan() {
				p.mu.Lock()
				p.out.WriteString(sc.Text() + "\n")
				p.mu.Unlock()
				select {
				case p.lines <- sc.Text():
				default:
				}
			}
		}()
	}
	go func() { wg.Wait(); p.waited <- p.cmd.Wait() }()
	return p
}

func (p *proc) output() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.out.String()
}

var (
	digestRE = regexp.MustCompile(`digest ([0-9a-f]{64})`)
	framesRE = regexp.MustCompile(`frames sent (\d+), delivered (\d+), dropped (\d+)`)
	tripsRE  = regexp.MustCompile(`pings (\d+), pongs (\d+), round trips (\d+)`)
)

// TestMultiProcessRunSurvivesNodeLoss runs a coordinator and two worker
// processes over a 3-node NATS cluster, kills the node with the most
// clients mid-run, and checks that the run completes with every envelope
// delivered exactly once: the counts match and the run digest equals the
// digest of the same run (same seed) in one process with one shard.
func TestMultiProcessRunSurvivesNodeLoss(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and runs four processes; skipped with -short")
	}
	bin := buildBinary(t)
	workload := []string{"--seed", "5", "--pairs", "200", "--period", "1m", "--slots", "10", "--duration", "3h"}

	// The reference run has another run id (a random one): the digest does
	// not depend on it.
	ref := start(t, bin, append([]string{"run", "--workers", "1", "--log-level", "warn"}, workload...)...)
	if err := <-ref.waited; err != nil {
		t.Fatalf("single-process reference run: %v\n%s", err, ref.output())
	}
	want := digestRE.FindStringSubmatch(ref.output())
	if want == nil {
		t.Fatalf("no digest in reference run:\n%s", ref.output())
	}

	servers := startCluster(t)
	var urls []string
	for _, s := range servers {
		urls = append(urls, s.ClientURL())
	}
	natsURL := strings.Join(urls, ",")
	coord := start(t, bin, append([]string{"run", "--run", "mp", "--nats", natsURL, "--workers", "0", "--remote-workers", "2", "--log-level", "info"}, workload...)...)
	w1 := start(t, bin, "worker", "--nats", natsURL, "--run", "mp", "--id", "w1", "--log-level", "warn")
	w2 := start(t, bin, "worker", "--nats", natsURL, "--run", "mp", "--id", "w2", "--log-level", "warn")

	// Kill the busiest node once the coordinator reports progress.
	killed := false
	timeout := time.After(4 * time.Minute)
	for !killed {
		select {
		case line := <-coord.lines:
			if strings.Contains(line, "msg=progress") {
				victim := servers[0]
				for _, s := range servers {
					if s.NumClients() > victim.NumClients() {
						victim = s
					}
				}
				t.Logf("killing NATS node %s (%d clients) at: %s", victim.Name(), victim.NumClients(), line)
				victim.Shutdown()
				killed = true
			}
		case err := <-coord.waited:
			t.Fatalf("coordinator ended before the node was killed (%v):\n%s", err, coord.output())
		case <-timeout:
			t.Fatalf("no progress from the coordinator:\n%s", coord.output())
		}
	}
	select {
	case err := <-coord.waited:
		if err != nil {
			t.Fatalf("coordinator: %v\n%s\nworker 1:\n%s\nworker 2:\n%s", err, coord.output(), w1.output(), w2.output())
		}
	case <-timeout:
		t.Fatalf("run did not complete:\n%s", coord.output())
	}
	for _, w := range []*proc{w1, w2} {
		select {
		case err := <-w.waited:
			if err != nil {
				t.Errorf("worker: %v\n%s", err, w.output())
			}
		case <-time.After(time.Minute):
			t.Errorf("worker did not exit:\n%s", w.output())
		}
	}
	out := coord.output()
	for _, line := range strings.Split(out, "\n") {
		if strings.HasPrefix(line, "simulated") || strings.HasPrefix(line, "frames") || strings.HasPrefix(line, "nats:") {
			t.Log(line)
		}
	}
	got := digestRE.FindStringSubmatch(out)
	if got == nil || got[1] != want[1] {
		t.Errorf("multi-process digest %v, want %s (single process)\n%s", got, want[1], out)
	}
	f := framesRE.FindStringSubmatch(out)
	if f == nil || f[1] != f[2] || f[3] != "0" {
		t.Errorf("frames: %v, want sent == delivered and none dropped\n%s", f, out)
	}
	if rf := framesRE.FindStringSubmatch(ref.output()); rf == nil || f == nil || rf[1] != f[1] {
		t.Errorf("frames sent %v in one process, %v across processes", rf, f)
	}
	if tr := tripsRE.FindStringSubmatch(out); tr == nil || tr[1] != tr[2] || tr[2] != tr[3] {
		t.Errorf("pings/pongs/round trips: %v, want all equal", tr)
	}
	if strings.Contains(out, "error:") {
		t.Errorf("workload errors:\n%s", out)
	}
}
