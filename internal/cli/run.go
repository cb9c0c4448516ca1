package cli

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/spf13/pflag"

	"github.com/plugsim/plugsim/actors/pingpong"
	"github.com/plugsim/plugsim/actors/runtime"
	plugsimpb "github.com/plugsim/plugsim/proto"
)

// runConfig is the configuration of `plugsim run`.
type runConfig struct {
	globals
	Run           string
	Workers       int
	RemoteWorkers int
	Clock         string
	DataDir       string
	Listen        bool
	JoinTimeout   time.Duration
	Spec          pingpong.Spec
}

func (c *runConfig) validate() error {
	if c.Workers < 0 || c.RemoteWorkers < 0 {
		return errors.New("--workers and --remote-workers must not be negative")
	}
	if c.Workers+c.RemoteWorkers == 0 {
		return errors.New("--workers 0 needs --remote-workers N (N >= 1)")
	}
	if n := c.Workers + c.RemoteWorkers; n > pingpong.Groups {
		return fmt.Errorf("--workers plus --remote-workers is %d: at most %d shards", n, pingpong.Groups)
	}
	if c.Clock != "virtual" && c.Clock != "real" {
		return fmt.Errorf("--clock %q: want virtual or real", c.Clock)
	}
	if c.Clock == "real" && c.RemoteWorkers > 0 {
		return errors.New("--clock real runs in one process: --remote-workers needs --clock virtual")
	}
	if c.RemoteWorkers > 0 && len(c.NATS) == 0 && !c.Listen {
		c.Listen = true // workers need a server they can reach
	}
	if c.Run != "" {
		if err := (runtime.Address{Run: c.Run, Channel: "x", ID: "x"}).Validate(); err != nil {
			return fmt.Errorf("--run %q: not a valid subject token", c.Run)
		}
	}
	return c.Spec.Validate()
}

func runUsage(fs *pflag.FlagSet) func() {
	return func() {
		fmt.Fprintf(fs.Output(), `Usage: plugsim run [flags]

Runs a simulation. Until the scenario engine lands, run drives the built-in
"pingpong" workload: pairs of actors exchanging envelopes over NATS on a
periodic timer under the virtual (or real) clock. It exercises the runtime
(routing, ordering, the clock, supervision, several processes) and models no
charging. It prints a summary with the run digest: with a fixed seed the
digest is the same from run to run, whatever the run id and however many
shards and processes share the run.

With --remote-workers N the process coordinates N 'plugsim worker' processes
that join through --nats (or through the embedded server, whose URL it
prints).

Flags:
%s`, fs.FlagUsages())
	}
}

