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
	used := map[*Exception]bool{}
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
		for i := range list {
			e := &list[i]
			if !used[e] && !e.Expired(now) {
				notes = append(notes, fmt.Sprintf("%s: the exception for %s matched nothing; remove it if it is no longer needed", e.Where, e.ID))
			}
		}
	}
	return notes
}

// waive applies the waivers to a failure. A waiver counts as used when it
// is unexpired and covers the failure: all of it, or one of its findings.
func (c *Config) waive(t *checks.TargetReport, r *checks.Result, now time.Time, used map[*Exception]bool) {
	has := map[string]bool{}
	for _, f := range r.Findings {
		if f.Fingerprint != "" {
			has[f.Fingerprint] = true
		}
	}
	var expired []*Exception
	whole := false
	waivedFP := map[string]bool{}
	for i := range c.Waivers {
		w := &c.Waivers[i]
		if !w.Matches(r.ID, t.Name) {
			continue
		}
		switch {
		case w.Expired(now):
			expired = append(expired, w)
		case w.Fingerprint == "":
			used[w] = true
			whole = true
		case has[w.Fingerprint]:
			used[w] = true
			waivedFP[w.Fingerprint] = true
		}
	}
	if whole {
		r.Status = checks.StatusWaived
		return
	}
	var left []checks.Finding
	for _, f := range r.Findings {
		if f.Fingerprint == "" || !waivedFP[f.Fingerprint] {
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

// attest applies the attestations to a manual item: the first unexpired one
// makes it pass. Expired ones are reported when none holds.
func (c *Config) attest(t *checks.TargetReport, r *checks.Result, now time.Time, used map[*Exception]bool) {
	var valid *Exception
	var expired []*Exception
	for i := range c.Attestations {
		a := &c.Attestations[i]
		if !a.Matches(r.ID, t.Name) {
			continue
		}
		if a.Expired(now) {
			expired = append(expired, a)
			continue
		}
		used[a] = true
		if valid == nil {
			valid = a
		}
	}
	if valid == nil {
		for _, a := range expired {
			t.Warnings = append(t.Warnings, fmt.Sprintf("%s: the attestation at %s by %s expired on %s", r.ID, a.Where, a.By, a.Day))
		}
		return
	}
	r.Status = checks.StatusPass
	r.Findings = []checks.Finding{{Message: fmt.Sprintf("attested by %s until %s: %s", valid.By, valid.Day, valid.Reason)}}
}
