// Package secrets finds secrets committed to a git repository with gitleaks
// used as a library: in the tracked files of the working tree, in the staged
// change, and in every commit reachable from HEAD. It fills the "secrets"
// namespace of the policy input. A secret value never leaves this package:
// findings carry a redacted excerpt and a fingerprint.
package secrets

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/rs/zerolog"
	"github.com/zricethezav/gitleaks/v8/detect"
	"github.com/zricethezav/gitleaks/v8/logging"
	"github.com/zricethezav/gitleaks/v8/report"
	"github.com/zricethezav/gitleaks/v8/sources"
	"golang.org/x/sync/errgroup"

	"audit/checks"
	"audit/checks/gitrepo"
)

// Namespace is the key of the policy input this check fills.
const Namespace = "secrets"

func init() {
	// gitleaks logs through a package-global zerolog logger that writes to
	// stderr at INFO ("5 commits scanned.", git's stderr, skipped files).
	// Everything it says that matters reaches us as an error or a finding.
	logging.Logger = zerolog.Nop()
	checks.Register(Check{})
}

// Where a finding was found.
const (
	SourceTree    = "tree"    // a tracked file as it is in the working tree
	SourceStaged  = "staged"  // a line the staged change adds
	SourceHistory = "history" // a line a commit added
	// SourceBoundary is a line of a shallow clone's oldest commit, whose
	// parents are missing: committed earlier, by a commit not in the clone.
	SourceBoundary = "shallow-boundary"
)

// Data is the "secrets" namespace of the policy input.
type Data struct {
	// Scope is the part of the repository read: full, tree or staged.
	Scope checks.RepoScope `json:"scope"`
	// Since is the revision after which history was read ("" for all of it).
	Since string `json:"since,omitempty"`
	// Config names the rules used: "default" or ".gitleaks.toml".
	Config string `json:"config"`
	// FilesScanned counts the tracked files read from the working tree.
	FilesScanned int `json:"files_scanned"`
	// CommitsScanned counts the commits whose patches were read.
	CommitsScanned int `json:"commits_scanned"`
	// Shallow is true when the history of a shallow clone was scanned.
	Shallow bool `json:"shallow"`
	// Findings are the secrets found, ignored ones included.
	Findings []Leak `json:"findings"`
}

// Leak is one secret found. It holds no secret value.
type Leak struct {
	RuleID      string `json:"rule_id"`
	Description string `json:"description"`
	// Source is where it was found: tree, staged or history.
	Source string `json:"source"`
	// Path is relative to the repository root, with forward slashes.
	Path string `json:"path"`
	// Line is 1-based: in the file, or in the file as of Commit.
	Line int `json:"line"`
	// Commit is the full hash of the commit that added it (history only).
	Commit string `json:"commit"`
	// Excerpt is the matched text with the secret replaced by REDACTED.
	Excerpt string `json:"excerpt"`
	// Fingerprint is stable across runs and line moves (see fingerprint).
	Fingerprint string `json:"fingerprint"`
	// GitleaksFingerprint is the entry that would ignore it in .gitleaksignore.
	GitleaksFingerprint string `json:"gitleaks_fingerprint"`
	// IgnoredBy names what suppressed it (".gitleaksignore"), if anything.
	IgnoredBy string `json:"ignored_by,omitempty"`
}

// maxFileSize is the largest working-tree file read; larger ones are
// skipped with a warning.
const maxFileSize = 64 << 20

// maxRepoFileSize bounds .gitleaks.toml and .gitleaksignore.
const maxRepoFileSize = 1 << 20

// Check is the secret-scanning collector.
type Check struct{}

// ID returns the namespace "secrets".
func (Check) ID() string { return Namespace }

// Applies reports whether t is a git repository.
func (Check) Applies(t checks.Target) bool { return t.Kind() == checks.KindRepo }

// Collect scans the repository's parts that its scope names.
func (Check) Collect(ctx context.Context, t checks.Target) (checks.Facts, error) {
	repo, ok := t.(*checks.Repo)
	if !ok {
		return checks.Facts{}, fmt.Errorf("secrets: target %s is not a repository", t.Name())
	}
	s, err := newScan(ctx, repo)
	if err != nil {
		return checks.Facts{}, err
	}
	if err := s.run(ctx); err != nil {
		return checks.Facts{}, err
	}
	return checks.Facts{
		Namespace: Namespace,
		Status:    checks.FactsOK,
		Data:      s.data(),
		Warnings:  s.warnings,
	}, nil
}

