package baseline_test

import (
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"audit/checks"
	"audit/checks/baseline"
)

func finding(path, fingerprint string) checks.Finding {
	return checks.Finding{Message: "secret in " + path, Path: path, Line: 3, Fingerprint: fingerprint}
}

func result(id string, status checks.Status, findings ...checks.Finding) checks.Result {
	return checks.Result{ID: id, Title: "title of " + id, Severity: checks.SeverityHigh, Status: status, Findings: findings}
}

func target(name string, results ...checks.Result) checks.TargetReport {
	return checks.TargetReport{Name: name, Kind: checks.KindRepo, Results: results}
}

// writeReport writes the JSON report of targets as audit --format json does.
func writeReport(t *testing.T, targets ...checks.TargetReport) string {
	t.Helper()
	b, err := json.MarshalIndent(checks.NewReport(targets), "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return writeFile(t, "report.json", string(b))
}

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestLoad(t *testing.T) {
	report := writeReport(t,
		target("web-1",
			result("SEC-01", checks.StatusFail, finding("a.env", "fp-a"), finding("b.env", "fp-b"), finding("c.env", "")),
			result("SEC-02", checks.StatusWaived, finding("d.env", "fp-d")),
			result("SEC-03", checks.StatusPass),
		),
		target("web-2", result("SEC-01", checks.StatusFail, finding("a.env", "fp-a"), finding("e.env", "fp-e"))),
	)
	got, err := baseline.Load(report)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	want := baseline.Baseline{"fp-a": true, "fp-b": true, "fp-d": true, "fp-e": true}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Load (-want +got):\n%s", diff)
	}
}

func TestLoadEmptyReports(t *testing.T) {
	for name, content := range map[string]string{
		"no targets":       `{"version": 1, "targets": []}`,
		"null targets":     `{"version": 1, "targets": null}`,
		"version only":     `{"version": 1}`,
		"unknown fields":   `{"version": 1, "tool": "audit", "targets": [{"name": "x", "results": [{"id": "SEC-01", "findings": null}]}]}`,
		"no fingerprints":  `{"version": 1, "targets": [{"name": "x", "results": [{"id": "SEC-01", "status": "fail", "findings": [{"path": "a", "fingerprint": ""}]}]}]}`,
		"trailing newline": "{\"version\": 1}\n",
	} {
		t.Run(name, func(t *testing.T) {
			got, err := baseline.Load(writeFile(t, "r.json", content))
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			if got == nil || len(got) != 0 {
				t.Errorf("Load = %#v, want an empty, non-nil baseline", got)
			}
		})
	}
}

func TestLoadErrors(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name     string
		content  *string // nil: no file at all
		want     string  // a part of the error
		notExist bool
	}{
		{name: "missing file", want: "read baseline", notExist: true},
		{name: "empty file", content: ptr(""), want: "is not an audit JSON report"},
		{name: "not JSON", content: ptr("waivers:\n  - id: SEC-01\n"), want: "is not an audit JSON report"},
		{name: "truncated JSON", content: ptr(`{"version": 1, "targets": [`), want: "is not an audit JSON report"},
		{name: "a JSON array", content: ptr(`[{"version": 1}]`), want: "is not an audit JSON report"},
		{name: "a JSON string", content: ptr(`"report"`), want: "is not an audit JSON report"},
		{name: "version a string", content: ptr(`{"version": "1"}`), want: "is not an audit JSON report"},
		{name: "targets not a list", content: ptr(`{"version": 1, "targets": {}}`), want: "is not an audit JSON report"},
		{name: "two documents", content: ptr(`{"version": 1} {"version": 1}`), want: "is not an audit JSON report"},
		{name: "null", content: ptr("null"), want: "has report version 0, want 1"},
		{name: "no version", content: ptr(`{"targets": []}`), want: "has report version 0, want 1"},
		{name: "empty object", content: ptr(`{}`), want: "has report version 0, want 1"},
		{name: "a newer version", content: ptr(`{"version": 2, "targets": []}`), want: "has report version 2, want 1"},
		{name: "SARIF, not the JSON report", content: ptr(`{"version": "2.1.0", "runs": []}`), want: "is not an audit JSON report"},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			file := filepath.Join(dir, "report"+string(rune('a'+i))+".json")
			if tt.content != nil {
				if err := os.WriteFile(file, []byte(*tt.content), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			got, err := baseline.Load(file)
			if err == nil {
				t.Fatalf("Load = %v, want an error", got)
			}
			if got != nil {
				t.Errorf("Load returned a baseline with its error: %v", got)
			}
			if !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), file) {
				t.Errorf("error %q, want it to contain %q and the file name %s", err, tt.want, file)
			}
			if errors.Is(err, fs.ErrNotExist) != tt.notExist {
				t.Errorf("errors.Is(%v, fs.ErrNotExist) = %v, want %v", err, !tt.notExist, tt.notExist)
			}
		})
	}
}

