package v2gtp

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
)

// Header layout constants.
const (
	// HeaderLen is the size of a V2GTP header in bytes.
	HeaderLen = 8
	// Version is the protocol version byte that every V2GTP header carries.
	Version byte = 0x01
	// InverseVersion is the bitwise inverse of [Version], the header's second byte.
	InverseVersion byte = 0xFE
	// DefaultMaxPayload is the payload length limit, in bytes, that a
	// [Decoder] or [Reader] applies when its Options leave MaxPayload zero:
	// 64 KiB, several times the largest message seen in ISO 15118-2 and -20
	// captures (certificate installation responses with chains are a few KB).
	DefaultMaxPayload = 64 << 10
)

// PayloadType is the V2GTP payload type: it says what the payload is and,
// for ISO 15118-20, which schema's grammar decodes it.
type PayloadType uint16

// The payload types of DIN SPEC 70121, ISO 15118-2 and ISO 15118-20.
const (
	// EXI is an EXI-encoded message of DIN SPEC 70121, ISO 15118-2 or the
	// supportedAppProtocol handshake (which one is agreed in the handshake).
	EXI PayloadType = 0x8001
	// ISO20Common is an ISO 15118-20 CommonMessages EXI message.
	ISO20Common PayloadType = 0x8002
	// ISO20AC is an ISO 15118-20 AC EXI message.
	ISO20AC PayloadType = 0x8003
	// ISO20DC is an ISO 15118-20 DC EXI message.
	ISO20DC PayloadType = 0x8004
	// ISO20ACDP is an ISO 15118-20 ACDP (automated connection device) EXI message.
	ISO20ACDP PayloadType = 0x8005
	// ISO20WPT is an ISO 15118-20 WPT (wireless power transfer) EXI message.
	ISO20WPT PayloadType = 0x8006
	// SideStream1 is the first of the four ISO 15118-20 side-stream payload types.
	SideStream1 PayloadType = 0x8101
	// SideStream2 is the second ISO 15118-20 side-stream payload type.
	SideStream2 PayloadType = 0x8102
	// SideStream3 is the third ISO 15118-20 side-stream payload type.
	SideStream3 PayloadType = 0x8103
	// SideStream4 is the fourth ISO 15118-20 side-stream payload type.
	SideStream4 PayloadType = 0x8104
	// SDPRequest is a SECC Discovery Protocol request (UDP).
	SDPRequest PayloadType = 0x9000
	// SDPResponse is a SECC Discovery Protocol response (UDP).
	SDPResponse PayloadType = 0x9001
)

// Known reports whether t is one of the payload types named in this package.
func (t PayloadType) Known() bool {
	switch t {
	case EXI, ISO20Common, ISO20AC, ISO20DC, ISO20ACDP, ISO20WPT,
		SideStream1, SideStream2, SideStream3, SideStream4,
		SDPRequest, SDPResponse:
		return true
	}
	return false
}

// String returns the constant's name, or "0x…" for an unknown type.
func (t PayloadType) String() string {
	switch t {
	case EXI:
		return "EXI"
	case ISO20Common:
		return "ISO20Common"
	case ISO20AC:
		return "ISO20AC"
	case ISO20DC:
		return "ISO20DC"
	case ISO20ACDP:
		return "ISO20ACDP"
	case ISO20WPT:
		return "ISO20WPT"
	case SideStream1:
		return "SideStream1"
	case SideStream2:
		return "SideStream2"
	case SideStream3:
		return "SideStream3"
	case SideStream4:
		return "SideStream4"
	case SDPRequest:
		return "SDPRequest"
	case SDPResponse:
		return "SDPResponse"
	}
	return "0x" + strconv.FormatUint(uint64(t), 16)
}

// Sentinel errors, wrapped by [*Error]; branch on them with errors.Is.
var (
	// ErrVersion: the version byte is not 0x01 or the second byte is not its inverse.
	ErrVersion = errors.New("v2gtp: wrong protocol version")
	// ErrPayloadType: the payload type is not one of the known types.
	ErrPayloadType = errors.New("v2gtp: unknown payload type")
	// ErrTooLong: the payload length exceeds the configured maximum.
	ErrTooLong = errors.New("v2gtp: payload too long")
	// ErrLength: a whole-buffer parse found more or fewer bytes than the header announces.
	ErrLength = errors.New("v2gtp: payload length mismatch")
)

// Error describes a header that was refused. Err is one of [ErrVersion],
// [ErrPayloadType], [ErrTooLong] or [ErrLength].
type Error struct {
	// Offset is the byte offset of the refused header in the stream (0 for
	// a whole-buffer parse).
	Offset int64
	// Header is the header as read.
	Header Header
	// VersionByte and InverseByte are the first two bytes as read.
	VersionByte, InverseByte byte
	// Max is the payload limit in force when Err is ErrTooLong.
	Max uint32
	// Present is the number of payload bytes present when Err is ErrLength.
	Present int
	// Err is the sentinel.
	Err error
}

