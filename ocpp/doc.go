// Package ocpp owns OCPP-J RPC (the JSON-over-WebSocket framing of OCPP 2.0.1
// and 2.1) as a sans-I/O library: parsing and building frames, the error codes
// of the specification, a per-connection [Endpoint] state machine (one
// outstanding CALL per direction, a send queue, call timeouts driven by an
// explicit clock), and a [Router] from action to typed handler. It performs no
// I/O and never reads the clock: callers pass frames in, take frames out and
// pass the current time.
//
// # Frames
//
// [ParseFrame] reads CALL [2,id,action,payload], CALLRESULT [3,id,payload],
// CALLERROR [4,id,code,description,details] and, for OCPP 2.1, CALLRESULTERROR
// [5,id,code,description,details] and SEND [6,id,action,payload]. The payload
// is checked to be well-formed JSON and kept as raw bytes
// ([encoding/json.RawMessage]) until a typed message decodes it, so it is
// scanned once by the framer and once by the typed decoder and never decoded
// into an intermediate tree. [Frame.AppendTo] writes a frame.
//
// # Error codes
//
// Errors that must reach the peer are [*Error] values carrying an [ErrorCode].
// They become a CALLERROR (or CALLRESULTERROR) in exactly one place,
// [ErrorFrame]. From a peer, any code string is accepted (peers disagree, see
// the constants FormationViolation and OccurenceConstraintViolation); we send
// only the codes the specification names. For a payload that fails the
// message schema this package and the generated packages ocpp/v201 and
// ocpp/v21 send:
//
//   - FormatViolation: the payload is not well-formed JSON (also invalid UTF-8
//     and duplicate member names), or it has a member the schema does not
//     allow ("additionalProperties": false). The specification describes
//     FormatViolation as a payload that is "syntactically incorrect"; a member
//     that no version of the message defines is treated as such.
//   - TypeConstraintViolation: a value of the wrong JSON type ("somestring": 12).
//   - OccurrenceConstraintViolation: a required member is missing, or an array
//     has fewer than minItems or more than maxItems elements.
//   - PropertyConstraintViolation: a value outside its enumeration, a string
//     longer than maxLength, a number outside minimum/maximum, a malformed
//     date-time.
//   - RpcFrameworkError: the frame itself is not a valid RPC message (not an
//     array, message id unreadable or longer than 36 characters, wrong element
//     count); the CALLERROR then carries the message id "-1" when the id could
//     not be read.
//   - MessageTypeNotSupported: an unknown message type number, or 5 and 6 on a
//     2.0.1 connection.
//   - NotImplemented: an action the router does not know.
package ocpp
