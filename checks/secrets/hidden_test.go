package secrets

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"audit/checks"
	"audit/checks/gitrepo/gittest"
)

// TestContentGitCouldHide: git features that change what log and diff
// print must not hide a secret from the history or the staged scan.
func TestContentGitCouldHide(t *testing.T) {
	for _, tc := range []struct {
		name  string
		setup func(t *testing.T, r *gittest.Repo, secret string)
		scope checks.RepoScope
		want  string // "source path" of the finding that must be there
	}{
		{
			name: "binary attribute, staged",
			setup: func(t *testing.T, r *gittest.Repo, secret string) {
				r.Commit("attrs", map[string]string{".gitattributes": "*.pem binary\n*.key -diff\n"})
				r.Stage(map[string]string{"server.pem": "KEY=" + secret + "\n"})
			},
			scope: checks.ScopeStaged, want: "staged server.pem",
		},
		{
			name: "-diff attribute in .git/info/attributes, history",
			setup: func(t *testing.T, r *gittest.Repo, secret string) {
				r.Write(".git/info/attributes", "*.key -diff\n")
				r.Commit("key", map[string]string{"id.key": "KEY=" + secret + "\n"})
				r.Git("rm", "--quiet", "id.key")
				r.Commit("rm", nil)
			},
			want: "history id.key",
		},
		{
			name: "textconv driver",
			setup: func(t *testing.T, r *gittest.Repo, secret string) {
				r.Git("config", "diff.hide.textconv", "true")
				r.Commit("attrs", map[string]string{".gitattributes": "*.env diff=hide\n"})
				r.Commit("env", map[string]string{"prod.env": "KEY=" + secret + "\n"})
				r.Git("rm", "--quiet", "prod.env")
				r.Commit("rm", nil)
			},
			want: "history prod.env",
		},
		{
			name: "secret added by a merge commit itself",
			setup: func(t *testing.T, r *gittest.Repo, secret string) {
				r.Commit("base", map[string]string{"a.txt": "a\n"})
				r.Git("checkout", "--quiet", "-b", "side")
				r.Commit("side", map[string]string{"s.txt": "s\n"})
				r.Git("checkout", "--quiet", "main")
				r.Commit("main", map[string]string{"m.txt": "m\n"})
				r.Git("merge", "--quiet", "--no-commit", "side")
				r.Write("evil.txt", "TOKEN="+secret+"\n")
				r.Git("add", "evil.txt")
				r.Git("commit", "--quiet", "-m", "merge")
				r.Git("rm", "--quiet", "evil.txt")
				r.Commit("rm", nil)
			},
			want: "history evil.txt",
		},
		{
			name: "symlink replaced by a file (type change), staged",
			setup: func(t *testing.T, r *gittest.Repo, secret string) {
				if err := os.Symlink("target", filepath.Join(r.Dir, "cfg")); err != nil {
					t.Fatal(err)
				}
				r.Commit("link", nil)
				os.Remove(filepath.Join(r.Dir, "cfg"))
				r.Stage(map[string]string{"cfg": "TOKEN=" + secret + "\n"})
			},
			scope: checks.ScopeStaged, want: "staged cfg",
		},
		{
			name: "log.showRoot=false and the secret in the root commit",
			setup: func(t *testing.T, r *gittest.Repo, secret string) {
				r.Git("config", "log.showRoot", "false")
				r.Commit("root", map[string]string{"a.env": "TOKEN=" + secret + "\n"})
				r.Git("rm", "--quiet", "a.env")
				r.Commit("rm", nil)
			},
			want: "history a.env",
		},
		{
			name: "replace ref hiding the commit",
			setup: func(t *testing.T, r *gittest.Repo, secret string) {
				r.Commit("base", map[string]string{"a.txt": "a\n"})
				bad := r.Commit("leak", map[string]string{"a.env": "TOKEN=" + secret + "\n"})
				r.Git("checkout", "--quiet", "--detach", "HEAD~1")
				r.Commit("clean twin", map[string]string{"b.txt": "b\n"})
				twin := r.Git("rev-parse", "HEAD")
				r.Git("checkout", "--quiet", "main")
				r.Git("rm", "--quiet", "a.env")
				r.Commit("rm", nil)
				r.Git("replace", bad, twin)
			},
			want: "history a.env",
		},
		{
			name: "graft cutting history off",
			setup: func(t *testing.T, r *gittest.Repo, secret string) {
				r.Commit("leak", map[string]string{"a.env": "TOKEN=" + secret + "\n"})
				r.Git("rm", "--quiet", "a.env")
				c := r.Commit("rm", nil)
				r.Write(".git/info/grafts", c+"\n")
			},
			want: "history a.env",
		},
		{
			name: "inherited GIT_DIR, GIT_INDEX_FILE and GIT_CONFIG_PARAMETERS",
			setup: func(t *testing.T, r *gittest.Repo, secret string) {
				r.Commit("leak", map[string]string{"a.env": "TOKEN=" + secret + "\n"})
				r.Git("rm", "--quiet", "a.env")
				r.Commit("rm", nil)
				clean := gittest.New(t)
				clean.Commit("clean", map[string]string{"x": "x\n"})
				t.Setenv("GIT_DIR", filepath.Join(clean.Dir, ".git"))
				t.Setenv("GIT_WORK_TREE", clean.Dir)
				t.Setenv("GIT_INDEX_FILE", filepath.Join(clean.Dir, ".git", "index"))
				t.Setenv("GIT_CONFIG_PARAMETERS", "'log.showroot'='false'")
			},
			want: "history a.env",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := gittest.New(t)
			secret := gittest.GitHubPAT()
			tc.setup(t, r, secret)
			scope := tc.scope
			if scope == "" {
				scope = checks.ScopeFull
			}
			data, facts := collect(t, r.Dir, scope)
			var got []string
			for _, l := range data.Findings {
				got = append(got, l.Source+" "+l.Path)
			}
			if !strings.Contains(strings.Join(got, "|"), tc.want) {
				t.Errorf("findings = %q, want %q among them", got, tc.want)
			}
			assertNoSecret(t, facts, secret)
		})
	}
}

