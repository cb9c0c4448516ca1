package runtime

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/nats-io/nats.go"
	"google.golang.org/protobuf/proto"

	plugsimpb "github.com/plugsim/plugsim/proto"
)

// CoordinatorID is the control address of a run's coordinator.
const CoordinatorID = "coord"

// AwaitWorkers waits for n worker processes to say Hello on the run's
// coordinator subject, assigns each its shard with assign (shard index i
// of n) and returns them as members once every one has confirmed. On
// failure it aborts the workers it had assigned.
func AwaitWorkers(ctx context.Context, nc *nats.Conn, run string, n int, assign func(shard int) *plugsimpb.Assign, log *slog.Logger) ([]*RemoteMember, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	ch := make(chan *nats.Msg, 64)
	sub, err := nc.ChanSubscribe(ControlSubject(run, CoordinatorID), ch)
	if err != nil {
		return nil, fmt.Errorf("runtime: coordinator subscribe: %w", err)
	}
	defer sub.Unsubscribe()
	seen := map[string]bool{}
	var members []*RemoteMember
	fail := func(err error) ([]*RemoteMember, error) {
		for _, m := range members {
			m.Abort(err.Error())
		}
		return nil, err
	}
	for len(members) < n {
		select {
		case <-ctx.Done():
			return fail(fmt.Errorf("runtime: waiting for workers (%d of %d joined): %w", len(members), n, ctx.Err()))
		case msg := <-ch:
			c := &plugsimpb.Control{}
			if err := proto.Unmarshal(msg.Data, c); err != nil || c.GetHello() == nil || c.Run != run {
				log.Warn("control_dropped", "subject", msg.Subject)
				continue
			}
			id := c.GetHello().Worker
			if seen[id] {
				continue
			}
			seen[id] = true
			m := &RemoteMember{Conn: nc, Run: run, Worker: id}
			a := assign(len(members))
			a.Worker = id
			resp, err := m.Request(ctx, &plugsimpb.Control{Run: run, Body: &plugsimpb.Control_Assign{Assign: a}})
			if err != nil {
				return fail(err)
			}
			if r := resp.GetReport(); r == nil || r.Worker != id {
				members = append(members, m)
				return fail(fmt.Errorf("runtime: worker %s refused its assignment: %v", id, resp))
			}
			log.Info("worker_joined", "worker", id, "shard", a.Shard, "shards", a.Shards)
			members = append(members, m)
		}
	}
	return members, nil
}

// Finish ends the run on a remote worker and returns its final report.
func (m *RemoteMember) Finish(ctx context.Context) (*plugsimpb.FinalReport, error) {
	resp, err := m.Request(ctx, &plugsimpb.Control{Run: m.Run, Body: &plugsimpb.Control_Finish{Finish: &plugsimpb.Finish{}}})
	if err != nil {
		return nil, err
	}
	if resp.GetFinal() == nil {
		return nil, fmt.Errorf("runtime: worker %s answered finish with %v", m.Worker, resp)
	}
	return resp.GetFinal(), nil
}

// WorkerProcessOptions configure [ServeWorkerProcess].
type WorkerProcessOptions struct {
	// Conn is the worker's NATS connection; required.
	Conn *nats.Conn
	// Run is the run to join; required.
	Run string
	// ID is this worker's unique id; required.
	ID string
	// Setup builds the worker's shard when the coordinator assigns it: it
	// creates a [Worker], spawns its actors and starts it. Finish is called
	// at the end of the run for the final report (the runtime fills in the
	// worker id, digest and counts).
	Setup func(ctx context.Context, a *plugsimpb.Assign) (w *Worker, finish func() *plugsimpb.FinalReport, err error)
	// HelloEvery is the period of Hello messages until assigned. Default
	// 250 ms.
	HelloEvery time.Duration
	// IdleTimeout ends the worker with an error when the coordinator has
	// sent nothing for that long (a coordinator that died). Default 3 min;
	// it does not apply before the assignment.
	IdleTimeout time.Duration
	// Logger receives the worker's events. Default: discard.
	Logger *slog.Logger
}

