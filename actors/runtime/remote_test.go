package runtime_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"google.golang.org/protobuf/proto"

	"github.com/plugsim/plugsim/actors/runtime"
	plugsimpb "github.com/plugsim/plugsim/proto"
)

// TestRemoteMemberWaitsForAbsentWorker: a worker whose subscription is
// gone for a moment (its NATS node died, it is reconnecting) is asked again
// after a pause instead of failing the run at once.
func TestRemoteMemberWaitsForAbsentWorker(t *testing.T) {
	tr := embedded(t)
	m := &runtime.RemoteMember{Conn: tr.Conn, Run: "r", Worker: "late", Timeout: time.Second, Budget: 20 * time.Second}
	answer := func(msg *nats.Msg) {
		data, _ := proto.Marshal(&plugsimpb.Control{Run: "r", Body: &plugsimpb.Control_Report{Report: &plugsimpb.StepReport{Worker: "late", Epoch: 1}}})
		msg.Respond(data)
	}
	// The worker subscribes only after the first request found nobody.
	time.AfterFunc(200*time.Millisecond, func() {
		if _, err := tr.Conn.Subscribe(runtime.ControlSubject("r", "late"), answer); err != nil {
			t.Error(err)
		}
	})
	r, err := m.Step(context.Background(), &plugsimpb.Step{Epoch: 1})
	if err != nil {
		t.Fatalf("Step to a worker that appears after 200 ms: %v", err)
	}
	if r.Worker != "late" {
		t.Errorf("report from %q", r.Worker)
	}
}

// TestWorkerProcessAbort: a worker process assigned to a run exits with an
// error naming the reason when the coordinator aborts the run.
func TestWorkerProcessAbort(t *testing.T) {
	tr := embedded(t)
	done := make(chan error, 1)
	go func() {
		_, err := runtime.ServeWorkerProcess(context.Background(), runtime.WorkerProcessOptions{
			Conn: tr.Conn, Run: "ab", ID: "w1", HelloEvery: 10 * time.Millisecond,
			Setup: func(_ context.Context, a *plugsimpb.Assign) (*runtime.Worker, func() *plugsimpb.FinalReport, error) {
				w, err := runtime.NewWorker(runtime.WorkerOptions{Run: "ab", ID: "w1", Conn: tr.Conn, Clock: runtime.VirtualTime})
				if err != nil {
					return nil, nil, err
				}
				return w, nil, w.Start()
			},
		})
		done <- err
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	members, err := runtime.AwaitWorkers(ctx, tr.Conn, "ab", 1, func(int) *plugsimpb.Assign { return &plugsimpb.Assign{Shards: 1} }, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := members[0].Abort("test over"); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "test over") {
			t.Errorf("worker ended with %v, want the abort reason", err)
		}
	case <-ctx.Done():
		t.Fatal("worker did not exit after Abort")
	}
}
