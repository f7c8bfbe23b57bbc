package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"audit/checks"
	"audit/checks/gitrepo"
)

// hookMarker identifies a pre-commit hook that audit wrote, so that
// reinstalling may replace it while a foreign hook is left alone.
const hookMarker = "# audit pre-commit hook"

func newHookCommand(stdout, stderr io.Writer) *cobra.Command {
	hook := &cobra.Command{
		Use:   "hook",
		Short: "Manage the git pre-commit hook that runs audit --staged",
		Args:  cobra.NoArgs,
	}
	var force bool
	install := &cobra.Command{
		Use:   "install [PATH]",
		Short: "Install a pre-commit hook that blocks commits adding a secret",
		Long: `install writes the repository's pre-commit hook (where core.hooksPath points,
if set) so that every commit runs audit --staged and is refused when the staged
change adds a secret or the check cannot run. A hook that audit did not write is
left alone unless --force is given (it is then kept as pre-commit.before-audit).
Skip the hook for one commit with: git commit --no-verify`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			dir := "."
			if len(args) == 1 {
				dir = args[0]
			}
			path, err := installHook(cmd, dir, force)
			if err != nil {
				fmt.Fprintf(stderr, "audit: %v.\n", err)
				return &exitError{code: checks.ExitError}
			}
			fmt.Fprintf(stdout, "Installed the pre-commit hook at %s: commits now run audit --staged.\n", path)
			return nil
		},
	}
	install.Flags().BoolVar(&force, "force", false, "replace a pre-commit hook that audit did not write (keeping a copy)")
	hook.AddCommand(install)
	return hook
}

func installHook(cmd *cobra.Command, dir string, force bool) (string, error) {
	ctx := cmd.Context()
	repo, err := gitrepo.Open(ctx, dir, checks.ScopeStaged)
	if err != nil {
		return "", err
	}
	out, err := gitrepo.Output(ctx, repo.Root, "rev-parse", "--git-path", "hooks/pre-commit")
	if err != nil {
		return "", fmt.Errorf("find the hooks directory: %w", err)
	}
	path := strings.TrimSpace(out)
	if !filepath.IsAbs(path) {
		path = filepath.Join(repo.Root, path)
	}
	binary, err := hookBinary()
	if err != nil {
		return "", err
	}
	old, err := os.ReadFile(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return "", fmt.Errorf("read the existing hook: %w", err)
	case bytes.Contains(old, []byte(hookMarker)):
		// ours: replace it (e.g. the binary moved)
	case !force:
		return "", fmt.Errorf("%s already exists and was not written by audit; rerun with --force to replace it (a copy is kept), or call audit --staged from it", path)
	default:
		if err := os.WriteFile(path+".before-audit", old, 0o755); err != nil {
			return "", fmt.Errorf("keep a copy of the existing hook: %w", err)
		}
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return "", fmt.Errorf("create the hooks directory: %w", err)
	}
	script := fmt.Sprintf(`#!/bin/sh
%s (written by audit hook install)
# Refuses the commit when the staged change adds a secret, or when the check
# cannot run. Skip it once with: git commit --no-verify
%s --staged
status=$?
if [ "$status" -ne 0 ]; then
	echo "audit: commit refused (exit $status): fix the findings above, or skip this check once with git commit --no-verify." >&2
fi
exit "$status"
`, hookMarker, shellQuote(binary))
	if err := writeAtomic(path, func(w io.Writer) error { _, err := io.WriteString(w, script); return err }); err != nil {
		return "", err
	}
	if err := os.Chmod(path, 0o755); err != nil {
		return "", fmt.Errorf("make the hook executable: %w", err)
	}
	return path, nil
}

// hookBinary is the audit the hook runs: this executable, unless it is a
// temporary one from go run; then the audit on PATH.
func hookBinary() (string, error) {
	exe, err := os.Executable()
	if err == nil {
		exe, err = filepath.EvalSymlinks(exe)
	}
	if err == nil && !strings.Contains(exe, string(filepath.Separator)+"go-build") && filepath.Base(exe) != "audit.test" {
		return exe, nil
	}
	if onPath, err := exec.LookPath("audit"); err == nil {
		return filepath.Abs(onPath)
	}
	return "", errors.New("this audit is a temporary build (go run); install it first (make build, or go install ./cmd/audit) and run that binary's hook install")
}

// shellQuote quotes s for a POSIX shell.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
