package vectors

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// EnvShared is the environment variable that names the shared data
// directory (the one holding iso15118/).
const EnvShared = "PLUGSIM_SHARED"

// ErrNoShared is returned by [Locate] when the shared directory is absent.
var ErrNoShared = errors.New("vectors: shared data directory not found")

// Locate returns the vectors directory: $PLUGSIM_SHARED/iso15118/vectors
// when getenv gives PLUGSIM_SHARED, else <module root>/../shared/iso15118/vectors,
// the module root being the nearest directory at or above wd holding go.mod.
func Locate(getenv func(string) string, wd string) (string, error) {
	shared := getenv(EnvShared)
	if shared == "" {
		root, err := moduleRoot(wd)
		if err != nil {
			return "", err
		}
		shared = filepath.Join(root, "..", "shared")
	}
	dir := filepath.Join(shared, "iso15118", "vectors")
	if _, err := os.Stat(filepath.Join(dir, "INDEX.tsv")); err != nil {
		return "", fmt.Errorf("%w: %s: %w", ErrNoShared, dir, err)
	}
	return dir, nil
}

func moduleRoot(dir string) (string, error) {
	for d := dir; ; {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return d, nil
		}
		parent := filepath.Dir(d)
		if parent == d {
			return "", fmt.Errorf("%w: no go.mod at or above %s", ErrNoShared, dir)
		}
		d = parent
	}
}

// PayloadForTest returns the EXI payload of one vector, named by its
// INDEX.tsv file (such as "dsV2Gshark_pcaps/0391_CurrentDemandReq.hex"),
// without loading the others. Like [ForTest] it skips the test, or fails it
// when CI=true, when the shared directory is absent.
func PayloadForTest(tb testing.TB, file string) []byte {
	tb.Helper()
	wd, err := os.Getwd()
	if err != nil {
		tb.Fatal(err)
	}
	dir, err := Locate(os.Getenv, wd)
	if err != nil {
		if os.Getenv("CI") == "true" {
			tb.Fatalf("%v (set %s)", err, EnvShared)
		}
		tb.Skipf("%v (set %s to run this test)", err, EnvShared)
	}
	raw, err := os.ReadFile(filepath.Join(dir, file))
	if err != nil {
		tb.Fatal(err)
	}
	payload, _, err := parseHex(raw)
	if err != nil {
		tb.Fatalf("%s: %v", file, err)
	}
	return payload
}

// ForTest locates and loads the vectors for a test. When the shared
// directory is absent it skips the test, or fails it when CI=true.
func ForTest(tb testing.TB) (dir string, vs []Vector) {
	tb.Helper()
	wd, err := os.Getwd()
	if err != nil {
		tb.Fatal(err)
	}
	dir, err = Locate(os.Getenv, wd)
	if err != nil {
		if os.Getenv("CI") == "true" {
			tb.Fatalf("%v (set %s)", err, EnvShared)
		}
		tb.Skipf("%v (set %s to run this test)", err, EnvShared)
	}
	vs, err = Load(dir)
	if err != nil {
		tb.Fatal(err)
	}
	return dir, vs
}
