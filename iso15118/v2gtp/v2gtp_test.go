package v2gtp

import (
	"bytes"
	"encoding/hex"
	"errors"
	"io"
	"testing"
	"testing/iotest"

	"github.com/google/go-cmp/cmp"
)

func mustHex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatalf("hex %q: %v", s, err)
	}
	return b
}

func TestAppendHeader(t *testing.T) {
	tests := []struct {
		name string
		h    Header
		want string
	}{
		{"exi", Header{Type: EXI, Length: 0x23}, "01fe800100000023"},
		{"sdp request", Header{Type: SDPRequest, Length: 2}, "01fe900000000002"},
		{"sdp response", Header{Type: SDPResponse, Length: 20}, "01fe900100000014"},
		{"iso20 dc", Header{Type: ISO20DC, Length: 0x01020304}, "01fe800401020304"},
		{"max length", Header{Type: SideStream4, Length: 0xffffffff}, "01fe8104ffffffff"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := hex.EncodeToString(AppendHeader(nil, tt.h))
			if got != tt.want {
				t.Errorf("AppendHeader(%+v) = %s, want %s", tt.h, got, tt.want)
			}
			h, err := ParseHeader(mustHex(t, tt.want))
			if err != nil || h != tt.h {
				t.Errorf("ParseHeader(%s) = %+v, %v, want %+v", tt.want, h, err, tt.h)
			}
		})
	}
}

func TestParseHeaderErrors(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    error
		fatal   bool
		version byte
	}{
		{"version 2", "02fd800100000002", ErrVersion, true, 0x02},
		{"inverse wrong", "01ff800100000002", ErrVersion, true, 0x01},
		{"not v2gtp", "474554202f204854", ErrVersion, true, 0x47},
		{"unknown type 0x8007", "01fe800700000002", ErrPayloadType, false, 0x01},
		{"unknown type 0x0000", "01fe000000000000", ErrPayloadType, false, 0x01},
		{"unknown type 0x9002", "01fe900200000002", ErrPayloadType, false, 0x01},
		{"truncated", "01fe8001000000", io.ErrUnexpectedEOF, false, 0},
		{"empty", "", io.ErrUnexpectedEOF, false, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseHeader(mustHex(t, tt.in))
			if !errors.Is(err, tt.want) {
				t.Fatalf("ParseHeader(%s) error = %v, want %v", tt.in, err, tt.want)
			}
			if tt.want == io.ErrUnexpectedEOF {
				return
			}
			e, ok := errors.AsType[*Error](err)
			if !ok {
				t.Fatalf("ParseHeader(%s) error %T is not *Error", tt.in, err)
			}
			if e.Fatal() != tt.fatal || e.VersionByte != tt.version {
				t.Errorf("ParseHeader(%s): Fatal() = %v, VersionByte = %#x, want %v, %#x", tt.in, e.Fatal(), e.VersionByte, tt.fatal, tt.version)
			}
		})
	}
}

func TestPayloadTypeString(t *testing.T) {
	tests := []struct {
		t    PayloadType
		want string
	}{
		{EXI, "EXI"}, {ISO20Common, "ISO20Common"}, {ISO20AC, "ISO20AC"}, {ISO20DC, "ISO20DC"},
		{ISO20ACDP, "ISO20ACDP"}, {ISO20WPT, "ISO20WPT"}, {SideStream1, "SideStream1"},
		{SideStream2, "SideStream2"}, {SideStream3, "SideStream3"}, {SideStream4, "SideStream4"},
		{SDPRequest, "SDPRequest"}, {SDPResponse, "SDPResponse"}, {0x8007, "0x8007"},
	}
	for _, tt := range tests {
		if got := tt.t.String(); got != tt.want {
			t.Errorf("PayloadType(%#x).String() = %q, want %q", uint16(tt.t), got, tt.want)
		}
		if got, want := tt.t.Known(), tt.want[0] != '0'; got != want {
			t.Errorf("PayloadType(%#x).Known() = %v, want %v", uint16(tt.t), got, want)
		}
	}
}

