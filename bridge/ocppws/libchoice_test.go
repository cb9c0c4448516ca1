package ocppws

// These benchmarks compare the two maintained WebSocket libraries the
// project allows, on the two things that matter for OCPP-J: the round trip
// of one small text message and the memory one idle connection costs. The
// package doc records the figures and the choice made from them.

import (
	"context"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"testing"

	coderws "github.com/coder/websocket"
	"github.com/gorilla/websocket"
)

// libPayload is a typical CALL frame (a MeterValues with one sample).
var libPayload = []byte(`[2,"3f1e0c2a-9a7b-4c55-8d2e-1b6a9f0c7e11","MeterValues",{"evseId":1,"meterValue":[{"timestamp":"2026-01-01T00:00:00Z","sampledValue":[{"value":7360.5,"measurand":"Power.Active.Import"}]}]}]`)

func gorillaEchoServer(tb testing.TB) *httptest.Server {
	tb.Helper()
	up := websocket.Upgrader{ReadBufferSize: 1024, WriteBufferSize: 1024, WriteBufferPool: newBufferPool()}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := up.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		defer c.Close()
		for {
			mt, p, err := c.ReadMessage()
			if err != nil {
				return
			}
			if err := c.WriteMessage(mt, p); err != nil {
				return
			}
		}
	}))
	tb.Cleanup(srv.Close)
	return srv
}

func coderEchoServer(tb testing.TB) *httptest.Server {
	tb.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := coderws.Accept(w, r, &coderws.AcceptOptions{CompressionMode: coderws.CompressionDisabled})
		if err != nil {
			return
		}
		defer c.CloseNow()
		ctx := r.Context()
		for {
			mt, p, err := c.Read(ctx)
			if err != nil {
				return
			}
			if err := c.Write(ctx, mt, p); err != nil {
				return
			}
		}
	}))
	tb.Cleanup(srv.Close)
	return srv
}

func wsURL(s *httptest.Server) string { return "ws" + strings.TrimPrefix(s.URL, "http") }

func BenchmarkLibRoundTrip(b *testing.B) {
	b.Run("gorilla", func(b *testing.B) {
		srv := gorillaEchoServer(b)
		d := websocket.Dialer{ReadBufferSize: 1024, WriteBufferSize: 1024}
		c, _, err := d.Dial(wsURL(srv), nil)
		if err != nil {
			b.Fatal(err)
		}
		defer c.Close()
		b.ReportAllocs()
		for b.Loop() {
			if err := c.WriteMessage(websocket.TextMessage, libPayload); err != nil {
				b.Fatal(err)
			}
			if _, _, err := c.ReadMessage(); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("coder", func(b *testing.B) {
		srv := coderEchoServer(b)
		ctx := context.Background()
		c, _, err := coderws.Dial(ctx, wsURL(srv), &coderws.DialOptions{CompressionMode: coderws.CompressionDisabled})
		if err != nil {
			b.Fatal(err)
		}
		defer c.CloseNow()
		b.ReportAllocs()
		for b.Loop() {
			if err := c.Write(ctx, coderws.MessageText, libPayload); err != nil {
				b.Fatal(err)
			}
			if _, _, err := c.Read(ctx); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// memInUse is the heap plus goroutine stacks in use, after a collection.
func memInUse() uint64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc + ms.StackInuse
}

// BenchmarkLibIdleConn opens b.N connections, each with a blocked reader on
// both ends as a real OCPP session has, and reports bytes per connection
// (both ends together, in one process).
func BenchmarkLibIdleConn(b *testing.B) {
	const n = 500
	b.Run("gorilla", func(b *testing.B) {
		for b.Loop() {
			srv := gorillaEchoServer(b)
			d := websocket.Dialer{ReadBufferSize: 1024, WriteBufferSize: 1024, WriteBufferPool: newBufferPool()}
			before := memInUse()
			conns := make([]*websocket.Conn, 0, n)
			done := make(chan struct{}, n)
			for range n {
				c, _, err := d.Dial(wsURL(srv), nil)
				if err != nil {
					b.Fatal(err)
				}
				conns = append(conns, c)
				go func() {
					defer func() { done <- struct{}{} }()
					for {
						if _, _, err := c.ReadMessage(); err != nil {
							return
						}
					}
				}()
			}
			after := memInUse()
			b.ReportMetric(float64(after-before)/n, "B/conn")
			for _, c := range conns {
				c.Close()
			}
			for range n {
				<-done
			}
			srv.Close()
		}
	})
	b.Run("coder", func(b *testing.B) {
		for b.Loop() {
			srv := coderEchoServer(b)
			ctx := context.Background()
			before := memInUse()
			conns := make([]*coderws.Conn, 0, n)
			done := make(chan struct{}, n)
			for range n {
				c, _, err := coderws.Dial(ctx, wsURL(srv), &coderws.DialOptions{CompressionMode: coderws.CompressionDisabled})
				if err != nil {
					b.Fatal(err)
				}
				conns = append(conns, c)
				go func() {
					defer func() { done <- struct{}{} }()
					for {
						if _, _, err := c.Read(ctx); err != nil {
							return
						}
					}
				}()
			}
			after := memInUse()
			b.ReportMetric(float64(after-before)/n, "B/conn")
			for _, c := range conns {
				c.CloseNow()
			}
			for range n {
				<-done
			}
			srv.Close()
		}
	})
}