func runRun(ctx context.Context, args []string, io IO) int {
	var c runConfig
	fs := pflag.NewFlagSet("run", pflag.ContinueOnError)
	addGlobals(fs, &c.globals, false)
	fs.StringVar(&c.Run, "run", "", "run id, the subject token of this run (default: random)")
	fs.IntVar(&c.Workers, "workers", 1, "shards hosted in this process")
	fs.IntVar(&c.RemoteWorkers, "remote-workers", 0, "worker processes to wait for and give a shard each")
	fs.StringVar(&c.Clock, "clock", "virtual", "clock: virtual (as fast as possible, reproducible) or real (wall clock)")
	fs.StringVar(&c.DataDir, "data-dir", "", "JetStream store of the embedded NATS server (default: a temporary directory)")
	fs.BoolVar(&c.Listen, "listen", false, "let the embedded NATS server accept TCP clients on a free loopback port (implied by --remote-workers)")
	fs.DurationVar(&c.JoinTimeout, "join-timeout", time.Minute, "how long to wait for remote workers to join")
	fs.IntVar(&c.Spec.Pairs, "pairs", 1000, "pingpong: actor pairs")
	fs.DurationVar(&c.Spec.Period, "period", time.Minute, "pingpong: simulated time between two pings of a pair")
	fs.IntVar(&c.Spec.Slots, "slots", 10, "pingpong: distinct phases within a period the pairs spread over")
	fs.DurationVar(&c.Spec.End, "duration", time.Hour, "simulated duration (wall-clock duration with --clock real)")
	fs.IntVar(&c.Spec.PayloadMin, "payload-min", 64, "pingpong: smallest ping payload in bytes")
	fs.IntVar(&c.Spec.PayloadMax, "payload-max", 320, "pingpong: largest ping payload in bytes")
	fs.IntVar(&c.Spec.CrashEvery, "crash-every", 0, "pingpong: a ponger panics on every Nth ping (0: never), to exercise supervision")
	fs.Usage = runUsage(fs)
	if code, ok := parseFlags(fs, args, io); !ok {
		return code
	}
	if code, ok := noArgs(fs, io); !ok {
		return code
	}
	if err := c.validate(); err != nil {
		fmt.Fprintf(io.Stderr, "plugsim run: %v\n", err)
		return ExitUsage
	}
	if c.Run == "" {
		// A random run id: two runs with the same seed on one NATS server
		// must not share subjects. The digest does not depend on it.
		var b [4]byte
		rand.Read(b[:])
		c.Run = "pp" + hex.EncodeToString(b[:])
	}
	log, err := c.logger(io.Stderr)
	if err != nil {
		fmt.Fprintf(io.Stderr, "plugsim run: %v\n", err)
		return ExitUsage
	}
	fmt.Fprintf(io.Stdout, "plugsim run: seed %d, run %s, workload pingpong (a synthetic runtime exercise: no charging is modelled)\n", c.Seed, c.Run)
	reg := prometheus.NewRegistry()
	stopObs, err := c.observability(reg, log)
	defer stopObs()
	if err != nil {
		fmt.Fprintf(io.Stderr, "plugsim run: %v\n", err)
		return ExitUsage
	}
	metrics := runtime.NewMetrics(reg)
	tr, err := runtime.Connect(ctx, runtime.TransportOptions{URLs: c.NATS, Listen: c.Listen, DataDir: c.DataDir, Name: "plugsim-run", Logger: log, Metrics: metrics})
	if err != nil {
		fmt.Fprintf(io.Stderr, "plugsim run: %v\n", err)
		return ExitUsage
	}
	defer tr.Close()
	if u := tr.ClientURL(); u != "" {
		fmt.Fprintf(io.Stdout, "embedded NATS server listening on %s\n", u)
	}
	sum, err := runPingPong(ctx, &c, tr, metrics, log, io)
	if err != nil {
		fmt.Fprintf(io.Stderr, "plugsim run: %v\n", err)
		return ExitFail
	}
	printSummary(io, &c, sum)
	if len(sum.errors) > 0 || sum.dropped > 0 {
		return ExitFail
	}
	return ExitOK
}

// runSummary is what a run measured.
type runSummary struct {
	actors                         int
	shards                         int
	wall                           time.Duration
	stats                          runtime.RunStats
	sent, delivered, dropped       uint64
	timers, restarts               uint64
	pings, pongs, roundTrips       uint64
	digest                         runtime.Digest
	errors                         []string
	slowConsumers, natsReconnected uint64
}

