package conformance

import (
	"maps"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/plugsim/plugsim/iso15118/apphand"
	"github.com/plugsim/plugsim/iso15118/din"
	"github.com/plugsim/plugsim/iso15118/exi"
	"github.com/plugsim/plugsim/iso15118/internal/vectors"
	"github.com/plugsim/plugsim/iso15118/iso2"
	"github.com/plugsim/plugsim/iso15118/iso20/ac"
	"github.com/plugsim/plugsim/iso15118/iso20/acdp"
	"github.com/plugsim/plugsim/iso15118/iso20/common"
	"github.com/plugsim/plugsim/iso15118/iso20/dc"
	"github.com/plugsim/plugsim/iso15118/iso20/wpt"
)

// Allocation bound of TestDecodeAllocationBounded: a decode may allocate
// allocPerByte bytes per input byte plus allocSlack (the inputs here take
// at most about 40 bytes per input byte, most 10 to 20).
const (
	allocPerByte = 64
	allocSlack   = 1 << 10
)

// bigLengths are unsigned integers in EXI form (7-bit groups, least
// significant first) that announce far more than the input holds: 2^32,
// above every limit, and 8190, just below exi.DefaultMaxLength, so that
// only the check against the input's length can refuse it.
var bigLengths = [][]byte{{0x80, 0x80, 0x80, 0x80, 0x10}, {0xfe, 0x3f}}

// TestDecodeAllocationBounded checks that a decoder allocates in proportion
// to its input, not to what the input announces: up to three vectors (or
// fuzz seeds, for the schemas without vectors) of every codec are cut at
// every bit of their first 40 bytes and a big unsigned integer (bigLengths)
// is spliced in there, followed by 16 zero bytes. Whatever the decoder reads at
// that bit (a string or binary length, a count, an event code, a value), it
// must not allocate more than allocPerByte bytes per input byte plus
// allocSlack. The unmodified inputs are held to the same bound.
func TestDecodeAllocationBounded(t *testing.T) {
	_, vs := vectors.ForTest(t)
	inputs := map[string][][]byte{}
	for i := range vs {
		v := &vs[i]
		if v.Verdict == vectors.VerdictOK && len(inputs[v.Schema]) < 3 && len(v.Payload) >= 40 {
			inputs[v.Schema] = append(inputs[v.Schema], v.Payload)
		}
	}
	// ISO-20 ACDP and WPT have no public vector: use the packages' seeds.
	for schema, dir := range map[string]string{
		"iso20-acdp": "../iso20/acdp/testdata/fuzz/FuzzDecode",
		"iso20-wpt":  "../iso20/wpt/testdata/fuzz/FuzzDecode",
	} {
		for _, b := range fuzzSeeds(t, dir) {
			if len(inputs[schema]) < 3 && len(b) >= 40 {
				inputs[schema] = append(inputs[schema], b)
			}
		}
	}
	ds := rawDecoders()
	for _, schema := range slices.Sorted(maps.Keys(ds)) {
		if len(inputs[schema]) == 0 {
			t.Errorf("%s: no input to test", schema)
			continue
		}
		worst, worstIn := 0.0, 0
		for _, in := range inputs[schema] {
			for i := -1; i < 8*40*len(bigLengths); i++ {
				b, bit := in, i/len(bigLengths)
				if i >= 0 {
					b = splice(in, bit, bigLengths[i%len(bigLengths)])
				}
				dec := func() {
					defer func() {
						if r := recover(); r != nil {
							t.Errorf("%s: input %x: panic: %v", schema, b, r)
						}
					}()
					ds[schema](b)
				}
				limit := uint64(allocPerByte*len(b) + allocSlack)
				got := allocatedBy(dec)
				// TotalAlloc counts every goroutine: measure again before blaming the decoder.
				for try := 0; try < 3 && got > limit; try++ {
					got = min(got, allocatedBy(dec))
				}
				if got > limit {
					t.Errorf("%s: %d-byte input (a big length at bit %d) allocated %d bytes, want at most %d", schema, len(b), bit, got, limit)
				}
				if r := float64(got) / float64(len(b)); r > worst {
					worst, worstIn = r, len(b)
				}
			}
		}
		t.Logf("%s: at most %.1f bytes allocated per input byte (a %d-byte input)", schema, worst, worstIn)
	}
}

// rawDecoders maps INDEX.tsv schema names to a decode into a value made
// once, so that only the decoder's own allocations are measured.
func rawDecoders() map[string]func([]byte) error {
	return map[string]func([]byte) error{
		"apphand":           into(apphand.Decode),
		"din":               into(din.Decode),
		"iso2":              into(iso2.Decode),
		"iso20-common":      into(common.Decode),
		"iso20-ac":          into(ac.Decode),
		"iso20-dc":          into(dc.Decode),
		"iso20-acdp":        into(acdp.Decode),
		"iso20-wpt":         into(wpt.Decode),
		"iso2-frag":         into(iso2.DecodeFragment),
		"iso2-xmldsig-frag": into(iso2.DecodeXMLDSigFragment),
	}
}

func into[D any](dec func([]byte, *D) error) func([]byte) error {
	d := new(D)
	return func(b []byte) error {
		var zero D
		*d = zero
		return dec(b, d)
	}
}

// splice returns the first bit bits of b, then ins written from that bit on,
// then 16 zero bytes.
func splice(b []byte, bit int, ins []byte) []byte {
	r := exi.NewReader(b)
	w := exi.NewWriter(make([]byte, 0, len(b)+len(ins)+17))
	for n := bit; n > 0; {
		k := min(n, 32)
		v, err := r.ReadBits(k)
		if err != nil {
			break
		}
		w.WriteBits(v, k)
		n -= k
	}
	for _, c := range ins {
		w.WriteBits(uint64(c), 8)
	}
	w.WriteBits(0, 64)
	w.WriteBits(0, 64)
	return w.Bytes()
}

// allocatedBy returns the heap bytes that f allocates.
func allocatedBy(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// fuzzSeeds reads the []byte inputs of a go test fuzz corpus directory.
func fuzzSeeds(t *testing.T, dir string) [][]byte {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out [][]byte
	for _, e := range ents {
		data, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		_, line, _ := strings.Cut(string(data), "\n")
		line = strings.TrimSpace(line)
		q, ok := strings.CutPrefix(line, "[]byte(")
		if !ok {
			continue
		}
		s, err := strconv.Unquote(strings.TrimSuffix(q, ")"))
		if err != nil {
			t.Fatalf("%s: %v", e.Name(), err)
		}
		out = append(out, []byte(s))
	}
	return out
}
