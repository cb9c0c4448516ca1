package ocppws

import (
	"context"
	"encoding/base64"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/plugsim/plugsim/ocpp"
	"github.com/plugsim/plugsim/ocpp/v201"
)

func ptr[T any](v T) *T { return &v }

// interopNow is a timestamp with millisecond precision, as peers print them.
func interopNow() time.Time { return time.Now().UTC().Truncate(time.Millisecond) }

// fakeBase64 is n bytes of base64 standing in for EXI, OCSP or DER data:
// the schemas constrain only length and type.
func fakeBase64(n int) string { return base64.StdEncoding.EncodeToString(make([]byte, n)) }

func fakePEM(kind string, n int) string {
	return "-----BEGIN " + kind + "-----\n" + fakeBase64(n) + "\n-----END " + kind + "-----\n"
}

var interop201 = interopFlow{
	protocol:  SubprotocolOCPP201,
	schemaSet: "ocpp201",
	stationRouter: func(got chan<- string) *ocpp.Router {
		r := v201.NewRouter(ocpp.StationSide)
		ocpp.Handle(r, func(_ context.Context, _ *ocpp.Session, req *v201.SetChargingProfileRequest) (*v201.SetChargingProfileResponse, error) {
			got <- "SetChargingProfile"
			return &v201.SetChargingProfileResponse{Status: v201.ChargingProfileStatusAccepted}, nil
		})
		ocpp.Handle(r, func(_ context.Context, _ *ocpp.Session, req *v201.CertificateSignedRequest) (*v201.CertificateSignedResponse, error) {
			got <- "CertificateSigned"
			return &v201.CertificateSignedResponse{Status: v201.CertificateSignedStatusAccepted}, nil
		})
		return r
	},
	runStation: func(ctx context.Context, p *Peer) error {
		hash := v201.OCSPRequestDataType{HashAlgorithm: v201.HashAlgorithmSHA256,
			IssuerNameHash: strings.Repeat("a", 64), IssuerKeyHash: strings.Repeat("b", 64),
			SerialNumber: "1a2b3c", ResponderURL: "http://ocsp.plugsim.test/"}
		tx := v201.TransactionType{TransactionID: "plugsim-tx-1"}
		mv := []v201.MeterValueType{{Timestamp: interopNow(), SampledValue: []v201.SampledValueType{
			{Value: 1234.5, Measurand: ptr(v201.MeasurandEnergyActiveImportRegister)}}}}
		charging := tx
		charging.ChargingState = ptr(v201.ChargingStateCharging)
		ended := tx
		ended.StoppedReason = ptr(v201.ReasonEVDisconnected)
		rfid := v201.IDTokenType{IDToken: "DEADBEEF", Type: v201.IDTokenISO14443}

		boot := &v201.BootNotificationResponse{}
		steps := []struct {
			req, res ocpp.Message
		}{
			{&v201.BootNotificationRequest{Reason: v201.BootReasonPowerUp,
				ChargingStation: v201.ChargingStationType{Model: "plugsim", VendorName: "plugsim"}}, boot},
			{&v201.StatusNotificationRequest{Timestamp: interopNow(), ConnectorStatus: v201.ConnectorStatusAvailable, EVSEID: 1, ConnectorID: 1},
				&v201.StatusNotificationResponse{}},
			{&v201.HeartbeatRequest{}, &v201.HeartbeatResponse{}},
			{&v201.AuthorizeRequest{IDToken: rfid}, &v201.AuthorizeResponse{}},
			{&v201.AuthorizeRequest{IDToken: v201.IDTokenType{IDToken: "DEPLGE123456789", Type: v201.IDTokenEMAID},
				ISO15118CertificateHashData: []v201.OCSPRequestDataType{hash}}, &v201.AuthorizeResponse{}},
			{&v201.TransactionEventRequest{EventType: v201.TransactionEventStarted, Timestamp: interopNow(),
				TriggerReason: v201.TriggerReasonAuthorized, SeqNo: 0, TransactionInfo: tx,
				EVSE: &v201.EVSEType{ID: 1, ConnectorID: ptr(1)}, IDToken: &rfid}, &v201.TransactionEventResponse{}},
			{&v201.NotifyEVChargingNeedsRequest{EVSEID: 1, ChargingNeeds: v201.ChargingNeedsType{
				RequestedEnergyTransfer: v201.EnergyTransferModeDC,
				DCChargingParameters:    &v201.DCChargingParametersType{EVMaxCurrent: 200, EVMaxVoltage: 500, StateOfCharge: ptr(35)}}},
				&v201.NotifyEVChargingNeedsResponse{}},
			{&v201.TransactionEventRequest{EventType: v201.TransactionEventUpdated, Timestamp: interopNow(),
				TriggerReason: v201.TriggerReasonMeterValuePeriodic, SeqNo: 1, TransactionInfo: charging, MeterValue: mv},
				&v201.TransactionEventResponse{}},
			{&v201.MeterValuesRequest{EVSEID: 1, MeterValue: mv}, &v201.MeterValuesResponse{}},
			{&v201.Get15118EVCertificateRequest{ISO15118SchemaVersion: "urn:iso:15118:2:2013:MsgDef",
				Action: v201.CertificateActionInstall, EXIRequest: fakeBase64(1500)}, &v201.Get15118EVCertificateResponse{}},
			{&v201.GetCertificateStatusRequest{OCSPRequestData: hash}, &v201.GetCertificateStatusResponse{}},
			{&v201.SignCertificateRequest{Csr: fakePEM("CERTIFICATE REQUEST", 300), CertificateType: ptr(v201.CertificateSigningUseV2GCertificate)},
				&v201.SignCertificateResponse{}},
			{&v201.TransactionEventRequest{EventType: v201.TransactionEventEnded, Timestamp: interopNow(),
				TriggerReason: v201.TriggerReasonEVCommunicationLost, SeqNo: 2, TransactionInfo: ended},
				&v201.TransactionEventResponse{}},
		}
		for _, s := range steps {
			if err := p.CallMessage(ctx, s.req, s.res); err != nil {
				return err
			}
		}
		if boot.Status != v201.RegistrationStatusAccepted {
			return fmt.Errorf("BootNotification %s", boot.Status)
		}
		return nil
	},
	csmsRouter: func(p *Peer, got chan<- string) *ocpp.Router {
		r := v201.NewRouter(ocpp.CSMSSide)
		accepted := v201.IDTokenInfoType{Status: v201.AuthorizationStatusAccepted}
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
		ocpp.Handle(r, func(_ context.Context, _ *ocpp.Session, req *v201.BootNotificationRequest) (*v201.BootNotificationResponse, error) {
			return &v201.BootNotificationResponse{CurrentTime: interopNow(), Interval: 300, Status: v201.RegistrationStatusAccepted}, nil
		})
		ocpp.Handle(r, func(_ context.Context, _ *ocpp.Session, req *v201.StatusNotificationRequest) (*v201.StatusNotificationResponse, error) {
			return &v201.StatusNotificationResponse{}, nil
		})
		ocpp.Handle(r, func(_ context.Context, _ *ocpp.Session, req *v201.HeartbeatRequest) (*v201.HeartbeatResponse, error) {
			return &v201.HeartbeatResponse{CurrentTime: interopNow()}, nil
		})
		ocpp.Handle(r, func(_ context.Context, _ *ocpp.Session, req *v201.AuthorizeRequest) (*v201.AuthorizeResponse, error) {
			res := &v201.AuthorizeResponse{IDTokenInfo: accepted}
			if len(req.ISO15118CertificateHashData) > 0 {
				res.CertificateStatus = ptr(v201.AuthorizeCertificateStatusAccepted)
			}
			return res, nil
		})
		ocpp.Handle(r, func(_ context.Context, _ *ocpp.Session, req *v201.TransactionEventRequest) (*v201.TransactionEventResponse, error) {
			txID = req.TransactionInfo.TransactionID
			if req.EventType == v201.TransactionEventStarted {
				return &v201.TransactionEventResponse{IDTokenInfo: &accepted}, nil
			}
			return &v201.TransactionEventResponse{}, nil
		})
		ocpp.Handle(r, func(_ context.Context, _ *ocpp.Session, req *v201.MeterValuesRequest) (*v201.MeterValuesResponse, error) {
			return &v201.MeterValuesResponse{}, nil
		})
		ocpp.Handle(r, func(_ context.Context, _ *ocpp.Session, req *v201.NotifyEVChargingNeedsRequest) (*v201.NotifyEVChargingNeedsResponse, error) {
			profile := &v201.SetChargingProfileRequest{EVSEID: req.EVSEID, ChargingProfile: v201.ChargingProfileType{
				ID: 7, StackLevel: 0, ChargingProfilePurpose: v201.ChargingProfilePurposeTxProfile,
				ChargingProfileKind: v201.ChargingProfileKindAbsolute, TransactionID: ptr(txID),
				ChargingSchedule: []v201.ChargingScheduleType{{ID: 1, StartSchedule: ptr(interopNow()),
					ChargingRateUnit:       v201.ChargingRateUnitW,
					ChargingSchedulePeriod: []v201.ChargingSchedulePeriodType{{StartPeriod: 0, Limit: 11000}}}}}}
			if err := profile.Validate(); err != nil {
				return nil, err
			}
			if err := p.CallAsync(profile.OCPPAction(), profile.AppendJSON(nil), report("SetChargingProfile")); err != nil {
				return nil, err
			}
			return &v201.NotifyEVChargingNeedsResponse{Status: v201.NotifyEVChargingNeedsStatusAccepted}, nil
		})
		ocpp.Handle(r, func(_ context.Context, _ *ocpp.Session, req *v201.Get15118EVCertificateRequest) (*v201.Get15118EVCertificateResponse, error) {
			return &v201.Get15118EVCertificateResponse{Status: v201.ISO15118EVCertificateStatusAccepted, EXIResponse: fakeBase64(3000)}, nil
		})
		ocpp.Handle(r, func(_ context.Context, _ *ocpp.Session, req *v201.GetCertificateStatusRequest) (*v201.GetCertificateStatusResponse, error) {
			return &v201.GetCertificateStatusResponse{Status: v201.GetCertificateStatusAccepted, OCSPResult: ptr(fakeBase64(1200))}, nil
		})
		ocpp.Handle(r, func(_ context.Context, _ *ocpp.Session, req *v201.SignCertificateRequest) (*v201.SignCertificateResponse, error) {
			signed := &v201.CertificateSignedRequest{CertificateChain: fakePEM("CERTIFICATE", 600), CertificateType: req.CertificateType}
			if err := p.CallAsync(signed.OCPPAction(), signed.AppendJSON(nil), report("CertificateSigned")); err != nil {
				return nil, err
			}
			return &v201.SignCertificateResponse{Status: v201.GenericStatusAccepted}, nil
		})
		return r
	},
}

func TestInterop201Station(t *testing.T) { runInteropStation(t, interop201) }
func TestInterop201CSMS(t *testing.T)    { runInteropCSMS(t, interop201) }