func TestLoadDirectory(t *testing.T) {
	dir := t.TempDir()
	if got, err := baseline.Load(dir); err == nil {
		t.Errorf("Load of a directory = %v, want an error", got)
	}
}

func ptr(s string) *string { return &s }

func TestFilter(t *testing.T) {
	a, b, c := finding("a.env", "fp-a"), finding("b.env", "fp-b"), finding("c.env", "fp-c")
	bare := finding("d.env", "")
	tests := []struct {
		name    string
		base    baseline.Baseline
		in      []checks.TargetReport
		want    []checks.TargetReport
		removed int
	}{
		{
			name:    "every finding baselined: the failure passes",
			base:    baseline.Baseline{"fp-a": true, "fp-b": true},
			in:      []checks.TargetReport{target("web-1", result("SEC-01", checks.StatusFail, a, b))},
			want:    []checks.TargetReport{target("web-1", result("SEC-01", checks.StatusPass))},
			removed: 2,
		},
		{
			name:    "some baselined: fail with the new ones only",
			base:    baseline.Baseline{"fp-a": true, "fp-c": true},
			in:      []checks.TargetReport{target("web-1", result("SEC-01", checks.StatusFail, a, b, c))},
			want:    []checks.TargetReport{target("web-1", result("SEC-01", checks.StatusFail, b))},
			removed: 2,
		},
		{
			name:    "none baselined: unchanged",
			base:    baseline.Baseline{"fp-x": true},
			in:      []checks.TargetReport{target("web-1", result("SEC-01", checks.StatusFail, a, b))},
			want:    []checks.TargetReport{target("web-1", result("SEC-01", checks.StatusFail, a, b))},
			removed: 0,
		},
		{
			name:    "findings without fingerprint are never dropped",
			base:    baseline.Baseline{"fp-a": true, "": true},
			in:      []checks.TargetReport{target("web-1", result("SEC-01", checks.StatusFail, a, bare, bare))},
			want:    []checks.TargetReport{target("web-1", result("SEC-01", checks.StatusFail, bare, bare))},
			removed: 1,
		},
		{
			name:    "a fail without findings stays a fail",
			base:    baseline.Baseline{"fp-a": true, "": true},
			in:      []checks.TargetReport{target("web-1", result("SEC-01", checks.StatusFail))},
			want:    []checks.TargetReport{target("web-1", result("SEC-01", checks.StatusFail))},
			removed: 0,
		},
		{
			name: "only fails are filtered: error, waived, pass, manual, not_applicable untouched",
			base: baseline.Baseline{"fp-a": true, "fp-b": true},
			in: []checks.TargetReport{target("web-1",
				result("SEC-01", checks.StatusError, a),
				result("SEC-02", checks.StatusWaived, a, b),
				result("SEC-03", checks.StatusPass, a),
				result("SEC-04", checks.StatusManual, b),
				result("SEC-05", checks.StatusNotApplicable, a),
			)},
			want: []checks.TargetReport{target("web-1",
				result("SEC-01", checks.StatusError, a),
				result("SEC-02", checks.StatusWaived, a, b),
				result("SEC-03", checks.StatusPass, a),
				result("SEC-04", checks.StatusManual, b),
				result("SEC-05", checks.StatusNotApplicable, a),
			)},
			removed: 0,
		},
		{
			name: "several targets and results: counts add up",
			base: baseline.Baseline{"fp-a": true, "fp-b": true},
			in: []checks.TargetReport{
				target("web-1", result("SEC-01", checks.StatusFail, a), result("SEC-02", checks.StatusFail, b, c)),
				target("web-2", result("SEC-01", checks.StatusFail, a, b), result("SEC-03", checks.StatusError, a)),
				{Name: "web-3", Kind: checks.KindRepo, Error: "unreachable"},
			},
			want: []checks.TargetReport{
				target("web-1", result("SEC-01", checks.StatusPass), result("SEC-02", checks.StatusFail, c)),
				target("web-2", result("SEC-01", checks.StatusPass), result("SEC-03", checks.StatusError, a)),
				{Name: "web-3", Kind: checks.KindRepo, Error: "unreachable"},
			},
			removed: 4,
		},
		{
			name:    "nil baseline (no --baseline): nothing dropped",
			base:    nil,
			in:      []checks.TargetReport{target("web-1", result("SEC-01", checks.StatusFail, a, bare))},
			want:    []checks.TargetReport{target("web-1", result("SEC-01", checks.StatusFail, a, bare))},
			removed: 0,
		},
		{
			name:    "no targets",
			base:    baseline.Baseline{"fp-a": true},
			in:      nil,
			want:    nil,
			removed: 0,
		},
		{
			name: "warnings and other fields kept",
			base: baseline.Baseline{"fp-a": true},
			in: []checks.TargetReport{{Name: "web-1", Kind: checks.KindHost, Warnings: []string{"w"},
				Results: []checks.Result{{ID: "SEC-01", Title: "t", Section: "s", Severity: checks.SeverityLow, Status: checks.StatusFail, Findings: []checks.Finding{a, b}}}}},
			want: []checks.TargetReport{{Name: "web-1", Kind: checks.KindHost, Warnings: []string{"w"},
				Results: []checks.Result{{ID: "SEC-01", Title: "t", Section: "s", Severity: checks.SeverityLow, Status: checks.StatusFail, Findings: []checks.Finding{b}}}}},
			removed: 1,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			removed := tt.base.Filter(tt.in)
			if removed != tt.removed {
				t.Errorf("Filter removed %d findings, want %d", removed, tt.removed)
			}
			if diff := cmp.Diff(tt.want, tt.in, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("targets after Filter (-want +got):\n%s", diff)
			}
		})
	}
}

