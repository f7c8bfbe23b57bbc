package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"audit/checks"
	"audit/checks/gitrepo/gittest"
)

// runCLI runs the CLI in-process and returns exit code, stdout and stderr.
func runCLI(t *testing.T, dir string, args ...string) (int, string, string) {
	t.Helper()
	if dir != "" {
		t.Chdir(dir)
	}
	var stdout, stderr bytes.Buffer
	code := execute(context.Background(), args, &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

// leakyRepo builds the repository of the acceptance test: a secret
// added in one commit and removed in the next, plus a staged secret.
func leakyRepo(t *testing.T) (dir, commit string, secrets []string) {
	r := gittest.New(t)
	pat, stripe := gittest.GitHubPAT(), gittest.StripeKey()
	r.Commit("readme", map[string]string{"README.md": "# service\n"})
	commit = r.Commit("add config", map[string]string{"deploy/app.env": "GITHUB_TOKEN=" + pat + "\n"})
	r.Git("rm", "--quiet", "deploy/app.env")
	r.Commit("remove config", nil)
	r.Stage(map[string]string{"billing/pay.py": "stripe_key = \"" + stripe + "\"\n"})
	return r.Dir, commit, []string{pat, stripe}
}

func decodeReport(t *testing.T, s string) checks.Report {
	t.Helper()
	var rep checks.Report
	dec := json.NewDecoder(strings.NewReader(s))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&rep); err != nil {
		t.Fatalf("decode JSON report: %v\n%s", err, s)
	}
	return rep
}

// targetResults decodes a JSON report of one target that could be reached
// and returns its results by checklist ID.
func targetResults(t *testing.T, out, stderr string) map[string]checks.Result {
	t.Helper()
	rep := decodeReport(t, out)
	if len(rep.Targets) != 1 || rep.Targets[0].Error != "" {
		t.Fatalf("report %+v, stderr %q", rep, stderr)
	}
	results := map[string]checks.Result{}
	for _, r := range rep.Targets[0].Results {
		results[r.ID] = r
	}
	return results
}

func TestLeakyRepository(t *testing.T) {
	dir, commit, secrets := leakyRepo(t)

	code, table, stderr := runCLI(t, dir)
	if code != checks.ExitFail {
		t.Errorf("audit: exit %d, want 1; stderr %q", code, stderr)
	}
	for _, want := range []string{"SEC-01", "FAIL", commit[:12], "deploy/app.env:1", "billing/pay.py:1"} {
		if !strings.Contains(table, want) {
			t.Errorf("table lacks %q:\n%s", want, table)
		}
	}

	code, out, stderr2 := runCLI(t, dir, "--format", "json")
	if code != checks.ExitFail {
		t.Errorf("audit --format json: exit %d, want 1", code)
	}
	rep := decodeReport(t, out)
	if len(rep.Targets) != 1 || len(rep.Targets[0].Results) != 1 {
		t.Fatalf("report = %+v, want one target with one result", rep)
	}
	res := rep.Targets[0].Results[0]
	if res.ID != "SEC-01" || res.Status != checks.StatusFail || res.Severity != checks.SeverityCritical || res.Section != "secrets" {
		t.Errorf("result = %+v", res)
	}
	var sawCommit, sawStaged bool
	for _, f := range res.Findings {
		sawCommit = sawCommit || f.Commit == commit && f.Path == "deploy/app.env"
		sawStaged = sawStaged || f.Path == "billing/pay.py" && f.Commit == "" && strings.Contains(f.Message, "staged")
		if f.Fingerprint == "" {
			t.Errorf("finding without fingerprint: %+v", f)
		}
	}
	if !sawCommit || !sawStaged {
		t.Errorf("findings = %+v, want the history finding with commit %s and the staged pay.py", res.Findings, commit)
	}
	if rep.Summary.Fail != 1 || rep.Version != 1 {
		t.Errorf("summary = %+v, version %d", rep.Summary, rep.Version)
	}

	code, staged, stderr3 := runCLI(t, dir, "--staged", "--format", "json")
	if code != checks.ExitFail {
		t.Errorf("audit --staged: exit %d, want 1", code)
	}
	for _, f := range decodeReport(t, staged).Targets[0].Results[0].Findings {
		if f.Path != "billing/pay.py" || f.Commit != "" {
			t.Errorf("--staged reported %+v; want only the staged file", f)
		}
	}

	code, _, _ = runCLI(t, dir, "--no-history", "--format", "json")
	if code != checks.ExitFail {
		t.Errorf("audit --no-history: exit %d, want 1 (the staged secret)", code)
	}

	report := filepath.Join(t.TempDir(), "report.json")
	code, toStdout, _ := runCLI(t, dir, "--format", "json", "-o", report)
	fileOut, err := os.ReadFile(report)
	if err != nil || code != checks.ExitFail || toStdout != "" {
		t.Fatalf("-o: exit %d, stdout %q, read: %v", code, toStdout, err)
	}

	for name, text := range map[string]string{
		"table": table, "json": out, "staged json": staged, "report file": string(fileOut),
		"stderr": stderr + stderr2 + stderr3,
	} {
		for _, s := range secrets {
			if strings.Contains(text, s) || strings.Contains(text, s[len(s)-12:]) {
				t.Errorf("%s contains a planted secret (%.8s…)", name, s)
			}
		}
	}
	if stderr+stderr2+stderr3 != "" {
		t.Errorf("stderr should be empty (gitleaks' logger must stay quiet), got %q", stderr+stderr2+stderr3)
	}
}

func TestExitCodes(t *testing.T) {
	clean := gittest.New(t)
	clean.Commit("code", map[string]string{"main.go": "package main\n"})
	leaky, _, _ := leakyRepo(t)
	notRepo := t.TempDir()
	file := filepath.Join(notRepo, "file.txt")
	if err := os.WriteFile(file, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}

	for _, tc := range []struct {
		name   string
		args   []string
		exit   int
		stderr string // substring of stderr; "" means stderr must be empty
	}{
		{"clean repository passes", []string{clean.Dir}, 0, ""},
		{"clean repository, staged", []string{"--staged", clean.Dir}, 0, ""},
		{"clean repository, json", []string{"--format", "json", clean.Dir}, 0, ""},
		{"leaky repository fails", []string{leaky}, 1, ""},
		{"missing path", []string{filepath.Join(notRepo, "nope")}, 2, "does not exist"},
		{"not a git repository", []string{notRepo}, 2, "is not a git working tree"},
		{"a file, not a directory", []string{file}, 2, "is not a directory"},
		{"bare repository", []string{filepath.Join(clean.Dir, ".git")}, 2, "not a git working tree"},
		{"unknown flag", []string{"--nope"}, 2, "unknown flag: --nope"},
		{"two paths", []string{clean.Dir, leaky}, 2, "accepts at most 1 arg"},
		{"unknown format", []string{"--format", "xml", clean.Dir}, 2, `unknown format "xml"`},
		{"staged and no-history", []string{"--staged", "--no-history", clean.Dir}, 2, "cannot be used together"},
		{"staged=false and no-history", []string{"--staged=false", "--no-history", clean.Dir}, 0, ""},
		{"empty path", []string{""}, 2, `path "" does not exist`},
		{"output into a missing directory", []string{"-o", filepath.Join(notRepo, "no", "r.json"), clean.Dir}, 2, "r.json"},
		{"version", []string{"version"}, 0, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, "", tc.args...)
			if code != tc.exit {
				t.Errorf("exit = %d, want %d; stderr %q", code, tc.exit, stderr)
			}
			switch {
			case tc.stderr == "" && stderr != "":
				t.Errorf("stderr = %q, want nothing", stderr)
			case tc.stderr != "" && !strings.Contains(stderr, tc.stderr):
				t.Errorf("stderr = %q, want it to contain %q", stderr, tc.stderr)
			}
			if tc.exit == 2 && tc.stderr != "" {
				if lines := strings.Count(strings.TrimSpace(stderr), "\n"); lines != 0 || !strings.HasPrefix(stderr, "audit: ") {
					t.Errorf("an error should be one line starting with 'audit: ', got %q", stderr)
				}
				if stdout != "" {
					t.Errorf("stdout = %q, want nothing on a usage error", stdout)
				}
			}
		})
	}
}

