package conformance

import (
	"bufio"
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"text/tabwriter"

	"github.com/plugsim/plugsim/iso15118/exi"
	"github.com/plugsim/plugsim/iso15118/internal/vectors"
)

var showUnmapped = flag.Bool("unmapped", false, "log the expected values that could not be tied to one of our fields")

// The checks a vector goes through, in order; a failed decode stops the rest.
const (
	checkDecode   = "decode"   // our codec decodes the payload without error
	checkMessage  = "message"  // to the message the index names
	checkReencode = "reencode" // and re-encodes it to identical bytes
	checkFields   = "fields"   // the source's expected field values match
)

var allChecks = []string{checkDecode, checkMessage, checkReencode, checkFields}

// divergence is one line of testdata/known_divergences.tsv.
type divergence struct {
	id, check, reason string
	line              int
}

const divergencesFile = "testdata/known_divergences.tsv"

// loadDivergences reads the checked-in list: "<source>/<vector>\t<check>\t<reason>",
// '#' comments and blank lines ignored.
func loadDivergences(t *testing.T) map[string]divergence {
	t.Helper()
	f, err := os.Open(divergencesFile)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := map[string]divergence{}
	sc := bufio.NewScanner(f)
	n := 0
	for sc.Scan() {
		n++
		line := sc.Text()
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		parts := strings.SplitN(line, "\t", 3)
		if len(parts) != 3 || strings.TrimSpace(parts[2]) == "" || !slices.Contains(allChecks, parts[1]) {
			t.Fatalf("%s:%d: want <vector>\\t<%s>\\t<reason>, got %q", divergencesFile, n, strings.Join(allChecks, "|"), line)
		}
		key := parts[0] + "\t" + parts[1]
		if _, dup := out[key]; dup {
			t.Fatalf("%s:%d: %s %s listed twice", divergencesFile, n, parts[0], parts[1])
		}
		out[key] = divergence{id: parts[0], check: parts[1], reason: parts[2], line: n}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// outcome is what one vector gave.
type outcome struct {
	v        *vectors.Vector
	failures map[string]string // check -> what went wrong
	fields   *fieldResult      // nil when the source publishes no field values
	skipped  []string          // checks not run because an earlier one failed
}

// runVector puts one vector through the checks.
func runVector(v *vectors.Vector, c codec, enums map[string]enumTable) outcome {
	o := outcome{v: v, failures: map[string]string{}}
	d, err := c(v.Payload)
	if err != nil {
		msg := err.Error()
		if xe, ok := errors.AsType[*exi.Error](err); ok {
			msg = fmt.Sprintf("%v (bit %d of %d)", err, xe.Bit, 8*len(v.Payload))
		}
		o.failures[checkDecode] = msg
		o.skipped = []string{checkMessage, checkReencode, checkFields}
		return o
	}
	if d.name != v.Message {
		o.failures[checkMessage] = fmt.Sprintf("decoded as %q, index says %q", d.name, v.Message)
	}
	re, err := d.encode()
	switch {
	case err != nil:
		o.failures[checkReencode] = "re-encode: " + err.Error()
	case !bytes.Equal(re, v.Payload):
		o.failures[checkReencode] = fmt.Sprintf("re-encoded %d bytes, first difference at byte %d: %x", len(re), firstDiff(re, v.Payload), re)
	}
	fr := expectedFields(v, d, enums)
	if fr != nil {
		o.fields = fr
		if len(fr.mismatches) > 0 {
			o.failures[checkFields] = strings.Join(fr.mismatches, "; ")
		}
	}
	return o
}

// expectedFields compares d with the field values the vector's source
// publishes, or returns nil when it publishes none.
func expectedFields(v *vectors.Vector, d decoded, enums map[string]enumTable) *fieldResult {
	tree, err := jsonTree(d.value)
	if err != nil {
		return &fieldResult{mismatches: []string{"JSON form: " + err.Error()}}
	}
	var r fieldResult
	switch v.Source {
	case "pyPLC_openv2g_decoded":
		// The OpenV2G fork decodes every frame as DIN (its note says so):
		// its output for the handshake frames is not a decoding of them.
		if len(v.Meta.OpenV2G) == 0 || v.Schema != "din" {
			return nil
		}
		r = compareOpenV2G(v, d.name, tree, enums[v.Schema])
	case "libcbv2g_tests":
		r = compareAsserts(v.Meta.Asserts, d.name, tree, true)
		if v.Meta.XMLComment != "" {
			x := compareXML(v, d.name, tree)
			r.checked += x.checked
			r.unmapped = append(r.unmapped, x.unmapped...)
			r.mismatches = append(r.mismatches, x.mismatches...)
		}
	case "libiso15118_tests":
		r = compareAsserts(v.Meta.Asserts, d.name, tree, false)
	default:
		return nil
	}
	return &r
}

func firstDiff(a, b []byte) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}

// schemaDirs maps an INDEX.tsv schema to its folder under shared/iso15118/schemas.
func schemaDir(schema string) string {
	switch {
	case strings.HasPrefix(schema, "iso20"):
		return "iso20"
	case strings.HasPrefix(schema, "iso2"):
		return "iso2"
	}
	return schema
}

// loadEnums reads the enumerations of every schema set from the XSDs.
func loadEnums(t *testing.T, vecDir string) map[string]enumTable {
	t.Helper()
	out := map[string]enumTable{}
	for _, s := range []string{"apphand", "din", "iso2", "iso20-common", "iso20-ac", "iso20-dc", "iso20-acdp", "iso20-wpt"} {
		files, err := filepath.Glob(filepath.Join(vecDir, "..", "schemas", schemaDir(s), "*.xsd"))
		if err != nil || len(files) == 0 {
			t.Fatalf("schemas of %s: %v (%d files)", s, err, len(files))
		}
		var rs []*os.File
		for _, f := range files {
			r, err := os.Open(f)
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			rs = append(rs, r)
		}
		readers := make([]io.Reader, len(rs))
		for i, r := range rs {
			readers[i] = r
		}
		e, err := parseEnums(readers...)
		if err != nil {
			t.Fatalf("enumerations of %s: %v", s, err)
		}
		out[s] = e
	}
	return out
}

// TestVectors is the correctness bar of the EXI codecs: every vector the
// independent codec decodes must pass every check, or be listed with its
// reason in testdata/known_divergences.tsv; a listed vector that passes
// fails the test too.
func TestVectors(t *testing.T) {
	dir, vs := vectors.ForTest(t)
	divs := loadDivergences(t)
	enums := loadEnums(t, dir)
	cs := codecs()
	known := map[string]bool{}
	var outs []outcome
	var noCodec, notDecodedByThem []string
	for i := range vs {
		v := &vs[i]
		known[v.ID()] = true
		if v.Verdict != vectors.VerdictOK {
			if v.Verdict == vectors.VerdictFail {
				notDecodedByThem = append(notDecodedByThem, v.ID())
			}
			continue
		}
		c, ok := cs[v.Schema]
		if !ok {
			noCodec = append(noCodec, v.ID()+" ("+v.Schema+")")
			continue
		}
		outs = append(outs, runVector(v, c, enums))
	}
	for _, d := range divs {
		if !known[d.id] {
			t.Errorf("%s:%d: %s is not a vector", divergencesFile, d.line, d.id)
		}
	}
	for _, o := range outs {
		id := o.v.ID()
		for _, check := range allChecks {
			key := id + "\t" + check
			d, listed := divs[key]
			why, failed := o.failures[check]
			switch {
			case failed && !listed:
				t.Errorf("%s [%s %s]: %s check fails and is not in %s: %s", id, o.v.Schema, o.v.Message, check, divergencesFile, why)
			case !failed && listed && !slices.Contains(o.skipped, check):
				t.Errorf("%s:%d: %s %s is listed (%s) but passes now: remove the line", divergencesFile, d.line, id, check, d.reason)
			case !failed && listed:
				t.Errorf("%s:%d: %s %s is listed but not run (an earlier check fails): list the earlier check instead", divergencesFile, d.line, id, check)
			case listed && failed:
				t.Logf("known divergence %s %s: %s (%s)", id, check, d.reason, why)
			}
		}
		if *showUnmapped && o.fields != nil {
			for _, u := range o.fields.unmapped {
				t.Logf("unmapped %s: %s", id, u)
			}
		}
	}
	for _, n := range noCodec {
		t.Errorf("%s: no codec of ours for this schema", n)
	}
	t.Logf("not decoded by the independent codec either (not part of the bar): %s", strings.Join(notDecodedByThem, ", "))
	logSummary(t, outs)
}

// logSummary logs the results per schema and source.
func logSummary(t *testing.T, outs []outcome) {
	type row struct {
		vectors, decoded, message, reencode, withFields, fieldsOK, checked, unmapped int
	}
	rows := map[string]*row{}
	var keys []string
	total := &row{}
	for _, o := range outs {
		k := o.v.Schema + "\t" + o.v.Source
		r := rows[k]
		if r == nil {
			r = &row{}
			rows[k] = r
			keys = append(keys, k)
		}
		for _, r := range []*row{r, total} {
			r.vectors++
			if _, f := o.failures[checkDecode]; !f {
				r.decoded++
				if _, f := o.failures[checkMessage]; !f {
					r.message++
				}
				if _, f := o.failures[checkReencode]; !f {
					r.reencode++
				}
			}
			if o.fields != nil {
				r.withFields++
				if _, f := o.failures[checkFields]; !f {
					r.fieldsOK++
				}
				r.checked += o.fields.checked
				r.unmapped += len(o.fields.unmapped)
			}
		}
	}
	slices.Sort(keys)
	var b strings.Builder
	w := tabwriter.NewWriter(&b, 0, 0, 1, ' ', tabwriter.AlignRight)
	fmt.Fprintln(w, "schema\tsource\tvectors\tdecoded\tsame message\tre-encoded equal\twith field values\tfields equal\tvalues compared\tvalues unmapped\t")
	line := func(k string, r *row) {
		fmt.Fprintf(w, "%s\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t\n", k, r.vectors, r.decoded, r.message, r.reencode, r.withFields, r.fieldsOK, r.checked, r.unmapped)
	}
	for _, k := range keys {
		line(k, rows[k])
	}
	line("total\t", total)
	w.Flush()
	t.Log("conformance summary:\n" + b.String())
}
