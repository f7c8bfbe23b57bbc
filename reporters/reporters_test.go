package reporters

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	"audit/checks"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/ (go test ./reporters -update)")

// historyCommit is a full commit ID; the table shows its first 12 characters.
const historyCommit = "4f9c2a1e8b7d6c5f4e3d2c1b0a9f8e7d6c5b4a39"

// sampleTargets returns the targets of the main golden report, deliberately
// out of order: NewReport must sort them. Each call builds fresh slices, so
// no test depends on whether NewReport sorts its argument in place.
func sampleTargets() []checks.TargetReport {
	return []checks.TargetReport{
		{
			Name: "./service",
			Kind: checks.KindRepo,
			Results: []checks.Result{
				{
					ID: "SSH-01", Title: "Password authentication is disabled", Section: "ssh",
					Severity: checks.SeverityCritical, Status: checks.StatusNotApplicable,
				},
				{
					ID: "SEC-03", Title: "The history can be scanned", Section: "secrets",
					Severity: checks.SeverityMedium, Status: checks.StatusError,
					Findings: []checks.Finding{{Message: "collect secrets: git log: exit status 128: not a git repository"}},
				},
				{
					ID: "SEC-01", Title: "No secrets in the repository", Section: "secrets",
					Severity: checks.SeverityCritical, Status: checks.StatusFail,
					Findings: []checks.Finding{
						{
							Message:     "generic-api-key: API key committed in the history; it was deleted later but stays readable by anyone with a clone (key=sk_live_************)",
							Path:        "deploy/old-values.yaml",
							Line:        12,
							Commit:      historyCommit,
							Fingerprint: historyCommit + ":deploy/old-values.yaml:generic-api-key:12",
						},
						{
							Message:     "aws-access-token: AWS access key AKIA****************",
							Path:        "config/prod.env",
							Line:        3,
							Fingerprint: "config/prod.env:aws-access-token:3",
						},
					},
				},
				{
					ID: "SEC-02", Title: ".env files are not tracked", Section: "repo",
					Severity: checks.SeverityHigh, Status: checks.StatusPass,
				},
			},
			Warnings: []string{"shallow clone: history before 1a2b3c not scanned"},
		},
		{
			Name:  "db-1",
			Kind:  checks.KindHost,
			Error: "dial tcp 10.0.0.5:22: connect: connection refused",
		},
	}
}

// statusTargets returns a target with one result of every status, so that
// every label, colour and summary counter shows up.
func statusTargets() []checks.TargetReport {
	result := func(id string, st checks.Status, findings ...checks.Finding) checks.Result {
		return checks.Result{
			ID: id, Title: "Item " + id, Section: "ssh", Severity: checks.SeverityLow,
			Status: st, Findings: findings,
		}
	}
	return []checks.TargetReport{{
		Name: "web-1",
		Kind: checks.KindHost,
		Results: []checks.Result{
			result("SSH-1", checks.StatusPass),
			result("SSH-2", checks.StatusFail, checks.Finding{Message: "PermitRootLogin yes", Path: "/etc/ssh/sshd_config"}),
			result("SSH-3", checks.StatusError, checks.Finding{Message: "sshd -T: exit status 255"}),
			result("SSH-4", checks.StatusNotApplicable),
			result("SSH-5", checks.StatusManual),
			// A waived result keeps its findings in JSON, but the table lists
			// only the findings behind failures and errors.
			result("SSH-6", checks.StatusWaived, checks.Finding{Message: "waived finding", Path: "/etc/ssh/sshd_config.d/50-cloud.conf", Line: 1}),
			// A failure without findings still counts as a failure.
			result("SSH-10", checks.StatusFail),
		},
	}}
}

// goldenReports are the reports of the golden files, by name.
var goldenReports = []struct {
	name    string
	targets func() []checks.TargetReport
}{
	{"report", sampleTargets},
	{"statuses", statusTargets},
	{"empty", func() []checks.TargetReport { return nil }},
}

