// Command exigen generates Go types and schema-informed EXI codecs from the ISO 15118 and
// DIN 70121 XML schemas.
//
// Usage:
//
//	exigen -schemas DIR -set NAME -out DIR
//
// DIR is the folder holding apphand/, din/, iso2/ and iso20/ (shared/iso15118/schemas).
// NAME is one of apphand, din, iso2, iso20-common, iso20-ac, iso20-dc, iso20-acdp, iso20-wpt.
// It writes types_gen.go and codec_gen.go, and the tests random_gen_test.go (seeded random
// round trips of every type and global element), vectors_gen_test.go (every shared vector
// decodes and re-encodes byte-identically, survives JSON, and decodes the same through a
// reused Decoder) and fuzz_gen_test.go into the output folder. The output depends only on the
// schemas: running it twice gives identical files.
//
// # Grammars
//
// Each complex type becomes one decode and one encode function: straight-line Go over a
// switch of grammar states, no reflection and no tables interpreted at run time. The grammar
// is EXI 1.0's schema-informed element grammar in non-strict mode as ISO 15118 uses it
// (shared/iso15118/EXI-NOTES.md): attributes sorted by name then content; a Glushkov automaton
// of the content particles (schema particle order gives the code order: AT, SE, SE(*), EE,
// CH); a substitution group gives the head, abstract or not, and every member, sorted;
// a repeated element is one position with a counter (states "fewer than minOccurs",
// "more allowed" and "maxOccurs reached", where the element's SE is gone); event codes are
// ceil(log2(n+1)) bits for n declared productions (the escape to second-level events is
// counted but refused). Wildcards and mixed content (xmldsig only) are counted in the widths
// and refused when they occur. The document grammar lists every global element of the set
// sorted by name, then SE(*); the fragment grammar every element name of the set, SE(*), ED.
//
// Values: enumerations as an n-bit index; integers with a bounded range up to 4096 values as
// n-bit offsets from the minimum; other non-negative integers as unsigned; the rest signed;
// strings as length+2 and code points; binary as length and bytes (EXI-NOTES §3).
//
// # Shared types
//
// Two sets are generated as shared packages, with exported codecs and pool methods and no
// document: xmldsig (xmldsig-core-schema.xsd, into internal/dsigtypes) and iso20-types
// (V2G_CI_CommonTypes.xsd, into iso20/internal/commontypes, which itself uses dsigtypes).
// A set that uses them (setConfig.uses: DIN and ISO-2 use xmldsig, the five ISO-20 sets both)
// takes every type they declare under the same qualified and Go name (checked, or generation
// fails) as an alias, calls their codecs and keeps their free lists in its pool, so each
// codec is written once. A complex type's grammar is its own content model, so its codec is
// the same in every set; the vectors and random round trips of each set run through the
// shared codecs.
//
// # Where this departs from libcbv2g on purpose
//
//   - Arrays follow the specification at maxOccurs (the element leaves the state); libcbv2g's
//     "LOOP" arrays of three or more never do (EXI-NOTES §7.4). No vector reaches a maximum.
//   - ISO-20 document roots are ordered by element name as EXI requires, not by type name as
//     libcbv2g does; this changes ACDP message codes (EXI-NOTES §7.3). There is no ACDP vector.
//   - The ISO-2 eMAID fragment uses the element fragment grammar (EXI §8.5.3), as OpenV2G and
//     RISE-V2G do and libcbv2g does not (EXI-NOTES §4).
//   - Unread trailing bytes and non-zero padding are errors; only header byte 0x80 is accepted.
//   - A repeated choice (xmldsig KeyInfo and X509Data) is one slice per alternative, written in
//     schema order; a stream whose alternatives go back to an earlier one has no such value and
//     is refused (exi.ErrUnsupported) rather than decoded into a value that re-encodes otherwise.
//   - Strings are code points (not only ASCII); lengths are limited by the schema's maxLength or
//     exi.DefaultMaxLength (8192), and arrays by maxOccurs, never by smaller fixed caps.
//   - Two ISO-20 binary length facets are relaxed where the standard's text says the value is
//     shorter than the XSD's fixed length: DHPublicKey (57 or 133 bytes) and
//     TPM_EncryptedPrivateKey (up to 206), see lengthOverrides.
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
