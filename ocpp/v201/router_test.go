package v201_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/plugsim/plugsim/ocpp"
	"github.com/plugsim/plugsim/ocpp/v201"
)

var now = time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)

func csmsRouter(status v201.RegistrationStatusEnumType) *ocpp.Router {
	r := v201.NewRouter(ocpp.CSMSSide)
	ocpp.Handle(r, func(ctx context.Context, s *ocpp.Session, req *v201.BootNotificationRequest) (*v201.BootNotificationResponse, error) {
		return &v201.BootNotificationResponse{CurrentTime: now, Interval: 300, Status: status}, nil
	})
	ocpp.Handle(r, func(ctx context.Context, s *ocpp.Session, req *v201.HeartbeatRequest) (*v201.HeartbeatResponse, error) {
		return &v201.HeartbeatResponse{CurrentTime: now}, nil
	})
	ocpp.Handle(r, func(ctx context.Context, s *ocpp.Session, req *v201.NotifyReportRequest) (*v201.NotifyReportResponse, error) {
		return &v201.NotifyReportResponse{}, nil
	})
	ocpp.Handle(r, func(ctx context.Context, s *ocpp.Session, req *v201.StatusNotificationRequest) (*v201.StatusNotificationResponse, error) {
		return &v201.StatusNotificationResponse{}, nil
	})
	ocpp.Handle(r, func(ctx context.Context, s *ocpp.Session, req *v201.AuthorizeRequest) (*v201.AuthorizeResponse, error) {
		switch req.IDToken.IDToken {
		case "blocked":
			return nil, &ocpp.Error{Code: ocpp.SecurityError, Description: "token blocked"}
		case "crash":
			return nil, errors.New("database down")
		case "no-response":
			return nil, nil
		case "bad-response":
			return &v201.AuthorizeResponse{IDTokenInfo: v201.IDTokenInfoType{Status: "Maybe"}}, nil
		}
		return &v201.AuthorizeResponse{IDTokenInfo: v201.IDTokenInfoType{Status: v201.AuthorizationStatusAccepted}}, nil
	})
	return r
}

const boot = `[2,"b1","BootNotification",{"reason":"PowerUp","chargingStation":{"model":"M1","vendorName":"V"}}]`

func dispatch(t *testing.T, r *ocpp.Router, s *ocpp.Session, frame string) string {
	t.Helper()
	f, err := ocpp.ParseFrame([]byte(frame))
	if err != nil {
		t.Fatalf("ParseFrame(%s): %v", frame, err)
	}
	return string(r.Dispatch(context.Background(), s, f).AppendTo(nil))
}

func TestCSMSRouter(t *testing.T) {
	tests := []struct {
		name   string
		status v201.RegistrationStatusEnumType
		boot   bool
		call   string
		want   string // prefix of the answer
	}{
		// OCPP 2.0.1 B02.FR.09 and B03.FR.07 (test case TC_B_30_CSMS) applied to a
		// station that has not booted yet: nothing but BootNotification.
		{"heartbeat before boot", v201.RegistrationStatusAccepted, false, `[2,"h","Heartbeat",{}]`, `[4,"h","SecurityError",`},
		{"heartbeat after accepted", v201.RegistrationStatusAccepted, true, `[2,"h","Heartbeat",{}]`, `[3,"h",{"currentTime":"2026-01-01T12:00:00Z"}]`},
		// OCPP 2.0.1 B02.FR.09: a Pending station sending a non-triggered message gets SecurityError.
		{"heartbeat while pending", v201.RegistrationStatusPending, true, `[2,"h","Heartbeat",{}]`, `[4,"h","SecurityError",`},
		// OCPP 2.0.1 B02: NotifyReport answers GetBaseReport/GetReport while Pending.
		{"notify report while pending", v201.RegistrationStatusPending, true,
			`[2,"n","NotifyReport",{"requestId":1,"generatedAt":"2026-01-01T12:00:00Z","seqNo":0}]`, `[3,"n",{}]`},
		// OCPP 2.0.1 B03.FR.07: a Rejected station gets SecurityError.
		{"heartbeat while rejected", v201.RegistrationStatusRejected, true, `[2,"h","Heartbeat",{}]`, `[4,"h","SecurityError",`},
		{"boot again while rejected", v201.RegistrationStatusRejected, true, boot, `[3,"b1",{"currentTime"`},
		{"unknown action", v201.RegistrationStatusAccepted, true, `[2,"u","FlyToTheMoon",{}]`, `[4,"u","NotImplemented",`},
		{"known action not handled here", v201.RegistrationStatusAccepted, true, `[2,"r","Reset",{"type":"Immediate"}]`, `[4,"r","NotSupported",`},
		{"missing required", v201.RegistrationStatusAccepted, true, `[2,"a","Authorize",{}]`,
			`[4,"a","OccurrenceConstraintViolation","/idToken: required member missing",{"path":"/idToken"}]`},
		{"wrong type", v201.RegistrationStatusAccepted, true, `[2,"a","Authorize",{"idToken":{"idToken":12,"type":"Central"}}]`,
			`[4,"a","TypeConstraintViolation","/idToken/idToken: want string, got number",{"path":"/idToken/idToken"}]`},
		{"unknown member", v201.RegistrationStatusAccepted, true, `[2,"a","Authorize",{"idToken":{"idToken":"x","type":"Central"},"idTag":"x"}]`,
			`[4,"a","FormatViolation","/idTag: member not allowed by the schema",{"path":"/idTag"}]`},
		{"bad enum", v201.RegistrationStatusAccepted, true, `[2,"a","Authorize",{"idToken":{"idToken":"x","type":"Magic"}}]`,
			`[4,"a","PropertyConstraintViolation","/idToken/type: value not in IdTokenEnumType",{"path":"/idToken/type"}]`},
		{"too long", v201.RegistrationStatusAccepted, true, `[2,"a","Authorize",{"idToken":{"idToken":"` + strings.Repeat("é", 37) + `","type":"Central"}}]`,
			`[4,"a","PropertyConstraintViolation","/idToken/idToken: longer than 36 characters",{"path":"/idToken/idToken"}]`},
		{"handler coded error", v201.RegistrationStatusAccepted, true, `[2,"a","Authorize",{"idToken":{"idToken":"blocked","type":"Central"}}]`,
			`[4,"a","SecurityError","token blocked",{}]`},
		{"handler plain error", v201.RegistrationStatusAccepted, true, `[2,"a","Authorize",{"idToken":{"idToken":"crash","type":"Central"}}]`,
			`[4,"a","InternalError","internal error",{}]`},
		{"handler nil response", v201.RegistrationStatusAccepted, true, `[2,"a","Authorize",{"idToken":{"idToken":"no-response","type":"Central"}}]`,
			`[4,"a","InternalError","handler returned no response",{}]`},
		{"handler invalid response", v201.RegistrationStatusAccepted, true, `[2,"a","Authorize",{"idToken":{"idToken":"bad-response","type":"Central"}}]`,
			`[4,"a","InternalError","invalid response",{}]`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := csmsRouter(tt.status)
			var s ocpp.Session
			if tt.boot {
				if got := dispatch(t, r, &s, boot); !strings.HasPrefix(got, `[3,"b1",`) {
					t.Fatalf("boot answered %s", got)
				}
			}
			if got := dispatch(t, r, &s, tt.call); !strings.HasPrefix(got, tt.want) {
				t.Errorf("Dispatch(%s) = %s, want prefix %s", tt.call, got, tt.want)
			}
		})
	}
}

