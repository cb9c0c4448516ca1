package pki

import (
	"errors"
	"fmt"
	"time"

	"github.com/plugsim/plugsim/pki/ident"
)

// HierarchyOptions configure [NewHierarchy]. Zero counts take the defaults.
type HierarchyOptions struct {
	Profile Profile   // required
	Seed    []byte    // every key derives from it (see [DeriveKey])
	At      time.Time // NotBefore of every certificate: the simulated time; required
	// V2GRoots is the number of V2G root operators (default 2); each gets its
	// own CPO and CPS sub-CAs and its own SECC leaf per station.
	V2GRoots  int
	EMSPs     int // mobility operators, each with its own MO root (default 1)
	Contracts int // contract certificates per eMSP, one vehicle each (default 1)
	Stations  int // charging stations: SECC leaves and OCPP client certificates (default 1)
	// MOUnderV2G makes each MO Sub-CA 1 chain to the first V2G root instead
	// of an own MO root (PKI-NOTES §1: MO may use the V2G root).
	MOUnderV2G bool
	// OCSPBaseURL prefixes the OCSP URL written into issued certificates
	// (default "http://ocsp.plugsim.invalid/").
	OCSPBaseURL string
}

// V2GBranch is everything under one V2G root.
type V2GBranch struct {
	Root                 *CA           // the V2G root CA
	CPOSubCA1, CPOSubCA2 *CA           // CPO sub-CAs; Sub-CA 2 issues the SECC leaves
	CPSSubCA1, CPSSubCA2 *CA           // CPS sub-CAs; Sub-CA 2 issues the CPS leaf
	CPS                  *Credential   // signs installation responses
	SECC                 []*Credential // one per station, CN = SECC ID
}

// EMSPBranch is one mobility operator's hierarchy.
type EMSPBranch struct {
	ProviderID     string        // 3 alphanumerics, part of its EMAIDs
	Root           *CA           // nil when MOUnderV2G
	SubCA1, SubCA2 *CA           // MO sub-CAs; Sub-CA 2 issues the contracts
	Contracts      []*Credential // CN = EMAID
}

// OEMBranch is the vehicle manufacturer's hierarchy.
type OEMBranch struct {
	Root, SubCA1, SubCA2 *CA           // OEM root and sub-CAs; Sub-CA 2 issues provisioning certificates
	Provisioning         []*Credential // one per vehicle, CN = PCID
}

// OCPPBranch holds the OCPP security profile 3 certificates (always P-256).
type OCPPBranch struct {
	Root     *CA           // CSMS root CA
	CSMS     *Credential   // TLS server, DNS name csms.plugsim.invalid
	Stations []*Credential // TLS clients, CN = station id
}

// Hierarchy is a whole Plug & Charge PKI.
type Hierarchy struct {
	Profile Profile       // the profile every ISO certificate follows
	At      time.Time     // NotBefore of every certificate
	V2G     []*V2GBranch  // one per V2G root operator
	EMSPs   []*EMSPBranch // one per mobility operator
	OEM     *OEMBranch    // the vehicle manufacturer
	OCPP    *OCPPBranch   // OCPP security profile 3
}

// StationID returns the id of station i (0-based) as written in its OCPP
// certificate CN.
func StationID(i int) string { return fmt.Sprintf("CS%04d", i+1) }

// NewHierarchy builds a whole PKI deterministically: the same options give
// the same certificates and keys, byte for byte.
func NewHierarchy(o HierarchyOptions) (*Hierarchy, error) {
	if o.Profile == 0 || o.At.IsZero() {
		return nil, errors.New("pki: NewHierarchy: Profile and At are required")
	}
	def := func(v *int, d int) {
		if *v == 0 {
			*v = d
		}
	}
	def(&o.V2GRoots, 2)
	def(&o.EMSPs, 1)
	def(&o.Contracts, 1)
	def(&o.Stations, 1)
	if o.V2GRoots < 0 || o.EMSPs < 0 || o.Contracts < 0 || o.Stations < 0 || o.EMSPs > 999 {
		return nil, errors.New("pki: NewHierarchy: counts must be positive (eMSPs ≤ 999)")
	}
	if o.OCSPBaseURL == "" {
		o.OCSPBaseURL = "http://ocsp.plugsim.invalid/"
	}
	b := builder{o: o, alg: o.Profile.Algorithm()}
	h := &Hierarchy{Profile: o.Profile, At: o.At}
	for i := range o.V2GRoots {
		br, err := b.v2g(i)
		if err != nil {
			return nil, err
		}
		h.V2G = append(h.V2G, br)
	}
	var err error
	if h.OEM, err = b.oem(); err != nil {
		return nil, err
	}
	for i := range o.EMSPs {
		var parent *CA
		if o.MOUnderV2G && len(h.V2G) > 0 {
			parent = h.V2G[0].Root
		}
		br, err := b.emsp(i, parent)
		if err != nil {
			return nil, err
		}
		h.EMSPs = append(h.EMSPs, br)
		for j := range o.Contracts {
			pcid := fmt.Sprintf("PSMV%013d", i*o.Contracts+j+1)
			cred, err := b.leaf(h.OEM.SubCA2, RoleOEMProvisioning, "oem/prov/"+pcid, Name{CommonName: pcid, Organization: "plugsim OEM", Country: "DE"})
			if err != nil {
				return nil, err
			}
			h.OEM.Provisioning = append(h.OEM.Provisioning, cred)
		}
	}
	if h.OCPP, err = b.ocpp(); err != nil {
		return nil, err
	}
	return h, nil
}

