// Package plugsimpb holds the messages plugsim carries over NATS: the
// [Frame] envelope around every wire payload, and the [Control] messages
// of the run coordinator and its clock. The Go code is generated from the
// .proto files of this directory by internal/cmd/gen-proto.
package plugsimpb

//go:generate go run ../internal/cmd/gen-proto .
