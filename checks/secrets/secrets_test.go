package secrets

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"audit/checks"
	"audit/checks/gitrepo"
	"audit/checks/gitrepo/gittest"
)

// collect scans the repository at dir with the given scope.
func collect(t *testing.T, dir string, scope checks.RepoScope) (Data, checks.Facts) {
	t.Helper()
	facts, err := collectErr(t, dir, scope)
	if err != nil {
		t.Fatalf("Collect: %v", err)
	}
	data, ok := facts.Data.(Data)
	if !ok {
		t.Fatalf("Collect returned data of type %T", facts.Data)
	}
	return data, facts
}

func collectErr(t *testing.T, dir string, scope checks.RepoScope) (checks.Facts, error) {
	t.Helper()
	repo, err := gitrepo.Open(context.Background(), dir, scope)
	if err != nil {
		t.Fatalf("open %s: %v", dir, err)
	}
	return Check{}.Collect(context.Background(), repo)
}

// assertNoSecret fails when any planted secret appears in the facts.
func assertNoSecret(t *testing.T, facts checks.Facts, secrets ...string) {
	t.Helper()
	b, err := json.Marshal(facts)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range secrets {
		if strings.Contains(string(b), s) {
			t.Errorf("secret %.8s… appears in the facts: %s", s, b)
		}
	}
}

func bySource(d Data, source string) []Leak {
	var out []Leak
	for _, l := range d.Findings {
		if l.Source == source {
			out = append(out, l)
		}
	}
	return out
}

func TestHistorySecretAddedThenDeleted(t *testing.T) {
	r := gittest.New(t)
	pat := gittest.GitHubPAT()
	r.Commit("readme", map[string]string{"README.md": "hello\n"})
	added := r.Commit("add config", map[string]string{"config/app.env": "A=1\nB=2\nGITHUB_TOKEN=" + pat + "\n"})
	r.Git("rm", "--quiet", "config/app.env")
	r.Commit("remove config", nil)

	data, facts := collect(t, r.Dir, checks.ScopeFull)
	if data.CommitsScanned < 2 {
		t.Errorf("CommitsScanned = %d, want at least 2", data.CommitsScanned)
	}
	hist := bySource(data, SourceHistory)
	if len(hist) != 1 {
		t.Fatalf("history findings = %+v, want 1", data.Findings)
	}
	got := hist[0]
	if got.Commit != added || got.Path != "config/app.env" || got.Line != 3 || got.RuleID != "github-pat" {
		t.Errorf("finding = %+v, want commit %s, config/app.env:3, github-pat", got, added)
	}
	if got.GitleaksFingerprint != added+":config/app.env:github-pat:3" {
		t.Errorf("GitleaksFingerprint = %q", got.GitleaksFingerprint)
	}
	if n := len(bySource(data, SourceTree)); n != 0 {
		t.Errorf("tree findings = %d, want 0 (the file was deleted)", n)
	}
	assertNoSecret(t, facts, pat)

	// --no-history and --staged do not read the history.
	for _, scope := range []checks.RepoScope{checks.ScopeTree, checks.ScopeStaged} {
		d, _ := collect(t, r.Dir, scope)
		if len(d.Findings) != 0 || d.CommitsScanned != 0 {
			t.Errorf("scope %s: findings %+v, commits %d; want none", scope, d.Findings, d.CommitsScanned)
		}
	}
}

func TestStagedOnly(t *testing.T) {
	r := gittest.New(t)
	aws := gittest.AWSKeyID()
	stripe := gittest.StripeKey()
	r.Commit("old secret", map[string]string{"old.env": "AWS_ACCESS_KEY_ID=" + aws + "\n"})
	r.Write("untracked.py", "key = \""+gittest.StripeKey()+"\"\n")
	r.Stage(map[string]string{"pay.py": "import os\nstripe_key = \"" + stripe + "\"\n"})

	data, facts := collect(t, r.Dir, checks.ScopeStaged)
	if len(data.Findings) != 1 {
		t.Fatalf("findings = %+v, want only the staged one", data.Findings)
	}
	got := data.Findings[0]
	if got.Source != SourceStaged || got.Path != "pay.py" || got.Line != 2 || got.Commit != "" || got.RuleID != "stripe-access-token" {
		t.Errorf("finding = %+v, want staged pay.py:2 stripe-access-token", got)
	}
	if data.FilesScanned != 0 || data.CommitsScanned != 0 {
		t.Errorf("staged scan read %d files and %d commits, want none", data.FilesScanned, data.CommitsScanned)
	}
	assertNoSecret(t, facts, aws, stripe)

	// The full scan sees all three places but not the untracked file.
	full, facts := collect(t, r.Dir, checks.ScopeFull)
	want := map[string]bool{"staged pay.py": true, "tree old.env": true, "history old.env": true}
	for _, l := range full.Findings {
		key := l.Source + " " + l.Path
		if !want[key] {
			t.Errorf("unexpected finding %s (%+v)", key, l)
		}
		delete(want, key)
	}
	if len(want) > 0 {
		t.Errorf("missing findings: %v", want)
	}
	assertNoSecret(t, facts, aws, stripe)
}

