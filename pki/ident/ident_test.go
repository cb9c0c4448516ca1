package ident

import (
	"errors"
	"testing"
)

func TestEMAIDCheckDigit(t *testing.T) {
	tests := []struct {
		name, emaid string
	}{
		{"PKI-NOTES worked example (dSPACE contract CN)", "DEABC123456789Y"},
		{"MAEVE vector 1", "GBTWK012345678V"},
		{"MAEVE vector 2", "CSKTH5U8TC90A1S"},
		{"MAEVE vector 3", "IHRFRNPCZVPPVEW"},
		{"MAEVE vector 4", "GBTWK123456789B"},
		{"ECOG UKSWI corrected", "UKSWI1234567915"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := EMAIDCheckDigit(tt.emaid[:14])
			if got != tt.emaid[14] {
				t.Errorf("EMAIDCheckDigit(%q) = %c, want %c", tt.emaid[:14], got, tt.emaid[14])
			}
			e, err := ParseEMAID(tt.emaid)
			if err != nil {
				t.Fatalf("ParseEMAID(%q): %v", tt.emaid, err)
			}
			if err := e.Verify(); err != nil {
				t.Errorf("Verify(%q) = %v, want nil", tt.emaid, err)
			}
		})
	}
}

func TestParseEMAID(t *testing.T) {
	tests := []struct {
		in, want, hyph string
		wantErr        error
	}{
		{in: "DE-ABC-C123ABC56", want: "DEABCC123ABC56", hyph: "DE-ABC-C123ABC56"},
		{in: "DEABC123456789Y", want: "DEABC123456789Y", hyph: "DE-ABC-123456789-Y"},
		{in: "de-abc-123456789-y", want: "DEABC123456789Y", hyph: "DE-ABC-123456789-Y"},
		{in: "DEABC12345678", wantErr: ErrSyntax},
		{in: "D1ABC123456789Y", wantErr: ErrSyntax},
		{in: "DEABC123456789YY", wantErr: ErrSyntax},
		{in: "DE-ABC-123456789-Y-", wantErr: ErrSyntax},
		{in: "DE_ABC123456789Y", wantErr: ErrSyntax},
		{in: "", wantErr: ErrSyntax},
	}
	for _, tt := range tests {
		e, err := ParseEMAID(tt.in)
		if tt.wantErr != nil {
			if !errors.Is(err, tt.wantErr) {
				t.Errorf("ParseEMAID(%q) error = %v, want %v", tt.in, err, tt.wantErr)
			}
			continue
		}
		if err != nil {
			t.Errorf("ParseEMAID(%q): %v", tt.in, err)
			continue
		}
		if e.String() != tt.want || e.Hyphenated() != tt.hyph {
			t.Errorf("ParseEMAID(%q) = %s / %s, want %s / %s", tt.in, e, e.Hyphenated(), tt.want, tt.hyph)
		}
	}
}

func TestEMAIDWrongCheckDigit(t *testing.T) {
	// ECOG/EV-pki test data carries UKSWI123456791A; the digit should be 5
	// (PKI-NOTES §2).
	e, err := ParseEMAID("UKSWI123456791A")
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Verify(); !errors.Is(err, ErrCheckDigit) {
		t.Errorf("Verify(UKSWI123456791A) = %v, want ErrCheckDigit", err)
	}
}

func TestNewEMAID(t *testing.T) {
	e, err := NewEMAID("DE", "ABC", "123456789")
	if err != nil {
		t.Fatal(err)
	}
	if got := e.String(); got != "DEABC123456789Y" {
		t.Errorf("NewEMAID = %s, want DEABC123456789Y", got)
	}
}

func TestEqualEMAID(t *testing.T) {
	if !EqualEMAID("DE-ABC-123456789-Y", "deabc123456789y") {
		t.Error("EqualEMAID of hyphenated and lower-case forms = false, want true")
	}
	if EqualEMAID("DEABC123456789Y", "DEABC123456789X") {
		t.Error("EqualEMAID of different EMAIDs = true, want false")
	}
}

func TestPCID(t *testing.T) {
	tests := []struct {
		in      string
		wantErr bool
	}{
		{"WMIV1234567890ABC", false},
		{"WMIV1234567890ABCD", false},
		{"WMIV1234567890AB", true},
		{"WMIV1234567890ABCDE", true},
		{"WMI-1234567890ABC", true},
	}
	for _, tt := range tests {
		p, err := ParsePCID(tt.in)
		if (err != nil) != tt.wantErr {
			t.Errorf("ParsePCID(%q) error = %v, wantErr %v", tt.in, err, tt.wantErr)
			continue
		}
		if err == nil && p.String() != tt.in {
			t.Errorf("ParsePCID(%q).String() = %q", tt.in, p)
		}
	}
}

