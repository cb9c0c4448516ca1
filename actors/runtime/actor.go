package runtime

import (
	"github.com/asynkron/protoactor-go/actor"
)

// Actor is the behaviour of one entity. The runtime calls Receive with one
// message at a time; Receive must not block (no waiting on NATS, timers or
// other actors: send, set a timer, and handle the answer as a message).
//
// Actors see only this package's types, never protoactor's, so that the
// actor core underneath can be patched or replaced.
type Actor interface {
	Receive(c *Context)
}

// ActorFunc adapts a function to [Actor].
type ActorFunc func(c *Context)

// Receive calls f.
func (f ActorFunc) Receive(c *Context) { f(c) }

// Lifecycle messages an actor receives from the runtime.
type (
	// Started is the first message of an actor, and the first after each
	// restart.
	Started struct{}
	// Restarting is the last message an instance receives before it is
	// replaced after a panic.
	Restarting struct{}
	// Stopping and Stopped are received when the actor stops.
	Stopping struct{}
	// Stopped is the last message of an actor.
	Stopped struct{}
)

// Context is what an actor's Receive works with: the message, the actor's
// [Env], and the ability to stop itself.
type Context struct {
	ac  actor.Context
	env *Env
	msg any
}

// Message returns the message being handled: a [*Delivery], a [*Timer], a
// lifecycle message ([Started], [Restarting], [Stopping], [Stopped]) or
// another value the actor set as a timer tag.
func (c *Context) Message() any { return c.msg }

// Env returns the actor's environment (address, clock, generator, outbox).
func (c *Context) Env() *Env { return c.env }

// Stop stops the actor once the current message is handled. Frames that
// arrive for it later are dropped as for an unknown actor.
func (c *Context) Stop() { c.ac.Stop(c.ac.Self()) }

// lifecycle translates protoactor's lifecycle messages into ours.
func lifecycle(m any) any {
	switch m.(type) {
	case *actor.Started:
		return Started{}
	case *actor.Restarting:
		return Restarting{}
	case *actor.Stopping:
		return Stopping{}
	case *actor.Stopped:
		return Stopped{}
	}
	return m
}
