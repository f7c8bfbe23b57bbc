package main

import (
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
		RunE: func(*cobra.Command, []string) error {
			return errors.New("audit hook needs a subcommand: install")
		},
	}
	var force bool
	install := &cobra.Command{
		Use:   "install [PATH]",
		Short: "Install a pre-commit hook that blocks commits adding a secret",
		Long: `install writes the repository's pre-commit and pre-merge-commit hooks (where
core.hooksPath points, if set) so that every commit and merge runs audit --staged
and is refused when the staged change adds a secret or the check cannot run. A
hook that audit did not write is left alone unless --force is given (it is then
kept as <hook>.before-audit). Skip the hooks once with: git commit --no-verify`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			dir := "."
			if len(args) == 1 {
				dir = args[0]
			}
			paths, err := installHook(cmd, dir, force)
			if err != nil {
				fmt.Fprintf(stderr, "audit: %v.\n", err)
				return &exitError{code: checks.ExitError}
			}
			fmt.Fprintf(stdout, "Installed %s: commits and merges now run audit --staged.\n", strings.Join(paths, " and "))
			return nil
		},
	}
	install.Flags().BoolVar(&force, "force", false, "replace a pre-commit hook that audit did not write (keeping a copy)")
	hook.AddCommand(install)
	return hook
}

// hookNames are the git hooks installed: pre-commit for commits, and
// pre-merge-commit for merges that commit on their own (git merge of a
// branch holding a secret would otherwise pass unchecked).
var hookNames = []string{"pre-commit", "pre-merge-commit"}

// installHook writes every hook of hookNames and returns their paths.
func installHook(cmd *cobra.Command, dir string, force bool) ([]string, error) {
	ctx := cmd.Context()
	repo, err := gitrepo.Open(ctx, dir, checks.ScopeStaged)
	if err != nil {
		return nil, err
	}
	binary, err := hookBinary()
	if err != nil {
		return nil, err
	}
	script := hookScript(binary)
	paths := make([]string, len(hookNames))
	// Check every hook before writing any, so a refusal changes nothing.
	for i, name := range hookNames {
		out, err := gitrepo.Output(ctx, repo.Root, "rev-parse", "--git-path", "hooks/"+name)
		if err != nil {
			return nil, fmt.Errorf("find the hooks directory: %w", err)
		}
		paths[i] = strings.TrimSpace(out)
		if !filepath.IsAbs(paths[i]) {
			paths[i] = filepath.Join(repo.Root, paths[i])
		}
		old, err := os.ReadFile(paths[i])
		switch {
		case errors.Is(err, fs.ErrNotExist) || err == nil && isOurHook(old):
		case err != nil:
			return nil, fmt.Errorf("read the existing hook: %w", err)
		case !force:
			return nil, fmt.Errorf("%s already exists and was not written by audit; rerun with --force to replace it (a copy is kept), or call audit --staged from it", paths[i])
		}
	}
	for _, path := range paths {
		if old, err := os.ReadFile(path); err == nil && !isOurHook(old) {
			if err := os.WriteFile(path+".before-audit", old, 0o755); err != nil {
				return nil, fmt.Errorf("keep a copy of the existing hook: %w", err)
			}
		}
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return nil, fmt.Errorf("create the hooks directory: %w", err)
		}
		if err := writeAtomic(path, func(w io.Writer) error { _, err := io.WriteString(w, script); return err }); err != nil {
			return nil, err
		}
		if err := os.Chmod(path, 0o755); err != nil {
			return nil, fmt.Errorf("make the hook executable: %w", err)
		}
	}
	return paths, nil
}

// hookScript is the hook audit writes: it runs audit --staged and says how
// to skip it when it refuses.
func hookScript(binary string) string {
	return fmt.Sprintf(`#!/bin/sh
%s (written by audit hook install)
# Refuses the commit when the staged change adds a secret, or when the check
# cannot run. Skip it once with: git commit --no-verify
# Quiet when the change is clean; the report when it is not.
out=$(%s --staged 2>&1)
status=$?
if [ "$status" -ne 0 ]; then
	printf '%%s\n' "$out" >&2
	echo "audit: commit refused (exit $status): fix the findings above, or skip this check once with git commit --no-verify." >&2
fi
exit "$status"
`, hookMarker, shellQuote(binary))
}

// isOurHook tells a hook audit wrote (its marker on the second line, as
// hookScript puts it) from a user's hook that merely mentions audit.
func isOurHook(content []byte) bool {
	lines := strings.SplitN(string(content), "\n", 3)
	return len(lines) >= 2 && strings.HasPrefix(lines[1], hookMarker+" (written by audit hook install)")
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
