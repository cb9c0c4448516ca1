// Package pkidir owns the on-disk form of a plugsim PKI: it writes a
// [pki.Hierarchy] as PEM and DER files with a README.txt describing each
// file, loads certificates and trust directories back, and inspects a
// certificate (role, identifiers, validity, chain verdict) for the CLI.
package pkidir

import (
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/plugsim/plugsim/pki"
)

// File is one written file and what it holds.
type File struct {
	Path        string // relative to the directory
	Description string // one line for README.txt
}

// writer collects files under a root directory.
type writer struct {
	dir   string
	files []File
	crls  []byte // every CRL, PEM
	err   error
}

func (w *writer) write(rel string, data []byte, perm os.FileMode, desc string) {
	if w.err != nil {
		return
	}
	p := filepath.Join(w.dir, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		w.err = err
		return
	}
	if err := os.WriteFile(p, data, perm); err != nil {
		w.err = err
		return
	}
	w.files = append(w.files, File{Path: rel, Description: desc})
}

// credential writes name.pem, name.der and, when the key is known,
// name.key.pem (PKCS #8).
func (w *writer) credential(name string, c *pki.Credential, desc string) {
	w.write(name+".pem", pemCert(c.Cert.Raw), 0o644, desc+" (PEM)")
	w.write(name+".der", c.Cert.Raw, 0o644, desc+" (DER)")
	if c.Key != nil {
		der, err := c.Key.MarshalPKCS8()
		if err != nil {
			w.err = err
			return
		}
		w.write(name+".key.pem", pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), 0o600, desc+": private key, PKCS #8 (simulation only)")
	}
	if c.AltKey != nil {
		w.write(name+".x448.key.pem", pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: c.AltKey.MarshalPKCS8()}), 0o600,
			desc+": X448 key agreement key of its subjectAltPublicKeyInfo, PKCS #8 (simulation only)")
	}
}

func (w *writer) bundle(name string, desc string, cs ...*pki.Credential) {
	var b []byte
	for _, c := range cs {
		b = append(b, pemCert(c.Cert.Raw)...)
	}
	w.write(name, b, 0o644, desc)
}

// crlValidity is the lifetime of the CRLs Write issues: a week, like the
// OCSP responses of pki/revocation.
const crlValidity = 7 * 24 * time.Hour

// crl writes an empty CRL of ca valid from at (name.crl.pem and .crl.der)
// and remembers it for the trust/crls.pem bundle.
func (w *writer) crl(name string, ca *pki.CA, at time.Time, desc string) {
	if w.err != nil {
		return
	}
	der, err := ca.CreateCRL(x509.RevocationList{ThisUpdate: at, NextUpdate: at.Add(crlValidity), Number: big.NewInt(1)})
	if err != nil {
		w.err = err
		return
	}
	p := pem.EncodeToMemory(&pem.Block{Type: "X509 CRL", Bytes: der})
	w.write(name+".crl.pem", p, 0o644, desc+": CRL, empty, valid one week (PEM)")
	w.write(name+".crl.der", der, 0o644, desc+": CRL (DER)")
	w.crls = append(w.crls, p...)
}

func pemCert(der []byte) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
}

// Leaf names a written leaf certificate and the files openssl needs to
// verify it: `openssl verify -CAfile Root -untrusted SubCAs Cert`.
type Leaf struct {
	Role   pki.Role // the leaf's role
	Cert   string   // relative path of the leaf PEM
	Root   string   // relative path of its root PEM
	SubCAs string   // relative path of its sub-CA bundle PEM ("" when issued by the root)
}

