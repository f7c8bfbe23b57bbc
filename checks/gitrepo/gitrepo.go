// Package gitrepo finds git working trees and runs git in them with an
// environment that the user's own git configuration cannot bend: fixed
// locale, no prompts, no optional locks.
package gitrepo

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"audit/checks"
)

// ErrNotRepo is returned by Open when the path is not inside a git working tree.
var ErrNotRepo = errors.New("not a git working tree")

// waitDelay bounds how long a cancelled git command may keep its pipes open.
const waitDelay = 2 * time.Second

// Open resolves path to the top level of the git working tree that holds it
// and returns it as a repository target.
func Open(ctx context.Context, path string, scope checks.RepoScope) (*checks.Repo, error) {
	info, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("path %q does not exist", path)
	}
	if err != nil {
		return nil, fmt.Errorf("open %q: %w", path, err)
	}
	if !info.IsDir() {
		return nil, fmt.Errorf("path %q is not a directory", path)
	}
	if _, err := exec.LookPath("git"); err != nil {
		return nil, errors.New("git is not installed (not found on PATH)")
	}
	out, err := Output(ctx, path, "rev-parse", "--show-toplevel")
	if err != nil {
		msg := err.Error()
		switch {
		case strings.Contains(msg, "not a git repository") || strings.Contains(msg, "must be run in a work tree"):
			return nil, fmt.Errorf("%q is %w", path, ErrNotRepo)
		case strings.Contains(msg, "dubious ownership"):
			return nil, fmt.Errorf("git refuses %q: it is owned by another user (if you trust it: git config --global --add safe.directory %s)", path, quoteArg(worktreeTop(path)))
		}
		return nil, fmt.Errorf("%q: %w", path, err)
	}
	root := strings.TrimSpace(out)
	if root == "" {
		// A bare repository or a .git directory has no working tree.
		return nil, fmt.Errorf("%q is %w", path, ErrNotRepo)
	}
	repo := &checks.Repo{Root: filepath.Clean(root), Scope: scope}
	if repo.IndexFile, err = hookIndex(ctx, repo.Root); err != nil {
		return nil, err
	}
	return repo, nil
}

// hookIndex returns the index named by GIT_INDEX_FILE when it belongs to
// the repository at root. git sets it for hooks: during "git commit -a" or
// "git commit PATH" the pre-commit hook must read the temporary index that
// will be committed, not .git/index. A GIT_INDEX_FILE of another
// repository (inherited from elsewhere) is ignored.
func hookIndex(ctx context.Context, root string) (string, error) {
	index := os.Getenv("GIT_INDEX_FILE")
	if index == "" {
		return "", nil
	}
	abs, err := filepath.Abs(index)
	if err != nil {
		return "", nil
	}
	out, err := Output(ctx, root, "rev-parse", "--absolute-git-dir")
	if err != nil {
		return "", err
	}
	rel, err := filepath.Rel(strings.TrimSpace(out), abs)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) || filepath.IsAbs(rel) {
		return "", nil
	}
	return abs, nil
}

// RepoCommand is Command for a repository target: it reads the index of a
// commit in progress when there is one (see checks.Repo.IndexFile).
func RepoCommand(ctx context.Context, repo *checks.Repo, args ...string) *exec.Cmd {
	cmd := Command(ctx, repo.Root, args...)
	if repo.IndexFile != "" {
		cmd.Env = append(cmd.Env, "GIT_INDEX_FILE="+repo.IndexFile)
	}
	return cmd
}

// RepoOutput is Output for a repository target (see RepoCommand).
func RepoOutput(ctx context.Context, repo *checks.Repo, args ...string) (string, error) {
	return output(RepoCommand(ctx, repo, args...), args)
}

// Command returns a git command run in dir that reads the repository as it
// is stored, whatever the caller's environment or the repository's
// configuration say:
//   - every GIT_* variable is dropped but those naming the user's config
//     files: an inherited GIT_DIR, GIT_INDEX_FILE or GIT_CONFIG_PARAMETERS
//     (set inside git hooks and aliases) would audit another repository or
//     change its configuration;
//   - replace refs and grafts, which can hide commits, are ignored;
//   - the configuration keys that change what log and diff print are pinned
//     with -c (command-line options pin the rest, see package secrets).
func Command(ctx context.Context, dir string, args ...string) *exec.Cmd {
	full := []string{"--no-replace-objects", "-C", dir}
	for _, kv := range pinnedConfig {
		full = append(full, "-c", kv)
	}
	cmd := exec.CommandContext(ctx, "git", append(full, args...)...)
	cmd.Env = append(cleanEnv(os.Environ()),
		"LC_ALL=C",
		"GIT_TERMINAL_PROMPT=0",
		"GIT_OPTIONAL_LOCKS=0",
		"GIT_NO_REPLACE_OBJECTS=1",
		"GIT_GRAFT_FILE=/nonexistent/audit-no-grafts",
		"GIT_PAGER=cat",
	)
	cmd.WaitDelay = waitDelay
	return cmd
}

// pinnedConfig overrides configuration that would change the patches git
// prints or make it run programs.
var pinnedConfig = []string{
	"log.showRoot=true", "log.showSignature=false", "log.follow=false", "log.mailmap=false",
	"log.abbrevCommit=false", "log.decorate=false",
	"diff.noprefix=false", "diff.mnemonicPrefix=false", "diff.relative=false", "diff.external=",
	"diff.renames=true", "diff.ignoreSubmodules=none", "diff.suppressBlankEmpty=false", "diff.interHunkContext=0",
	"core.quotePath=true", "core.fsmonitor=false", "core.pager=cat",
	"color.ui=never", "color.diff=never", "i18n.logOutputEncoding=UTF-8",
}

