package policies

import (
	"context"
	"testing"
)

// BenchmarkCompile times compiling the built-in policies, which every run
// pays once (the pre-commit path included).
func BenchmarkCompile(b *testing.B) {
	for b.Loop() {
		if _, err := Compile(context.Background()); err != nil {
			b.Fatal(err)
		}
	}
}
