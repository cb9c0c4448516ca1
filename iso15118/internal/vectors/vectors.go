// Package vectors loads the public ISO 15118 and DIN 70121 test vectors in
// shared/iso15118/vectors: the rows of INDEX.tsv, each vector's payload and
// V2GTP frame from its .hex file, and its JSON sidecar (source, what the
// source says the frame means, and the verdict of the independent C codec).
// It is test support for the conformance tests, the codecs and the CLI.
package vectors

import (
	"bufio"
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// Independent-codec verdicts as INDEX.tsv spells them (column libcbv2g_decode).
const (
	// VerdictOK: the independent codec decoded the vector.
	VerdictOK = "OK"
	// VerdictFail: the independent codec could not decode the vector.
	VerdictFail = "FAIL"
	// VerdictSDP: the vector is an SDP datagram, not EXI.
	VerdictSDP = "SDP"
)

// Vector is one test vector.
type Vector struct {
	// File is the .hex file's path relative to the vectors directory,
	// e.g. "libcbv2g_tests/0000_supportedAppProtocolReq.hex".
	File string
	// Source is the folder the vector comes from, e.g. "pyPLC_openv2g_decoded".
	Source string
	// SourceRepo, SourcePath and Commit say where the source published it.
	SourceRepo, SourcePath, Commit string
	// Schema is the INDEX.tsv schema: "apphand", "din", "iso2",
	// "iso20-common", "iso20-ac", "iso20-dc", "iso2-frag",
	// "iso2-xmldsig-frag", "sdp" or "auto" (unknown).
	Schema string
	// Message is the message or element name the index gives.
	Message string
	// Size is the payload size in bytes the index gives.
	Size int
	// Verdict is the independent codec's decode verdict: [VerdictOK],
	// [VerdictFail] or [VerdictSDP].
	Verdict string
	// ReencodeEqual is true when the independent codec re-encoded the
	// vector to identical bytes.
	ReencodeEqual bool
	// Direction is "EVCC->SECC", "SECC->EVCC" or "" when unknown.
	Direction string
	// Payload is the EXI stream (or SDP payload): line 1 of the .hex file.
	Payload []byte
	// Frame is the whole V2GTP frame from the .hex file's second line, or
	// nil when the source did not give one.
	Frame []byte
	// Meta is the JSON sidecar.
	Meta Meta
}

// Name returns the file's base name without extension, e.g. "0000_supportedAppProtocolReq".
func (v *Vector) Name() string {
	return strings.TrimSuffix(filepath.Base(v.File), ".hex")
}

// ID returns Source/Name, the key used in divergence lists.
func (v *Vector) ID() string {
	return v.Source + "/" + v.Name()
}

// Meta is a vector's JSON sidecar. Fields absent from a sidecar stay zero.
type Meta struct {
	// SourceRepo, SourcePath and SourceCommit say where the vector comes from.
	SourceRepo   string `json:"source_repo"`
	SourcePath   string `json:"source_path"`
	SourceCommit string `json:"source_commit"`
	// EXIHex is the payload in hex; it equals line 1 of the .hex file.
	EXIHex string `json:"exi_hex"`
	// V2GTPHex is the V2GTP frame in hex, when known.
	V2GTPHex string `json:"v2gtp_hex"`
	// V2GTPPayloadType is the capture's payload type, e.g. "0x8001".
	V2GTPPayloadType string `json:"v2gtp_payload_type"`
	// Schema is the schema the source or the capture implies.
	Schema string `json:"schema"`
	// MessageDirection is "EVCC->SECC" or "SECC->EVCC".
	MessageDirection string `json:"message_direction"`
	// Harness lists the independent codec's runs on this vector.
	Harness []Harness `json:"libcbv2g_harness"`
	// TestCase is the name of the source's unit test (libcbv2g, libiso15118).
	TestCase string `json:"test_case"`
	// PayloadTypeInTest is the payload type named in the source's test, e.g. "Part20AC".
	PayloadTypeInTest string `json:"payload_type_in_test"`
	// Asserts are the source test's assertion lines (C or C++), the
	// expected field values of libcbv2g and libiso15118 vectors.
	Asserts []string `json:"meaning_from_test_asserts"`
	// XMLComment is the XML form of the message given in a libcbv2g test's comment.
	XMLComment string `json:"meaning_xml_comment"`
	// OpenV2G is the flat decoding of a pyPLC frame by the OpenV2G fork
	// (dotted field paths to string values, plus the tool's own keys).
	OpenV2G map[string]string `json:"meaning_openv2g_fork_decoder_json"`
	// Decoded is the capture tool's decoding of an SDP datagram.
	Decoded map[string]any `json:"decoded"`
	// Meaning is free text about the vector.
	Meaning string `json:"meaning"`
	// Transport is "udp", "tcp" or a note on TLS decryption, for captures.
	Transport string `json:"transport"`
	// Src is the capture's source endpoint.
	Src string `json:"src"`
	// Dst is the capture's destination endpoint.
	Dst string `json:"dst"`
	// FrameNo is the capture's frame number.
	FrameNo int `json:"frame_no"`
	// Element is the signed element of a RISE-V2G fragment vector.
	Element string `json:"element"`
	// SHA256Given and SHA256Computed are the fragment's digest as the source
	// gives it and as computed from the bytes.
	SHA256Given    string `json:"sha256_given"`
	SHA256Computed string `json:"sha256_computed"`
}

// Harness is one run of the independent C codec (libcbv2g) on a vector.
// Numbers are kept as the sidecar spells them.
type Harness struct {
	// Schema is the grammar the run used, e.g. "din" or "auto".
	Schema string `json:"schema"`
	// Status is "OK" or "FAIL".
	Status string `json:"status"`
	// Message is the message decoded.
	Message string `json:"message"`
	// In is the input size in bytes.
	In string `json:"in"`
	// Used is the number of bytes the decoder consumed.
	Used string `json:"used"`
	// Out is the size of the re-encoding in bytes.
	Out string `json:"out"`
	// Match is "yes" when the re-encoding equals the input.
	Match string `json:"match"`
	// V2GTP is the payload type the run assumed, or "-".
	V2GTP string `json:"v2gtp"`
}

// indexColumns is the header line of INDEX.tsv.
var indexColumns = []string{"file", "source_repo", "source_path", "commit", "schema", "message", "exi_bytes", "libcbv2g_decode", "reencode_byte_equal", "direction"}

// Load reads INDEX.tsv in dir and every vector it lists, in index order;
// with schemas, only the vectors of those INDEX.tsv schema names.
func Load(dir string, schemas ...string) ([]Vector, error) {
	index, err := os.ReadFile(filepath.Join(dir, "INDEX.tsv"))
	if err != nil {
		return nil, fmt.Errorf("vectors: %w", err)
	}
	var vs []Vector
	sc := bufio.NewScanner(bytes.NewReader(index))
	line := 0
	for sc.Scan() {
		line++
		cols := strings.Split(sc.Text(), "\t")
		if line == 1 {
			if strings.Join(cols, "\t") != strings.Join(indexColumns, "\t") {
				return nil, fmt.Errorf("vectors: INDEX.tsv: unexpected header %q", sc.Text())
			}
			continue
		}
		if sc.Text() == "" {
			continue
		}
		if len(cols) != len(indexColumns) {
			return nil, fmt.Errorf("vectors: INDEX.tsv:%d: %d columns, want %d", line, len(cols), len(indexColumns))
		}
		if len(schemas) > 0 && !slices.Contains(schemas, cols[4]) {
			continue
		}
		v, err := load(dir, cols)
		if err != nil {
			return nil, fmt.Errorf("vectors: INDEX.tsv:%d: %w", line, err)
		}
		vs = append(vs, v)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("vectors: INDEX.tsv: %w", err)
	}
	return vs, nil
}

func load(dir string, cols []string) (Vector, error) {
	v := Vector{
		File:       cols[0],
		SourceRepo: cols[1],
		SourcePath: cols[2],
		Commit:     cols[3],
		Schema:     cols[4],
		Message:    cols[5],
		Verdict:    cols[7],
		Direction:  cols[9],
	}
	v.Source, _, _ = strings.Cut(v.File, "/")
	n, err := strconv.Atoi(cols[6])
	if err != nil {
		return v, fmt.Errorf("%s: exi_bytes %q: %w", v.File, cols[6], err)
	}
	v.Size = n
	switch cols[8] {
	case "yes":
		v.ReencodeEqual = true
	case "no", "":
	default:
		return v, fmt.Errorf("%s: reencode_byte_equal %q", v.File, cols[8])
	}
	raw, err := os.ReadFile(filepath.Join(dir, v.File))
	if err != nil {
		return v, err
	}
	if v.Payload, v.Frame, err = parseHex(raw); err != nil {
		return v, fmt.Errorf("%s: %w", v.File, err)
	}
	js, err := os.ReadFile(filepath.Join(dir, strings.TrimSuffix(v.File, ".hex")+".json"))
	if err != nil {
		return v, err
	}
	if err := json.Unmarshal(js, &v.Meta); err != nil {
		return v, fmt.Errorf("%s: sidecar: %w", v.File, err)
	}
	return v, nil
}

const framePrefix = "# v2gtp frame:"

// parseHex reads a .hex file: the payload in hex on line 1 and, optionally,
// "# v2gtp frame: <hex>" on line 2.
func parseHex(raw []byte) (payload, frame []byte, err error) {
	lines := strings.Split(strings.TrimRight(string(raw), "\n"), "\n")
	if len(lines) == 0 || len(lines) > 2 {
		return nil, nil, fmt.Errorf("%d lines, want 1 or 2", len(lines))
	}
	if payload, err = hex.DecodeString(strings.TrimSpace(lines[0])); err != nil {
		return nil, nil, fmt.Errorf("payload: %w", err)
	}
	if len(lines) == 2 {
		rest, ok := strings.CutPrefix(lines[1], framePrefix)
		if !ok {
			return nil, nil, errors.New("line 2 is not a v2gtp frame line")
		}
		if frame, err = hex.DecodeString(strings.TrimSpace(rest)); err != nil {
			return nil, nil, fmt.Errorf("v2gtp frame: %w", err)
		}
	}
	return payload, frame, nil
}
