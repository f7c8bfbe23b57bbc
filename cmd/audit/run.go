package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"golang.org/x/term"

	"audit/checks"
	_ "audit/checks/all" // registers every collector
	"audit/checks/baseline"
	"audit/checks/config"
	"audit/checks/gitrepo"
	"audit/checks/host"
	"audit/checks/postgres"
	"audit/policies"
	"audit/reporters"
)

// options are the flags of the root command.
type options struct {
	path      string
	staged    bool
	noHistory bool
	since     string
	format    string
	output    string
	reports   []string
	failOn    string
	config    string
	baseline  string
	// pathGiven is true when PATH was named: with hosts, the repository is
	// audited only then.
	pathGiven bool
	hosts     []string
	local     bool
	// only limits the run to these checklist items or sections.
	only []string
	ssh  host.Options
	// now is the time waivers and attestations are judged at.
	now time.Time
}

// auditsRepo tells whether the run audits a repository: always, unless
// only hosts were named.
func (o options) auditsRepo() bool {
	return o.pathGiven || (len(o.hosts) == 0 && !o.local)
}

func (o options) scope() checks.RepoScope {
	switch {
	case o.staged:
		return checks.ScopeStaged
	case o.noHistory:
		return checks.ScopeTree
	}
	return checks.ScopeFull
}

// takeArgs checks the scope flags and takes PATH (default ".").
func (o *options) takeArgs(args []string) error {
	if o.staged && o.noHistory {
		return errors.New("--staged and --no-history cannot be used together (--staged already leaves out the history)")
	}
	o.path = "."
	if len(args) == 1 {
		o.path, o.pathGiven = args[0], true
	}
	return nil
}

// output is one report to write: a format and a file ("" for stdout).
type output struct {
	format, path string
	reporter     reporters.Reporter
}

// outputs returns the reports a run writes: the main one (--format,
// --output) and each --report FORMAT=FILE.
func (o options) outputs(stdout io.Writer) ([]output, error) {
	outs := []output{{format: o.format, path: o.output}}
	for _, spec := range o.reports {
		format, file, ok := strings.Cut(spec, "=")
		if !ok || format == "" || file == "" {
			return nil, fmt.Errorf("--report %q: want FORMAT=FILE, e.g. sarif=audit.sarif", spec)
		}
		outs = append(outs, output{format: format, path: file})
	}
	seen := map[string]bool{}
	for i := range outs {
		out := &outs[i]
		if key := outputKey(out.path); key != "" {
			if seen[key] {
				where := out.path
				if key == "standard output" {
					where = key
				}
				return nil, fmt.Errorf("two reports would be written to %s", where)
			}
			seen[key] = true
		}
		opts := terminalOptions(out.path, stdout)
		opts.Version = auditVersion()
		r, err := reporters.New(out.format, opts)
		if err != nil {
			return nil, err
		}
		out.reporter = r
	}
	return outs, nil
}

// outputKey names where a report goes, so that two spellings of one place
// ("-" and /dev/stdout, ./f and f, a symlink and its target) are caught:
// one report would overwrite or run into the other. /dev/null takes any
// number of reports ("").
func outputKey(path string) string {
	switch path {
	case "", "-", "/dev/stdout", "/dev/fd/1", "/proc/self/fd/1":
		return "standard output"
	case "/dev/null":
		return ""
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return path
	}
	if resolved, err := filepath.EvalSymlinks(abs); err == nil {
		abs = resolved
	}
	return abs
}

