package cli

import (
	"context"
	"fmt"
	"runtime/debug"

	"github.com/spf13/pflag"
)

// runVersion prints the module version, the VCS revision when the binary
// carries one, and the Go version.
func runVersion(_ context.Context, args []string, io IO) int {
	fs := pflag.NewFlagSet("version", pflag.ContinueOnError)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: plugsim version\n\nPrints the version and build information.\n")
	}
	if code, ok := parseFlags(fs, args, io); !ok {
		return code
	}
	if code, ok := noArgs(fs, io); !ok {
		return code
	}
	version, rev, goVersion := "(devel)", "", ""
	if bi, ok := debug.ReadBuildInfo(); ok {
		goVersion = bi.GoVersion
		if bi.Main.Version != "" {
			version = bi.Main.Version
		}
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" {
				rev = s.Value
			}
		}
	}
	fmt.Fprintf(io.Stdout, "plugsim %s", version)
	if rev != "" {
		fmt.Fprintf(io.Stdout, " (%s)", rev)
	}
	fmt.Fprintf(io.Stdout, " %s\n", goVersion)
	return ExitOK
}
