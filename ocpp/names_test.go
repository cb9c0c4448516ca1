package ocpp

import "testing"

func TestNames(t *testing.T) {
	tests := []struct {
		got, want string
	}{
		{IncomingCall.String(), "IncomingCall"},
		{ResultRejected.String(), "ResultRejected"},
		{InboundKind(9).String(), "InboundKind(9)"},
		{Pending.String(), "Pending"},
		{Registration(-1).String(), "Registration(-1)"},
		{CSMSSide.String(), "CSMS"},
		{StationSide.String(), "Station"},
		{Call.String(), "CALL"},
		{MessageType(9).String(), "MessageType(9)"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("String() = %q, want %q", tt.got, tt.want)
		}
	}
}
