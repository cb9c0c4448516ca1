// Package sdp owns the SECC Discovery Protocol of ISO 15118-2 and DIN SPEC
// 70121: the UDP request an EV multicasts to find its charger's SECC and the
// answer giving the SECC's IPv6 address, TCP port and security. Both travel
// inside a V2GTP frame (payload types 0x9000 and 0x9001, see package
// [github.com/plugsim/plugsim/iso15118/v2gtp]).
//
// The package encodes and decodes bytes only; sockets belong to the bridges.
//
// The ISO 15118-20 additions to SDP (if any beyond these two messages) are
// not covered: the project's notes (shared/iso15118) hold no facts about
// them, so nothing here guesses at their layout.
package sdp

import (
	"errors"
	"fmt"
	"io"
	"net/netip"

	"github.com/plugsim/plugsim/iso15118/v2gtp"
)

// Well-known addressing of SDP.
const (
	// UDPPort is the UDP port an SECC listens on for SDP requests.
	UDPPort = 15118
	// MulticastAddress is the IPv6 all-nodes link-local multicast address
	// the EV sends its request to.
	MulticastAddress = "ff02::1"
)

// Payload sizes, in bytes, V2GTP header excluded.
const (
	// RequestLen is the size of a request payload.
	RequestLen = 2
	// ResponseLen is the size of a response payload.
	ResponseLen = 20
)

// Security is the security byte of SDP: whether the V2G session runs over TLS.
type Security byte

// Security values.
const (
	// SecurityTLS asks for (or offers) a TLS-secured connection.
	SecurityTLS Security = 0x00
	// SecurityNone asks for (or offers) a connection without TLS.
	SecurityNone Security = 0x10
)

// String names the value, or gives it in hex when unknown.
func (s Security) String() string {
	switch s {
	case SecurityTLS:
		return "TLS"
	case SecurityNone:
		return "none"
	}
	return fmt.Sprintf("0x%02x", byte(s))
}

// Transport is the transport protocol byte of SDP.
type Transport byte

// Transport values.
const (
	// TransportTCP is TCP, the only transport the notes know to be in use.
	TransportTCP Transport = 0x00
)

// String names the value, or gives it in hex when unknown.
func (t Transport) String() string {
	if t == TransportTCP {
		return "TCP"
	}
	return fmt.Sprintf("0x%02x", byte(t))
}

// Sentinel errors, wrapped by [*Error]; branch on them with errors.Is.
var (
	// ErrLength: the payload is not 2 (request) or 20 (response) bytes.
	ErrLength = errors.New("sdp: wrong payload length")
	// ErrSecurity: the security byte is neither 0x00 nor 0x10.
	ErrSecurity = errors.New("sdp: unknown security value")
	// ErrTransport: the transport byte is not 0x00 (TCP).
	ErrTransport = errors.New("sdp: unknown transport value")
	// ErrPayloadType: a datagram's V2GTP payload type is not the SDP one expected.
	ErrPayloadType = errors.New("sdp: wrong V2GTP payload type")
	// ErrAddress: a response's address is not an IPv6 address.
	ErrAddress = errors.New("sdp: SECC address is not IPv6")
)

// Error describes a refused SDP message. Err is one of the sentinels of
// this package, [io.ErrUnexpectedEOF], or a V2GTP error.
type Error struct {
	// Msg is "request" or "response".
	Msg string
	// Offset is the byte offset in the payload of the refused field.
	Offset int
	// Err is the cause.
	Err error
}

