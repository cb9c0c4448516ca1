package iso2

import (
	"bytes"
	"testing"
)

// findVector returns the EXI bytes of one vector by its INDEX.tsv file name.
func findVector(tb testing.TB, file string) []byte {
	for _, v := range loadVectors(tb) {
		if v.file == file {
			return v.exi
		}
	}
	tb.Fatalf("vector %s not found", file)
	return nil
}

// benchDocument measures Decode into a reused Document, a reused Decoder, and AppendEncode
// into a reused buffer.
func benchDocument(b *testing.B, data []byte) {
	b.Run("decode", func(b *testing.B) {
		var d Document
		b.ReportAllocs()
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			if err := Decode(data, &d); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("decoder", func(b *testing.B) {
		var dec Decoder
		b.ReportAllocs()
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			if _, err := dec.Decode(data); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("encode", func(b *testing.B) {
		var d Document
		if err := Decode(data, &d); err != nil {
			b.Fatal(err)
		}
		buf := make([]byte, 0, 2*len(data))
		b.ReportAllocs()
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			var err error
			if buf, err = AppendEncode(buf[:0], &d); err != nil {
				b.Fatal(err)
			}
		}
		if !bytes.Equal(buf, data) {
			b.Fatal("re-encoded bytes differ")
		}
	})
}

func BenchmarkCurrentDemandReq(b *testing.B) {
	benchDocument(b, findVector(b, "dsV2Gshark_pcaps/0391_CurrentDemandReq.hex"))
}

func BenchmarkAuthorizationReq(b *testing.B) {
	benchDocument(b, findVector(b, "dsV2Gshark_pcaps/0783_AuthorizationReq.hex"))
}

// BenchmarkPaymentDetailsReq: contract certificate and two sub-CA certificates (1928 bytes).
func BenchmarkPaymentDetailsReq(b *testing.B) {
	benchDocument(b, findVector(b, "dsV2Gshark_pcaps/0782_PaymentDetailsReq.hex"))
}

func BenchmarkCertificateInstallationRes(b *testing.B) {
	benchDocument(b, findVector(b, "dsV2Gshark_pcaps/0832_CertificateInstallationRes.hex"))
}

// BenchmarkChargeParameterDiscoveryResSalesTariff: no vector carries a SalesTariff, so this
// takes a real ChargeParameterDiscoveryRes and adds a 12-entry SalesTariff to its first tuple.
func BenchmarkChargeParameterDiscoveryResSalesTariff(b *testing.B) {
	var d Document
	if err := Decode(findVector(b, "dsV2Gshark_pcaps/0530_ChargeParameterDiscoveryRes.hex"), &d); err != nil {
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
	benchDocument(b, data)
}
