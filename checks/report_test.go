package checks_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"audit/checks"
)

func TestNewReportSorts(t *testing.T) {
	in := []checks.TargetReport{
		{Name: "web-1", Kind: checks.KindRepo},
		{Name: "db-1", Kind: checks.KindHost},
		{Name: "app", Kind: checks.KindRepo, Results: []checks.Result{
			{ID: "SSH-10"},
			{ID: "SEC-01", Findings: []checks.Finding{
				{Path: "b.env", Line: 1},
				{Path: "a.env", Line: 10},
				{Path: "a.env", Line: 2, Commit: "ffff"},
				{Path: "a.env", Line: 2, Commit: "aaaa"},
				{Path: "a.env", Line: 2, Commit: "aaaa", Message: "a"},
			}},
			{ID: "SSH-2"},
			{ID: "PG-1"},
		}},
		{Name: "api-1", Kind: checks.KindHost},
	}
	got := checks.NewReport(in)

	var order []string
	for _, tr := range got.Targets {
		order = append(order, string(tr.Kind)+":"+tr.Name)
	}
	if diff := cmp.Diff([]string{"host:api-1", "host:db-1", "repo:app", "repo:web-1"}, order); diff != "" {
		t.Errorf("targets not sorted by kind, then name (-want +got):\n%s", diff)
	}

	i := slices.IndexFunc(got.Targets, func(tr checks.TargetReport) bool { return tr.Name == "app" })
	if i < 0 || len(got.Targets[i].Results) != 4 {
		t.Fatalf("target app or its 4 results went missing: %+v", got.Targets)
	}
	app := got.Targets[i]
	var ids []string
	for _, r := range app.Results {
		ids = append(ids, r.ID)
	}
	if diff := cmp.Diff([]string{"PG-1", "SEC-01", "SSH-2", "SSH-10"}, ids); diff != "" {
		t.Errorf("results not sorted by section, then number (-want +got):\n%s", diff)
	}

	wantFindings := []checks.Finding{
		{Path: "a.env", Line: 2, Commit: "aaaa"},
		{Path: "a.env", Line: 2, Commit: "aaaa", Message: "a"},
		{Path: "a.env", Line: 2, Commit: "ffff"},
		{Path: "a.env", Line: 10},
		{Path: "b.env", Line: 1},
	}
	if diff := cmp.Diff(wantFindings, app.Results[1].Findings); diff != "" {
		t.Errorf("findings not sorted by path, line (numerically), commit, message (-want +got):\n%s", diff)
	}
}

func TestNewReportKeepsEqualTargetsInInputOrder(t *testing.T) {
	// Two reports for one target name and kind (e.g. the same host given
	// twice) stay in the order the run produced them.
	in := []checks.TargetReport{
		{Name: "db-1", Kind: checks.KindHost, Error: "first"},
		{Name: "db-1", Kind: checks.KindHost, Error: "second"},
	}
	got := checks.NewReport(in)
	if got.Targets[0].Error != "first" || got.Targets[1].Error != "second" {
		t.Errorf("equal targets reordered: got %q then %q", got.Targets[0].Error, got.Targets[1].Error)
	}
}

func TestNewReportDoesNotModifyItsInput(t *testing.T) {
	in := []checks.TargetReport{
		{Name: "b", Kind: checks.KindRepo, Results: []checks.Result{
			{ID: "SEC-02", Findings: []checks.Finding{{Path: "z"}, {Path: "a"}}},
			{ID: "SEC-01"},
		}},
		{Name: "a", Kind: checks.KindRepo},
	}
	before := []checks.TargetReport{
		{Name: "b", Kind: checks.KindRepo, Results: []checks.Result{
			{ID: "SEC-02", Findings: []checks.Finding{{Path: "z"}, {Path: "a"}}},
			{ID: "SEC-01"},
		}},
		{Name: "a", Kind: checks.KindRepo},
	}
	checks.NewReport(in)
	if diff := cmp.Diff(before, in); diff != "" {
		t.Errorf("NewReport changed the caller's target reports (-before +after):\n%s", diff)
	}
}

