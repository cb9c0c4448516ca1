package revocation

import (
	"bytes"
	"crypto"
	"encoding/pem"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/plugsim/plugsim/pki"
)

// TestOpenSSLAcceptsResponsesAndCRLs has Debian's openssl CLI, an
// independent implementation, verify our OCSP responses (delegated signer,
// all three profiles, Ed448 included, which golang.org/x/crypto/ocsp cannot
// parse) and our CRLs. openssl checks the responses' thisUpdate/nextUpdate
// against the wall clock whatever -attime says, so only the signature
// verdict and the status are asserted here; freshness is tested in Go.
func TestOpenSSLAcceptsResponsesAndCRLs(t *testing.T) {
	openssl, err := exec.LookPath("openssl")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("openssl not found and CI=true")
		}
		t.Skip("openssl not found: install Debian's openssl package to cross-check OCSP responses and CRLs")
	}
	for _, p := range []pki.Profile{pki.ISO2, pki.ISO20, pki.ISO20Ed448} {
		t.Run(p.String(), func(t *testing.T) {
			f := newFixture(t, p)
			e := f.h.EMSPs[0]
			dir := t.TempDir()
			write := func(name string, ders ...[]byte) string {
				var b []byte
				for _, d := range ders {
					b = append(b, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: d})...)
				}
				path := filepath.Join(dir, name)
				if err := os.WriteFile(path, b, 0o644); err != nil {
					t.Fatal(err)
				}
				return path
			}
			root := write("root.pem", e.Root.Cert.Raw)
			subs := write("subs.pem", e.SubCA2.Cert.Raw, e.SubCA1.Cert.Raw)
			sub2 := write("sub2.pem", e.SubCA2.Cert.Raw)
			leaf := write("leaf.pem", f.contract.Raw)
			attime := strconv.FormatInt(t0.Add(time.Hour).Unix(), 10)
			f.responder.Revoke(e.Contracts[0].Cert.SerialNumber, t0.Add(-time.Hour), 1)
			const want = "revoked"
			der, err := f.responder.ResponseFor(f.contract.SerialNumber, crypto.SHA256, t0.Add(time.Hour))
			if err != nil {
				t.Fatal(err)
			}
			resp := filepath.Join(dir, "resp.der")
			if err := os.WriteFile(resp, der, 0o644); err != nil {
				t.Fatal(err)
			}
			out, _ := exec.Command(openssl, "ocsp", "-respin", resp, "-issuer", sub2, "-sha256", "-cert", leaf,
				"-CAfile", root, "-verify_other", subs, "-attime", attime, "-no_nonce").CombinedOutput()
			if !bytes.Contains(out, []byte("Response verify OK")) || !bytes.Contains(out, []byte("\n"+want+"\n")) {
				t.Errorf("openssl ocsp on our response, want %q:\n%s", want, out)
			}
			crl, err := f.responder.CRL(t0.Add(time.Hour), 1)
			if err != nil {
				t.Fatal(err)
			}
			crlPath := filepath.Join(dir, "crl.der")
			if err := os.WriteFile(crlPath, crl, 0o644); err != nil {
				t.Fatal(err)
			}
			out, err = exec.Command(openssl, "crl", "-in", crlPath, "-inform", "DER", "-CAfile", subs, "-noout", "-text").CombinedOutput()
			if err != nil || !bytes.Contains(out, []byte("verify OK")) || !bytes.Contains(out, []byte("Serial Number: "+f.contract.SerialNumber.Text(16))) {
				t.Errorf("openssl crl on our CRL: %v\n%s", err, out)
			}
		})
	}
}
