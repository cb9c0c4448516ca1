package runtime_test

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	goruntime "runtime"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"google.golang.org/protobuf/proto"

	"github.com/plugsim/plugsim/actors/runtime"
	plugsimpb "github.com/plugsim/plugsim/proto"
)

// TestMain lets the test binary act as the publisher process of the
// cross-process benchmarks.
func TestMain(m *testing.M) {
	if url := os.Getenv("PLUGSIM_BENCH_PUBLISH_URL"); url != "" {
		os.Exit(publisherProcess(url))
	}
	flag.Parse()
	os.Exit(m.Run())
}

const benchPayload = 300

// publisherProcess publishes PLUGSIM_BENCH_N envelopes to
// PLUGSIM_BENCH_SUBJECT, encoding each (raw: the same bytes unencoded).
func publisherProcess(url string) int {
	n, _ := strconv.Atoi(os.Getenv("PLUGSIM_BENCH_N"))
	subject := os.Getenv("PLUGSIM_BENCH_SUBJECT")
	envelope := os.Getenv("PLUGSIM_BENCH_ENVELOPE") == "1"
	nc, err := nats.Connect(url)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer nc.Close()
	publish(nc, subject, n, envelope)
	if err := nc.Flush(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}

func publish(nc *nats.Conn, subject string, n int, envelope bool) {
	payload := make([]byte, benchPayload)
	f := &plugsimpb.Frame{Run: "bench", Session: "s", Protocol: plugsimpb.Protocol_PROTOCOL_PINGPONG, Src: "pp.src", Payload: payload}
	for i := 1; i <= n; i++ {
		data := payload
		if envelope {
			f.Seq = uint64(i)
			data, _ = proto.Marshal(f)
		}
		nc.Publish(subject, data)
	}
}

// counter counts deliveries and closes done at want.
type counter struct {
	n    *atomic.Int64
	want int64
	done chan struct{}
}

func (c *counter) Receive(ctx *runtime.Context) {
	if _, ok := ctx.Message().(*runtime.Delivery); ok {
		if c.n.Add(1) == c.want {
			close(c.done)
		}
	}
}

// BenchmarkDelivery measures envelopes published and delivered to an
// actor through the runtime's router, next to raw nats.go publish and
// subscribe of the same 300-byte payload, in the same run: the ratio
// msgs/s(runtime) / msgs/s(raw) is the figure. "inproc" publishes from
// this process over the embedded server's in-process connection;
// "crossproc" publishes from a child process over TCP loopback.
func BenchmarkDelivery(b *testing.B) {
	for _, where := range []string{"inproc", "crossproc"} {
		for _, kind := range []string{"raw", "runtime"} {
			b.Run(where+"/"+kind, func(b *testing.B) {
				tr, err := runtime.Connect(context.Background(), runtime.TransportOptions{Listen: where == "crossproc"})
				if err != nil {
					b.Fatal(err)
				}
				defer tr.Close()
				done := make(chan struct{})
				var n atomic.Int64
				want := int64(b.N)
				subject := "plugsim.bench.pp.sink"
				if kind == "raw" {
					sub, err := tr.Conn.Subscribe(subject, func(*nats.Msg) {
						if n.Add(1) == want {
							close(done)
						}
					})
					if err != nil {
						b.Fatal(err)
					}
					sub.SetPendingLimits(-1, -1)
				} else {
					w, err := runtime.NewWorker(runtime.WorkerOptions{Run: "bench", Conn: tr.Conn, Clock: runtime.RealTime})
					if err != nil {
						b.Fatal(err)
					}
					defer w.Close()
					w.Spawn(runtime.Address{Run: "bench", Channel: "pp", ID: "sink"}, func(*runtime.Env) runtime.Actor {
						return &counter{n: &n, want: want, done: done}
					})
					if err := w.Start(); err != nil {
						b.Fatal(err)
					}
				}
				tr.Conn.Flush()
				b.ResetTimer()
				start := time.Now()
				if where == "inproc" {
					publish(tr.Conn, subject, b.N, kind == "runtime")
				} else {
					cmd := exec.Command(os.Args[0])
					cmd.Env = append(os.Environ(), "PLUGSIM_BENCH_PUBLISH_URL="+tr.ClientURL(),
						"PLUGSIM_BENCH_N="+strconv.Itoa(b.N), "PLUGSIM_BENCH_SUBJECT="+subject,
						"PLUGSIM_BENCH_ENVELOPE="+map[bool]string{true: "1", false: "0"}[kind == "runtime"])
					if out, err := cmd.CombinedOutput(); err != nil {
						b.Fatalf("publisher: %v\n%s", err, out)
					}
				}
				select {
				case <-done:
				case <-time.After(2 * time.Minute):
					b.Fatalf("delivered %d of %d", n.Load(), b.N)
				}
				b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "msgs/s")
			})
		}
	}
}

