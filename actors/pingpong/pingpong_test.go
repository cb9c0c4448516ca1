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

func TestAddressesAndShards(t *testing.T) {
	for i := 0; i < 10; i++ {
		ping, pong := PingerAddress("r", i), PongerAddress("r", i)
		if ShardOf(group(i), 3) == ShardOf(group(i+1), 3) {
			t.Errorf("pair %d: pinger %s and ponger %s on the same shard of 3", i, ping, pong)
		}
		if err := ping.Validate(); err != nil {
			t.Error(err)
		}
	}
	// Every group belongs to exactly one shard.
	for _, shards := range []int{1, 2, 3, 64} {
		seen := map[string]int{}
		for s := 0; s < shards; s++ {
			for _, sub := range ShardSubjects("r", s, shards) {
				seen[sub]++
			}
		}
		if len(seen) != Groups {
			t.Errorf("%d shards cover %d groups, want %d", shards, len(seen), Groups)
		}
		for sub, n := range seen {
			if n != 1 {
				t.Errorf("%d shards: %s held %d times", shards, sub, n)
			}
		}
	}
	if got := ShardSubjects("r", 2, 64); len(got) != 1 || got[0] != "plugsim.r.pp.g2.>" {
		t.Errorf("ShardSubjects = %q", got)
	}
}
