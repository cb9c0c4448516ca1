package conformance

import (
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/plugsim/plugsim/iso15118/exi"
	"github.com/plugsim/plugsim/iso15118/internal/vectors"
)

// TestTruncatedVectors decodes every proper prefix of every vector our
// codecs decode: each must fail with an *exi.Error whose bit offset lies
// inside the prefix (no panic, no success on a cut message). How the
// failures are classified is logged: a cut inside a string or binary value
// reports exi.ErrLimit (the length exceeds what is left), elsewhere
// io.ErrUnexpectedEOF.
func TestTruncatedVectors(t *testing.T) {
	if testing.Short() {
		t.Skip("decodes every prefix of every vector")
	}
	_, vs := vectors.ForTest(t)
	cs := codecs()
	kinds := map[string]int{}
	prefixes := 0
	for i := range vs {
		v := &vs[i]
		c, ok := cs[v.Schema]
		if !ok || v.Verdict != vectors.VerdictOK {
			continue
		}
		if _, err := c(v.Payload); err != nil {
			continue // listed in known_divergences.tsv
		}
		for n := range len(v.Payload) {
			prefixes++
			d, err := decodeNoPanic(c, v.Payload[:n])
			if err == nil {
				t.Errorf("%s: the first %d of %d bytes decode as %s", v.ID(), n, len(v.Payload), d.name)
				continue
			}
			xe, ok := errors.AsType[*exi.Error](err)
			if !ok {
				t.Errorf("%s[:%d]: error %v is not an *exi.Error", v.ID(), n, err)
				continue
			}
			if xe.Bit < 0 || xe.Bit > int64(8*n) {
				t.Errorf("%s[:%d]: bit offset %d outside the %d-bit input", v.ID(), n, xe.Bit, 8*n)
			}
			kinds[classify(err)]++
		}
	}
	var b strings.Builder
	for _, k := range slices.Sorted(maps.Keys(kinds)) {
		fmt.Fprintf(&b, " %s=%d", k, kinds[k])
	}
	t.Logf("%d prefixes refused:%s", prefixes, b.String())
}

func decodeNoPanic(c codec, b []byte) (d decoded, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic: %v", r)
		}
	}()
	return c(b)
}

func classify(err error) string {
	for _, s := range []struct {
		name string
		err  error
	}{
		{"unexpected_eof", io.ErrUnexpectedEOF}, {"limit", exi.ErrLimit}, {"event_code", exi.ErrEventCode},
		{"value", exi.ErrValue}, {"header", exi.ErrHeader}, {"unsupported", exi.ErrUnsupported},
		{"missing", exi.ErrMissing}, {"trailing", exi.ErrTrailing},
	} {
		if errors.Is(err, s.err) {
			return s.name
		}
	}
	return "other"
}
