package policies_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/tester"
	"github.com/zricethezav/gitleaks/v8/detect"

	"audit/checks"
	"audit/checks/postgres"
	"audit/checks/secrets"
	"audit/checks/sshd"
	"audit/checks/ufw"
	"audit/policies"
)

var update = flag.Bool("update", false, "rewrite fixtures/<ID>/<case>/want.json with the engine's results")

// fixturesDir holds one directory per checklist ID, one per case below it:
//
//	fixtures/<ID>/<case>/facts.json   what the collectors gathered (factsFile)
//	fixtures/<ID>/<case>/want.json    the checks.Result the engine gives for <ID>
//
// A case's name begins with the status it expects: pass, fail, error,
// not-applicable, manual or waived (e.g. "fail-history"), so that -update
// cannot bless a wrong verdict.
const fixturesDir = "../fixtures"

// factsFile is the shape of facts.json: the target, and per namespace of
// the policy input the status, reason and data a collector returned.
type factsFile struct {
	Target struct {
		Name string      `json:"name"`
		Kind checks.Kind `json:"kind"`
	} `json:"target"`
	Facts map[string]struct {
		Status checks.FactStatus `json:"status"`
		Reason string            `json:"reason"`
		Data   json.RawMessage   `json:"data"`
	} `json:"facts"`
}

// factSchemas maps a namespace to the Go type its collector fills. A
// fixture's data is decoded strictly into it, so a misspelt or stale key
// fails here instead of silently reaching the policy as a missing field.
var factSchemas = map[string]func() any{
	postgres.Namespace: func() any { return new(postgres.Data) },
	secrets.Namespace:  func() any { return new(secrets.Data) },
	sshd.Namespace:     func() any { return new(sshd.Data) },
	ufw.Namespace:      func() any { return new(ufw.Data) },
}

// target is a target for tests: the engine reads only its name and kind.
type target struct {
	name string
	kind checks.Kind
}

func (t target) Name() string      { return t.name }
func (t target) Kind() checks.Kind { return t.kind }

var (
	repoTarget = target{name: "example-repo", kind: checks.KindRepo}
	hostTarget = target{name: "db-1", kind: checks.KindHost}
)

func compileBuiltin(t *testing.T) *policies.Engine {
	t.Helper()
	e, err := policies.Compile(t.Context())
	if err != nil {
		t.Fatalf("Compile: %v", err)
	}
	return e
}

// TestRego runs the *_test.rego unit tests, one subtest per Rego test, and
// checks that every policy package has a test package with tests in it.
func TestRego(t *testing.T) {
	srcs, err := policies.Modules(true)
	if err != nil {
		t.Fatal(err)
	}
	mods, err := policies.ParseModules(srcs)
	if err != nil {
		t.Fatal(err)
	}
	ch, err := tester.NewRunner().
		SetCompiler(ast.NewCompiler().WithEnablePrintStatements(true)).
		CapturePrintOutput(true).
		RaiseBuiltinErrors(true). // a builtin error in a test is an error, not a quiet undefined
		SetModules(mods).
		RunTests(t.Context(), nil)
	if err != nil {
		t.Fatalf("compile the policies and their tests: %v", err)
	}
	byPkg := map[string][]*tester.Result{}
	for r := range ch {
		byPkg[r.Package] = append(byPkg[r.Package], r)
	}

	pkgs := policyPackages(mods)
	if len(pkgs) == 0 {
		t.Fatal("no policy package (package METADATA with custom.id) among the embedded modules")
	}
	for _, pkg := range pkgs {
		if len(byPkg[pkg+"_test"]) == 0 {
			t.Errorf("policy package %s has no tests: add package %s_test with test_* rules", pkg, strings.TrimPrefix(pkg, "data."))
		}
	}

	for _, pkg := range slices.Sorted(maps.Keys(byPkg)) {
		t.Run(strings.TrimPrefix(pkg, "data."), func(t *testing.T) {
			results := byPkg[pkg]
			slices.SortFunc(results, func(a, b *tester.Result) int { return strings.Compare(a.Name, b.Name) })
			for _, r := range results {
				t.Run(r.Name, func(t *testing.T) {
					where := "?"
					if r.Location != nil {
						where = r.Location.String()
					}
					switch {
					case r.Skip:
						t.Skipf("%s: skipped in Rego", where)
					case r.Error != nil:
						t.Errorf("%s: %s errored: %v", where, r.Name, r.Error)
					case r.Fail:
						msg := fmt.Sprintf("%s: %s failed", where, r.Name)
						if r.FailedAt != nil {
							msg += fmt.Sprintf(" at %v: %v", r.FailedAt.Location, r.FailedAt)
						}
						t.Error(msg)
					}
					if t.Failed() && len(r.Output) > 0 {
						t.Logf("print output:\n%s", r.Output)
					}
				})
			}
		})
	}
}

