package ocppws

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/plugsim/plugsim/ocpp"
	"github.com/plugsim/plugsim/ocpp/v201"
	"github.com/plugsim/plugsim/ocpp/v21"
)

func ptr[T any](v T) *T { return &v }

// interopNow is a timestamp with millisecond precision, as peers print
// them, in JSON.
func interopNow() string {
	return `"` + time.Now().UTC().Truncate(time.Millisecond).Format("2006-01-02T15:04:05.000Z07:00") + `"`
}

// fakeBase64 is n bytes of base64 standing in for EXI, OCSP or DER data:
// the schemas constrain only length and type.
func fakeBase64(n int) string { return base64.StdEncoding.EncodeToString(make([]byte, n)) }

func fakePEM(kind string, n int) string {
	return "-----BEGIN " + kind + "-----\n" + fakeBase64(n) + "\n-----END " + kind + "-----\n"
}

// interopFlow is one protocol version of the interop list. The flow itself
// (stationRouter, runStation, csmsRouter) is the same for every version;
// each payload is written as JSON and goes through the version's generated
// decoder, validator and encoder before it reaches the wire, so the peer
// checks our encoding, and we decode and validate everything it sends.
type interopFlow struct {
	protocol  string // subprotocol
	schemaSet string // directory under shared/ocpp
	// newRouter, newRequest and newResponse are the version package's.
	newRouter               func(ocpp.Side) *ocpp.Router
	newRequest, newResponse func(action string) ocpp.Message

	// The payload parts in which the versions differ.
	chargingTx     string // JSON transactionInfo of the TransactionEvent while charging
	chargingNeeds  string // JSON chargingNeeds of NotifyEVChargingNeeds
	iso15118Schema string // iso15118SchemaVersion of Get15118EVCertificate
	exiRequest     int    // bytes of the Get15118EVCertificate EXI request
	exiResponse    int    // bytes of its EXI response
	v2gCertificate string // certificateType of SignCertificate
	schedulePeriod string // JSON chargingSchedulePeriod of SetChargingProfile
}

var interop201 = interopFlow{
	protocol:  SubprotocolOCPP201,
	schemaSet: "ocpp201",
	newRouter: v201.NewRouter, newRequest: v201.NewRequest, newResponse: v201.NewResponse,
	chargingTx: `{"transactionId":"plugsim-tx-1","chargingState":"Charging"}`,
	chargingNeeds: `{"requestedEnergyTransfer":"DC",
		"dcChargingParameters":{"evMaxCurrent":200,"evMaxVoltage":500,"stateOfCharge":35}}`,
	iso15118Schema: "urn:iso:15118:2:2013:MsgDef",
	exiRequest:     1500,
	exiResponse:    3000,
	v2gCertificate: "V2GCertificate",
	schedulePeriod: `{"startPeriod":0,"limit":11000}`,
}

// interop21 is the OCPP 2.1 list as a bidirectional (V2X) session: the EV
// asks for DC_BPT with V2X parameters, the CSMS answers with a central
// setpoint that discharges, and the transaction runs in CentralSetpoint
// mode. Certificates are ISO 15118-20 ones, and the EXI request is larger
// than OCPP 2.0.1's 5600-character cap allows.
var interop21 = interopFlow{
	protocol:  SubprotocolOCPP21,
	schemaSet: "ocpp21",
	newRouter: v21.NewRouter, newRequest: v21.NewRequest, newResponse: v21.NewResponse,
	chargingTx: `{"transactionId":"plugsim-tx-1","chargingState":"Charging","operationMode":"CentralSetpoint"}`,
	chargingNeeds: `{"requestedEnergyTransfer":"DC_BPT","availableEnergyTransfer":["DC","DC_BPT"],
		"controlMode":"DynamicControl",
		"dcChargingParameters":{"evMaxCurrent":200,"evMaxVoltage":500,"stateOfCharge":35},
		"v2xChargingParameters":{"maxChargePower":11000,"minDischargePower":1000,"maxDischargePower":7000,"targetSoC":80}}`,
	iso15118Schema: "urn:iso:std:iso:15118:-20:CommonMessages",
	exiRequest:     6000,
	exiResponse:    9000,
	v2gCertificate: "V2G20Certificate",
	schedulePeriod: `{"startPeriod":0,"limit":11000,"dischargeLimit":-7000,"setpoint":-5000,"operationMode":"CentralSetpoint"}`,
}

func TestInterop201Station(t *testing.T) { runInteropStation(t, interop201) }
func TestInterop201CSMS(t *testing.T)    { runInteropCSMS(t, interop201) }
func TestInterop21Station(t *testing.T)  { runInteropStation(t, interop21) }
func TestInterop21CSMS(t *testing.T)     { runInteropCSMS(t, interop21) }

