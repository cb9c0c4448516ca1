package vectors

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/plugsim/plugsim/internal/sharedtest"
)

// EnvShared is the environment variable that names the shared data
// directory (the one holding iso15118/).
const EnvShared = sharedtest.Env

// ErrNoShared is returned by [Locate] when the shared directory is absent.
var ErrNoShared = errors.New("vectors: shared data directory not found")

// Locate returns the vectors directory: $PLUGSIM_SHARED/iso15118/vectors
// when getenv gives PLUGSIM_SHARED, else <module root>/../shared/iso15118/vectors,
// the module root being the nearest directory at or above wd holding go.mod.
func Locate(getenv func(string) string, wd string) (string, error) {
	shared, err := sharedtest.Root(getenv, wd)
	if err != nil {
		return "", fmt.Errorf("%w: %w", ErrNoShared, err)
	}
	dir := filepath.Join(shared, "iso15118", "vectors")
	if _, err := os.Stat(filepath.Join(dir, "INDEX.tsv")); err != nil {
		return "", fmt.Errorf("%w: %s: %w", ErrNoShared, dir, err)
	}
	return dir, nil
}

// PayloadForTest returns the EXI payload of one vector, named by its
// INDEX.tsv file (such as "dsV2Gshark_pcaps/0391_CurrentDemandReq.hex"),
// without loading the others. Like [ForTest] it skips the test, or fails it
// when CI=true, when the shared directory is absent.
func PayloadForTest(tb testing.TB, file string) []byte {
	tb.Helper()
	dir := sharedtest.Path(tb, "iso15118", "vectors")
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

// ForTest locates and loads the vectors for a test: all of them, or only
// those of the given INDEX.tsv schema names. When the shared directory is
// absent it skips the test, or fails it when CI=true.
func ForTest(tb testing.TB, schemas ...string) (dir string, vs []Vector) {
	tb.Helper()
	dir = sharedtest.Path(tb, "iso15118", "vectors")
	vs, err := Load(dir, schemas...)
	if err != nil {
		tb.Fatal(err)
	}
	return dir, vs
}
