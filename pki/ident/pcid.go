package ident

import (
	"fmt"
	"strings"
)

// PCID is a provisioning certificate identifier, the subject CN of an OEM
// provisioning certificate: a 3-character world manufacturer identifier, 14
// alphanumerics and an optional check character, 17 or 18 characters in all
// (OPCP, citing VDE-AR-E 2802-100-1: ^[a-zA-Z0-9]{17,18}$). The check
// character's algorithm is not public here [U], so it is kept but not verified.
type PCID struct {
	WMI   string // world manufacturer identifier, 3 alphanumerics
	Body  string // 14 alphanumerics
	Check byte   // optional 18th character, 0 when absent
}

// ParsePCID parses s, keeping its case.
func ParsePCID(s string) (PCID, error) {
	if len(s) != 17 && len(s) != 18 {
		return PCID{}, fmt.Errorf("%w: PCID %q: length %d, want 17 or 18", ErrSyntax, s, len(s))
	}
	for i := 0; i < len(s); i++ {
		if !isAlnum(s[i]) {
			return PCID{}, fmt.Errorf("%w: PCID %q: character %d is not alphanumeric", ErrSyntax, s, i)
		}
	}
	p := PCID{WMI: s[:3], Body: s[3:17]}
	if len(s) == 18 {
		p.Check = s[17]
	}
	return p, nil
}

// String returns the identifier as it appears in a certificate CN.
func (p PCID) String() string {
	s := p.WMI + p.Body
	if p.Check != 0 {
		s += string(p.Check)
	}
	return s
}

// NoEVSEID is the EVSE ID a charger sends when it has none (DIN SPEC
// 70121; seen in both ISO-2 and ISO-20 dSPACE captures, PKI-NOTES §2).
const NoEVSEID = "ZZ00000"

// EVSEID is an ISO 15118-2 EVSE ID: country code, operator ID, the letter E
// and a power outlet ID, e.g. "DE*ICE*E45B*78C" (ISO 15118-2 Annex H as quoted
// by OPCP; XSD evseIDType 7..37 characters).
type EVSEID struct {
	Country  string // 2 letters, upper case
	Operator string // 3 alphanumerics, upper case
	Outlet   string // power outlet ID: A-Z, 0-9 and '*', at most 29 so that String fits 37 characters
}

// ParseEVSEID parses s with or without the '*' separators after the country
// code and the operator ID. The stand-in [NoEVSEID] is not an
// EVSE ID and is rejected.
func ParseEVSEID(s string) (EVSEID, error) {
	if len(s) < 7 || len(s) > 37 {
		return EVSEID{}, fmt.Errorf("%w: EVSE ID %q: length %d outside 7..37", ErrSyntax, s, len(s))
	}
	u := strings.ToUpper(s)
	var e EVSEID
	if !isAlpha(u[0]) || !isAlpha(u[1]) {
		return EVSEID{}, fmt.Errorf("%w: EVSE ID %q: country code must be 2 letters", ErrSyntax, s)
	}
	e.Country, u = u[:2], u[2:]
	u = strings.TrimPrefix(u, "*")
	if len(u) < 3 || !isAlnum(u[0]) || !isAlnum(u[1]) || !isAlnum(u[2]) {
		return EVSEID{}, fmt.Errorf("%w: EVSE ID %q: operator ID must be 3 alphanumerics", ErrSyntax, s)
	}
	e.Operator, u = u[:3], u[3:]
	u = strings.TrimPrefix(u, "*")
	if len(u) < 2 || u[0] != 'E' {
		return EVSEID{}, fmt.Errorf("%w: EVSE ID %q: missing \"E\" and power outlet ID", ErrSyntax, s)
	}
	e.Outlet = u[1:]
	if len(e.Outlet) > 31 {
		return EVSEID{}, fmt.Errorf("%w: EVSE ID %q: power outlet ID longer than 31", ErrSyntax, s)
	}
	for i := 0; i < len(e.Outlet); i++ {
		if c := e.Outlet[i]; !isAlnum(c) && c != '*' {
			return EVSEID{}, fmt.Errorf("%w: EVSE ID %q: bad character %q in power outlet ID", ErrSyntax, s, c)
		}
	}
	// The form String writes, with both separators, must fit evseIDType
	// too: without this, a 36-character ID without separators would parse
	// and format to 38 characters the XSD refuses.
	if n := len(e.String()); n > 37 {
		return EVSEID{}, fmt.Errorf("%w: EVSE ID %q: %d characters with separators, more than 37", ErrSyntax, s, n)
	}
	return e, nil
}

