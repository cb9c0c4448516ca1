package ocppws

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// TestPingDefaultPongTimeout keeps an idle connection through many pings
// with the default pong timeout (one ping interval), where a pong that
// arrives before the deadline is armed must not leave a stale deadline
// behind: the server answers 100 pings, then sends one message, which the
// client, blocked in ReadMessage all along, must receive.
func TestPingDefaultPongTimeout(t *testing.T) {
	const pings = 100
	srv, err := NewServer(ServerOptions{Session: func(ctx context.Context, c *Conn) error {
		var n atomic.Int32
		c.ws.SetPingHandler(func(data string) error {
			if err := c.ws.WriteControl(websocket.PongMessage, []byte(data), time.Now().Add(time.Second)); err != nil {
				return err
			}
			if n.Add(1) == pings {
				go c.WriteMessage([]byte(`[2,"1","Heartbeat",{}]`))
			}
			return nil
		})
		return discardSession(ctx, c)
	}})
	if err != nil {
		t.Fatal(err)
	}
	hs := startServer(t, srv, nil)
	cl, err := NewClient(ClientOptions{URL: baseURL(hs), StationID: "CS1",
		ConnOptions: ConnOptions{PingInterval: 5 * time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	conn, err := cl.Dial(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ReadMessage(); err != nil {
		t.Fatalf("idle connection died before %d pings: %v", pings, err)
	}
}