// TestRoundTrip runs the baseline workflow: the report of one run is the
// baseline of the next; only a new finding fails it.
func TestRoundTrip(t *testing.T) {
	run := func(findings ...checks.Finding) []checks.TargetReport {
		return []checks.TargetReport{target("web-1",
			result("SEC-01", checks.StatusFail, findings...),
			result("SEC-02", checks.StatusPass),
		)}
	}
	old := []checks.Finding{finding("a.env", "fp-a"), finding("b.env", "fp-b")}
	base, err := baseline.Load(writeReport(t, run(old...)...))
	if err != nil {
		t.Fatal(err)
	}

	same := run(old...)
	if n := base.Filter(same); n != 2 {
		t.Errorf("same run: removed %d, want 2", n)
	}
	if rep := checks.NewReport(same); rep.ExitCode(checks.SeverityLow) != checks.ExitOK || rep.Summary.Fail != 0 {
		t.Errorf("same run: exit %d, summary %+v; want nothing failing", rep.ExitCode(checks.SeverityLow), rep.Summary)
	}

	fresh := finding("c.env", "fp-c")
	next := run(append(old, fresh)...)
	if n := base.Filter(next); n != 2 {
		t.Errorf("next run: removed %d, want 2", n)
	}
	rep := checks.NewReport(next)
	if rep.ExitCode(checks.SeverityLow) != checks.ExitFail {
		t.Errorf("next run: exit %d, want %d", rep.ExitCode(checks.SeverityLow), checks.ExitFail)
	}
	if diff := cmp.Diff([]checks.Finding{fresh}, rep.Targets[0].Results[0].Findings); diff != "" {
		t.Errorf("next run: findings left (-want +got):\n%s", diff)
	}
}