// scan is one secret scan of one repository.
type scan struct {
	repo     *checks.Repo
	root     *os.Root
	detector *detect.Detector
	ignore   ignoreList
	workers  int

	mu       sync.Mutex
	leaks    map[string]Leak // by fingerprint
	closed   bool            // set once the scan is over; late findings are dropped
	warnings []string
	config   string
	files    int
	commits  int
	shallow  bool
	// boundary holds the commits of a shallow clone whose parents are
	// missing: their diff is their whole tree, not what they added.
	boundary map[string]bool
	// ignoredText lists text files the rules' path allowlist skips.
	ignoredText []string
	// redactedPaths caches safePath: path -> path with its secrets redacted.
	redactedPaths sync.Map
	// historySecrets holds hashes of (rule, path, secret) seen in history.
	historySecrets map[[32]byte]bool
}

func newScan(ctx context.Context, repo *checks.Repo) (_ *scan, err error) {
	root, err := os.OpenRoot(repo.Root)
	if err != nil {
		return nil, fmt.Errorf("open repository: %w", err)
	}
	defer func() {
		if err != nil {
			root.Close()
		}
	}()
	s := &scan{repo: repo, root: root, leaks: map[string]Leak{}, config: "default", workers: runtime.GOMAXPROCS(0)}
	cfgText, err := s.readRepoFile(ctx, RepoConfigFile)
	if err != nil {
		return nil, err
	}
	cfg, err := loadConfig(cfgText)
	if err != nil {
		return nil, fmt.Errorf("load %s: %w", RepoConfigFile, err)
	}
	if cfgText != "" {
		s.config = RepoConfigFile
		if def, err := defaultConfig(); err == nil && len(cfg.Rules) < len(def.Rules) {
			s.warn(fmt.Sprintf("%s applies %d rules instead of gitleaks' %d (without [extend] useDefault = true it replaces them)",
				RepoConfigFile, len(cfg.Rules), len(def.Rules)))
		}
	}
	ignoreText, err := s.readRepoFile(ctx, IgnoreFile)
	if err != nil {
		return nil, err
	}
	s.ignore = parseIgnoreList(ignoreText)
	d := detect.NewDetectorContext(ctx, cfg)
	d.MaxDecodeDepth = 5  // as the gitleaks CLI: base64, hex, percent and unicode escapes
	d.MaxArchiveDepth = 2 // look inside archives in the working tree instead of skipping them
	s.detector = d
	return s, nil
}

// readRepoFile returns a configuration file at the repository root as the
// index holds it, or "" when the index has none. The index is what the
// next commit holds: an unstaged edit (say, an allowlist for everything)
// must not silence the pre-commit scan, and an untracked file is nobody's
// decision but the local user's. Either is named in a warning. Only a
// regular file is read (a symlink to /dev/urandom would hang gitleaks).
func (s *scan) readRepoFile(ctx context.Context, name string) (string, error) {
	entry, err := gitrepo.RepoOutput(ctx, s.repo, "ls-files", "-z", "--stage", "--", name)
	if err != nil {
		return "", fmt.Errorf("read %s: %w", name, err)
	}
	info, statErr := s.root.Lstat(name)
	if entry == "" {
		if statErr == nil {
			s.warn(fmt.Sprintf("ignoring %s: it is not tracked (git add it to apply it)", name))
		}
		return "", nil
	}
	// "<mode> <object> <stage>\t<path>"
	meta, _, _ := strings.Cut(entry, "\t")
	fields := strings.Fields(meta)
	if len(fields) < 2 || (fields[0] != "100644" && fields[0] != "100755") {
		kind := "special file"
		if len(fields) > 0 && fields[0] == "120000" {
			kind = "symlink"
		}
		return "", fmt.Errorf("read %s: it is a %s, and only a regular file at the repository root is read", name, kind)
	}
	size, err := gitrepo.RepoOutput(ctx, s.repo, "cat-file", "-s", fields[1])
	if err != nil {
		return "", fmt.Errorf("read %s: %w", name, err)
	}
	if n, err := strconv.Atoi(strings.TrimSpace(size)); err != nil || n > maxRepoFileSize {
		return "", fmt.Errorf("read %s: larger than %d bytes", name, maxRepoFileSize)
	}
	content, err := gitrepo.RepoOutput(ctx, s.repo, "cat-file", "blob", fields[1])
	if err != nil {
		return "", fmt.Errorf("read %s: %w", name, err)
	}
	if statErr == nil && info.Mode().IsRegular() {
		if disk, err := s.root.ReadFile(name); err == nil && string(disk) != content {
			s.warn(fmt.Sprintf("ignoring unstaged changes to %s: the staged version applies (git add it to apply them)", name))
		}
	}
	return content, nil
}

