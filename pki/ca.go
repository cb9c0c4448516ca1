package pki

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/sha1"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"fmt"
	"math/big"
	"sync"
	"time"

	"github.com/cloudflare/circl/sign/ed448"
)

// Credential is a certificate with its role and, when known, its private key.
type Credential struct {
	Role Role              // the job the certificate was issued for
	Cert *x509.Certificate // the certificate
	Key  *Key              // nil when only the certificate is known
	// AltKey is the X448 key agreement key behind the certificate's
	// subjectAltPublicKeyInfo (ISO-20 Ed448 OEM provisioning certificates,
	// see [AltPublicKeyX448]); nil when there is none or it is not known.
	AltKey *X448Key
}

// CA is a certificate authority: a CA credential that issues certificates
// under a profile. Issue and NewSubCA are safe for concurrent use.
type CA struct {
	Credential
	Profile Profile // the profile of every certificate it issues
	// OCSPURL goes into the authority information access extension of every
	// certificate the CA issues ("" for none): MO chains carry it, and
	// OCPP GetCertificateStatus needs a responderURL (PKI-NOTES §1, §5).
	OCSPURL string

	mu     sync.Mutex
	serial int64 // last serial issued; guarded by mu
}

// Request asks a CA for a certificate.
type Request struct {
	Role    Role // the profile to issue under
	Subject Name // DC defaults to the role's domain component
	// Key is the subject's key pair; PublicKey is used when Key is nil (a
	// CSR-like request where the key stays with its owner).
	Key       *Key
	PublicKey crypto.PublicKey // *ecdsa.PublicKey or ed448.PublicKey
	NotBefore time.Time        // required: the caller's (simulated) time
	Validity  time.Duration    // 0: the role's default
	DNSNames  []string         // subjectAltName DNS names (CSMS server)
	// AltPublicKey is a 56-byte X448 public key written into the
	// subjectAltPublicKeyInfo extension ([AltPublicKeyX448]), or nil.
	AltPublicKey []byte
	// ExtraExtensions are appended as they are (tests use them to forge
	// unknown critical extensions).
	ExtraExtensions []pkix.Extension
}

// firstSerial is the first serial a CA hands out; dSPACE numbers from 0x10
// (PKI-NOTES §1 [V]). Serials are positive and unique per issuer.
const firstSerial = 0x10

// NewRoot makes a self-signed root CA of role (RoleV2GRoot, RoleMORoot,
// RoleOEMRoot or RoleCSMSRoot) valid from notBefore.
func NewRoot(profile Profile, role Role, subject Name, key *Key, notBefore time.Time) (*CA, error) {
	if !role.IsCA() {
		return nil, fmt.Errorf("pki: NewRoot: %v is not a CA role", role)
	}
	if notBefore.IsZero() {
		return nil, errors.New("pki: NewRoot: zero NotBefore: pass the simulated time")
	}
	if err := checkKeyAlgorithm(profile, role, key.Algorithm()); err != nil {
		return nil, err
	}
	t, err := template(profile, Request{Role: role, Subject: subject, Key: key, NotBefore: notBefore}, big.NewInt(1), time.Time{}, "")
	if err != nil {
		return nil, err
	}
	t.PublicKey = nil
	der, err := create(t, t, key.Public(), key)
	if err != nil {
		return nil, fmt.Errorf("pki: creating %v: %w", role, err)
	}
	c, err := ParseCertificate(der)
	if err != nil {
		return nil, err
	}
	return &CA{Credential: Credential{Role: role, Cert: c, Key: key}, Profile: profile, serial: firstSerial - 1}, nil
}

// Issue issues a certificate.
func (ca *CA) Issue(req Request) (*Credential, error) {
	if ca.Key == nil {
		return nil, errors.New("pki: CA has no private key")
	}
	if req.NotBefore.IsZero() {
		return nil, errors.New("pki: Issue: zero NotBefore: pass the simulated time")
	}
	pub := req.PublicKey
	if req.Key != nil {
		pub = req.Key.Public()
	}
	alg, err := publicAlgorithm(pub)
	if err != nil {
		return nil, err
	}
	if err := checkKeyAlgorithm(ca.Profile, req.Role, alg); err != nil {
		return nil, err
	}
	ca.mu.Lock()
	ca.serial++
	serial := ca.serial
	ca.mu.Unlock()
	req.PublicKey = pub
	t, err := template(ca.Profile, req, big.NewInt(serial), ca.Cert.NotAfter, ca.OCSPURL)
	if err != nil {
		return nil, err
	}
	der, err := create(t, ca.Cert, pub, ca.Key)
	if err != nil {
		return nil, fmt.Errorf("pki: issuing %v: %w", req.Role, err)
	}
	c, err := ParseCertificate(der)
	if err != nil {
		return nil, err
	}
	if !specs[req.Role].ocpp && len(der) > ca.Profile.MaxCertificateSize() {
		return nil, reject(ReasonTooLarge, c, sizeRule(ca.Profile), "%d bytes", len(der))
	}
	return &Credential{Role: req.Role, Cert: c, Key: req.Key}, nil
}

// NewSubCA issues a sub-CA certificate and returns the sub-CA; it inherits
// the profile and starts its own serials. req.Key is required.
func (ca *CA) NewSubCA(req Request) (*CA, error) {
	if !req.Role.IsCA() || req.Key == nil {
		return nil, fmt.Errorf("pki: NewSubCA: %v needs a CA role and a key", req.Role)
	}
	cred, err := ca.Issue(req)
	if err != nil {
		return nil, err
	}
	return &CA{Credential: *cred, Profile: ca.Profile, serial: firstSerial - 1}, nil
}