// renderers are the formats under test, by the suffix of their golden files.
var renderers = []struct {
	name     string
	reporter Reporter
}{
	{"table", &Table{}},
	{"json", JSON{}},
	{"sarif", SARIF{Version: "1.0.0-test"}},
	{"junit", JUnit{}},
	{"markdown", Markdown{}},
}

func render(t *testing.T, r Reporter, rep checks.Report) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := r.Write(&buf, rep); err != nil {
		t.Fatalf("Write: %v", err)
	}
	return buf.Bytes()
}

func TestGolden(t *testing.T) {
	used := map[string]bool{}
	for _, g := range goldenReports {
		for _, f := range renderers {
			name := g.name + "." + f.name + ".golden"
			used[name] = true
			t.Run(name, func(t *testing.T) {
				got := render(t, f.reporter, checks.NewReport(g.targets()))
				path := filepath.Join("testdata", name)
				if *update {
					if err := os.MkdirAll("testdata", 0o755); err != nil {
						t.Fatal(err)
					}
					if err := os.WriteFile(path, got, 0o644); err != nil {
						t.Fatal(err)
					}
				}
				want, err := os.ReadFile(path)
				if err != nil {
					t.Fatalf("%v (run `go test ./reporters -update` to create it)", err)
				}
				if diff := cmp.Diff(string(want), string(got)); diff != "" {
					t.Errorf("%s differs (-want +got):\n%s\nIf the change is intended, run `go test ./reporters -update`.", path, diff)
				}
			})
		}
	}
	t.Run("no stale golden files", func(t *testing.T) {
		files, err := filepath.Glob(filepath.Join("testdata", "*.golden"))
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			if !used[filepath.Base(f)] {
				t.Errorf("%s belongs to no test case; delete it", f)
			}
		}
	})
}

// jsonType names the JSON type of a value decoded into any.
func jsonType(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "string"
	case float64:
		return "number"
	case bool:
		return "bool"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return "?"
}

// checkObject asserts that v is a JSON object with exactly the keys of want,
// each holding a value of the wanted JSON type, and returns it.
func checkObject(t *testing.T, where string, v any, want map[string]string) map[string]any {
	t.Helper()
	obj, ok := v.(map[string]any)
	if !ok {
		t.Fatalf("%s: got %s, want object", where, jsonType(v))
	}
	got := map[string]string{}
	for k, val := range obj {
		got[k] = jsonType(val)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("%s: keys and types differ from DESIGN.md (-want +got):\n%s", where, diff)
	}
	return obj
}

