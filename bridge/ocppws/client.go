package ocppws

import (
	"context"
	"crypto/tls"
	"encoding/base64"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"slices"
	"time"

	"github.com/gorilla/websocket"
)

// ClientOptions configure a station's connection to a CSMS.
type ClientOptions struct {
	ConnOptions

	// URL is the CSMS endpoint without the station identity, for example
	// wss://csms.example/ocpp; the identity is appended as the last path
	// segment. Profiles 2 and 3 need wss, the others ws or wss.
	URL string
	// StationID is the charging station identity.
	StationID string
	// Subprotocols lists the offered subprotocols in order of preference.
	// Empty means [DefaultSubprotocols].
	Subprotocols []string
	// Profile is the security profile. The zero value is [ProfileNone].
	Profile SecurityProfile
	// Password is the Basic authentication password (the OCPP
	// BasicAuthPassword) for profiles 1 and 2; the user is StationID.
	Password string
	// TLSConfig is used for wss: RootCAs to check the CSMS, and for profile 3
	// the station certificate in Certificates. Nil means the system roots
	// and no client certificate.
	TLSConfig *tls.Config
	// HandshakeTimeout bounds the opening handshake. Zero means
	// [DefaultHandshakeTimeout].
	HandshakeTimeout time.Duration
	// Backoff is the reconnection schedule of [Client.Run].
	Backoff Backoff
	// Seed seeds the jitter of the back-off. Zero is a valid seed.
	Seed uint64
}

// Client is a station's connection to its CSMS, re-established after every
// loss by [Client.Run].
type Client struct {
	opts   ClientOptions
	url    string
	dialer websocket.Dialer
	rand   *rand.Rand // used only by Run's goroutine
}

// NewClient checks the options and returns a client.
func NewClient(opts ClientOptions) (*Client, error) {
	if !opts.Profile.valid() {
		return nil, fmt.Errorf("ocppws: unknown security %v", opts.Profile)
	}
	if err := checkStationID(opts.StationID); err != nil {
		return nil, err
	}
	u, err := stationURL(opts.URL, opts.StationID)
	if err != nil {
		return nil, err
	}
	if opts.Profile.usesTLS() && u[:4] != "wss:" {
		return nil, fmt.Errorf("ocppws: %v needs a wss URL, got %q", opts.Profile, opts.URL)
	}
	if opts.Profile == Profile3 && (opts.TLSConfig == nil || (len(opts.TLSConfig.Certificates) == 0 && opts.TLSConfig.GetClientCertificate == nil)) {
		return nil, errors.New("ocppws: profile 3 needs a client certificate in TLSConfig")
	}
	if len(opts.Subprotocols) == 0 {
		opts.Subprotocols = DefaultSubprotocols()
	}
	if opts.HandshakeTimeout <= 0 {
		opts.HandshakeTimeout = DefaultHandshakeTimeout
	}
	c := &Client{
		opts: opts,
		url:  u,
		dialer: websocket.Dialer{
			Proxy:            http.ProxyFromEnvironment,
			TLSClientConfig:  opts.TLSConfig,
			HandshakeTimeout: opts.HandshakeTimeout,
			Subprotocols:     opts.Subprotocols,
			ReadBufferSize:   1024,
			WriteBufferSize:  1024,
			WriteBufferPool:  newBufferPool(),
		},
		rand: rand.New(rand.NewPCG(opts.Seed, 0x6f637070)),
	}
	return c, nil
}

// URL returns the full endpoint URL, station identity included.
func (c *Client) URL() string { return c.url }

// DialError is returned by [Client.Dial] when the server answered the
// upgrade request with an HTTP error status.
type DialError struct {
	StatusCode int // HTTP status, 0 when the server was not reached
	// Err is the cause, wrapping [ErrUnauthorized] or
	// [ErrNoCommonSubprotocol] when the status says so.
	Err error
}

// Error returns "ocppws: dial: [HTTP status: ]cause".
func (e *DialError) Error() string {
	if e.StatusCode == 0 {
		return fmt.Sprintf("ocppws: dial: %v", e.Err)
	}
	return fmt.Sprintf("ocppws: dial: HTTP %d: %v", e.StatusCode, e.Err)
}

// Unwrap returns the cause.
func (e *DialError) Unwrap() error { return e.Err }

// Dial opens one connection. It fails with [ErrNoCommonSubprotocol] when
// the server accepted none of the offered subprotocols.
func (c *Client) Dial(ctx context.Context) (*Conn, error) {
	h := http.Header{}
	if c.opts.Profile.usesBasicAuth() {
		cred := base64.StdEncoding.EncodeToString([]byte(c.opts.StationID + ":" + c.opts.Password))
		h.Set("Authorization", "Basic "+cred)
	}
	ws, resp, err := c.dialer.DialContext(ctx, c.url, h)
	if err != nil {
		de := &DialError{Err: err}
		if resp != nil {
			de.StatusCode = resp.StatusCode
			if resp.StatusCode == http.StatusUnauthorized || resp.StatusCode == http.StatusForbidden {
				de.Err = fmt.Errorf("%w: %w", ErrUnauthorized, err)
			}
			if resp.StatusCode == http.StatusBadRequest && resp.Header.Get("X-OCPP-Refused") == "subprotocol" {
				de.Err = fmt.Errorf("%w: %w", ErrNoCommonSubprotocol, err)
			}
		}
		return nil, de
	}
	if p := ws.Subprotocol(); !slices.Contains(c.opts.Subprotocols, p) {
		ws.Close()
		return nil, fmt.Errorf("%w: server chose %q", ErrNoCommonSubprotocol, p)
	}
	return newConn(ws, c.opts.StationID, c.opts.ConnOptions), nil
}

// Session is what [Client.Run] does with one established connection. It
// returns when the connection is lost or ctx is cancelled; it owns reading
// from conn.
type Session func(ctx context.Context, conn *Conn) error

// Run connects, runs session on the connection, and reconnects after every
// loss with the back-off schedule, until ctx is cancelled (then it returns
// ctx.Err()). The attempt counter restarts after a connection that was
// established. Unauthorized and no-common-subprotocol refusals are retried
// too, as a station in the field does, but reported to onError.
func (c *Client) Run(ctx context.Context, session Session, onError func(error)) error {
	attempt := 0
	for {
		conn, err := c.Dial(ctx)
		if err == nil {
			attempt = 0
			serr := session(ctx, conn)
			conn.Close()
			if ctx.Err() != nil {
				return ctx.Err()
			}
			if onError != nil && serr != nil {
				onError(serr)
			}
		} else {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			if onError != nil {
				onError(err)
			}
		}
		d := c.opts.Backoff.Delay(attempt, c.rand)
		attempt++
		t := time.NewTimer(d)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
	}
}
