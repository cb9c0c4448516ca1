// Package conformance checks plugsim's ISO 15118 and DIN 70121 codecs and
// framing against the public test vectors in shared/iso15118/vectors
// (captures and unit-test data of independent implementations). It holds
// tests only.
//
// Every vector that the independent C codec decodes must decode with our
// codec of its schema to the same message and re-encode to identical bytes;
// vectors that carry expected field values (libiso15118_tests,
// libcbv2g_tests, pyPLC_openv2g_decoded) are also compared field by field.
// Exceptions are listed, with their reason, in testdata/known_divergences.tsv:
// a failure not listed fails the test, and so does a listed entry that now
// passes, so the list stays true. Every V2GTP frame line is checked with
// package v2gtp, and the SDP datagrams with package sdp.
//
// Run with -v to print the per-schema, per-source summary table.
package conformance