// Write writes h under dir (created if needed) with a README.txt and returns
// the files written and the leaves with their verification inputs. seed and
// the hierarchy's time are recorded in the README so the directory can be
// reproduced.
func Write(dir string, h *pki.Hierarchy, seed string) ([]File, []Leaf, error) {
	w := &writer{dir: dir}
	var leaves []Leaf
	c := func(ca *pki.CA) *pki.Credential { return &ca.Credential }
	var v2gRoots []*pki.Credential
	for i, v := range h.V2G {
		d := fmt.Sprintf("v2g-%d/", i+1)
		w.credential(d+"root", c(v.Root), fmt.Sprintf("V2G root CA of root operator %d", i+1))
		for _, ca := range []struct {
			name string
			ca   *pki.CA
		}{{"root", v.Root}, {"cpo/subca1", v.CPOSubCA1}, {"cpo/subca2", v.CPOSubCA2}, {"cps/subca1", v.CPSSubCA1}, {"cps/subca2", v.CPSSubCA2}} {
			w.crl(d+ca.name, ca.ca, h.At, ca.ca.Role.String())
		}
		w.credential(d+"cpo/subca1", c(v.CPOSubCA1), "CPO Sub-CA 1 (pathlen 1)")
		w.credential(d+"cpo/subca2", c(v.CPOSubCA2), "CPO Sub-CA 2 (pathlen 0), issues SECC certificates")
		w.bundle(d+"cpo/subca.pem", "CPO sub-CA bundle: Sub-CA 2 then Sub-CA 1 (for -untrusted)", c(v.CPOSubCA2), c(v.CPOSubCA1))
		w.credential(d+"cps/subca1", c(v.CPSSubCA1), "CPS Sub-CA 1 (pathlen 1)")
		w.credential(d+"cps/subca2", c(v.CPSSubCA2), "CPS Sub-CA 2 (pathlen 0)")
		w.bundle(d+"cps/subca.pem", "CPS sub-CA bundle: Sub-CA 2 then Sub-CA 1", c(v.CPSSubCA2), c(v.CPSSubCA1))
		w.credential(d+"cps/leaf", v.CPS, "CPS leaf: signs CertificateInstallationRes/UpdateRes")
		w.bundle(d+"cps/chain.pem", "CPS chain, leaf first, root excluded (SAProvisioningCertificateChain)", v.CPS, c(v.CPSSubCA2), c(v.CPSSubCA1))
		leaves = append(leaves, Leaf{pki.RoleCPS, d + "cps/leaf.pem", d + "root.pem", d + "cps/subca.pem"})
		for _, s := range v.SECC {
			n := d + "cpo/secc/" + s.Cert.Subject.CommonName
			w.credential(n, s, "SECC (EVSE) TLS server certificate, CN = SECC ID")
			w.bundle(n+".chain.pem", "SECC TLS chain, leaf first, root excluded", s, c(v.CPOSubCA2), c(v.CPOSubCA1))
			leaves = append(leaves, Leaf{pki.RoleSECC, n + ".pem", d + "root.pem", d + "cpo/subca.pem"})
		}
		v2gRoots = append(v2gRoots, c(v.Root))
	}
	var moRoots []*pki.Credential
	for _, e := range h.EMSPs {
		d := "emsp-" + e.ProviderID + "/"
		rootPath := "v2g-1/root.pem" // MO under the first V2G root
		if e.Root != nil {
			w.credential(d+"root", c(e.Root), "MO root CA of eMSP "+e.ProviderID)
			w.crl(d+"root", e.Root, h.At, "MO root CA")
			moRoots = append(moRoots, c(e.Root))
			rootPath = d + "root.pem"
		}
		w.credential(d+"subca1", c(e.SubCA1), "MO Sub-CA 1 (pathlen 1)")
		w.credential(d+"subca2", c(e.SubCA2), "MO Sub-CA 2 (pathlen 0), issues contract certificates")
		w.bundle(d+"subca.pem", "MO sub-CA bundle: Sub-CA 2 then Sub-CA 1", c(e.SubCA2), c(e.SubCA1))
		w.crl(d+"subca1", e.SubCA1, h.At, "MO Sub-CA 1")
		w.crl(d+"subca2", e.SubCA2, h.At, "MO Sub-CA 2")
		for _, k := range e.Contracts {
			n := d + "contracts/" + k.Cert.Subject.CommonName
			w.credential(n, k, "contract certificate, CN = EMAID")
			w.bundle(n+".chain.pem", "contract chain, leaf first, root excluded (ContractSignatureCertChain)", k, c(e.SubCA2), c(e.SubCA1))
			leaves = append(leaves, Leaf{pki.RoleContract, n + ".pem", rootPath, d + "subca.pem"})
		}
	}
	if o := h.OEM; o != nil {
		w.credential("oem/root", c(o.Root), "OEM root CA")
		w.credential("oem/subca1", c(o.SubCA1), "OEM Sub-CA 1 (pathlen 1)")
		w.credential("oem/subca2", c(o.SubCA2), "OEM Sub-CA 2 (pathlen 0), issues provisioning certificates")
		w.bundle("oem/subca.pem", "OEM sub-CA bundle: Sub-CA 2 then Sub-CA 1", c(o.SubCA2), c(o.SubCA1))
		w.crl("oem/root", o.Root, h.At, "OEM root CA")
		w.crl("oem/subca1", o.SubCA1, h.At, "OEM Sub-CA 1")
		w.crl("oem/subca2", o.SubCA2, h.At, "OEM Sub-CA 2")
		for _, p := range o.Provisioning {
			n := "oem/provisioning/" + p.Cert.Subject.CommonName
			w.credential(n, p, "OEM provisioning certificate, CN = PCID")
			leaves = append(leaves, Leaf{pki.RoleOEMProvisioning, n + ".pem", "oem/root.pem", "oem/subca.pem"})
		}
	}
	if o := h.OCPP; o != nil {
		w.credential("ocpp/root", c(o.Root), "OCPP CSMS root CA (security profile 3), always P-256")
		w.crl("ocpp/root", o.Root, h.At, "OCPP CSMS root CA")
		w.credential("ocpp/csms", o.CSMS, "CSMS TLS server certificate")
		leaves = append(leaves, Leaf{pki.RoleCSMS, "ocpp/csms.pem", "ocpp/root.pem", ""})
		for _, s := range o.Stations {
			n := "ocpp/stations/" + s.Cert.Subject.CommonName
			w.credential(n, s, "charging station TLS client certificate, CN = station id")
			leaves = append(leaves, Leaf{pki.RoleChargingStation, n + ".pem", "ocpp/root.pem", ""})
		}
	}
	w.bundle("trust/v2g-roots.pem", "trust store: every V2G root (EV and SECC side)", v2gRoots...)
	if len(moRoots) > 0 {
		w.bundle("trust/mo-roots.pem", "trust store: every MO root (CSMS contract validation)", moRoots...)
	}
	if h.OEM != nil {
		w.bundle("trust/oem-roots.pem", "trust store: OEM root (CPS side, ISO-20 mutual TLS)", c(h.OEM.Root))
	}
	w.write("trust/crls.pem", w.crls, 0o644, "every CRL above (for openssl verify -crl_check_all -CRLfile)")
	if w.err != nil {
		return nil, nil, fmt.Errorf("pkidir: writing %s: %w", dir, w.err)
	}
	w.write("README.txt", readme(h, seed, w.files), 0o644, "this file")
	if w.err != nil {
		return nil, nil, fmt.Errorf("pkidir: writing %s: %w", dir, w.err)
	}
	return w.files, leaves, nil
}

func readme(h *pki.Hierarchy, seed string, files []File) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "plugsim Plug & Charge PKI\n\nprofile: %s (%s)\nseed:    %s\ntime:    %s (NotBefore of every certificate)\n\n",
		h.Profile, h.Profile.Algorithm(), seed, h.At.UTC().Format(time.RFC3339))
	b.WriteString("Reproduce with: plugsim pki init --dir DIR --profile " + h.Profile.String() + " --seed " + seed +
		" --at " + h.At.UTC().Format(time.RFC3339) + " (and the same counts).\n")
	b.WriteString("Private keys (*.key.pem) are simulation keys derived from the seed: never use them outside a test.\n")
	b.WriteString("Each leaf verifies with: openssl verify -attime EPOCH -CAfile <root.pem> -untrusted <subca.pem> [-crl_check_all -CRLfile trust/crls.pem] <leaf.pem>\n\nFiles:\n")
	sorted := append([]File(nil), files...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].Path < sorted[j].Path })
	for _, f := range sorted {
		fmt.Fprintf(&b, "  %-60s %s\n", f.Path, f.Description)
	}
	return []byte(b.String())
}