func TestEVSEID(t *testing.T) {
	tests := []struct {
		in, want string
		wantErr  bool
	}{
		{in: "DE*ICE*E45B*78C", want: "DE*ICE*E45B*78C"},
		{in: "DEICEE45B*78C", want: "DE*ICE*E45B*78C"},
		{in: "de*ice*e1", want: "DE*ICE*E1"},
		{in: NoEVSEID, wantErr: true},
		{in: "DE*ICE*X45B", wantErr: true},
		{in: "DE*ICE*E45B#", wantErr: true},
		{in: "DE*IC", wantErr: true},
		{in: "AA000E000000000000000000000000000000", wantErr: true}, // 38 characters once formatted (fuzz)
	}
	for _, tt := range tests {
		e, err := ParseEVSEID(tt.in)
		if (err != nil) != tt.wantErr {
			t.Errorf("ParseEVSEID(%q) error = %v, wantErr %v", tt.in, err, tt.wantErr)
			continue
		}
		if err == nil && e.String() != tt.want {
			t.Errorf("ParseEVSEID(%q) = %q, want %q", tt.in, e, tt.want)
		}
	}
}

func TestSECCID(t *testing.T) {
	const ex = "DE-ICE-S-00003C4D557878675645330967543476-2" // OPCP example
	id, err := ParseSECCID(ex)
	if err != nil {
		t.Fatal(err)
	}
	if id.String() != ex || id.Check != '2' || id.Operator != "ICE" {
		t.Errorf("ParseSECCID(%q) = %+v", ex, id)
	}
	for _, bad := range []string{"DE-ICE-S-0003-2", "DE-ICE-X-00003C4D557878675645330967543476-2", "DE-ICE-S-00003C4D557878675645330967543476-22"} {
		if _, err := ParseSECCID(bad); !errors.Is(err, ErrSyntax) {
			t.Errorf("ParseSECCID(%q) error = %v, want ErrSyntax", bad, err)
		}
	}
}

func FuzzParseEMAID(f *testing.F) {
	f.Add("DEABC123456789Y")
	f.Add("DE-ABC-C123ABC56")
	f.Fuzz(func(t *testing.T, s string) {
		e, err := ParseEMAID(s)
		if err != nil {
			return
		}
		e2, err := ParseEMAID(e.Hyphenated())
		if err != nil || e2 != e {
			t.Fatalf("round trip of %q: %+v, %v", s, e2, err)
		}
	})
}

func FuzzParseEVSEID(f *testing.F) {
	f.Add("DE*ICE*E45B*78C")
	f.Fuzz(func(t *testing.T, s string) {
		e, err := ParseEVSEID(s)
		if err != nil {
			return
		}
		e2, err := ParseEVSEID(e.String())
		if err != nil || e2 != e {
			t.Fatalf("round trip of %q: %+v, %v", s, e2, err)
		}
	})
}

func FuzzParsePCID(f *testing.F) {
	f.Add("WMIV1234567890ABC")
	f.Add("WMIV1234567890ABCD")
	f.Fuzz(func(t *testing.T, s string) {
		p, err := ParsePCID(s)
		if err != nil {
			if !errors.Is(err, ErrSyntax) {
				t.Fatalf("ParsePCID(%q) error %v does not wrap ErrSyntax", s, err)
			}
			return
		}
		if p.String() != s {
			t.Fatalf("ParsePCID(%q).String() = %q", s, p)
		}
		if p2, err := ParsePCID(p.String()); err != nil || p2 != p {
			t.Fatalf("round trip of %q: %+v, %v", s, p2, err)
		}
	})
}

func FuzzParseSECCID(f *testing.F) {
	f.Add("DE-ICE-S-00003C4D557878675645330967543476-2")
	f.Add("DEICES00003C4D557878675645330967543476")
	f.Fuzz(func(t *testing.T, s string) {
		id, err := ParseSECCID(s)
		if err != nil {
			if !errors.Is(err, ErrSyntax) {
				t.Fatalf("ParseSECCID(%q) error %v does not wrap ErrSyntax", s, err)
			}
			return
		}
		id2, err := ParseSECCID(id.String())
		if err != nil || id2 != id {
			t.Fatalf("round trip of %q via %q: %+v, %v", s, id, id2, err)
		}
	})
}