func TestParseFrame(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    Frame
		wantErr error
	}{
		{"sdp request", "01fe9000000000021000", Frame{Type: SDPRequest, Payload: []byte{0x10, 0x00}}, nil},
		{"empty payload", "01fe800200000000", Frame{Type: ISO20Common, Payload: []byte{}}, nil},
		{"short payload", "01fe90000000000210", Frame{}, io.ErrUnexpectedEOF},
		{"trailing byte", "01fe900000000002100000", Frame{}, ErrLength},
		{"bad version", "00fe9000000000021000", Frame{}, ErrVersion},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseFrame(mustHex(t, tt.in))
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("ParseFrame(%s) error = %v, want %v", tt.in, err, tt.wantErr)
			}
			if err == nil && !cmp.Equal(got, tt.want) {
				t.Errorf("ParseFrame(%s) = %+v, want %+v", tt.in, got, tt.want)
			}
		})
	}
}

func TestAppendFrame(t *testing.T) {
	got, err := AppendFrame([]byte{0xaa}, SDPRequest, []byte{0x10, 0x00})
	if err != nil {
		t.Fatal(err)
	}
	if want := "aa01fe9000000000021000"; hex.EncodeToString(got) != want {
		t.Errorf("AppendFrame = %x, want %s", got, want)
	}
}

// event is one observable result of decoding a stream: a frame, or an error.
type event struct {
	Type    PayloadType
	Payload string
	Err     string // "" for a frame; else the sentinel's text
}

func sentinel(err error) string {
	for _, s := range []error{ErrVersion, ErrPayloadType, ErrTooLong, io.ErrUnexpectedEOF} {
		if errors.Is(err, s) {
			return s.Error()
		}
	}
	return "other: " + err.Error()
}

// reference decodes a whole stream with ParseHeader only: the model the
// streaming decoders must agree with.
func reference(data []byte, max uint32) []event {
	var evs []event
	for len(data) > 0 {
		if len(data) < HeaderLen {
			return append(evs, event{Err: io.ErrUnexpectedEOF.Error()})
		}
		h, err := ParseHeader(data)
		if err != nil && errors.Is(err, ErrPayloadType) && h.Length <= max {
			evs = append(evs, event{Err: ErrPayloadType.Error()})
			if uint64(len(data)-HeaderLen) < uint64(h.Length) {
				return append(evs, event{Err: io.ErrUnexpectedEOF.Error()})
			}
			data = data[HeaderLen+int(h.Length):]
			continue
		}
		if err != nil {
			if errors.Is(err, ErrPayloadType) {
				return append(evs, event{Err: ErrTooLong.Error()})
			}
			return append(evs, event{Err: sentinel(err)})
		}
		if h.Length > max {
			return append(evs, event{Err: ErrTooLong.Error()})
		}
		if uint64(len(data)-HeaderLen) < uint64(h.Length) {
			return append(evs, event{Err: io.ErrUnexpectedEOF.Error()})
		}
		end := HeaderLen + int(h.Length)
		evs = append(evs, event{Type: h.Type, Payload: hex.EncodeToString(data[HeaderLen:end])})
		data = data[end:]
	}
	return evs
}

// decodeChunks feeds data to a Decoder in chunks of the given sizes (cycled).
func decodeChunks(data []byte, sizes []int, max uint32) []event {
	d := NewDecoder(Options{MaxPayload: max})
	var evs []event
	i := 0
	for len(data) > 0 {
		n := 1
		if len(sizes) > 0 {
			n = max1(sizes[i%len(sizes)])
			i++
		}
		n = min(n, len(data))
		d.Feed(data[:n])
		data = data[n:]
		for {
			f, ok, err := d.Next()
			if err != nil {
				evs = append(evs, event{Err: sentinel(err)})
				if e, _ := errors.AsType[*Error](err); e.Fatal() {
					return evs
				}
				continue
			}
			if !ok {
				break
			}
			evs = append(evs, event{Type: f.Type, Payload: hex.EncodeToString(f.Payload)})
		}
	}
	if d.Buffered() > 0 || d.skip > 0 {
		evs = append(evs, event{Err: io.ErrUnexpectedEOF.Error()})
	}
	return evs
}

