package pki

import (
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"slices"
)

// OIDDomainComponent returns the domainComponent attribute type (RFC 4519),
// which ISO 15118 uses to mark a certificate's domain: V2G, CPO, CPS, MO,
// OEM. Each call returns a fresh copy.
func OIDDomainComponent() asn1.ObjectIdentifier { return slices.Clone(oidDomainComponent) }

var (
	oidDomainComponent = asn1.ObjectIdentifier{0, 9, 2342, 19200300, 100, 1, 25}
	oidCountry         = asn1.ObjectIdentifier{2, 5, 4, 6}
	oidOrganization    = asn1.ObjectIdentifier{2, 5, 4, 10}
	oidCommonName      = asn1.ObjectIdentifier{2, 5, 4, 3}
)

// Name is the subject of a Plug & Charge certificate.
type Name struct {
	CommonName      string // CN: EMAID, PCID, SECC ID, station id or a CA name
	Organization    string // O, empty to omit
	Country         string // C, two letters, empty to omit
	DomainComponent string // DC, empty to omit
}

// marshal encodes n the way the dSPACE and RISE certificates do (PKI-NOTES
// §1 [V]): C as PrintableString, O and CN as UTF8String, DC as IA5String, in
// the order C, O, CN, DC. Go's pkix.Name would emit PrintableString and has no
// DC field.
func (n Name) marshal() ([]byte, error) {
	var rdns pkix.RDNSequence
	add := func(oid asn1.ObjectIdentifier, tag int, v string) {
		if v == "" {
			return
		}
		rdns = append(rdns, pkix.RelativeDistinguishedNameSET{{
			Type:  oid,
			Value: asn1.RawValue{Tag: tag, Class: asn1.ClassUniversal, Bytes: []byte(v)},
		}})
	}
	add(oidCountry, asn1.TagPrintableString, n.Country)
	add(oidOrganization, asn1.TagUTF8String, n.Organization)
	add(oidCommonName, asn1.TagUTF8String, n.CommonName)
	add(oidDomainComponent, asn1.TagIA5String, n.DomainComponent)
	return asn1.Marshal(rdns)
}

// DomainComponent returns the subject's DC value, or "" when it has none.
// pkix.Name has no DC field, so it is read from Subject.Names by OID.
func DomainComponent(c *x509.Certificate) string {
	for _, atv := range c.Subject.Names {
		if atv.Type.Equal(oidDomainComponent) {
			if s, ok := atv.Value.(string); ok {
				return s
			}
		}
	}
	return ""
}

// FormatName prints a distinguished name like pkix.Name.String, but shows the
// domain component as DC=... instead of a raw OID.
func FormatName(n pkix.Name) string {
	var dcs []string
	var keep []pkix.AttributeTypeAndValue
	for _, atv := range n.Names {
		if atv.Type.Equal(oidDomainComponent) {
			if v, ok := atv.Value.(string); ok {
				dcs = append(dcs, v)
			}
			continue
		}
		keep = append(keep, atv)
	}
	n.Names, n.ExtraNames = keep, nil
	s := n.String()
	for _, dc := range dcs {
		s += ",DC=" + dc
	}
	return s
}
