// Command exigen generates Go types and schema-informed EXI codecs from the ISO 15118 and
// DIN 70121 XML schemas.
//
// Usage:
//
//	exigen -schemas DIR -set NAME -out DIR
//
// DIR is the folder holding apphand/, din/, iso2/ and iso20/ (shared/iso15118/schemas).
// NAME is one of apphand, din, iso2, iso20-common, iso20-ac, iso20-dc, iso20-acdp, iso20-wpt.
// It writes types_gen.go, codec_gen.go and random_gen_test.go into the output folder.
// The output depends only on the schemas: running it twice gives identical files.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
)

func main() {
	fs := flag.NewFlagSet("exigen", flag.ContinueOnError)
	schemas := fs.String("schemas", "", "folder with the XSDs (shared/iso15118/schemas)")
	set := fs.String("set", "", "schema set to generate")
	out := fs.String("out", ".", "output folder")
	if err := fs.Parse(os.Args[1:]); err != nil {
		os.Exit(2)
	}
	if err := run(*schemas, *set, *out); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func run(schemas, set, out string) error {
	files, err := generate(schemas, set)
	if err != nil {
		return err
	}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(out, name), data, 0o644); err != nil {
			return fmt.Errorf("exigen: %w", err)
		}
	}
	return nil
}
