package runtime

import (
	"errors"
	"testing"
)

func TestParseSubject(t *testing.T) {
	tests := []struct {
		name    string
		subject string
		want    Address
		wantErr bool
	}{
		{"simple", "plugsim.r1.cable.EVSE1", Address{"r1", "cable", "EVSE1"}, false},
		{"dotted id", "plugsim.r1.cable.EVSE1.ev", Address{"r1", "cable", "EVSE1.ev"}, false},
		{"no prefix", "other.r1.cable.x", Address{}, true},
		{"no id", "plugsim.r1.cable", Address{}, true},
		{"empty token", "plugsim.r1..x", Address{}, true},
		{"wildcard", "plugsim.r1.cable.*", Address{}, true},
		{"empty id token", "plugsim.r1.cable.a..b", Address{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseSubject(tt.subject)
			if (err != nil) != tt.wantErr {
				t.Fatalf("ParseSubject(%q) error = %v, wantErr %v", tt.subject, err, tt.wantErr)
			}
			if err != nil {
				if !errors.Is(err, ErrBadAddress) {
					t.Errorf("ParseSubject(%q) error %v does not wrap ErrBadAddress", tt.subject, err)
				}
				return
			}
			if got != tt.want {
				t.Errorf("ParseSubject(%q) = %+v, want %+v", tt.subject, got, tt.want)
			}
			if s := got.Subject(); s != tt.subject {
				t.Errorf("Subject() = %q, want %q", s, tt.subject)
			}
		})
	}
}

func TestDigestAddCommutes(t *testing.T) {
	var a, b Digest
	for i := range a {
		a[i] = byte(255 - i)
		b[i] = byte(3 * i)
	}
	if a.Add(b) != b.Add(a) {
		t.Fatal("Digest.Add is not commutative")
	}
	var zero Digest
	if a.Add(zero) != a {
		t.Fatal("Digest.Add(0) changed the digest")
	}
	var one, max Digest
	one[31] = 1
	for i := range max {
		max[i] = 0xff
	}
	if got := max.Add(one); got != zero {
		t.Fatalf("max+1 = %s, want 0 (mod 2^256)", got)
	}
}
