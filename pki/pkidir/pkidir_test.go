package pkidir

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/plugsim/plugsim/pki"
)

var at = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)

func writeTestDir(t *testing.T, p pki.Profile, seed string) (string, []File, []Leaf) {
	t.Helper()
	h, err := pki.NewHierarchy(pki.HierarchyOptions{Profile: p, Seed: []byte(seed), At: at, EMSPs: 2, Contracts: 2, Stations: 2})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	files, leaves, err := Write(dir, h, seed)
	if err != nil {
		t.Fatal(err)
	}
	return dir, files, leaves
}

// TestOpenSSLVerifiesEveryLeaf runs Debian's openssl CLI, an independent
// implementation, on every leaf: openssl verify -CAfile root -untrusted
// subca leaf, at a time inside every validity period.
func TestOpenSSLVerifiesEveryLeaf(t *testing.T) {
	openssl, err := exec.LookPath("openssl")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("openssl not found and CI=true")
		}
		t.Skip("openssl not found: install Debian's openssl package to cross-check certificates")
	}
	epoch := strconv.FormatInt(at.Add(24*time.Hour).Unix(), 10)
	for _, p := range []pki.Profile{pki.ISO2, pki.ISO20, pki.ISO20Ed448} {
		t.Run(p.String(), func(t *testing.T) {
			dir, _, leaves := writeTestDir(t, p, "openssl")
			if len(leaves) < 10 {
				t.Fatalf("only %d leaves", len(leaves))
			}
			for _, l := range leaves {
				args := []string{"verify", "-x509_strict", "-attime", epoch, "-CAfile", filepath.Join(dir, l.Root),
					"-crl_check_all", "-CRLfile", filepath.Join(dir, "trust/crls.pem")}
				if l.SubCAs != "" {
					args = append(args, "-untrusted", filepath.Join(dir, l.SubCAs))
				}
				args = append(args, filepath.Join(dir, l.Cert))
				out, err := exec.Command(openssl, args...).CombinedOutput()
				if err != nil || !bytes.Contains(out, []byte(": OK")) {
					t.Errorf("openssl %s: %v\n%s", strings.Join(args, " "), err, out)
				}
			}
			// openssl reads our PKCS #8 keys (RFC 8410 for Ed448) and finds
			// them to match their certificates.
			for _, l := range leaves[:3] {
				key := strings.TrimSuffix(filepath.Join(dir, l.Cert), ".pem") + ".key.pem"
				pub1, err1 := exec.Command(openssl, "pkey", "-in", key, "-pubout").Output()
				pub2, err2 := exec.Command(openssl, "x509", "-in", filepath.Join(dir, l.Cert), "-noout", "-pubkey").Output()
				if err1 != nil || err2 != nil || !bytes.Equal(pub1, pub2) {
					t.Errorf("openssl: key %s does not match its certificate (%v, %v)", key, err1, err2)
				}
			}
			// Ed448 provisioning certificates carry the vehicle's X448 key in
			// subjectAltPublicKeyInfo: openssl derives the public key from
			// the written X448 private key, and it must be the one there.
			alt := 0
			for _, l := range leaves {
				if l.Role != pki.RoleOEMProvisioning || p != pki.ISO20Ed448 {
					continue
				}
				alt++
				base := strings.TrimSuffix(filepath.Join(dir, l.Cert), ".pem")
				der, err := exec.Command(openssl, "pkey", "-in", base+".x448.key.pem", "-pubout", "-outform", "DER").Output()
				if err != nil {
					t.Fatalf("openssl pkey %s.x448.key.pem: %v", base, err)
				}
				certs, err := LoadCertificates(filepath.Join(dir, l.Cert))
				if err != nil || len(certs) != 1 {
					t.Fatal(err)
				}
				pub, err := pki.AltPublicKeyX448(certs[0])
				if err != nil || len(der) < 56 || !bytes.Equal(der[len(der)-56:], pub) {
					t.Errorf("%s: openssl's X448 public key %x, certificate's %x (%v)", l.Cert, der, pub, err)
				}
			}
			if p == pki.ISO20Ed448 && alt == 0 {
				t.Error("no Ed448 provisioning certificate checked")
			}
			// And openssl must reject a leaf against the wrong root.
			l := leaves[0]
			out, err := exec.Command(openssl, "verify", "-attime", epoch, "-CAfile", filepath.Join(dir, "oem/root.pem"), "-untrusted", filepath.Join(dir, l.SubCAs), filepath.Join(dir, l.Cert)).CombinedOutput()
			if err == nil {
				t.Errorf("openssl accepted %s under the OEM root:\n%s", l.Cert, out)
			}
		})
	}
}

