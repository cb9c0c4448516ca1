package cli

import (
	"bufio"
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/pflag"

	"github.com/plugsim/plugsim/iso15118/exi"
	"github.com/plugsim/plugsim/iso15118/v2gtp"
)

// maxLineBytes bounds one input line of the decode and encode commands:
// the V2GTP payload limit in hex, with room to spare.
const maxLineBytes = 4 * v2gtp.DefaultMaxPayload

const decodeUsage = `Usage: plugsim decode [--schema S] [HEX...]

Decodes EXI messages (and SDP datagrams) given in hex, as arguments or, with
no argument, from stdin one per line (blank lines and lines starting with #
are skipped). Each frame may start with a V2GTP header; when it does, the
payload type chooses the schema (0x8002-0x8006: ISO 15118-20 common, AC, DC,
ACDP, WPT; 0x9000/0x9001: SDP).

Prints one JSON object per frame:
  {"schema":"iso2","message":"SessionSetupReq","used":14,"reencode_equal":true,"fields":{...}}
"fields" is the document with the schema's element names (what 'plugsim encode'
reads back). "used" is the number of payload bytes decoded, "reencode_equal"
whether encoding the result gives the same bytes, "payload_type" the V2GTP
payload type when a header was present. A frame that fails prints
{"error":"...","bit":N}. "bit" is the offset of the failure in the EXI
stream (its 0x80 header byte included) when the failure is inside it; for a
refused V2GTP header it is the offset of the refused field in the frame (0:
version bytes, 16: payload type, 32: payload length), and 0 for bad hex.
Exit status 1 when any frame failed.

--schema auto (the default) guesses, as a heuristic of this command only (a
session always knows its schema from the handshake): payload type 0x8001
cannot tell the handshake, DIN 70121 and ISO 15118-2 apart, so it tries
apphand, din, iso2 in that order; a frame without a header tries those and
then iso20-common, iso20-ac, iso20-dc, iso20-acdp, iso20-wpt. The first schema
that decodes the frame and re-encodes it to the same bytes wins, else the
first that decodes it; the output then says "guessed":true. When all fail,
the error of the schema that read furthest is printed.

Flags:
`

// runDecode implements "plugsim decode".
func runDecode(_ context.Context, args []string, io IO) int {
	fs := pflag.NewFlagSet("decode", pflag.ContinueOnError)
	schema := fs.String("schema", "auto", "schema: auto|"+codecNames())
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), decodeUsage)
		fs.PrintDefaults()
	}
	if code, ok := parseFlags(fs, args, io); !ok {
		return code
	}
	if *schema != "auto" {
		if _, ok := findCodec(*schema); !ok {
			fmt.Fprintf(io.Stderr, "plugsim decode: unknown schema %q (want auto|%s)\n", *schema, codecNames())
			return ExitUsage
		}
	}
	w := bufio.NewWriter(io.Stdout)
	defer w.Flush()
	failed := false
	emit := func(line string) {
		if !decodeLine(w, line, *schema) {
			failed = true
		}
	}
	if fs.NArg() > 0 {
		for _, a := range fs.Args() {
			emit(a)
		}
	} else {
		sc := bufio.NewScanner(io.Stdin)
		sc.Buffer(make([]byte, 0, 64<<10), maxLineBytes)
		for sc.Scan() {
			line := strings.TrimSpace(sc.Text())
			if line == "" || strings.HasPrefix(line, "#") {
				continue
			}
			emit(line)
		}
		if err := sc.Err(); err != nil {
			writeJSONLine(w, decodeError{Error: "decode: reading stdin: " + err.Error()})
			failed = true
		}
	}
	if err := w.Flush(); err != nil {
		fmt.Fprintf(io.Stderr, "plugsim decode: %v\n", err)
		return ExitFail
	}
	if failed {
		return ExitFail
	}
	return ExitOK
}

// decodeResult is one output line of a decoded frame.
type decodeResult struct {
	Schema        string          `json:"schema"`
	Message       string          `json:"message"`
	Used          int             `json:"used"`
	ReencodeEqual bool            `json:"reencode_equal"`
	PayloadType   string          `json:"payload_type,omitempty"`
	Guessed       bool            `json:"guessed,omitempty"`
	Fields        json.RawMessage `json:"fields"`
}

// decodeError is one output line of a frame that failed.
type decodeError struct {
	Error string `json:"error"`
	Bit   int64  `json:"bit"`
}

// newDecodeError makes the output line of err (see errorBit).
func newDecodeError(err error) decodeError {
	return decodeError{Error: err.Error(), Bit: errorBit(err)}
}

// frameError is a failure outside the EXI stream, at a known bit of the frame.
type frameError struct {
	bit int64
	err error
}

// Error returns the message of the underlying error.
func (e *frameError) Error() string { return e.err.Error() }

// Unwrap returns the underlying error.
func (e *frameError) Unwrap() error { return e.err }

// V2GTP header fields, as bit offsets in a frame.
const (
	bitVersion     = 0
	bitPayloadType = 16
	bitLength      = 32
)

// errorBit returns the "bit" of a failed line: the *exi.Error's offset in
// the EXI stream, a *frameError's or *v2gtp.Error's offset of the refused
// header field, else 0.
func errorBit(err error) int64 {
	if xe, ok := errors.AsType[*exi.Error](err); ok {
		return xe.Bit
	}
	if fe, ok := errors.AsType[*frameError](err); ok {
		return fe.bit
	}
	if ve, ok := errors.AsType[*v2gtp.Error](err); ok {
		switch ve.Err {
		case v2gtp.ErrVersion:
			return 8*ve.Offset + bitVersion
		case v2gtp.ErrPayloadType:
			return 8*ve.Offset + bitPayloadType
		default:
			return 8*ve.Offset + bitLength
		}
	}
	return 0
}

