package codec

import (
	"encoding/json"
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/plugsim/plugsim/ocpp"
	"github.com/plugsim/plugsim/ocpp/internal/jsonwire"
)

func code(err error) ocpp.ErrorCode {
	if e, ok := errors.AsType[*ocpp.Error](err); ok {
		return e.Code
	}
	return ""
}

func TestDecodeErrorCodes(t *testing.T) {
	tests := []struct {
		name string
		in   string
		read func(d *jsonwire.Decoder) error
		want ocpp.ErrorCode
	}{
		{"string ok", `"x"`, func(d *jsonwire.Decoder) error { _, err := String(d); return err }, ""},
		{"string wrong type", `12`, func(d *jsonwire.Decoder) error { _, err := String(d); return err }, ocpp.TypeConstraintViolation},
		{"string null", `null`, func(d *jsonwire.Decoder) error { _, err := String(d); return err }, ocpp.TypeConstraintViolation},
		{"string broken", `"x`, func(d *jsonwire.Decoder) error { _, err := String(d); return err }, ocpp.FormatViolation},
		{"int fraction", `1.5`, func(d *jsonwire.Decoder) error { _, err := Int(d); return err }, ocpp.TypeConstraintViolation},
		{"int huge", `1e30`, func(d *jsonwire.Decoder) error { _, err := Int(d); return err }, ocpp.TypeConstraintViolation},
		{"float string", `"1"`, func(d *jsonwire.Decoder) error { _, err := Float(d); return err }, ocpp.TypeConstraintViolation},
		{"bool number", `0`, func(d *jsonwire.Decoder) error { _, err := Bool(d); return err }, ocpp.TypeConstraintViolation},
		{"time bad", `"noon"`, func(d *jsonwire.Decoder) error { _, err := Time(d); return err }, ocpp.PropertyConstraintViolation},
		{"time wrong type", `5`, func(d *jsonwire.Decoder) error { _, err := Time(d); return err }, ocpp.TypeConstraintViolation},
		{"object wrong type", `[]`, BeginObject, ocpp.TypeConstraintViolation},
		{"array wrong type", `{}`, BeginArray, ocpp.TypeConstraintViolation},
		{"trailing", `1 2`, func(d *jsonwire.Decoder) error { Raw(d); return End(d) }, ocpp.FormatViolation},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var d jsonwire.Decoder
			d.Reset([]byte(tt.in))
			if got := code(tt.read(&d)); got != tt.want {
				t.Errorf("read(%s) code = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestConstraintErrors(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want ocpp.ErrorCode
	}{
		{"max length ok", MaxLength(strings.Repeat("é", 5), 5), ""},
		{"max length over", MaxLength(strings.Repeat("é", 6), 5), ocpp.PropertyConstraintViolation},
		{"finite", Finite(math.Inf(1)), ocpp.PropertyConstraintViolation},
		{"year", ValidTime(time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)), ocpp.PropertyConstraintViolation},
		{"missing", Missing("x"), ocpp.OccurrenceConstraintViolation},
		{"too few", TooFew(1), ocpp.OccurrenceConstraintViolation},
		{"too many", TooMany(1), ocpp.OccurrenceConstraintViolation},
		{"unknown", Unknown([]byte("x")), ocpp.FormatViolation},
		{"duplicate", Duplicate([]byte("x")), ocpp.FormatViolation},
		{"enum", NotInEnum("E"), ocpp.PropertyConstraintViolation},
		{"below", Below("0"), ocpp.PropertyConstraintViolation},
		{"above", Above("1"), ocpp.PropertyConstraintViolation},
		{"raw", ValidRaw([]byte(`{`)), ocpp.FormatViolation},
	}
	for _, tt := range tests {
		if got := code(tt.err); got != tt.want {
			t.Errorf("%s: code %q, want %q (%v)", tt.name, got, tt.want, tt.err)
		}
	}
	if got := string(AppendExtra([]byte("{"), 1, map[string]json.RawMessage{"b": json.RawMessage("2"), "a": json.RawMessage("1")})); got != `{"a":1,"b":2` {
		t.Errorf("AppendExtra = %s", got)
	}
}

func TestPointerEscape(t *testing.T) {
	fe, ok := errors.AsType[*ocpp.FieldError](Unknown([]byte("a/b~c")))
	if !ok || fe.Path != "/a~1b~0c" {
		t.Errorf("Unknown(a/b~c) path = %v, want /a~1b~0c", fe)
	}
}
