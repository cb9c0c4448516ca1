package runtime

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"strings"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
)

// TransportOptions configure [Connect].
type TransportOptions struct {
	// URLs of an external NATS server or cluster. Empty (the default) starts
	// an embedded nats-server in this process.
	URLs []string
	// Listen makes the embedded server accept TCP clients on a free
	// loopback port, so that worker processes can join. The default is an
	// in-process connection only.
	Listen bool
	// DataDir is the embedded server's JetStream store. Empty (the default)
	// uses a temporary directory removed by Close.
	DataDir string
	// Name is the client connection name. Default "plugsim".
	Name string
	// ConnectTimeout bounds the first connection to an external server,
	// all URLs together. Default 2 s.
	ConnectTimeout time.Duration
	// Logger receives connection events. Default: discard.
	Logger *slog.Logger
	// Metrics, when set, counts reconnections and slow-consumer errors.
	Metrics *Metrics
}

// Transport is one NATS connection, and the embedded server when there is
// one.
type Transport struct {
	// Conn is the connection to publish and subscribe with.
	Conn *nats.Conn

	server  *server.Server
	tmpDir  string
	log     *slog.Logger
	slow    atomic.Uint64
	reconns atomic.Uint64
}

// ErrUnreachable is wrapped by [Connect] when no server answers.
var ErrUnreachable = errors.New("nats server unreachable")

// Connect starts an embedded server or joins the servers of opts.URLs.
func Connect(ctx context.Context, opts TransportOptions) (*Transport, error) {
	t := &Transport{log: opts.Logger}
	if t.log == nil {
		t.log = slog.New(slog.DiscardHandler)
	}
	if opts.Name == "" {
		opts.Name = "plugsim"
	}
	if opts.ConnectTimeout <= 0 {
		opts.ConnectTimeout = 2 * time.Second
	}
	natsOpts := []nats.Option{
		nats.Name(opts.Name),
		nats.Timeout(opts.ConnectTimeout),
		nats.MaxReconnects(-1),
		nats.ReconnectWait(100 * time.Millisecond),
		nats.ReconnectJitter(50*time.Millisecond, 50*time.Millisecond),
		nats.ReconnectBufSize(64 << 20),
		nats.PingInterval(2 * time.Second),
		nats.MaxPingsOutstanding(2),
		nats.DisconnectErrHandler(func(_ *nats.Conn, err error) {
			if err != nil {
				t.log.Warn("nats_disconnected", "err", err)
			}
		}),
		nats.ReconnectHandler(func(c *nats.Conn) {
			t.reconns.Add(1)
			if opts.Metrics != nil {
				opts.Metrics.NATSReconnects.Inc()
			}
			t.log.Info("nats_reconnected", "url", c.ConnectedUrlRedacted())
		}),
		nats.ErrorHandler(func(_ *nats.Conn, sub *nats.Subscription, err error) {
			if errors.Is(err, nats.ErrSlowConsumer) {
				if opts.Metrics != nil {
					opts.Metrics.NATSSlowConsumers.Inc()
				}
				if t.slow.Add(1) == 1 && sub != nil {
					t.log.Warn("nats_slow_consumer", "subject", sub.Subject, "err", err)
				}
				return
			}
			t.log.Warn("nats_error", "err", err)
		}),
	}
	if len(opts.URLs) == 0 {
		dir := opts.DataDir
		if dir == "" {
			d, err := os.MkdirTemp("", "plugsim-nats-")
			if err != nil {
				return nil, fmt.Errorf("runtime: embedded nats: %w", err)
			}
			dir, t.tmpDir = d, d
		}
		sopts := &server.Options{
			ServerName: "plugsim-embedded",
			Host:       "127.0.0.1",
			Port:       server.RANDOM_PORT,
			DontListen: !opts.Listen,
			JetStream:  true,
			StoreDir:   dir,
			NoSigs:     true,
			MaxPayload: 8 << 20,
		}
		s, err := server.NewServer(sopts)
		if err != nil {
			t.cleanup()
			return nil, fmt.Errorf("runtime: embedded nats: %w", err)
		}
		go s.Start()
		if !s.ReadyForConnections(10 * time.Second) {
			s.Shutdown()
			t.cleanup()
			return nil, fmt.Errorf("runtime: embedded nats did not start")
		}
		t.server = s
		natsOpts = append(natsOpts, nats.InProcessServer(s))
		nc, err := nats.Connect("", natsOpts...)
		if err != nil {
			t.Close()
			return nil, fmt.Errorf("runtime: embedded nats: %w", err)
		}
		t.Conn = nc
		return t, nil
	}
	// nats.Timeout bounds each URL's dial and handshake: share the budget
	// among the URLs (at least 300 ms each).
	per := max(opts.ConnectTimeout/time.Duration(len(opts.URLs)), 300*time.Millisecond)
	d := &firstDialer{ctx: ctx, deadline: time.Now().Add(opts.ConnectTimeout), timeout: opts.ConnectTimeout}
	natsOpts = append(natsOpts, nats.SetCustomDialer(d), nats.Timeout(per))
	nc, err := nats.Connect(strings.Join(opts.URLs, ","), natsOpts...)
	if err != nil {
		return nil, fmt.Errorf("runtime: nats %s: %w: %w", strings.Join(opts.URLs, ","), ErrUnreachable, err)
	}
	d.connected.Store(true)
	t.Conn = nc
	return t, nil
}

// firstDialer bounds the first connection as a whole, however many URLs
// are tried (nats.Timeout bounds each one), and honours the caller's
// context; later reconnections use the per-dial timeout alone.
type firstDialer struct {
	ctx       context.Context
	deadline  time.Time
	timeout   time.Duration
	connected atomic.Bool
}

// Dial implements nats.CustomDialer.
func (d *firstDialer) Dial(network, address string) (net.Conn, error) {
	if d.connected.Load() {
		return (&net.Dialer{Timeout: d.timeout}).Dial(network, address)
	}
	ctx, cancel := context.WithDeadline(d.ctx, d.deadline)
	defer cancel()
	return (&net.Dialer{}).DialContext(ctx, network, address)
}

// ClientURL returns the URL other processes can use to reach the embedded
// server, or "" when there is no listening embedded server.
func (t *Transport) ClientURL() string {
	if t.server == nil || t.server.Addr() == nil {
		return ""
	}
	return t.server.ClientURL()
}

// Embedded reports whether t runs its own server.
func (t *Transport) Embedded() bool { return t.server != nil }

// SlowConsumerEvents returns how many slow-consumer errors were reported.
func (t *Transport) SlowConsumerEvents() uint64 { return t.slow.Load() }

// Reconnects returns how many times the connection was re-established.
func (t *Transport) Reconnects() uint64 { return t.reconns.Load() }

// Close drains the connection (pending messages are delivered to
// subscribers and published messages flushed) and stops the embedded
// server.
func (t *Transport) Close() error {
	var err error
	if t.Conn != nil && !t.Conn.IsClosed() {
		done := make(chan struct{})
		t.Conn.SetClosedHandler(func(*nats.Conn) { close(done) })
		if derr := t.Conn.Drain(); derr != nil {
			t.Conn.Close()
		} else {
			select {
			case <-done:
			case <-time.After(10 * time.Second):
				t.Conn.Close()
				err = fmt.Errorf("runtime: nats drain timed out")
			}
		}
	}
	if t.server != nil {
		t.server.Shutdown()
		t.server.WaitForShutdown()
	}
	t.cleanup()
	return err
}

func (t *Transport) cleanup() {
	if t.tmpDir != "" {
		os.RemoveAll(t.tmpDir)
		t.tmpDir = ""
	}
}