func (s *scan) run(ctx context.Context) error {
	defer func() {
		s.mu.Lock()
		s.closed = true
		s.mu.Unlock()
		s.root.Close()
	}()
	if s.repo.Scope != checks.ScopeStaged {
		if err := s.scanTree(ctx); err != nil {
			return fmt.Errorf("scan working tree: %w", err)
		}
	}
	if err := s.scanPatch(ctx, SourceStaged, stagedArgs(), false); err != nil {
		return fmt.Errorf("scan staged change: %w", err)
	}
	if s.repo.Scope != checks.ScopeFull {
		return nil
	}
	hasCommits, err := gitrepo.HasCommits(ctx, s.repo.Root)
	if err != nil || !hasCommits {
		return err
	}
	if s.shallow, err = gitrepo.IsShallow(ctx, s.repo.Root); err != nil {
		return err
	}
	if s.shallow {
		if s.boundary, err = gitrepo.ShallowBoundary(ctx, s.repo.Root); err != nil {
			return err
		}
		s.warn("shallow clone: only the commits present were scanned; secrets committed before them are reported as such, without the commit that added them; run `git fetch --unshallow` to scan the whole history")
	}
	list, err := gitrepo.RepoOutput(ctx, s.repo, "rev-list", "--end-of-options", revisions(s.repo.Since), "--")
	if err != nil {
		return fmt.Errorf("list commits: %w", err)
	}
	for c := range strings.FieldsSeq(list) {
		s.commits++
		if s.repo.Since != "" && s.boundary[c] {
			s.warn(fmt.Sprintf("shallow clone: the history between %s and HEAD is cut at commit %.12s; fetch more of it (git fetch --deepen=N) to scan all of it", s.repo.Since, c))
		}
	}
	if err := s.scanPatch(ctx, SourceHistory, historyArgs(s.repo.Since), false); err != nil {
		return fmt.Errorf("scan history: %w", err)
	}
	if err := s.scanPatch(ctx, SourceHistory, octopusArgs(s.repo.Since), true); err != nil {
		return fmt.Errorf("scan octopus merges: %w", err)
	}
	return nil
}

// scanPatch runs detection over the added lines of a git patch stream,
// on as many workers as there are CPUs.
//
// With onlyNew, a secret the history already showed at the same path is
// not reported again (octopus merges diffed against their first parent
// repeat what their other parents added).
func (s *scan) scanPatch(ctx context.Context, source string, args []string, onlyNew bool) error {
	g, gctx := errgroup.WithContext(ctx)
	work := make(chan sources.Fragment)
	for range s.workers {
		g.Go(func() error {
			for frag := range work {
				s.detect(gctx, frag, source, onlyNew)
			}
			return nil
		})
	}
	src := &patchSource{repo: s.repo, args: args}
	err := src.Fragments(gctx, func(frag sources.Fragment, err error) error {
		if err != nil {
			return err
		}
		select {
		case work <- frag:
			return nil
		case <-gctx.Done():
			return context.Cause(gctx)
		}
	})
	close(work)
	if werr := g.Wait(); err == nil {
		err = werr
	}
	var warning *gitWarning
	if errors.As(err, &warning) {
		s.warn("git: " + warning.msg)
		return nil
	}
	return err
}

