// Package ident owns the identifiers of the Plug & Charge PKI: the e-mobility
// account identifier (EMAID) with its check digit, the provisioning
// certificate identifier (PCID), the EVSE ID and the SECC ID. Each type parses,
// validates and formats its identifier; nothing here touches certificates.
//
// Sources are cited as in PKI-NOTES.md §2: the EMAID syntax is ISO 15118-2
// Annex H (quoted by OPCP), the check digit is the eMI3 "check digit
// calculation for contract-IDs".
package ident

import (
	"errors"
	"fmt"
	"strings"
)

// ErrSyntax is wrapped by every parse error of this package.
var ErrSyntax = errors.New("ident: syntax error")

// ErrCheckDigit reports an EMAID whose check digit does not match its first
// 14 characters.
var ErrCheckDigit = errors.New("ident: wrong check digit")

// EMAID is an e-mobility account identifier, the subject CN of a contract
// certificate: country code, provider ID, eMA instance and an optional check
// digit (ISO 15118-2 Annex H; XSD eMAIDType 14..15 characters without
// separators). The fields are kept upper case.
type EMAID struct {
	Country  string // 2 letters
	Provider string // 3 alphanumerics
	Instance string // 9 alphanumerics
	Check    byte   // check character, 0 when absent
}

// ParseEMAID parses s in the Annex H syntax: CC [-] PPP [-] IIIIIIIII
// [[-] C], case-insensitive (OPCP normalises to upper case). It checks the
// syntax only: use [EMAID.Verify] to check the check digit, because test data
// in the wild often carries wrong ones (PKI-NOTES §2).
func ParseEMAID(s string) (EMAID, error) {
	if len(s) > 18 {
		return EMAID{}, fmt.Errorf("%w: EMAID %q longer than 18 characters", ErrSyntax, s)
	}
	u := strings.ToUpper(s)
	p := 0
	take := func(n int, ok func(byte) bool) (string, bool) {
		if p+n > len(u) {
			return "", false
		}
		for i := p; i < p+n; i++ {
			if !ok(u[i]) {
				return "", false
			}
		}
		p += n
		return u[p-n : p], true
	}
	sep := func() {
		if p < len(u) && u[p] == '-' {
			p++
		}
	}
	var e EMAID
	var ok bool
	if e.Country, ok = take(2, isAlpha); !ok {
		return EMAID{}, fmt.Errorf("%w: EMAID %q: country code must be 2 letters", ErrSyntax, s)
	}
	sep()
	if e.Provider, ok = take(3, isAlnum); !ok {
		return EMAID{}, fmt.Errorf("%w: EMAID %q: provider ID must be 3 alphanumerics", ErrSyntax, s)
	}
	sep()
	if e.Instance, ok = take(9, isAlnum); !ok {
		return EMAID{}, fmt.Errorf("%w: EMAID %q: eMA instance must be 9 alphanumerics", ErrSyntax, s)
	}
	if p < len(u) {
		sep()
		c, ok := take(1, isAlnum)
		if !ok {
			return EMAID{}, fmt.Errorf("%w: EMAID %q: bad check character", ErrSyntax, s)
		}
		e.Check = c[0]
	}
	if p != len(u) {
		return EMAID{}, fmt.Errorf("%w: EMAID %q: trailing characters", ErrSyntax, s)
	}
	return e, nil
}

// NewEMAID builds an EMAID from its parts and appends the computed check
// digit.
func NewEMAID(country, provider, instance string) (EMAID, error) {
	e, err := ParseEMAID(country + provider + instance)
	if err != nil {
		return EMAID{}, err
	}
	e.Check = EMAIDCheckDigit(e.Country + e.Provider + e.Instance)
	return e, nil
}

// String returns the normalised form: upper case, no separators, with the
// check digit when present (OPCP).
func (e EMAID) String() string {
	s := e.Country + e.Provider + e.Instance
	if e.Check != 0 {
		s += string(e.Check)
	}
	return s
}

// Hyphenated returns the form with separators, e.g. "DE-ABC-123456789-Y".
func (e EMAID) Hyphenated() string {
	s := e.Country + "-" + e.Provider + "-" + e.Instance
	if e.Check != 0 {
		s += "-" + string(e.Check)
	}
	return s
}

// Verify reports an error wrapping [ErrCheckDigit] when e carries a check
// digit that does not match, and nil when the digit matches or is absent.
func (e EMAID) Verify() error {
	if e.Check == 0 {
		return nil
	}
	want := EMAIDCheckDigit(e.Country + e.Provider + e.Instance)
	if want != e.Check {
		return fmt.Errorf("%w: EMAID %s: check digit %c, want %c", ErrCheckDigit, e, e.Check, want)
	}
	return nil
}

// EqualEMAID reports whether two EMAID strings name the same account: compared
// case-insensitively with hyphens removed, as EVerest compares the contract
// certificate CN with the eMAID of the message (PKI-NOTES §2).
func EqualEMAID(a, b string) bool {
	norm := func(s string) string { return strings.ToUpper(strings.ReplaceAll(s, "-", "")) }
	return norm(a) == norm(b)
}

const alphabet36 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"

// EMAIDCheckDigit computes the eMI3 check character of the first 14
// characters of s (upper-case alphanumerics, no separators); it panics on
// nothing and treats other bytes as value 0, so callers validate first.
//
// Each character value v (0..35) splits into q = v div 9, as two bits, and
// r = v mod 9, as two trits. Position i contributes (q1,q2)·P1^i over Z2 and
// (r1,r2)·P2^i over Z3 with P1 = [[0,1],[1,1]] and P2 = [[0,1],[1,2]];
// position 15 closes both sums to zero (PKI-NOTES §2, eMI3).
func EMAIDCheckDigit(s string) byte {
	var q1, q2, r1, r2 int
	// Row vectors multiplied by successive powers of the matrices: start with
	// P^1 and multiply by P each step.
	p1 := [2][2]int{{0, 1}, {1, 1}}
	p2 := [2][2]int{{0, 1}, {1, 2}}
	m1, m2 := p1, p2
	for i := 0; i < 14 && i < len(s); i++ {
		v := strings.IndexByte(alphabet36, s[i])
		if v < 0 {
			v = 0
		}
		a, b := v/9>>1, v/9&1
		c, d := (v%9)/3, (v%9)%3
		q1 = (q1 + a*m1[0][0] + b*m1[1][0]) % 2
		q2 = (q2 + a*m1[0][1] + b*m1[1][1]) % 2
		r1 = (r1 + c*m2[0][0] + d*m2[1][0]) % 3
		r2 = (r2 + c*m2[0][1] + d*m2[1][1]) % 3
		m1 = mul(m1, p1, 2)
		m2 = mul(m2, p2, 3)
	}
	// P1^15 = I, so q15 = -Q mod 2; P2^15 = [[1,1],[1,0]], so
	// r15_1 = -R2 and r15_2 = -R1 - r15_1 (mod 3).
	c1, c2 := q1%2, q2%2
	t1 := (3 - r2) % 3
	t2 := ((3-r1)%3 + 3 - t1) % 3
	return alphabet36[(2*c1+c2)*9+3*t1+t2]
}

func mul(a, b [2][2]int, m int) [2][2]int {
	var c [2][2]int
	for i := range 2 {
		for j := range 2 {
			c[i][j] = (a[i][0]*b[0][j] + a[i][1]*b[1][j]) % m
		}
	}
	return c
}

func isAlpha(c byte) bool { return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' }
func isDigit(c byte) bool { return c >= '0' && c <= '9' }
func isAlnum(c byte) bool { return isAlpha(c) || isDigit(c) }
