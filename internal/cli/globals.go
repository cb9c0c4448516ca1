package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"strings"
	"time"

	"github.com/grafana/pyroscope-go"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/spf13/pflag"
)

// globals are the flags every long-running command accepts.
type globals struct {
	Seed        int64
	NATS        []string
	MetricsAddr string
	Pyroscope   string
	LogLevel    string
	LogFormat   string
}

// addGlobals registers the global flags on fs. A worker takes its seed
// from the coordinator and needs --nats; its help says so.
func addGlobals(fs *pflag.FlagSet, g *globals, worker bool) {
	if worker {
		fs.Int64Var(&g.Seed, "seed", 1, "ignored: a worker uses the coordinator's seed (printed when assigned)")
		fs.StringSliceVar(&g.NATS, "nats", nil, "NATS server URL(s) of the run, comma-separated (required)")
	} else {
		fs.Int64Var(&g.Seed, "seed", 1, "run seed: every random draw derives from it (printed at start)")
		fs.StringSliceVar(&g.NATS, "nats", nil, "NATS server URL(s) of an external server or cluster, comma-separated (default: an embedded server)")
	}
	fs.StringVar(&g.MetricsAddr, "metrics-addr", "", "serve Prometheus /metrics and /debug/pprof/ on this address (default: off)")
	fs.StringVar(&g.Pyroscope, "pyroscope", "", "send continuous profiles to this Pyroscope server URL (default: off)")
	fs.StringVar(&g.LogLevel, "log-level", "info", "log level: debug, info, warn or error")
	fs.StringVar(&g.LogFormat, "log-format", "text", "log format: text or json")
}

// logger builds the slog logger the flags ask for.
func (g *globals) logger(w io.Writer) (*slog.Logger, error) {
	var level slog.Level
	if err := level.UnmarshalText([]byte(g.LogLevel)); err != nil {
		return nil, fmt.Errorf("--log-level %q: want debug, info, warn or error", g.LogLevel)
	}
	opts := &slog.HandlerOptions{Level: level}
	switch g.LogFormat {
	case "text":
		return slog.New(slog.NewTextHandler(w, opts)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	}
	return nil, fmt.Errorf("--log-format %q: want text or json", g.LogFormat)
}

// observability starts the metrics endpoint and the profiler the flags ask
// for; stop ends them.
func (g *globals) observability(reg *prometheus.Registry, log *slog.Logger) (stop func(), err error) {
	var stops []func()
	stop = func() {
		for i := len(stops) - 1; i >= 0; i-- {
			stops[i]()
		}
	}
	if g.MetricsAddr != "" {
		reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
		mux := http.NewServeMux()
		mux.Handle("/metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{Registry: reg}))
		mux.HandleFunc("/debug/pprof/", pprof.Index)
		mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
		mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
		mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
		mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
		ln, err := net.Listen("tcp", g.MetricsAddr)
		if err != nil {
			return stop, fmt.Errorf("--metrics-addr %s: %w", g.MetricsAddr, err)
		}
		srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
		go func() {
			if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
				log.Warn("metrics_server_failed", "err", err)
			}
		}()
		log.Info("metrics_listening", "addr", ln.Addr().String())
		stops = append(stops, func() {
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			defer cancel()
			srv.Shutdown(ctx)
		})
	}
	if g.Pyroscope != "" {
		if !strings.HasPrefix(g.Pyroscope, "http://") && !strings.HasPrefix(g.Pyroscope, "https://") {
			return stop, fmt.Errorf("--pyroscope %q: want an http(s) URL", g.Pyroscope)
		}
		p, err := pyroscope.Start(pyroscope.Config{
			ApplicationName: "plugsim",
			ServerAddress:   g.Pyroscope,
			DisableGCRuns:   true,
		})
		if err != nil {
			return stop, fmt.Errorf("--pyroscope: %w", err)
		}
		stops = append(stops, func() { p.Stop() })
	}
	return stop, nil
}

// parseFlags parses args into fs. --help prints the usage on stdout and
// returns status 0; a bad flag prints the error and the usage on stderr
// and returns status 2. ok is false when the caller must return code. The
// usage function of fs must write to fs.Output().
func parseFlags(fs *pflag.FlagSet, args []string, io IO) (code int, ok bool) {
	fs.SetOutput(io.Stdout) // where pflag prints the usage for --help
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			return ExitOK, false
		}
		fs.SetOutput(io.Stderr)
		fmt.Fprintf(io.Stderr, "plugsim %s: %v\n", fs.Name(), err)
		fs.Usage()
		return ExitUsage, false
	}
	fs.SetOutput(io.Stderr)
	return 0, true
}

// noArgs reports an unexpected positional argument as a usage error.
func noArgs(fs *pflag.FlagSet, io IO) (code int, ok bool) {
	if fs.NArg() == 0 {
		return 0, true
	}
	fmt.Fprintf(io.Stderr, "plugsim %s: unexpected argument %q\n", fs.Name(), fs.Arg(0))
	fs.Usage()
	return ExitUsage, false
}