func TestCheckErrorExitsTwo(t *testing.T) {
	r := gittest.New(t)
	r.Commit("c", map[string]string{"a.txt": "x\n", ".gitleaks.toml": "[[rules]]\nid = \"x\"\nregex = '''([a-z'''\n"})
	code, out, stderr := runCLI(t, "", "--format", "json", r.Dir)
	if code != checks.ExitError {
		t.Fatalf("exit = %d, want 2; stderr %q", code, stderr)
	}
	res := decodeReport(t, out).Targets[0].Results[0]
	if res.Status != checks.StatusError || len(res.Findings) != 1 || !strings.Contains(res.Findings[0].Message, ".gitleaks.toml") {
		t.Errorf("result = %+v, want error naming .gitleaks.toml", res)
	}
	// No SARIF is written: GitHub would close the alerts of the check that could not run.
	sarif := filepath.Join(t.TempDir(), "audit.sarif")
	os.WriteFile(sarif, []byte("{} from an earlier run"), 0o644)
	if code, _, stderr := runCLI(t, "", "--report", "sarif="+sarif, r.Dir); code != checks.ExitError || !strings.Contains(stderr, "not writing the SARIF report") {
		t.Errorf("exit %d, stderr %q; want 2 and no SARIF", code, stderr)
	}
	if _, err := os.Stat(sarif); err == nil {
		t.Error("a SARIF report (or an earlier one) is there after a run whose check could not run")
	}
	// Even with the report in a file, the user learns on stderr that a check could not run.
	if !strings.Contains(stderr, "SEC-01 could not be checked") || !strings.Contains(stderr, ".gitleaks.toml") {
		t.Errorf("stderr = %q, want the check error", stderr)
	}
}

