// Package outbox is a charging station's queue of messages that must reach
// the CSMS exactly once and in order, even across lost connections: the
// transaction-related messages of OCPP 2.0.1 and 2.1 (TransactionEvent and
// MeterValues). It is sans-I/O: time arrives as an argument, the caller
// sends what [Outbox.Next] returns and reports the outcome with
// [Outbox.Acked], [Outbox.Failed] or [Outbox.Requeue], and the state of the
// connection with [Outbox.Connected] and [Outbox.Disconnected].
//
// # Ordering, throttling, retransmission
//
// Every TransactionEvent and MeterValues goes through the outbox, online or
// not, so their order is the order of [Outbox.Enqueue]. The outbox numbers
// each transaction's events (TransactionEventRequest.seqNo: 0 for the first
// event of a transaction, then one more per event) and marks
// those enqueued while the connection is down offline=true. One item is in
// flight at a time. After a reconnection the backlog drains at
// [Options.Rate] items per second (a token bucket of [Options.Burst]) so
// that a station returning from a long outage does not flood its CSMS.
//
// A retransmitted item (after a timeout, a CALLERROR, or a connection lost
// while it was in flight) is the same bytes under the same [Item.MessageID]:
// the payload is encoded once, at enqueue. On the wire each transmission is
// a new CALL, which the RPC layer may give a new OCPP-J message id
// (ocpp.Endpoint numbers its calls itself, so bridge/ocppws does). The CSMS
// therefore counts an item once by keying TransactionEvents on (station,
// transactionId, seqNo), which the specification makes unique per event,
// and MeterValues on (station, digest of the payload bytes), which no
// retransmission changes; [Ledger] does exactly that.
//
// # Limits
//
// The queue is bounded by [Options.MaxItems]; [Outbox.Enqueue] returns
// [ErrFull] rather than dropping anything silently. The queue lives in
// memory: persisting it across a station reboot is not done here.
package outbox

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"time"
)

// Actions the outbox carries.
const (
	ActionTransactionEvent = "TransactionEvent"
	ActionMeterValues      = "MeterValues"
)

// Defaults for [Options].
const (
	DefaultMaxItems      = 100_000
	DefaultRetryInterval = 10 * time.Second
)

// ErrFull is returned by [Outbox.Enqueue] when the queue holds
// [Options.MaxItems] items.
var ErrFull = errors.New("outbox: queue full")

// Options configure an [Outbox].
type Options struct {
	// Rate is the highest delivery rate in items per second. Zero means
	// no throttle.
	Rate float64
	// Burst is how many items may go back to back before Rate applies.
	// Zero means 1.
	Burst int
	// MaxItems bounds the queue. Zero means [DefaultMaxItems].
	MaxItems int
	// MaxAttempts is how many failed transmissions (CALLERROR or timeout)
	// an item gets before it is dropped and reported, as OCPP's
	// MessageAttemptsTransactionEvent. Connection losses do not count.
	// Zero means unlimited.
	MaxAttempts int
	// RetryInterval is the wait after a failed transmission, multiplied by
	// the number of failures so far (OCPP's
	// MessageAttemptIntervalTransactionEvent). Zero means
	// [DefaultRetryInterval].
	RetryInterval time.Duration
	// Seed seeds the message id generator. Zero is a valid seed.
	Seed uint64
}

// Message is what the caller asks to deliver.
type Message struct {
	// Action is [ActionTransactionEvent] or [ActionMeterValues].
	Action string
	// TransactionID is the transaction a TransactionEvent belongs to.
	TransactionID string
	// Ends marks the TransactionEvent Ended: the transaction's seqNo
	// counter is released after it.
	Ends bool
	// Encode returns the JSON payload. For a TransactionEvent it must put
	// seqNo and offline (when true) into it. It is called once, at
	// enqueue.
	Encode func(seqNo int, offline bool) ([]byte, error)
}

// Item is one queued message, ready to send as a CALL.
type Item struct {
	// MessageID identifies the item for [Outbox.Acked], [Outbox.Failed]
	// and [Outbox.Requeue], unchanged across retransmissions; it is a valid
	// OCPP-J message id (36 characters) for an RPC layer that lets the
	// caller choose one (ocpp.Endpoint does not).
	MessageID string
	// Action is the OCPP action.
	Action string
	// Payload is the encoded request.
	Payload []byte
	// TransactionID is the transaction of a TransactionEvent, empty for
	// MeterValues.
	TransactionID string
	// SeqNo is the TransactionEvent's seqNo, -1 for MeterValues.
	SeqNo int
	// Offline is true when the item was enqueued without a connection.
	Offline bool
	// Attempts counts failed transmissions so far.
	Attempts int
}

// Outbox is the queue. It is not safe for concurrent use: one goroutine
// (the station's event loop) drives it.
type Outbox struct {
	opts     Options
	rand     *rand.Rand
	queue    []Item         // FIFO; queue[0] is the head
	inFlight bool           // queue[0] has been handed out and not settled
	online   bool           // a connection is up
	seq      map[string]int // next seqNo per open transaction
	tokens   float64        // throttle bucket
	last     time.Time      // when tokens was last refilled
	notUntil time.Time      // retry back-off of the head
	dropped  []Item         // dropped after MaxAttempts, not yet taken
}

// New returns an empty, offline outbox.
func New(opts Options) *Outbox {
	if opts.Burst <= 0 {
		opts.Burst = 1
	}
	if opts.MaxItems <= 0 {
		opts.MaxItems = DefaultMaxItems
	}
	if opts.RetryInterval <= 0 {
		opts.RetryInterval = DefaultRetryInterval
	}
	return &Outbox{
		opts:   opts,
		rand:   rand.New(rand.NewPCG(opts.Seed, 0x6f7574626f78)),
		seq:    make(map[string]int),
		tokens: float64(opts.Burst),
	}
}

