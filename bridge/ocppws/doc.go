// Package ocppws carries OCPP-J over WebSocket: a [Client] that connects a
// charging station to any CSMS URL and a [Server] (an http.Handler) that
// accepts any station, with the subprotocols ocpp2.0.1 and ocpp2.1, the
// station identity as the last URL path segment, WebSocket pings per the
// OCPP WebSocketPingInterval, reconnection with exponential back-off and
// seeded jitter ([Backoff]), and security profiles 1 (HTTP Basic), 2 (TLS
// and Basic) and 3 (mutual TLS, client certificate CN equal to the station
// identity).
//
// The transport is thin: a [Conn] moves whole text messages. OCPP framing,
// call correlation, timeouts and handlers live in the sans-I/O ocpp
// package; a [Peer] runs one ocpp.Endpoint and ocpp.Router over a
// succession of connections (its Serve method is the [Session] a [Client]
// or [Server] runs), and a [Delivery] drives the station's offline queue
// (package ocpp/outbox) over a Peer.
//
// # Interoperability
//
// The tests run our station against, and our CSMS under, the npm package
// ocpp-rpc in strict mode (testdata/interop/peer.js), for OCPP 2.0.1 and
// for a bidirectional (V2X) OCPP 2.1 session, with every frame validated
// both ways against the official schemas.
//
// # Choice of WebSocket library
//
// Both allowed libraries (github.com/gorilla/websocket and
// github.com/coder/websocket) were measured on this machine class by
// BenchmarkLibRoundTrip and BenchmarkLibIdleConn in libchoice_test.go
// (go test -run XXX -bench Lib -benchtime 2s -count 3 ./bridge/ocppws):
//
//	                          gorilla v1.5.3     coder v1.8.15
//	round trip, 200 B text    13.4-14.0 µs       14.8-16.6 µs
//	allocs per round trip     6 (1112 B)         14 (1480 B)
//	idle connection, both     8.6-12.7 KB        15.9-23.3 KB
//	ends, reader blocked
//
// gorilla is used: it is faster, allocates less, and costs about half the
// memory per idle connection, which decides how many stations one CSMS
// process holds. Its API also fits: WriteControl may be called
// concurrently with everything else, so pings go out from a timer with no
// goroutine per connection; read and write buffer sizes are settable and
// write buffers are pooled. coder's context-per-call API is pleasant but
// buys nothing here, since a Conn's reader blocks for the life of the
// connection anyway.
//
// # Concurrency
//
// A [Conn] has one reader at a time; writes and Close are safe from any
// goroutine. A [Server] runs each session on the goroutine net/http gave
// the request; [Server.Shutdown] cancels them and waits.
package ocppws
