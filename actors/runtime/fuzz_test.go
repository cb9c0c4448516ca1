package runtime

import (
	"context"
	"strings"
	"testing"

	"github.com/nats-io/nats.go"
	"google.golang.org/protobuf/proto"

	plugsimpb "github.com/plugsim/plugsim/proto"
)

// FuzzParseSubject: any subject either parses to an address that gives the
// subject back, or is refused with ErrBadAddress; nothing panics.
func FuzzParseSubject(f *testing.F) {
	for _, s := range []string{"plugsim.r.cable.EVSE1.ev", "plugsim.r.pp.a", "plugsim..x.y", "plugsim.r.pp.*", "x", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		a, err := ParseSubject(s)
		if err != nil {
			return
		}
		if got := a.Subject(); got != s {
			t.Fatalf("ParseSubject(%q).Subject() = %q", s, got)
		}
		if err := a.Validate(); err != nil {
			t.Fatalf("ParseSubject(%q) gave an invalid address: %v", s, err)
		}
	})
}

type sink struct{}

func (sink) Receive(*Context) {}

// FuzzOnMsg feeds arbitrary subjects and bytes to a worker's router: it
// never panics, drops what is not a frame of its run, and a worker that
// received anything still reaches idle.
func FuzzOnMsg(f *testing.F) {
	good, _ := proto.Marshal(&plugsimpb.Frame{Run: "fz", Session: "s", Seq: 1, Protocol: plugsimpb.Protocol_PROTOCOL_PINGPONG, Src: "pp.x", Origin: "o", Payload: []byte("hi")})
	f.Add("plugsim.fz.pp.a", good)
	f.Add("plugsim.fz.pp.nobody", good)
	f.Add("plugsim.fz.ctl.coord", good)
	f.Add("plugsim.other.pp.a", good)
	f.Add("plugsim.fz.pp.a", []byte{0x0a, 0xff})
	f.Add("nonsense", []byte{})
	tr, err := Connect(context.Background(), TransportOptions{})
	if err != nil {
		f.Fatal(err)
	}
	defer tr.Close()
	var workers []*Worker
	for _, mode := range []ClockMode{VirtualTime, RealTime} {
		w, err := NewWorker(WorkerOptions{Run: "fz", Conn: tr.Conn, Clock: mode, Channels: []string{"pp"}})
		if err != nil {
			f.Fatal(err)
		}
		defer w.Close()
		if _, err := w.Spawn(Address{Run: "fz", Channel: "pp", ID: "a"}, func(*Env) Actor { return sink{} }); err != nil {
			f.Fatal(err)
		}
		workers = append(workers, w)
	}
	f.Fuzz(func(t *testing.T, subject string, data []byte) {
		if strings.ContainsAny(subject, " \t\r\n") {
			return // NATS never delivers such subjects
		}
		for _, w := range workers {
			w.onMsg(&nats.Msg{Subject: subject, Data: data})
			if err := w.waitIdle(context.Background()); err != nil {
				t.Fatal(err)
			}
		}
	})
}