// TestOpenSSLIssueCommand runs, for every leaf, the command exactly as the
// issue and README.txt give it, with no extra flag: openssl verify -CAfile
// root.pem -untrusted subca.pem leaf.pem (the sub-CA bundle holds Sub-CA 2
// and Sub-CA 1; leaves a root issues directly need no -untrusted). Without
// -attime openssl checks validity at the wall clock, so this test, unlike
// the others, builds the PKI at today 00:00 UTC, the default of pki init.
func TestOpenSSLIssueCommand(t *testing.T) {
	openssl, err := exec.LookPath("openssl")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("openssl not found and CI=true")
		}
		t.Skip("openssl not found: install Debian's openssl package to cross-check certificates")
	}
	today := time.Now().UTC().Truncate(24 * time.Hour)
	for _, p := range []pki.Profile{pki.ISO2, pki.ISO20, pki.ISO20Ed448} {
		t.Run(p.String(), func(t *testing.T) {
			h, err := pki.NewHierarchy(pki.HierarchyOptions{Profile: p, Seed: []byte("issue command"), At: today, EMSPs: 2, Contracts: 2, Stations: 2})
			if err != nil {
				t.Fatal(err)
			}
			dir := t.TempDir()
			_, leaves, err := Write(dir, h, "issue command")
			if err != nil {
				t.Fatal(err)
			}
			for _, l := range leaves {
				if filepath.Base(l.Root) != "root.pem" || (l.SubCAs != "" && filepath.Base(l.SubCAs) != "subca.pem") {
					t.Errorf("%s: root %s, sub-CAs %s: not named root.pem and subca.pem", l.Cert, l.Root, l.SubCAs)
				}
				args := []string{"verify", "-CAfile", l.Root}
				if l.SubCAs != "" {
					args = append(args, "-untrusted", l.SubCAs)
				}
				args = append(args, l.Cert)
				cmd := exec.Command(openssl, args...)
				cmd.Dir = dir
				out, err := cmd.CombinedOutput()
				if err != nil || !bytes.Equal(bytes.TrimSpace(out), []byte(l.Cert+": OK")) {
					t.Errorf("openssl %s: %v\n%s", strings.Join(args, " "), err, out)
				}
			}
		})
	}
}

func TestInspectEveryLeaf(t *testing.T) {
	for _, p := range []pki.Profile{pki.ISO2, pki.ISO20Ed448} {
		dir, files, leaves := writeTestDir(t, p, "inspect")
		trust, err := LoadTrust(dir)
		if err != nil {
			t.Fatal(err)
		}
		if len(trust.Roots) != 2+2+1+1 { // two V2G, two MO, OEM, CSMS
			t.Errorf("%v: %d roots loaded, want 6", p, len(trust.Roots))
		}
		for _, l := range leaves {
			cs, err := LoadCertificates(filepath.Join(dir, l.Cert))
			if err != nil {
				t.Fatal(err)
			}
			r := Inspect(cs[0], trust, at.Add(time.Hour))
			if r.Err != nil || r.Role != l.Role {
				t.Errorf("%v: Inspect(%s) = role %v, %v; want %v, nil", p, l.Cert, r.Role, r.Err, l.Role)
			}
		}
		// Sub-CAs inspect fine too, DER files as well as PEM.
		for _, f := range files {
			if !strings.HasSuffix(f.Path, "subca1.der") {
				continue
			}
			cs, err := LoadCertificates(filepath.Join(dir, f.Path))
			if err != nil {
				t.Fatal(err)
			}
			if r := Inspect(cs[0], trust, at.Add(time.Hour)); r.Err != nil {
				t.Errorf("%v: Inspect(%s): %v", p, f.Path, r.Err)
			}
		}
		if FindRoot(filepath.Join(dir, leaves[0].Cert)) != dir {
			t.Errorf("FindRoot did not find %s", dir)
		}
	}
}

func TestWriteReproducible(t *testing.T) {
	a, files, _ := writeTestDir(t, pki.ISO20Ed448, "same")
	b, _, _ := writeTestDir(t, pki.ISO20Ed448, "same")
	for _, f := range files {
		x, err := os.ReadFile(filepath.Join(a, f.Path))
		if err != nil {
			t.Fatal(err)
		}
		y, err := os.ReadFile(filepath.Join(b, f.Path))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(x, y) {
			t.Errorf("%s differs between two runs with the same seed", f.Path)
		}
	}
}

func TestParseCertificatesRejects(t *testing.T) {
	for _, in := range [][]byte{nil, []byte("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"), {0x30, 0x82, 0x01}} {
		_, err := ParseCertificates(in)
		if pe, ok := errors.AsType[*pki.Error](err); !ok || pe.Reason != pki.ReasonMalformed {
			t.Errorf("ParseCertificates(%q) = %v, want malformed", in, err)
		}
	}
}

func FuzzParseCertificates(f *testing.F) {
	h, err := pki.NewHierarchy(pki.HierarchyOptions{Profile: pki.ISO20Ed448, Seed: []byte("fuzz"), At: at, V2GRoots: 1})
	if err != nil {
		f.Fatal(err)
	}
	f.Add(h.V2G[0].SECC[0].Cert.Raw)
	f.Add(pemCert(h.V2G[0].Root.Cert.Raw))
	f.Fuzz(func(t *testing.T, data []byte) {
		cs, err := ParseCertificates(data)
		if err != nil {
			return
		}
		for _, c := range cs {
			Inspect(c, &Trust{}, at) // must not panic
		}
	})
}