func runPingPong(ctx context.Context, c *runConfig, tr *runtime.Transport, metrics *runtime.Metrics, log *slog.Logger, io IO) (*runSummary, error) {
	shards := c.Workers + c.RemoteWorkers
	mode := runtime.VirtualTime
	if c.Clock == "real" {
		mode = runtime.RealTime
	}
	stats := &pingpong.Stats{}
	var locals []*runtime.Worker
	defer func() {
		for _, w := range locals {
			w.Close()
		}
	}()
	for s := 0; s < c.Workers; s++ {
		w, err := runtime.NewWorker(runtime.WorkerOptions{
			Run: c.Run, Conn: tr.Conn, Clock: mode, Seed: c.Seed, Logger: log, Metrics: metrics,
			Channels: []string{pingpong.Channel}, Subscriptions: pingpong.ShardSubjects(c.Run, s, shards), ID: fmt.Sprintf("local%d", s),
		})
		if err != nil {
			return nil, err
		}
		locals = append(locals, w)
		if err := pingpong.SpawnShard(w, c.Spec, s, shards, stats); err != nil {
			return nil, err
		}
		if err := w.Subscribe(); err != nil {
			return nil, err
		}
	}
	for _, w := range locals { // every local shard listens before any starts
		if err := w.Start(); err != nil {
			return nil, err
		}
	}
	var remotes []*runtime.RemoteMember
	if c.RemoteWorkers > 0 {
		fmt.Fprintf(io.Stdout, "waiting for %d worker(s): plugsim worker --nats %s --run %s\n", c.RemoteWorkers, natsURLFor(c, tr), c.Run)
		jctx, cancel := context.WithTimeout(ctx, c.JoinTimeout)
		var err error
		remotes, err = runtime.AwaitWorkers(jctx, tr.Conn, c.Run, c.RemoteWorkers, func(i int) *plugsimpb.Assign {
			return &plugsimpb.Assign{Shard: uint32(c.Workers + i), Shards: uint32(shards), Seed: c.Seed, Workload: pingpong.Name, Spec: c.Spec.Encode()}
		}, log)
		cancel()
		if err != nil {
			return nil, err
		}
	}
	sum := &runSummary{shards: shards}
	start := time.Now()
	if mode == runtime.VirtualTime {
		var members []runtime.Member
		for _, w := range locals {
			members = append(members, w)
		}
		for _, r := range remotes {
			members = append(members, r)
		}
		lastLog := time.Now()
		progress := func(epoch uint64, now time.Duration) {
			if time.Since(lastLog) >= 250*time.Millisecond {
				lastLog = time.Now()
				log.Info("progress", "epoch", epoch, "sim_time", now)
			}
		}
		st, err := runtime.RunVirtual(ctx, runtime.CoordinatorOptions{Members: members, End: c.Spec.End, Logger: log, OnEpoch: progress})
		if err != nil {
			for _, r := range remotes {
				r.Abort(err.Error())
			}
			return nil, err
		}
		sum.stats = st
	} else {
		if err := waitReal(ctx, c.Spec.End+c.Spec.Period, locals); err != nil {
			return nil, err
		}
	}
	sum.wall = time.Since(start)
	for _, w := range locals {
		s := w.Stats()
		sum.actors += s.Actors
		sum.sent += s.Sent
		sum.delivered += s.Received
		sum.dropped += s.Dropped
		sum.timers += s.Timers
		sum.restarts += s.Restarts
		sum.digest = sum.digest.Add(w.Digest())
	}
	sum.pings, sum.pongs, sum.roundTrips = stats.Pings.Load(), stats.Pongs.Load(), stats.RoundTrips.Load()
	sum.errors = stats.Errors()
	for _, r := range remotes {
		f, err := r.Finish(ctx)
		if err != nil {
			return nil, err
		}
		var d runtime.Digest
		copy(d[:], f.Digest)
		sum.digest = sum.digest.Add(d)
		sum.delivered += f.Delivered
		sum.dropped += f.Dropped
		sum.timers += f.Timers
		sum.restarts += f.Restarts
		sum.errors = append(sum.errors, f.Errors...)
		var w pingpong.Totals
		if err := w.Decode(f); err != nil {
			return nil, err
		}
		sum.pings += w.Pings
		sum.pongs += w.Pongs
		sum.roundTrips += w.RoundTrips
		sum.actors += int(f.Actors)
		sum.sent += f.Sent
	}
	sum.slowConsumers, sum.natsReconnected = tr.SlowConsumerEvents(), tr.Reconnects()
	return sum, nil
}

// waitReal lets a real-time run go for d, then until its frames are
// quiet.
func waitReal(ctx context.Context, d time.Duration, ws []*runtime.Worker) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
	}
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	deadline := time.Now().Add(30 * time.Second)
	for {
		var sent, recv uint64
		for _, w := range ws {
			s := w.Stats()
			sent += s.Sent
			recv += s.Received
		}
		if sent == recv {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("real-time run: %d frames sent, %d received after the end", sent, recv)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-tick.C:
		}
	}
}

func natsURLFor(c *runConfig, tr *runtime.Transport) string {
	if len(c.NATS) > 0 {
		return strings.Join(c.NATS, ",")
	}
	return tr.ClientURL()
}

func printSummary(io IO, c *runConfig, s *runSummary) {
	w := io.Stdout
	fmt.Fprintf(w, "actors %d in %d shard(s), clock %s\n", s.actors, s.shards, c.Clock)
	if c.Clock == "virtual" {
		rate := s.stats.Now.Seconds() / max(s.wall.Seconds(), 1e-9)
		fmt.Fprintf(w, "simulated %v in %v wall (%.0f simulated s per wall s), %d instants, %d epochs, %d waves, %d resend waves\n",
			s.stats.Now, s.wall.Round(time.Millisecond), rate, s.stats.Instants, s.stats.Epochs, s.stats.Waves, s.stats.Resends)
	} else {
		fmt.Fprintf(w, "ran %v wall\n", s.wall.Round(time.Millisecond))
	}
	fmt.Fprintf(w, "frames sent %d, delivered %d, dropped %d; timers %d; pings %d, pongs %d, round trips %d; actor restarts %d\n",
		s.sent, s.delivered, s.dropped, s.timers, s.pings, s.pongs, s.roundTrips, s.restarts)
	if s.slowConsumers > 0 || s.natsReconnected > 0 {
		fmt.Fprintf(w, "nats: %d slow-consumer events, %d reconnects\n", s.slowConsumers, s.natsReconnected)
	}
	for _, e := range s.errors {
		fmt.Fprintf(w, "error: %s\n", e)
	}
	fmt.Fprintf(w, "digest %s\n", s.digest)
}