// TestStderrIsPrintable: names from the audited repository reach stderr
// without the escape sequences they may carry.
func TestStderrIsPrintable(t *testing.T) {
	r := gittest.New(t)
	r.Commit("c", map[string]string{"evil\x1b]0;pwned\a\x1b[31m.zip": "PK\x03\x04\x00\x00 not a zip\n"})
	code, _, stderr := runCLI(t, "", "-o", filepath.Join(t.TempDir(), "r.json"), r.Dir)
	if code != checks.ExitOK || !strings.Contains(stderr, "as an archive") {
		t.Fatalf("exit %d, stderr %q; want 0 and the archive warning", code, stderr)
	}
	if strings.ContainsAny(stderr, "\x1b\a") {
		t.Errorf("stderr carries raw control characters: %q", stderr)
	}
}

func TestVersion(t *testing.T) {
	code, out, _ := runCLI(t, "", "version")
	if code != 0 || !strings.HasPrefix(out, "audit ") || !strings.Contains(out, "gitleaks v8.") || !strings.Contains(out, "opa v1.") {
		t.Errorf("version: exit %d, %q", code, out)
	}
}

func TestRepositoryOwnedByAnotherUser(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root to hand the repository to another user") // CI runs as root
	}
	r := gittest.New(t)
	r.Commit("c", map[string]string{"a.txt": "x\n"})
	if err := filepath.Walk(r.Dir, func(p string, _ os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		return os.Lchown(p, 65534, 65534)
	}); err != nil {
		t.Fatal(err)
	}
	t.Setenv("HOME", t.TempDir()) // no safe.directory from the user's own config
	code, _, stderr := runCLI(t, "", r.Dir)
	if code != checks.ExitError || !strings.Contains(stderr, "owned by another user") || !strings.Contains(stderr, "safe.directory "+r.Dir) {
		t.Errorf("exit %d, stderr %q; want 2 and how to trust the repository", code, stderr)
	}
}

