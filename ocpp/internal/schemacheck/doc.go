// Package schemacheck owns the cross-check of the generated OCPP validators
// (ocpp/v201, ocpp/v21) against an independent JSON Schema validator
// (github.com/santhosh-tekuri/jsonschema/v6) on the official schema files,
// over seeded random valid and invalid messages. It has tests only.
package schemacheck