// message returns the version's message of action made by newMsg, decoded
// from payload.
func message(newMsg func(string) ocpp.Message, action, payload string) (ocpp.Message, error) {
	m := newMsg(action)
	if m == nil {
		return nil, fmt.Errorf("no %s message", action)
	}
	if err := m.UnmarshalJSON([]byte(payload)); err != nil {
		return nil, fmt.Errorf("%s payload %s: %w", action, payload, err)
	}
	return m, nil
}

// interopRequest holds the request members the handlers below read.
type interopRequest struct {
	EVSEID          int    `json:"evseId"`
	EventType       string `json:"eventType"`
	TransactionInfo struct {
		TransactionID string `json:"transactionId"`
	} `json:"transactionInfo"`
	HashData        []json.RawMessage `json:"iso15118CertificateHashData"`
	CertificateType *string           `json:"certificateType"`
}

// handle registers h for action on r: h gets the decoded and validated
// request and returns the response payload as JSON, which becomes the
// version's response (validated again by the router before it is sent).
func (f interopFlow) handle(r *ocpp.Router, action string, h func(req interopRequest) (string, error)) {
	newReq := func() ocpp.Message { return f.newRequest(action) }
	ocpp.HandleMessage(r, action, newReq, func(_ context.Context, _ *ocpp.Session, m ocpp.Message) (ocpp.Message, error) {
		var req interopRequest
		if err := json.Unmarshal(m.AppendJSON(nil), &req); err != nil {
			return nil, err
		}
		res, err := h(req)
		if err != nil {
			return nil, err
		}
		return message(f.newResponse, action, res)
	})
}

// stationRouter answers SetChargingProfile and CertificateSigned and
// reports each on got.
func (f interopFlow) stationRouter(got chan<- string) *ocpp.Router {
	r := f.newRouter(ocpp.StationSide)
	for _, action := range []string{"SetChargingProfile", "CertificateSigned"} {
		f.handle(r, action, func(interopRequest) (string, error) {
			got <- action
			return `{"status":"Accepted"}`, nil
		})
	}
	return r
}

// runStation performs interopStationCalls through p and requires the
// BootNotification to be accepted.
func (f interopFlow) runStation(ctx context.Context, p *Peer) error {
	hash := `{"hashAlgorithm":"SHA256","issuerNameHash":"` + strings.Repeat("a", 64) + `","issuerKeyHash":"` +
		strings.Repeat("b", 64) + `","serialNumber":"1a2b3c","responderURL":"http://ocsp.plugsim.test/"}`
	mv := `[{"timestamp":` + interopNow() + `,"sampledValue":[{"value":1234.5,"measurand":"Energy.Active.Import.Register"}]}]`
	rfid := `{"idToken":"DEADBEEF","type":"ISO14443"}`
	steps := []struct{ action, payload string }{
		{"BootNotification", `{"reason":"PowerUp","chargingStation":{"model":"plugsim","vendorName":"plugsim"}}`},
		{"StatusNotification", `{"timestamp":` + interopNow() + `,"connectorStatus":"Available","evseId":1,"connectorId":1}`},
		{"Heartbeat", `{}`},
		{"Authorize", `{"idToken":` + rfid + `}`},
		{"Authorize", `{"idToken":{"idToken":"DEPLGE123456789","type":"eMAID"},"iso15118CertificateHashData":[` + hash + `]}`},
		{"TransactionEvent", `{"eventType":"Started","timestamp":` + interopNow() + `,"triggerReason":"Authorized","seqNo":0,
			"transactionInfo":{"transactionId":"plugsim-tx-1"},"evse":{"id":1,"connectorId":1},"idToken":` + rfid + `}`},
		{"NotifyEVChargingNeeds", `{"evseId":1,"chargingNeeds":` + f.chargingNeeds + `}`},
		{"TransactionEvent", `{"eventType":"Updated","timestamp":` + interopNow() + `,"triggerReason":"MeterValuePeriodic","seqNo":1,
			"transactionInfo":` + f.chargingTx + `,"meterValue":` + mv + `}`},
		{"MeterValues", `{"evseId":1,"meterValue":` + mv + `}`},
		{"Get15118EVCertificate", fmt.Sprintf(`{"iso15118SchemaVersion":%q,"action":"Install","exiRequest":%q}`,
			f.iso15118Schema, fakeBase64(f.exiRequest))},
		{"GetCertificateStatus", `{"ocspRequestData":` + hash + `}`},
		{"SignCertificate", fmt.Sprintf(`{"csr":%q,"certificateType":%q}`, fakePEM("CERTIFICATE REQUEST", 300), f.v2gCertificate)},
		{"TransactionEvent", `{"eventType":"Ended","timestamp":` + interopNow() + `,"triggerReason":"EVCommunicationLost","seqNo":2,
			"transactionInfo":{"transactionId":"plugsim-tx-1","stoppedReason":"EVDisconnected"}}`},
	}
	var boot ocpp.Message
	for _, s := range steps {
		req, err := message(f.newRequest, s.action, s.payload)
		if err != nil {
			return err
		}
		res := f.newResponse(s.action)
		if err := p.CallMessage(ctx, req, res); err != nil {
			return err
		}
		if s.action == "BootNotification" {
			boot = res
		}
	}
	if reg := boot.(ocpp.RegistrationResult).Registration(); reg != ocpp.Accepted {
		return fmt.Errorf("BootNotification %s", boot.AppendJSON(nil))
	}
	return nil
}

