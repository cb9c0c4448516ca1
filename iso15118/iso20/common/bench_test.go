package common

import (
	"testing"

	"github.com/plugsim/plugsim/iso15118/internal/exibench"
	"github.com/plugsim/plugsim/iso15118/internal/vectors"
)

// codec is this package's document codec for the shared benchmark harness.
var codec = exibench.Codec[Document]{
	Decode:       Decode,
	NewDecoder:   func() func([]byte) (*Document, error) { return new(Decoder).Decode },
	AppendEncode: AppendEncode,
}

// benchVectors are the messages measured, by INDEX.tsv file.
var benchVectors = []struct{ name, file string }{
	{"ScheduleExchangeRes", "dsV2Gshark_pcaps/0069_ScheduleExchangeRes.hex"},
}

// TestAllocs checks the allocation goals on every benchmarked message: a warm Decoder
// allocates only byte and string fields, AppendEncode into a buffer with room nothing.
func TestAllocs(t *testing.T) {
	for _, bv := range benchVectors {
		t.Run(bv.name, func(t *testing.T) {
			exibench.CheckAllocs(t, codec, vectors.PayloadForTest(t, bv.file))
		})
	}
}

func BenchmarkScheduleExchangeRes(b *testing.B) {
	exibench.Document(b, codec, vectors.PayloadForTest(b, benchVectors[0].file))
}
