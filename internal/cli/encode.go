package cli

import (
	"bufio"
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"

	"github.com/spf13/pflag"

	"github.com/plugsim/plugsim/iso15118/v2gtp"
)

const encodeUsage = `Usage: plugsim encode [--schema S] [--v2gtp] [FILE|-]

Encodes messages given as JSON, one object per line, from FILE or stdin (no
argument or -), and prints each as one line of hex. A line is either the
"fields" object of 'plugsim decode' ({"V2G_Message":{...}}) or a whole output
line of 'plugsim decode' ({"schema":...,"fields":{...}}), whose "schema" is
used when --schema is not given. Unknown field names are errors. A line that
fails prints {"error":"...","bit":N} ("bit": where the EXI writer stood when
the encoder refused a value, 0 for a JSON error); the exit status is then 1.

Flags:
`

// runEncode implements "plugsim encode".
func runEncode(_ context.Context, args []string, io IO) int {
	fs := pflag.NewFlagSet("encode", pflag.ContinueOnError)
	schema := fs.String("schema", "", "schema: "+codecNames()+" (default: the \"schema\" of each line)")
	withHeader := fs.Bool("v2gtp", false, "prefix each message with its V2GTP header")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), encodeUsage)
		fs.PrintDefaults()
	}
	if code, ok := parseFlags(fs, args, io); !ok {
		return code
	}
	if *schema != "" {
		if _, ok := findCodec(*schema); !ok {
			fmt.Fprintf(io.Stderr, "plugsim encode: unknown schema %q (want %s)\n", *schema, codecNames())
			return ExitUsage
		}
	}
	if fs.NArg() > 1 {
		fmt.Fprintln(io.Stderr, "plugsim encode: at most one FILE")
		return ExitUsage
	}
	in := io.Stdin
	if fs.NArg() == 1 && fs.Arg(0) != "-" {
		f, err := os.Open(fs.Arg(0))
		if err != nil {
			fmt.Fprintf(io.Stderr, "plugsim encode: %v\n", err)
			return ExitUsage
		}
		defer f.Close()
		in = f
	}
	w := bufio.NewWriter(io.Stdout)
	failed := false
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 0, 64<<10), maxLineBytes)
	for sc.Scan() {
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			continue
		}
		out, err := encodeLine(line, *schema, *withHeader)
		if err != nil {
			failed = true
			writeJSONLine(w, newDecodeError(err))
			continue
		}
		fmt.Fprintln(w, hex.EncodeToString(out))
	}
	if err := sc.Err(); err != nil {
		writeJSONLine(w, decodeError{Error: "encode: reading input: " + err.Error()})
		failed = true
	}
	if err := w.Flush(); err != nil {
		fmt.Fprintf(io.Stderr, "plugsim encode: %v\n", err)
		return ExitFail
	}
	if failed {
		return ExitFail
	}
	return ExitOK
}

// encodeLine encodes one JSON line.
func encodeLine(line []byte, schema string, withHeader bool) ([]byte, error) {
	var probe map[string]json.RawMessage
	if err := json.Unmarshal(line, &probe); err != nil {
		return nil, fmt.Errorf("encode: %w", err)
	}
	if _, ok := probe["error"]; ok {
		return nil, errors.New("encode: the line is a decode error, not a message")
	}
	fields := line
	if f, ok := probe["fields"]; ok {
		fields = f
		if schema == "" {
			if err := json.Unmarshal(probe["schema"], &schema); err != nil {
				return nil, fmt.Errorf("encode: \"schema\" of the line: %w", err)
			}
		}
	}
	if schema == "" {
		return nil, errors.New("encode: no --schema and no \"schema\" in the line")
	}
	c, ok := findCodec(schema)
	if !ok {
		return nil, fmt.Errorf("encode: unknown schema %q", schema)
	}
	doc := c.newDocument()
	dec := json.NewDecoder(bytes.NewReader(fields))
	dec.DisallowUnknownFields()
	if err := dec.Decode(doc.jsonValue()); err != nil {
		return nil, fmt.Errorf("encode: %s: %w", schema, err)
	}
	if dec.More() {
		return nil, fmt.Errorf("encode: %s: data after the JSON object", schema)
	}
	payload, err := doc.appendEncode(nil)
	if err != nil {
		return nil, fmt.Errorf("encode: %s: %w", schema, err)
	}
	if !withHeader {
		return payload, nil
	}
	pt := c.payloadType
	if c.name == "sdp" && doc.MessageName() == "SECCDiscoveryRes" {
		pt = v2gtp.SDPResponse
	}
	return v2gtp.AppendFrame(nil, pt, payload)
}
