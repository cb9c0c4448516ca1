package pki

import (
	"crypto/x509"
	"fmt"
	"time"
)

// Role is the job of a certificate in the Plug & Charge PKI.
type Role int

// The roles (PKI-NOTES §1; OCPP 2.0.1 security profile 3 for the last three).
const (
	RoleV2GRoot         Role = iota + 1 // V2G root CA (CPO and CPS hierarchies; MO and OEM may chain to it too)
	RoleCPOSubCA1                       // CPO Sub-CA 1, issued by a V2G root
	RoleCPOSubCA2                       // CPO Sub-CA 2, issues SECC leaves
	RoleSECC                            // SECC (EVSE) TLS server certificate
	RoleCPSSubCA1                       // certificate provisioning service Sub-CA 1
	RoleCPSSubCA2                       // CPS Sub-CA 2
	RoleCPS                             // CPS leaf: signs CertificateInstallationRes
	RoleMORoot                          // mobility operator root
	RoleMOSubCA1                        // MO Sub-CA 1
	RoleMOSubCA2                        // MO Sub-CA 2, issues contract certificates
	RoleContract                        // contract certificate, CN = EMAID
	RoleOEMRoot                         // vehicle manufacturer root
	RoleOEMSubCA1                       // OEM Sub-CA 1
	RoleOEMSubCA2                       // OEM Sub-CA 2, issues provisioning certificates
	RoleOEMProvisioning                 // OEM provisioning certificate, CN = PCID
	RoleCSMSRoot                        // OCPP CSMS root (security profile 3)
	RoleCSMS                            // OCPP CSMS TLS server certificate
	RoleChargingStation                 // OCPP charging station TLS client certificate, CN = station id
	RoleOCSPSigner                      // delegated OCSP responder of a CA (RFC 6960 §4.2.2.2)
	roleEnd
)

// spec is a certificate profile of one role. Each field's rule is cited in
// rules, in the words of PKI-NOTES.md.
type spec struct {
	name     string
	ca       bool
	pathLen  int // -1: no pathLenConstraint
	usage    x509.KeyUsage
	extUsage []x509.ExtKeyUsage
	dc       string // required DC in the subject, "" for none
	validity time.Duration
	ocpp     bool // OCPP TLS certificate: always ECDSA P-256, whatever the profile
	rules    string
}

const day = 24 * time.Hour

// Rule ids. The ISO ids are those PKI-NOTES.md quotes; where it quotes none,
// the source key of the note is cited, and [U] marks what needs the ISO text.
const (
	ruleCAUsage     = "PKI-NOTES §1 table: CA keyUsage keyCertSign, cRLSign (critical) [V: RISE-cnf, ECOG, EV-pki, dSPACE]"
	ruleRootBC      = "PKI-NOTES §1 table: root basicConstraints CA:TRUE, no pathlen [V]"
	ruleSub1        = "OCPP M §2.1 quoting ISO 15118-2: Sub-CA 1 pathlen 1 [S]"
	ruleSub2        = "OCPP M §2.1 quoting ISO 15118-2: Sub-CA 2 pathlen 0 [S]"
	ruleLeafBC      = "PKI-NOTES §1 table: leaf basicConstraints CA:FALSE (critical) [V]"
	ruleLeafUsage   = "PKI-NOTES §1 table: leaf keyUsage digitalSignature, keyAgreement (critical) [V: dSPACE]"
	ruleDC          = "[V2G2-925] leaf invalid if the required Domain Component is absent [S: EVerest #2119]"
	ruleRootLife    = "HUB 1-4: V2G root valid 40 years [S]"
	ruleSubCA2Life  = "RISE-sh §3: CPO Sub-CA 2 valid 1-2 years [S]"
	ruleSub1Life    = "RISE-sh/ECOG scripts: Sub-CA 1 1460 days, not normative [U]"
	ruleSECCLife    = "OCPP M §2.1 / RISE-sh §4: SECC leaf valid 2-3 months [S]"
	ruleCPSLife     = "RISE-sh §15: CPS leaf valid 2-3 months [S]"
	ruleContract    = "RISE-sh §12: contract valid 4 weeks-2 years [S]; CN = EMAID (ISO 15118-2 Annex H) [S]"
	ruleSECCName    = "HUB 3-7: SECC leaf CN = SECC ID, O and C of the CPO, DC=CPO [S]"
	ruleOEMProv     = "CN = PCID (maeve generate-oem-cert.sh) [S]; 1460 days in scripts [U]"
	ruleMOSub2Usage = "RISE/ECOG/EV-pki: MO Sub-CA 2 adds digitalSignature, nonRepudiation [V]"
	ruleOCPP        = "OCPP 2.0.1 security profile 3 (TLS with client certificates); ids not in PKI-NOTES [U]"
	ruleOCSPSigner  = "RFC 6960 §4.2.2.2 delegated responder, EKU id-kp-OCSPSigning; absent from public ISO test PKIs [U]"
	ruleSize2       = "ISO 15118-2 XSD certificateType ≤ 800 bytes [V]"
	ruleSize20      = "ISO 15118-20 XSD certificateType ≤ 1600 bytes [V]"
	ruleAlg         = "ISO 15118-2: secp256r1 + ecdsa-with-SHA256; ISO 15118-20: secp521r1 + SHA-512 [V] or Ed448 [S: EVerest PR #2849]"
	ruleChainLen    = "ISO-2 validators accept ≤ 2 Sub-CAs [S: ECOG, RISE-SU]; ISO-20 XSD SubCertificates ≤ 3 [V]"
	ruleValidity    = "RFC 5280 §4.1.2.5 validity at the caller's (simulated) time"
	ruleCritical    = "RFC 5280 §4.2: reject unrecognised critical extensions"
)

