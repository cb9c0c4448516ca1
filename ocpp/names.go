package ocpp

import "strconv"

// String returns the kind's name.
func (k InboundKind) String() string {
	switch k {
	case Handled:
		return "Handled"
	case IncomingCall:
		return "IncomingCall"
	case IncomingSend:
		return "IncomingSend"
	case Completed:
		return "Completed"
	case ResultRejected:
		return "ResultRejected"
	}
	return "InboundKind(" + strconv.Itoa(int(k)) + ")"
}

// String returns the state's name as the specification spells the status.
func (r Registration) String() string {
	switch r {
	case NotRegistered:
		return "NotRegistered"
	case Pending:
		return "Pending"
	case Accepted:
		return "Accepted"
	case Rejected:
		return "Rejected"
	}
	return "Registration(" + strconv.Itoa(int(r)) + ")"
}

// String returns "CSMS" or "Station".
func (s Side) String() string {
	switch s {
	case CSMSSide:
		return "CSMS"
	case StationSide:
		return "Station"
	}
	return "Side(" + strconv.Itoa(int(s)) + ")"
}