func TestNewReportVersionAndSummary(t *testing.T) {
	results := func(statuses ...checks.Status) []checks.Result {
		var rs []checks.Result
		for i, s := range statuses {
			rs = append(rs, checks.Result{ID: "X-" + string(rune('0'+i)), Status: s})
		}
		return rs
	}
	tests := []struct {
		name    string
		targets []checks.TargetReport
		want    checks.Summary
	}{
		{name: "no targets", want: checks.Summary{}},
		{
			name: "every status once",
			targets: []checks.TargetReport{{Name: "r", Kind: checks.KindRepo, Results: results(
				checks.StatusPass, checks.StatusFail, checks.StatusError,
				checks.StatusNotApplicable, checks.StatusManual, checks.StatusWaived)}},
			want: checks.Summary{Pass: 1, Fail: 1, Error: 1, NotApplicable: 1, Manual: 1, Waived: 1},
		},
		{
			name: "counts across targets",
			targets: []checks.TargetReport{
				{Name: "r", Kind: checks.KindRepo, Results: results(checks.StatusPass, checks.StatusFail, checks.StatusFail)},
				{Name: "h", Kind: checks.KindHost, Results: results(checks.StatusPass, checks.StatusError)},
				{Name: "down", Kind: checks.KindHost, Error: "unreachable"},
			},
			want: checks.Summary{Pass: 2, Fail: 2, Error: 1},
		},
		{
			name:    "an unknown status is not counted",
			targets: []checks.TargetReport{{Name: "r", Kind: checks.KindRepo, Results: results("bogus", checks.StatusPass)}},
			want:    checks.Summary{Pass: 1},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := checks.NewReport(tt.targets)
			if got.Version != checks.ReportVersion {
				t.Errorf("Version = %d, want %d", got.Version, checks.ReportVersion)
			}
			if diff := cmp.Diff(tt.want, got.Summary); diff != "" {
				t.Errorf("Summary (-want +got):\n%s", diff)
			}
		})
	}
}

func TestNewReportJSONHasNoNulls(t *testing.T) {
	tests := []struct {
		name    string
		targets []checks.TargetReport
		want    []string // substrings of the JSON
	}{
		{name: "nil targets", targets: nil, want: []string{`"targets":[]`}},
		{name: "empty targets", targets: []checks.TargetReport{}, want: []string{`"targets":[]`}},
		{
			name:    "nil results",
			targets: []checks.TargetReport{{Name: "r", Kind: checks.KindRepo}},
			want:    []string{`"results":[]`},
		},
		{
			name:    "nil findings",
			targets: []checks.TargetReport{{Name: "r", Kind: checks.KindRepo, Results: []checks.Result{{ID: "SEC-01", Status: checks.StatusPass}}}},
			want:    []string{`"findings":[]`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := json.Marshal(checks.NewReport(tt.targets))
			if err != nil {
				t.Fatal(err)
			}
			s := string(b)
			if strings.Contains(s, "null") {
				t.Errorf("report JSON holds a null: %s", s)
			}
			for _, w := range tt.want {
				if !strings.Contains(s, w) {
					t.Errorf("report JSON lacks %s: %s", w, s)
				}
			}
		})
	}
}