// policyPackages returns the paths of the packages whose package-scoped
// METADATA names a checklist ID, sorted.
func policyPackages(mods map[string]*ast.Module) []string {
	var pkgs []string
	for _, m := range mods {
		for _, a := range m.Annotations {
			if a.Scope == "package" && a.Custom["id"] != nil {
				pkgs = append(pkgs, m.Package.Path.String())
			}
		}
	}
	slices.Sort(pkgs)
	return slices.Compact(pkgs)
}

// TestFixtures judges every fixtures/<ID>/<case>/facts.json with the
// built-in policies and compares the result for <ID> with want.json.
// go test ./policies -update rewrites want.json.
func TestFixtures(t *testing.T) {
	e := compileBuiltin(t)
	byID := map[string]*policies.Policy{}
	for _, p := range e.Policies() {
		byID[p.ID] = p
		if _, err := os.Stat(filepath.Join(fixturesDir, p.ID)); err != nil {
			t.Errorf("policy %s has no fixtures: %v", p.ID, err)
		}
	}
	dirs, err := os.ReadDir(fixturesDir)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range dirs {
		if !d.IsDir() {
			t.Errorf("%s: want only one directory per checklist ID", filepath.Join(fixturesDir, d.Name()))
			continue
		}
		t.Run(d.Name(), func(t *testing.T) {
			p, ok := byID[d.Name()]
			if !ok {
				t.Fatalf("%s: no policy has checklist ID %s", filepath.Join(fixturesDir, d.Name()), d.Name())
			}
			cases, err := os.ReadDir(filepath.Join(fixturesDir, d.Name()))
			if err != nil {
				t.Fatal(err)
			}
			if len(cases) == 0 {
				t.Fatalf("%s has no cases", filepath.Join(fixturesDir, d.Name()))
			}
			for _, c := range cases {
				t.Run(c.Name(), func(t *testing.T) {
					runFixture(t, e, p, filepath.Join(fixturesDir, d.Name(), c.Name()))
				})
			}
		})
	}
}

// caseStatuses are the case-name prefixes and the status each expects.
var caseStatuses = []struct {
	prefix string
	status checks.Status
}{
	{"pass", checks.StatusPass},
	{"fail", checks.StatusFail},
	{"error", checks.StatusError},
	{"not-applicable", checks.StatusNotApplicable},
	{"manual", checks.StatusManual},
	{"waived", checks.StatusWaived},
}

