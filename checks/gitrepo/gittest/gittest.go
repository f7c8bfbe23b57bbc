// Package gittest builds throwaway git repositories for tests with the real
// git binary, and makes fake secrets in real token formats at test time, so
// that no credential-shaped string is ever committed to this project.
package gittest

import (
	"crypto/rand"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// Repo is a git working tree in a test's temporary directory.
type Repo struct {
	t   testing.TB
	Dir string
}

// New creates an empty repository with a fixed identity and no signing, so
// the user's global git configuration cannot interfere.
func New(t testing.TB) *Repo {
	t.Helper()
	RequireGit(t)
	r := &Repo{t: t, Dir: t.TempDir()}
	r.Git("init", "--quiet", "--initial-branch=main")
	r.Git("config", "user.email", "audit-test@example.invalid")
	r.Git("config", "user.name", "audit test")
	r.Git("config", "commit.gpgsign", "false")
	r.Git("config", "core.autocrlf", "false")
	return r
}

// RequireGit fails the test when git is missing: every environment that
// runs these tests, CI included, must have it.
func RequireGit(t testing.TB) {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Fatalf("git is required for this test: %v", err)
	}
}

// Git runs git in the repository and returns its trimmed output.
func (r *Repo) Git(args ...string) string {
	r.t.Helper()
	return Run(r.t, r.Dir, args...)
}

// Run runs git in dir and fails the test on error.
func Run(t testing.TB, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1",
		"GIT_AUTHOR_DATE=2026-01-02T03:04:05Z", "GIT_COMMITTER_DATE=2026-01-02T03:04:05Z")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return strings.TrimSpace(string(out))
}

// Write writes a file in the working tree, creating its directories.
func (r *Repo) Write(path, content string) {
	r.t.Helper()
	full := filepath.Join(r.Dir, path)
	if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
		r.t.Fatal(err)
	}
	if err := os.WriteFile(full, []byte(content), 0o644); err != nil {
		r.t.Fatal(err)
	}
}

// Commit writes the files, stages everything and commits; it returns the
// new commit's hash.
func (r *Repo) Commit(msg string, files map[string]string) string {
	r.t.Helper()
	for p, c := range files {
		r.Write(p, c)
	}
	r.Git("add", "--all")
	r.Git("commit", "--quiet", "--allow-empty", "-m", msg)
	return r.Git("rev-parse", "HEAD")
}

// Stage writes the files and adds them to the index without committing.
func (r *Repo) Stage(files map[string]string) {
	r.t.Helper()
	for p, c := range files {
		r.Write(p, c)
		r.Git("add", "--", p)
	}
}

const (
	alnum  = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	base32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
)

func random(alphabet string, n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b)
}

// withDigit puts a digit in a random token, as real ones nearly always
// have: tests must not depend on a one-in-thirty draw without one.
func withDigit(token string) string {
	b := []byte(token)
	b[len(b)/2] = "23456789"[len(token)%8]
	return string(b)
}

// GitHubPAT returns a fresh fake GitHub personal access token (ghp_ + 36).
func GitHubPAT() string { return "ghp_" + withDigit(random(alnum, 36)) }

// AWSKeyID returns a fresh fake AWS access key id (AKIA + 16 base32).
func AWSKeyID() string { return "AKIA" + withDigit(random(base32, 16)) }

// StripeKey returns a fresh fake Stripe live secret key (sk_live_ + 24).
func StripeKey() string { return "sk_live_" + withDigit(random(alnum, 24)) }
