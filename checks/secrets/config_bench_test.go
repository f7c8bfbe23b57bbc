package secrets

import (
	"strings"
	"testing"

	"github.com/zricethezav/gitleaks/v8/config"
	"github.com/zricethezav/gitleaks/v8/detect"
)

// BenchmarkDefaultConfig times compiling gitleaks' default rules and
// building a detector from them, which every run pays once.
func BenchmarkDefaultConfig(b *testing.B) {
	for b.Loop() {
		vc, err := readViperConfig(strings.NewReader(config.DefaultConfig))
		if err != nil {
			b.Fatal(err)
		}
		cfg, err := translate(vc)
		if err != nil {
			b.Fatal(err)
		}
		detect.NewDetector(cfg)
	}
}
