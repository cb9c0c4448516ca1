package ocppws

import (
	"errors"
	"fmt"
	"net"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

// Subprotocol names registered for OCPP-J (OCPP-J 1.x part 4, section 3.1).
const (
	SubprotocolOCPP201 = "ocpp2.0.1"
	SubprotocolOCPP21  = "ocpp2.1"
)

// DefaultSubprotocols returns the subprotocols offered or accepted when an
// option leaves the list empty, in order of preference: 2.1, then 2.0.1.
func DefaultSubprotocols() []string { return []string{SubprotocolOCPP21, SubprotocolOCPP201} }

// Defaults for the connection options.
const (
	// DefaultMaxMessageBytes bounds one inbound message: an OCPP 2.1
	// Get15118EVCertificateResponse may carry 17000 characters of EXI plus
	// the envelope, so 256 KiB leaves ample room.
	DefaultMaxMessageBytes = 256 << 10
	// DefaultWriteTimeout bounds one frame write.
	DefaultWriteTimeout = 10 * time.Second
	// DefaultHandshakeTimeout bounds the opening handshake (TCP, TLS, HTTP upgrade).
	DefaultHandshakeTimeout = 30 * time.Second
)

// ErrClosed is returned by [Conn.WriteMessage] after the connection closed.
var ErrClosed = errors.New("ocppws: connection closed")

// ConnOptions tunes one connection; both [ClientOptions] and [ServerOptions]
// embed it.
type ConnOptions struct {
	// PingInterval is the OCPP WebSocketPingInterval: the time between two
	// WebSocket pings this side sends. A peer that does not answer a ping
	// with a pong within PongTimeout is considered gone and the connection
	// is closed. Zero sends no pings.
	PingInterval time.Duration
	// PongTimeout is how long to wait for the pong after a ping. Zero means
	// PingInterval.
	PongTimeout time.Duration
	// WriteTimeout bounds one frame write. Zero means [DefaultWriteTimeout].
	WriteTimeout time.Duration
	// MaxMessageBytes bounds one inbound message; a larger one closes the
	// connection with status 1009. Zero means [DefaultMaxMessageBytes].
	MaxMessageBytes int64
}

func (o ConnOptions) withDefaults() ConnOptions {
	if o.PongTimeout <= 0 {
		o.PongTimeout = o.PingInterval
	}
	if o.WriteTimeout <= 0 {
		o.WriteTimeout = DefaultWriteTimeout
	}
	if o.MaxMessageBytes <= 0 {
		o.MaxMessageBytes = DefaultMaxMessageBytes
	}
	return o
}

// Conn is one established OCPP-J WebSocket connection. It moves whole text
// messages and nothing else: framing, correlation and timeouts of OCPP calls
// belong to the ocpp package.
//
// # Concurrency
//
// One goroutine may call [Conn.ReadMessage] at a time; [Conn.WriteMessage]
// and [Conn.Close] are safe from any goroutine. Pings are sent from a timer,
// so an idle connection costs no goroutine besides its reader.
type Conn struct {
	ws          *websocket.Conn
	stationID   string
	subprotocol string
	opts        ConnOptions

	wmu       sync.Mutex // serialises data writes
	closeOnce sync.Once
	closed    chan struct{}

	pmu       sync.Mutex  // guards pingTimer
	pingTimer *time.Timer // guarded by pmu
}

func newConn(ws *websocket.Conn, stationID string, opts ConnOptions) *Conn {
	opts = opts.withDefaults()
	c := &Conn{
		ws:          ws,
		stationID:   stationID,
		subprotocol: ws.Subprotocol(),
		opts:        opts,
		closed:      make(chan struct{}),
	}
	ws.SetReadLimit(opts.MaxMessageBytes)
	ws.SetPongHandler(func(string) error {
		// The peer is alive: lift the deadline set when the ping left.
		return ws.SetReadDeadline(time.Time{})
	})
	if opts.PingInterval > 0 {
		c.pmu.Lock()
		c.pingTimer = time.AfterFunc(opts.PingInterval, c.ping)
		c.pmu.Unlock()
	}
	return c
}

// ping sends one WebSocket ping and arms the pong deadline, then schedules
// the next ping.
func (c *Conn) ping() {
	select {
	case <-c.closed:
		return
	default:
	}
	now := time.Now()
	// Without a pong within PongTimeout the blocked reader fails with a
	// timeout. The deadline is armed before the ping leaves: armed after,
	// it could outlive a pong that came back first and kill a live
	// connection.
	_ = c.ws.SetReadDeadline(now.Add(c.opts.PongTimeout))
	if err := c.ws.WriteControl(websocket.PingMessage, nil, now.Add(c.opts.WriteTimeout)); err != nil {
		c.Close()
		return
	}
	c.pmu.Lock()
	if c.pingTimer != nil {
		c.pingTimer.Reset(c.opts.PingInterval)
	}
	c.pmu.Unlock()
}

// StationID returns the charging station identity: the last segment of the
// connection URL.
func (c *Conn) StationID() string { return c.stationID }

// Subprotocol returns the negotiated subprotocol, [SubprotocolOCPP201] or
// [SubprotocolOCPP21].
func (c *Conn) Subprotocol() string { return c.subprotocol }

// RemoteAddr returns the peer's network address.
func (c *Conn) RemoteAddr() net.Addr { return c.ws.RemoteAddr() }

// Done is closed once the connection is closed by either side.
func (c *Conn) Done() <-chan struct{} { return c.closed }

// ReadMessage blocks until the next text message arrives and returns it.
// The returned slice is allocated for this message alone and never reused
// by the Conn: the caller owns it, and frames and payloads parsed from it
// stay valid after the next read. Binary messages are a protocol violation
// in OCPP-J: the connection is closed with status 1003 and an error
// returned.
func (c *Conn) ReadMessage() ([]byte, error) {
	mt, p, err := c.ws.ReadMessage()
	if err != nil {
		c.Close()
		return nil, fmt.Errorf("ocppws: reading from %s: %w", c.stationID, err)
	}
	if mt != websocket.TextMessage {
		c.CloseWithStatus(websocket.CloseUnsupportedData, "OCPP-J uses text frames")
		return nil, fmt.Errorf("ocppws: reading from %s: binary message", c.stationID)
	}
	return p, nil
}

// WriteMessage sends p as one text message.
func (c *Conn) WriteMessage(p []byte) error {
	select {
	case <-c.closed:
		return ErrClosed
	default:
	}
	c.wmu.Lock()
	defer c.wmu.Unlock()
	_ = c.ws.SetWriteDeadline(time.Now().Add(c.opts.WriteTimeout))
	if err := c.ws.WriteMessage(websocket.TextMessage, p); err != nil {
		c.Close()
		return fmt.Errorf("ocppws: writing to %s: %w", c.stationID, err)
	}
	return nil
}

// Close sends a normal closure (1000) and closes the connection. It is
// safe to call more than once.
func (c *Conn) Close() error { return c.CloseWithStatus(websocket.CloseNormalClosure, "") }

// CloseWithStatus sends a close frame with the given status code and
// reason, then closes the network connection without waiting for the
// peer's answer.
func (c *Conn) CloseWithStatus(code int, reason string) error {
	var err error
	c.closeOnce.Do(func() {
		close(c.closed)
		c.pmu.Lock()
		if c.pingTimer != nil {
			c.pingTimer.Stop()
			c.pingTimer = nil
		}
		c.pmu.Unlock()
		_ = c.ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(code, reason), time.Now().Add(time.Second))
		err = c.ws.Close()
	})
	return err
}

// Abort closes the network connection at once, without a close frame, as a
// cut cable would. Tests use it to simulate a lost network.
func (c *Conn) Abort() error {
	var err error
	c.closeOnce.Do(func() {
		close(c.closed)
		c.pmu.Lock()
		if c.pingTimer != nil {
			c.pingTimer.Stop()
			c.pingTimer = nil
		}
		c.pmu.Unlock()
		err = c.ws.NetConn().Close()
	})
	return err
}
