package iso2

import (
	"bytes"
	"errors"
	"testing"

	"github.com/plugsim/plugsim/iso15118/exi"
)

// X509Data is a repeated choice: X509SKI, X509Certificate, ... may come in any order. The Go
// value keeps one slice per element name and writes them in schema order, so a stream in
// another order (here X509Certificate, then X509SKI) is refused at the event code that goes
// back, instead of being decoded into a value that re-encodes to other bytes.
func TestRepeatedChoiceOrder(t *testing.T) {
	fwd := XMLDSigFragment{X509Data: &X509DataType{X509SKI: [][]byte{{0xaa}}, X509Certificate: [][]byte{{0xcc}}}}
	b, err := AppendEncodeXMLDSigFragment(nil, &fwd)
	if err != nil {
		t.Fatal(err)
	}
	var got XMLDSigFragment
	if err := DecodeXMLDSigFragment(b, &got); err != nil {
		t.Fatalf("schema order: %v", err)
	}
	if again, err := AppendEncodeXMLDSigFragment(nil, &got); err != nil || !bytes.Equal(again, b) {
		t.Fatalf("schema order re-encodes to %x (%v), want %x", again, err, b)
	}

	r := exi.NewReader(b)
	if err := r.ReadHeader(); err != nil {
		t.Fatal(err)
	}
	code, _ := r.ReadBits(6) // SE(X509Data) in the xmldsig-core fragment grammar
	// X509Data states: X509IssuerSerial 0, X509SKI 1, X509SubjectName 2, X509Certificate 3,
	// X509CRL 4, SE(*) 5 (and EE 6 after the first item): 3-bit codes.
	w := exi.NewWriter(nil)
	w.WriteHeader()
	w.WriteBits(code, 6)
	w.WriteBits(3, 3) // SE(X509Certificate)
	w.WriteBits(0, 1) // CH
	w.WriteBinary([]byte{0xcc})
	w.WriteBits(0, 1) // EE
	back := w.Pos()
	w.WriteBits(1, 3) // SE(X509SKI): back to an earlier element
	w.WriteBits(0, 1)
	w.WriteBinary([]byte{0xaa})
	w.WriteBits(0, 1)
	w.WriteBits(6, 3) // EE of X509Data
	var rev XMLDSigFragment
	err = DecodeXMLDSigFragment(w.Bytes(), &rev)
	e, ok := errors.AsType[*exi.Error](err)
	if !ok || !errors.Is(err, exi.ErrUnsupported) || e.Bit != back {
		t.Errorf("DecodeXMLDSigFragment(X509Certificate, X509SKI) = %v, want exi.ErrUnsupported at bit %d (its event code)", err, back)
	}
}
