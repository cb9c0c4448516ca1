// Package v2gtp owns the V2G Transfer Protocol framing of ISO 15118 and
// DIN SPEC 70121: the 8-byte header (protocol version 0x01, its inverse
// 0xFE, a big-endian uint16 payload type and a big-endian uint32 payload
// length) in front of every EXI message and every SECC Discovery Protocol
// datagram.
//
// It offers three levels:
//   - [Header], [ParseHeader], [AppendFrame] and [ParseFrame] for whole
//     buffers (one UDP datagram, one captured frame);
//   - [Decoder], a sans-I/O push decoder: [Decoder.Feed] it the bytes as they
//     arrive from any transport (a NATS frame, a TLS record) and take whole
//     frames out with [Decoder.Next];
//   - [Reader], a pull reader over an [io.Reader] (a TCP or TLS connection)
//     that reassembles frames split across reads.
//
// # Errors and what a session does with them
//
// Every failure is, or wraps, a [*Error] whose Err is one of the sentinels
// [ErrVersion], [ErrPayloadType] or [ErrTooLong], so callers branch with
// errors.Is and read the details with errors.AsType[*v2gtp.Error]. A
// truncated header or payload is [io.ErrUnexpectedEOF]. [Error.Fatal]
// says whether the byte stream is still in step:
//
//   - wrong version or inverse-version byte ([ErrVersion]): the bytes are
//     not V2GTP, or the stream lost its framing. Fatal: the receiver closes
//     the TCP connection (a UDP datagram is ignored). This is what the
//     standards require for a header that fails the version check.
//   - payload length above the configured maximum ([ErrTooLong]): the frame
//     is refused without reading it, so the stream cannot be resynchronised.
//     Fatal: close the TCP connection. (Our policy; skipping gigabytes of
//     announced payload would let a peer tie the receiver up.)
//   - unknown payload type ([ErrPayloadType]) with an acceptable length: the
//     payload is consumed and dropped and the stream stays in step. Not
//     fatal: the caller may read on (the frame is discarded) or, as an ISO
//     15118-2 or DIN session in a state that expects a message does, treat it
//     as a sequence error and end the session with a FAILED response code.
//
// After a fatal error a [Reader] or [Decoder] returns the same error on every
// further call.
package v2gtp