func runFixture(t *testing.T, e *policies.Engine, p *policies.Policy, dir string) {
	name := filepath.Base(dir)
	var wantStatus checks.Status
	for _, cs := range caseStatuses {
		if name == cs.prefix || strings.HasPrefix(name, cs.prefix+"-") {
			wantStatus = cs.status
		}
	}
	if wantStatus == "" {
		t.Fatalf("%s: a case's name begins with the status it expects (pass-, fail-, error-, not-applicable-, manual-, waived-)", dir)
	}

	tgt, facts := readFacts(t, filepath.Join(dir, "facts.json"))
	results, err := e.Evaluate(t.Context(), tgt, facts)
	if err != nil {
		t.Fatalf("Evaluate: %v", err)
	}
	var mine []checks.Result
	for _, r := range results {
		if r.ID == p.ID {
			mine = append(mine, r)
		}
	}
	if len(mine) != 1 {
		t.Fatalf("Evaluate gave %d results for %s on a %s target, want 1 (the policy targets %v)", len(mine), p.ID, tgt.Kind(), p.Targets)
	}
	// Sort the findings and turn nil into [] as the report does.
	got := checks.NewReport([]checks.TargetReport{{Name: tgt.Name(), Kind: tgt.Kind(), Results: mine}}).Targets[0].Results[0]
	if got.Status != wantStatus {
		t.Fatalf("%s: status %q, but the case's name expects %q; findings: %+v", dir, got.Status, wantStatus, got.Findings)
	}

	wantPath := filepath.Join(dir, "want.json")
	if *update {
		b, err := json.MarshalIndent(got, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(wantPath, append(b, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	var want checks.Result
	if err := decodeStrict(readFile(t, wantPath), &want); err != nil {
		t.Fatalf("%s: %v (go test ./policies -update writes it)", wantPath, err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("%s: result differs from want.json (-want +got):\n%s", dir, diff)
	}
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// readFacts reads facts.json into a target and the facts Evaluate takes,
// each namespace's data decoded into its collector's Go type.
func readFacts(t *testing.T, path string) (checks.Target, map[string]checks.Facts) {
	t.Helper()
	var ff factsFile
	if err := decodeStrict(readFile(t, path), &ff); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	if ff.Target.Name == "" || (ff.Target.Kind != checks.KindRepo && ff.Target.Kind != checks.KindHost) {
		t.Fatalf("%s: target needs a name and a kind (repo or host), got %+v", path, ff.Target)
	}
	facts := map[string]checks.Facts{}
	for ns, f := range ff.Facts {
		var data any
		if len(f.Data) > 0 {
			newData, ok := factSchemas[ns]
			if !ok {
				t.Fatalf("%s: no Go type known for namespace %q: add its collector's data type to factSchemas", path, ns)
			}
			data = newData()
			if err := decodeStrict(f.Data, data); err != nil {
				t.Fatalf("%s: facts.%s.data is not what the %s collector emits: %v", path, ns, ns, err)
			}
		}
		facts[ns] = checks.Facts{Namespace: ns, Status: f.Status, Reason: f.Reason, Data: data}
	}
	return target{name: ff.Target.Name, kind: ff.Target.Kind}, facts
}

// decodeStrict decodes one JSON value, refusing unknown fields and trailing data.
func decodeStrict(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return errors.New("trailing data after the JSON value")
	}
	return nil
}

// TestFixturesHoldNoSecrets runs gitleaks' default rules over every
// fixture file: fixtures hold redacted excerpts, never a real-looking token.
func TestFixturesHoldNoSecrets(t *testing.T) {
	d, err := detect.NewDetectorDefaultConfig()
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	err = filepath.WalkDir(fixturesDir, func(path string, de os.DirEntry, err error) error {
		if err != nil || de.IsDir() {
			return err
		}
		n++
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, f := range d.DetectBytes(b) {
			t.Errorf("%s: gitleaks rule %s matches; use a REDACTED excerpt and a dummy fingerprint", path, f.RuleID)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n == 0 {
		t.Fatalf("no fixture files under %s", fixturesDir)
	}
}

// TestModules checks that the embedded sources include the tests only when asked.
func TestModules(t *testing.T) {
	for _, tests := range []bool{false, true} {
		t.Run(fmt.Sprintf("tests=%t", tests), func(t *testing.T) {
			srcs, err := policies.Modules(tests)
			if err != nil {
				t.Fatal(err)
			}
			var policyFiles, testFiles int
			for name := range srcs {
				if !strings.HasPrefix(name, "policies/") || !strings.HasSuffix(name, ".rego") {
					t.Errorf("module name %q: want policies/<dir>/<name>.rego", name)
				}
				if strings.HasSuffix(name, "_test.rego") {
					testFiles++
				} else {
					policyFiles++
				}
			}
			if policyFiles == 0 {
				t.Error("no policy module embedded")
			}
			if tests != (testFiles > 0) {
				t.Errorf("Modules(%t) holds %d test modules", tests, testFiles)
			}
		})
	}
}

// TestBuiltinPolicies checks what Compile makes of the embedded policies.
func TestBuiltinPolicies(t *testing.T) {
	pols := compileBuiltin(t).Policies()
	if len(pols) == 0 {
		t.Fatal("Compile found no checklist item")
	}
	if !slices.IsSortedFunc(pols, func(a, b *policies.Policy) int { return checks.CompareIDs(a.ID, b.ID) }) {
		t.Error("Policies() is not sorted by checklist ID")
	}
	for _, p := range pols {
		// A kind no target has would make the policy silently never run.
		for _, k := range p.Targets {
			if k != checks.KindRepo && k != checks.KindHost {
				t.Errorf("policy %s: METADATA custom.targets holds %q, want repo or host", p.ID, k)
			}
		}
		if p.Remediation == "" || p.Description == "" {
			t.Errorf("policy %s: METADATA needs a description and custom.recommended_action", p.ID)
		}
	}
}

// meta is the METADATA of a valid test policy with the given ID, targets and facts.
func meta(id, targets, facts string) string {
	return fmt.Sprintf(`# METADATA
# title: Probe %[1]s
# description: A policy for the engine's tests.
# custom:
#   id: %[1]s
#   severity: high
#   section: test
#   targets: %[2]s
#   facts: %[3]s
#   recommended_action: Fix the probe.
`, id, targets, facts)
}

// module is a Rego module in package audit.test.<pkg>.
func module(header, pkg, rules string) string {
	return header + "package audit.test." + pkg + "\n\n" + rules + "\n"
}

func compileModules(t *testing.T, srcs map[string]string) *policies.Engine {
	t.Helper()
	e, err := policies.CompileModules(t.Context(), srcs)
	if err != nil {
		t.Fatalf("CompileModules: %v", err)
	}
	return e
}

func TestCompileReadsMetadata(t *testing.T) {
	src := `# METADATA
# title: Probe title
# description: >-
#   First line
#   second line.
# custom:
#   id: TEST-07
#   severity: medium
#   section: test
#   targets: [repo, host]
#   facts: [probe, other]
#   recommended_action: |
#     Do this.
package audit.test.probe

deny contains {"msg": "m"} if input.probe.bad
`
	e := compileModules(t, map[string]string{"probe.rego": src})
	want := []*policies.Policy{{
		Item: checks.Item{
			ID:          "TEST-07",
			Title:       "Probe title",
			Description: "First line second line.",
			Section:     "test",
			Severity:    checks.SeverityMedium,
			Targets:     []checks.Kind{checks.KindRepo, checks.KindHost},
			Remediation: "Do this.",
		},
		Facts:   []string{"probe", "other"},
		Package: "data.audit.test.probe",
	}}
	if diff := cmp.Diff(want, e.Policies(), cmpopts.IgnoreUnexported(policies.Policy{})); diff != "" {
		t.Errorf("Policies() (-want +got):\n%s", diff)
	}
}

func TestCompileRejects(t *testing.T) {
	const deny = `deny contains {"msg": "m"} if input.probe.bad`
	tests := []struct {
		name    string
		srcs    map[string]string
		wantErr string // "" for a set that compiles
	}{
		{
			name: "a valid policy next to a helper package without METADATA",
			srcs: map[string]string{
				"probe.rego": module(meta("TEST-01", "[repo]", "[probe]"), "probe", deny),
				"lib.rego":   module("", "lib", "helper(x) := x"),
			},
		},
		{
			name:    "no id",
			srcs:    map[string]string{"p.rego": module(strings.Replace(meta("TEST-01", "[repo]", "[probe]"), "#   id: TEST-01\n", "", 1), "probe", deny)},
			wantErr: "custom.id is missing",
		},
		{
			name:    "no severity",
			srcs:    map[string]string{"p.rego": module(strings.Replace(meta("TEST-01", "[repo]", "[probe]"), "#   severity: high\n", "", 1), "probe", deny)},
			wantErr: "custom.severity",
		},
		{
			name:    "unknown severity",
			srcs:    map[string]string{"p.rego": module(strings.Replace(meta("TEST-01", "[repo]", "[probe]"), "severity: high", "severity: urgent", 1), "probe", deny)},
			wantErr: `unknown severity "urgent"`,
		},
		{
			name:    "no title",
			srcs:    map[string]string{"p.rego": module(strings.Replace(meta("TEST-01", "[repo]", "[probe]"), "# title: Probe TEST-01\n", "", 1), "probe", deny)},
			wantErr: "needs a title",
		},
		{
			name:    "no section",
			srcs:    map[string]string{"p.rego": module(strings.Replace(meta("TEST-01", "[repo]", "[probe]"), "#   section: test\n", "", 1), "probe", deny)},
			wantErr: "custom.section",
		},
		{
			name:    "no targets",
			srcs:    map[string]string{"p.rego": module(strings.Replace(meta("TEST-01", "[repo]", "[probe]"), "#   targets: [repo]\n", "", 1), "probe", deny)},
			wantErr: "custom.targets",
		},
		{
			name:    "no facts",
			srcs:    map[string]string{"p.rego": module(meta("TEST-01", "[repo]", "[]"), "probe", deny)},
			wantErr: "custom.facts",
		},
		{
			name:    "no deny rule",
			srcs:    map[string]string{"p.rego": module(meta("TEST-01", "[repo]", "[probe]"), "probe", `warn contains {"msg": "m"} if input.probe.bad`)},
			wantErr: "defines no deny rule",
		},
		{
			name: "duplicate checklist IDs",
			srcs: map[string]string{
				"a.rego": module(meta("TEST-01", "[repo]", "[probe]"), "a", deny),
				"b.rego": module(meta("TEST-01", "[host]", "[probe]"), "b", deny),
			},
			wantErr: "both claim checklist ID TEST-01",
		},
		{
			name:    "syntax error",
			srcs:    map[string]string{"p.rego": module(meta("TEST-01", "[repo]", "[probe]"), "probe", "deny contains {")},
			wantErr: "parse p.rego",
		},
		{
			name:    "unknown function",
			srcs:    map[string]string{"p.rego": module(meta("TEST-01", "[repo]", "[probe]"), "probe", `deny contains {"msg": no_such_function(1)} if input.probe.bad`)},
			wantErr: "compile policies",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, err := policies.CompileModules(t.Context(), tt.srcs)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("CompileModules: %v", err)
				}
				if n := len(e.Policies()); n != 1 {
					t.Errorf("CompileModules gave %d policies, want 1", n)
				}
				return
			}
			if err == nil {
				t.Fatalf("CompileModules succeeded with %d policies, want an error containing %q", len(e.Policies()), tt.wantErr)
			}
			if !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("CompileModules error = %q, want it to contain %q", err, tt.wantErr)
			}
		})
	}
}

// TestEvaluateDenyEntries: the deny set becomes findings, and a deny set the
// engine cannot read is an error result, never a pass.
func TestEvaluateDenyEntries(t *testing.T) {
	probe := map[string]checks.Facts{
		"probe": {Namespace: "probe", Status: checks.FactsOK, Data: map[string]any{"a": true, "b": true}},
	}
	tests := []struct {
		name         string
		rules        string
		wantStatus   checks.Status
		wantFindings []checks.Finding // compared when not an error
		wantErr      string           // substring of the error finding
	}{
		{
			name:         "every field of a deny entry",
			rules:        `deny contains {"msg": "leak", "path": "a.env", "line": 3, "commit": "c0ffee", "fingerprint": "fp"} if input.probe.a`,
			wantStatus:   checks.StatusFail,
			wantFindings: []checks.Finding{{Message: "leak", Path: "a.env", Line: 3, Commit: "c0ffee", Fingerprint: "fp"}},
		},
		{
			name:         "extra keys are ignored",
			rules:        `deny contains {"msg": "leak", "severity": "low"} if input.probe.a`,
			wantStatus:   checks.StatusFail,
			wantFindings: []checks.Finding{{Message: "leak"}},
		},
		{
			name:         "one finding per entry",
			rules:        "deny contains {\"msg\": \"one\"} if input.probe.a\ndeny contains {\"msg\": \"two\"} if input.probe.b",
			wantStatus:   checks.StatusFail,
			wantFindings: []checks.Finding{{Message: "one"}, {Message: "two"}},
		},
		{
			name:         "the input holds the target",
			rules:        `deny contains {"msg": sprintf("%s is a %s", [input.target.name, input.target.kind])} if input.probe.a`,
			wantStatus:   checks.StatusFail,
			wantFindings: []checks.Finding{{Message: "example-repo is a repo"}},
		},
		{
			name:         "empty deny set",
			rules:        `deny contains {"msg": "m"} if input.probe.missing`,
			wantStatus:   checks.StatusPass,
			wantFindings: []checks.Finding{},
		},
		{
			name:         "undefined complete deny",
			rules:        `deny := {{"msg": "m"}} if input.probe.missing`,
			wantStatus:   checks.StatusPass,
			wantFindings: []checks.Finding{},
		},
		{name: "entry without msg", rules: `deny contains {"path": "a.env"} if input.probe.a`, wantStatus: checks.StatusError, wantErr: "without msg"},
		{name: "empty msg", rules: `deny contains {"msg": ""} if input.probe.a`, wantStatus: checks.StatusError, wantErr: "without msg"},
		{name: "entry is a string", rules: `deny contains "leak" if input.probe.a`, wantStatus: checks.StatusError, wantErr: "want an object with msg"},
		{name: "msg is not a string", rules: `deny contains {"msg": 42} if input.probe.a`, wantStatus: checks.StatusError, wantErr: "deny entry"},
		{name: "line is not a number", rules: `deny contains {"msg": "m", "line": "3"} if input.probe.a`, wantStatus: checks.StatusError, wantErr: "deny entry"},
		{
			name:       "one bad entry among good ones",
			rules:      "deny contains {\"msg\": \"fine\"} if input.probe.a\ndeny contains \"bad\" if input.probe.b",
			wantStatus: checks.StatusError, wantErr: "want an object with msg",
		},
		{name: "deny is not a set", rules: `deny := true`, wantStatus: checks.StatusError, wantErr: "want a set"},
		{
			name:       "evaluation error",
			rules:      "conflict := 1 if input.probe.a\nconflict := 2 if input.probe.b\ndeny contains {\"msg\": \"m\"} if conflict == 3",
			wantStatus: checks.StatusError, wantErr: "evaluate policy",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := compileModules(t, map[string]string{"probe.rego": module(meta("TEST-01", "[repo]", "[probe]"), "probe", tt.rules)})
			results, err := e.Evaluate(t.Context(), repoTarget, probe)
			if err != nil {
				t.Fatalf("Evaluate: %v", err)
			}
			if len(results) != 1 {
				t.Fatalf("Evaluate gave %d results, want 1: %+v", len(results), results)
			}
			got := results[0]
			if got.ID != "TEST-01" || got.Title != "Probe TEST-01" || got.Section != "test" || got.Severity != checks.SeverityHigh {
				t.Errorf("result's static fields = %q %q %q %q, want them from METADATA", got.ID, got.Title, got.Section, got.Severity)
			}
			if got.Status != tt.wantStatus {
				t.Fatalf("status = %q, want %q; findings: %+v", got.Status, tt.wantStatus, got.Findings)
			}
			if tt.wantStatus == checks.StatusError {
				if len(got.Findings) != 1 || !strings.Contains(got.Findings[0].Message, tt.wantErr) {
					t.Errorf("findings = %+v, want one whose message contains %q", got.Findings, tt.wantErr)
				}
				return
			}
			got = checks.NewReport([]checks.TargetReport{{Results: []checks.Result{got}}}).Targets[0].Results[0]
			if diff := cmp.Diff(tt.wantFindings, got.Findings); diff != "" {
				t.Errorf("findings (-want +got):\n%s", diff)
			}
		})
	}
}

// TestEvaluateFactStatus: the facts' status decides before the policy does;
// missing or failed facts are an error, never a pass.
func TestEvaluateFactStatus(t *testing.T) {
	ok := func(ns string) checks.Facts {
		return checks.Facts{Namespace: ns, Status: checks.FactsOK, Data: map[string]any{}}
	}
	na := func(ns string) checks.Facts {
		return checks.Facts{Namespace: ns, Status: checks.FactsNotApplicable, Reason: "not installed"}
	}
	failed := func(ns, reason string) checks.Facts {
		return checks.Facts{Namespace: ns, Status: checks.FactsError, Reason: reason}
	}
	// The policy reads a and b; it denies only when input.c exists.
	src := module(meta("TEST-01", "[repo]", "[a, b]"), "probe", `deny contains {"msg": "c is in the input"} if input.c`)
	tests := []struct {
		name       string
		facts      map[string]checks.Facts
		wantStatus checks.Status
		wantMsg    string // the error finding's message
	}{
		{name: "all ok", facts: map[string]checks.Facts{"a": ok("a"), "b": ok("b")}, wantStatus: checks.StatusPass},
		{name: "no facts at all", facts: nil, wantStatus: checks.StatusError, wantMsg: "no a facts were collected; no b facts were collected"},
		{name: "one namespace missing", facts: map[string]checks.Facts{"a": ok("a")}, wantStatus: checks.StatusError, wantMsg: "no b facts were collected"},
		{name: "only unrelated facts", facts: map[string]checks.Facts{"c": ok("c")}, wantStatus: checks.StatusError, wantMsg: "no a facts were collected; no b facts were collected"},
		{name: "collector error", facts: map[string]checks.Facts{"a": ok("a"), "b": failed("b", "read b: permission denied")}, wantStatus: checks.StatusError, wantMsg: "read b: permission denied"},
		{name: "error and missing", facts: map[string]checks.Facts{"a": failed("a", "boom")}, wantStatus: checks.StatusError, wantMsg: "boom; no b facts were collected"},
		{name: "error wins over not applicable", facts: map[string]checks.Facts{"a": na("a"), "b": failed("b", "boom")}, wantStatus: checks.StatusError, wantMsg: "boom"},
		{name: "missing wins over not applicable", facts: map[string]checks.Facts{"a": na("a")}, wantStatus: checks.StatusError, wantMsg: "no b facts were collected"},
		{name: "error without a reason", facts: map[string]checks.Facts{"a": ok("a"), "b": failed("b", "")}, wantStatus: checks.StatusError, wantMsg: "the b check could not run (it gave no reason)"},
		{name: "unknown status", facts: map[string]checks.Facts{"a": ok("a"), "b": {Namespace: "b", Status: "maybe"}}, wantStatus: checks.StatusError, wantMsg: `b facts have unknown status "maybe"`},
		{name: "empty status", facts: map[string]checks.Facts{"a": ok("a"), "b": {Namespace: "b"}}, wantStatus: checks.StatusError, wantMsg: `b facts have unknown status ""`},
		{name: "one not applicable", facts: map[string]checks.Facts{"a": ok("a"), "b": na("b")}, wantStatus: checks.StatusNotApplicable},
		{name: "both not applicable", facts: map[string]checks.Facts{"a": na("a"), "b": na("b")}, wantStatus: checks.StatusNotApplicable},
		{
			name:       "facts in error stay out of the input",
			facts:      map[string]checks.Facts{"a": ok("a"), "b": ok("b"), "c": {Namespace: "c", Status: checks.FactsError, Reason: "x", Data: map[string]any{}}},
			wantStatus: checks.StatusPass,
		},
		{
			name:       "ok facts of another namespace reach the input",
			facts:      map[string]checks.Facts{"a": ok("a"), "b": ok("b"), "c": ok("c")},
			wantStatus: checks.StatusFail,
		},
	}
	e := compileModules(t, map[string]string{"probe.rego": src})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			results, err := e.Evaluate(t.Context(), repoTarget, tt.facts)
			if err != nil {
				t.Fatalf("Evaluate: %v", err)
			}
			if len(results) != 1 {
				t.Fatalf("Evaluate gave %d results, want 1", len(results))
			}
			got := results[0]
			if got.Status != tt.wantStatus {
				t.Fatalf("status = %q, want %q; findings: %+v", got.Status, tt.wantStatus, got.Findings)
			}
			switch tt.wantStatus {
			case checks.StatusError:
				if len(got.Findings) != 1 || (tt.wantMsg != "" && got.Findings[0].Message != tt.wantMsg) {
					t.Errorf("findings = %+v, want one with message %q", got.Findings, tt.wantMsg)
				}
			case checks.StatusPass, checks.StatusNotApplicable:
				if len(got.Findings) != 0 {
					t.Errorf("findings = %+v, want none", got.Findings)
				}
			}
		})
	}
}