func TestInterrupted(t *testing.T) {
	dir, _, _ := leakyRepo(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var stdout, stderr bytes.Buffer
	code := execute(ctx, []string{dir}, &stdout, &stderr)
	if code != checks.ExitError || !strings.Contains(stderr.String(), "interrupted") {
		t.Errorf("exit %d, stderr %q; want 2 and 'interrupted'", code, stderr.String())
	}
	if strings.Contains(stdout.String(), "PASS") {
		t.Errorf("an interrupted run printed a pass: %s", stdout.String())
	}
}

func TestFactsCommand(t *testing.T) {
	dir, commit, secrets := leakyRepo(t)
	code, out, stderr := runCLI(t, "", "facts", dir)
	if code != checks.ExitOK || stderr != "" {
		t.Fatalf("facts: exit %d, stderr %q", code, stderr)
	}
	var doc struct {
		Target struct{ Name, Kind string }
		Facts  map[string]struct {
			Status string
			Data   struct {
				Findings []struct {
					Source, Path, Commit string
					GitleaksFingerprint  string `json:"gitleaks_fingerprint"`
				}
			}
		}
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("facts output is not JSON: %v\n%s", err, out)
	}
	sec := doc.Facts["secrets"]
	if doc.Target.Kind != "repo" || sec.Status != "ok" || len(sec.Data.Findings) != 2 {
		t.Fatalf("facts = %+v", doc)
	}
	for _, f := range sec.Data.Findings {
		if f.Source == "history" && f.GitleaksFingerprint != commit+":deploy/app.env:github-pat:1" {
			t.Errorf("history finding's gitleaks fingerprint = %q", f.GitleaksFingerprint)
		}
	}
	for _, s := range secrets {
		if strings.Contains(out, s) {
			t.Errorf("facts output holds a planted secret (%.8s…)", s)
		}
	}
	if code, _, stderr := runCLI(t, "", "facts", t.TempDir()); code != checks.ExitError || !strings.Contains(stderr, "not a git working tree") {
		t.Errorf("facts on a non-repository: exit %d, stderr %q", code, stderr)
	}
}

// TestThisRepositoryHasNoSecrets dogfoods SEC-01 on this very checkout's
// tracked files: a test that commits a token-shaped literal fails here
// (tests make such values at run time; history is audited by .ci/run).
func TestThisRepositoryHasNoSecrets(t *testing.T) {
	code, out, stderr := runCLI(t, "", "--no-history", "--format", "json", "../..")
	if code != checks.ExitOK {
		t.Errorf("audit --no-history of this repository: exit %d, stderr %q\n%s", code, stderr, out)
	}
}

// TestOnly: --only runs the named items and sections alone, and a pattern
// that names nothing is a usage error.
func TestOnly(t *testing.T) {
	dir, _, _ := leakyRepo(t)
	code, out, stderr := runCLI(t, dir, "--only", "SSH", "--format", "json")
	if rep := decodeReport(t, out); code != checks.ExitOK || len(rep.Targets) != 1 || len(rep.Targets[0].Results) != 0 {
		t.Errorf("--only SSH on a repository: exit %d, stderr %q, report %+v", code, stderr, rep)
	}
	code, out, _ = runCLI(t, dir, "--only", "sec-01, SSH", "--format", "json")
	if rep := decodeReport(t, out); code != checks.ExitFail || len(rep.Targets[0].Results) != 1 || rep.Targets[0].Results[0].ID != "SEC-01" {
		t.Errorf("--only sec-01: exit %d, report %+v", code, rep)
	}
	for _, bad := range []string{"SSH-99", "SE", "bogus"} {
		code, _, stderr = runCLI(t, dir, "--only", bad)
		if code != checks.ExitError || !strings.Contains(stderr, "names no checklist item") {
			t.Errorf("--only %s: exit %d, stderr %q", bad, code, stderr)
		}
	}
}