type builder struct {
	o   HierarchyOptions
	alg Algorithm
}

func (b *builder) key(alg Algorithm, label string) (*Key, error) {
	return DeriveKey(alg, b.o.Seed, label)
}

func (b *builder) root(role Role, label string, n Name) (*CA, error) {
	k, err := b.key(b.alg, label)
	if err != nil {
		return nil, err
	}
	ca, err := NewRoot(b.o.Profile, role, n, k, b.o.At)
	if err != nil {
		return nil, fmt.Errorf("pki: %s: %w", label, err)
	}
	ca.OCSPURL = b.o.OCSPBaseURL + label
	return ca, nil
}

func (b *builder) sub(parent *CA, role Role, label string, n Name) (*CA, error) {
	k, err := b.key(b.alg, label)
	if err != nil {
		return nil, err
	}
	ca, err := parent.NewSubCA(Request{Role: role, Subject: n, Key: k, NotBefore: b.o.At})
	if err != nil {
		return nil, fmt.Errorf("pki: %s: %w", label, err)
	}
	ca.OCSPURL = b.o.OCSPBaseURL + label
	return ca, nil
}

func (b *builder) leaf(parent *CA, role Role, label string, n Name) (*Credential, error) {
	alg := b.alg
	if specs[role].ocpp {
		alg = ECDSAP256SHA256
	}
	k, err := b.key(alg, label)
	if err != nil {
		return nil, err
	}
	req := Request{Role: role, Subject: n, Key: k, NotBefore: b.o.At}
	if role == RoleCSMS {
		req.DNSNames = []string{n.CommonName}
	}
	// An Ed448 provisioning certificate also carries the vehicle's X448 key
	// agreement key as its alternate public key ([V2G20-2534], see
	// [AltPublicKeyX448]).
	var alt *X448Key
	if role == RoleOEMProvisioning && alg == Ed448 {
		x, err := DeriveX448Key(b.o.Seed, label)
		if err != nil {
			return nil, err
		}
		alt, req.AltPublicKey = &x, x.Public()
	}
	c, err := parent.Issue(req)
	if err != nil {
		return nil, fmt.Errorf("pki: %s: %w", label, err)
	}
	c.AltKey = alt
	return c, nil
}

func (b *builder) v2g(i int) (*V2GBranch, error) {
	p := fmt.Sprintf("v2g%d/", i+1)
	org := fmt.Sprintf("plugsim V2G Root Operator %d", i+1)
	br := &V2GBranch{}
	var err error
	if br.Root, err = b.root(RoleV2GRoot, p+"root", Name{CommonName: fmt.Sprintf("V2G Root CA %d", i+1), Organization: org, Country: "DE"}); err != nil {
		return nil, err
	}
	if br.CPOSubCA1, err = b.sub(br.Root, RoleCPOSubCA1, p+"cpo-sub1", Name{CommonName: "CPO Sub-CA 1", Organization: "plugsim CPO", Country: "DE"}); err != nil {
		return nil, err
	}
	if br.CPOSubCA2, err = b.sub(br.CPOSubCA1, RoleCPOSubCA2, p+"cpo-sub2", Name{CommonName: "CPO Sub-CA 2", Organization: "plugsim CPO", Country: "DE"}); err != nil {
		return nil, err
	}
	if br.CPSSubCA1, err = b.sub(br.Root, RoleCPSSubCA1, p+"cps-sub1", Name{CommonName: "CPS Sub-CA 1", Organization: "plugsim CPS", Country: "DE"}); err != nil {
		return nil, err
	}
	if br.CPSSubCA2, err = b.sub(br.CPSSubCA1, RoleCPSSubCA2, p+"cps-sub2", Name{CommonName: "CPS Sub-CA 2", Organization: "plugsim CPS", Country: "DE"}); err != nil {
		return nil, err
	}
	if br.CPS, err = b.leaf(br.CPSSubCA2, RoleCPS, p+"cps-leaf", Name{CommonName: "CPS Leaf", Organization: "plugsim CPS", Country: "DE"}); err != nil {
		return nil, err
	}
	for s := range b.o.Stations {
		id := SECCIDFor(s)
		c, err := b.leaf(br.CPOSubCA2, RoleSECC, p+"secc/"+id, Name{CommonName: id, Organization: "plugsim CPO", Country: "DE"})
		if err != nil {
			return nil, err
		}
		br.SECC = append(br.SECC, c)
	}
	return br, nil
}

