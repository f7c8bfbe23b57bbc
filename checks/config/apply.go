package config

import (
	"fmt"
	"time"

	"audit/checks"
)

// Apply turns failures covered by an unexpired waiver into "waived" and
// manual items covered by an unexpired attestation into "pass", in place.
// A waiver with a fingerprint covers that finding only: a failure whose
// findings are all covered is waived, otherwise it stays a failure with the
// findings left. Expired exceptions change nothing and are reported in the
// target's warnings. It returns notes about exceptions that matched nothing.
func (c *Config) Apply(targets []checks.TargetReport, now time.Time) (notes []string) {
	used := map[string]bool{}
	for ti := range targets {
		t := &targets[ti]
		for ri := range t.Results {
			r := &t.Results[ri]
			switch r.Status {
			case checks.StatusFail:
				c.waive(t, r, now, used)
			case checks.StatusManual:
				c.attest(t, r, now, used)
			}
		}
	}
	for _, list := range [][]Exception{c.Waivers, c.Attestations} {
		for _, e := range list {
			if !used[e.Where] && !e.Expired(now) {
				notes = append(notes, fmt.Sprintf("%s: the exception for %s matched nothing; remove it if it is no longer needed", e.Where, e.ID))
			}
		}
	}
	return notes
}

func (c *Config) waive(t *checks.TargetReport, r *checks.Result, now time.Time, used map[string]bool) {
	var expired []Exception
	waivedFP := map[string]Exception{}
	for _, w := range c.Waivers {
		if !w.Matches(r.ID, t.Name) {
			continue
		}
		used[w.Where] = true
		switch {
		case w.Expired(now):
			expired = append(expired, w)
		case w.Fingerprint == "":
			r.Status = checks.StatusWaived
			return
		default:
			waivedFP[w.Fingerprint] = w
		}
	}
	var left []checks.Finding
	for _, f := range r.Findings {
		if _, ok := waivedFP[f.Fingerprint]; !ok || f.Fingerprint == "" {
			left = append(left, f)
		}
	}
	switch {
	case len(left) == 0 && len(r.Findings) > 0:
		r.Status = checks.StatusWaived
		return
	case len(left) < len(r.Findings):
		t.Warnings = append(t.Warnings, fmt.Sprintf("%s: %d of %d findings waived", r.ID, len(r.Findings)-len(left), len(r.Findings)))
		r.Findings = left
	}
	for _, w := range expired {
		t.Warnings = append(t.Warnings, fmt.Sprintf("%s: the waiver at %s expired on %s (%s); the failure stands", r.ID, w.Where, w.Day, w.Reason))
	}
}

func (c *Config) attest(t *checks.TargetReport, r *checks.Result, now time.Time, used map[string]bool) {
	for _, a := range c.Attestations {
		if !a.Matches(r.ID, t.Name) {
			continue
		}
		used[a.Where] = true
		if a.Expired(now) {
			t.Warnings = append(t.Warnings, fmt.Sprintf("%s: the attestation at %s by %s expired on %s", r.ID, a.Where, a.By, a.Day))
			continue
		}
		r.Status = checks.StatusPass
		r.Findings = []checks.Finding{{Message: fmt.Sprintf("attested by %s until %s: %s", a.By, a.Day, a.Reason)}}
		return
	}
}
