package main

import (
	"encoding/json"
	"encoding/xml"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"audit/checks"
	"audit/checks/gitrepo/gittest"
)

func TestSARIFAndJUnitFromTheCLI(t *testing.T) {
	dir, commit, secrets := leakyRepo(t)
	out := t.TempDir()
	sarifFile, junitFile, mdFile := filepath.Join(out, "audit.sarif"), filepath.Join(out, "junit.xml"), filepath.Join(out, "audit.md")
	code, table, stderr := runCLI(t, "", dir, "--report", "sarif="+sarifFile, "--report", "junit="+junitFile, "--report", "markdown="+mdFile)
	if code != checks.ExitFail || !strings.Contains(table, "SEC-01") {
		t.Fatalf("exit %d, stderr %q, stdout:\n%s", code, stderr, table)
	}

	var sarif struct {
		Version string
		Runs    []struct {
			AutomationDetails struct{ ID string }
			Tool              struct {
				Driver struct{ Rules []struct{ ID string } }
			}
			Results []struct {
				RuleID    string
				RuleIndex int
				Locations []struct {
					PhysicalLocation struct {
						ArtifactLocation struct{ URI string }
						Region           struct{ StartLine int }
					}
				}
				PartialFingerprints map[string]string
				Properties          map[string]any
			}
		}
	}
	b := readFile(t, sarifFile)
	if err := json.Unmarshal(b, &sarif); err != nil {
		t.Fatalf("SARIF is not JSON: %v", err)
	}
	if sarif.Version != "2.1.0" || len(sarif.Runs) != 1 || sarif.Runs[0].AutomationDetails.ID != "audit/repo/" {
		t.Fatalf("SARIF runs = %+v", sarif.Runs)
	}
	run := sarif.Runs[0]
	if len(run.Results) != 2 {
		t.Fatalf("SARIF results = %d, want 2", len(run.Results))
	}
	var uris []string
	for _, r := range run.Results {
		loc := r.Locations[0].PhysicalLocation
		if r.RuleID != "SEC-01" || run.Tool.Driver.Rules[r.RuleIndex].ID != "SEC-01" || loc.Region.StartLine < 1 ||
			r.PartialFingerprints["primaryLocationLineHash"] == "" {
			t.Errorf("SARIF result %+v", r)
		}
		uris = append(uris, loc.ArtifactLocation.URI)
		if c, _ := r.Properties["commit"].(string); c != "" && c != commit {
			t.Errorf("commit property %q, want %s", c, commit)
		}
	}
	if strings.Join(uris, " ") != "billing/pay.py deploy/app.env" {
		t.Errorf("SARIF uris = %v", uris)
	}

	var junit struct {
		Suites []struct {
			Failures int `xml:"failures,attr"`
			Cases    []struct {
				Name    string `xml:"name,attr"`
				File    string `xml:"file,attr"`
				Failure *struct {
					Text string `xml:",chardata"`
				} `xml:"failure"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	jb := readFile(t, junitFile)
	if err := xml.Unmarshal(jb, &junit); err != nil {
		t.Fatalf("JUnit is not XML: %v", err)
	}
	if len(junit.Suites) != 1 || junit.Suites[0].Failures != 1 || junit.Suites[0].Cases[0].Failure == nil ||
		!strings.HasPrefix(junit.Suites[0].Cases[0].Name, "SEC-01") {
		t.Errorf("JUnit = %+v", junit)
	}
	md := readFile(t, mdFile)
	for name, text := range map[string]string{"sarif": string(b), "junit": string(jb), "markdown": string(md), "table": table, "stderr": stderr} {
		for _, s := range secrets {
			if strings.Contains(text, s) {
				t.Errorf("%s holds a planted secret (%.8s…)", name, s)
			}
		}
	}
}

func TestReportFlagsAreValidated(t *testing.T) {
	clean := gittest.New(t)
	clean.Commit("c", map[string]string{"a.txt": "a\n"})
	for _, tc := range []struct {
		name   string
		args   []string
		stderr string
	}{
		{"report without =", []string{"--report", "sarif"}, "want FORMAT=FILE"},
		{"report of unknown format", []string{"--report", "pdf=x.pdf"}, `unknown format "pdf"`},
		{"two reports to one file", []string{"-o", "x.json", "--report", "sarif=x.json"}, "two reports would be written to x.json"},
		{"two reports to stdout", []string{"--report", "json=-"}, "standard output"},
		{"stdout spelled twice", []string{"--format", "json", "--report", "sarif=/dev/stdout"}, "standard output"},
		{"one file spelled twice", []string{"-o", "x.json", "--report", "sarif=./x.json"}, "two reports would be written to ./x.json"},
		{"the baseline as the output", []string{"--baseline", "b.json", "--format", "json", "-o", "./b.json"}, "would be overwritten"},
		{"since empty", []string{"--since="}, "is not a revision"},
		{"since a negation", []string{"--since", "^HEAD"}, "is not a revision"},
		{"bad fail-on", []string{"--fail-on", "urgent"}, "unknown severity"},
		{"since with staged", []string{"--staged", "--since", "HEAD"}, "cannot be used with --staged"},
		{"since of an unknown revision", []string{"--since", "nope"}, `revision "nope" is not a commit`},
		{"since of an option", []string{"--since=--all"}, "is not a revision"},
		{"missing config", []string{"--config", "/nonexistent/audit.yaml"}, "does not exist"},
		{"bad baseline", []string{"--baseline", "/nonexistent/r.json"}, "read baseline"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, "", append(tc.args, clean.Dir)...)
			if code != checks.ExitError || !strings.Contains(stderr, tc.stderr) || stdout != "" {
				t.Errorf("exit %d, stderr %q, stdout %q; want 2 and %q", code, stderr, stdout, tc.stderr)
			}
		})
	}
}

func TestWaivers(t *testing.T) {
	dir, _, _ := leakyRepo(t)
	write := func(yaml string) string {
		p := filepath.Join(t.TempDir(), "audit.yaml")
		if err := os.WriteFile(p, []byte(yaml), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	tomorrow := time.Now().UTC().AddDate(0, 0, 1).Format(time.DateOnly)
	yesterday := time.Now().UTC().AddDate(0, 0, -1).Format(time.DateOnly)

	unexpired := write("waivers:\n  - id: SEC-01\n    reason: test tokens, rotated\n    expires: " + tomorrow + "\n")
	code, out, stderr := runCLI(t, "", "--config", unexpired, "--format", "json", dir)
	if code != checks.ExitOK || decodeReport(t, out).Targets[0].Results[0].Status != checks.StatusWaived {
		t.Errorf("unexpired waiver: exit %d, stderr %q, report %s", code, stderr, out)
	}

	// A target glob matches the repository however its path is spelled.
	sub := filepath.Join(dir, "deploy")
	os.MkdirAll(sub, 0o755)
	byName := write("waivers:\n  - id: SEC-01\n    target: \"" + filepath.Base(dir) + "\"\n    reason: r\n    expires: " + tomorrow + "\n")
	for _, spelled := range []string{dir, sub, "."} {
		wd := ""
		if spelled == "." {
			wd = dir
		}
		if code, _, stderr := runCLI(t, wd, "--config", byName, spelled); code != checks.ExitOK {
			t.Errorf("audit %s with a waiver for target %q: exit %d, stderr %q", spelled, filepath.Base(dir), code, stderr)
		}
	}

	expired := write("waivers:\n  - id: SEC-01\n    reason: test tokens\n    expires: " + yesterday + "\n")
	code, _, stderr = runCLI(t, "", "--config", expired, dir)
	if code != checks.ExitFail || !strings.Contains(stderr, "expired on "+yesterday) || !strings.Contains(stderr, expired+":2") {
		t.Errorf("expired waiver: exit %d, stderr %q; want 1 and the expiry with file:line", code, stderr)
	}

	noReason := write("waivers:\n  - id: SEC-01\n    expires: " + tomorrow + "\n")
	code, _, stderr = runCLI(t, "", "--config", noReason, dir)
	if code != checks.ExitError || !strings.Contains(stderr, noReason+":2") || !strings.Contains(stderr, "without a reason") {
		t.Errorf("waiver without reason: exit %d, stderr %q; want 2 with file:line", code, stderr)
	}

	// .audit.yaml at the repository root is read without --config.
	if err := os.WriteFile(filepath.Join(dir, ".audit.yaml"), []byte("waivers:\n  - id: NOPE-1\n    reason: x\n    expires: "+tomorrow+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, stderr = runCLI(t, "", dir)
	if code != checks.ExitError || !strings.Contains(stderr, `unknown checklist item "NOPE-1"`) || !strings.Contains(stderr, ".audit.yaml:2") {
		t.Errorf("default config with unknown id: exit %d, stderr %q", code, stderr)
	}
}

func TestBaseline(t *testing.T) {
	dir, _, _ := leakyRepo(t)
	baselineFile := filepath.Join(t.TempDir(), "baseline.json")
	if code, _, _ := runCLI(t, "", "--format", "json", "-o", baselineFile, dir); code != checks.ExitFail {
		t.Fatalf("first run: exit %d", code)
	}
	code, out, stderr := runCLI(t, "", "--baseline", baselineFile, "--format", "json", dir)
	if code != checks.ExitOK || decodeReport(t, out).Targets[0].Results[0].Status != checks.StatusPass {
		t.Errorf("against its own baseline: exit %d, stderr %q, report %s", code, stderr, out)
	}
	// A line moving does not make the staged finding new.
	gittest.Run(t, dir, "reset", "--quiet")
	pay := readFile(t, filepath.Join(dir, "billing/pay.py"))
	if err := os.WriteFile(filepath.Join(dir, "billing/pay.py"), append([]byte("# moved\n\n"), pay...), 0o644); err != nil {
		t.Fatal(err)
	}
	gittest.Run(t, dir, "add", "billing/pay.py")
	if code, out, _ := runCLI(t, "", "--baseline", baselineFile, "--format", "json", dir); code != checks.ExitOK {
		t.Errorf("after the line moved: exit %d, report %s", code, out)
	}
	// A new secret on top fails, and only it is reported.
	gittest.Run(t, dir, "add", "--all")
	os.WriteFile(filepath.Join(dir, "new.env"), []byte("KEY="+gittest.AWSKeyID()+"\n"), 0o644)
	gittest.Run(t, dir, "add", "new.env")
	code, out, _ = runCLI(t, "", "--baseline", baselineFile, "--format", "json", dir)
	findings := decodeReport(t, out).Targets[0].Results[0].Findings
	if code != checks.ExitFail || len(findings) != 1 || findings[0].Path != "new.env" {
		t.Errorf("a new secret: exit %d, findings %+v; want 1 and only new.env", code, findings)
	}
}

func TestSince(t *testing.T) {
	r := gittest.New(t)
	r.Commit("old leak", map[string]string{"old.env": "T=" + gittest.GitHubPAT() + "\n"})
	r.Git("rm", "--quiet", "old.env")
	r.Commit("remove", nil)
	r.Commit("work", map[string]string{"a.txt": "a\n"})
	if code, _, _ := runCLI(t, "", r.Dir); code != checks.ExitFail {
		t.Fatalf("without --since: exit %d, want 1 (the old leak)", code)
	}
	if code, out, stderr := runCLI(t, "", "--since", "HEAD~1", r.Dir); code != checks.ExitOK {
		t.Errorf("--since HEAD~1: exit %d, stderr %q\n%s", code, stderr, out)
	}
	r.Commit("new leak", map[string]string{"new.env": "T=" + gittest.GitHubPAT() + "\n"})
	if code, _, _ := runCLI(t, "", "--since", "HEAD~1", r.Dir); code != checks.ExitFail {
		t.Errorf("--since HEAD~1 with a leak after it: exit %d, want 1", code)
	}

	shallow := filepath.Join(t.TempDir(), "shallow")
	gittest.Run(t, "/", "clone", "--quiet", "--depth=1", "file://"+r.Dir, shallow)
	code, _, stderr := runCLI(t, "", "--since", "HEAD~2", shallow)
	if code != checks.ExitError || !strings.Contains(stderr, "not in this shallow clone") {
		t.Errorf("--since beyond a shallow clone: exit %d, stderr %q", code, stderr)
	}
}

// TestPreCommitHook installs the hook with a built audit and lets git run it.
func TestPreCommitHook(t *testing.T) {
	bin := t.TempDir()
	build := exec.Command("go", "build", "-o", filepath.Join(bin, "audit"), ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	t.Setenv("PATH", bin+string(os.PathListSeparator)+os.Getenv("PATH"))

	r := gittest.New(t)
	r.Commit("init", map[string]string{"README.md": "# x\n"})
	code, out, stderr := runCLI(t, "", "hook", "install", r.Dir)
	hook := filepath.Join(r.Dir, ".git", "hooks", "pre-commit")
	if code != 0 || !strings.Contains(out, hook) {
		t.Fatalf("hook install: exit %d, stdout %q, stderr %q", code, out, stderr)
	}
	if info, err := os.Stat(hook); err != nil || info.Mode()&0o111 == 0 {
		t.Fatalf("hook not executable: %v %v", info, err)
	}

	commit := func() (string, error) {
		cmd := exec.Command("git", "commit", "--quiet", "-m", "x")
		cmd.Dir = r.Dir
		cmd.Env = append(os.Environ(), "GIT_CONFIG_GLOBAL=/dev/null")
		b, err := cmd.CombinedOutput()
		return string(b), err
	}
	secret := gittest.StripeKey()
	r.Stage(map[string]string{"pay.py": "key = \"" + secret + "\"\n"})
	if out, err := commit(); err == nil {
		t.Errorf("a commit adding a secret went through:\n%s", out)
	} else if !strings.Contains(out, "SEC-01") || strings.Contains(out, secret) {
		t.Errorf("hook output should name SEC-01 and never the secret:\n%s", out)
	}
	r.Git("rm", "--quiet", "--cached", "pay.py")
	r.Stage(map[string]string{"ok.py": "print('hello')\n"})
	if out, err := commit(); err != nil {
		t.Errorf("a clean commit was refused: %v\n%s", err, out)
	}
	// git commit -a and git commit PATH commit from a temporary index that
	// git names in GIT_INDEX_FILE: the hook must read that one.
	for _, args := range [][]string{{"-a"}, {"--", "ok.py"}, {"--only", "ok.py"}, {"--include", "ok.py"}} {
		r.Write("ok.py", "print('hello')\nkey = \""+gittest.StripeKey()+"\"\n")
		cmd := exec.Command("git", append([]string{"commit", "--quiet", "-m", "x"}, args...)...)
		cmd.Dir = r.Dir
		cmd.Env = append(os.Environ(), "GIT_CONFIG_GLOBAL=/dev/null")
		if out, err := cmd.CombinedOutput(); err == nil {
			t.Errorf("git commit %v with a secret in a tracked file went through:\n%s", args, out)
		}
		r.Git("checkout", "--", "ok.py")
		r.Git("reset", "--quiet")
	}

	// A merge that commits on its own runs pre-merge-commit.
	r.Git("checkout", "--quiet", "-b", "side")
	r.Write("side.env", "KEY="+gittest.GitHubPAT()+"\n")
	r.Git("add", "side.env")
	r.Git("commit", "--quiet", "--no-verify", "-m", "side secret")
	r.Git("checkout", "--quiet", "main")
	merge := exec.Command("git", "merge", "--no-ff", "-m", "merge side", "side")
	merge.Dir = r.Dir
	merge.Env = append(os.Environ(), "GIT_CONFIG_GLOBAL=/dev/null")
	if out, err := merge.CombinedOutput(); err == nil {
		t.Errorf("a merge bringing a secret went through:\n%s", out)
	}
	r.Git("merge", "--abort")

	// A foreign hook is kept unless --force; core.hooksPath is respected.
	other := gittest.New(t)
	other.Git("config", "core.hooksPath", ".githooks")
	foreign := filepath.Join(other.Dir, ".githooks", "pre-commit")
	os.MkdirAll(filepath.Dir(foreign), 0o755)
	os.WriteFile(foreign, []byte("#!/bin/sh\necho mine\n"+hookMarker+" is what audit writes; this hook is mine\naudit --staged\n"), 0o755)
	if code, _, stderr := runCLI(t, "", "hook", "install", other.Dir); code != checks.ExitError || !strings.Contains(stderr, "--force") {
		t.Errorf("foreign hook: exit %d, stderr %q; want 2 and a hint at --force", code, stderr)
	}
	if code, _, stderr := runCLI(t, "", "hook", "install", "--force", other.Dir); code != 0 {
		t.Errorf("--force: exit %d, stderr %q", code, stderr)
	}
	if b := readFile(t, foreign+".before-audit"); !strings.Contains(string(b), "echo mine") {
		t.Errorf("the foreign hook was not kept: %q", b)
	}
	if !strings.Contains(string(readFile(t, foreign)), hookMarker) {
		t.Error("core.hooksPath hook not written")
	}
	// Reinstalling over our own hook needs no --force.
	if code, _, stderr := runCLI(t, "", "hook", "install", other.Dir); code != 0 {
		t.Errorf("reinstall: exit %d, stderr %q", code, stderr)
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
