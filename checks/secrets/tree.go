package secrets

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"slices"
	"strings"
	"syscall"
	"time"
	"unicode/utf16"

	"github.com/zricethezav/gitleaks/v8/config"
	"github.com/zricethezav/gitleaks/v8/detect"
	"github.com/zricethezav/gitleaks/v8/sources"
	"golang.org/x/sync/errgroup"

	"audit/checks"
	"audit/checks/gitrepo"
)

// scanTree reads every tracked regular file of the working tree.
func (s *scan) scanTree(ctx context.Context) error {
	paths, submodules, err := trackedFiles(ctx, s.repo)
	if err != nil {
		return err
	}
	if len(submodules) > 0 {
		s.warn(fmt.Sprintf("submodules are not scanned, audit each on its own: %s", strings.Join(submodules, ", ")))
	}

	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(s.workers)
	for _, p := range paths {
		g.Go(func() error {
			s.scanName(gctx, p)
			return s.scanFile(gctx, p)
		})
	}
	err = g.Wait()
	if len(s.ignoredText) > 0 {
		slices.Sort(s.ignoredText)
		s.warn(fmt.Sprintf("%d tracked text files are not scanned: the rules' allowlist ignores their paths (a .pdf or .bin that is text…), e.g. %s",
			len(s.ignoredText), strings.Join(s.ignoredText[:min(3, len(s.ignoredText))], ", ")))
	}
	return err
}

// scanFile scans one tracked file as it is in the working tree.
func (s *scan) scanFile(ctx context.Context, path string) error {
	content, err := s.readTracked(ctx, path)
	if err != nil || content == nil {
		return err
	}
	s.mu.Lock()
	s.files++
	s.mu.Unlock()
	content = decodeUTF16(content)
	if !looksBinary(content) && pathIgnored(&s.detector.Config, path) && !expectedIgnore(path) {
		s.mu.Lock()
		s.ignoredText = append(s.ignoredText, path)
		s.mu.Unlock()
	}
	if !looksBinary(content) {
		// Text, by git's test: one fragment straight to the detector.
		// gitleaks' file source would skip a text file whose first bytes
		// look like a binary format ("MZ", "%PDF", "PK..." at its start).
		s.detect(ctx, sources.Fragment{Raw: string(content), FilePath: path, StartLine: 1}, SourceTree, false)
		return nil
	}
	// Binary: gitleaks' file source opens archives and skips the rest,
	// within a time budget (a small archive can inflate to gigabytes).
	actx, cancel := context.WithTimeout(ctx, archiveBudget)
	defer cancel()
	err = s.scanContent(actx, path, content)
	switch {
	case err == nil || ctx.Err() != nil:
		return err
	case actx.Err() != nil:
		s.warn(fmt.Sprintf("gave up on %s after %s: it inflates too much to scan", path, archiveBudget))
		return nil
	}
	// A corrupt archive: say so and keep every other result.
	s.warn(fmt.Sprintf("could not open %s as an archive (%v); skipped it", path, err))
	return nil
}

// archiveBudget bounds the time spent on one binary file of the working
// tree (a variable for tests).
var archiveBudget = 20 * time.Second

// scanContent runs gitleaks' file source over binary content (archives are
// opened; other binaries skipped) in one fragment: gitleaks' chunked reader
// misses tokens that straddle its 100 kB chunks.
func (s *scan) scanContent(ctx context.Context, path string, content []byte) error {
	file := &sources.File{
		Content:         bytes.NewReader(content),
		Path:            path,
		Buffer:          make([]byte, len(content)+1),
		Config:          &s.detector.Config,
		MaxArchiveDepth: s.detector.MaxArchiveDepth,
	}
	return file.Fragments(ctx, func(frag sources.Fragment, err error) error {
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		s.detect(ctx, frag, SourceTree, false)
		return nil
	})
}