// detect runs gitleaks on one fragment and keeps what it finds, redacted.
func (s *scan) detect(ctx context.Context, frag sources.Fragment, source string, onlyNew bool) {
	for _, f := range s.detector.DetectContext(ctx, detect.Fragment(frag)) {
		if source == SourceHistory && !s.firstSighting(f, onlyNew) {
			continue
		}
		l := toLeak(f, source, s.ignore)
		l.Path, l.GitleaksFingerprint = s.safePath(ctx, l.Path, l.GitleaksFingerprint)
		if source == SourceHistory && s.boundary[f.Commit] {
			// Not what that commit added: keep no commit, and the
			// fingerprint of the secret at its path, stable across pushes.
			l.Source, l.Commit = SourceBoundary, ""
			l.Fingerprint = fingerprint(f.RuleID, l.Path, "", 0, 0, f.Secret)
		}
		s.add(l)
	}
}

// firstSighting records a secret seen in history at a path, and tells
// whether it may be reported: always, unless onlyNew and seen before. Only
// a hash of the secret is kept.
func (s *scan) firstSighting(f report.Finding, onlyNew bool) bool {
	key := sha256.Sum256([]byte(f.RuleID + "\x00" + f.File + "\x00" + f.Secret))
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.historySecrets == nil {
		s.historySecrets = map[[32]byte]bool{}
	}
	seen := s.historySecrets[key]
	s.historySecrets[key] = true
	return !(onlyNew && seen)
}

func (s *scan) add(l Leak) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return
	}
	if old, ok := s.leaks[l.Fingerprint]; ok && !preferred(l, old) {
		return
	}
	s.leaks[l.Fingerprint] = l
}

// preferred chooses between two sightings of one secret at one place (one
// fingerprint): the staged change over the working tree, then the first line.
// A secret committed before a shallow clone's boundary and still in the
// working tree is one finding, the committed one.
func preferred(a, b Leak) bool {
	rank := map[string]int{SourceStaged: 3, SourceBoundary: 2, SourceHistory: 1, SourceTree: 0}
	if a.Source != b.Source {
		return rank[a.Source] > rank[b.Source]
	}
	return a.Line < b.Line
}

func (s *scan) warn(msg string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.warnings = append(s.warnings, msg)
}

func (s *scan) data() Data {
	s.mu.Lock()
	defer s.mu.Unlock()
	leaks := make([]Leak, 0, len(s.leaks))
	for _, l := range s.leaks {
		leaks = append(leaks, l)
	}
	slices.SortFunc(leaks, compareLeaks)
	slices.Sort(s.warnings)
	return Data{
		Scope:          s.repo.Scope,
		Since:          s.repo.Since,
		Config:         s.config,
		FilesScanned:   s.files,
		CommitsScanned: s.commits,
		Shallow:        s.shallow,
		Findings:       leaks,
	}
}

func compareLeaks(a, b Leak) int {
	if c := strings.Compare(a.Source, b.Source); c != 0 {
		return c
	}
	if c := strings.Compare(a.Path, b.Path); c != 0 {
		return c
	}
	if a.Line != b.Line {
		return a.Line - b.Line
	}
	if c := strings.Compare(a.Commit, b.Commit); c != 0 {
		return c
	}
	return strings.Compare(a.Fingerprint, b.Fingerprint)
}

// toLeak converts a gitleaks finding and forgets its secret.
func toLeak(f report.Finding, source string, ignore ignoreList) Leak {
	path := f.File
	global := fmt.Sprintf("%s:%s:%d", path, f.RuleID, f.StartLine)
	commitFP := ""
	gitleaksFP := global
	if f.Commit != "" {
		commitFP = fmt.Sprintf("%s:%s", f.Commit, global)
		gitleaksFP = commitFP
	}
	l := Leak{
		RuleID:              f.RuleID,
		Description:         f.Description,
		Source:              source,
		Path:                path,
		Line:                f.StartLine,
		Commit:              f.Commit,
		Excerpt:             redact(f.Match, f.Secret),
		Fingerprint:         fingerprint(f.RuleID, path, f.Commit, f.StartLine, f.StartColumn, f.Secret),
		GitleaksFingerprint: gitleaksFP,
	}
	if ignore.ignores(global, commitFP) {
		l.IgnoredBy = IgnoreFile
	}
	return l
}
