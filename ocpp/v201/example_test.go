package v201_test

import (
	"context"
	"fmt"
	"time"

	"github.com/plugsim/plugsim/ocpp"
	"github.com/plugsim/plugsim/ocpp/v201"
)

// Example wires a station endpoint to a CSMS endpoint and router without any
// I/O: frames taken from one side are fed to the other.
func Example() {
	t := time.Date(2026, 1, 1, 8, 0, 0, 0, time.UTC)
	station := ocpp.NewEndpoint(ocpp.EndpointOptions{Version: ocpp.V201, IDPrefix: "st-"})
	csms := ocpp.NewEndpoint(ocpp.EndpointOptions{Version: ocpp.V201})
	router := v201.NewRouter(ocpp.CSMSSide)
	ocpp.Handle(router, func(ctx context.Context, s *ocpp.Session, req *v201.BootNotificationRequest) (*v201.BootNotificationResponse, error) {
		return &v201.BootNotificationResponse{CurrentTime: t, Interval: 300, Status: v201.RegistrationStatusAccepted}, nil
	})
	var session ocpp.Session // one per connection

	req := v201.BootNotificationRequest{
		Reason:          v201.BootReasonPowerUp,
		ChargingStation: v201.ChargingStationType{Model: "Wallbox 22", VendorName: "plugsim"},
	}
	if _, err := station.CallMessage(t, &req); err != nil {
		panic(err)
	}

	for _, frame := range station.TakeOutgoing() {
		fmt.Printf("station -> %s\n", frame)
		in := csms.Receive(t, frame)
		if in.Kind == ocpp.IncomingCall {
			csms.RespondFrame(router.Dispatch(context.Background(), &session, in.Frame))
		}
	}
	for _, frame := range csms.TakeOutgoing() {
		fmt.Printf("csms    -> %s\n", frame)
		in := station.Receive(t, frame)
		if in.Kind == ocpp.Completed {
			var res v201.BootNotificationResponse
			if err := ocpp.DecodeResult(in.Completion, &res); err != nil {
				panic(err)
			}
			fmt.Println("station registration:", res.Status, "interval", res.Interval)
		}
	}
	fmt.Println("csms session registration accepted:", session.Registration == ocpp.Accepted)
	// Output:
	// station -> [2,"st-1","BootNotification",{"chargingStation":{"model":"Wallbox 22","vendorName":"plugsim"},"reason":"PowerUp"}]
	// csms    -> [3,"st-1",{"currentTime":"2026-01-01T08:00:00Z","interval":300,"status":"Accepted"}]
	// station registration: Accepted interval 300
	// csms session registration accepted: true
}