// TestBrokenHeadIsAnError: a HEAD naming a missing object is not an empty
// repository that passes.
func TestBrokenHeadIsAnError(t *testing.T) {
	r := gittest.New(t)
	r.Commit("c", map[string]string{"a.txt": "a\n"})
	r.Write(".git/refs/heads/main", strings.Repeat("de", 20)+"\n")
	if _, err := collectErr(t, r.Dir, checks.ScopeFull); err == nil {
		t.Fatal("Collect succeeded on a repository whose HEAD names a missing object")
	}
}

// TestGitWarningsAreScrubbed: git's own warnings may quote the
// repository's content, e.g. a token pasted into .gitattributes.
func TestGitWarningsAreScrubbed(t *testing.T) {
	r := gittest.New(t)
	secret := gittest.GitHubPAT()
	r.Commit("attrs", map[string]string{".gitattributes": "* " + secret + "!=x\n", "a.txt": "a\n"})
	r.Stage(map[string]string{"b.txt": "b\n"})
	for _, scope := range []checks.RepoScope{checks.ScopeStaged, checks.ScopeFull} {
		_, facts := collect(t, r.Dir, scope)
		if len(facts.Warnings) == 0 {
			t.Fatalf("%s: no warning; git's complaint about .gitattributes was expected", scope)
		}
		assertNoSecret(t, facts, secret, secret[4:16])
	}
}

// TestHunkContextCannotMoveLines: diff.interHunkContext merges -U0 hunks
// and would shift the line a history finding is reported at (and so the
// .gitleaksignore entry that matches it).
func TestHunkContextCannotMoveLines(t *testing.T) {
	r := gittest.New(t)
	lines := make([]string, 12)
	for i := range lines {
		lines[i] = fmt.Sprintf("line %d", i+1)
	}
	r.Commit("base", map[string]string{"f.txt": strings.Join(lines, "\n") + "\n"})
	lines[2] = "line 3 edited"
	lines[9] = "TOKEN=" + gittest.GitHubPAT()
	c := r.Commit("edit", map[string]string{"f.txt": strings.Join(lines, "\n") + "\n"})
	r.Git("config", "diff.interHunkContext", "10")
	data, _ := collect(t, r.Dir, checks.ScopeFull)
	hist := bySource(data, SourceHistory)
	if len(hist) != 1 || hist[0].Commit != c || hist[0].Line != 10 {
		t.Errorf("history findings = %+v, want f.txt:10 in %s", hist, c)
	}
}
