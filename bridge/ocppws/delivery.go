package ocppws

import (
	"errors"
	"sync"
	"time"

	"github.com/plugsim/plugsim/ocpp"
	"github.com/plugsim/plugsim/ocpp/outbox"
)

// Delivery drives an [outbox.Outbox] over a [Peer] on the wall clock: it
// hands the outbox's items to the peer one at a time, settles them with the
// peer's completions (a CALLRESULT acknowledges, a CALLERROR or timeout is
// a failed attempt, a lost connection requeues) and wakes up when the
// throttle or a retry wait allows the next one.
//
// The station calls [Delivery.Online] once it may send transaction
// messages on a connection (after an accepted BootNotification, or at once
// on a reconnection when it did not reboot) and [Delivery.Offline] when the
// connection is lost ([PeerOptions.OnDisconnect]).
//
// # Concurrency
//
// All methods are safe from any goroutine; the outbox is only touched
// under the Delivery's lock.
type Delivery struct {
	peer *Peer
	opts DeliveryOptions

	mu     sync.Mutex
	ob     *outbox.Outbox // guarded by mu
	handed string         // guarded by mu; id of the item handed to the peer, "" if none
	timer  *time.Timer    // guarded by mu
	closed bool           // guarded by mu
	empty  chan struct{}  // guarded by mu; closed while the outbox is empty
}

// DeliveryOptions configure a [Delivery].
type DeliveryOptions struct {
	// Now returns the current time; nil means time.Now.
	Now func() time.Time
	// OnSettled, when set, is called after every transmission with the
	// item and its outcome (nil: delivered; [ocpp.ErrTimeout], an
	// [*ocpp.Error] from a CALLERROR, or [ocpp.ErrDisconnected]).
	OnSettled func(it outbox.Item, err error)
	// OnDropped, when set, is called with items dropped after
	// [outbox.Options.MaxAttempts] failed attempts.
	OnDropped func(outbox.Item)
}

// NewDelivery returns a Delivery of ob's items over peer.
func NewDelivery(peer *Peer, ob *outbox.Outbox, opts DeliveryOptions) *Delivery {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	d := &Delivery{peer: peer, ob: ob, opts: opts, empty: make(chan struct{})}
	if ob.Len() == 0 {
		close(d.empty)
	}
	return d
}

// Empty returns a channel that is closed once every item has been
// delivered (or dropped). A later Enqueue makes a new channel.
func (d *Delivery) Empty() <-chan struct{} {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.empty
}

// noteLenLocked keeps the Empty channel in step with the outbox.
func (d *Delivery) noteLenLocked() {
	select {
	case <-d.empty:
		if d.ob.Len() > 0 {
			d.empty = make(chan struct{})
		}
	default:
		if d.ob.Len() == 0 {
			close(d.empty)
		}
	}
}

// Enqueue adds a message to the outbox (with offline=true while the
// Delivery is offline) and sends it when its turn comes.
func (d *Delivery) Enqueue(msg outbox.Message) (outbox.Item, error) {
	d.mu.Lock()
	it, err := d.ob.Enqueue(msg)
	d.noteLenLocked()
	d.mu.Unlock()
	if err == nil {
		d.pump()
	}
	return it, err
}

// Len returns the number of undelivered items.
func (d *Delivery) Len() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.ob.Len()
}

// Online starts (or resumes) delivery.
func (d *Delivery) Online() {
	d.mu.Lock()
	d.ob.Connected(d.opts.Now())
	d.mu.Unlock()
	d.pump()
}

// Offline stops delivery; messages enqueued from now on are offline.
func (d *Delivery) Offline() {
	d.mu.Lock()
	d.ob.Disconnected()
	d.mu.Unlock()
}

// Close stops the wake-up timer; items stay in the outbox.
func (d *Delivery) Close() {
	d.mu.Lock()
	d.closed = true
	if d.timer != nil {
		d.timer.Stop()
	}
	d.mu.Unlock()
}

// pump hands the next item to the peer, or arms the timer for when one may
// go.
func (d *Delivery) pump() {
	d.mu.Lock()
	if d.closed || d.handed != "" {
		d.mu.Unlock()
		return
	}
	it, ok, wake := d.ob.Next(d.opts.Now())
	if !ok {
		if !wake.IsZero() {
			wait := wake.Sub(d.opts.Now())
			if d.timer == nil {
				d.timer = time.AfterFunc(wait, d.pump)
			} else {
				d.timer.Reset(wait)
			}
		}
		d.mu.Unlock()
		return
	}
	d.handed = it.MessageID
	d.mu.Unlock()
	err := d.peer.CallAsync(it.Action, it.Payload, func(c Completion) { d.settle(it, c.Err) })
	if err != nil {
		d.settle(it, err)
	}
}

// settle reports the outcome of the item handed to the peer.
func (d *Delivery) settle(it outbox.Item, err error) {
	id := it.MessageID
	d.mu.Lock()
	if d.handed != id {
		d.mu.Unlock()
		return
	}
	d.handed = ""
	var dropped outbox.Item
	var wasDropped bool
	switch {
	case err == nil:
		d.ob.Acked(id)
	case errors.Is(err, ocpp.ErrDisconnected), errors.Is(err, ErrClosed), errors.Is(err, ocpp.ErrQueueFull):
		d.ob.Requeue(id)
	default: // a CALLERROR or a timeout: a failed attempt
		dropped, wasDropped = d.ob.Failed(d.opts.Now(), id)
	}
	d.noteLenLocked()
	d.mu.Unlock()
	if d.opts.OnSettled != nil {
		d.opts.OnSettled(it, err)
	}
	if wasDropped && d.opts.OnDropped != nil {
		d.opts.OnDropped(dropped)
	}
	d.pump()
}