// TestEvaluateBuiltinWithoutFacts: SEC-01 with no secrets facts is an error.
func TestEvaluateBuiltinWithoutFacts(t *testing.T) {
	results, err := compileBuiltin(t).Evaluate(t.Context(), repoTarget, map[string]checks.Facts{})
	if err != nil {
		t.Fatal(err)
	}
	if len(results) == 0 {
		t.Fatal("no result for a repo target")
	}
	for _, r := range results {
		if r.Status != checks.StatusError {
			t.Errorf("%s without facts: status %q, want error", r.ID, r.Status)
		}
	}
}

// TestEvaluateByKind: a policy judges only the kinds of target it names.
func TestEvaluateByKind(t *testing.T) {
	t.Run("built-in", func(t *testing.T) {
		e := compileBuiltin(t)
		for _, tgt := range []target{repoTarget, hostTarget} {
			results, err := e.Evaluate(t.Context(), tgt, nil)
			if err != nil {
				t.Fatal(err)
			}
			var want, got []string
			for _, p := range e.Policies() {
				if p.AppliesTo(tgt.kind) {
					want = append(want, p.ID)
				}
			}
			for _, r := range results {
				got = append(got, r.ID)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("results for a %s target (-want +got):\n%s", tgt.kind, diff)
			}
		}
		// The built-in checklist has repo items today; make sure the above
		// was not comparing two empty lists for repos.
		results, _ := e.Evaluate(t.Context(), repoTarget, nil)
		if len(results) == 0 {
			t.Error("no built-in result for a repo target")
		}
	})
	t.Run("custom", func(t *testing.T) {
		const deny = `deny contains {"msg": "m"} if input.probe.bad`
		e := compileModules(t, map[string]string{
			"r.rego": module(meta("TEST-1", "[repo]", "[probe]"), "r", deny),
			"h.rego": module(meta("TEST-2", "[host]", "[probe]"), "h", deny),
			"b.rego": module(meta("TEST-10", "[repo, host]", "[probe]"), "b", deny),
		})
		facts := map[string]checks.Facts{"probe": {Namespace: "probe", Status: checks.FactsOK, Data: map[string]any{}}}
		for _, tt := range []struct {
			target target
			want   []string
		}{
			{repoTarget, []string{"TEST-1", "TEST-10"}},
			{hostTarget, []string{"TEST-2", "TEST-10"}},
		} {
			results, err := e.Evaluate(t.Context(), tt.target, facts)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, r := range results {
				got = append(got, r.ID)
				if r.Status != checks.StatusPass {
					t.Errorf("%s on %s: status %q, want pass", r.ID, tt.target.kind, r.Status)
				}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("results for a %s target (-want +got):\n%s", tt.target.kind, diff)
			}
		}
	})
}