func max1(n int) int {
	if n < 1 {
		return 1
	}
	return n
}

// chunkReader returns data in reads of the given sizes (cycled).
type chunkReader struct {
	data  []byte
	sizes []int
	i     int
}

func (r *chunkReader) Read(p []byte) (int, error) {
	if len(r.data) == 0 {
		return 0, io.EOF
	}
	n := 1
	if len(r.sizes) > 0 {
		n = max1(r.sizes[r.i%len(r.sizes)])
		r.i++
	}
	n = min(n, len(p), len(r.data))
	copy(p, r.data[:n])
	r.data = r.data[n:]
	return n, nil
}

func readAll(rd io.Reader, max uint32) []event {
	r := NewReader(rd, Options{MaxPayload: max})
	var evs []event
	for {
		f, err := r.ReadFrame()
		if err == io.EOF {
			return evs
		}
		if err != nil {
			evs = append(evs, event{Err: sentinel(err)})
			if e, ok := errors.AsType[*Error](err); ok && !e.Fatal() {
				continue
			}
			return evs
		}
		evs = append(evs, event{Type: f.Type, Payload: hex.EncodeToString(f.Payload)})
	}
}

// streams used by the split tests: real frames from captures
// (shared/iso15118/vectors) mixed with refused ones.
var streamTests = []struct {
	name string
	in   string
	max  uint32
	want []event
}{
	{
		name: "sdp then din",
		in:   "01fe9000000000021000" + "01fe800100000012809a0223e95ff78afebf9e11322280050020",
		want: []event{
			{Type: SDPRequest, Payload: "1000"},
			{Type: EXI, Payload: "809a0223e95ff78afebf9e11322280050020"},
		},
	},
	{
		name: "unknown type skipped",
		in:   "01fe800700000003aabbcc" + "01fe800400000001ff",
		want: []event{{Err: ErrPayloadType.Error()}, {Type: ISO20DC, Payload: "ff"}},
	},
	{
		name: "bad version stops",
		in:   "01fe800400000001ff" + "02fe800400000001ff" + "01fe800400000001ff",
		want: []event{{Type: ISO20DC, Payload: "ff"}, {Err: ErrVersion.Error()}},
	},
	{
		name: "oversize stops",
		in:   "01fe800100000011" + "01fe800100000001ff",
		max:  16,
		want: []event{{Err: ErrTooLong.Error()}},
	},
	{
		name: "unknown and oversize stops",
		in:   "01fe123400000011",
		max:  16,
		want: []event{{Err: ErrTooLong.Error()}},
	},
	{
		name: "truncated payload",
		in:   "01fe800100000004aabb",
		want: []event{{Err: io.ErrUnexpectedEOF.Error()}},
	},
	{
		name: "truncated header",
		in:   "01fe800100000001aa01fe",
		want: []event{{Type: EXI, Payload: "aa"}, {Err: io.ErrUnexpectedEOF.Error()}},
	},
	{
		name: "exactly at limit",
		in:   "01fe800100000002aabb",
		max:  2,
		want: []event{{Type: EXI, Payload: "aabb"}},
	},
}

func TestStreamSplits(t *testing.T) {
	for _, tt := range streamTests {
		t.Run(tt.name, func(t *testing.T) {
			data := mustHex(t, tt.in)
			if diff := cmp.Diff(tt.want, reference(data, Options{MaxPayload: tt.max}.max())); diff != "" {
				t.Fatalf("reference(%s) mismatch (-want +got):\n%s", tt.in, diff)
			}
			for size := 1; size <= len(data); size++ {
				got := decodeChunks(data, []int{size}, Options{MaxPayload: tt.max}.max())
				if diff := cmp.Diff(tt.want, got); diff != "" {
					t.Errorf("Decoder with %d-byte feeds (-want +got):\n%s", size, diff)
				}
				got = readAll(&chunkReader{data: data, sizes: []int{size}}, Options{MaxPayload: tt.max}.max())
				if diff := cmp.Diff(tt.want, got); diff != "" {
					t.Errorf("Reader with %d-byte reads (-want +got):\n%s", size, diff)
				}
			}
			got := readAll(iotest.HalfReader(bytes.NewReader(data)), Options{MaxPayload: tt.max}.max())
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Reader over HalfReader (-want +got):\n%s", diff)
			}
		})
	}
}

