package ocppws

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync"

	"github.com/gorilla/websocket"
)

// ServerOptions configure a CSMS endpoint.
type ServerOptions struct {
	ConnOptions

	// Subprotocols lists the accepted subprotocols. Empty means
	// [DefaultSubprotocols]. The client's order of preference decides
	// among the common ones; a client with none in common is refused with
	// HTTP 400 before the upgrade.
	Subprotocols []string
	// Profile is the security profile every station must use. The zero
	// value is [ProfileNone].
	Profile SecurityProfile
	// Authenticate checks a station's Basic authentication password for
	// profiles 1 and 2 (the user must equal the station identity, which
	// the server checks before calling). Required for those profiles.
	Authenticate func(stationID, password string) bool
	// Session runs for the life of one accepted connection and owns
	// reading from it; the connection is closed when it returns. Its
	// context is cancelled by [Server.Shutdown] and when the same station
	// connects again. Required.
	Session Session
	// Logger receives connection events. Nil discards them.
	Logger *slog.Logger
}

// Server accepts OCPP-J WebSocket connections from stations. It is an
// [http.Handler]: mount it on the caller's mux under a prefix, for example
// mux.Handle("/ocpp/", srv); the station identity is the last path segment.
type Server struct {
	opts     ServerOptions
	upgrader websocket.Upgrader
	log      *slog.Logger

	mu       sync.Mutex
	closed   bool                    // guarded by mu
	sessions map[string]*liveSession // by station id; guarded by mu
	wg       sync.WaitGroup
}

type liveSession struct {
	conn   *Conn
	cancel context.CancelFunc
}

var _ http.Handler = (*Server)(nil)

