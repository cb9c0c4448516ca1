package revocation

import (
	"crypto"
	"crypto/x509"
	"encoding/hex"
	"fmt"
	"math/big"
	"strings"

	"golang.org/x/crypto/ocsp"
)

// OCSPRequestData is the OCPP 2.0.1 OCSPRequestDataType and
// CertificateHashDataType content (OCPP Part 2 §2.6/§2.36): the hashes are
// lowercase hex as EVerest emits them (MAEVE hex-decodes), the serial is hex
// without "0x" and leading zeros (PKI-NOTES §5, pitfall 4).
type OCSPRequestData struct {
	HashAlgorithm  string `json:"hashAlgorithm"`          // SHA256, SHA384 or SHA512
	IssuerNameHash string `json:"issuerNameHash"`         // hex H(issuer name DER)
	IssuerKeyHash  string `json:"issuerKeyHash"`          // hex H(issuer public key)
	SerialNumber   string `json:"serialNumber"`           // hex, no leading zeros
	ResponderURL   string `json:"responderURL,omitempty"` // AIA OCSP URI
}

var hashNames = map[crypto.Hash]string{crypto.SHA256: "SHA256", crypto.SHA384: "SHA384", crypto.SHA512: "SHA512"}

// HashData returns cert's hash data: issuerNameHash = H(cert.RawIssuer),
// never a re-encoded name; issuerKeyHash = H(issuer's subjectPublicKey BIT
// STRING contents); responderURL = the first AIA OCSP URI.
func HashData(cert, issuer *x509.Certificate, h crypto.Hash) (OCSPRequestData, error) {
	name, ok := hashNames[h]
	if !ok {
		return OCSPRequestData{}, fmt.Errorf("revocation: hash %v not allowed in OCPP hash data", h)
	}
	d := h.New()
	d.Write(cert.RawIssuer)
	nameHash := d.Sum(nil)
	d.Reset()
	d.Write(subjectPublicKeyBits(issuer))
	out := OCSPRequestData{
		HashAlgorithm:  name,
		IssuerNameHash: hex.EncodeToString(nameHash),
		IssuerKeyHash:  hex.EncodeToString(d.Sum(nil)),
		SerialNumber:   cert.SerialNumber.Text(16),
	}
	if len(cert.OCSPServer) > 0 {
		out.ResponderURL = cert.OCSPServer[0]
	}
	return out, nil
}

// Request turns hash data into a DER OCSP request, as a CSMS does before
// asking the responder (MAEVE certificate_validation.go [S]). Hex is accepted
// in either case; the serial is parsed as base 16.
func (d OCSPRequestData) Request() ([]byte, error) {
	var h crypto.Hash
	for k, v := range hashNames {
		if strings.EqualFold(v, d.HashAlgorithm) {
			h = k
		}
	}
	if h == 0 {
		return nil, fmt.Errorf("revocation: unknown hashAlgorithm %q", d.HashAlgorithm)
	}
	name, err := hex.DecodeString(d.IssuerNameHash)
	if err != nil || len(name) != h.Size() {
		return nil, fmt.Errorf("revocation: bad issuerNameHash %q", d.IssuerNameHash)
	}
	key, err := hex.DecodeString(d.IssuerKeyHash)
	if err != nil || len(key) != h.Size() {
		return nil, fmt.Errorf("revocation: bad issuerKeyHash %q", d.IssuerKeyHash)
	}
	serial, ok := new(big.Int).SetString(d.SerialNumber, 16)
	if !ok || serial.Sign() <= 0 {
		return nil, fmt.Errorf("revocation: bad serialNumber %q", d.SerialNumber)
	}
	return (&ocsp.Request{HashAlgorithm: h, IssuerNameHash: name, IssuerKeyHash: key, SerialNumber: serial}).Marshal()
}