func TestCleanRepository(t *testing.T) {
	r := gittest.New(t)
	r.Commit("code", map[string]string{"main.go": "package main\n\nfunc main() {}\n", "README.md": "# hi\n"})
	data, facts := collect(t, r.Dir, checks.ScopeFull)
	if len(data.Findings) != 0 {
		t.Errorf("findings = %+v, want none", data.Findings)
	}
	if facts.Status != checks.FactsOK || data.FilesScanned != 2 || data.CommitsScanned != 1 {
		t.Errorf("status %s, files %d, commits %d; want ok, 2, 1", facts.Status, data.FilesScanned, data.CommitsScanned)
	}
}

func TestFingerprintStable(t *testing.T) {
	r := gittest.New(t)
	pat := gittest.GitHubPAT()
	r.Commit("add", map[string]string{"a.env": "TOKEN=" + pat + "\n"})
	first, _ := collect(t, r.Dir, checks.ScopeFull)
	again, _ := collect(t, r.Dir, checks.ScopeFull)
	r.Commit("move", map[string]string{"a.env": "# moved down\n\nTOKEN=" + pat + "\n"})
	moved, _ := collect(t, r.Dir, checks.ScopeFull)

	fp := func(d Data, source, commit string) string {
		for _, l := range d.Findings {
			if l.Source == source && (commit == "*" || l.Commit == commit) {
				return l.Fingerprint
			}
		}
		t.Fatalf("no %s finding in %+v", source, d.Findings)
		return ""
	}
	if fp(first, SourceTree, "") != fp(again, SourceTree, "") {
		t.Error("tree fingerprint changed between two runs")
	}
	if fp(first, SourceTree, "") != fp(moved, SourceTree, "") {
		t.Error("tree fingerprint changed when the line moved")
	}
	h := first.Findings[0].Commit + first.Findings[1].Commit // the history one has a commit
	if fp(first, SourceHistory, h) != fp(moved, SourceHistory, h) {
		t.Error("history fingerprint of the same commit changed on a second scan")
	}
	// Two different secrets on one line of one commit are two findings.
	r2 := gittest.New(t)
	r2.Commit("two", map[string]string{"b.env": "A=" + gittest.GitHubPAT() + " B=" + gittest.GitHubPAT() + "\n"})
	two, _ := collect(t, r2.Dir, checks.ScopeFull)
	if n := len(bySource(two, SourceHistory)); n != 2 {
		t.Errorf("history findings for two tokens on one line = %d, want 2", n)
	}
	if len(first.Findings[0].Fingerprint) != 32 {
		t.Errorf("fingerprint %q is not 32 hex digits", first.Findings[0].Fingerprint)
	}
}

func TestRepositorySuppressions(t *testing.T) {
	r := gittest.New(t)
	pat, aws, stripe := gittest.GitHubPAT(), gittest.AWSKeyID(), gittest.StripeKey()
	c := r.Commit("secrets", map[string]string{
		"a.env":    "TOKEN=" + pat + "\n",
		"b.env":    "AWS=" + aws + "\n",
		"allow.py": "key = \"" + stripe + "\" # gitleaks:allow\n",
	})
	r.Commit("ignore", map[string]string{IgnoreFile: "# fixtures\na.env:github-pat:1\n" + c + ":b.env:aws-access-token:1\n"})

	data, facts := collect(t, r.Dir, checks.ScopeFull)
	for _, l := range data.Findings {
		if l.Path == "allow.py" {
			t.Errorf("gitleaks:allow not honoured: %+v", l)
		}
		switch {
		case l.Path == "a.env": // the global entry covers the tree and every commit
			if l.IgnoredBy != IgnoreFile {
				t.Errorf("a.env finding not ignored: %+v", l)
			}
		case l.Path == "b.env" && l.Source == SourceHistory:
			if l.IgnoredBy != IgnoreFile {
				t.Errorf("b.env history finding not ignored by its commit fingerprint: %+v", l)
			}
		case l.Path == "b.env" && l.Source == SourceTree:
			if l.IgnoredBy != "" {
				t.Errorf("b.env tree finding ignored, but only one commit was listed: %+v", l)
			}
		}
	}
	if len(data.Findings) != 4 {
		t.Errorf("findings = %d (%+v), want 4: a.env and b.env in tree and history", len(data.Findings), data.Findings)
	}
	assertNoSecret(t, facts, pat, aws, stripe)
}