func sizeRule(p Profile) string {
	if p == ISO2 {
		return ruleSize2
	}
	return ruleSize20
}

// checkKeyAlgorithm enforces [ruleAlg]: every key of a profile's hierarchy
// uses the profile's algorithm, except OCPP TLS certificates (always P-256,
// what crypto/tls and OCPP stacks support).
func checkKeyAlgorithm(p Profile, r Role, a Algorithm) error {
	want := p.Algorithm()
	switch {
	case r <= 0 || r >= roleEnd:
		return fmt.Errorf("pki: unknown role %d", int(r))
	case specs[r].ocpp:
		want = ECDSAP256SHA256
	}
	if a != want {
		return &Error{Reason: ReasonWrongAlgorithm, Rule: ruleAlg, Detail: fmt.Sprintf("%v key for a %v under profile %v, want %v", a, r, p, want)}
	}
	return nil
}

func publicAlgorithm(pub crypto.PublicKey) (Algorithm, error) {
	switch k := pub.(type) {
	case *ecdsa.PublicKey:
		switch k.Curve {
		case ECDSAP256SHA256.curve():
			return ECDSAP256SHA256, nil
		case ECDSAP521SHA512.curve():
			return ECDSAP521SHA512, nil
		}
	case ed448.PublicKey:
		return Ed448, nil
	}
	return 0, fmt.Errorf("pki: unsupported public key %T", pub)
}

// template builds the x509 template of a request under the role's profile.
func template(p Profile, req Request, serial *big.Int, issuerNotAfter time.Time, ocspURL string) (*x509.Certificate, error) {
	if req.Role <= 0 || req.Role >= roleEnd {
		return nil, fmt.Errorf("pki: unknown role %d", int(req.Role))
	}
	s := specs[req.Role]
	subject := req.Subject
	if subject.DomainComponent == "" {
		subject.DomainComponent = s.dc // [V2G2-925] [S]
	}
	rawSubject, err := subject.marshal()
	if err != nil {
		return nil, fmt.Errorf("pki: encoding subject: %w", err)
	}
	pub := req.PublicKey
	if req.Key != nil {
		pub = req.Key.Public()
	}
	ski, err := subjectKeyID(pub)
	if err != nil {
		return nil, err
	}
	validity := req.Validity
	if validity == 0 {
		validity = s.validity
	}
	notAfter := req.NotBefore.Add(validity)
	if !issuerNotAfter.IsZero() && notAfter.After(issuerNotAfter) {
		notAfter = issuerNotAfter // a certificate does not outlive its issuer
	}
	t := &x509.Certificate{
		SerialNumber:          serial,
		RawSubject:            rawSubject,
		NotBefore:             req.NotBefore.UTC().Truncate(time.Second),
		NotAfter:              notAfter.UTC().Truncate(time.Second),
		KeyUsage:              s.usage,    // critical, see ruleCAUsage / ruleLeafUsage
		ExtKeyUsage:           s.extUsage, // none on ISO certificates (PKI-NOTES §1, pitfall 8)
		BasicConstraintsValid: true,       // critical, ruleRootBC / ruleLeafBC
		IsCA:                  s.ca,
		SubjectKeyId:          ski, // SKI everywhere (PKI-NOTES §1 [V])
		DNSNames:              req.DNSNames,
		ExtraExtensions:       req.ExtraExtensions,
		PublicKey:             pub,
	}
	switch s.pathLen {
	case -1:
		t.MaxPathLen = -1
	case 0:
		t.MaxPathLen, t.MaxPathLenZero = 0, true // ruleSub2
	default:
		t.MaxPathLen = s.pathLen // ruleSub1
	}
	if ocspURL != "" {
		t.OCSPServer = []string{ocspURL}
	}
	if req.AltPublicKey != nil {
		ext, err := altPublicKeyExtension(req.AltPublicKey)
		if err != nil {
			return nil, err
		}
		t.ExtraExtensions = append(append([]pkix.Extension(nil), t.ExtraExtensions...), ext)
	}
	return t, nil
}

// subjectKeyID is RFC 5280 §4.2.1.2 method 1: SHA-1 of the subjectPublicKey
// BIT STRING contents, as OpenSSL computes it.
func subjectKeyID(pub crypto.PublicKey) ([]byte, error) {
	var bits []byte
	switch k := pub.(type) {
	case *ecdsa.PublicKey:
		b, err := k.Bytes()
		if err != nil {
			return nil, fmt.Errorf("pki: encoding public key: %w", err)
		}
		bits = b
	case ed448.PublicKey:
		bits = k
	default:
		return nil, fmt.Errorf("pki: unsupported public key %T", pub)
	}
	h := sha1.Sum(bits)
	return h[:], nil
}

// create signs template with the issuer key, through crypto/x509 for ECDSA
// and through createEd448Signed for Ed448.
func create(t, parent *x509.Certificate, pub crypto.PublicKey, issuer *Key) ([]byte, error) {
	if issuer.Algorithm() == Ed448 {
		return createEd448Signed(t, parent, pub, issuer)
	}
	t.SignatureAlgorithm = issuer.Algorithm().x509SignatureAlgorithm()
	if _, ok := pub.(ed448.PublicKey); ok {
		return nil, errors.New("pki: an ECDSA CA cannot certify an Ed448 key here")
	}
	return x509.CreateCertificate(nil, t, parent, pub, issuer)
}

// ParseCertificate parses one DER certificate; a parse failure is an
// [*Error] with [ReasonMalformed].
func ParseCertificate(der []byte) (*x509.Certificate, error) {
	c, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, &Error{Reason: ReasonMalformed, Err: err}
	}
	return c, nil
}