// decodeLine decodes one frame given in hex and writes its line; it
// reports whether the frame decoded.
func decodeLine(w io.Writer, line, schema string) bool {
	res, err := decodeFrame(line, schema)
	if err != nil {
		writeJSONLine(w, newDecodeError(err))
		return false
	}
	writeJSONLine(w, res)
	return true
}

func decodeFrame(line, schema string) (decodeResult, error) {
	b, err := hex.DecodeString(strings.TrimPrefix(strings.ReplaceAll(line, " ", ""), "0x"))
	if err != nil {
		return decodeResult{}, fmt.Errorf("decode: bad hex: %w", err)
	}
	payload, pt, header := b, v2gtp.PayloadType(0), false
	// An EXI stream starts with 0x80; anything else of header size is
	// taken as a V2GTP frame, so that a bad header is reported as such.
	if len(b) >= v2gtp.HeaderLen && b[0] != 0x80 && schema != "sdp" || len(b) >= 2 && b[0] == v2gtp.Version && b[1] == v2gtp.InverseVersion {
		f, err := v2gtp.ParseFrame(b)
		if err != nil {
			if errors.Is(err, io.ErrUnexpectedEOF) {
				bit := int64(bitLength) // the payload is shorter than the length field says
				if len(b) < v2gtp.HeaderLen {
					bit = 8 * int64(len(b))
				}
				err = &frameError{bit: bit, err: err}
			}
			return decodeResult{}, fmt.Errorf("decode: %w", err)
		}
		payload, pt, header = f.Payload, f.Type, true
	}
	var candidates []string
	switch {
	case schema != "auto":
		c, _ := findCodec(schema)
		if header && !headerFits(c, pt) {
			return decodeResult{}, &frameError{bit: bitPayloadType, err: fmt.Errorf("decode: V2GTP payload type %v does not carry schema %s", pt, schema)}
		}
		candidates = []string{schema}
	case header && pt == v2gtp.EXI:
		candidates = autoOrder(pt, true)
	case header:
		name, ok := schemaOfPayloadType(pt)
		if !ok {
			return decodeResult{}, &frameError{bit: bitPayloadType, err: fmt.Errorf("decode: V2GTP payload type %v has no schema here", pt)}
		}
		candidates = []string{name}
	default:
		candidates = autoOrder(0, false)
	}
	res, err := tryDecode(payload, candidates)
	if err != nil {
		return decodeResult{}, err
	}
	res.Guessed = len(candidates) > 1
	if header {
		res.PayloadType = fmt.Sprintf("%#04x", uint16(pt))
	}
	return res, nil
}

// headerFits reports whether payload type pt can carry schema c.
func headerFits(c codec, pt v2gtp.PayloadType) bool {
	if c.name == "sdp" {
		return pt == v2gtp.SDPRequest || pt == v2gtp.SDPResponse
	}
	return c.payloadType == pt
}

// schemaOfPayloadType maps a V2GTP payload type other than 0x8001 to its schema.
func schemaOfPayloadType(pt v2gtp.PayloadType) (string, bool) {
	switch pt {
	case v2gtp.SDPRequest, v2gtp.SDPResponse:
		return "sdp", true
	}
	for _, c := range codecs() {
		if c.payloadType == pt && pt != v2gtp.EXI && c.name != "sdp" {
			return c.name, true
		}
	}
	return "", false
}

// tryDecode decodes payload with each candidate schema in turn (see the
// command's usage for the rule).
func tryDecode(payload []byte, candidates []string) (decodeResult, error) {
	var (
		first   *decodeResult
		bestErr error
		bestBit int64 = -1
	)
	tried := 0
	for _, name := range candidates {
		c, ok := findCodec(name)
		if !ok {
			continue
		}
		tried++
		doc, err := c.decode(payload)
		if err != nil {
			bit := int64(0)
			if xe, ok := errors.AsType[*exi.Error](err); ok {
				bit = xe.Bit
			}
			if bit > bestBit {
				bestBit, bestErr = bit, fmt.Errorf("decode: %s: %w", name, err)
			}
			continue
		}
		fields, err := json.Marshal(doc.jsonValue())
		if err != nil {
			return decodeResult{}, fmt.Errorf("decode: %s: marshal: %w", name, err)
		}
		re, encErr := doc.appendEncode(nil)
		res := decodeResult{
			Schema:        name,
			Message:       doc.MessageName(),
			Used:          len(payload),
			ReencodeEqual: encErr == nil && bytes.Equal(re, payload),
			Fields:        fields,
		}
		if res.ReencodeEqual {
			return res, nil
		}
		if first == nil {
			first = &res
		}
	}
	if first != nil {
		return *first, nil
	}
	if tried == 0 {
		return decodeResult{}, fmt.Errorf("decode: no codec for schema %s in this build", strings.Join(candidates, ", "))
	}
	return decodeResult{}, bestErr
}

// writeJSONLine writes v as one line of JSON.
func writeJSONLine(w io.Writer, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		b, _ = json.Marshal(decodeError{Error: "marshal: " + err.Error()})
	}
	w.Write(append(b, '\n'))
}
