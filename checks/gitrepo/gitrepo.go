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
		return nil, fmt.Errorf("path %s does not exist", path)
	}
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	if !info.IsDir() {
		return nil, fmt.Errorf("path %s is not a directory", path)
	}
	if _, err := exec.LookPath("git"); err != nil {
		return nil, errors.New("git is not installed (not found on PATH)")
	}
	out, err := Output(ctx, path, "rev-parse", "--show-toplevel")
	if err != nil {
		msg := err.Error()
		switch {
		case strings.Contains(msg, "not a git repository") || strings.Contains(msg, "must be run in a work tree"):
			return nil, fmt.Errorf("%s is %w", path, ErrNotRepo)
		case strings.Contains(msg, "dubious ownership"):
			top := path
			if _, rest, ok := strings.Cut(msg, "repository at '"); ok {
				top, _, _ = strings.Cut(rest, "'")
			}
			return nil, fmt.Errorf("git refuses %s: it is owned by another user (if you trust it: git config --global --add safe.directory %s)", path, quoteArg(top))
		}
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	root := strings.TrimSpace(out)
	if root == "" {
		// A bare repository or a .git directory has no working tree.
		return nil, fmt.Errorf("%s is %w", path, ErrNotRepo)
	}
	return &checks.Repo{Root: filepath.Clean(root), Display: path, Scope: scope}, nil
}

// Command returns a git command run in dir with a controlled environment.
func Command(ctx context.Context, dir string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, "git", append([]string{"-C", dir}, args...)...)
	cmd.Env = append(os.Environ(),
		"LC_ALL=C",
		"GIT_TERMINAL_PROMPT=0",
		"GIT_OPTIONAL_LOCKS=0",
		"GIT_PAGER=cat",
		"GIT_EXTERNAL_DIFF=",
	)
	cmd.WaitDelay = waitDelay
	return cmd
}

// Output runs git in dir and returns its standard output. A failure is
// returned with git's own message.
func Output(ctx context.Context, dir string, args ...string) (string, error) {
	cmd := Command(ctx, dir, args...)
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
	// git prints "fatal: ..." or "error: ..."; one line is enough.
	lines := strings.Split(msg, "\n")
	for _, l := range lines {
		if strings.HasPrefix(l, "fatal: ") || strings.HasPrefix(l, "error: ") {
			return errors.New(strings.TrimSpace(l))
		}
	}
	return errors.New(strings.TrimSpace(lines[0]))
}

// HasCommits reports whether HEAD points at a commit (false in a new,
// empty repository).
func HasCommits(ctx context.Context, dir string) (bool, error) {
	cmd := Command(ctx, dir, "rev-parse", "--verify", "--quiet", "HEAD^{commit}")
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