// TestEvaluateConcurrently: Evaluate is safe for concurrent use (run with -race).
func TestEvaluateConcurrently(t *testing.T) {
	e := compileBuiltin(t)
	_, facts := readFacts(t, filepath.Join(fixturesDir, "SEC-01", "fail-history", "facts.json"))
	want, err := e.Evaluate(t.Context(), repoTarget, facts)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan string, 16)
	for range 16 {
		wg.Go(func() {
			got, err := e.Evaluate(t.Context(), repoTarget, facts)
			if err != nil {
				errs <- err.Error()
				return
			}
			if diff := cmp.Diff(want, got); diff != "" {
				errs <- diff
			}
		})
	}
	wg.Wait()
	close(errs)
	for msg := range errs {
		t.Errorf("concurrent Evaluate differs: %s", msg)
	}
}

// TestSettingsReachPolicies: the configuration file's settings are
// input.settings.
func TestSettingsReachPolicies(t *testing.T) {
	src := module(meta("TEST-09", "[repo]", "[a]"), "probe", `deny contains {"msg": "window"} if input.settings.ssh_key_rotation_days == 30`)
	e := compileModules(t, map[string]string{"probe.rego": src})
	facts := map[string]checks.Facts{"a": {Namespace: "a", Status: checks.FactsOK, Data: map[string]any{}}}
	results, _ := e.Evaluate(t.Context(), repoTarget, facts)
	if results[0].Status != checks.StatusPass {
		t.Fatalf("without settings: %+v", results[0])
	}
	e.SetSettings(map[string]any{"ssh_key_rotation_days": 30})
	results, _ = e.Evaluate(t.Context(), repoTarget, facts)
	if results[0].Status != checks.StatusFail {
		t.Errorf("with settings: %+v", results[0])
	}
}

