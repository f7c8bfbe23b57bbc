package config_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"audit/checks"
	"audit/checks/config"
)

// now is the default clock of the Apply tests: mid-January 2027.
var now = time.Date(2027, 1, 15, 12, 0, 0, 0, time.UTC)

func mustParse(t *testing.T, yaml string) *config.Config {
	t.Helper()
	cfg, err := config.Parse(file, []byte(yaml), known)
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return cfg
}

// finding returns a finding with a fingerprint ("" for none).
func finding(path, fingerprint string) checks.Finding {
	return checks.Finding{Message: "secret in " + path, Path: path, Line: 1, Fingerprint: fingerprint}
}

// target returns a target report named name holding results.
func target(name string, results ...checks.Result) checks.TargetReport {
	return checks.TargetReport{Name: name, Kind: checks.KindRepo, Results: results}
}

func result(id string, status checks.Status, findings ...checks.Finding) checks.Result {
	return checks.Result{ID: id, Title: "title of " + id, Severity: checks.SeverityHigh, Status: status, Findings: findings}
}

// warned returns tr with warnings.
func warned(tr checks.TargetReport, warnings ...string) checks.TargetReport {
	tr.Warnings = warnings
	return tr
}

const (
	// lines 2-4
	wholeSEC01 = "  - id: SEC-01\n    reason: test keys\n    expires: 2027-01-31\n"
	// lines 2-5
	attestMAN01 = "  - id: MAN-01\n    by: alice\n    reason: runbook reviewed\n    expires: 2027-01-31\n"
)

