package pkidir

import (
	"bytes"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/plugsim/plugsim/pki"
)

// maxFileSize bounds what the loaders read from one file.
const maxFileSize = 1 << 20

// ParseCertificates decodes every certificate in data: PEM blocks of type
// CERTIFICATE, or one DER certificate. Rejections are [*pki.Error]s with
// ReasonMalformed.
func ParseCertificates(data []byte) ([]*x509.Certificate, error) {
	if len(data) > maxFileSize {
		return nil, &pki.Error{Reason: pki.ReasonMalformed, Detail: "file larger than 1 MiB"}
	}
	if !bytes.Contains(data, []byte("-----BEGIN")) {
		c, err := pki.ParseCertificate(data)
		if err != nil {
			return nil, err
		}
		return []*x509.Certificate{c}, nil
	}
	var out []*x509.Certificate
	for {
		var b *pem.Block
		b, data = pem.Decode(data)
		if b == nil {
			break
		}
		if b.Type != "CERTIFICATE" {
			continue
		}
		c, err := pki.ParseCertificate(b.Bytes)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	if len(out) == 0 {
		return nil, &pki.Error{Reason: pki.ReasonMalformed, Detail: "no CERTIFICATE PEM block"}
	}
	return out, nil
}

// LoadCertificates reads a PEM or DER file.
func LoadCertificates(path string) ([]*x509.Certificate, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("pkidir: %w", err)
	}
	cs, err := ParseCertificates(data)
	if err != nil {
		return nil, fmt.Errorf("pkidir: %s: %w", path, err)
	}
	return cs, nil
}

// Trust is what a directory offers for chain building: its self-signed
// certificates as roots and its other CA certificates as sub-CAs.
type Trust struct {
	Roots  []*x509.Certificate // self-signed CA certificates
	SubCAs []*x509.Certificate // other CA certificates
}

// LoadTrust walks dir and collects every certificate in *.pem and *.der
// files, deduplicated.
func LoadTrust(dir string) (*Trust, error) {
	t := &Trust{}
	seen := map[string]bool{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || strings.HasSuffix(p, ".key.pem") || !(strings.HasSuffix(p, ".pem") || strings.HasSuffix(p, ".der")) {
			return nil
		}
		cs, err := LoadCertificates(p)
		if err != nil {
			return nil // not every file is a certificate: skip it
		}
		for _, c := range cs {
			if seen[string(c.Raw)] || !c.IsCA {
				continue
			}
			seen[string(c.Raw)] = true
			if string(c.RawIssuer) == string(c.RawSubject) {
				t.Roots = append(t.Roots, c)
			} else {
				t.SubCAs = append(t.SubCAs, c)
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("pkidir: loading trust from %s: %w", dir, err)
	}
	return t, nil
}

// FindRoot returns the directory holding README.txt at or above the
// directory of path (the directory `pki init` wrote), or path's own
// directory when there is none.
func FindRoot(path string) string {
	dir := filepath.Dir(path)
	for d := dir; ; {
		if _, err := os.Stat(filepath.Join(d, "README.txt")); err == nil {
			return d
		}
		parent := filepath.Dir(d)
		if parent == d {
			return dir
		}
		d = parent
	}
}