// TestJSONShape holds the JSON reporter to DESIGN.md's contract: exactly these
// keys, these types, and empty lists as [] rather than null.
func TestJSONShape(t *testing.T) {
	var (
		reportKeys  = map[string]string{"version": "number", "targets": "array", "summary": "object"}
		targetKeys  = map[string]string{"name": "string", "kind": "string", "error": "string", "results": "array"}
		resultKeys  = map[string]string{"id": "string", "title": "string", "section": "string", "severity": "string", "status": "string", "findings": "array"}
		findingKeys = map[string]string{"message": "string", "path": "string", "line": "number", "commit": "string", "fingerprint": "string"}
		summaryKeys = map[string]string{"pass": "number", "fail": "number", "error": "number", "not_applicable": "number", "manual": "number", "waived": "number"}
	)
	tests := []struct {
		name        string
		targets     []checks.TargetReport
		wantTargets int
		wantSummary map[string]any
	}{
		{
			name:        "report",
			targets:     sampleTargets(),
			wantTargets: 2,
			wantSummary: map[string]any{"pass": 1.0, "fail": 1.0, "error": 1.0, "not_applicable": 1.0, "manual": 0.0, "waived": 0.0},
		},
		{
			name:        "statuses",
			targets:     statusTargets(),
			wantTargets: 1,
			wantSummary: map[string]any{"pass": 1.0, "fail": 2.0, "error": 1.0, "not_applicable": 1.0, "manual": 1.0, "waived": 1.0},
		},
		{
			name:        "empty",
			wantTargets: 0,
			wantSummary: map[string]any{"pass": 0.0, "fail": 0.0, "error": 0.0, "not_applicable": 0.0, "manual": 0.0, "waived": 0.0},
		},
		{
			name:        "target without results",
			targets:     []checks.TargetReport{{Name: "db-1", Kind: checks.KindHost}},
			wantTargets: 1,
			wantSummary: map[string]any{"pass": 0.0, "fail": 0.0, "error": 0.0, "not_applicable": 0.0, "manual": 0.0, "waived": 0.0},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := render(t, JSON{}, checks.NewReport(tt.targets))
			if bytes.Contains(out, []byte("null")) {
				t.Errorf("JSON holds a null; empty lists must be []:\n%s", out)
			}
			if !bytes.HasSuffix(out, []byte("}\n")) {
				t.Errorf("JSON does not end with a newline after the document:\n%q", out)
			}
			var doc any
			if err := json.Unmarshal(out, &doc); err != nil {
				t.Fatalf("invalid JSON: %v\n%s", err, out)
			}
			root := checkObject(t, "report", doc, reportKeys)
			if root["version"] != float64(checks.ReportVersion) || checks.ReportVersion != 1 {
				t.Errorf("version = %v, want 1", root["version"])
			}
			summary := checkObject(t, "summary", root["summary"], summaryKeys)
			if diff := cmp.Diff(tt.wantSummary, summary); diff != "" {
				t.Errorf("summary (-want +got):\n%s", diff)
			}
			targets, ok := root["targets"].([]any)
			if !ok {
				t.Fatalf("targets is %s, want array", jsonType(root["targets"]))
			}
			if len(targets) != tt.wantTargets {
				t.Errorf("got %d targets, want %d", len(targets), tt.wantTargets)
			}
			for i, tv := range targets {
				target := checkObject(t, "targets[]", tv, targetKeys)
				results, _ := target["results"].([]any)
				for _, rv := range results {
					result := checkObject(t, "targets[].results[]", rv, resultKeys)
					findings, _ := result["findings"].([]any)
					for _, fv := range findings {
						checkObject(t, "targets[].results[].findings[]", fv, findingKeys)
					}
				}
				// The warnings are for stderr, not part of the contract.
				if _, ok := target["warnings"]; ok {
					t.Errorf("targets[%d] has warnings; they are not part of the JSON contract", i)
				}
			}
		})
	}
}

// TestJSONValues checks that the JSON carries the report's values unchanged,
// in NewReport's order.
func TestJSONValues(t *testing.T) {
	rep := checks.NewReport(sampleTargets())
	out := render(t, JSON{}, rep)
	var got checks.Report
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("invalid JSON: %v", err)
	}
	for i := range rep.Targets {
		rep.Targets[i].Warnings = nil // not in the JSON
	}
	if diff := cmp.Diff(rep, got); diff != "" {
		t.Errorf("decoded report differs (-want +got):\n%s", diff)
	}
	if len(got.Targets) != 2 || got.Targets[0].Name != "db-1" || got.Targets[1].Results[0].ID != "SEC-01" ||
		got.Targets[1].Results[0].Findings[0].Path != "config/prod.env" {
		t.Errorf("JSON is not in NewReport's order: %+v", got.Targets)
	}
}

