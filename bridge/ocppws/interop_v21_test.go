package ocppws

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/plugsim/plugsim/ocpp"
	"github.com/plugsim/plugsim/ocpp/v21"
)

// interop21 is the OCPP 2.1 list as a bidirectional (V2X) session: the EV
// asks for DC_BPT with V2X parameters, the CSMS answers with a central
// setpoint that discharges, and the transaction runs in CentralSetpoint
// mode. Certificates are ISO 15118-20 ones, and the EXI request is larger
// than OCPP 2.0.1's 5600-character cap allows.
var interop21 = interopFlow{
	protocol:  SubprotocolOCPP21,
	schemaSet: "ocpp21",
	stationRouter: func(got chan<- string) *ocpp.Router {
		r := v21.NewRouter(ocpp.StationSide)
		ocpp.Handle(r, func(_ context.Context, _ *ocpp.Session, req *v21.SetChargingProfileRequest) (*v21.SetChargingProfileResponse, error) {
			got <- "SetChargingProfile"
			return &v21.SetChargingProfileResponse{Status: v21.ChargingProfileStatusAccepted}, nil
		})
		ocpp.Handle(r, func(_ context.Context, _ *ocpp.Session, req *v21.CertificateSignedRequest) (*v21.CertificateSignedResponse, error) {
			got <- "CertificateSigned"
			return &v21.CertificateSignedResponse{Status: v21.CertificateSignedStatusAccepted}, nil
		})
		return r
	},
	runStation: func(ctx context.Context, p *Peer) error {
		hash := v21.OCSPRequestDataType{HashAlgorithm: v21.HashAlgorithmSHA256,
			IssuerNameHash: strings.Repeat("a", 64), IssuerKeyHash: strings.Repeat("b", 64),
			SerialNumber: "1a2b3c", ResponderURL: "http://ocsp.plugsim.test/"}
		tx := v21.TransactionType{TransactionID: "plugsim-tx-1"}
		mv := []v21.MeterValueType{{Timestamp: interopNow(), SampledValue: []v21.SampledValueType{
			{Value: 1234.5, Measurand: ptr(v21.MeasurandEnergyActiveImportRegister)}}}}
		charging := tx
		charging.ChargingState = ptr(v21.ChargingStateCharging)
		charging.OperationMode = ptr(v21.OperationModeCentralSetpoint)
		ended := tx
		ended.StoppedReason = ptr(v21.ReasonEVDisconnected)
		rfid := v21.IDTokenType{IDToken: "DEADBEEF", Type: "ISO14443"}

		boot := &v21.BootNotificationResponse{}
		steps := []struct {
			req, res ocpp.Message
		}{
			{&v21.BootNotificationRequest{Reason: v21.BootReasonPowerUp,
				ChargingStation: v21.ChargingStationType{Model: "plugsim", VendorName: "plugsim"}}, boot},
			{&v21.StatusNotificationRequest{Timestamp: interopNow(), ConnectorStatus: v21.ConnectorStatusAvailable, EVSEID: 1, ConnectorID: 1},
				&v21.StatusNotificationResponse{}},
			{&v21.HeartbeatRequest{}, &v21.HeartbeatResponse{}},
			{&v21.AuthorizeRequest{IDToken: rfid}, &v21.AuthorizeResponse{}},
			{&v21.AuthorizeRequest{IDToken: v21.IDTokenType{IDToken: "DEPLGE123456789", Type: "eMAID"},
				ISO15118CertificateHashData: []v21.OCSPRequestDataType{hash}}, &v21.AuthorizeResponse{}},
			{&v21.TransactionEventRequest{EventType: v21.TransactionEventStarted, Timestamp: interopNow(),
				TriggerReason: v21.TriggerReasonAuthorized, SeqNo: 0, TransactionInfo: tx,
				EVSE: &v21.EVSEType{ID: 1, ConnectorID: ptr(1)}, IDToken: &rfid}, &v21.TransactionEventResponse{}},
			{&v21.NotifyEVChargingNeedsRequest{EVSEID: 1, ChargingNeeds: v21.ChargingNeedsType{
				RequestedEnergyTransfer: v21.EnergyTransferModeDCBPT,
				AvailableEnergyTransfer: []v21.EnergyTransferModeEnumType{v21.EnergyTransferModeDC, v21.EnergyTransferModeDCBPT},
				ControlMode:             ptr(v21.ControlModeDynamicControl),
				DCChargingParameters:    &v21.DCChargingParametersType{EVMaxCurrent: 200, EVMaxVoltage: 500, StateOfCharge: ptr(35)},
				V2XChargingParameters: &v21.V2XChargingParametersType{MaxChargePower: ptr(11000.0),
					MinDischargePower: ptr(1000.0), MaxDischargePower: ptr(7000.0), TargetSoC: ptr(80)}}},
				&v21.NotifyEVChargingNeedsResponse{}},
			{&v21.TransactionEventRequest{EventType: v21.TransactionEventUpdated, Timestamp: interopNow(),
				TriggerReason: v21.TriggerReasonMeterValuePeriodic, SeqNo: 1, TransactionInfo: charging, MeterValue: mv},
				&v21.TransactionEventResponse{}},
			{&v21.MeterValuesRequest{EVSEID: 1, MeterValue: mv}, &v21.MeterValuesResponse{}},
			{&v21.Get15118EVCertificateRequest{ISO15118SchemaVersion: "urn:iso:std:iso:15118:-20:CommonMessages",
				Action: v21.CertificateActionInstall, EXIRequest: fakeBase64(6000)}, &v21.Get15118EVCertificateResponse{}},
			{&v21.GetCertificateStatusRequest{OCSPRequestData: hash}, &v21.GetCertificateStatusResponse{}},
			{&v21.SignCertificateRequest{Csr: fakePEM("CERTIFICATE REQUEST", 300), CertificateType: ptr(v21.CertificateSigningUseV2G20Certificate)},
				&v21.SignCertificateResponse{}},
			{&v21.TransactionEventRequest{EventType: v21.TransactionEventEnded, Timestamp: interopNow(),
				TriggerReason: v21.TriggerReasonEVCommunicationLost, SeqNo: 2, TransactionInfo: ended},
				&v21.TransactionEventResponse{}},
		}
		for _, s := range steps {
			if err := p.CallMessage(ctx, s.req, s.res); err != nil {
				return err
			}
		}
		if boot.Status != v21.RegistrationStatusAccepted {
			return fmt.Errorf("BootNotification %s", boot.Status)
		}
		return nil
	},
	csmsRouter: func(p *Peer, got chan<- string) *ocpp.Router {
		r := v21.NewRouter(ocpp.CSMSSide)
		accepted := v21.IDTokenInfoType{Status: v21.AuthorizationStatusAccepted}
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
		ocpp.Handle(r, func(_ context.Context, _ *ocpp.Session, req *v21.BootNotificationRequest) (*v21.BootNotificationResponse, error) {
			return &v21.BootNotificationResponse{CurrentTime: interopNow(), Interval: 300, Status: v21.RegistrationStatusAccepted}, nil
		})
		ocpp.Handle(r, func(_ context.Context, _ *ocpp.Session, req *v21.StatusNotificationRequest) (*v21.StatusNotificationResponse, error) {
			return &v21.StatusNotificationResponse{}, nil
		})
		ocpp.Handle(r, func(_ context.Context, _ *ocpp.Session, req *v21.HeartbeatRequest) (*v21.HeartbeatResponse, error) {
			return &v21.HeartbeatResponse{CurrentTime: interopNow()}, nil
		})
		ocpp.Handle(r, func(_ context.Context, _ *ocpp.Session, req *v21.AuthorizeRequest) (*v21.AuthorizeResponse, error) {
			res := &v21.AuthorizeResponse{IDTokenInfo: accepted}
			if len(req.ISO15118CertificateHashData) > 0 {
				res.CertificateStatus = ptr(v21.AuthorizeCertificateStatusAccepted)
			}
			return res, nil
		})
		ocpp.Handle(r, func(_ context.Context, _ *ocpp.Session, req *v21.TransactionEventRequest) (*v21.TransactionEventResponse, error) {
			txID = req.TransactionInfo.TransactionID
			if req.EventType == v21.TransactionEventStarted {
				return &v21.TransactionEventResponse{IDTokenInfo: &accepted}, nil
			}
			return &v21.TransactionEventResponse{}, nil
		})
		ocpp.Handle(r, func(_ context.Context, _ *ocpp.Session, req *v21.MeterValuesRequest) (*v21.MeterValuesResponse, error) {
			return &v21.MeterValuesResponse{}, nil
		})
		ocpp.Handle(r, func(_ context.Context, _ *ocpp.Session, req *v21.NotifyEVChargingNeedsRequest) (*v21.NotifyEVChargingNeedsResponse, error) {
			profile := &v21.SetChargingProfileRequest{EVSEID: req.EVSEID, ChargingProfile: v21.ChargingProfileType{
				ID: 7, StackLevel: 0, ChargingProfilePurpose: v21.ChargingProfilePurposeTxProfile,
				ChargingProfileKind: v21.ChargingProfileKindAbsolute, TransactionID: ptr(txID),
				ChargingSchedule: []v21.ChargingScheduleType{{ID: 1, StartSchedule: ptr(interopNow()),
					ChargingRateUnit: v21.ChargingRateUnitW,
					ChargingSchedulePeriod: []v21.ChargingSchedulePeriodType{{StartPeriod: 0, Limit: ptr(11000.0),
						DischargeLimit: ptr(-7000.0), Setpoint: ptr(-5000.0), OperationMode: ptr(v21.OperationModeCentralSetpoint)}}}}}}
			if err := profile.Validate(); err != nil {
				return nil, err
			}
			if err := p.CallAsync(profile.OCPPAction(), profile.AppendJSON(nil), report("SetChargingProfile")); err != nil {
				return nil, err
			}
			return &v21.NotifyEVChargingNeedsResponse{Status: v21.NotifyEVChargingNeedsStatusAccepted}, nil
		})
		ocpp.Handle(r, func(_ context.Context, _ *ocpp.Session, req *v21.Get15118EVCertificateRequest) (*v21.Get15118EVCertificateResponse, error) {
			return &v21.Get15118EVCertificateResponse{Status: v21.ISO15118EVCertificateStatusAccepted, EXIResponse: fakeBase64(9000)}, nil
		})
		ocpp.Handle(r, func(_ context.Context, _ *ocpp.Session, req *v21.GetCertificateStatusRequest) (*v21.GetCertificateStatusResponse, error) {
			return &v21.GetCertificateStatusResponse{Status: v21.GetCertificateStatusAccepted, OCSPResult: ptr(fakeBase64(1200))}, nil
		})
		ocpp.Handle(r, func(_ context.Context, _ *ocpp.Session, req *v21.SignCertificateRequest) (*v21.SignCertificateResponse, error) {
			signed := &v21.CertificateSignedRequest{CertificateChain: fakePEM("CERTIFICATE", 600), CertificateType: req.CertificateType}
			if err := p.CallAsync(signed.OCPPAction(), signed.AppendJSON(nil), report("CertificateSigned")); err != nil {
				return nil, err
			}
			return &v21.SignCertificateResponse{Status: v21.GenericStatusAccepted}, nil
		})
		return r
	},
}

func TestInterop21Station(t *testing.T) { runInteropStation(t, interop21) }
func TestInterop21CSMS(t *testing.T)    { runInteropCSMS(t, interop21) }