type idle struct{}

func (idle) Receive(*runtime.Context) {}

// BenchmarkIdleActorMemory measures the heap per idle routed actor
// (actor, mailbox, Env and route) at 100k and 1M actors.
func BenchmarkIdleActorMemory(b *testing.B) {
	for _, n := range []int{100_000, 1_000_000} {
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			tr, err := runtime.Connect(context.Background(), runtime.TransportOptions{})
			if err != nil {
				b.Fatal(err)
			}
			defer tr.Close()
			for i := 0; i < b.N; i++ {
				w, err := runtime.NewWorker(runtime.WorkerOptions{Run: "mem", Conn: tr.Conn, Clock: runtime.VirtualTime})
				if err != nil {
					b.Fatal(err)
				}
				before := heapInUse()
				for j := 0; j < n; j++ {
					if _, err := w.Spawn(runtime.Address{Run: "mem", Channel: "pp", ID: "a" + strconv.Itoa(j)}, func(*runtime.Env) runtime.Actor { return idle{} }); err != nil {
						b.Fatal(err)
					}
				}
				if _, err := w.Step(context.Background(), &plugsimpb.Step{Epoch: 1}); err != nil { // all started
					b.Fatal(err)
				}
				after := heapInUse()
				b.ReportMetric(float64(after-before)/float64(n), "B/actor")
				w.Close()
			}
		})
	}
}

func heapInUse() uint64 {
	var m goruntime.MemStats
	goruntime.GC()
	goruntime.GC()
	goruntime.ReadMemStats(&m)
	return m.HeapInuse
}

// ticker wakes every second.
type ticker struct {
	env   *runtime.Env
	phase time.Duration
}

func (t *ticker) Receive(c *runtime.Context) {
	switch c.Message().(type) {
	case runtime.Started:
		t.env.After(t.phase, nil)
	case *runtime.Timer:
		t.env.After(time.Second, nil)
	}
}

// BenchmarkVirtualClock runs 10k actors that each hold a 1 s periodic
// timer under the virtual clock; one op is one simulated second. "aligned"
// puts every timer on the same instants; "spread" spreads them over 1000
// distinct millisecond phases (1000 instants per simulated second).
func BenchmarkVirtualClock(b *testing.B) {
	for _, layout := range []struct {
		name   string
		phases int
	}{{"aligned", 1}, {"spread", 1000}} {
		b.Run(layout.name, func(b *testing.B) {
			tr, err := runtime.Connect(context.Background(), runtime.TransportOptions{})
			if err != nil {
				b.Fatal(err)
			}
			defer tr.Close()
			w, err := runtime.NewWorker(runtime.WorkerOptions{Run: "clock", Conn: tr.Conn, Clock: runtime.VirtualTime})
			if err != nil {
				b.Fatal(err)
			}
			defer w.Close()
			for j := 0; j < 10_000; j++ {
				phase := time.Duration(j%layout.phases) * time.Second / time.Duration(layout.phases)
				w.Spawn(runtime.Address{Run: "clock", Channel: "pp", ID: "t" + strconv.Itoa(j)}, func(env *runtime.Env) runtime.Actor {
					return &ticker{env: env, phase: phase}
				})
			}
			b.ResetTimer()
			start := time.Now()
			st, err := runtime.RunVirtual(context.Background(), runtime.CoordinatorOptions{Members: []runtime.Member{w}, End: time.Duration(b.N)*time.Second - time.Nanosecond})
			if err != nil {
				b.Fatal(err)
			}
			wall := time.Since(start).Seconds()
			b.ReportMetric(float64(b.N)/wall, "sim-s/wall-s")
			b.ReportMetric(float64(w.Stats().Timers)/wall, "timers/s")
			_ = st
		})
	}
}