func TestFatalIsSticky(t *testing.T) {
	data := mustHex(t, "00fe800100000001aa")
	d := NewDecoder(Options{})
	d.Feed(data)
	_, _, err1 := d.Next()
	d.Feed(mustHex(t, "01fe800100000001aa"))
	_, _, err2 := d.Next()
	if !errors.Is(err1, ErrVersion) || err2 != err1 {
		t.Errorf("Decoder.Next errors = %v, %v, want the same ErrVersion twice", err1, err2)
	}
	r := NewReader(bytes.NewReader(data), Options{})
	_, err1 = r.ReadFrame()
	_, err2 = r.ReadFrame()
	if !errors.Is(err1, ErrVersion) || err2 != err1 {
		t.Errorf("Reader.ReadFrame errors = %v, %v, want the same ErrVersion twice", err1, err2)
	}
	e, ok := errors.AsType[*Error](err1)
	if !ok || e.Offset != 0 || !e.Fatal() {
		t.Errorf("errors.AsType[*Error](%v) = %+v, %v", err1, e, ok)
	}
}

func TestErrorOffset(t *testing.T) {
	data := mustHex(t, "01fe800100000001aa"+"01fe800100000099")
	r := NewReader(bytes.NewReader(data), Options{MaxPayload: 16})
	if _, err := r.ReadFrame(); err != nil {
		t.Fatal(err)
	}
	_, err := r.ReadFrame()
	e, ok := errors.AsType[*Error](err)
	if !ok || e.Offset != 9 || e.Max != 16 || e.Header.Length != 0x99 {
		t.Fatalf("second ReadFrame error = %v (%+v), want ErrTooLong at offset 9", err, e)
	}
	d := NewDecoder(Options{MaxPayload: 16})
	d.Feed(data)
	_, _, _ = d.Next()
	_, _, err = d.Next()
	if e, ok := errors.AsType[*Error](err); !ok || e.Offset != 9 {
		t.Fatalf("second Decoder.Next error = %v, want offset 9", err)
	}
}

func TestDecoderZeroValue(t *testing.T) {
	var d Decoder
	d.Feed(mustHex(t, "01fe800100000001aa"))
	f, ok, err := d.Next()
	if !ok || err != nil || f.Type != EXI || len(f.Payload) != 1 {
		t.Errorf("zero Decoder: Next() = %+v, %v, %v", f, ok, err)
	}
}

func TestReaderUnderlyingError(t *testing.T) {
	boom := errors.New("boom")
	r := NewReader(iotest.ErrReader(boom), Options{})
	if _, err := r.ReadFrame(); err != boom {
		t.Errorf("ReadFrame() error = %v, want %v", err, boom)
	}
}

func BenchmarkDecoder(b *testing.B) {
	frame := mustHex(b, "01fe800100000023809a0203af96e35a4fb8de50d1401240c0c0b46001810580480c08360100c143340800")
	d := NewDecoder(Options{})
	b.ReportAllocs()
	b.SetBytes(int64(len(frame)))
	for b.Loop() {
		d.Feed(frame)
		if _, ok, err := d.Next(); !ok || err != nil {
			b.Fatal(ok, err)
		}
	}
}

func BenchmarkReader(b *testing.B) {
	frame := mustHex(b, "01fe800100000023809a0203af96e35a4fb8de50d1401240c0c0b46001810580480c08360100c143340800")
	src := bytes.NewReader(frame)
	r := NewReader(src, Options{})
	b.ReportAllocs()
	b.SetBytes(int64(len(frame)))
	for b.Loop() {
		src.Reset(frame)
		if _, err := r.ReadFrame(); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkAppendFrame(b *testing.B) {
	payload := mustHex(b, "809a0203af96e35a4fb8de50d1401240c0c0b46001810580480c08360100c143340800")
	buf := make([]byte, 0, 64)
	b.ReportAllocs()
	for b.Loop() {
		buf, _ = AppendFrame(buf[:0], EXI, payload)
	}
}
