package sdp

import (
	"fmt"
	"strconv"
	"strings"
)

// MarshalText returns [Security.String]: "TLS", "none" or "0x.." for an
// unknown value.
func (s Security) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText reads what [Security.MarshalText] writes.
func (s *Security) UnmarshalText(b []byte) error {
	switch string(b) {
	case "TLS":
		*s = SecurityTLS
		return nil
	case "none":
		*s = SecurityNone
		return nil
	}
	v, err := parseByte(string(b))
	if err != nil {
		return fmt.Errorf("sdp: security %q: %w", b, err)
	}
	*s = Security(v)
	return nil
}

// MarshalText returns [Transport.String]: "TCP" or "0x.." for an unknown value.
func (t Transport) MarshalText() ([]byte, error) { return []byte(t.String()), nil }

// UnmarshalText reads what [Transport.MarshalText] writes.
func (t *Transport) UnmarshalText(b []byte) error {
	if string(b) == "TCP" {
		*t = TransportTCP
		return nil
	}
	v, err := parseByte(string(b))
	if err != nil {
		return fmt.Errorf("sdp: transport %q: %w", b, err)
	}
	*t = Transport(v)
	return nil
}

func parseByte(s string) (byte, error) {
	h, ok := strings.CutPrefix(s, "0x")
	if !ok {
		return 0, strconv.ErrSyntax
	}
	v, err := strconv.ParseUint(h, 16, 8)
	return byte(v), err
}