func TestDeterministic(t *testing.T) {
	reverse := func(targets []checks.TargetReport) []checks.TargetReport {
		slices.Reverse(targets)
		for i := range targets {
			slices.Reverse(targets[i].Results)
			for j := range targets[i].Results {
				slices.Reverse(targets[i].Results[j].Findings)
			}
		}
		return targets
	}
	reporters := []struct {
		name     string
		reporter Reporter
	}{
		{"table", &Table{}},
		{"table colour", &Table{Color: true}},
		{"json", JSON{}},
		{"sarif", SARIF{}},
		{"junit", JUnit{}},
		{"markdown", Markdown{}},
	}
	for _, g := range goldenReports {
		for _, r := range reporters {
			t.Run(g.name+"/"+r.name, func(t *testing.T) {
				rep := checks.NewReport(g.targets())
				first := render(t, r.reporter, rep)
				if second := render(t, r.reporter, rep); !bytes.Equal(first, second) {
					t.Errorf("two writes of the same report differ:\n%s", cmp.Diff(string(first), string(second)))
				}
				// The same results gathered in another order print the same bytes.
				shuffled := render(t, r.reporter, checks.NewReport(reverse(g.targets())))
				if !bytes.Equal(first, shuffled) {
					t.Errorf("the same results in another order print differently:\n%s", cmp.Diff(string(first), string(shuffled)))
				}
			})
		}
	}
}

// sgr matches the ANSI colour sequences the table emits.
var sgr = regexp.MustCompile(`\x1b\[[0-9;]*m`)

// checkAligned asserts that every line of each box-drawn table in out has
// the same width (all characters used are one column wide).
func checkAligned(t *testing.T, out string) {
	t.Helper()
	tables, width := 0, -1
	for i, line := range strings.Split(out, "\n") {
		if line == "" || !strings.ContainsRune("┌│├└", []rune(line)[0]) {
			width = -1
			continue
		}
		w := utf8.RuneCountInString(line)
		switch {
		case width < 0:
			tables++
			width = w
		case w != width:
			t.Errorf("line %d is %d columns wide, the table above it %d:\n%s", i+1, w, width, out)
			return
		}
	}
	if tables == 0 {
		t.Errorf("no table found in:\n%s", out)
	}
}

func TestTableColor(t *testing.T) {
	rep := checks.NewReport(append(statusTargets(), sampleTargets()...))
	plain := string(render(t, &Table{}, rep))
	colour := string(render(t, &Table{Color: true}, rep))

	t.Run("no colour emits no escape", func(t *testing.T) {
		if i := strings.IndexByte(plain, 0x1b); i >= 0 {
			t.Errorf("Color:false output holds ESC at byte %d:\n%q", i, plain)
		}
	})
	t.Run("statuses are coloured", func(t *testing.T) {
		for _, label := range []string{"PASS", "FAIL", "ERROR", "N/A", "MANUAL", "WAIVED"} {
			re := regexp.MustCompile(`(?:\x1b\[[0-9;]*m)+` + regexp.QuoteMeta(label) + `\x1b\[0m`)
			if !re.MatchString(colour) {
				t.Errorf("status %s is not wrapped in ANSI colour codes:\n%q", label, colour)
			}
		}
		// Each status keeps its own colour: a pass must not look like a fail.
		colourOf := func(label string) string {
			m := regexp.MustCompile(`((?:\x1b\[[0-9;]*m)+)` + regexp.QuoteMeta(label) + `\x1b\[0m`).FindStringSubmatch(colour)
			if m == nil {
				return ""
			}
			return m[1]
		}
		if p, f, e := colourOf("PASS"), colourOf("FAIL"), colourOf("ERROR"); p == f || p == e || f == e {
			t.Errorf("PASS %q, FAIL %q and ERROR %q must have distinct colours", p, f, e)
		}
	})
	t.Run("colour changes nothing but the escapes", func(t *testing.T) {
		if diff := cmp.Diff(plain, sgr.ReplaceAllString(colour, "")); diff != "" {
			t.Errorf("colour output without its escapes differs from the plain output (-plain +colour):\n%s", diff)
		}
	})
	t.Run("columns stay aligned", func(t *testing.T) {
		checkAligned(t, plain)
		checkAligned(t, sgr.ReplaceAllString(colour, ""))
	})
	t.Run("options reach the table", func(t *testing.T) {
		for _, c := range []bool{false, true} {
			r, err := New("table", Options{Color: c})
			if err != nil {
				t.Fatal(err)
			}
			got := string(render(t, r, rep))
			if want := map[bool]string{false: plain, true: colour}[c]; got != want {
				t.Errorf("New(table, Color:%v) renders differently from Table{Color:%v}", c, c)
			}
		}
	})
}