// TestErrorAndManualRules: a policy's error set wins over deny and manual
// (an unknown fact is never a pass nor a fail that hides it), deny wins
// over manual, and manual alone is manual.
func TestErrorAndManualRules(t *testing.T) {
	rules := `
deny contains {"msg": "denied"} if input.a.deny
error contains {"msg": "unknown", "path": "/etc/x", "line": 3} if input.a.error
manual contains {"msg": "check by hand"} if input.a.manual
`
	e := compileModules(t, map[string]string{"probe.rego": module(meta("TEST-10", "[repo]", "[a]"), "probe", rules)})
	for _, tc := range []struct {
		facts   map[string]any
		want    checks.Status
		message string
	}{
		{map[string]any{}, checks.StatusPass, ""},
		{map[string]any{"manual": true}, checks.StatusManual, "check by hand"},
		{map[string]any{"manual": true, "deny": true}, checks.StatusFail, "denied"},
		{map[string]any{"manual": true, "deny": true, "error": true}, checks.StatusError, "unknown"},
		{map[string]any{"error": true}, checks.StatusError, "unknown"},
	} {
		facts := map[string]checks.Facts{"a": {Namespace: "a", Status: checks.FactsOK, Data: tc.facts}}
		results, err := e.Evaluate(t.Context(), repoTarget, facts)
		if err != nil {
			t.Fatal(err)
		}
		r := results[0]
		if r.Status != tc.want {
			t.Errorf("%v: status %s, want %s", tc.facts, r.Status, tc.want)
			continue
		}
		if tc.message == "" {
			if len(r.Findings) != 0 {
				t.Errorf("%v: findings %+v, want none", tc.facts, r.Findings)
			}
			continue
		}
		if len(r.Findings) != 1 || r.Findings[0].Message != tc.message {
			t.Errorf("%v: findings %+v, want one %q", tc.facts, r.Findings, tc.message)
		}
		if tc.want == checks.StatusError && (r.Findings[0].Path != "/etc/x" || r.Findings[0].Line != 3) {
			t.Errorf("error finding lost its location: %+v", r.Findings[0])
		}
	}
}

// TestUsesAreCollected: the namespaces a policy reads when present are
// among those a run collects, without being needed.
func TestUsesAreCollected(t *testing.T) {
	src := module(meta("TEST-11", "[repo]", "[a]")+"#   uses: [b]\n", "probe", `deny contains {"msg": "b"} if input.b.x`)
	e := compileModules(t, map[string]string{"probe.rego": src})
	if ns := e.Namespaces(); !ns["a"] || !ns["b"] {
		t.Errorf("namespaces %v, want a and b", ns)
	}
	// Without b, the policy still runs on a.
	facts := map[string]checks.Facts{"a": {Namespace: "a", Status: checks.FactsOK, Data: map[string]any{}}}
	if results, _ := e.Evaluate(t.Context(), repoTarget, facts); results[0].Status != checks.StatusPass {
		t.Errorf("without b: %+v", results[0])
	}
	facts["b"] = checks.Facts{Namespace: "b", Status: checks.FactsOK, Data: map[string]any{"x": true}}
	if results, _ := e.Evaluate(t.Context(), repoTarget, facts); results[0].Status != checks.StatusFail {
		t.Errorf("with b: %+v", results[0])
	}
}
