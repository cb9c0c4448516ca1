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
	fs.SetOutput(io.Stderr)
	fs.Usage = func() {
		fmt.Fprintf(io.Stderr, "Usage: plugsim version\n\nPrints the version and build information.\n")
	}
	if err := fs.Parse(args); err != nil {
		if err == pflag.ErrHelp {
			return ExitOK
		}
		return ExitUsage
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