// evil are strings from the audited target that try to drive the terminal.
var evil = []struct{ name, s string }{
	{"CSI colour", "\x1b[31mred\x1b[0m"},
	{"clear screen", "\x1b[2J\x1b[H"},
	{"OSC title", "\x1b]0;pwned\x07"},
	{"OSC 8 link", "\x1b]8;;https://evil.example\x1b\\click\x1b]8;;\x1b\\"},
	{"carriage return", "secret.txt\rPASS"},
	{"newline", "a\nSEC-99   low   PASS"},
	{"NUL", "a\x00b"},
	{"backspace and bell", "abc\b\b\b\x07"},
	{"DEL", "a\x7fb"},
	{"invalid UTF-8", "a\xff\xfeb\xc0"},
	{"C1 CSI", "\u009b31mred"},
	{"bidi override", "\u202etxt.exe"},
	{"line separator", "a\u2028b\u2029c"},
	{"zero width", "a\u200bb"},
}

// injections place a string where the audited target controls the text.
var injections = []struct {
	name   string
	inject func(s string) []checks.TargetReport
}{
	{"target name", func(s string) []checks.TargetReport {
		return []checks.TargetReport{{Name: s, Kind: checks.KindRepo, Results: failing(checks.Finding{Message: "m", Path: "p", Line: 1})}}
	}},
	{"target error", func(s string) []checks.TargetReport {
		return []checks.TargetReport{{Name: "host", Kind: checks.KindHost, Error: s}}
	}},
	{"title", func(s string) []checks.TargetReport {
		rs := failing(checks.Finding{Message: "m", Path: "p", Line: 1})
		rs[0].Title = s
		return []checks.TargetReport{{Name: "repo", Kind: checks.KindRepo, Results: rs}}
	}},
	{"finding message", func(s string) []checks.TargetReport {
		return []checks.TargetReport{{Name: "repo", Kind: checks.KindRepo, Results: failing(checks.Finding{Message: s, Path: "p", Line: 1})}}
	}},
	{"finding path", func(s string) []checks.TargetReport {
		return []checks.TargetReport{{Name: "repo", Kind: checks.KindRepo, Results: failing(checks.Finding{Message: "m", Path: s, Line: 1})}}
	}},
	{"finding path without line", func(s string) []checks.TargetReport {
		return []checks.TargetReport{{Name: "repo", Kind: checks.KindRepo, Results: failing(checks.Finding{Message: "m", Path: s})}}
	}},
}

func failing(f checks.Finding) []checks.Result {
	return []checks.Result{{
		ID: "SEC-01", Title: "No secrets", Section: "secrets", Severity: checks.SeverityCritical,
		Status: checks.StatusFail, Findings: []checks.Finding{f},
	}}
}

