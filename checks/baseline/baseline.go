// Package baseline reads a previous JSON report and drops the findings it
// already held, so that only new findings fail a run.
package baseline

import (
	"encoding/json"
	"fmt"
	"os"

	"audit/checks"
)

// Baseline is the set of finding fingerprints of an earlier report.
type Baseline map[string]bool

// Load reads a JSON report written by audit --format json.
func Load(file string) (Baseline, error) {
	b, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("read baseline: %w", err)
	}
	var rep checks.Report
	if err := json.Unmarshal(b, &rep); err != nil {
		return nil, fmt.Errorf("baseline %s is not an audit JSON report: %w", file, err)
	}
	if rep.Version != checks.ReportVersion {
		return nil, fmt.Errorf("baseline %s has report version %d, want %d (write it with audit --format json)", file, rep.Version, checks.ReportVersion)
	}
	base := Baseline{}
	for _, t := range rep.Targets {
		for _, r := range t.Results {
			for _, f := range r.Findings {
				if f.Fingerprint != "" {
					base[f.Fingerprint] = true
				}
			}
		}
	}
	return base, nil
}

// Filter removes, in place, the findings of failures that the baseline
// holds; a failure left without findings passes. It returns how many
// findings it removed.
func (b Baseline) Filter(targets []checks.TargetReport) int {
	removed := 0
	for ti := range targets {
		for ri := range targets[ti].Results {
			r := &targets[ti].Results[ri]
			if r.Status != checks.StatusFail {
				continue
			}
			var left []checks.Finding
			for _, f := range r.Findings {
				if f.Fingerprint != "" && b[f.Fingerprint] {
					removed++
					continue
				}
				left = append(left, f)
			}
			if len(left) == 0 && len(r.Findings) > 0 {
				r.Status = checks.StatusPass
			}
			r.Findings = left
		}
	}
	return removed
}
