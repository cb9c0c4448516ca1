package pingpong

import (
	"strings"
	"testing"
	"time"
)

func TestSpecValidate(t *testing.T) {
	good := Spec{Pairs: 1, Period: time.Second, Slots: 1, End: time.Minute, PayloadMin: 0, PayloadMax: 10}
	tests := []struct {
		name    string
		mutate  func(*Spec)
		wantErr string
	}{
		{"good", func(*Spec) {}, ""},
		{"no pairs", func(s *Spec) { s.Pairs = 0 }, "pairs"},
		{"zero period", func(s *Spec) { s.Period = 0 }, "period"},
		{"no slots", func(s *Spec) { s.Slots = 0 }, "slots"},
		{"negative end", func(s *Spec) { s.End = -1 }, "end"},
		{"payload bounds crossed", func(s *Spec) { s.PayloadMin = 11 }, "payload"},
		{"negative crash", func(s *Spec) { s.CrashEvery = -1 }, "crash_every"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := good
			tt.mutate(&s)
			err := s.Validate()
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("Validate() = %v, want nil", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("Validate() = %v, want an error naming %q", err, tt.wantErr)
			}
		})
	}
}

func TestSpecRoundTrip(t *testing.T) {
	s := Spec{Pairs: 3, Period: time.Minute, Slots: 2, End: time.Hour, PayloadMin: 1, PayloadMax: 2, CrashEvery: 7}
	got, err := DecodeSpec(s.Encode())
	if err != nil {
		t.Fatal(err)
	}
	if got != s {
		t.Errorf("DecodeSpec(Encode(s)) = %+v, want %+v", got, s)
	}
	if _, err := DecodeSpec([]byte(`{"pairs":1,"bogus":2}`)); err == nil || !strings.Contains(err.Error(), "bogus") {
		t.Errorf("unknown field: err = %v, want one naming it", err)
	}
}

func TestAddressesCrossShards(t *testing.T) {
	for i := 0; i < 10; i++ {
		ping, pong := PingerAddress("r", i, 3), PongerAddress("r", i, 3)
		if ping.ID[:1] == pong.ID[:1] {
			t.Errorf("pair %d: pinger %s and ponger %s on the same shard", i, ping, pong)
		}
		if err := ping.Validate(); err != nil {
			t.Error(err)
		}
	}
	if got := ShardSubject("r", 2); got != "plugsim.r.pp.2.>" {
		t.Errorf("ShardSubject = %q", got)
	}
}