// run audits the repository the options name, writes the reports and
// returns the exit code.
func run(ctx context.Context, o options, stdout, stderr io.Writer) int {
	fail := func(err error) int {
		if ctx.Err() != nil {
			err = errors.New("interrupted") // whatever failed, it failed because of that
		}
		fmt.Fprintf(stderr, "audit: %v.\n", err)
		return checks.ExitError
	}
	outs, err := o.outputs(stdout)
	if err != nil {
		return fail(err)
	}
	failOn, err := checks.ParseSeverity(o.failOn)
	if err != nil {
		return fail(fmt.Errorf("--fail-on: %w", err))
	}
	if o.since != "" && o.scope() != checks.ScopeFull {
		return fail(errors.New("--since reads history: it cannot be used with --staged or --no-history"))
	}
	if err := checkHostFlags(o); err != nil {
		return fail(err)
	}
	var targets []checks.Target
	configRoot := ""
	if o.auditsRepo() {
		repo, err := gitrepo.Open(ctx, o.path, o.scope())
		if err != nil {
			return fail(err)
		}
		if o.since != "" {
			if err := gitrepo.VerifyRevision(ctx, repo.Root, o.since); err != nil {
				return fail(fmt.Errorf("--since: %w", err))
			}
			repo.Since = o.since
		}
		targets, configRoot = append(targets, repo), repo.Root
	}
	engine, err := policies.Compile(ctx)
	if err != nil {
		return fail(err)
	}
	if err := engine.Select(o.only); err != nil {
		return fail(fmt.Errorf("--only: %w", err))
	}
	cfg, err := loadConfig(o.config, configRoot, engine)
	if err != nil {
		return fail(err)
	}
	if cfg != nil {
		engine.SetSettings(cfg.Settings)
	}
	var base baseline.Baseline
	if o.baseline != "" {
		for _, out := range outs {
			if outputKey(out.path) == outputKey(o.baseline) {
				return fail(fmt.Errorf("the baseline %s would be overwritten by this run's report; write the report elsewhere", o.baseline))
			}
		}
		if base, err = baseline.Load(o.baseline); err != nil {
			return fail(err)
		}
	}

	hosts, unreachable := connectHosts(ctx, o)
	defer func() {
		for _, h := range hosts {
			h.Close()
		}
	}()
	for _, h := range hosts {
		targets = append(targets, h)
	}
	reports := append(auditTargets(ctx, engine, targets), unreachable...)
	if ctx.Err() != nil {
		return fail(errors.New("interrupted"))
	}
	if hidden := base.Filter(reports); hidden > 0 {
		fmt.Fprintf(stderr, "audit: %d findings are in the baseline %s and not reported.\n", hidden, o.baseline)
	}
	var notes []string
	if cfg != nil {
		notes = cfg.Apply(reports, o.now)
		if o.scope() != checks.ScopeFull || o.since != "" || o.baseline != "" || len(o.only) > 0 {
			// An exception may cover what this partial run did not look at.
			notes = nil
		}
	}
	report := checks.NewReport(reports)
	report.Checklist = engine.Checklist()

	incomplete := report.ExitCode(checks.SeverityLow) == checks.ExitError
	for _, out := range outs {
		if out.format == "sarif" && incomplete {
			// GitHub closes every open alert a SARIF upload lacks: one
			// without the results of a check that could not run would
			// close that check's alerts as fixed.
			fmt.Fprintf(stderr, "audit: not writing the SARIF report: a check could not run, and GitHub would take its missing results as fixed.\n")
			// Nor leave an older one there for an upload step to send.
			if info, err := os.Lstat(out.path); err == nil && info.Mode().IsRegular() {
				if os.Remove(out.path) == nil {
					fmt.Fprintf(stderr, "audit: removed the SARIF report of an earlier run at %s.\n", reporters.Printable(out.path))
				}
			}
			continue
		}
		if err := writeReport(out.path, stdout, func(w io.Writer) error { return out.reporter.Write(w, report) }); err != nil {
			return fail(err)
		}
	}
	printDiagnostics(stderr, report)
	for _, n := range notes {
		fmt.Fprintf(stderr, "audit: warning: %s\n", reporters.Printable(n))
	}
	return report.ExitCode(failOn)
}

// checkHostFlags checks the flags that only make sense with a host before
// any host is reached: a bad DSN is a usage error, not a failed audit.
func checkHostFlags(o options) error {
	if len(o.ssh.Selection.Postgres) == 0 {
		return nil
	}
	if len(o.hosts) == 0 && !o.local {
		return errors.New("--postgres needs --host or --local: the server is audited from the host it runs on (its files, and a connection tunnelled through that host)")
	}
	for _, dsn := range o.ssh.Selection.Postgres {
		if _, err := postgres.ParseDSN(dsn); err != nil {
			return err
		}
	}
	return nil
}

// connectHosts reaches every --host (and --local) in parallel. A host that
// cannot be reached or authenticated becomes a target report with its
// error, so that one dead host never hides the others.
func connectHosts(ctx context.Context, o options) ([]host.Host, []checks.TargetReport) {
	var (
		mu     sync.Mutex
		wg     sync.WaitGroup
		hosts  []host.Host
		failed []checks.TargetReport
	)
	if o.local {
		hosts = append(hosts, &host.Local{Sudo: o.ssh.Sudo, Selection: o.ssh.Selection})
	}
	for _, spec := range o.hosts {
		wg.Go(func() {
			h, err := host.Connect(ctx, spec, o.ssh)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				failed = append(failed, checks.TargetReport{Name: spec, Kind: checks.KindHost, Error: err.Error()})
				return
			}
			hosts = append(hosts, h)
		})
	}
	wg.Wait()
	return hosts, failed
}