// ServeWorkerProcess joins a run as a worker process: it says Hello until
// the coordinator assigns a shard, then answers Step requests until Finish,
// and returns the final report it sent.
func ServeWorkerProcess(ctx context.Context, opts WorkerProcessOptions) (*plugsimpb.FinalReport, error) {
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if opts.HelloEvery <= 0 {
		opts.HelloEvery = 250 * time.Millisecond
	}
	if opts.IdleTimeout <= 0 {
		opts.IdleTimeout = 3 * time.Minute
	}
	lastHeard := time.Now()
	ch := make(chan *nats.Msg, 64)
	sub, err := opts.Conn.ChanSubscribe(ControlSubject(opts.Run, opts.ID), ch)
	if err != nil {
		return nil, fmt.Errorf("runtime: worker subscribe: %w", err)
	}
	defer sub.Unsubscribe()
	if err := opts.Conn.Flush(); err != nil {
		return nil, fmt.Errorf("runtime: worker subscribe: %w", err)
	}
	hello, _ := proto.Marshal(&plugsimpb.Control{Run: opts.Run, Body: &plugsimpb.Control_Hello{Hello: &plugsimpb.Hello{Worker: opts.ID}}})
	ticker := time.NewTicker(opts.HelloEvery)
	defer ticker.Stop()
	var (
		w      *Worker
		finish func() *plugsimpb.FinalReport
		final  *plugsimpb.FinalReport
		assign *plugsimpb.Assign
	)
	defer func() {
		if w != nil {
			w.Close()
		}
	}()
	answer := func(msg *nats.Msg, c *plugsimpb.Control) {
		c.Run = opts.Run
		data, _ := proto.Marshal(c)
		if err := msg.Respond(data); err != nil {
			log.Warn("control_answer_failed", "err", err)
		}
	}
	if err := opts.Conn.Publish(ControlSubject(opts.Run, CoordinatorID), hello); err != nil {
		return nil, fmt.Errorf("runtime: hello: %w", err)
	}
	for {
		select {
		case <-ctx.Done():
			return final, ctx.Err()
		case <-ticker.C:
			if assign != nil && time.Since(lastHeard) > opts.IdleTimeout {
				return final, fmt.Errorf("runtime: no word from the coordinator for %v", opts.IdleTimeout)
			}
			if assign == nil {
				if err := opts.Conn.Publish(ControlSubject(opts.Run, CoordinatorID), hello); err != nil {
					log.Warn("hello_failed", "err", err)
				}
			}
		case msg := <-ch:
			c := &plugsimpb.Control{}
			if err := proto.Unmarshal(msg.Data, c); err != nil || c.Run != opts.Run {
				log.Warn("control_dropped", "subject", msg.Subject)
				continue
			}
			lastHeard = time.Now()
			switch body := c.Body.(type) {
			case *plugsimpb.Control_Abort:
				return final, fmt.Errorf("runtime: the coordinator aborted the run: %s", body.Abort.Reason)
			case *plugsimpb.Control_Assign:
				if assign == nil {
					assign = body.Assign
					w, finish, err = opts.Setup(ctx, body.Assign)
					if err != nil {
						return nil, fmt.Errorf("runtime: worker setup: %w", err)
					}
					log.Info("worker_assigned", "shard", assign.Shard, "shards", assign.Shards)
				}
				answer(msg, &plugsimpb.Control{Body: &plugsimpb.Control_Report{Report: &plugsimpb.StepReport{Worker: opts.ID}}})
			case *plugsimpb.Control_Step:
				if w == nil {
					continue // not assigned yet: the coordinator retries
				}
				r, err := w.Step(ctx, body.Step)
				if err != nil {
					return nil, err
				}
				answer(msg, &plugsimpb.Control{Body: &plugsimpb.Control_Report{Report: r}})
			case *plugsimpb.Control_Finish:
				if w == nil {
					return nil, errors.New("runtime: finish before assignment")
				}
				if final == nil {
					final = &plugsimpb.FinalReport{}
					if finish != nil {
						final = finish()
					}
					st := w.Stats()
					d := w.Digest()
					final.Worker, final.Digest = opts.ID, d[:]
					final.Delivered, final.Timers, final.Dropped, final.Restarts = st.Received, st.Timers, st.Dropped, st.Restarts
					final.Sent, final.Actors = st.Sent, uint64(st.Actors)
				}
				answer(msg, &plugsimpb.Control{Body: &plugsimpb.Control_Final{Final: final}})
				// Linger briefly so that a lost answer can be asked again.
				linger := time.NewTimer(3 * time.Second)
			wait:
				for {
					select {
					case m2 := <-ch:
						answer(m2, &plugsimpb.Control{Body: &plugsimpb.Control_Final{Final: final}})
					case <-linger.C:
						break wait
					case <-ctx.Done():
						break wait
					}
				}
				return final, nil
			}
		}
	}
}
