// Package exi owns the EXI bit stream as ISO 15118 and DIN 70121 profile it: a [Reader] and a
// [Writer] over byte slices for the value encodings of EXI 1.0 (W3C, second edition, §7.1)
// that schema-informed ISO 15118 codecs use, and the [Error] type every codec reports.
//
// The profile is fixed: one header byte 0x80 (no cookie, no options), bit-packed alignment,
// non-strict schema-informed grammars, no string table hits (valuePartitionCapacity 0), zero
// padding after the last event. Bits are written most significant first.
//
// Values:
//   - n-bit unsigned integers (event codes, enumerations, bounded integers): [Writer.WriteBits],
//     [Reader.ReadBits];
//   - unsigned integers as 7-bit groups, least significant group first: [Writer.WriteUint],
//     [Reader.ReadUint] (values above 64 bits are refused);
//   - signed integers as a sign bit and the magnitude (−v−1 when negative): [Writer.WriteInt],
//     and unbounded xs:integer values of any size as [Integer] ([Writer.WriteInteger]);
//   - booleans as one bit;
//   - strings as the unsigned length plus 2 followed by one unsigned integer per code point
//     ([Writer.WriteString]); a string-table hit (length field 0 or 1) is never written and is
//     refused when read, because ISO 15118 disables the value table;
//   - binary (hexBinary, base64Binary) as the unsigned length followed by the raw bytes.
//
// Limits: [Reader.ReadString] and [Reader.ReadBinary] take the caller's maximum (the schema's
// maxLength, or [DefaultMaxLength] when the schema has none) and also refuse any length that the
// rest of the input cannot hold, so a decoder never allocates more than its input justifies.
// Errors are *[Error] values carrying the bit offset; truncated input wraps io.ErrUnexpectedEOF.
package exi