// Error formats the failure with the header fields that matter for it.
func (e *Error) Error() string {
	switch e.Err {
	case ErrVersion:
		return fmt.Sprintf("%v: bytes %02x %02x at offset %d", e.Err, e.VersionByte, e.InverseByte, e.Offset)
	case ErrPayloadType:
		return fmt.Sprintf("%v: %#04x at offset %d", e.Err, uint16(e.Header.Type), e.Offset)
	case ErrTooLong:
		return fmt.Sprintf("%v: %d bytes, limit %d, at offset %d", e.Err, e.Header.Length, e.Max, e.Offset)
	case ErrLength:
		return fmt.Sprintf("%v: header says %d bytes, %d present", e.Err, e.Header.Length, e.Present)
	}
	return fmt.Sprintf("%v at offset %d", e.Err, e.Offset)
}

// Unwrap returns the sentinel.
func (e *Error) Unwrap() error { return e.Err }

// Fatal reports whether the stream has lost its framing, so that the
// connection must be closed (see the package documentation).
func (e *Error) Fatal() bool { return e.Err != ErrPayloadType }

// Header is a decoded V2GTP header.
type Header struct {
	// Type is the payload type.
	Type PayloadType
	// Length is the payload length in bytes (header excluded).
	Length uint32
}

// AppendHeader appends the 8-byte encoding of h to dst.
func AppendHeader(dst []byte, h Header) []byte {
	dst = append(dst, Version, InverseVersion)
	dst = binary.BigEndian.AppendUint16(dst, uint16(h.Type))
	return binary.BigEndian.AppendUint32(dst, h.Length)
}

// ParseHeader decodes the first [HeaderLen] bytes of b. It checks the
// version bytes and that the payload type is known, but not the length
// (the caller knows its limit). A short b gives [io.ErrUnexpectedEOF].
func ParseHeader(b []byte) (Header, error) {
	return parseHeader(b, 0)
}

func parseHeader(b []byte, off int64) (Header, error) {
	if len(b) < HeaderLen {
		return Header{}, fmt.Errorf("v2gtp: header of %d bytes: %w", len(b), io.ErrUnexpectedEOF)
	}
	h := Header{Type: PayloadType(binary.BigEndian.Uint16(b[2:4])), Length: binary.BigEndian.Uint32(b[4:8])}
	if b[0] != Version || b[1] != InverseVersion {
		return h, &Error{Offset: off, Header: h, VersionByte: b[0], InverseByte: b[1], Err: ErrVersion}
	}
	if !h.Type.Known() {
		return h, &Error{Offset: off, Header: h, VersionByte: b[0], InverseByte: b[1], Err: ErrPayloadType}
	}
	return h, nil
}

// Frame is one V2GTP message: its payload type and its payload.
type Frame struct {
	// Type is the payload type.
	Type PayloadType
	// Payload is the payload (the EXI stream, or the SDP body).
	Payload []byte
}

// AppendFrame appends a V2GTP header for a payload of type t and the
// payload itself to dst. Payloads longer than 4 GiB - 1 are an error.
func AppendFrame(dst []byte, t PayloadType, payload []byte) ([]byte, error) {
	if uint64(len(payload)) > math.MaxUint32 {
		return dst, fmt.Errorf("v2gtp: payload of %d bytes: %w", len(payload), ErrTooLong)
	}
	dst = AppendHeader(dst, Header{Type: t, Length: uint32(len(payload))})
	return append(dst, payload...), nil
}

// ParseFrame decodes b as exactly one V2GTP frame, as a UDP datagram or a
// captured frame is. Payload aliases b. Bytes missing give
// [io.ErrUnexpectedEOF] and bytes left over give [ErrLength]; no payload
// length limit applies beyond len(b).
func ParseFrame(b []byte) (Frame, error) {
	h, err := ParseHeader(b)
	if err != nil {
		return Frame{Type: h.Type}, err
	}
	have := uint64(len(b) - HeaderLen)
	if uint64(h.Length) > have {
		return Frame{Type: h.Type}, fmt.Errorf("v2gtp: payload of %d bytes, %d present: %w", h.Length, have, io.ErrUnexpectedEOF)
	}
	if uint64(h.Length) < have {
		return Frame{Type: h.Type}, &Error{Header: h, VersionByte: b[0], InverseByte: b[1], Present: int(have), Err: ErrLength}
	}
	return Frame{Type: h.Type, Payload: b[HeaderLen:]}, nil
}
