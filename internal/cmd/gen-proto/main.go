// Command gen-proto compiles the .proto files of a directory and writes
// their Go code beside them, without protoc: it parses the files with
// protocompile and runs protoc-gen-go's generator in-process, so a fresh
// machine with only Go can regenerate (and a test can check) the code.
//
// Usage: gen-proto [-out DIR] DIR
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/plugsim/plugsim/internal/protogen"
)

func main() {
	out := flag.String("out", "", "output directory (default: the input directory)")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: gen-proto [-out DIR] DIR")
		os.Exit(2)
	}
	dir := flag.Arg(0)
	if *out == "" {
		*out = dir
	}
	files, err := protogen.Generate(context.Background(), dir)
	if err != nil {
		fmt.Fprintln(os.Stderr, "gen-proto:", err)
		os.Exit(1)
	}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(*out, name), data, 0o644); err != nil {
			fmt.Fprintln(os.Stderr, "gen-proto:", err)
			os.Exit(1)
		}
	}
}
