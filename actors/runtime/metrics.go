package runtime

import (
	"github.com/prometheus/client_golang/prometheus"
)

// Drop reasons, the values of the reason label of frames_dropped_total.
const (
	DropUnknownSubject = "unknown_subject" // subject outside the run's known channels
	DropMalformed      = "malformed"       // not a valid Frame, or a Frame of another run
	DropUnknownActor   = "unknown_actor"   // a valid Frame for an address no local actor holds
	DropDuplicate      = "duplicate"       // a copy of a frame already received (resends)
	DropRetiredActor   = "retired_actor"   // for an actor retired after too many failures
	DropStoppedActor   = "stopped_actor"   // for an actor that has stopped
)

var dropReasons = []string{DropUnknownSubject, DropMalformed, DropUnknownActor, DropDuplicate, DropRetiredActor, DropStoppedActor}

// Metrics are the runtime's Prometheus collectors. One Metrics serves one
// process; it registers on the registry it is given, never on the global
// one.
type Metrics struct {
	FramesSent        prometheus.Counter     // frames published by local actors
	FramesReceived    prometheus.Counter     // unique frames received for local addresses
	FramesDelivered   prometheus.Counter     // frames handed to local actors
	FramesDropped     *prometheus.CounterVec // frames dropped, by reason (Drop… constants)
	TimersFired       prometheus.Counter     // timers delivered to local actors
	ActorRestarts     prometheus.Counter     // actors restarted after a panic
	ActorStops        prometheus.Counter     // actors retired after too many panics
	Epochs            prometheus.Counter     // virtual-time epochs run
	SimTimeSeconds    prometheus.Gauge       // current simulated time
	NATSSlowConsumers prometheus.Counter     // slow-consumer errors reported by the NATS client
	NATSReconnects    prometheus.Counter     // NATS reconnections
}

// NewMetrics creates the collectors and registers them on reg. A nil reg
// gives unregistered collectors.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		FramesSent:        prometheus.NewCounter(prometheus.CounterOpts{Name: "plugsim_frames_sent_total", Help: "Frames published by local actors."}),
		FramesReceived:    prometheus.NewCounter(prometheus.CounterOpts{Name: "plugsim_frames_received_total", Help: "Unique frames received for local addresses."}),
		FramesDelivered:   prometheus.NewCounter(prometheus.CounterOpts{Name: "plugsim_frames_delivered_total", Help: "Frames handed to local actors."}),
		FramesDropped:     prometheus.NewCounterVec(prometheus.CounterOpts{Name: "plugsim_frames_dropped_total", Help: "Frames dropped, by reason."}, []string{"reason"}),
		TimersFired:       prometheus.NewCounter(prometheus.CounterOpts{Name: "plugsim_timers_fired_total", Help: "Timers delivered to local actors."}),
		ActorRestarts:     prometheus.NewCounter(prometheus.CounterOpts{Name: "plugsim_actor_restarts_total", Help: "Actors restarted after a panic."}),
		ActorStops:        prometheus.NewCounter(prometheus.CounterOpts{Name: "plugsim_actor_stops_total", Help: "Actors retired after too many panics."}),
		Epochs:            prometheus.NewCounter(prometheus.CounterOpts{Name: "plugsim_epochs_total", Help: "Virtual-time epochs run by this process."}),
		SimTimeSeconds:    prometheus.NewGauge(prometheus.GaugeOpts{Name: "plugsim_sim_time_seconds", Help: "Current simulated time."}),
		NATSSlowConsumers: prometheus.NewCounter(prometheus.CounterOpts{Name: "plugsim_nats_slow_consumer_total", Help: "Slow-consumer errors reported by the NATS client."}),
		NATSReconnects:    prometheus.NewCounter(prometheus.CounterOpts{Name: "plugsim_nats_reconnects_total", Help: "NATS reconnections."}),
	}
	for _, r := range dropReasons {
		m.FramesDropped.WithLabelValues(r)
	}
	if reg != nil {
		reg.MustRegister(m.FramesSent, m.FramesReceived, m.FramesDelivered, m.FramesDropped,
			m.TimersFired, m.ActorRestarts, m.ActorStops, m.Epochs, m.SimTimeSeconds, m.NATSSlowConsumers, m.NATSReconnects)
	}
	return m
}
