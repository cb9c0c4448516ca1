// Package archtest holds the tests that keep the repository true to
// ARCHITECTURE.md and STYLE.md: which layers may import which, and one
// package comment per package. It has no code of its own.
package archtest