// SECCIDFor returns the SECC ID of station i (0-based), the CN of its SECC
// leaf (HUB 3-4 syntax; the check character is omitted because its algorithm
// is not public [U]).
func SECCIDFor(i int) string {
	return ident.SECCID{Country: "DE", Operator: "PSM", Controller: fmt.Sprintf("%032d", i+1)}.String()
}

func (b *builder) emsp(i int, v2gRoot *CA) (*EMSPBranch, error) {
	pid := fmt.Sprintf("M%02d", i+1)
	if i >= 99 {
		pid = fmt.Sprintf("%03d", i+1)
	}
	p := "emsp-" + pid + "/"
	org := "plugsim eMSP " + pid
	br := &EMSPBranch{ProviderID: pid}
	var err error
	parent := v2gRoot
	if parent == nil {
		if br.Root, err = b.root(RoleMORoot, p+"root", Name{CommonName: "MO Root CA " + pid, Organization: org, Country: "DE"}); err != nil {
			return nil, err
		}
		parent = br.Root
	}
	if br.SubCA1, err = b.sub(parent, RoleMOSubCA1, p+"sub1", Name{CommonName: "MO Sub-CA 1 " + pid, Organization: org, Country: "DE"}); err != nil {
		return nil, err
	}
	if br.SubCA2, err = b.sub(br.SubCA1, RoleMOSubCA2, p+"sub2", Name{CommonName: "MO Sub-CA 2 " + pid, Organization: org, Country: "DE"}); err != nil {
		return nil, err
	}
	for j := range b.o.Contracts {
		e, err := ident.NewEMAID("DE", pid, fmt.Sprintf("C%08d", j+1))
		if err != nil {
			return nil, err
		}
		c, err := b.leaf(br.SubCA2, RoleContract, p+"contract/"+e.String(), Name{CommonName: e.String(), Organization: org, Country: "DE"})
		if err != nil {
			return nil, err
		}
		br.Contracts = append(br.Contracts, c)
	}
	return br, nil
}

func (b *builder) oem() (*OEMBranch, error) {
	br := &OEMBranch{}
	var err error
	if br.Root, err = b.root(RoleOEMRoot, "oem/root", Name{CommonName: "OEM Root CA", Organization: "plugsim OEM", Country: "DE"}); err != nil {
		return nil, err
	}
	if br.SubCA1, err = b.sub(br.Root, RoleOEMSubCA1, "oem/sub1", Name{CommonName: "OEM Sub-CA 1", Organization: "plugsim OEM", Country: "DE"}); err != nil {
		return nil, err
	}
	if br.SubCA2, err = b.sub(br.SubCA1, RoleOEMSubCA2, "oem/sub2", Name{CommonName: "OEM Sub-CA 2", Organization: "plugsim OEM", Country: "DE"}); err != nil {
		return nil, err
	}
	return br, nil
}

func (b *builder) ocpp() (*OCPPBranch, error) {
	k, err := b.key(ECDSAP256SHA256, "ocpp/root")
	if err != nil {
		return nil, err
	}
	br := &OCPPBranch{}
	if br.Root, err = NewRoot(ISO2, RoleCSMSRoot, Name{CommonName: "CSMS Root CA", Organization: "plugsim CPO", Country: "DE"}, k, b.o.At); err != nil {
		return nil, err
	}
	if br.CSMS, err = b.leaf(br.Root, RoleCSMS, "ocpp/csms", Name{CommonName: "csms.plugsim.invalid", Organization: "plugsim CPO", Country: "DE"}); err != nil {
		return nil, err
	}
	for s := range b.o.Stations {
		id := StationID(s)
		c, err := b.leaf(br.Root, RoleChargingStation, "ocpp/station/"+id, Name{CommonName: id, Organization: "plugsim CPO", Country: "DE"})
		if err != nil {
			return nil, err
		}
		br.Stations = append(br.Stations, c)
	}
	return br, nil
}

// CAs returns every CA of the hierarchy (roots first in each branch).
func (h *Hierarchy) CAs() []*CA {
	var out []*CA
	for _, v := range h.V2G {
		out = append(out, v.Root, v.CPOSubCA1, v.CPOSubCA2, v.CPSSubCA1, v.CPSSubCA2)
	}
	for _, e := range h.EMSPs {
		if e.Root != nil {
			out = append(out, e.Root)
		}
		out = append(out, e.SubCA1, e.SubCA2)
	}
	if h.OEM != nil {
		out = append(out, h.OEM.Root, h.OEM.SubCA1, h.OEM.SubCA2)
	}
	if h.OCPP != nil {
		out = append(out, h.OCPP.Root)
	}
	return out
}
