package exibench

import (
	"reflect"
	"testing"
)

func TestValueFields(t *testing.T) {
	type leaf struct {
		S string
		B []byte
		N int
	}
	type doc struct {
		P    *leaf
		L    []leaf
		Opt  *string
		Skip *leaf
	}
	s, empty := "x", ""
	tests := []struct {
		name string
		v    any
		want int
	}{
		{"empty", doc{}, 0},
		{"pointer", doc{P: &leaf{S: "a", B: []byte{1}}}, 2},
		{"empty values", doc{P: &leaf{B: []byte{}}, Opt: &empty}, 0},
		{"slice of structs", doc{L: []leaf{{S: "a"}, {B: []byte{1}}, {N: 3}}}, 2},
		{"string pointer", &doc{Opt: &s}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ValueFields(reflect.ValueOf(tt.v)); got != tt.want {
				t.Errorf("ValueFields(%+v) = %d, want %d", tt.v, got, tt.want)
			}
		})
	}
}
