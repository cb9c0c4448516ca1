package conformance

import (
	"encoding/json"
	"slices"
	"testing"

	"github.com/plugsim/plugsim/iso15118/internal/vectors"
)

func TestLiteral(t *testing.T) {
	tests := []struct {
		rhs          string
		pairExpValue bool
		want         string
		ok           bool
	}{
		{"true", false, "true", true},
		{"-20000.0f", false, "-20000.0", true},
		{`"DE*PNX*E12345*1"`, false, "DE*PNX*E12345*1", true},
		{"std::array<uint8_t, 8>{0x3D, 0x4C, 0xBF, 0x93, 0x37, 0x4E, 0xD8, 0x9B}", false, "3d4cbf93374ed89b", true},
		{"std::array<uint8_t, 8>{0}", false, "0000000000000000", true},
		{"message_20::datatypes::ResponseCode::OK", false, "OK", true},
		{"{4000, -1}", false, "4000e-1", true},
		{"message_20::datatypes::RationalNumber{10, 2}", false, "10e2", true},
		{"{3, 200}", true, "200e3", true},
		{"din_responseCodeType_OK_NewSessionEstablished", true, "OK_NewSessionEstablished", true},
		{"din_sessionIDType_BYTES_SIZE", true, "", false},
		{"message_20::to_underlying_value(message_20::datatypes::ServiceCategory::DC)", false, "", false},
		{"exp_gen_challenge", false, "", false},
	}
	for _, tt := range tests {
		got, ok := literal(tt.rhs, tt.pairExpValue)
		if got != tt.want || ok != tt.ok {
			t.Errorf("literal(%q, %v) = %q, %v, want %q, %v", tt.rhs, tt.pairExpValue, got, ok, tt.want, tt.ok)
		}
	}
}

func TestNameMatches(t *testing.T) {
	tests := []struct {
		el, id string
		want   bool
	}{
		{"EVPresentActivePower", "present_active_power", true},
		{"EVMaximumChargePower_L2", "max_charge_power_L2", true},
		{"EVSEProcessing", "processing", true},
		{"EVSEProcessing", "evse_processing", true},
		{"SessionID", "session_id", true},
		{"EVTargetEnergyRequest", "target_energy", true},
		{"AuthorizationServices", "authorization_services", true},
		{"EVSEPresentVoltage", "present_current", false},
		{"EVMinimumChargePower", "max_charge_power", false},
	}
	for _, tt := range tests {
		if got := nameMatches(tt.el, tt.id); got != tt.want {
			t.Errorf("nameMatches(%q, %q) = %v, want %v", tt.el, tt.id, got, tt.want)
		}
	}
}

func TestSameIndices(t *testing.T) {
	tests := []struct {
		got, want []int
		ok        bool
	}{
		{nil, nil, true},
		{[]int{0}, nil, true},
		{[]int{1}, nil, false},
		{[]int{0, 2}, []int{2}, true},
		{[]int{1, 2}, []int{2}, false},
		{[]int{2}, []int{0, 2}, false},
	}
	for _, tt := range tests {
		if got := sameIndices(tt.got, tt.want); got != tt.ok {
			t.Errorf("sameIndices(%v, %v) = %v, want %v", tt.got, tt.want, got, tt.ok)
		}
	}
}

func TestValueMatches(t *testing.T) {
	enums := enumTable{"NO_ERROR": {0}, "A": {3}, "None": {0, 2}}
	tests := []struct {
		got  string // JSON
		want string
		ok   bool
	}{
		{`true`, "1", true},
		{`false`, "true", false},
		{`12`, "12.0", true},
		{`{"Exponent":3,"Value":200}`, "200000", true},
		{`{"Exponent":-1,"Value":4000}`, "400", true},
		{`{"Multiplier":-1,"Value":4000}`, "401", false},
		{`"3D30D3AD4C3B83DF"`, "3d30d3ad4c3b83df", true},
		{`"NO_ERROR"`, "0", true},
		{`"A"`, "3", true},
		{`"A"`, "A", true},
		{`"None"`, "0", false},
		{`"OK"`, "FAILED", false},
	}
	for _, tt := range tests {
		v, err := jsonTree(json.RawMessage(tt.got))
		if err != nil {
			t.Fatal(err)
		}
		if got := valueMatches(v, tt.want, enums.index); got != tt.ok {
			t.Errorf("valueMatches(%s, %q) = %v, want %v", tt.got, tt.want, got, tt.ok)
		}
	}
}

// mutate changes every leaf value of a JSON tree.
func mutate(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			x[k] = mutate(e)
		}
		return x
	case []any:
		for i, e := range x {
			x[i] = mutate(e)
		}
		return x
	case json.Number:
		return json.Number(string(x) + "7")
	case bool:
		return !x
	case string:
		return x + "ZZ"
	}
	return v
}

// TestComparatorsCanFail checks that the field comparisons notice wrong
// values: for every vector with expected values, a decoded tree whose
// every leaf was changed must give mismatches.
func TestComparatorsCanFail(t *testing.T) {
	dir, vs := vectors.ForTest(t)
	enums := loadEnums(t, dir)
	cs := codecs()
	n := 0
	for i := range vs {
		v := &vs[i]
		if v.Verdict != vectors.VerdictOK || !slices.Contains([]string{"pyPLC_openv2g_decoded", "libcbv2g_tests", "libiso15118_tests"}, v.Source) {
			continue
		}
		if v.Source == "pyPLC_openv2g_decoded" && (v.Schema != "din" || i%20 != 0) {
			continue // a sample of the 1,297 DIN frames is enough here
		}
		d, err := cs[v.Schema](v.Payload)
		if err != nil {
			continue
		}
		tree, err := jsonTree(d.value)
		if err != nil {
			t.Fatal(err)
		}
		var r fieldResult
		switch v.Source {
		case "pyPLC_openv2g_decoded":
			r = compareOpenV2G(v, d.name, mutate(tree), enums[v.Schema])
		case "libcbv2g_tests":
			r = compareAsserts(v.Meta.Asserts, d.name, mutate(tree), true)
			if v.Meta.XMLComment != "" {
				x := compareXML(v, d.name, mutate(tree))
				r.checked += x.checked
				r.mismatches = append(r.mismatches, x.mismatches...)
			}
		default:
			r = compareAsserts(v.Meta.Asserts, d.name, mutate(tree), false)
		}
		if r.checked > 1 && len(r.mismatches) == 0 {
			t.Errorf("%s: %d values compared against a mutated tree, none mismatched", v.ID(), r.checked)
		}
		n++
	}
	if n == 0 {
		t.Fatal("no vector with expected values")
	}
}