// csmsRouter answers the station's calls; it sends SetChargingProfile and
// CertificateSigned through p and reports their results on got.
func (f interopFlow) csmsRouter(p *Peer, got chan<- string) *ocpp.Router {
	r := f.newRouter(ocpp.CSMSSide)
	var txID string
	report := func(action string) func(Completion) {
		return func(c Completion) {
			if c.Err != nil {
				got <- action + ": " + c.Err.Error()
				return
			}
			got <- action
		}
	}
	// callAsync sends a CSMS-initiated call whose payload is JSON.
	callAsync := func(action, payload string) error {
		req, err := message(f.newRequest, action, payload)
		if err != nil {
			return err
		}
		if err := req.Validate(); err != nil {
			return err
		}
		return p.CallAsync(action, req.AppendJSON(nil), report(action))
	}
	accepted := `{"status":"Accepted"}`
	f.handle(r, "BootNotification", func(interopRequest) (string, error) {
		return `{"currentTime":` + interopNow() + `,"interval":300,"status":"Accepted"}`, nil
	})
	f.handle(r, "StatusNotification", func(interopRequest) (string, error) { return `{}`, nil })
	f.handle(r, "Heartbeat", func(interopRequest) (string, error) { return `{"currentTime":` + interopNow() + `}`, nil })
	f.handle(r, "Authorize", func(req interopRequest) (string, error) {
		if len(req.HashData) > 0 {
			return `{"idTokenInfo":` + accepted + `,"certificateStatus":"Accepted"}`, nil
		}
		return `{"idTokenInfo":` + accepted + `}`, nil
	})
	f.handle(r, "TransactionEvent", func(req interopRequest) (string, error) {
		txID = req.TransactionInfo.TransactionID
		if req.EventType == "Started" {
			return `{"idTokenInfo":` + accepted + `}`, nil
		}
		return `{}`, nil
	})
	f.handle(r, "MeterValues", func(interopRequest) (string, error) { return `{}`, nil })
	f.handle(r, "NotifyEVChargingNeeds", func(req interopRequest) (string, error) {
		profile := fmt.Sprintf(`{"evseId":%d,"chargingProfile":{"id":7,"stackLevel":0,"chargingProfilePurpose":"TxProfile",
			"chargingProfileKind":"Absolute","transactionId":%q,"chargingSchedule":[{"id":1,"startSchedule":%s,
			"chargingRateUnit":"W","chargingSchedulePeriod":[%s]}]}}`, req.EVSEID, txID, interopNow(), f.schedulePeriod)
		if err := callAsync("SetChargingProfile", profile); err != nil {
			return "", err
		}
		return accepted, nil
	})
	f.handle(r, "Get15118EVCertificate", func(interopRequest) (string, error) {
		return fmt.Sprintf(`{"status":"Accepted","exiResponse":%q}`, fakeBase64(f.exiResponse)), nil
	})
	f.handle(r, "GetCertificateStatus", func(interopRequest) (string, error) {
		return fmt.Sprintf(`{"status":"Accepted","ocspResult":%q}`, fakeBase64(1200)), nil
	})
	f.handle(r, "SignCertificate", func(req interopRequest) (string, error) {
		signed := fmt.Sprintf(`{"certificateChain":%q}`, fakePEM("CERTIFICATE", 600))
		if req.CertificateType != nil {
			signed = fmt.Sprintf(`{"certificateChain":%q,"certificateType":%q}`, fakePEM("CERTIFICATE", 600), *req.CertificateType)
		}
		if err := callAsync("CertificateSigned", signed); err != nil {
			return "", err
		}
		return accepted, nil
	})
	return r
}
