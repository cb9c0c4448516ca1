package cli

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/spf13/pflag"

	"github.com/plugsim/plugsim/actors/pingpong"
	"github.com/plugsim/plugsim/actors/runtime"
	plugsimpb "github.com/plugsim/plugsim/proto"
)

func runWorker(ctx context.Context, args []string, io IO) int {
	var (
		g   globals
		run string
		id  string
	)
	fs := pflag.NewFlagSet("worker", pflag.ContinueOnError)
	addGlobals(fs, &g, true)
	fs.StringVar(&run, "run", "", "run id to join (required; 'plugsim run' prints it)")
	fs.StringVar(&id, "id", "", "worker id, unique in the run (default: random)")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), `Usage: plugsim worker --nats URL --run ID [flags]

Joins a run coordinated by 'plugsim run --remote-workers N' through NATS,
hosts the shard of actors the coordinator assigns, follows its virtual
clock and reports its counts at the end. The seed comes from the
coordinator; --seed is ignored.

Flags:
%s`, fs.FlagUsages())
	}
	if code, ok := parseFlags(fs, args, io); !ok {
		return code
	}
	if code, ok := noArgs(fs, io); !ok {
		return code
	}
	if len(g.NATS) == 0 || run == "" {
		fmt.Fprintln(io.Stderr, "plugsim worker: --nats and --run are required")
		fs.Usage()
		return ExitUsage
	}
	if err := (runtime.Address{Run: run, Channel: "x", ID: "x"}).Validate(); err != nil {
		fmt.Fprintf(io.Stderr, "plugsim worker: --run %q: not a valid subject token\n", run)
		return ExitUsage
	}
	if id == "" {
		var b [6]byte
		rand.Read(b[:])
		id = "w" + hex.EncodeToString(b[:])
	}
	log, err := g.logger(io.Stderr)
	if err != nil {
		fmt.Fprintf(io.Stderr, "plugsim worker: %v\n", err)
		return ExitUsage
	}
	log = log.With("worker", id)
	reg := prometheus.NewRegistry()
	stopObs, err := g.observability(reg, log)
	defer stopObs()
	if err != nil {
		fmt.Fprintf(io.Stderr, "plugsim worker: %v\n", err)
		return ExitUsage
	}
	metrics := runtime.NewMetrics(reg)
	tr, err := runtime.Connect(ctx, runtime.TransportOptions{URLs: g.NATS, Name: "plugsim-worker-" + id, Logger: log, Metrics: metrics})
	if err != nil {
		fmt.Fprintf(io.Stderr, "plugsim worker: %v\n", err)
		return ExitUsage
	}
	defer tr.Close()
	stats := &pingpong.Stats{}
	fmt.Fprintf(io.Stdout, "plugsim worker %s: joining run %s\n", id, run)
	final, err := runtime.ServeWorkerProcess(ctx, runtime.WorkerProcessOptions{
		Conn: tr.Conn, Run: run, ID: id, Logger: log,
		Setup: func(_ context.Context, a *plugsimpb.Assign) (*runtime.Worker, func() *plugsimpb.FinalReport, error) {
			if a.Workload != pingpong.Name {
				return nil, nil, fmt.Errorf("unknown workload %q", a.Workload)
			}
			spec, err := pingpong.DecodeSpec(a.Spec)
			if err != nil {
				return nil, nil, err
			}
			fmt.Fprintf(io.Stdout, "assigned shard %d of %d, seed %d\n", a.Shard, a.Shards, a.Seed)
			w, err := runtime.NewWorker(runtime.WorkerOptions{
				Run: run, Conn: tr.Conn, Clock: runtime.VirtualTime, Seed: a.Seed, Logger: log, Metrics: metrics,
				Channels: []string{pingpong.Channel}, Subscriptions: pingpong.ShardSubjects(run, int(a.Shard), int(a.Shards)), ID: id,
			})
			if err != nil {
				return nil, nil, err
			}
			if err := pingpong.SpawnShard(w, spec, int(a.Shard), int(a.Shards), stats); err != nil {
				w.Close()
				return nil, nil, err
			}
			if err := w.Start(); err != nil {
				w.Close()
				return nil, nil, err
			}
			return w, func() *plugsimpb.FinalReport {
				return &plugsimpb.FinalReport{Errors: stats.Errors(), Workload: stats.Totals().Encode()}
			}, nil
		},
	})
	if err != nil {
		if errors.Is(err, context.Canceled) {
			fmt.Fprintln(io.Stderr, "plugsim worker: interrupted")
			return ExitFail
		}
		fmt.Fprintf(io.Stderr, "plugsim worker: %v\n", err)
		return ExitFail
	}
	fmt.Fprintf(io.Stdout, "finished: delivered %d frames, sent %d, %d timers, %d errors\n", final.Delivered, final.Sent, final.Timers, len(final.Errors))
	return ExitOK
}