// readTracked returns the content of a tracked file in the working tree,
// or nil when there is nothing to read: a file over maxFileSize (with a
// warning), or no regular file at that path in the working tree (deleted,
// replaced by a symlink, a pipe or a directory, or under a symlinked
// directory). Symlinks are never followed. Without history, the index
// holds the committed content of such a path, and is read instead.
func (s *scan) readTracked(ctx context.Context, path string) ([]byte, error) {
	info, err := s.root.Lstat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR) || err != nil && escapesRoot(err):
		return s.fromIndex(ctx, path)
	case err != nil:
		return nil, fmt.Errorf("stat %s: %w", path, err)
	case !info.Mode().IsRegular():
		return s.fromIndex(ctx, path)
	case info.Size() > maxFileSize:
		s.warn(fmt.Sprintf("skipped %s: larger than %d MiB", path, maxFileSize>>20))
		return nil, nil
	}
	f, err := s.root.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	defer f.Close()
	content, err := io.ReadAll(io.LimitReader(f, maxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	return content, nil
}

// fromIndex reads a tracked file's staged content when the history, which
// holds it too, is not scanned.
func (s *scan) fromIndex(ctx context.Context, path string) ([]byte, error) {
	if s.repo.Scope != checks.ScopeTree {
		return nil, nil // the staged change and the history cover it
	}
	out, err := gitrepo.RepoOutput(ctx, s.repo, "cat-file", "blob", ":"+path)
	if err != nil {
		return nil, fmt.Errorf("read %s from the index: %w", path, err)
	}
	return []byte(out), nil
}

// escapesRoot tells whether os.Root refused a path because it leads out of
// the repository through a symlink (os.Root's error has no exported value).
func escapesRoot(err error) bool {
	return strings.Contains(err.Error(), "path escapes from parent")
}

// decodeUTF16 turns a UTF-16 text file with a byte-order mark into UTF-8,
// which gitleaks' rules read; anything else is returned as it is.
func decodeUTF16(b []byte) []byte {
	var order binary.ByteOrder
	switch {
	case len(b) >= 2 && b[0] == 0xFF && b[1] == 0xFE:
		order = binary.LittleEndian
	case len(b) >= 2 && b[0] == 0xFE && b[1] == 0xFF:
		order = binary.BigEndian
	default:
		return b
	}
	units := make([]uint16, (len(b)-2)/2)
	for i := range units {
		units[i] = order.Uint16(b[2+2*i:])
	}
	return []byte(string(utf16.Decode(units)))
}

// trackedFiles lists the paths of the regular files in the index, and the
// submodules.
func trackedFiles(ctx context.Context, repo *checks.Repo) (paths, submodules []string, err error) {
	out, err := gitrepo.RepoOutput(ctx, repo, "ls-files", "-z", "--stage")
	if err != nil {
		return nil, nil, err
	}
	for entry := range strings.SplitSeq(out, "\x00") {
		// "<mode> <object> <stage>\t<path>"
		meta, path, ok := strings.Cut(entry, "\t")
		if !ok {
			continue
		}
		switch mode, _, _ := strings.Cut(meta, " "); mode {
		case "100644", "100755":
			paths = append(paths, path)
		case "160000":
			submodules = append(submodules, path)
		} // symlinks (120000) are not followed
	}
	slices.Sort(paths)
	return slices.Compact(paths), submodules, nil // a conflicted path has several stages
}

// pathIgnored tells whether gitleaks skips a file by its path alone: a
// global allowlist whose paths match, as gitleaks' detector decides it.
func pathIgnored(cfg *config.Config, path string) bool {
	for _, a := range cfg.Allowlists {
		if len(a.Paths) == 0 || !a.PathAllowed(path) {
			continue
		}
		if a.MatchCondition != config.AllowlistMatchAnd ||
			len(a.Commits) == 0 && len(a.Regexes) == 0 && len(a.StopWords) == 0 {
			return true
		}
	}
	return false
}

// expectedIgnore tells the ignored paths no one expects scanned (lock and
// checksum files, vendored trees), which need no warning.
func expectedIgnore(p string) bool {
	base := path.Base(p)
	switch {
	case strings.HasPrefix(p, "vendor/") || strings.Contains(p, "node_modules/"):
		return true
	case strings.HasSuffix(base, ".lock") || strings.HasSuffix(base, ".sum"):
		return true
	}
	switch base {
	case "go.mod", "package-lock.json", "pnpm-lock.yaml", "npm-shrinkwrap.json":
		return true
	}
	return false
}

// scanName reports a secret in a tracked file's path (a token used as a
// file or directory name).
func (s *scan) scanName(ctx context.Context, path string) {
	for _, f := range s.detector.DetectContext(ctx, detect.Fragment{Raw: path}) {
		redacted, _ := s.safePath(ctx, path, "")
		s.add(Leak{
			RuleID:      f.RuleID,
			Description: f.Description,
			Source:      SourceTree,
			Path:        redacted,
			Excerpt:     "(in the file name)",
			Fingerprint: fingerprint(f.RuleID, path, "", 0, 0, "(file name)"),
		})
	}
}

// safePath returns a path, and a text that quotes it, with any secret the
// path holds replaced by REDACTED: a path is printed in every report.
func (s *scan) safePath(ctx context.Context, path, quoting string) (string, string) {
	if cached, ok := s.redactedPaths.Load(path); ok {
		safe := cached.(string)
		return safe, strings.ReplaceAll(quoting, path, safe)
	}
	safe := path
	for _, f := range s.detector.DetectContext(ctx, detect.Fragment{Raw: path}) {
		if f.Secret != "" {
			safe = strings.ReplaceAll(safe, f.Secret, Redacted)
		}
	}
	s.redactedPaths.Store(path, safe)
	return safe, strings.ReplaceAll(quoting, path, safe)
}
