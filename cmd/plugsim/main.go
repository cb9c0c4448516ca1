// Command plugsim simulates Plug & Charge (ISO 15118) and V2G charging at
// site and network scale. See the README for the commands it offers.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/plugsim/plugsim/internal/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
