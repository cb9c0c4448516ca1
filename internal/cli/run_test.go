package cli

import (
	"net"
	"regexp"
	"strings"
	"testing"
	"time"
)

var digestRE = regexp.MustCompile(`digest ([0-9a-f]{64})`)

func TestRunPrintsSeedAndStableDigest(t *testing.T) {
	args := []string{"run", "--pairs", "40", "--duration", "20m", "--seed", "9", "--log-level", "error"}
	code, out, errs := runCLI(t, args...)
	if code != ExitOK {
		t.Fatalf("run exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errs)
	}
	if !strings.Contains(out, "seed 9") {
		t.Errorf("seed not printed at start:\n%s", out)
	}
	if !strings.Contains(out, "no charging is modelled") {
		t.Errorf("run does not say its workload is synthetic:\n%s", out)
	}
	m := digestRE.FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no digest in:\n%s", out)
	}
	_, out2, _ := runCLI(t, args...)
	if m2 := digestRE.FindStringSubmatch(out2); m2 == nil || m2[1] != m[1] {
		t.Errorf("digest changed between two runs with seed 9: %s then %v", m[1], m2)
	}
}

func TestRunRealClock(t *testing.T) {
	code, out, errs := runCLI(t, "run", "--clock", "real", "--pairs", "20", "--period", "50ms", "--duration", "300ms", "--log-level", "error")
	if code != ExitOK {
		t.Fatalf("run --clock real exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errs)
	}
	if !strings.Contains(out, "dropped 0") || strings.Contains(out, "pings 0,") {
		t.Errorf("real-time run summary unexpected:\n%s", out)
	}
}

func TestUsageErrors(t *testing.T) {
	tests := []struct {
		name     string
		args     []string
		wantCode int
		wantErr  string
	}{
		{"no command", nil, ExitUsage, "Usage:"},
		{"unknown command", []string{"fly"}, ExitUsage, `unknown command "fly"`},
		{"unknown flag", []string{"run", "--bogus"}, ExitUsage, "unknown flag: --bogus"},
		{"unknown worker flag", []string{"worker", "--bogus"}, ExitUsage, "unknown flag: --bogus"},
		{"unknown version flag", []string{"version", "--bogus"}, ExitUsage, "unknown flag: --bogus"},
		{"version argument", []string{"version", "extra"}, ExitUsage, `unexpected argument "extra"`},
		{"run argument", []string{"run", "extra"}, ExitUsage, `unexpected argument "extra"`},
		{"too many shards", []string{"run", "--workers", "65"}, ExitUsage, "at most 64 shards"},
		{"bad clock", []string{"run", "--clock", "sundial"}, ExitUsage, `--clock "sundial"`},
		{"bad pairs", []string{"run", "--pairs", "0"}, ExitUsage, "pairs must be at least 1"},
		{"bad log level", []string{"run", "--log-level", "loud"}, ExitUsage, "--log-level"},
		{"worker without run", []string{"worker", "--nats", "nats://127.0.0.1:1"}, ExitUsage, "--nats and --run are required"},
		{"zero workers alone", []string{"run", "--workers", "0"}, ExitUsage, "--remote-workers"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, errs := runCLI(t, tt.args...)
			if code != tt.wantCode {
				t.Errorf("exit = %d, want %d", code, tt.wantCode)
			}
			if !strings.Contains(errs, tt.wantErr) {
				t.Errorf("stderr does not contain %q:\n%s", tt.wantErr, errs)
			}
		})
	}
}

func TestHelpExitsZero(t *testing.T) {
	for _, cmd := range []string{"run", "worker", "version"} {
		code, out, errs := runCLI(t, cmd, "--help")
		if code != ExitOK || !strings.Contains(out, "Usage: plugsim "+cmd) || errs != "" {
			t.Errorf("%s --help: exit %d, want usage on stdout; stdout:\n%s\nstderr:\n%s", cmd, code, out, errs)
		}
	}
	code, out, _ := runCLI(t, "--help")
	if code != ExitOK || !strings.Contains(out, "Commands:") {
		t.Errorf("plugsim --help: exit %d, stdout:\n%s", code, out)
	}
}

// TestUnreachableNATS: an unreachable --nats URL gives a one-line error
// and exit status 2 within 5 seconds.
func TestUnreachableNATS(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens there now
	for _, cmd := range [][]string{
		{"run", "--nats", "nats://" + addr},
		{"worker", "--nats", "nats://" + addr, "--run", "x"},
	} {
		start := time.Now()
		code, _, errs := runCLI(t, append(cmd, "--log-level", "error")...)
		if d := time.Since(start); d > 5*time.Second {
			t.Errorf("%s: took %v, want under 5 s", cmd[0], d)
		}
		if code != ExitUsage {
			t.Errorf("%s: exit %d, want %d", cmd[0], code, ExitUsage)
		}
		if lines := strings.Count(strings.TrimSpace(errs), "\n") + 1; lines != 1 || !strings.Contains(errs, "unreachable") {
			t.Errorf("%s: want one line naming the unreachable server, got:\n%s", cmd[0], errs)
		}
	}
}

// TestSilentNATSServers: three URLs that accept TCP but never speak NATS
// still give the one-line error and exit status 2 within 5 seconds.
func TestSilentNATSServers(t *testing.T) {
	var urls []string
	for range 3 {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer ln.Close()
		go func() {
			for {
				c, err := ln.Accept()
				if err != nil {
					return
				}
				defer c.Close() // hold it open, say nothing
			}
		}()
		urls = append(urls, "nats://"+ln.Addr().String())
	}
	start := time.Now()
	code, _, errs := runCLI(t, "run", "--nats", strings.Join(urls, ","), "--log-level", "error")
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("took %v, want under 5 s", d)
	}
	if code != ExitUsage || !strings.Contains(errs, "unreachable") {
		t.Errorf("exit %d, stderr %q; want 2 and a line naming the unreachable servers", code, errs)
	}
}