const caUsage = x509.KeyUsageCertSign | x509.KeyUsageCRLSign
const leafUsage = x509.KeyUsageDigitalSignature | x509.KeyUsageKeyAgreement

var specs = [roleEnd]spec{
	RoleV2GRoot:         {name: "V2G root CA", ca: true, pathLen: -1, usage: caUsage, dc: "V2G", validity: 40 * 365 * day, rules: ruleCAUsage + "; " + ruleRootBC + "; " + ruleRootLife},
	RoleCPOSubCA1:       {name: "CPO Sub-CA 1", ca: true, pathLen: 1, usage: caUsage, dc: "V2G", validity: 1460 * day, rules: ruleCAUsage + "; " + ruleSub1 + "; DC=V2G in RISE/ECOG/EV-pki [V]; " + ruleSub1Life},
	RoleCPOSubCA2:       {name: "CPO Sub-CA 2", ca: true, pathLen: 0, usage: caUsage, dc: "V2G", validity: 2 * 365 * day, rules: ruleCAUsage + "; " + ruleSub2 + "; " + ruleSubCA2Life},
	RoleSECC:            {name: "SECC leaf", pathLen: -1, usage: leafUsage, dc: "CPO", validity: 90 * day, rules: ruleLeafBC + "; " + ruleLeafUsage + "; " + ruleDC + " (DC=CPO, HUB 3-7 [S]); " + ruleSECCLife},
	RoleCPSSubCA1:       {name: "CPS Sub-CA 1", ca: true, pathLen: 1, usage: caUsage, dc: "CPS", validity: 1460 * day, rules: ruleCAUsage + "; " + ruleSub1 + "; " + ruleSub1Life},
	RoleCPSSubCA2:       {name: "CPS Sub-CA 2", ca: true, pathLen: 0, usage: caUsage, dc: "CPS", validity: 2 * 365 * day, rules: ruleCAUsage + "; " + ruleSub2},
	RoleCPS:             {name: "CPS leaf", pathLen: -1, usage: leafUsage, dc: "CPS", validity: 90 * day, rules: ruleLeafBC + "; dSPACE keyUsage digitalSignature, keyAgreement [V]; " + ruleDC + " (DC=CPS, RISE WaitForCertificateInstallationRes [S]); " + ruleCPSLife},
	RoleMORoot:          {name: "MO root CA", ca: true, pathLen: -1, usage: caUsage, dc: "MO", validity: 40 * 365 * day, rules: ruleCAUsage + "; " + ruleRootBC + "; lifetime as V2G root [U]"},
	RoleMOSubCA1:        {name: "MO Sub-CA 1", ca: true, pathLen: 1, usage: caUsage, dc: "MO", validity: 1460 * day, rules: ruleCAUsage + "; " + ruleSub1 + "; " + ruleSub1Life},
	RoleMOSubCA2:        {name: "MO Sub-CA 2", ca: true, pathLen: 0, usage: caUsage | x509.KeyUsageDigitalSignature | x509.KeyUsageContentCommitment, dc: "MO", validity: 2 * 365 * day, rules: ruleMOSub2Usage + "; " + ruleSub2},
	RoleContract:        {name: "contract leaf", pathLen: -1, usage: leafUsage, dc: "MO", validity: 365 * day, rules: ruleLeafBC + "; " + ruleLeafUsage + "; " + ruleDC + " (DC=MO); " + ruleContract},
	RoleOEMRoot:         {name: "OEM root CA", ca: true, pathLen: -1, usage: caUsage, dc: "OEM", validity: 40 * 365 * day, rules: ruleCAUsage + "; " + ruleRootBC + "; lifetime as V2G root [U]"},
	RoleOEMSubCA1:       {name: "OEM Sub-CA 1", ca: true, pathLen: 1, usage: caUsage, dc: "OEM", validity: 1460 * day, rules: ruleCAUsage + "; " + ruleSub1 + "; " + ruleSub1Life},
	RoleOEMSubCA2:       {name: "OEM Sub-CA 2", ca: true, pathLen: 0, usage: caUsage, dc: "OEM", validity: 1460 * day, rules: ruleCAUsage + "; " + ruleSub2 + "; " + ruleSub1Life},
	RoleOEMProvisioning: {name: "OEM provisioning leaf", pathLen: -1, usage: leafUsage, dc: "OEM", validity: 1460 * day, rules: ruleLeafBC + "; " + ruleLeafUsage + "; " + ruleDC + " (DC=OEM, RISE-SU verifyLeafCertificateAttributes [S]); " + ruleOEMProv},
	RoleCSMSRoot:        {name: "CSMS root CA", ca: true, pathLen: -1, usage: caUsage, validity: 20 * 365 * day, ocpp: true, rules: ruleOCPP},
	RoleCSMS:            {name: "CSMS server", pathLen: -1, usage: x509.KeyUsageDigitalSignature, extUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}, validity: 365 * day, ocpp: true, rules: ruleOCPP},
	RoleChargingStation: {name: "charging station client", pathLen: -1, usage: x509.KeyUsageDigitalSignature, extUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}, validity: 365 * day, ocpp: true, rules: ruleOCPP + "; CN = station id (task brief) [U]"},
	RoleOCSPSigner:      {name: "OCSP signer", pathLen: -1, usage: x509.KeyUsageDigitalSignature, extUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageOCSPSigning}, validity: 30 * day, rules: ruleOCSPSigner},
}

