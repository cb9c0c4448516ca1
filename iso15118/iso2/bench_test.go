package iso2

import (
	"testing"

	"github.com/plugsim/plugsim/iso15118/internal/exibench"
	"github.com/plugsim/plugsim/iso15118/internal/vectors"
)

// codec is this package's document codec for the shared benchmark harness.
var codec = exibench.Codec[Document]{
	Decode:       Decode,
	NewDecoder:   func() func([]byte) (*Document, error) { return new(Decoder).Decode },
	AppendEncode: AppendEncode,
}

// benchVectors are the messages measured, by INDEX.tsv file.
var benchVectors = []struct{ name, file string }{
	{"CurrentDemandReq", "dsV2Gshark_pcaps/0391_CurrentDemandReq.hex"},
	{"AuthorizationReq", "dsV2Gshark_pcaps/0783_AuthorizationReq.hex"},
	{"PaymentDetailsReq", "dsV2Gshark_pcaps/0782_PaymentDetailsReq.hex"},
	{"CertificateInstallationRes", "dsV2Gshark_pcaps/0832_CertificateInstallationRes.hex"},
	// Root certificate IDs with X509SerialNumber (xs:integer) and an 85-character issuer name.
	{"CertificateInstallationReq", "dsV2Gshark_pcaps/0781_undecoded.hex"},
}

// TestAllocs checks the allocation goals on every benchmarked message: a warm Decoder
// allocates only byte and string fields, AppendEncode into a buffer with room nothing.
func TestAllocs(t *testing.T) {
	for _, bv := range benchVectors {
		t.Run(bv.name, func(t *testing.T) {
			exibench.CheckAllocs(t, codec, vectors.PayloadForTest(t, bv.file))
		})
	}
}

func BenchmarkCurrentDemandReq(b *testing.B) {
	exibench.Document(b, codec, vectors.PayloadForTest(b, benchVectors[0].file))
}

func BenchmarkAuthorizationReq(b *testing.B) {
	exibench.Document(b, codec, vectors.PayloadForTest(b, benchVectors[1].file))
}

// BenchmarkPaymentDetailsReq: contract certificate and two sub-CA certificates (1928 bytes).
func BenchmarkPaymentDetailsReq(b *testing.B) {
	exibench.Document(b, codec, vectors.PayloadForTest(b, benchVectors[2].file))
}

func BenchmarkCertificateInstallationRes(b *testing.B) {
	exibench.Document(b, codec, vectors.PayloadForTest(b, benchVectors[3].file))
}

func BenchmarkCertificateInstallationReq(b *testing.B) {
	exibench.Document(b, codec, vectors.PayloadForTest(b, benchVectors[4].file))
}

func BenchmarkChargeParameterDiscoveryResSalesTariff(b *testing.B) {
	exibench.Document(b, codec, salesTariffFrame(b))
}

func TestAllocsSalesTariff(t *testing.T) {
	exibench.CheckAllocs(t, codec, salesTariffFrame(t))
}

// salesTariffFrame returns a ChargeParameterDiscoveryRes with a SalesTariff: no vector carries
// one, so this takes the real frame 0530 and adds a 12-entry SalesTariff to its first tuple.
func salesTariffFrame(b testing.TB) []byte {
	b.Helper()
	var d Document
	if err := Decode(vectors.PayloadForTest(b, "dsV2Gshark_pcaps/0530_ChargeParameterDiscoveryRes.hex"), &d); err != nil {
		b.Fatal(err)
	}
	res := d.V2G_Message.Body.ChargeParameterDiscoveryRes
	if res.SAScheduleList == nil || len(res.SAScheduleList.SAScheduleTuple) == 0 {
		b.Fatal("vector has no SAScheduleTuple")
	}
	id, desc, levels := "ID1", "Tariff", uint8(3)
	st := &SalesTariffType{Id: &id, SalesTariffID: 1, SalesTariffDescription: &desc, NumEPriceLevels: &levels}
	for i := range 12 {
		dur := uint32(3600)
		mult := int8(-2)
		st.SalesTariffEntry = append(st.SalesTariffEntry, SalesTariffEntryType{
			RelativeTimeInterval: &RelativeTimeIntervalType{Start: uint32(i) * 3600, Duration: &dur},
			ConsumptionCost: []ConsumptionCostType{{
				StartValue: PhysicalValueType{Multiplier: 0, Unit: UnitSymbolTypeW, Value: 0},
				Cost:       []CostType{{CostKind: CostKindTypeRelativePricePercentage, Amount: uint32(25 + i), AmountMultiplier: &mult}},
			}},
		})
	}
	res.SAScheduleList.SAScheduleTuple[0].SalesTariff = st
	data, err := AppendEncode(nil, &d)
	if err != nil {
		b.Fatal(err)
	}
	return data
}
