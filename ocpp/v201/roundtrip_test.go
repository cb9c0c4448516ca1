package v201_test

import (
	"context"
	"testing"

	"github.com/plugsim/plugsim/ocpp"
	"github.com/plugsim/plugsim/ocpp/internal/codectest"
	"github.com/plugsim/plugsim/ocpp/v201"
)

// BenchmarkRoundTrip measures one TransactionEvent CALL → CALLRESULT through
// two endpoints and a CSMS router, without I/O: encode and validate the
// request, frame it, parse it, decode and validate it, run the handler,
// encode the response, frame, parse and decode it.
func BenchmarkRoundTrip(b *testing.B) {
	var req v201.TransactionEventRequest
	if err := req.UnmarshalJSON(codectest.Vectors(b)["TransactionEventRequest"]); err != nil {
		b.Fatal(err)
	}
	station := ocpp.NewEndpoint(ocpp.EndpointOptions{})
	csms := ocpp.NewEndpoint(ocpp.EndpointOptions{})
	r := v201.NewRouter(ocpp.CSMSSide)
	total := 0.0
	ocpp.Handle(r, func(ctx context.Context, s *ocpp.Session, req *v201.TransactionEventRequest) (*v201.TransactionEventResponse, error) {
		total += req.MeterValue[0].SampledValue[0].Value
		return &v201.TransactionEventResponse{}, nil
	})
	s := ocpp.Session{Registration: ocpp.Accepted}
	ctx := context.Background()
	buf := make([]byte, 0, 2048)
	b.ReportAllocs()
	for b.Loop() {
		if err := req.Validate(); err != nil {
			b.Fatal(err)
		}
		buf = req.AppendJSON(buf[:0])
		if _, err := station.Call(now, "TransactionEvent", buf); err != nil {
			b.Fatal(err)
		}
		for _, f := range station.TakeOutgoing() {
			in := csms.Receive(now, f)
			if err := csms.RespondFrame(r.Dispatch(ctx, &s, in.Frame)); err != nil {
				b.Fatal(err)
			}
		}
		for _, f := range csms.TakeOutgoing() {
			in := station.Receive(now, f)
			var res v201.TransactionEventResponse
			if in.Kind != ocpp.Completed || in.Completion.Err != nil {
				b.Fatalf("answer %s", f)
			}
			if err := res.UnmarshalJSON(in.Completion.Payload); err != nil {
				b.Fatal(err)
			}
		}
	}
	if total == 0 {
		b.Fatal("handler never ran")
	}
}
