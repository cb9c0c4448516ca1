package cli

import (
	"context"
	"fmt"
	stdio "io"
	"os"
	"time"

	"github.com/spf13/pflag"

	"github.com/plugsim/plugsim/pki"
	"github.com/plugsim/plugsim/pki/pkidir"
)

// runPKI dispatches `plugsim pki init` and `plugsim pki inspect`.
func runPKI(ctx context.Context, args []string, io IO) int {
	usage := func(w stdio.Writer) {
		fmt.Fprint(w, "Usage: plugsim pki <init|inspect> [flags]\n\n"+
			"  init     write a whole Plug & Charge PKI (V2G, CPO, CPS, MO, OEM, OCPP) as PEM and DER files\n"+
			"  inspect  print a certificate's role, identifiers, validity and chain verdict\n\n"+
			"Run 'plugsim pki <command> --help' for its flags.\n")
	}
	if len(args) == 0 {
		usage(io.Stderr)
		return ExitUsage
	}
	switch args[0] {
	case "-h", "--help", "help":
		usage(io.Stdout)
		return ExitOK
	case "init":
		return runPKIInit(ctx, args[1:], io)
	case "inspect":
		return runPKIInspect(ctx, args[1:], io)
	}
	fmt.Fprintf(io.Stderr, "plugsim pki: unknown command %q\n\n", args[0])
	usage(io.Stderr)
	return ExitUsage
}

// parseAt parses an RFC 3339 time, or returns def when s is empty.
func parseAt(s string, def time.Time) (time.Time, error) {
	if s == "" {
		return def, nil
	}
	return time.Parse(time.RFC3339, s)
}

func runPKIInit(_ context.Context, args []string, io IO) int {
	fs := pflag.NewFlagSet("pki init", pflag.ContinueOnError)
	dir := fs.String("dir", "", "directory to write (created if needed; required)")
	profile := fs.String("profile", "iso2", "certificate profile: iso2 (P-256), iso20 (P-521) or iso20-ed448 (Ed448; each OEM provisioning certificate also carries the vehicle's X448 key, written as *.x448.key.pem)")
	roots := fs.Int("v2g-roots", 2, "number of V2G root operators")
	emsps := fs.Int("emsps", 1, "number of eMSPs (mobility operators), each with its own MO root")
	contracts := fs.Int("contracts", 1, "contract certificates per eMSP (one vehicle with an OEM provisioning certificate each)")
	stations := fs.Int("stations", 1, "charging stations (an SECC certificate per V2G root and an OCPP client certificate each)")
	moUnderV2G := fs.Bool("mo-under-v2g", false, "chain the MO Sub-CAs to the first V2G root instead of own MO roots")
	seed := fs.String("seed", "1", "seed every key derives from (printed at start)")
	atFlag := fs.String("at", "", "NotBefore of every certificate, RFC 3339 (default: today 00:00 UTC)")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: plugsim pki init --dir D [flags]\n\nWrites a whole Plug & Charge PKI deterministically: the same --seed and --at give the same files.\n\n")
		fs.PrintDefaults()
	}
	if code, ok := parseFlags(fs, args, io); !ok {
		return code
	}
	if *dir == "" || fs.NArg() != 0 {
		fmt.Fprintln(io.Stderr, "plugsim pki init: --dir is required and no arguments are taken")
		return ExitUsage
	}
	p, err := pki.ParseProfile(*profile)
	if err != nil {
		fmt.Fprintf(io.Stderr, "plugsim pki init: %v\n", err)
		return ExitUsage
	}
	at, err := parseAt(*atFlag, time.Now().UTC().Truncate(24*time.Hour))
	if err != nil {
		fmt.Fprintf(io.Stderr, "plugsim pki init: --at: %v\n", err)
		return ExitUsage
	}
	if *roots < 1 || *emsps < 1 || *contracts < 1 || *stations < 1 || *emsps > 999 {
		fmt.Fprintln(io.Stderr, "plugsim pki init: counts must be at least 1 (and --emsps at most 999)")
		return ExitUsage
	}
	fmt.Fprintf(io.Stdout, "seed=%s at=%s profile=%s\n", *seed, at.Format(time.RFC3339), p)
	h, err := pki.NewHierarchy(pki.HierarchyOptions{Profile: p, Seed: []byte(*seed), At: at, V2GRoots: *roots,
		EMSPs: *emsps, Contracts: *contracts, Stations: *stations, MOUnderV2G: *moUnderV2G})
	if err != nil {
		fmt.Fprintf(io.Stderr, "plugsim pki init: %v\n", err)
		return ExitFail
	}
	files, leaves, err := pkidir.Write(*dir, h, *seed)
	if err != nil {
		fmt.Fprintf(io.Stderr, "plugsim pki init: %v\n", err)
		return ExitFail
	}
	fmt.Fprintf(io.Stdout, "wrote %d files (%d leaf certificates) to %s; see %s/README.txt\n", len(files), len(leaves), *dir, *dir)
	return ExitOK
}

func runPKIInspect(_ context.Context, args []string, io IO) int {
	fs := pflag.NewFlagSet("pki inspect", pflag.ContinueOnError)
	trustDir := fs.String("trust", "", "directory of root and sub-CA certificates (default: the pki init directory above FILE, else FILE's directory)")
	atFlag := fs.String("at", "", "time to verify at, RFC 3339 (default: now)")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: plugsim pki inspect [flags] FILE\n\nPrints the role, identifiers, validity and chain verdict of the first certificate in FILE (PEM or DER);\nfurther certificates in FILE are offered as sub-CAs. Exit status 1 when the chain is rejected.\n\n")
		fs.PrintDefaults()
	}
	if code, ok := parseFlags(fs, args, io); !ok {
		return code
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return ExitUsage
	}
	file := fs.Arg(0)
	at, err := parseAt(*atFlag, time.Now().UTC().Truncate(time.Second))
	if err != nil {
		fmt.Fprintf(io.Stderr, "plugsim pki inspect: --at: %v\n", err)
		return ExitUsage
	}
	certs, err := pkidir.LoadCertificates(file)
	if err != nil {
		fmt.Fprintf(io.Stderr, "plugsim pki inspect: %v\n", err)
		return ExitFail
	}
	dir := *trustDir
	if dir == "" {
		dir = pkidir.FindRoot(file)
	}
	if _, err := os.Stat(dir); err != nil {
		fmt.Fprintf(io.Stderr, "plugsim pki inspect: --trust: %v\n", err)
		return ExitUsage
	}
	trust, err := pkidir.LoadTrust(dir)
	if err != nil {
		fmt.Fprintf(io.Stderr, "plugsim pki inspect: %v\n", err)
		return ExitFail
	}
	trust.SubCAs = append(trust.SubCAs, certs[1:]...)
	r := pkidir.Inspect(certs[0], trust, at)
	if err := r.Write(io.Stdout, file); err != nil {
		return ExitFail
	}
	if r.Err != nil {
		return ExitFail
	}
	return ExitOK
}