func TestRepositoryGitleaksConfig(t *testing.T) {
	custom := `title = "custom"
[extend]
useDefault = true
[[rules]]
id = "internal-token"
description = "Internal service token"
regex = '''itk_[a-f0-9]{32}'''
keywords = ["itk_"]
`
	only := `title = "only"
[[rules]]
id = "internal-token"
regex = '''itk_[a-f0-9]{32}'''
keywords = ["itk_"]
`
	internal := "itk_" + strings.Repeat("0123456789abcdef", 2)
	for _, tc := range []struct {
		name, config string
		want         []string
	}{
		{"no config uses the defaults", "", []string{"github-pat"}},
		{"useDefault adds to the defaults", custom, []string{"github-pat", "internal-token"}},
		{"a config without extend replaces them", only, []string{"internal-token"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := gittest.New(t)
			files := map[string]string{"a.txt": "t=" + gittest.GitHubPAT() + "\nx=" + internal + "\n"}
			if tc.config != "" {
				files[RepoConfigFile] = tc.config
			}
			r.Commit("c", files)
			// Load twice in one process: gitleaks' own [extend] loses rules the second time.
			for range 2 {
				data, _ := collect(t, r.Dir, checks.ScopeTree)
				var got []string
				for _, l := range data.Findings {
					got = append(got, l.RuleID)
				}
				if strings.Join(got, ",") != strings.Join(tc.want, ",") {
					t.Errorf("rules found = %v, want %v", got, tc.want)
				}
			}
		})
	}
}

func TestBadRepositoryFiles(t *testing.T) {
	secret := gittest.GitHubPAT()
	for _, tc := range []struct {
		name  string
		setup func(r *gittest.Repo)
		want  string
	}{
		{"invalid regex in .gitleaks.toml", func(r *gittest.Repo) {
			r.Write(RepoConfigFile, "[[rules]]\nid = \"x\"\nregex = '''([a-z'''\n")
		}, "load .gitleaks.toml"},
		{"invalid TOML names the line", func(r *gittest.Repo) { r.Write(RepoConfigFile, "title = \"x\"\n[[rules]\n") }, "line 2, column"},
		{"a secret in a bad allowlist regex stays out of the error", func(r *gittest.Repo) {
			r.Write(RepoConfigFile, "[allowlist]\nregexes = [\""+secret+"(\", \"x\"]\n")
		}, "missing closing )"},
		{"a secret in a mistyped value stays out of the error", func(r *gittest.Repo) {
			r.Write(RepoConfigFile, "[[rules]]\nid = \"x\"\nregex = \"a\"\nentropy = \""+secret+"\"\n")
		}, "decode config"},
		{"a secret in an unterminated string stays out of the error", func(r *gittest.Repo) {
			r.Write(RepoConfigFile, "title = '"+secret+"\n")
		}, "line 1"},
		{"no rules at all", func(r *gittest.Repo) { r.Write(RepoConfigFile, "title = \"silence\"\n") }, "defines no rules"},
		{"a secret in a regex with a backtick stays out of the error", func(r *gittest.Repo) {
			r.Write(RepoConfigFile, "[[rules]]\nid = \"x\"\nregex = '''a`"+secret+"('''\n")
		}, "missing closing )"},
		{"a secret as the regex of a rule without id stays out of the error", func(r *gittest.Repo) {
			r.Write(RepoConfigFile, "[[rules]]\nregex = \""+secret+"\"\n")
		}, "load .gitleaks.toml"},
		{"a secret as a rule id stays out of the error", func(r *gittest.Repo) {
			r.Write(RepoConfigFile, "[[rules]]\nid = \""+secret+"\"\nregex = '''([a-z'''\n")
		}, "load .gitleaks.toml"},
		{"extend.path", func(r *gittest.Repo) { r.Write(RepoConfigFile, "[extend]\npath = \"/etc/x.toml\"\n") }, "not supported"},
		{".gitleaksignore is a symlink to a device", func(r *gittest.Repo) {
			if err := os.Symlink("/dev/urandom", filepath.Join(r.Dir, IgnoreFile)); err != nil {
				t.Fatal(err)
			}
		}, "it is a symlink"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := gittest.New(t)
			r.Commit("c", map[string]string{"a.txt": "x\n"})
			tc.setup(r)
			r.Git("add", "--all")
			_, err := collectErr(t, r.Dir, checks.ScopeFull)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error = %v, want one containing %q", err, tc.want)
			}
			if err != nil && (strings.Contains(err.Error(), secret[4:16]) || strings.Contains(err.Error(), secret[20:32]) || strings.Contains(err.Error(), "\n")) {
				t.Errorf("error %q holds the secret or spans lines", err)
			}
		})
	}
}

