package v201

import "github.com/plugsim/plugsim/ocpp"

// Version is the protocol version of this package.
const Version = ocpp.V201

// NewRouter returns an [ocpp.Router] for side that answers actions of
// OCPP 2.0.1 without a handler with NotSupported and other actions with
// NotImplemented.
func NewRouter(side ocpp.Side) *ocpp.Router {
	return ocpp.NewRouter(ocpp.RouterOptions{Side: side, Known: IsAction})
}

// Registration maps the response's status to the session's registration
// state; the CSMS-side router uses it.
func (m *BootNotificationResponse) Registration() ocpp.Registration {
	switch m.Status {
	case RegistrationStatusAccepted:
		return ocpp.Accepted
	case RegistrationStatusPending:
		return ocpp.Pending
	case RegistrationStatusRejected:
		return ocpp.Rejected
	}
	return ocpp.NotRegistered
}

var _ ocpp.RegistrationResult = (*BootNotificationResponse)(nil)
