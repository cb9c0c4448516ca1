package v2gtp

import "io"

// Options configure a [Decoder] or a [Reader]. The zero value is ready to use.
type Options struct {
	// MaxPayload is the largest payload length accepted, in bytes; zero
	// means [DefaultMaxPayload].
	MaxPayload uint32
}

func (o Options) max() uint32 {
	if o.MaxPayload == 0 {
		return DefaultMaxPayload
	}
	return o.MaxPayload
}

// Decoder is a push-style (sans-I/O) V2GTP stream decoder for actors and
// other callers that receive bytes in chunks of any size: give it bytes with
// [Decoder.Feed] and take complete frames with [Decoder.Next]. The zero
// value is a Decoder with the default [Options].
//
// A Decoder is not safe for concurrent use.
type Decoder struct {
	max  uint32
	buf  []byte // buffered bytes; buf[start:] not yet consumed
	r    int    // read position in buf
	off  int64  // stream offset of buf[r]
	skip uint32 // payload bytes of an unknown-type frame still to drop
	err  error  // sticky fatal error
}

// NewDecoder returns a Decoder with the given options.
func NewDecoder(opts Options) *Decoder {
	return &Decoder{max: opts.max()}
}

// Feed appends p to the decoder's buffer. It may reuse or move the memory
// of payloads returned by earlier calls to [Decoder.Next]. Feed checks no
// limit itself: call Next until it reports no frame after each Feed, so
// that an oversize header is refused before its payload is buffered.
func (d *Decoder) Feed(p []byte) {
	if d.err != nil || len(p) == 0 {
		return
	}
	if d.skip > 0 {
		n := min(uint32(len(p)), d.skip)
		d.skip -= n
		d.off += int64(n)
		p = p[n:]
	}
	if d.r > 0 && d.r == len(d.buf) {
		d.buf, d.r = d.buf[:0], 0
	} else if d.r > 0 && len(d.buf)+len(p) > cap(d.buf) {
		n := copy(d.buf, d.buf[d.r:])
		d.buf, d.r = d.buf[:n], 0
	}
	d.buf = append(d.buf, p...)
}

// Buffered returns the number of bytes fed but not yet returned in a frame.
func (d *Decoder) Buffered() int { return len(d.buf) - d.r }

// Next returns the next complete frame. ok is false and err nil when more
// bytes are needed. The payload aliases the decoder's buffer: it stays valid
// until the next call to [Decoder.Feed]; copy it to keep it longer.
//
// An unknown payload type returns an [*Error] wrapping [ErrPayloadType]
// once, after which the frame's payload is dropped (also the part not yet
// fed) and decoding goes on. A wrong version or a payload above the limit
// returns a fatal [*Error], and every later call returns it again; so does an
// unknown payload type whose length is above the limit (reported as
// [ErrTooLong]).
func (d *Decoder) Next() (f Frame, ok bool, err error) {
	if d.err != nil {
		return Frame{}, false, d.err
	}
	if d.skip > 0 {
		return Frame{}, false, nil
	}
	if d.max == 0 {
		d.max = DefaultMaxPayload
	}
	avail := d.buf[d.r:]
	if len(avail) < HeaderLen {
		return Frame{}, false, nil
	}
	h, err := parseHeader(avail, d.off)
	if err != nil {
		e := err.(*Error)
		if e.Err == ErrPayloadType && h.Length <= d.max {
			n := min(uint32(len(avail)-HeaderLen), h.Length)
			d.r += HeaderLen + int(n)
			d.off += HeaderLen + int64(n)
			d.skip = h.Length - n
			return Frame{}, false, e
		}
		if e.Err == ErrPayloadType {
			e.Err, e.Max = ErrTooLong, d.max
		}
		d.err = e
		return Frame{}, false, e
	}
	if h.Length > d.max {
		d.err = &Error{Offset: d.off, Header: h, VersionByte: avail[0], InverseByte: avail[1], Max: d.max, Err: ErrTooLong}
		return Frame{}, false, d.err
	}
	if uint64(len(avail)-HeaderLen) < uint64(h.Length) {
		return Frame{}, false, nil
	}
	end := HeaderLen + int(h.Length)
	f = Frame{Type: h.Type, Payload: avail[HeaderLen:end:end]}
	d.r += end
	d.off += int64(end)
	return f, true, nil
}

// Reader reads V2GTP frames from an [io.Reader], reassembling frames that
// arrive split across reads. Create one with [NewReader]. A Reader is not
// safe for concurrent use.
type Reader struct {
	r    io.Reader
	max  uint32
	hdr  [HeaderLen]byte
	buf  []byte
	off  int64
	skip uint32 // payload bytes of an unknown-type frame still to drop
	err  error  // sticky fatal error
}

// NewReader returns a Reader of r with the given options.
func NewReader(r io.Reader, opts Options) *Reader {
	return &Reader{r: r, max: opts.max()}
}

// ReadFrame reads the next frame. The payload stays valid until the next
// call. At a clean end of stream it returns [io.EOF]; a stream ending inside
// a frame gives [io.ErrUnexpectedEOF]. Errors of the header are as for
// [Decoder.Next]: an unknown payload type is returned once, as soon as its
// header is read, and the next call drops its payload before reading on; a
// wrong version or an oversize length is fatal and
// returned again by every later call. Errors of the underlying reader are
// returned as they are and are sticky too.
func (r *Reader) ReadFrame() (Frame, error) {
	if r.err != nil {
		return Frame{}, r.err
	}
	if r.skip > 0 {
		n, err := io.CopyN(io.Discard, r.r, int64(r.skip))
		r.off += n
		r.skip = 0
		if err != nil {
			r.err = eofUnexpected(err)
			return Frame{}, r.err
		}
	}
	if _, err := io.ReadFull(r.r, r.hdr[:]); err != nil {
		r.err = err
		return Frame{}, err
	}
	h, err := parseHeader(r.hdr[:], r.off)
	if err != nil {
		e := err.(*Error)
		if e.Err == ErrPayloadType && h.Length <= r.max {
			r.off += HeaderLen
			r.skip = h.Length
			return Frame{}, e
		}
		if e.Err == ErrPayloadType {
			e.Err, e.Max = ErrTooLong, r.max
		}
		r.err = e
		return Frame{}, e
	}
	if h.Length > r.max {
		r.err = &Error{Offset: r.off, Header: h, VersionByte: r.hdr[0], InverseByte: r.hdr[1], Max: r.max, Err: ErrTooLong}
		return Frame{}, r.err
	}
	r.off += HeaderLen
	if cap(r.buf) < int(h.Length) {
		r.buf = make([]byte, h.Length)
	}
	p := r.buf[:h.Length]
	n, err := io.ReadFull(r.r, p)
	r.off += int64(n)
	if err != nil {
		r.err = eofUnexpected(err)
		return Frame{}, r.err
	}
	return Frame{Type: h.Type, Payload: p}, nil
}

// eofUnexpected turns io.EOF met inside a frame into io.ErrUnexpectedEOF.
func eofUnexpected(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}
