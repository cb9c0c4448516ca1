// Package runtime owns what every plugsim actor stands on: the protoactor
// system (with our logger and supervision), the NATS transport (an embedded
// nats-server by default, or an external server or cluster), the router that
// maps subjects to local actors through one wildcard subscription per
// shard, the simulation clock (real or virtual time), the coordinator that
// advances virtual time across processes, and the metrics endpoint.
//
// # Messages
//
// An actor spawned through [Worker.Spawn] receives:
//   - [*Delivery]: a [plugsimpb.Frame] that arrived on the actor's subject;
//   - whatever value it passed to [Env.After], when that timer is due;
//   - protoactor lifecycle messages (*actor.Started, *actor.Restarting, ...).
//
// It sends frames with [Env.Publish] and never blocks in Receive.
//
// # Time
//
// Actors read time only from [Env.Now] and ask for wake-ups with
// [Env.After]. Under virtual time a run advances in epochs: at each epoch
// the coordinator picks a simulated instant T; every worker delivers, in a
// canonical order, the timers due at T and the frames that arrived during
// the previous epoch, waits until its actors are idle and reports its
// counts. Frames sent during an epoch are buffered by their receiver and
// delivered in the next epoch at the same T (one logical sub-step later),
// so a worker that reported idle stays idle until the next epoch, and the
// run is quiescent as soon as every worker is idle and the unique frames
// received equal the frames sent. This makes a run with a fixed seed
// reproducible, whatever the number of processes.
//
// # Concurrency
//
// A [Worker] is safe for concurrent use. Its scheduler runs deliveries from
// the goroutine that calls [Worker.Step]; actors run on protoactor's
// dispatcher; NATS callbacks only count and buffer.
package runtime