func TestCompareIDs(t *testing.T) {
	tests := []struct {
		a, b string
		want int // sign
	}{
		{"SSH-2", "SSH-10", -1},
		{"SSH-10", "SSH-2", 1},
		{"SSH-02", "SSH-10", -1},
		{"SEC-01", "SSH-01", -1},
		{"SSH-1", "SSHD-1", -1},
		{"SEC-1", "SEC-01", 1}, // equal numbers: the text breaks the tie
		{"SEC-01", "SEC-01", 0},
		{"SEC", "SEC-1", -1}, // no number sorts first
		{"PG-x", "PG-1", 1},  // not a number: the whole ID is the section
	}
	sign := func(n int) int {
		switch {
		case n < 0:
			return -1
		case n > 0:
			return 1
		}
		return 0
	}
	for _, tt := range tests {
		t.Run(tt.a+"_vs_"+tt.b, func(t *testing.T) {
			if got := sign(checks.CompareIDs(tt.a, tt.b)); got != tt.want {
				t.Errorf("CompareIDs(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
			}
			if got := sign(checks.CompareIDs(tt.b, tt.a)); got != -tt.want {
				t.Errorf("CompareIDs(%q, %q) = %d, want %d (antisymmetry)", tt.b, tt.a, got, -tt.want)
			}
		})
	}
}

func TestExitCode(t *testing.T) {
	n := 0
	res := func(st checks.Status, sev checks.Severity) checks.Result {
		n++ // distinct IDs, in the order written, so the report keeps that order
		return checks.Result{ID: fmt.Sprintf("X-%d", n), Status: st, Severity: sev}
	}
	target := func(rs ...checks.Result) checks.TargetReport {
		return checks.TargetReport{Name: "t", Kind: checks.KindRepo, Results: rs}
	}
	tests := []struct {
		name    string
		targets []checks.TargetReport
		failOn  checks.Severity
		want    int
	}{
		{name: "no targets", failOn: checks.SeverityLow, want: checks.ExitOK},
		{name: "all pass", targets: []checks.TargetReport{target(res(checks.StatusPass, checks.SeverityCritical))}, failOn: checks.SeverityLow, want: checks.ExitOK},
		{
			name: "not applicable, manual and waived do not fail",
			targets: []checks.TargetReport{target(
				res(checks.StatusNotApplicable, checks.SeverityCritical),
				res(checks.StatusManual, checks.SeverityCritical),
				res(checks.StatusWaived, checks.SeverityCritical))},
			failOn: checks.SeverityLow, want: checks.ExitOK,
		},
		{name: "critical fail", targets: []checks.TargetReport{target(res(checks.StatusFail, checks.SeverityCritical))}, failOn: checks.SeverityLow, want: checks.ExitFail},
		{name: "low fail at fail-on low", targets: []checks.TargetReport{target(res(checks.StatusFail, checks.SeverityLow))}, failOn: checks.SeverityLow, want: checks.ExitFail},
		{name: "fail exactly at the threshold", targets: []checks.TargetReport{target(res(checks.StatusFail, checks.SeverityHigh))}, failOn: checks.SeverityHigh, want: checks.ExitFail},
		{name: "fail below the threshold", targets: []checks.TargetReport{target(res(checks.StatusFail, checks.SeverityMedium))}, failOn: checks.SeverityHigh, want: checks.ExitOK},
		{
			name:    "one fail above the threshold among fails below it",
			targets: []checks.TargetReport{target(res(checks.StatusFail, checks.SeverityLow), res(checks.StatusFail, checks.SeverityCritical), res(checks.StatusFail, checks.SeverityLow))},
			failOn:  checks.SeverityCritical, want: checks.ExitFail,
		},
		{name: "error result", targets: []checks.TargetReport{target(res(checks.StatusError, checks.SeverityLow))}, failOn: checks.SeverityLow, want: checks.ExitError},
		{name: "error result below the threshold still errors", targets: []checks.TargetReport{target(res(checks.StatusError, checks.SeverityLow))}, failOn: checks.SeverityCritical, want: checks.ExitError},
		{
			name:    "error wins over an earlier fail",
			targets: []checks.TargetReport{target(res(checks.StatusFail, checks.SeverityCritical), res(checks.StatusError, checks.SeverityLow))},
			failOn:  checks.SeverityLow, want: checks.ExitError,
		},
		{
			name:    "error wins over a later fail",
			targets: []checks.TargetReport{target(res(checks.StatusError, checks.SeverityLow), res(checks.StatusFail, checks.SeverityCritical))},
			failOn:  checks.SeverityLow, want: checks.ExitError,
		},
		{
			name: "error wins over a fail in an earlier target",
			targets: []checks.TargetReport{
				{Name: "a", Kind: checks.KindRepo, Results: []checks.Result{res(checks.StatusFail, checks.SeverityCritical)}},
				{Name: "b", Kind: checks.KindRepo, Results: []checks.Result{res(checks.StatusError, checks.SeverityLow)}},
			},
			failOn: checks.SeverityLow, want: checks.ExitError,
		},
		{
			name: "error wins over a fail in a later target",
			targets: []checks.TargetReport{
				{Name: "a", Kind: checks.KindRepo, Results: []checks.Result{res(checks.StatusError, checks.SeverityLow)}},
				{Name: "b", Kind: checks.KindRepo, Results: []checks.Result{res(checks.StatusFail, checks.SeverityCritical)}},
			},
			failOn: checks.SeverityLow, want: checks.ExitError,
		},
		{
			name:    "unreachable target",
			targets: []checks.TargetReport{target(res(checks.StatusPass, checks.SeverityLow)), {Name: "db-1", Kind: checks.KindHost, Error: "dial tcp: connection refused"}},
			failOn:  checks.SeverityLow, want: checks.ExitError,
		},
		{
			name:    "unreachable target wins over a fail",
			targets: []checks.TargetReport{target(res(checks.StatusFail, checks.SeverityCritical)), {Name: "db-1", Kind: checks.KindHost, Error: "timeout"}},
			failOn:  checks.SeverityLow, want: checks.ExitError,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := checks.NewReport(tt.targets).ExitCode(tt.failOn); got != tt.want {
				t.Errorf("ExitCode(%s) = %d, want %d", tt.failOn, got, tt.want)
			}
		})
	}
}

func TestParseSeverity(t *testing.T) {
	tests := []struct {
		in      string
		want    checks.Severity
		wantErr bool
	}{
		{in: "critical", want: checks.SeverityCritical},
		{in: "high", want: checks.SeverityHigh},
		{in: "medium", want: checks.SeverityMedium},
		{in: "low", want: checks.SeverityLow},
		{in: "", wantErr: true},
		{in: "Critical", wantErr: true},
		{in: "info", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := checks.ParseSeverity(tt.in)
			if (err != nil) != tt.wantErr {
				t.Fatalf("ParseSeverity(%q) error = %v, want error %t", tt.in, err, tt.wantErr)
			}
			if got != tt.want {
				t.Errorf("ParseSeverity(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
	// The ranks order the severities strictly.
	order := []checks.Severity{checks.SeverityLow, checks.SeverityMedium, checks.SeverityHigh, checks.SeverityCritical}
	for i := 1; i < len(order); i++ {
		if order[i-1].Rank() >= order[i].Rank() {
			t.Errorf("%s ranks %d, not below %s (%d)", order[i-1], order[i-1].Rank(), order[i], order[i].Rank())
		}
	}
}
