package runtime

import (
	"errors"
	"fmt"
	"strings"
)

// SubjectPrefix is the first token of every plugsim subject.
const SubjectPrefix = "plugsim"

// Channels of a run's subject space. A channel groups the addresses of one
// kind of traffic.
const (
	ChannelCable = "cable" // EV <-> SECC: V2GTP frames
	ChannelOCPP  = "ocpp"  // station <-> CSMS: OCPP-J frames
	ChannelPKI   = "pki"   // OCSP and certificate services
	ChannelEMSP  = "emsp"  // eMSP services
	ChannelClock = "clock" // clock broadcasts
	ChannelCtl   = "ctl"   // coordinator <-> workers
)

// ErrBadAddress is wrapped by every address parsing or validation error.
var ErrBadAddress = errors.New("bad address")

// Address names one endpoint of a run: subject
// plugsim.<Run>.<Channel>.<ID>. ID may hold several dot-separated tokens
// (for example "EVSE-1.ev").
type Address struct {
	Run     string // the run id: one subject space per run
	Channel string // the kind of traffic (Channel… constants)
	ID      string // the endpoint within the channel; may hold dots
}

// Subject returns the NATS subject of a.
func (a Address) Subject() string {
	return SubjectPrefix + "." + a.Run + "." + a.Channel + "." + a.ID
}

// String returns the subject of a.
func (a Address) String() string { return a.Subject() }

// Validate reports whether every token of a is a valid literal subject
// token: non-empty, without wildcards or white space.
func (a Address) Validate() error {
	for _, part := range []struct{ name, v string }{{"run", a.Run}, {"channel", a.Channel}} {
		if err := validToken(part.v); err != nil || strings.Contains(part.v, ".") {
			return fmt.Errorf("runtime: %s %q: %w", part.name, part.v, ErrBadAddress)
		}
	}
	for _, tok := range strings.Split(a.ID, ".") {
		if err := validToken(tok); err != nil {
			return fmt.Errorf("runtime: id %q: %w", a.ID, err)
		}
	}
	return nil
}

func validToken(t string) error {
	if t == "" {
		return ErrBadAddress
	}
	for i := 0; i < len(t); i++ {
		switch c := t[i]; {
		case c == '*' || c == '>' || c <= ' ' || c == 0x7f:
			return ErrBadAddress
		}
	}
	return nil
}

// ParseSubject turns a subject back into an Address.
func ParseSubject(subject string) (Address, error) {
	rest, ok := strings.CutPrefix(subject, SubjectPrefix+".")
	if !ok {
		return Address{}, fmt.Errorf("runtime: subject %q: no %s prefix: %w", subject, SubjectPrefix, ErrBadAddress)
	}
	run, rest, ok1 := strings.Cut(rest, ".")
	channel, id, ok2 := strings.Cut(rest, ".")
	if !ok1 || !ok2 {
		return Address{}, fmt.Errorf("runtime: subject %q: want %s.<run>.<channel>.<id>: %w", subject, SubjectPrefix, ErrBadAddress)
	}
	a := Address{Run: run, Channel: channel, ID: id}
	if err := a.Validate(); err != nil {
		return Address{}, err
	}
	return a, nil
}

// RunWildcard returns the subject that matches every address of run.
func RunWildcard(run string) string { return SubjectPrefix + "." + run + ".>" }