// keptGitEnv are the GIT_* variables that say where the user's own
// configuration lives (safe.directory is only read from there).
var keptGitEnv = map[string]bool{
	"GIT_CONFIG_GLOBAL": true, "GIT_CONFIG_SYSTEM": true, "GIT_CONFIG_NOSYSTEM": true, "GIT_EXEC_PATH": true,
}

func cleanEnv(env []string) []string {
	out := env[:0:0]
	for _, kv := range env {
		name, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(name, "GIT_") && !keptGitEnv[name] {
			continue
		}
		out = append(out, kv)
	}
	return out
}

// Output runs git in dir and returns its standard output. A failure is
// returned with git's own message.
func Output(ctx context.Context, dir string, args ...string) (string, error) {
	return output(Command(ctx, dir, args...), args)
}

func output(cmd *exec.Cmd, args []string) (string, error) {
	var stderr bytes.Buffer
	cmd.Stderr = &LimitedBuffer{Buf: &stderr, Max: 4096}
	out, err := cmd.Output()
	if err != nil {
		return string(out), fmt.Errorf("git %s: %w", args[0], ExitError(err, stderr.String()))
	}
	return string(out), nil
}

// ExitError turns a failed git run into an error that carries git's message.
func ExitError(err error, stderr string) error {
	msg := strings.TrimSpace(stderr)
	if msg == "" {
		return err
	}
	// git prints "fatal: ..." or "error: ..."; one line is enough. It may
	// quote the repository's content (an attribute, a config value).
	lines := strings.Split(msg, "\n")
	for _, l := range lines {
		if strings.HasPrefix(l, "fatal: ") || strings.HasPrefix(l, "error: ") {
			return errors.New(checks.ScrubTokens(strings.TrimSpace(l)))
		}
	}
	return errors.New(checks.ScrubTokens(strings.TrimSpace(lines[0])))
}

// HasCommits reports whether HEAD names a commit: false on an unborn
// branch (a new repository). A HEAD that names a missing object is not
// "no commits": the history scan then fails with git's own error.
func HasCommits(ctx context.Context, dir string) (bool, error) {
	cmd := Command(ctx, dir, "rev-parse", "--verify", "--quiet", "HEAD")
	err := cmd.Run()
	var exit *exec.ExitError
	if errors.As(err, &exit) && exit.ExitCode() == 1 {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("git rev-parse HEAD: %w", err)
	}
	return true, nil
}

// IsShallow reports whether the repository is a shallow clone.
func IsShallow(ctx context.Context, dir string) (bool, error) {
	out, err := Output(ctx, dir, "rev-parse", "--is-shallow-repository")
	if err != nil {
		return false, err
	}
	return strings.TrimSpace(out) == "true", nil
}

// LimitedBuffer keeps the first Max bytes written to it and drops the rest,
// so a chatty command cannot exhaust memory.
type LimitedBuffer struct {
	Buf *bytes.Buffer
	Max int
}

// Write implements io.Writer.
func (b *LimitedBuffer) Write(p []byte) (int, error) {
	if room := b.Max - b.Buf.Len(); room > 0 {
		b.Buf.Write(p[:min(room, len(p))])
	}
	return len(p), nil
}

// quoteArg quotes a path for a shell command line shown to the user.
func quoteArg(s string) string {
	if strings.ContainsAny(s, " \t'\"$`\\!*?[]{}()<>|&;#~") {
		return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
	}
	return s
}

// VerifyRevision checks that rev names a commit in the repository, and
// says what to do when a shallow clone lacks it.
func VerifyRevision(ctx context.Context, dir, rev string) error {
	if rev == "" || strings.HasPrefix(rev, "-") || strings.HasPrefix(rev, "^") || strings.Contains(rev, "..") {
		return fmt.Errorf("%q is not a revision (want one commit: a branch, a tag or a hash)", rev)
	}
	err := Command(ctx, dir, "rev-parse", "--verify", "--quiet", "--end-of-options", rev+"^{commit}").Run()
	if err == nil {
		return nil
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if shallow, _ := IsShallow(ctx, dir); shallow {
		return fmt.Errorf("revision %q is not in this shallow clone: fetch it first (git fetch --deepen=N, or fetch-depth: 0 in actions/checkout)", rev)
	}
	return fmt.Errorf("revision %q is not a commit in this repository", rev)
}

// worktreeTop finds the working tree that holds path by looking for .git
// upwards, without git (which refuses to say when it distrusts the owner).
func worktreeTop(path string) string {
	abs, err := filepath.Abs(path)
	if err != nil {
		return path
	}
	for dir := abs; ; dir = filepath.Dir(dir) {
		if _, err := os.Lstat(filepath.Join(dir, ".git")); err == nil {
			return dir
		}
		if dir == filepath.Dir(dir) {
			return abs
		}
	}
}

// ShallowBoundary returns the commits of a shallow clone whose parents are
// not in it (the .git/shallow file).
func ShallowBoundary(ctx context.Context, dir string) (map[string]bool, error) {
	out, err := Output(ctx, dir, "rev-parse", "--git-path", "shallow")
	if err != nil {
		return nil, err
	}
	path := strings.TrimSpace(out)
	if !filepath.IsAbs(path) {
		path = filepath.Join(dir, path)
	}
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return map[string]bool{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read the shallow boundary: %w", err)
	}
	set := map[string]bool{}
	for c := range strings.FieldsSeq(string(b)) {
		set[c] = true
	}
	return set, nil
}
