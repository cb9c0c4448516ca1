package runtime

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/nats-io/nats.go"
	"google.golang.org/protobuf/proto"

	plugsimpb "github.com/plugsim/plugsim/proto"
)

// Member is one participant of a virtual-time run as the coordinator sees
// it: a local [*Worker] or a worker process reached over NATS
// ([*RemoteMember]).
type Member interface {
	// Step runs (or re-asks about) an epoch and reports once idle.
	Step(ctx context.Context, st *plugsimpb.Step) (*plugsimpb.StepReport, error)
}

var _ Member = (*Worker)(nil)

// CoordinatorOptions configure [RunVirtual].
type CoordinatorOptions struct {
	// Members take part in the run; required.
	Members []Member
	// End is the simulated time after which no timer fires; the run ends
	// earlier when no timer is pending and no frame is in flight.
	End time.Duration
	// ResendAfter is how long the coordinator waits for frames sent but not
	// yet received before asking senders to publish them again. Default 1 s.
	ResendAfter time.Duration
	// StallAfter is how long frames may stay missing, resends included,
	// before the run fails with an error naming the workers whose frames
	// are missing. Default 60 s.
	StallAfter time.Duration
	// Logger receives progress events. Default: discard.
	Logger *slog.Logger
	// OnEpoch, when set, is called after each quiescent epoch.
	OnEpoch func(epoch uint64, now time.Duration)
}

// RunStats summarise a virtual-time run.
type RunStats struct {
	// Epochs is how many epochs (instants and sub-steps) ran.
	Epochs uint64
	// Instants is how many distinct simulated instants ran.
	Instants uint64
	// Waves is how many report rounds ran in all.
	Waves uint64
	// Resends is how many waves asked for frames to be sent again.
	Resends uint64
	// Now is the simulated time of the last epoch.
	Now time.Duration
	// Sent and Received count the run's data frames.
	Sent, Received uint64
}