// TestGitFailureIsAnError proves the scan fails closed: gitleaks' own git
// source logs git's errors and returns no findings and no error.
func TestGitFailureIsAnError(t *testing.T) {
	r := gittest.New(t)
	r.Commit("one", map[string]string{"a.txt": "a\n"})
	r.Commit("two", map[string]string{"b.txt": "b\n"})
	// Delete the blob of a.txt: git log -p cannot show the first commit.
	blob := r.Git("rev-parse", "HEAD~1:a.txt")
	if err := os.Remove(filepath.Join(r.Dir, ".git", "objects", blob[:2], blob[2:])); err != nil {
		t.Fatal(err)
	}
	_, err := collectErr(t, r.Dir, checks.ScopeFull)
	if err == nil || !strings.Contains(err.Error(), "scan history") {
		t.Fatalf("error = %v, want a history scan error", err)
	}
	t.Logf("error: %v", err)
}

// TestHostileGitConfig: the repository's git configuration cannot change
// the patch format the parser reads.
func TestHostileGitConfig(t *testing.T) {
	r := gittest.New(t)
	pat := gittest.GitHubPAT()
	c := r.Commit("add", map[string]string{"a.env": "x\nTOKEN=" + pat + "\n"})
	for _, kv := range [][2]string{
		{"color.ui", "always"}, {"color.diff", "always"}, {"diff.noprefix", "true"},
		{"log.abbrevCommit", "true"}, {"log.date", "relative"}, {"log.decorate", "full"},
		{"format.pretty", "oneline"}, {"diff.mnemonicPrefix", "true"}, {"log.showSignature", "false"},
		{"core.pager", "false"}, {"diff.external", "false"},
	} {
		r.Git("config", kv[0], kv[1])
	}
	data, _ := collect(t, r.Dir, checks.ScopeFull)
	hist := bySource(data, SourceHistory)
	if len(hist) != 1 || hist[0].Commit != c || hist[0].Path != "a.env" || hist[0].Line != 2 {
		t.Errorf("history findings = %+v, want a.env:2 in %s", hist, c)
	}
}

// TestUntrackedConfigIsIgnored: a .gitleaks.toml or .gitleaksignore that is
// not tracked cannot silence the scan, and the user is told.
func TestUntrackedConfigIsIgnored(t *testing.T) {
	r := gittest.New(t)
	r.Commit("c", map[string]string{"a.txt": "T=" + gittest.GitHubPAT() + "\n"})
	r.Write(RepoConfigFile, "[[rules]]\nid = \"x\"\nregex = '''nothing-matches-this'''\n")
	r.Write(IgnoreFile, "a.txt:github-pat:1\n")
	data, facts := collect(t, r.Dir, checks.ScopeTree)
	if len(data.Findings) != 1 || data.Findings[0].IgnoredBy != "" || data.Config != "default" {
		t.Errorf("findings %+v with config %q; want the token, not ignored, default rules", data.Findings, data.Config)
	}
	if w := strings.Join(facts.Warnings, "\n"); !strings.Contains(w, "ignoring .gitleaks.toml: it is not tracked") || !strings.Contains(w, "ignoring .gitleaksignore") {
		t.Errorf("warnings = %q", w)
	}
	r.Git("add", RepoConfigFile, IgnoreFile)
	if data, _ := collect(t, r.Dir, checks.ScopeTree); len(data.Findings) != 0 {
		t.Errorf("once staged, the repository's rules apply; findings %+v", data.Findings)
	}
}

// TestUnstagedConfigEditIsIgnored: the rules that apply are the staged
// ones; an unstaged allowlist-everything edit cannot silence the scan.
func TestUnstagedConfigEditIsIgnored(t *testing.T) {
	r := gittest.New(t)
	r.Commit("config", map[string]string{RepoConfigFile: "[extend]\nuseDefault = true\n"})
	r.Write(RepoConfigFile, "[extend]\nuseDefault = true\n[allowlist]\npaths = ['''.*''']\n")
	r.Stage(map[string]string{"new.env": "KEY=" + gittest.StripeKey() + "\n"})
	for _, scope := range []checks.RepoScope{checks.ScopeStaged, checks.ScopeTree, checks.ScopeFull} {
		data, facts := collect(t, r.Dir, scope)
		if len(data.Findings) == 0 {
			t.Errorf("%s: an unstaged allowlist silenced the scan", scope)
		}
		if w := strings.Join(facts.Warnings, "\n"); !strings.Contains(w, "ignoring unstaged changes to .gitleaks.toml") {
			t.Errorf("%s: warnings = %q", scope, w)
		}
	}
}