// String returns the role's name.
func (r Role) String() string {
	if r > 0 && r < roleEnd {
		return specs[r].name
	}
	return fmt.Sprintf("Role(%d)", int(r))
}

// IsCA reports whether the role is a certificate authority.
func (r Role) IsCA() bool { return r > 0 && r < roleEnd && specs[r].ca }

// DefaultValidity returns the role's default lifetime.
func (r Role) DefaultValidity() time.Duration {
	if r > 0 && r < roleEnd {
		return specs[r].validity
	}
	return 0
}

// Rules returns the requirements the role's profile follows, as cited.
func (r Role) Rules() string {
	if r > 0 && r < roleEnd {
		return specs[r].rules
	}
	return ""
}

// ClassifyRole guesses a certificate's role from its subject DC, CA flag,
// path length and extended key usages. It returns 0 when nothing fits.
func ClassifyRole(c *x509.Certificate) Role {
	dc := DomainComponent(c)
	selfSigned := string(c.RawIssuer) == string(c.RawSubject)
	for _, eku := range c.ExtKeyUsage {
		switch eku {
		case x509.ExtKeyUsageOCSPSigning:
			return RoleOCSPSigner
		case x509.ExtKeyUsageServerAuth:
			if dc == "" {
				return RoleCSMS
			}
		case x509.ExtKeyUsageClientAuth:
			if dc == "" {
				return RoleChargingStation
			}
		}
	}
	if c.IsCA {
		level := -1
		switch {
		case selfSigned:
			level = 0
		case c.MaxPathLen == 1:
			level = 1
		case c.MaxPathLenZero && c.MaxPathLen == 0:
			level = 2
		}
		table := map[string][3]Role{
			"V2G": {RoleV2GRoot, RoleCPOSubCA1, RoleCPOSubCA2},
			"CPO": {0, RoleCPOSubCA1, RoleCPOSubCA2},
			"CPS": {0, RoleCPSSubCA1, RoleCPSSubCA2},
			"MO":  {RoleMORoot, RoleMOSubCA1, RoleMOSubCA2},
			"OEM": {RoleOEMRoot, RoleOEMSubCA1, RoleOEMSubCA2},
		}
		if level == 0 && dc == "" {
			return RoleCSMSRoot
		}
		if rs, ok := table[dc]; ok && level >= 0 {
			return rs[level]
		}
		return 0
	}
	switch dc {
	case "CPO":
		return RoleSECC
	case "CPS":
		return RoleCPS
	case "MO":
		return RoleContract
	case "OEM":
		return RoleOEMProvisioning
	}
	return 0
}