// Error formats the failure.
func (e *Error) Error() string {
	return fmt.Sprintf("sdp: %s at byte %d: %v", e.Msg, e.Offset, e.Err)
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// Request is the SECC Discovery request an EV sends.
type Request struct {
	// Security is the security the EV asks for.
	Security Security
	// Transport is the transport protocol the EV asks for.
	Transport Transport
}

// Response is the SECC Discovery response.
type Response struct {
	// Addr is the SECC's IPv6 address (usually link-local). Encoding drops
	// its zone, which the wire format does not carry.
	Addr netip.Addr
	// Port is the SECC's TCP port. Any value is accepted: real chargers use
	// ports outside the dynamic range 49152 to 65535 (30000 is seen).
	Port uint16
	// Security is the security the SECC offers.
	Security Security
	// Transport is the transport protocol the SECC offers.
	Transport Transport
}

func checkValues(msg string, off int, s Security, t Transport) error {
	if s != SecurityTLS && s != SecurityNone {
		return &Error{Msg: msg, Offset: off, Err: fmt.Errorf("%w %#02x", ErrSecurity, byte(s))}
	}
	if t != TransportTCP {
		return &Error{Msg: msg, Offset: off + 1, Err: fmt.Errorf("%w %#02x", ErrTransport, byte(t))}
	}
	return nil
}

// AppendBinary appends the 2-byte request payload to dst. Unknown security
// or transport values are an error.
func (r Request) AppendBinary(dst []byte) ([]byte, error) {
	if err := checkValues("request", 0, r.Security, r.Transport); err != nil {
		return dst, err
	}
	return append(dst, byte(r.Security), byte(r.Transport)), nil
}

// ParseRequest decodes a request payload (without the V2GTP header). The
// payload must be exactly [RequestLen] bytes with known values; an SECC
// ignores a request that fails.
func ParseRequest(p []byte) (Request, error) {
	if len(p) != RequestLen {
		return Request{}, lengthError("request", p, RequestLen)
	}
	r := Request{Security: Security(p[0]), Transport: Transport(p[1])}
	if err := checkValues("request", 0, r.Security, r.Transport); err != nil {
		return Request{}, err
	}
	return r, nil
}

// AppendBinary appends the 20-byte response payload to dst. The address
// must be IPv6 (an IPv4-mapped IPv6 address counts) and the values known.
func (r Response) AppendBinary(dst []byte) ([]byte, error) {
	if !r.Addr.Is6() {
		return dst, &Error{Msg: "response", Offset: 0, Err: fmt.Errorf("%w: %v", ErrAddress, r.Addr)}
	}
	if err := checkValues("response", 18, r.Security, r.Transport); err != nil {
		return dst, err
	}
	a := r.Addr.As16()
	dst = append(dst, a[:]...)
	return append(dst, byte(r.Port>>8), byte(r.Port), byte(r.Security), byte(r.Transport)), nil
}

// ParseResponse decodes a response payload (without the V2GTP header). The
// payload must be exactly [ResponseLen] bytes with known values.
func ParseResponse(p []byte) (Response, error) {
	if len(p) != ResponseLen {
		return Response{}, lengthError("response", p, ResponseLen)
	}
	r := Response{
		Addr:      netip.AddrFrom16([16]byte(p[:16])),
		Port:      uint16(p[16])<<8 | uint16(p[17]),
		Security:  Security(p[18]),
		Transport: Transport(p[19]),
	}
	if err := checkValues("response", 18, r.Security, r.Transport); err != nil {
		return Response{}, err
	}
	return r, nil
}

func lengthError(msg string, p []byte, want int) error {
	if len(p) < want {
		return &Error{Msg: msg, Offset: len(p), Err: fmt.Errorf("%w: %d bytes, want %d: %w", ErrLength, len(p), want, io.ErrUnexpectedEOF)}
	}
	return &Error{Msg: msg, Offset: want, Err: fmt.Errorf("%w: %d bytes, want %d", ErrLength, len(p), want)}
}

// AppendRequestDatagram appends a whole request datagram (V2GTP header and
// payload) to dst.
func AppendRequestDatagram(dst []byte, r Request) ([]byte, error) {
	if err := checkValues("request", 0, r.Security, r.Transport); err != nil {
		return dst, err
	}
	dst = v2gtp.AppendHeader(dst, v2gtp.Header{Type: v2gtp.SDPRequest, Length: RequestLen})
	return r.AppendBinary(dst)
}

// AppendResponseDatagram appends a whole response datagram (V2GTP header
// and payload) to dst.
func AppendResponseDatagram(dst []byte, r Response) ([]byte, error) {
	n := len(dst)
	dst = v2gtp.AppendHeader(dst, v2gtp.Header{Type: v2gtp.SDPResponse, Length: ResponseLen})
	out, err := r.AppendBinary(dst)
	if err != nil {
		return dst[:n], err
	}
	return out, nil
}

// ParseRequestDatagram decodes a whole request datagram: a V2GTP frame of
// type 0x9000 and nothing after it.
func ParseRequestDatagram(b []byte) (Request, error) {
	p, err := payload(b, "request", v2gtp.SDPRequest)
	if err != nil {
		return Request{}, err
	}
	return ParseRequest(p)
}

// ParseResponseDatagram decodes a whole response datagram: a V2GTP frame
// of type 0x9001 and nothing after it.
func ParseResponseDatagram(b []byte) (Response, error) {
	p, err := payload(b, "response", v2gtp.SDPResponse)
	if err != nil {
		return Response{}, err
	}
	return ParseResponse(p)
}

func payload(b []byte, msg string, want v2gtp.PayloadType) ([]byte, error) {
	f, err := v2gtp.ParseFrame(b)
	if err != nil {
		return nil, &Error{Msg: msg, Err: err}
	}
	if f.Type != want {
		return nil, &Error{Msg: msg, Err: fmt.Errorf("%w: %v, want %v", ErrPayloadType, f.Type, want)}
	}
	return f.Payload, nil
}
