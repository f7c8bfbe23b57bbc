package secrets

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/gitleaks/go-gitdiff/gitdiff"
	"github.com/zricethezav/gitleaks/v8/sources"

	"audit/checks"
	"audit/checks/gitrepo"
)

// patchOptions pin git's patch output so that the user's own git
// configuration and the repository's attributes cannot change what the
// parser reads: --text because a "binary" or "-diff" attribute (or a
// textconv driver) would otherwise hide a file's lines; content that is
// really binary is skipped by patchSource itself.
var patchOptions = []string{
	"-p", "-U0", "--text", "--no-color", "--no-ext-diff", "--no-textconv",
	"--src-prefix=a/", "--dst-prefix=b/", "--ignore-submodules=none",
}

// historyArgs lists every commit reachable from HEAD with the lines it
// added: the root commit's too (--root), and for a merge the lines the
// merge itself introduced beyond what merging its parents gives
// (--remerge-diff, git 2.36 or later). No --diff-filter: a type change
// (symlink to file) adds lines too.
//
// With since, only the commits after it: since..HEAD.
func historyArgs(since string) []string {
	return logArgs(since, "--remerge-diff")
}

// octopusArgs lists the merges of three or more parents against their first
// parent: git cannot remerge them ("Skipping remerge-diff for octopus
// merges"), so what they introduce is read this way, and what their other
// parents brought is told apart by the caller.
func octopusArgs(since string) []string {
	return logArgs(since, "--diff-merges=first-parent", "--min-parents=3")
}

func logArgs(since string, merges ...string) []string {
	args := append([]string{"log"}, patchOptions...)
	args = append(args, merges...)
	return append(args, "--root", "--pretty=medium", "--date=default",
		"--no-decorate", "--no-abbrev-commit", "--no-show-signature", "--no-notes",
		"--full-history", "--end-of-options", revisions(since), "--")
}

// revisions is HEAD, or since..HEAD.
func revisions(since string) string {
	if since != "" {
		return since + "..HEAD"
	}
	return "HEAD"
}

// stagedArgs lists the lines the staged change adds (index against HEAD).
func stagedArgs() []string {
	args := append([]string{"diff", "--cached"}, patchOptions[1:]...)
	return append(args, "--")
}

// patchSource yields the added lines of a git patch stream as gitleaks
// fragments. It stands in for gitleaks' sources.Git, which reports git
// failures only to its logger and then returns nil (a failed git log scans
// nothing and "passes"), ignores git's exit status, and panics on a nil
// Remote. Here git's exit status and stderr decide, and a patch stream the
// parser stops reading early is an error.
type patchSource struct {
	repo *checks.Repo
	args []string
}

// Fragments implements sources.Source. yield may be called from one
// goroutine only; the caller parallelises detection.
func (s *patchSource) Fragments(ctx context.Context, yield sources.FragmentsFunc) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	cmd := gitrepo.RepoCommand(ctx, s.repo, s.args...)
	var stderr bytes.Buffer
	cmd.Stderr = &gitrepo.LimitedBuffer{Buf: &stderr, Max: 4096}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return fmt.Errorf("run git %s: %w", s.args[0], err)
	}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("run git %s: %w", s.args[0], err)
	}
	files, err := gitdiff.Parse(stdout)
	yieldErr := err
	for f := range files {
		if yieldErr != nil {
			continue // drain so the parser goroutine ends
		}
		commit := ""
		if f.PatchHeader != nil {
			commit = f.PatchHeader.SHA
		}
		if f.IsDelete || f.IsBinary {
			continue
		}
		for _, tf := range f.TextFragments {
			if tf == nil {
				continue
			}
			raw := tf.Raw(gitdiff.OpAdd)
			if looksBinary(raw) {
				continue
			}
			frag := sources.Fragment{
				Raw:       raw,
				FilePath:  f.NewName,
				CommitSHA: commit,
				StartLine: int(tf.NewPosition),
			}
			if err := yield(frag, nil); err != nil {
				yieldErr = err
				cancel()
				break
			}
		}
	}
	// The parser gives up silently on input it cannot read; whatever git
	// still had to say was then never scanned.
	rest, _ := io.Copy(io.Discard, stdout)
	waitErr := cmd.Wait()
	switch {
	case yieldErr != nil:
		return yieldErr
	case ctx.Err() != nil && waitErr != nil:
		return fmt.Errorf("git %s: %w", s.args[0], context.Cause(ctx))
	case waitErr != nil:
		return fmt.Errorf("git %s: %w", s.args[0], gitrepo.ExitError(waitErr, stderr.String()))
	case rest > 0:
		return fmt.Errorf("git %s: could not parse its output (%d bytes left unread)", s.args[0], rest)
	case strings.TrimSpace(stderr.String()) != "":
		// git succeeded but complained; the output is complete, so this is
		// a warning for the caller, not a failure.
		return &gitWarning{msg: checks.ScrubTokens(strings.Join(strings.Fields(stderr.String()), " "))}
	}
	return nil
}

// gitWarning is what git printed to stderr on a run that succeeded.
type gitWarning struct{ msg string }

func (w *gitWarning) Error() string { return w.msg }

// looksBinary applies git's own test (a NUL byte in the first 8000 bytes)
// to added lines, in place of the attributes --text overrides.
func looksBinary[T ~string | ~[]byte](b T) bool {
	for i := range min(len(b), 8000) {
		if b[i] == 0 {
			return true
		}
	}
	return false
}