// TestTableSanitises feeds control characters through every field the
// audited target controls: none may reach the terminal.
func TestTableSanitises(t *testing.T) {
	for _, in := range injections {
		for _, e := range evil {
			t.Run(in.name+"/"+e.name, func(t *testing.T) {
				for _, c := range []bool{false, true} {
					tbl := &Table{Color: c}
					got := string(render(t, tbl, checks.NewReport(in.inject(e.s))))
					base := string(render(t, tbl, checks.NewReport(in.inject("x"))))
					if !utf8.ValidString(got) {
						t.Errorf("Color:%v: output is not valid UTF-8: %q", c, got)
					}
					// Only the table's own colour codes may hold ESC.
					if n, want := strings.Count(got, "\x1b"), strings.Count(base, "\x1b"); n != want {
						t.Errorf("Color:%v: %d ESC bytes, want %d (the table's own):\n%q", c, n, want, got)
					}
					for _, r := range sgr.ReplaceAllString(got, "") {
						if r != '\n' && !unicode.IsPrint(r) {
							t.Errorf("Color:%v: output holds the non-printable %U:\n%q", c, r, got)
							break
						}
					}
					if n, want := strings.Count(got, "\n"), strings.Count(base, "\n"); n != want {
						t.Errorf("Color:%v: %d lines, want %d: a line break got through:\n%s", c, n, want, got)
					}
					if len(in.inject("x")[0].Results) > 0 {
						checkAligned(t, sgr.ReplaceAllString(got, ""))
					}
				}
			})
		}
	}
}

