// Command ocppgen writes the Go message types, strict JSON codecs and
// validators of an OCPP version from the official JSON schemas:
//
//	ocppgen -pkg v201 -version "OCPP 2.0.1" -out . <schema directory>
//
// It owns the mapping from JSON Schema (draft-06, the keywords the OCPP
// schemas use) to Go, and fails on any keyword it does not understand. Its
// output is deterministic.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
)

func main() {
	os.Exit(run(os.Args[1:]))
}

func run(args []string) int {
	fs := flag.NewFlagSet("ocppgen", flag.ContinueOnError)
	pkg := fs.String("pkg", "", "Go package name (required)")
	version := fs.String("version", "", "protocol version for doc comments (required)")
	out := fs.String("out", ".", "output directory")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() != 1 || *pkg == "" || *version == "" {
		fmt.Fprintln(os.Stderr, "usage: ocppgen -pkg name -version text [-out dir] schema-dir")
		return 2
	}
	files, err := generate(fs.Arg(0), *pkg, *version)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if err := os.WriteFile(filepath.Join(*out, n), files[n], 0o644); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
	}
	return 0
}
