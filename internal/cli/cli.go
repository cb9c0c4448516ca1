// Package cli owns the plugsim command line: it parses flags with pflag,
// builds each subcommand's configuration, validates it and calls the
// libraries that do the work. It holds no package-level state.
package cli

import (
	"context"
	"fmt"
	"io"
	"sort"
	"strings"
)

// Exit statuses returned by [Run].
const (
	ExitOK    = 0 // success
	ExitFail  = 1 // the command ran and something it checked failed
	ExitUsage = 2 // bad flags, bad arguments or bad configuration
)

// IO is what a subcommand reads from and writes to.
type IO struct {
	Stdin  io.Reader // input of commands that read frames or files
	Stdout io.Writer // results and --help
	Stderr io.Writer // errors, usage after a bad flag, logs
}

// command is one subcommand of plugsim.
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, args []string, io IO) int
}

// commands lists every subcommand. Each lives in its own file of this
// package: add one line here when adding a file.
func commands() []command {
	cmds := []command{
		{"version", "print the version and build information", runVersion},
		{"pki", "Plug & Charge PKI: write a hierarchy (init), inspect a certificate", runPKI},
		{"run", "run a simulation (built-in workload until scenarios land)", runRun},
		{"worker", "join a run as a worker process", runWorker},
		{"decode", "decode ISO 15118 / DIN 70121 EXI messages and SDP datagrams given in hex", runDecode},
		{"encode", "encode messages given as JSON (the output of decode) into hex", runEncode},
	}
	sort.Slice(cmds, func(i, j int) bool { return cmds[i].name < cmds[j].name })
	return cmds
}

// Run runs plugsim with args (without the program name) and returns the
// process exit status.
func Run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	iox := IO{Stdin: stdin, Stdout: stdout, Stderr: stderr}
	if len(args) == 0 {
		usage(stderr)
		return ExitUsage
	}
	name := args[0]
	if name == "-h" || name == "--help" || name == "help" {
		usage(stdout)
		return ExitOK
	}
	for _, c := range commands() {
		if c.name == name {
			return c.run(ctx, args[1:], iox)
		}
	}
	fmt.Fprintf(stderr, "plugsim: unknown command %q\n\n", name)
	usage(stderr)
	return ExitUsage
}

func usage(w io.Writer) {
	var b strings.Builder
	b.WriteString("plugsim simulates Plug & Charge (ISO 15118) and V2G charging.\n\nUsage:\n  plugsim <command> [flags]\n\nCommands:\n")
	for _, c := range commands() {
		fmt.Fprintf(&b, "  %-10s %s\n", c.name, c.summary)
	}
	b.WriteString("\nRun 'plugsim <command> --help' for the flags of a command.\n")
	io.WriteString(w, b.String())
}