// loadConfig reads --config, or .audit.yaml at the repository's root when
// there is one. Every exception must name a checklist item the engine knows.
func loadConfig(flag, root string, engine *policies.Engine) (*config.Config, error) {
	items := engine.Checklist()
	known := func(id string) bool { _, ok := items[id]; return ok }
	if flag != "" {
		return config.Load(flag, known)
	}
	if root == "" {
		return nil, nil
	}
	file := filepath.Join(root, config.DefaultFile)
	if _, err := os.Lstat(file); errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	return config.Load(file, known)
}

// auditTargets collects the facts of every target with every check that
// applies, in parallel, and judges them.
func auditTargets(ctx context.Context, engine *policies.Engine, targets []checks.Target) []checks.TargetReport {
	reports := make([]checks.TargetReport, len(targets))
	var wg sync.WaitGroup
	for i, t := range targets {
		wg.Go(func() { reports[i] = auditTarget(ctx, engine, t) })
	}
	wg.Wait()
	return reports
}

func auditTarget(ctx context.Context, engine *policies.Engine, t checks.Target) checks.TargetReport {
	tr := checks.TargetReport{Name: t.Name(), Kind: t.Kind()}
	facts := collect(ctx, t, engine.Namespaces())
	for _, f := range facts {
		tr.Warnings = append(tr.Warnings, f.Warnings...)
	}
	results, err := engine.Evaluate(ctx, t, facts)
	if err != nil {
		tr.Error = err.Error()
		return tr
	}
	tr.Results = results
	return tr
}

// collect runs every check that applies to t and fills a namespace in
// needed, in parallel. A check that fails yields error facts, so the
// policies that need them report error.
func collect(ctx context.Context, t checks.Target, needed map[string]bool) map[string]checks.Facts {
	var (
		mu    sync.Mutex
		wg    sync.WaitGroup
		facts = map[string]checks.Facts{}
	)
	for _, c := range checks.All() {
		if !c.Applies(t) || !needed[c.ID()] {
			continue
		}
		wg.Go(func() {
			f, err := safeCollect(ctx, c, t)
			if err != nil {
				f = checks.ErrorFacts(c.ID(), err)
			}
			f.Namespace = c.ID()
			mu.Lock()
			facts[c.ID()] = f
			mu.Unlock()
		})
	}
	wg.Wait()
	return facts
}

// safeCollect turns a collector's panic into an error, so one broken check
// can never take down the run or read as a pass.
func safeCollect(ctx context.Context, c checks.Check, t checks.Target) (f checks.Facts, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("check %s crashed: %v", c.ID(), r)
		}
	}()
	return c.Collect(ctx, t)
}

// terminalOptions fits the table to the terminal when the report goes to
// one: its width, and colours unless NO_COLOR is set (https://no-color.org)
// or TERM is dumb.
func terminalOptions(output string, stdout io.Writer) reporters.Options {
	f, ok := stdout.(*os.File)
	if output != "" && output != "-" || !ok || !term.IsTerminal(int(f.Fd())) {
		return reporters.Options{}
	}
	width, _, err := term.GetSize(int(f.Fd()))
	if err != nil {
		width = 0
	}
	color := os.Getenv("NO_COLOR") == "" && os.Getenv("TERM") != "dumb"
	return reporters.Options{Color: color, Width: width}
}

// printDiagnostics tells the user on stderr what they must not miss even
// when the report goes to a file: targets and checks that could not run,
// and the collectors' warnings. Text from the target is made printable.
func printDiagnostics(stderr io.Writer, report checks.Report) {
	for _, t := range report.Targets {
		name := reporters.Printable(t.Name)
		if t.Error != "" {
			fmt.Fprintf(stderr, "audit: error: %s: %s\n", name, reporters.Printable(t.Error))
		}
		// One reason often stops several items (a DSN that cannot log in):
		// say it once, with every item it stopped.
		var reasons []string
		items := map[string][]string{}
		for _, r := range t.Results {
			if r.Status != checks.StatusError {
				continue
			}
			for _, f := range r.Findings {
				if items[f.Message] == nil {
					reasons = append(reasons, f.Message)
				}
				if ids := items[f.Message]; len(ids) == 0 || ids[len(ids)-1] != r.ID {
					items[f.Message] = append(ids, r.ID)
				}
			}
		}
		for _, msg := range reasons {
			fmt.Fprintf(stderr, "audit: error: %s: %s could not be checked: %s\n", name, strings.Join(items[msg], ", "), reporters.Printable(msg))
		}
		for _, w := range t.Warnings {
			fmt.Fprintf(stderr, "audit: warning: %s: %s\n", name, reporters.Printable(w))
		}
		if t.Error == "" && len(t.Results) == 0 {
			fmt.Fprintf(stderr, "audit: note: %s: no checklist item of this build applies to a %s yet (see audit checks).\n", name, t.Kind)
		}
	}
}