func TestApplyWaivers(t *testing.T) {
	a, b, c := finding("a.env", "fp-a"), finding("b.env", "fp-b"), finding("c.env", "fp-c")
	bare := finding("d.env", "")
	tests := []struct {
		name  string
		yaml  string
		now   time.Time // now when zero
		in    []checks.TargetReport
		want  []checks.TargetReport
		notes []string
	}{
		{
			name: "whole-item waiver: fail becomes waived, findings kept",
			yaml: "waivers:\n" + wholeSEC01,
			in:   []checks.TargetReport{target("web-1", result("SEC-01", checks.StatusFail, a, b))},
			want: []checks.TargetReport{target("web-1", result("SEC-01", checks.StatusWaived, a, b))},
		},
		{
			name: "whole-item waiver, fail without findings",
			yaml: "waivers:\n" + wholeSEC01,
			in:   []checks.TargetReport{target("web-1", result("SEC-01", checks.StatusFail))},
			want: []checks.TargetReport{target("web-1", result("SEC-01", checks.StatusWaived))},
		},
		{
			name: "waiver about another item: unchanged, noted",
			yaml: "waivers:\n" + wholeSEC01,
			in:   []checks.TargetReport{target("web-1", result("SEC-02", checks.StatusFail, a))},
			want: []checks.TargetReport{target("web-1", result("SEC-02", checks.StatusFail, a))},
			notes: []string{
				file + ":2: the exception for SEC-01 matched nothing; remove it if it is no longer needed",
			},
		},
		{
			name: "one waiver covers the item on every target",
			yaml: "waivers:\n" + wholeSEC01,
			in: []checks.TargetReport{
				target("web-1", result("SEC-01", checks.StatusFail, a)),
				target("api-1", result("SEC-01", checks.StatusFail, b), result("SEC-02", checks.StatusFail, c)),
			},
			want: []checks.TargetReport{
				target("web-1", result("SEC-01", checks.StatusWaived, a)),
				target("api-1", result("SEC-01", checks.StatusWaived, b), result("SEC-02", checks.StatusFail, c)),
			},
		},
		{
			name: "target glob: only the matching targets",
			yaml: "waivers:\n  - id: SEC-01\n    target: web-*\n    reason: r\n    expires: 2027-01-31\n",
			in: []checks.TargetReport{
				target("web-1", result("SEC-01", checks.StatusFail, a)),
				target("api-1", result("SEC-01", checks.StatusFail, a)),
				target("web-2", result("SEC-01", checks.StatusFail, b)),
				target("old/web-3", result("SEC-01", checks.StatusFail, c)),
			},
			want: []checks.TargetReport{
				target("web-1", result("SEC-01", checks.StatusWaived, a)),
				target("api-1", result("SEC-01", checks.StatusFail, a)),
				target("web-2", result("SEC-01", checks.StatusWaived, b)),
				target("old/web-3", result("SEC-01", checks.StatusFail, c)),
			},
		},
		{
			name: "target glob matching no target: noted",
			yaml: "waivers:\n  - id: SEC-01\n    target: db-*\n    reason: r\n    expires: 2027-01-31\n",
			in:   []checks.TargetReport{target("web-1", result("SEC-01", checks.StatusFail, a))},
			want: []checks.TargetReport{target("web-1", result("SEC-01", checks.StatusFail, a))},
			notes: []string{
				file + ":2: the exception for SEC-01 matched nothing; remove it if it is no longer needed",
			},
		},
		{
			name: "fingerprint waivers covering every finding: waived, findings kept",
			yaml: "waivers:\n" +
				"  - {id: SEC-01, fingerprint: fp-a, reason: r, expires: 2027-01-31}\n" +
				"  - {id: SEC-01, fingerprint: fp-b, reason: r, expires: 2027-01-31}\n",
			in:   []checks.TargetReport{target("web-1", result("SEC-01", checks.StatusFail, a, b))},
			want: []checks.TargetReport{target("web-1", result("SEC-01", checks.StatusWaived, a, b))},
		},
		{
			name: "fingerprint waivers covering some findings: fail with the rest, and a warning",
			yaml: "waivers:\n" +
				"  - {id: SEC-01, fingerprint: fp-a, reason: r, expires: 2027-01-31}\n" +
				"  - {id: SEC-01, fingerprint: fp-c, reason: r, expires: 2027-01-31}\n",
			in: []checks.TargetReport{target("web-1", result("SEC-01", checks.StatusFail, a, b, c, bare))},
			want: []checks.TargetReport{warned(
				target("web-1", result("SEC-01", checks.StatusFail, b, bare)),
				"SEC-01: 2 of 4 findings waived",
			)},
		},
		{
			name: "a finding without fingerprint is never covered by a fingerprint waiver",
			yaml: "waivers:\n  - {id: SEC-01, fingerprint: fp-a, reason: r, expires: 2027-01-31}\n",
			in:   []checks.TargetReport{target("web-1", result("SEC-01", checks.StatusFail, a, bare))},
			want: []checks.TargetReport{warned(
				target("web-1", result("SEC-01", checks.StatusFail, bare)),
				"SEC-01: 1 of 2 findings waived",
			)},
		},
		{
			name: "fingerprint waiver that matches no finding: unchanged, noted",
			yaml: "waivers:\n  - {id: SEC-01, fingerprint: fp-gone, reason: r, expires: 2027-01-31}\n",
			in:   []checks.TargetReport{target("web-1", result("SEC-01", checks.StatusFail, a, bare))},
			want: []checks.TargetReport{target("web-1", result("SEC-01", checks.StatusFail, a, bare))},
			notes: []string{
				file + ":2: the exception for SEC-01 matched nothing; remove it if it is no longer needed",
			},
		},
		{
			name: "fingerprint waiver on a failure without findings: unchanged, noted",
			yaml: "waivers:\n  - {id: SEC-01, fingerprint: fp-a, reason: r, expires: 2027-01-31}\n",
			in:   []checks.TargetReport{target("web-1", result("SEC-01", checks.StatusFail))},
			want: []checks.TargetReport{target("web-1", result("SEC-01", checks.StatusFail))},
			notes: []string{
				file + ":2: the exception for SEC-01 matched nothing; remove it if it is no longer needed",
			},
		},
		{
			name: "fingerprint waiver of another item does not cover this item's finding",
			yaml: "waivers:\n  - {id: SEC-02, fingerprint: fp-a, reason: r, expires: 2027-01-31}\n",
			in: []checks.TargetReport{target("web-1",
				result("SEC-01", checks.StatusFail, a),
				result("SEC-02", checks.StatusFail, b),
			)},
			want: []checks.TargetReport{target("web-1",
				result("SEC-01", checks.StatusFail, a),
				result("SEC-02", checks.StatusFail, b),
			)},
			notes: []string{
				file + ":2: the exception for SEC-02 matched nothing; remove it if it is no longer needed",
			},
		},
		{
			name: "fingerprint waiver limited to a target",
			yaml: "waivers:\n  - {id: SEC-01, target: web-1, fingerprint: fp-a, reason: r, expires: 2027-01-31}\n",
			in: []checks.TargetReport{
				target("web-1", result("SEC-01", checks.StatusFail, a)),
				target("web-2", result("SEC-01", checks.StatusFail, a)),
			},
			want: []checks.TargetReport{
				target("web-1", result("SEC-01", checks.StatusWaived, a)),
				target("web-2", result("SEC-01", checks.StatusFail, a)),
			},
		},
		{
			name: "whole-item waiver wins over fingerprint waivers, whatever the order",
			yaml: "waivers:\n" +
				"  - {id: SEC-01, fingerprint: fp-a, reason: r, expires: 2027-01-31}\n" +
				"  - {id: SEC-01, reason: r, expires: 2027-01-31}\n" +
				"  - {id: SEC-01, fingerprint: fp-b, reason: r, expires: 2027-01-31}\n",
			in:   []checks.TargetReport{target("web-1", result("SEC-01", checks.StatusFail, a, b, c))},
			want: []checks.TargetReport{target("web-1", result("SEC-01", checks.StatusWaived, a, b, c))},
		},
		{
			name: "expired whole-item waiver: the failure stands, with a warning naming file:line and date",
			yaml: "waivers:\n  - id: SEC-01\n    reason: test keys\n    expires: 2027-01-14\n",
			in:   []checks.TargetReport{target("web-1", result("SEC-01", checks.StatusFail, a))},
			want: []checks.TargetReport{warned(
				target("web-1", result("SEC-01", checks.StatusFail, a)),
				"SEC-01: the waiver at "+file+":2 expired on 2027-01-14 (test keys); the failure stands",
			)},
		},
		{
			name: "expired fingerprint waiver: the finding stays, with a warning",
			yaml: "waivers:\n  - {id: SEC-01, fingerprint: fp-a, reason: old, expires: 2026-12-31}\n",
			in:   []checks.TargetReport{target("web-1", result("SEC-01", checks.StatusFail, a, b))},
			want: []checks.TargetReport{warned(
				target("web-1", result("SEC-01", checks.StatusFail, a, b)),
				"SEC-01: the waiver at "+file+":2 expired on 2026-12-31 (old); the failure stands",
			)},
		},
		{
			name: "expired and valid fingerprint waivers: partial waiver and the expiry warning",
			yaml: "waivers:\n" +
				"  - {id: SEC-01, fingerprint: fp-a, reason: new, expires: 2027-01-31}\n" +
				"  - {id: SEC-01, fingerprint: fp-b, reason: old, expires: 2027-01-01}\n",
			in: []checks.TargetReport{target("web-1", result("SEC-01", checks.StatusFail, a, b))},
			want: []checks.TargetReport{warned(
				target("web-1", result("SEC-01", checks.StatusFail, b)),
				"SEC-01: 1 of 2 findings waived",
				"SEC-01: the waiver at "+file+":3 expired on 2027-01-01 (old); the failure stands",
			)},
		},
		{
			name: "expired waiver and a valid one: waived, no warning",
			yaml: "waivers:\n" +
				"  - {id: SEC-01, reason: old, expires: 2027-01-01}\n" +
				"  - {id: SEC-01, reason: new, expires: 2027-01-31}\n",
			in:   []checks.TargetReport{target("web-1", result("SEC-01", checks.StatusFail, a))},
			want: []checks.TargetReport{target("web-1", result("SEC-01", checks.StatusWaived, a))},
		},
		{
			name: "expired waiver that matches nothing: neither warned nor noted",
			yaml: "waivers:\n  - {id: SEC-02, reason: old, expires: 2027-01-01}\n",
			in:   []checks.TargetReport{target("web-1", result("SEC-01", checks.StatusFail, a), result("SEC-02", checks.StatusPass))},
			want: []checks.TargetReport{target("web-1", result("SEC-01", checks.StatusFail, a), result("SEC-02", checks.StatusPass))},
		},
		{
			name: "unused exceptions noted in file order, waivers first; used and expired ones not",
			yaml: "attestations:\n" + attestMAN01 + // 2: unused
				"waivers:\n" +
				"  - {id: SEC-01, reason: used, expires: 2027-01-31}\n" + // 7
				"  - {id: SEC-02, reason: unused, expires: 2027-01-31}\n" + // 8
				"  - {id: SEC-02, reason: expired, expires: 2027-01-01}\n" + // 9
				"  - {id: SEC-01, target: db-1, reason: unused, expires: 2027-01-31}\n", // 10
			in:   []checks.TargetReport{target("web-1", result("SEC-01", checks.StatusFail, a))},
			want: []checks.TargetReport{target("web-1", result("SEC-01", checks.StatusWaived, a))},
			notes: []string{
				file + ":8: the exception for SEC-02 matched nothing; remove it if it is no longer needed",
				file + ":10: the exception for SEC-01 matched nothing; remove it if it is no longer needed",
				file + ":2: the exception for MAN-01 matched nothing; remove it if it is no longer needed",
			},
		},
		{
			name: "two valid whole-item waivers for one failure: both used",
			yaml: "waivers:\n" +
				"  - {id: SEC-01, reason: until January, expires: 2027-01-31}\n" +
				"  - {id: SEC-01, target: web-*, reason: until March, expires: 2027-03-31}\n",
			in:   []checks.TargetReport{target("web-1", result("SEC-01", checks.StatusFail, a))},
			want: []checks.TargetReport{target("web-1", result("SEC-01", checks.StatusWaived, a))},
		},
		{
			name: "whole-item and fingerprint waiver for one failure: both used",
			yaml: "waivers:\n" +
				"  - {id: SEC-01, reason: r, expires: 2027-01-31}\n" +
				"  - {id: SEC-01, fingerprint: fp-a, reason: r, expires: 2027-01-31}\n",
			in:   []checks.TargetReport{target("web-1", result("SEC-01", checks.StatusFail, a))},
			want: []checks.TargetReport{target("web-1", result("SEC-01", checks.StatusWaived, a))},
		},
		{
			name: "two waivers on one line (flow style): the unused one is still noted",
			yaml: "waivers: [{id: SEC-01, reason: r, expires: 2027-01-31}, {id: SEC-02, reason: r, expires: 2027-01-31}]\n",
			in:   []checks.TargetReport{target("web-1", result("SEC-01", checks.StatusFail, a))},
			want: []checks.TargetReport{target("web-1", result("SEC-01", checks.StatusWaived, a))},
			notes: []string{
				file + ":1: the exception for SEC-02 matched nothing; remove it if it is no longer needed",
			},
		},
		{
			name: "only fail is waived: pass, error, not_applicable, manual, waived untouched",
			yaml: "waivers:\n" +
				"  - {id: SEC-01, reason: r, expires: 2027-01-31}\n" +
				"  - {id: SEC-02, reason: r, expires: 2027-01-31}\n" +
				"  - {id: SEC-01, fingerprint: fp-a, reason: r, expires: 2027-01-31}\n",
			in: []checks.TargetReport{
				target("pass", result("SEC-01", checks.StatusPass, a)),
				target("error", result("SEC-01", checks.StatusError, a), result("SEC-02", checks.StatusError)),
				target("na", result("SEC-01", checks.StatusNotApplicable)),
				target("manual", result("SEC-01", checks.StatusManual, a)),
				target("waived", result("SEC-01", checks.StatusWaived, a)),
				target("odd", result("SEC-01", checks.Status("unknown"), a)),
			},
			want: []checks.TargetReport{
				target("pass", result("SEC-01", checks.StatusPass, a)),
				target("error", result("SEC-01", checks.StatusError, a), result("SEC-02", checks.StatusError)),
				target("na", result("SEC-01", checks.StatusNotApplicable)),
				target("manual", result("SEC-01", checks.StatusManual, a)),
				target("waived", result("SEC-01", checks.StatusWaived, a)),
				target("odd", result("SEC-01", checks.Status("unknown"), a)),
			},
			notes: []string{
				file + ":2: the exception for SEC-01 matched nothing; remove it if it is no longer needed",
				file + ":3: the exception for SEC-02 matched nothing; remove it if it is no longer needed",
				file + ":4: the exception for SEC-01 matched nothing; remove it if it is no longer needed",
			},
		},
		{
			name: "a waiver never touches a target's error",
			yaml: "waivers:\n" + wholeSEC01,
			in: []checks.TargetReport{
				{Name: "web-1", Kind: checks.KindRepo, Error: "unreachable"},
				target("web-2", result("SEC-01", checks.StatusFail, a)),
			},
			want: []checks.TargetReport{
				{Name: "web-1", Kind: checks.KindRepo, Error: "unreachable"},
				target("web-2", result("SEC-01", checks.StatusWaived, a)),
			},
		},
		{
			name: "existing warnings kept, new ones appended",
			yaml: "waivers:\n  - {id: SEC-01, reason: old, expires: 2027-01-01}\n",
			in: []checks.TargetReport{warned(
				target("web-1", result("SEC-01", checks.StatusFail, a)),
				"shallow clone",
			)},
			want: []checks.TargetReport{warned(
				target("web-1", result("SEC-01", checks.StatusFail, a)),
				"shallow clone",
				"SEC-01: the waiver at "+file+":2 expired on 2027-01-01 (old); the failure stands",
			)},
		},
		{
			name: "last instant of the expiry day: still waived",
			yaml: "waivers:\n" + wholeSEC01,
			now:  time.Date(2027, 1, 31, 23, 59, 59, 999_999_999, time.UTC),
			in:   []checks.TargetReport{target("web-1", result("SEC-01", checks.StatusFail, a))},
			want: []checks.TargetReport{target("web-1", result("SEC-01", checks.StatusWaived, a))},
		},
		{
			name: "00:00 UTC the next day: expired",
			yaml: "waivers:\n" + wholeSEC01,
			now:  time.Date(2027, 2, 1, 0, 0, 0, 0, time.UTC),
			in:   []checks.TargetReport{target("web-1", result("SEC-01", checks.StatusFail, a))},
			want: []checks.TargetReport{warned(
				target("web-1", result("SEC-01", checks.StatusFail, a)),
				"SEC-01: the waiver at "+file+":2 expired on 2027-01-31 (test keys); the failure stands",
			)},
		},
		{
			name: "UTC+14 clock on 1 February, still 31 January UTC: waived",
			yaml: "waivers:\n" + wholeSEC01,
			now:  time.Date(2027, 2, 1, 13, 0, 0, 0, time.FixedZone("UTC+14", 14*3600)),
			in:   []checks.TargetReport{target("web-1", result("SEC-01", checks.StatusFail, a))},
			want: []checks.TargetReport{target("web-1", result("SEC-01", checks.StatusWaived, a))},
		},
		{
			name: "UTC-12 clock on 31 January, already 1 February UTC: expired",
			yaml: "waivers:\n" + wholeSEC01,
			now:  time.Date(2027, 1, 31, 13, 0, 0, 0, time.FixedZone("UTC-12", -12*3600)),
			in:   []checks.TargetReport{target("web-1", result("SEC-01", checks.StatusFail, a))},
			want: []checks.TargetReport{warned(
				target("web-1", result("SEC-01", checks.StatusFail, a)),
				"SEC-01: the waiver at "+file+":2 expired on 2027-01-31 (test keys); the failure stands",
			)},
		},
		{
			name: "no exceptions: nothing changes",
			yaml: "",
			in:   []checks.TargetReport{target("web-1", result("SEC-01", checks.StatusFail, a), result("MAN-01", checks.StatusManual))},
			want: []checks.TargetReport{target("web-1", result("SEC-01", checks.StatusFail, a), result("MAN-01", checks.StatusManual))},
		},
		{
			name: "no targets: every exception noted",
			yaml: "waivers:\n" + wholeSEC01,
			in:   []checks.TargetReport{},
			want: []checks.TargetReport{},
			notes: []string{
				file + ":2: the exception for SEC-01 matched nothing; remove it if it is no longer needed",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := mustParse(t, tt.yaml)
			at := tt.now
			if at.IsZero() {
				at = now
			}
			notes := cfg.Apply(tt.in, at)
			if diff := cmp.Diff(tt.want, tt.in, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("targets after Apply (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.notes, notes, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("notes (-want +got):\n%s", diff)
			}
		})
	}
}

func TestApplyAttestations(t *testing.T) {
	hint := checks.Finding{Message: "check the runbook by hand"}
	attested := func(by, day, reason string) checks.Result {
		return result("MAN-01", checks.StatusPass, checks.Finding{Message: "attested by " + by + " until " + day + ": " + reason})
	}
	tests := []struct {
		name  string
		yaml  string
		now   time.Time
		in    []checks.TargetReport
		want  []checks.TargetReport
		notes []string
	}{
		{
			name: "manual becomes pass, with a message in place of the findings",
			yaml: "attestations:\n" + attestMAN01,
			in:   []checks.TargetReport{target("web-1", result("MAN-01", checks.StatusManual, hint))},
			want: []checks.TargetReport{target("web-1", attested("alice", "2027-01-31", "runbook reviewed"))},
		},
		{
			name: "on every target",
			yaml: "attestations:\n" + attestMAN01,
			in: []checks.TargetReport{
				target("web-1", result("MAN-01", checks.StatusManual)),
				target("web-2", result("MAN-01", checks.StatusManual)),
			},
			want: []checks.TargetReport{
				target("web-1", attested("alice", "2027-01-31", "runbook reviewed")),
				target("web-2", attested("alice", "2027-01-31", "runbook reviewed")),
			},
		},
		{
			name: "target glob",
			yaml: "attestations:\n  - {id: MAN-01, target: 'host-[ab]', by: bob, reason: r, expires: 2027-01-31}\n",
			in: []checks.TargetReport{
				target("host-a", result("MAN-01", checks.StatusManual)),
				target("host-c", result("MAN-01", checks.StatusManual)),
			},
			want: []checks.TargetReport{
				target("host-a", attested("bob", "2027-01-31", "r")),
				target("host-c", result("MAN-01", checks.StatusManual)),
			},
		},
		{
			name: "expired: stays manual, with a warning",
			yaml: "attestations:\n" + attestMAN01,
			now:  time.Date(2027, 2, 1, 0, 0, 0, 0, time.UTC),
			in:   []checks.TargetReport{target("web-1", result("MAN-01", checks.StatusManual, hint))},
			want: []checks.TargetReport{warned(
				target("web-1", result("MAN-01", checks.StatusManual, hint)),
				"MAN-01: the attestation at "+file+":2 by alice expired on 2027-01-31",
			)},
		},
		{
			name: "last instant of the day: still attested",
			yaml: "attestations:\n" + attestMAN01,
			now:  time.Date(2027, 1, 31, 23, 59, 59, 999_000_000, time.UTC),
			in:   []checks.TargetReport{target("web-1", result("MAN-01", checks.StatusManual, hint))},
			want: []checks.TargetReport{target("web-1", attested("alice", "2027-01-31", "runbook reviewed"))},
		},
		{
			name: "expired then valid: pass from the valid one, no warning",
			yaml: "attestations:\n" +
				"  - {id: MAN-01, by: old, reason: r1, expires: 2027-01-01}\n" +
				"  - {id: MAN-01, by: new, reason: r2, expires: 2027-06-30}\n",
			in:   []checks.TargetReport{target("web-1", result("MAN-01", checks.StatusManual))},
			want: []checks.TargetReport{target("web-1", attested("new", "2027-06-30", "r2"))},
		},
		{
			name: "valid then expired: the same",
			yaml: "attestations:\n" +
				"  - {id: MAN-01, by: new, reason: r2, expires: 2027-06-30}\n" +
				"  - {id: MAN-01, by: old, reason: r1, expires: 2027-01-01}\n",
			in:   []checks.TargetReport{target("web-1", result("MAN-01", checks.StatusManual))},
			want: []checks.TargetReport{target("web-1", attested("new", "2027-06-30", "r2"))},
		},
		{
			name: "two valid: the first gives the message, both used",
			yaml: "attestations:\n" +
				"  - {id: MAN-01, by: first, reason: r1, expires: 2027-03-31}\n" +
				"  - {id: MAN-01, target: web-*, by: second, reason: r2, expires: 2027-06-30}\n",
			in:   []checks.TargetReport{target("web-1", result("MAN-01", checks.StatusManual))},
			want: []checks.TargetReport{target("web-1", attested("first", "2027-03-31", "r1"))},
		},
		{
			name: "two expired: two warnings",
			yaml: "attestations:\n" +
				"  - {id: MAN-01, by: a, reason: r, expires: 2027-01-01}\n" +
				"  - {id: MAN-01, by: b, reason: r, expires: 2027-01-02}\n",
			in: []checks.TargetReport{target("web-1", result("MAN-01", checks.StatusManual))},
			want: []checks.TargetReport{warned(
				target("web-1", result("MAN-01", checks.StatusManual)),
				"MAN-01: the attestation at "+file+":2 by a expired on 2027-01-01",
				"MAN-01: the attestation at "+file+":3 by b expired on 2027-01-02",
			)},
		},
		{
			name: "an attestation never changes a fail (or any other status); it is noted unused",
			yaml: "attestations:\n  - {id: SEC-01, by: mallory, reason: trust me, expires: 2027-01-31}\n",
			in: []checks.TargetReport{target("web-1",
				result("SEC-01", checks.StatusFail, finding("a.env", "fp-a")),
			), target("web-2",
				result("SEC-01", checks.StatusError),
			), target("web-3",
				result("SEC-01", checks.StatusNotApplicable),
			)},
			want: []checks.TargetReport{target("web-1",
				result("SEC-01", checks.StatusFail, finding("a.env", "fp-a")),
			), target("web-2",
				result("SEC-01", checks.StatusError),
			), target("web-3",
				result("SEC-01", checks.StatusNotApplicable),
			)},
			notes: []string{
				file + ":2: the exception for SEC-01 matched nothing; remove it if it is no longer needed",
			},
		},
		{
			name: "a waiver never changes a manual item",
			yaml: "waivers:\n  - {id: MAN-01, reason: r, expires: 2027-01-31}\n",
			in:   []checks.TargetReport{target("web-1", result("MAN-01", checks.StatusManual, hint))},
			want: []checks.TargetReport{target("web-1", result("MAN-01", checks.StatusManual, hint))},
			notes: []string{
				file + ":2: the exception for MAN-01 matched nothing; remove it if it is no longer needed",
			},
		},
		{
			name: "attestation for another item: unchanged, noted",
			yaml: "attestations:\n  - {id: SEC-02, by: a, reason: r, expires: 2027-01-31}\n",
			in:   []checks.TargetReport{target("web-1", result("MAN-01", checks.StatusManual))},
			want: []checks.TargetReport{target("web-1", result("MAN-01", checks.StatusManual))},
			notes: []string{
				file + ":2: the exception for SEC-02 matched nothing; remove it if it is no longer needed",
			},
		},
		{
			name: "expired attestation that matches nothing: neither warned nor noted",
			yaml: "attestations:\n  - {id: MAN-01, by: a, reason: r, expires: 2027-01-01}\n",
			in:   []checks.TargetReport{target("web-1", result("SEC-01", checks.StatusPass))},
			want: []checks.TargetReport{target("web-1", result("SEC-01", checks.StatusPass))},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := mustParse(t, tt.yaml)
			at := tt.now
			if at.IsZero() {
				at = now
			}
			notes := cfg.Apply(tt.in, at)
			if diff := cmp.Diff(tt.want, tt.in, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("targets after Apply (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.notes, notes, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("notes (-want +got):\n%s", diff)
			}
		})
	}
}

// TestApplyThenReport checks the exit code the issue promises: a waived
// failure leaves nothing failing, an error stays an error.
func TestApplyThenReport(t *testing.T) {
	cfg := mustParse(t, "waivers:\n"+wholeSEC01+"  - {id: SEC-02, reason: r, expires: 2027-01-31}\n")
	tests := []struct {
		name string
		in   []checks.TargetReport
		code int
	}{
		{"waived fail: exit 0", []checks.TargetReport{target("web-1", result("SEC-01", checks.StatusFail, finding("a.env", "fp-a")))}, checks.ExitOK},
		{"waived and unwaived fail: exit 1", []checks.TargetReport{target("web-1",
			result("SEC-01", checks.StatusFail), result("MAN-01", checks.StatusFail))}, checks.ExitFail},
		{"an error is never waived: exit 2", []checks.TargetReport{target("web-1",
			result("SEC-01", checks.StatusFail), result("SEC-02", checks.StatusError))}, checks.ExitError},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg.Apply(tt.in, now)
			rep := checks.NewReport(tt.in)
			if got := rep.ExitCode(checks.SeverityLow); got != tt.code {
				t.Errorf("exit code %d, want %d; summary %+v", got, tt.code, rep.Summary)
			}
		})
	}
}
