package jsonwire

import (
	"encoding/json"
	"errors"
	"io"
	"math"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

func TestValid(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{`{}`, true},
		{` [1, -0.5e+3, "a\u00e9\ud83d\ude00", true, false, null, {"k": []}] `, true},
		{`{"a":1,}`, false},
		{`[1 2]`, false},
		{`01`, false},
		{`1.`, false},
		{`-`, false},
		{`1e`, false},
		{`"\x"`, false},
		{"\"\x01\"", false},
		{"\"\xff\"", false},
		{`"abc`, false},
		{`tru`, false},
		{`{"a" 1}`, false},
		{`{1:1}`, false},
		{`[]]`, false},
		{strings.Repeat("[", MaxDepth) + strings.Repeat("]", MaxDepth), true},
		{strings.Repeat("[", MaxDepth+1) + strings.Repeat("]", MaxDepth+1), false},
	}
	for _, tt := range tests {
		if got := Valid([]byte(tt.in)); got != tt.want {
			t.Errorf("Valid(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestScalars(t *testing.T) {
	ints := []struct {
		in   string
		want int64
		ok   bool
	}{
		{"0", 0, true}, {"-17", -17, true}, {"2.0", 2, true}, {"1e2", 100, true},
		{"9223372036854775807", math.MaxInt64, true}, {"1.5", 0, false}, {`"1"`, 0, false},
		{"99999999999999999999", 0, false},
	}
	for _, tt := range ints {
		var d Decoder
		d.Reset([]byte(tt.in))
		got, err := d.Int()
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("Int(%s) = %d, %v; want %d, ok=%v", tt.in, got, err, tt.want, tt.ok)
		}
	}
	var d Decoder
	d.Reset([]byte(`"x"`))
	_, err := d.Float()
	var te *TypeError
	if !errors.As(err, &te) || te.Want != "number" || te.Got != String {
		t.Errorf("Float(\"x\") error = %v, want TypeError", err)
	}
	d.Reset([]byte(`"2026-01-02T03:04:05.5+01:00"`))
	tm, ok, err := d.Time()
	if err != nil || !ok || !tm.Equal(time.Date(2026, 1, 2, 2, 4, 5, 5e8, time.UTC)) {
		t.Errorf("Time() = %v, %v, %v", tm, ok, err)
	}
	d.Reset([]byte(`"2026-01-02"`))
	if _, ok, err := d.Time(); ok || err != nil {
		t.Errorf("Time(date only) ok=%v err=%v, want not ok", ok, err)
	}
}

func TestStringRoundTrip(t *testing.T) {
	for _, s := range []string{"", "plain", "quote\" backslash\\ slash/", "ctl\x00\x1f\n\r\t", "é€😀", "\u2028"} {
		b := AppendString(nil, s)
		var d Decoder
		d.Reset(b)
		got, err := d.String()
		if err != nil || got != s {
			t.Errorf("String(AppendString(%q) = %s) = %q, %v", s, b, got, err)
		}
		var std string
		if err := json.Unmarshal(b, &std); err != nil || std != s {
			t.Errorf("encoding/json reads %s as %q, %v; want %q", b, std, err, s)
		}
	}
	if got := string(AppendString(nil, "a\xffb")); got != `"a\ufffdb"` {
		t.Errorf("AppendString(invalid UTF-8) = %s", got)
	}
}

func TestAppendFloat(t *testing.T) {
	for _, f := range []float64{0, 1, -1.5, 18234.5, 1e21, 1e-7, 123456789.125, math.SmallestNonzeroFloat64} {
		b := AppendFloat(nil, f)
		var back float64
		if err := json.Unmarshal(b, &back); err != nil || back != f {
			t.Errorf("AppendFloat(%v) = %s, reads back %v, %v", f, b, back, err)
		}
		std, _ := json.Marshal(f)
		if string(std) != string(b) {
			t.Errorf("AppendFloat(%v) = %s, encoding/json writes %s", f, b, std)
		}
	}
	if got := string(AppendFloat(nil, math.NaN())); got != "null" {
		t.Errorf("AppendFloat(NaN) = %s, want null", got)
	}
}

func depth(b []byte) int {
	d, m := 0, 0
	inStr, esc := false, false
	for _, c := range b {
		switch {
		case esc:
			esc = false
		case inStr && c == '\\':
			esc = true
		case c == '"':
			inStr = !inStr
		case !inStr && (c == '[' || c == '{'):
			d++
			m = max(m, d)
		case !inStr && (c == ']' || c == '}'):
			d--
		}
	}
	return m
}

// FuzzValid compares the tokenizer with encoding/json on well-formedness:
// we additionally reject invalid UTF-8 and nesting deeper than MaxDepth.
func FuzzValid(f *testing.F) {
	f.Add([]byte(`{"a":[1,2.5e-3,"\u00e9",true,null]}`))
	f.Add([]byte(`[2,"1","Heartbeat",{}]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		ours := Valid(data)
		std := json.Valid(data)
		if ours && !std {
			t.Fatalf("Valid(%q) = true, encoding/json says false", data)
		}
		if std && !ours && utf8.Valid(data) && depth(data) <= MaxDepth {
			t.Fatalf("Valid(%q) = false, encoding/json says true", data)
		}
	})
}

// TestTruncation cuts a document at every byte: each proper prefix must
// fail with an error that wraps io.ErrUnexpectedEOF and reports an offset
// within the input.
func TestTruncation(t *testing.T) {
	doc := `{"a": [1, -0.5e+3, 2E-1, "x\u00e9\ud83d\ude00é€😀\n", true, false, null], "b": {"c": {}}, "d": []}`
	if !Valid([]byte(doc)) {
		t.Fatalf("Valid(%s) = false", doc)
	}
	for n := range len(doc) {
		var d Decoder
		d.Reset([]byte(doc[:n]))
		err := d.Skip()
		if err == nil {
			err = d.End()
		}
		var se *SyntaxError
		if !errors.Is(err, io.ErrUnexpectedEOF) || !errors.As(err, &se) || se.Offset > n {
			t.Errorf("Skip(%q) = %v, want io.ErrUnexpectedEOF at an offset <= %d", doc[:n], err, n)
		}
	}
}
