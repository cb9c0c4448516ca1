package ocpp

import (
	"bytes"
	"errors"
	"io"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseFrame(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want Frame
		code ErrorCode // expected error code, "" for success
	}{
		{"call", `[2,"19223201","BootNotification",{"reason":"PowerUp"}]`,
			Frame{Type: Call, ID: "19223201", Action: "BootNotification", Payload: []byte(`{"reason":"PowerUp"}`)}, ""},
		{"call spaces", " [ 2 , \"a\" ,\n\"Heartbeat\" , { } ] ",
			Frame{Type: Call, ID: "a", Action: "Heartbeat", Payload: []byte(`{ }`)}, ""},
		{"result", `[3,"x",{"currentTime":"2026-01-01T00:00:00Z"}]`,
			Frame{Type: CallResult, ID: "x", Payload: []byte(`{"currentTime":"2026-01-01T00:00:00Z"}`)}, ""},
		{"error", `[4,"x","NotImplemented","nope",{}]`,
			Frame{Type: CallError, ID: "x", ErrorCode: NotImplemented, ErrorDescription: "nope", ErrorDetails: []byte(`{}`)}, ""},
		{"error 1.6 spelling kept", `[4,"x","OccurenceConstraintViolation","",{}]`,
			Frame{Type: CallError, ID: "x", ErrorCode: OccurenceConstraintViolation, ErrorDetails: []byte(`{}`)}, ""},
		{"result error", `[5,"x","FormatViolation","bad",{"a":1}]`,
			Frame{Type: CallResultError, ID: "x", ErrorCode: FormatViolation, ErrorDescription: "bad", ErrorDetails: []byte(`{"a":1}`)}, ""},
		{"send", `[6,"s1","NotifyPeriodicEventStream",{}]`,
			Frame{Type: Send, ID: "s1", Action: "NotifyPeriodicEventStream", Payload: []byte(`{}`)}, ""},
		{"id 36", `[3,"123456789012345678901234567890123456",{}]`,
			Frame{Type: CallResult, ID: "123456789012345678901234567890123456", Payload: []byte(`{}`)}, ""},
		{"id 37", `[3,"1234567890123456789012345678901234567",{}]`, Frame{ID: UnknownID}, RpcFrameworkError},
		{"empty id", `[2,"","Heartbeat",{}]`, Frame{ID: UnknownID}, RpcFrameworkError},
		{"numeric id", `[2,1,"Heartbeat",{}]`, Frame{ID: UnknownID}, RpcFrameworkError},
		{"not array", `{"a":1}`, Frame{ID: UnknownID}, RpcFrameworkError},
		{"truncated", `[2,"a",`, Frame{Type: Call, ID: "a"}, RpcFrameworkError},
		{"not json", `nope`, Frame{ID: UnknownID}, RpcFrameworkError},
		{"trailing", `[3,"a",{}] x`, Frame{Type: CallResult, ID: "a", Payload: []byte(`{}`)}, RpcFrameworkError},
		{"too many", `[3,"a",{},1]`, Frame{Type: CallResult, ID: "a", Payload: []byte(`{}`)}, RpcFrameworkError},
		{"bad payload", `[2,"a","Heartbeat",{"x":}]`, Frame{Type: Call, ID: "a", Action: "Heartbeat"}, FormatViolation},
		{"unknown type", `[7,"a","X",{}]`, Frame{Type: 7, ID: "a"}, MessageTypeNotSupported},
		{"type 1", `[1,"a"]`, Frame{Type: 1, ID: "a"}, MessageTypeNotSupported},
		{"details not object", `[4,"a","GenericError","",[]]`,
			Frame{Type: CallError, ID: "a", ErrorCode: GenericError, ErrorDetails: []byte(`[]`)}, RpcFrameworkError},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseFrame([]byte(tt.in))
			if tt.code == "" {
				if err != nil {
					t.Fatalf("ParseFrame(%s) error %v", tt.in, err)
				}
			} else {
				e, ok := errors.AsType[*Error](err)
				if !ok || e.Code != tt.code {
					t.Fatalf("ParseFrame(%s) error = %v, want code %s", tt.in, err, tt.code)
				}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("ParseFrame(%s) mismatch (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

func TestFrameRoundTrip(t *testing.T) {
	frames := []Frame{
		{Type: Call, ID: "1", Action: "Heartbeat", Payload: []byte(`{}`)},
		{Type: CallResult, ID: "1", Payload: []byte(`{"currentTime":"2026-01-01T00:00:00Z"}`)},
		{Type: CallError, ID: "1", ErrorCode: SecurityError, ErrorDescription: "no \"boot\"\n", ErrorDetails: []byte(`{"k":[1]}`)},
		{Type: CallResultError, ID: "1", ErrorCode: InternalError, ErrorDescription: "é", ErrorDetails: []byte(`{}`)},
		{Type: Send, ID: "s", Action: "NotifyPeriodicEventStream", Payload: []byte(`{"id":1}`)},
	}
	for _, f := range frames {
		b := f.AppendTo(nil)
		got, err := ParseFrame(b)
		if err != nil {
			t.Fatalf("ParseFrame(%s): %v", b, err)
		}
		if diff := cmp.Diff(f, got); diff != "" {
			t.Errorf("round trip of %s (-want +got):\n%s", b, diff)
		}
	}
}

// TestParseFrameTruncated cuts frames of every type at every byte: each
// prefix is refused with an [*Error] that wraps io.ErrUnexpectedEOF.
func TestParseFrameTruncated(t *testing.T) {
	for _, frame := range []string{
		`[2,"19223201","BootNotification",{"reason":"PowerUp","chargingStation":{"model":"m\u00e9","vendorName":"v"}}]`,
		`[3,"19223201",{"currentTime":"2026-01-01T00:00:00Z","interval":300,"status":"Accepted"}]`,
		`[4,"19223201","FormatViolation","bad é",{"path":"/a"}]`,
		`[5,"19223201","OccurrenceConstraintViolation","",{}]`,
		`[6,"7","NotifyPeriodicEventStream",{"data":[{"t":1.5e3,"v":"a"}],"id":1,"pending":0,"basetime":"2026-01-01T00:00:00Z"}]`,
	} {
		if _, err := ParseFrame([]byte(frame)); err != nil {
			t.Fatalf("ParseFrame(%s) = %v", frame, err)
		}
		for n := range len(frame) {
			_, err := ParseFrame([]byte(frame[:n]))
			var e *Error
			if !errors.As(err, &e) || !errors.Is(err, io.ErrUnexpectedEOF) {
				t.Errorf("ParseFrame(%s) = %v, want an *Error wrapping io.ErrUnexpectedEOF", frame[:n], err)
			}
		}
	}
}

func TestErrorFrame(t *testing.T) {
	long := bytes.Repeat([]byte("é"), 300)
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"coded", &Error{Code: SecurityError, Description: "before boot"}, `[4,"7","SecurityError","before boot",{}]`},
		{"field", Violation(PropertyConstraintViolation, "/a/0", "too long"), `[4,"7","PropertyConstraintViolation","/a/0: too long",{"path":"/a/0"}]`},
		{"wrapped field", AtField(Violation(TypeConstraintViolation, "", "want string"), "model"), `[4,"7","TypeConstraintViolation","/model: want string",{"path":"/model"}]`},
		{"plain error", errors.New("database down"), `[4,"7","InternalError","internal error",{}]`},
		{"nil error", nil, `[4,"7","InternalError","",{}]`},
		{"peer code not sent", &Error{Code: OccurenceConstraintViolation}, `[4,"7","GenericError","",{}]`},
		{"long", &Error{Code: GenericError, Description: string(long)}, `[4,"7","GenericError","` + string(long[:510]) + `",{}]`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := ErrorFrame(CallError, "7", tt.err)
			if got := string(f.AppendTo(nil)); got != tt.want {
				t.Errorf("ErrorFrame(%v) = %s, want %s", tt.err, got, tt.want)
			}
		})
	}
}

func TestErrorIs(t *testing.T) {
	err := error(&Error{Code: SecurityError, Description: "x", Err: errors.New("cause")})
	if !errors.Is(err, &Error{Code: SecurityError}) {
		t.Error("errors.Is(SecurityError) = false, want true")
	}
	if errors.Is(err, &Error{Code: GenericError}) {
		t.Error("errors.Is(GenericError) = true, want false")
	}
}

func FuzzParseFrame(f *testing.F) {
	f.Add([]byte(`[2,"1","BootNotification",{"reason":"PowerUp","chargingStation":{"model":"m","vendorName":"v"}}]`))
	f.Add([]byte(`[4,"1","FormatViolation","x",{}]`))
	f.Add([]byte(`[6,"1","NotifyPeriodicEventStream",{"data":[{"t":1.5,"v":"a\u00e9"}]}]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		fr, err := ParseFrame(data)
		if err != nil {
			_ = ErrorFrame(CallError, fr.ID, err).AppendTo(nil)
			return
		}
		b := fr.AppendTo(nil)
		fr2, err := ParseFrame(b)
		if err != nil {
			t.Fatalf("re-parse of %s: %v", b, err)
		}
		if diff := cmp.Diff(fr.AppendTo(nil), fr2.AppendTo(nil)); diff != "" {
			t.Fatalf("re-encode differs: %s", diff)
		}
	})
}

func BenchmarkParseFrame(b *testing.B) {
	frame := []byte(`[2,"f3a1c2d4-5b6e-4f70-8a91-b2c3d4e5f607","MeterValues",{"evseId":2,"meterValue":[{"timestamp":"2026-03-14T09:27:00Z","sampledValue":[{"value":22871.25,"measurand":"Energy.Active.Import.Register","unitOfMeasure":{"unit":"Wh"}},{"value":7360,"measurand":"Power.Active.Import","phase":"L1-N"},{"value":231.2,"measurand":"Voltage","phase":"L1-N"}]}]}]`)
	b.SetBytes(int64(len(frame)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseFrame(frame); err != nil {
			b.Fatal(err)
		}
	}
}

func TestFrameClone(t *testing.T) {
	data := []byte(`[2,"1","Heartbeat",{"a":1}]`)
	f, err := ParseFrame(data)
	if err != nil {
		t.Fatal(err)
	}
	c := f.Clone()
	copy(data, bytes.Repeat([]byte("x"), len(data)))
	if string(c.Payload) != `{"a":1}` {
		t.Errorf("Clone().Payload = %s after the input was overwritten", c.Payload)
	}
}