// RunVirtual drives a virtual-time run to its end: it steps every member
// through epochs, closes each epoch at quiescence (every member idle, and
// for every member the frames the others received from it equal the frames
// it sent), then moves to the next sub-step of the same
// instant when frames wait for delivery, or to the earliest pending timer.
func RunVirtual(ctx context.Context, opts CoordinatorOptions) (RunStats, error) {
	var st RunStats
	if len(opts.Members) == 0 {
		return st, errors.New("runtime: virtual run without members")
	}
	if opts.ResendAfter <= 0 {
		opts.ResendAfter = time.Second
	}
	if opts.StallAfter <= 0 {
		opts.StallAfter = time.Minute
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	now := time.Duration(0)
	lastInstant := time.Duration(-1)
	reports := make([]*plugsimpb.StepReport, len(opts.Members))
	for epoch := uint64(1); ; epoch++ {
		if now != lastInstant {
			st.Instants++
			lastInstant = now
		}
		var sent, received, buffered uint64
		next := int64(-1)
		waitStart, lastProgress := time.Now(), time.Now()
		lastReceived := uint64(0)
		backoff := 50 * time.Microsecond
		resend := false
		for wave := uint64(1); ; wave++ {
			step := &plugsimpb.Step{Epoch: epoch, SimTimeNs: int64(now), Wave: wave, Resend: resend}
			if err := stepAll(ctx, opts.Members, step, reports); err != nil {
				return st, err
			}
			st.Waves++
			if resend {
				st.Resends++
			}
			var missing []string
			var err error
			sent, received, buffered, next, missing, err = tally(reports)
			if err != nil {
				return st, fmt.Errorf("runtime: epoch %d at %v: %w", epoch, now, err)
			}
			if len(missing) == 0 {
				break
			}
			if received != lastReceived {
				lastReceived, lastProgress = received, time.Now()
			}
			if time.Since(lastProgress) > opts.StallAfter {
				return st, fmt.Errorf("runtime: epoch %d at %v: frames lost for %v despite resends (%s): a subject that no worker routes?",
					epoch, now, opts.StallAfter, strings.Join(missing, ", "))
			}
			// Frames are still on their way: wait a little, then ask again;
			// after ResendAfter without completion, ask for resends.
			resend = time.Since(waitStart) > opts.ResendAfter
			if resend {
				waitStart = time.Now()
				log.Warn("frames_missing", "epoch", epoch, "sim_time", now, "sent", sent, "received", received, "missing", strings.Join(missing, ", "))
			}
			t := time.NewTimer(backoff)
			select {
			case <-ctx.Done():
				t.Stop()
				return st, ctx.Err()
			case <-t.C:
			}
			backoff = min(2*backoff, 20*time.Millisecond)
		}
		st.Epochs, st.Now, st.Sent, st.Received = epoch, now, sent, received
		if opts.OnEpoch != nil {
			opts.OnEpoch(epoch, now)
		}
		if buffered > 0 {
			continue // next sub-step of the same instant
		}
		if next < 0 || time.Duration(next) > opts.End {
			return st, nil
		}
		now = max(now, time.Duration(next))
	}
}

// tally adds up the reports of one wave. The epoch is complete when, for
// every worker, the frames the others received from it equal the frames it
// sent; missing names the workers whose frames are still on their way.
// More frames received than sent means two workers route the same subject.
func tally(reports []*plugsimpb.StepReport) (sent, received, buffered uint64, next int64, missing []string, err error) {
	next = -1
	got := map[string]uint64{}
	for _, r := range reports {
		sent += r.Sent
		buffered += r.Buffered
		if r.NextDueNs >= 0 && (next < 0 || r.NextDueNs < next) {
			next = r.NextDueNs
		}
		for origin, n := range r.ReceivedFrom {
			got[origin] += n
		}
	}
	for _, r := range reports {
		g := got[r.Worker]
		received += g
		switch {
		case g > r.Sent:
			return 0, 0, 0, 0, nil, fmt.Errorf("worker %s sent %d frames and %d were received: are its subjects routed by two workers?", r.Worker, r.Sent, g)
		case g < r.Sent:
			missing = append(missing, fmt.Sprintf("%d of %d from worker %s", r.Sent-g, r.Sent, r.Worker))
		}
	}
	return sent, received, buffered, next, missing, nil
}

func stepAll(ctx context.Context, members []Member, step *plugsimpb.Step, out []*plugsimpb.StepReport) error {
	if len(members) == 1 {
		r, err := members[0].Step(ctx, step)
		out[0] = r
		return err
	}
	var wg sync.WaitGroup
	errs := make([]error, len(members))
	for i, m := range members {
		wg.Add(1)
		go func() {
			defer wg.Done()
			out[i], errs[i] = m.Step(ctx, step)
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

// ControlSubject returns the subject of a worker's (or, with worker
// "coord", the coordinator's) control inbox.
func ControlSubject(run, worker string) string {
	return Address{Run: run, Channel: ChannelCtl, ID: worker}.Subject()
}

// RemoteMember reaches a worker process over NATS request/reply. Requests
// that time out or find no responder (a worker reconnecting after losing
// its NATS node) are repeated with back-off until Budget is spent; every
// request is idempotent, so a NATS node lost mid-run costs time, not
// correctness.
type RemoteMember struct {
	// Conn is the coordinator's connection.
	Conn *nats.Conn
	// Run is the run id.
	Run string
	// Worker is the worker id from its Hello.
	Worker string
	// Timeout bounds each attempt. Default 2 s.
	Timeout time.Duration
	// Budget bounds all the attempts of one request. Default 60 s.
	Budget time.Duration
}

var _ Member = (*RemoteMember)(nil)

// Step implements [Member].
func (m *RemoteMember) Step(ctx context.Context, st *plugsimpb.Step) (*plugsimpb.StepReport, error) {
	resp, err := m.Request(ctx, &plugsimpb.Control{Run: m.Run, Body: &plugsimpb.Control_Step{Step: st}})
	if err != nil {
		return nil, err
	}
	r := resp.GetReport()
	if r == nil || r.Epoch != st.Epoch || r.Worker != m.Worker {
		return nil, fmt.Errorf("runtime: worker %s answered step %d with %v", m.Worker, st.Epoch, resp)
	}
	return r, nil
}

// Request sends a control message and waits for the worker's answer,
// retrying on timeouts and missing responders.
func (m *RemoteMember) Request(ctx context.Context, c *plugsimpb.Control) (*plugsimpb.Control, error) {
	data, err := proto.Marshal(c)
	if err != nil {
		return nil, fmt.Errorf("runtime: control: %w", err)
	}
	timeout, budget := m.Timeout, m.Budget
	if timeout <= 0 {
		timeout = 2 * time.Second
	}
	if budget <= 0 {
		budget = time.Minute
	}
	subject := ControlSubject(m.Run, m.Worker)
	deadline := time.Now().Add(budget)
	pause := 10 * time.Millisecond
	var last error
	for attempt := 1; ; attempt++ {
		actx, cancel := context.WithTimeout(ctx, timeout)
		msg, err := m.Conn.RequestWithContext(actx, subject, data)
		cancel()
		if err == nil {
			resp := &plugsimpb.Control{}
			if err := proto.Unmarshal(msg.Data, resp); err != nil {
				return nil, fmt.Errorf("runtime: worker %s: malformed answer: %w", m.Worker, err)
			}
			return resp, nil
		}
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		last = err
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("runtime: worker %s unreachable for %v (%d attempts): %w", m.Worker, budget, attempt, last)
		}
		if errors.Is(err, nats.ErrNoResponders) || errors.Is(err, nats.ErrConnectionClosed) || errors.Is(err, nats.ErrConnectionReconnecting) {
			// Nobody listens right now: wait before asking again.
			t := time.NewTimer(pause)
			select {
			case <-ctx.Done():
				t.Stop()
				return nil, ctx.Err()
			case <-t.C:
			}
			pause = min(2*pause, timeout)
		}
	}
}

// Abort tells the worker that the run failed, without waiting for an
// answer.
func (m *RemoteMember) Abort(reason string) error {
	data, _ := proto.Marshal(&plugsimpb.Control{Run: m.Run, Body: &plugsimpb.Control_Abort{Abort: &plugsimpb.Abort{Reason: reason}}})
	return m.Conn.Publish(ControlSubject(m.Run, m.Worker), data)
}
