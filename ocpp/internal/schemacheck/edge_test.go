package schemacheck

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/plugsim/plugsim/internal/sharedtest"
)

func compile(t *testing.T, dir, name string) *jsonschema.Schema {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(sharedtest.Path(t, "ocpp", dir), name+".json"))
	if err != nil {
		t.Fatal(err)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(bytes.TrimPrefix(raw, []byte("\xef\xbb\xbf"))))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource("file:///"+name+".json", doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile("file:///" + name + ".json")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestEdgeCases checks hand-picked boundary values, where random drawing is
// unlikely to land, against the schema validator.
func TestEdgeCases(t *testing.T) {
	cases := []struct{ name, msg, payload string }{
		{"lower-case t and z", "HeartbeatResponse", `{"currentTime":"2026-01-01t00:00:00z"}`},
		{"leap second", "HeartbeatResponse", `{"currentTime":"2016-12-31T23:59:60Z"}`},
		{"leap second not at 23:59 UTC", "HeartbeatResponse", `{"currentTime":"2016-12-31T22:59:60Z"}`},
		{"leap second in an offset zone", "HeartbeatResponse", `{"currentTime":"2017-01-01T00:59:60+01:00"}`},
		{"long fraction", "HeartbeatResponse", `{"currentTime":"2026-01-01T00:00:00.123456789123Z"}`},
		{"comma fraction", "HeartbeatResponse", `{"currentTime":"2026-01-01T00:00:00,5Z"}`},
		{"offset +24:00", "HeartbeatResponse", `{"currentTime":"2026-01-01T00:00:00+24:00"}`},
		{"offset -00:00", "HeartbeatResponse", `{"currentTime":"2026-01-01T00:00:00-00:00"}`},
		{"offset without colon", "HeartbeatResponse", `{"currentTime":"2026-01-01T00:00:00+0100"}`},
		{"february 29 in a leap year", "HeartbeatResponse", `{"currentTime":"2024-02-29T00:00:00Z"}`},
		{"february 29 otherwise", "HeartbeatResponse", `{"currentTime":"2100-02-29T00:00:00Z"}`},
		{"hour 24", "HeartbeatResponse", `{"currentTime":"2026-01-01T24:00:00Z"}`},
		{"space separator", "HeartbeatResponse", `{"currentTime":"2026-01-01 00:00:00Z"}`},
		{"year 0000", "HeartbeatResponse", `{"currentTime":"0000-01-01T00:00:00Z"}`},
		{"integer as 2.0", "HeartbeatRequest", `{"customData":{"vendorId":"v","n":2.0}}`},
		{"minimum integer 0", "BootNotificationResponse", `{"currentTime":"2026-01-01T00:00:00Z","interval":-1,"status":"Accepted"}`},
		{"integer 1.0e0", "BootNotificationResponse", `{"currentTime":"2026-01-01T00:00:00Z","interval":1.0e0,"status":"Accepted"}`},
		{"integer -0", "BootNotificationResponse", `{"currentTime":"2026-01-01T00:00:00Z","interval":-0,"status":"Accepted"}`},
		{"maxLength in code points", "BootNotificationRequest", `{"reason":"PowerUp","chargingStation":{"model":"😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀","vendorName":"v"}}`},
		{"maxLength exceeded by one", "BootNotificationRequest", `{"reason":"PowerUp","chargingStation":{"model":"😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀","vendorName":"v"}}`},
		{"escaped string length", "BootNotificationRequest", `{"reason":"PowerUp","chargingStation":{"model":"\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9","vendorName":"v"}}`},
		{"null for optional member", "BootNotificationRequest", `{"reason":"PowerUp","chargingStation":{"model":"m","vendorName":"v","serialNumber":null}}`},
		{"custom data extra members", "BootNotificationRequest", `{"reason":"PowerUp","chargingStation":{"model":"m","vendorName":"v","customData":{"vendorId":"x","deep":{"a":[1,{"b":null}]}}}}`},
		{"custom data without vendorId", "BootNotificationRequest", `{"reason":"PowerUp","chargingStation":{"model":"m","vendorName":"v","customData":{}}}`},
		{"payload is an array", "HeartbeatRequest", `[]`},
		{"data transfer any data", "DataTransferRequest", `{"vendorId":"v","data":[1,"x",{"y":null}]}`},
	}
	for _, v := range versions {
		for _, tt := range cases {
			t.Run(v.dir+"/"+tt.name, func(t *testing.T) {
				sch := compile(t, v.dir, tt.msg)
				inst, err := jsonschema.UnmarshalJSON(bytes.NewReader([]byte(tt.payload)))
				if err != nil {
					t.Fatal(err)
				}
				schemaErr := sch.Validate(inst)
				_, ourErr := ours(v, tt.msg, []byte(tt.payload))
				if (schemaErr == nil) != (ourErr == nil) {
					t.Errorf("%s %s: jsonschema: %v; ours: %v", tt.msg, tt.payload, schemaErr, ourErr)
				}
			})
		}
	}
}