// String formats e with '*' separators, e.g. "DE*ICE*E45B*78C".
func (e EVSEID) String() string { return e.Country + "*" + e.Operator + "*E" + e.Outlet }

// SECCID is an ISO 15118-20 SECC ID, the CN of an SECC leaf certificate (HUB
// 3-4): country code, operator ID, the letter S, a controller ID of 32..248
// alphanumerics and a check character, separated by optional '-', e.g.
// "DE-ICE-S-00003C4D557878675645330967543476-2" (OPCP). The check character's
// algorithm is not public here [U]: it is kept, not verified.
type SECCID struct {
	Country    string // 2 letters, upper case
	Operator   string // 3 alphanumerics, upper case
	Controller string // 32..248 alphanumerics
	Check      byte   // check character, 0 when absent
}

// ParseSECCID parses s. Separators are optional; when the last separated
// group is a single character it is the check character.
func ParseSECCID(s string) (SECCID, error) {
	if len(s) > 260 {
		return SECCID{}, fmt.Errorf("%w: SECC ID too long (%d)", ErrSyntax, len(s))
	}
	u := strings.ToUpper(s)
	var id SECCID
	if len(u) < 2 || !isAlpha(u[0]) || !isAlpha(u[1]) {
		return SECCID{}, fmt.Errorf("%w: SECC ID %q: country code must be 2 letters", ErrSyntax, s)
	}
	id.Country, u = u[:2], strings.TrimPrefix(u[2:], "-")
	if len(u) < 3 || !isAlnum(u[0]) || !isAlnum(u[1]) || !isAlnum(u[2]) {
		return SECCID{}, fmt.Errorf("%w: SECC ID %q: operator ID must be 3 alphanumerics", ErrSyntax, s)
	}
	id.Operator, u = u[:3], strings.TrimPrefix(u[3:], "-")
	if len(u) < 1 || u[0] != 'S' {
		return SECCID{}, fmt.Errorf("%w: SECC ID %q: missing \"S\"", ErrSyntax, s)
	}
	u = strings.TrimPrefix(u[1:], "-")
	if i := strings.LastIndexByte(u, '-'); i >= 0 {
		if len(u)-i != 2 {
			return SECCID{}, fmt.Errorf("%w: SECC ID %q: check character must be 1 character", ErrSyntax, s)
		}
		id.Check, u = u[i+1], u[:i]
		if !isAlnum(id.Check) {
			return SECCID{}, fmt.Errorf("%w: SECC ID %q: bad check character", ErrSyntax, s)
		}
	}
	if len(u) < 32 || len(u) > 248 {
		return SECCID{}, fmt.Errorf("%w: SECC ID %q: controller ID length %d outside 32..248", ErrSyntax, s, len(u))
	}
	for i := 0; i < len(u); i++ {
		if !isAlnum(u[i]) {
			return SECCID{}, fmt.Errorf("%w: SECC ID %q: bad character in controller ID", ErrSyntax, s)
		}
	}
	id.Controller = u
	return id, nil
}

// String formats id with '-' separators.
func (id SECCID) String() string {
	s := id.Country + "-" + id.Operator + "-S-" + id.Controller
	if id.Check != 0 {
		s += "-" + string(id.Check)
	}
	return s
}