// OCPP 2.0.1 B02.FR.09: messages triggered by TriggerMessageRequest are
// allowed while Pending.
func TestCSMSRouterTriggeredWhilePending(t *testing.T) {
	r := csmsRouter(v201.RegistrationStatusPending)
	var s ocpp.Session
	dispatch(t, r, &s, boot)
	call := `[2,"s","StatusNotification",{"timestamp":"2026-01-01T12:00:00Z","connectorStatus":"Available","evseId":1,"connectorId":1}]`
	if got := dispatch(t, r, &s, call); !strings.HasPrefix(got, `[4,"s","SecurityError"`) {
		t.Fatalf("untriggered StatusNotification = %s, want SecurityError", got)
	}
	s.AllowWhilePending("StatusNotification")
	if got := dispatch(t, r, &s, call); got != `[3,"s",{}]` {
		t.Fatalf("triggered StatusNotification = %s, want result", got)
	}
	if s.Registration != ocpp.Pending {
		t.Fatalf("Registration = %v, want Pending", s.Registration)
	}
}

// OCPP 2.0.1 B03.FR.08: a Rejected station answers CSMS calls with SecurityError.
func TestStationRouterRejected(t *testing.T) {
	r := v201.NewRouter(ocpp.StationSide)
	ocpp.Handle(r, func(ctx context.Context, s *ocpp.Session, req *v201.GetBaseReportRequest) (*v201.GetBaseReportResponse, error) {
		return &v201.GetBaseReportResponse{Status: v201.GenericDeviceModelStatusAccepted}, nil
	})
	call := `[2,"g","GetBaseReport",{"requestId":1,"reportBase":"FullInventory"}]`
	s := ocpp.Session{Registration: ocpp.Pending}
	if got := dispatch(t, r, &s, call); got != `[3,"g",{"status":"Accepted"}]` {
		t.Fatalf("pending station: %s", got)
	}
	s.Registration = ocpp.Rejected
	if got := dispatch(t, r, &s, call); !strings.HasPrefix(got, `[4,"g","SecurityError"`) {
		t.Fatalf("rejected station: %s, want SecurityError", got)
	}
}

// The ../shared/ocpp README: 2.0.1 caps exiRequest at 5600 characters, real
// contract-certificate requests are longer; 2.1 raises the cap.
func TestGet15118EVCertificateCap(t *testing.T) {
	for _, n := range []int{5600, 5800} {
		m := v201.Get15118EVCertificateRequest{ISO15118SchemaVersion: "urn:iso:15118:2:2013:MsgDef", Action: v201.CertificateActionInstall, EXIRequest: strings.Repeat("A", n)}
		err := m.Validate()
		var e *ocpp.Error
		switch {
		case n <= 5600 && err != nil:
			t.Errorf("exiRequest of %d: %v, want valid", n, err)
		case n > 5600 && (!errors.As(err, &e) || e.Code != ocpp.PropertyConstraintViolation):
			t.Errorf("exiRequest of %d: %v, want PropertyConstraintViolation", n, err)
		}
	}
}