func TestPrintable(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"config/prod.env", "config/prod.env"},
		{"café ünïcode 日本", "café ünïcode 日本"},
		{"a\tb", "a b"},
		{"\x1b[31mred\x1b[0m", "?[31mred?[0m"},
		{"a\r\nb", "a??b"},
		{"a\x00b\x7f", "a?b?"},
		{"a\xff\xfeb", "a?b"},
		{"\u009b31m", "?31m"},
		{"\u202eabc", "?abc"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := Printable(tt.in); got != tt.want {
				t.Errorf("Printable(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestLocation(t *testing.T) {
	tests := []struct {
		name string
		f    checks.Finding
		want string
	}{
		{"no path", checks.Finding{Message: "reason"}, "-"},
		{"path only", checks.Finding{Path: ".env"}, ".env"},
		{"path and line", checks.Finding{Path: "config/prod.env", Line: 3}, "config/prod.env:3"},
		{"unprintable path", checks.Finding{Path: "a\x1bb", Line: 7}, "a?b:7"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := location(tt.f); got != tt.want {
				t.Errorf("location(%+v) = %q, want %q", tt.f, got, tt.want)
			}
		})
	}
}

// decodeLikeJSON replaces each invalid UTF-8 byte with U+FFFD, as
// encoding/json does.
func decodeLikeJSON(s string) string {
	var b strings.Builder
	for len(s) > 0 {
		r, n := utf8.DecodeRuneInString(s)
		b.WriteRune(r) // utf8.RuneError is U+FFFD
		s = s[n:]
	}
	return b.String()
}

// TestJSONEscapes feeds the same hostile strings to the JSON reporter: the
// output stays valid JSON, holds no raw control byte, and decodes back to
// the text it was given.
func TestJSONEscapes(t *testing.T) {
	for _, in := range injections {
		for _, e := range evil {
			t.Run(in.name+"/"+e.name, func(t *testing.T) {
				out := render(t, JSON{}, checks.NewReport(in.inject(e.s)))
				if !json.Valid(out) {
					t.Fatalf("invalid JSON:\n%q", out)
				}
				for i, b := range out {
					if b < 0x20 && b != '\n' {
						t.Fatalf("raw control byte %#x at %d:\n%q", b, i, out)
					}
				}
				marker := "\x01marker\x01"
				var want, got checks.Report
				if err := json.Unmarshal(render(t, JSON{}, checks.NewReport(in.inject(marker))), &want); err != nil {
					t.Fatal(err)
				}
				if err := json.Unmarshal(out, &got); err != nil {
					t.Fatal(err)
				}
				// The decoded report is the marker report with the marker
				// replaced by the hostile string, as JSON decodes it.
				wantJSON, _ := json.Marshal(want)
				wantJSON = bytes.ReplaceAll(wantJSON, []byte(`\u0001marker\u0001`), mustMarshalString(t, decodeLikeJSON(e.s)))
				gotJSON, _ := json.Marshal(got)
				if !bytes.Equal(wantJSON, gotJSON) {
					t.Errorf("the JSON does not carry the text back:\n got %s\nwant %s", gotJSON, wantJSON)
				}
			})
		}
	}
}

func mustMarshalString(t *testing.T, s string) []byte {
	t.Helper()
	b, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	return b[1 : len(b)-1] // without the quotes
}

func TestFormats(t *testing.T) {
	got := Formats()
	if !slices.IsSorted(got) {
		t.Errorf("Formats() = %v, not sorted", got)
	}
	if len(slices.Compact(slices.Clone(got))) != len(got) {
		t.Errorf("Formats() = %v has duplicates", got)
	}
	for _, want := range []string{"json", "junit", "markdown", "sarif", "table"} {
		if !slices.Contains(got, want) {
			t.Errorf("Formats() = %v, missing %q", got, want)
		}
	}
	rep := checks.NewReport(sampleTargets())
	for _, f := range got {
		t.Run(f, func(t *testing.T) {
			r, err := New(f, Options{})
			if err != nil || r == nil {
				t.Fatalf("New(%q) = %v, %v; every listed format must build", f, r, err)
			}
			if out := render(t, r, rep); len(out) == 0 {
				t.Errorf("%s wrote nothing", f)
			}
		})
	}
}

func TestNew(t *testing.T) {
	tests := []struct {
		format   string
		opts     Options
		want     Reporter
		wantFail bool
	}{
		{format: "table", want: &Table{}},
		{format: "table", opts: Options{Color: true}, want: &Table{Color: true}},
		{format: "json", want: JSON{}},
		{format: "json", opts: Options{Color: true}, want: JSON{}},
		{format: "nope", wantFail: true},
		{format: "", wantFail: true},
		{format: "tablee", wantFail: true},
		{format: " json", wantFail: true},
	}
	for _, tt := range tests {
		t.Run(tt.format, func(t *testing.T) {
			got, err := New(tt.format, tt.opts)
			if tt.wantFail {
				if err == nil {
					t.Fatalf("New(%q) = %v, want an error", tt.format, got)
				}
				if got != nil {
					t.Errorf("New(%q) returned a reporter with its error", tt.format)
				}
				msg := err.Error()
				if !strings.Contains(msg, `"`+tt.format+`"`) {
					t.Errorf("error %q does not quote the format given", msg)
				}
				if list := strings.Join(Formats(), ", "); !strings.Contains(msg, list) {
					t.Errorf("error %q does not list the formats %q", msg, list)
				}
				return
			}
			if err != nil {
				t.Fatalf("New(%q): %v", tt.format, err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("New(%q, %+v) (-want +got):\n%s", tt.format, tt.opts, diff)
			}
		})
	}
}

var errBoom = errors.New("boom")

// failingWriter accepts n bytes, then fails every write.
type failingWriter struct{ n int }

func (w *failingWriter) Write(p []byte) (int, error) {
	if len(p) <= w.n {
		w.n -= len(p)
		return len(p), nil
	}
	n := w.n
	w.n = 0
	return n, errBoom
}

// TestWriteError checks that a failed write surfaces, wherever it happens:
// a report cut short must never look written.
func TestWriteError(t *testing.T) {
	rep := checks.NewReport(sampleTargets())
	for _, f := range renderers {
		full := len(render(t, f.reporter, rep))
		for _, n := range []int{0, 1, 40, full / 2, full - 1} {
			t.Run(f.name+"/after "+strconv.Itoa(n)+" bytes", func(t *testing.T) {
				err := f.reporter.Write(&failingWriter{n: n}, rep)
				if !errors.Is(err, errBoom) {
					t.Errorf("Write failing after %d of %d bytes = %v, want %v", n, full, err, errBoom)
				}
			})
		}
		t.Run(f.name+"/enough room", func(t *testing.T) {
			if err := f.reporter.Write(&failingWriter{n: full}, rep); err != nil {
				t.Errorf("Write with room for %d bytes: %v", full, err)
			}
		})
	}
}

var _ io.Writer = (*failingWriter)(nil)

// TestTableFitsTheTerminal: with a known width, no line is wider, however
// long the messages.
func TestTableFitsTheTerminal(t *testing.T) {
	long := strings.Repeat("a long finding message that goes on ", 10)
	rep := checks.NewReport([]checks.TargetReport{{Name: "repo", Kind: checks.KindRepo, Results: []checks.Result{{
		ID: "SEC-01", Title: "Never commit secrets to Git", Section: "secrets", Severity: checks.SeverityCritical,
		Status:   checks.StatusFail,
		Findings: []checks.Finding{{Message: long, Path: "deploy/app.env", Line: 3, Commit: strings.Repeat("ab", 20)}},
	}}}})
	for _, width := range []int{80, 100, 200} {
		var buf strings.Builder
		if err := (&Table{Width: width}).Write(&buf, rep); err != nil {
			t.Fatal(err)
		}
		for _, line := range strings.Split(buf.String(), "\n") {
			if n := utf8.RuneCountInString(line); n > width {
				t.Errorf("width %d: line of %d columns: %q", width, n, line)
			}
		}
		if !strings.Contains(strings.Join(strings.Fields(strings.ReplaceAll(buf.String(), "│", " ")), " "), strings.TrimSpace(strings.Join(strings.Fields(long), " "))) {
			t.Errorf("width %d: the message was cut, not wrapped:\n%s", width, buf.String())
		}
	}
}

// TestTableFitsLongPaths: a deep path shrinks to fit the terminal too.
func TestTableFitsLongPaths(t *testing.T) {
	rep := checks.NewReport([]checks.TargetReport{{Name: "repo", Kind: checks.KindRepo, Results: []checks.Result{{
		ID: "SEC-01", Title: "Never commit secrets to Git", Section: "secrets", Severity: checks.SeverityCritical,
		Status: checks.StatusFail,
		Findings: []checks.Finding{
			{Message: "github-pat in commit 0123456789ab: GITHUB_TOKEN=REDACTED", Path: "services/api/config/environments/production/secrets/app.production.env", Line: 12, Commit: strings.Repeat("ab", 20)},
			{Message: "stripe-access-token in the staged change: REDACTED", Path: "services/billing/src/main/resources/application-prod.properties", Line: 3},
		},
	}}}})
	for _, width := range []int{80, 100} {
		var buf strings.Builder
		if err := (&Table{Width: width}).Write(&buf, rep); err != nil {
			t.Fatal(err)
		}
		var locations strings.Builder
		for _, line := range strings.Split(buf.String(), "\n") {
			if n := utf8.RuneCountInString(line); n > width {
				t.Errorf("width %d: line of %d columns: %q", width, n, line)
			}
			if cells := strings.Split(line, "│"); len(cells) == 6 {
				locations.WriteString(strings.TrimSpace(cells[2]))
			}
		}
		for _, f := range rep.Targets[0].Results[0].Findings {
			if !strings.Contains(locations.String(), f.Path) {
				t.Errorf("width %d: the path %s was cut:\n%s", width, f.Path, buf.String())
			}
		}
	}
}

// TestTableHeadersStayWhole: narrow cells never cut a column's header.
func TestTableHeadersStayWhole(t *testing.T) {
	rep := checks.NewReport([]checks.TargetReport{{Name: "r", Kind: checks.KindRepo, Results: []checks.Result{{
		ID: "X-1", Title: "t", Section: "s", Severity: checks.SeverityLow, Status: checks.StatusError,
		Findings: []checks.Finding{{Message: "m"}},
	}}}})
	var buf strings.Builder
	if err := (&Table{Width: 80}).Write(&buf, rep); err != nil {
		t.Fatal(err)
	}
	for _, h := range []string{"Location", "Commit", "Finding"} {
		if !strings.Contains(buf.String(), h) {
			t.Errorf("header %q is missing:\n%s", h, buf.String())
		}
	}
}