// Len returns the number of queued items, the one in flight included.
func (o *Outbox) Len() int { return len(o.queue) }

// Online reports whether the outbox believes a connection is up.
func (o *Outbox) Online() bool { return o.online }

// newMessageID returns a UUID-formatted (36 characters) id from the seeded
// generator.
func (o *Outbox) newMessageID() string {
	a, b := o.rand.Uint64(), o.rand.Uint64()
	a = a&^(0xf<<12) | 4<<12 // version 4
	b = b&^(3<<62) | 2<<62   // variant 10
	return fmt.Sprintf("%08x-%04x-%04x-%04x-%012x", a>>32, (a>>16)&0xffff, a&0xffff, b>>48, b&0xffffffffffff)
}

// Enqueue encodes msg (with the next seqNo of its transaction and
// offline=true when no connection is up) and appends it to the queue.
func (o *Outbox) Enqueue(msg Message) (Item, error) {
	if len(o.queue) >= o.opts.MaxItems {
		return Item{}, ErrFull
	}
	it := Item{Action: msg.Action, TransactionID: msg.TransactionID, SeqNo: -1, Offline: !o.online}
	switch msg.Action {
	case ActionTransactionEvent:
		if msg.TransactionID == "" {
			return Item{}, errors.New("outbox: TransactionEvent without a transaction id")
		}
		it.SeqNo = o.seq[msg.TransactionID]
	case ActionMeterValues:
	default:
		return Item{}, fmt.Errorf("outbox: action %q is not queued", msg.Action)
	}
	p, err := msg.Encode(max(it.SeqNo, 0), it.Offline)
	if err != nil {
		return Item{}, fmt.Errorf("outbox: encoding %s: %w", msg.Action, err)
	}
	it.Payload = p
	it.MessageID = o.newMessageID()
	if msg.Action == ActionTransactionEvent {
		if msg.Ends {
			delete(o.seq, msg.TransactionID)
		} else {
			o.seq[msg.TransactionID] = it.SeqNo + 1
		}
	}
	o.queue = append(o.queue, it)
	return it, nil
}

// Connected tells the outbox a connection is up (and, for OCPP, the
// BootNotification was accepted): delivery may start.
func (o *Outbox) Connected(now time.Time) {
	o.online = true
	o.refill(now)
}

// Disconnected tells the outbox the connection is gone: messages enqueued
// from now on are marked offline and nothing is handed out until
// [Outbox.Connected]. An item in flight stays in flight until the caller
// settles it: with [Outbox.Requeue] when its call died with the connection,
// or [Outbox.Acked] when its answer still arrives.
func (o *Outbox) Disconnected() {
	o.online = false
}

// Requeue settles the item in flight as not delivered because the
// connection was lost (not a failed attempt): it goes back to the head, to
// be sent again, unchanged, as soon as [Outbox.Next] allows.
func (o *Outbox) Requeue(messageID string) bool {
	if !o.inFlight || len(o.queue) == 0 || o.queue[0].MessageID != messageID {
		return false
	}
	o.inFlight = false
	return true
}

func (o *Outbox) refill(now time.Time) {
	if o.opts.Rate <= 0 {
		return
	}
	if !o.last.IsZero() && now.After(o.last) {
		o.tokens += now.Sub(o.last).Seconds() * o.opts.Rate
		if b := float64(o.opts.Burst); o.tokens > b {
			o.tokens = b
		}
	}
	o.last = now
}

// Next returns the item to send now. When there is none it returns ok
// false and the time at which to ask again (zero when only an outside
// event can help: a connection, a settled item, a new message).
func (o *Outbox) Next(now time.Time) (it Item, ok bool, wake time.Time) {
	if !o.online || o.inFlight || len(o.queue) == 0 {
		return Item{}, false, time.Time{}
	}
	if now.Before(o.notUntil) {
		return Item{}, false, o.notUntil
	}
	o.refill(now)
	if o.opts.Rate > 0 && o.tokens < 1 {
		need := (1 - o.tokens) / o.opts.Rate
		return Item{}, false, now.Add(time.Duration(need * float64(time.Second)))
	}
	if o.opts.Rate > 0 {
		o.tokens--
	}
	o.inFlight = true
	return o.queue[0], true, time.Time{}
}

// Acked settles the item in flight with messageID as delivered: the CSMS
// answered with a CALLRESULT. An unknown id is ignored and reported false.
func (o *Outbox) Acked(messageID string) bool {
	if !o.inFlight || len(o.queue) == 0 || o.queue[0].MessageID != messageID {
		return false
	}
	o.queue[0] = Item{}
	o.queue = o.queue[1:]
	o.inFlight = false
	o.notUntil = time.Time{}
	return true
}

// Failed settles the item in flight as not delivered (a CALLERROR, or no
// answer within the call timeout). It stays at the head and is sent again
// after RetryInterval times its failures, unless MaxAttempts is reached:
// then it is removed and returned with ok true, for the caller to report.
func (o *Outbox) Failed(now time.Time, messageID string) (dropped Item, ok bool) {
	if !o.inFlight || len(o.queue) == 0 || o.queue[0].MessageID != messageID {
		return Item{}, false
	}
	o.inFlight = false
	head := &o.queue[0]
	head.Attempts++
	if o.opts.MaxAttempts > 0 && head.Attempts >= o.opts.MaxAttempts {
		d := *head
		o.queue[0] = Item{}
		o.queue = o.queue[1:]
		o.notUntil = time.Time{}
		return d, true
	}
	o.notUntil = now.Add(time.Duration(head.Attempts) * o.opts.RetryInterval)
	return Item{}, false
}