// NewServer checks the options and returns a server.
func NewServer(opts ServerOptions) (*Server, error) {
	if !opts.Profile.valid() {
		return nil, fmt.Errorf("ocppws: unknown security %v", opts.Profile)
	}
	if opts.Session == nil {
		return nil, errors.New("ocppws: ServerOptions.Session is nil")
	}
	if opts.Profile.usesBasicAuth() && opts.Authenticate == nil {
		return nil, fmt.Errorf("ocppws: %v needs ServerOptions.Authenticate", opts.Profile)
	}
	if len(opts.Subprotocols) == 0 {
		opts.Subprotocols = DefaultSubprotocols()
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	s := &Server{
		opts: opts,
		log:  log,
		upgrader: websocket.Upgrader{
			ReadBufferSize:  1024,
			WriteBufferSize: 1024,
			WriteBufferPool: newBufferPool(),
			// Stations are not browsers: they send no Origin, and any
			// Origin a browser sends is refused below by authentication.
			CheckOrigin: func(*http.Request) bool { return true },
		},
		sessions: make(map[string]*liveSession),
	}
	return s, nil
}

// refuse answers a refused upgrade and logs why.
func (s *Server) refuse(w http.ResponseWriter, r *http.Request, status int, err error) {
	s.log.Info("ocpp_connection_refused", "remote", r.RemoteAddr, "path", r.URL.Path, "status", status, "err", err)
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Basic realm="ocpp"`)
	}
	http.Error(w, err.Error(), status)
}

// authorize applies the security profile to an upgrade request.
func (s *Server) authorize(r *http.Request, stationID string) (int, error) {
	p := s.opts.Profile
	if p.usesTLS() && r.TLS == nil {
		return http.StatusForbidden, fmt.Errorf("%w: %v needs TLS", ErrUnauthorized, p)
	}
	if p.usesBasicAuth() {
		user, pass, ok := r.BasicAuth()
		if !ok {
			return http.StatusUnauthorized, fmt.Errorf("%w: no basic authentication", ErrUnauthorized)
		}
		if subtle.ConstantTimeCompare([]byte(user), []byte(stationID)) != 1 {
			return http.StatusUnauthorized, fmt.Errorf("%w: user %q is not the station identity", ErrUnauthorized, user)
		}
		if !s.opts.Authenticate(stationID, pass) {
			return http.StatusUnauthorized, fmt.Errorf("%w: wrong password", ErrUnauthorized)
		}
	}
	if p == Profile3 {
		if err := checkClientCertificate(r.TLS, stationID); err != nil {
			return http.StatusForbidden, err
		}
	}
	return 0, nil
}

// ServeHTTP upgrades a station's request and runs the session.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	stationID := stationIDFromPath(r.URL.Path)
	if err := checkStationID(stationID); err != nil {
		s.refuse(w, r, http.StatusNotFound, err)
		return
	}
	if !websocket.IsWebSocketUpgrade(r) {
		s.refuse(w, r, http.StatusBadRequest, errors.New("ocppws: not a WebSocket upgrade"))
		return
	}
	proto := pickSubprotocol(websocket.Subprotocols(r), s.opts.Subprotocols)
	if proto == "" {
		w.Header().Set("X-OCPP-Refused", "subprotocol")
		s.refuse(w, r, http.StatusBadRequest, fmt.Errorf("%w: offered %q", ErrNoCommonSubprotocol, websocket.Subprotocols(r)))
		return
	}
	if status, err := s.authorize(r, stationID); err != nil {
		s.refuse(w, r, status, err)
		return
	}

	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		s.refuse(w, r, http.StatusServiceUnavailable, errors.New("ocppws: server shutting down"))
		return
	}
	s.wg.Add(1)
	s.mu.Unlock()
	defer s.wg.Done()

	h := http.Header{}
	h.Set("Sec-WebSocket-Protocol", proto)
	ws, err := s.upgrader.Upgrade(w, r, h)
	if err != nil {
		// Upgrade has answered the request already.
		s.log.Info("ocpp_upgrade_failed", "station_id", stationID, "err", err)
		return
	}
	conn := newConn(ws, stationID, s.opts.ConnOptions)
	ctx, cancel := context.WithCancel(context.WithoutCancel(r.Context()))
	live := &liveSession{conn: conn, cancel: cancel}

	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		cancel()
		conn.CloseWithStatus(websocket.CloseGoingAway, "shutting down")
		return
	}
	old := s.sessions[stationID]
	s.sessions[stationID] = live
	s.mu.Unlock()
	if old != nil {
		// The station reconnected: the old connection is dead or stale.
		old.cancel()
		old.conn.CloseWithStatus(websocket.ClosePolicyViolation, "replaced by a new connection")
	}
	s.log.Info("ocpp_connected", "station_id", stationID, "subprotocol", proto, "remote", r.RemoteAddr)

	err = s.opts.Session(ctx, conn)
	cancel()
	conn.Close()

	s.mu.Lock()
	if s.sessions[stationID] == live {
		delete(s.sessions, stationID)
	}
	s.mu.Unlock()
	s.log.Info("ocpp_disconnected", "station_id", stationID, "err", err)
}

// Conn returns the live connection of a station, or nil.
func (s *Server) Conn(stationID string) *Conn {
	s.mu.Lock()
	defer s.mu.Unlock()
	if l := s.sessions[stationID]; l != nil {
		return l.conn
	}
	return nil
}

// Len returns the number of live connections.
func (s *Server) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.sessions)
}

// Shutdown refuses new connections, cancels every session, closes every
// connection with status 1001 (going away) and waits for the sessions to
// return or ctx to end. It does not stop the caller's http.Server.
func (s *Server) Shutdown(ctx context.Context) error {
	s.mu.Lock()
	s.closed = true
	live := make([]*liveSession, 0, len(s.sessions))
	for _, l := range s.sessions {
		live = append(live, l)
	}
	s.mu.Unlock()
	for _, l := range live {
		l.cancel()
		l.conn.CloseWithStatus(websocket.CloseGoingAway, "shutting down")
	}
	done := make(chan struct{})
	go func() {
		s.wg.Wait()
		close(done)
	}()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("ocppws: shutdown: %w", ctx.Err())
	}
}
