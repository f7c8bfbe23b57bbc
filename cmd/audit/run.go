package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"

	"golang.org/x/term"

	"audit/checks"
	_ "audit/checks/all" // registers every collector
	"audit/checks/gitrepo"
	"audit/policies"
	"audit/reporters"
)

// options are the flags of the root command.
type options struct {
	path      string
	staged    bool
	noHistory bool
	format    string
	output    string
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

// run audits the repository the options name, writes the report and
// returns the exit code.
func run(ctx context.Context, o options, stdout, stderr io.Writer) int {
	fail := func(err error) int {
		if ctx.Err() != nil {
			err = errors.New("interrupted") // whatever failed, it failed because of that
		}
		fmt.Fprintf(stderr, "audit: %v.\n", err)
		return checks.ExitError
	}
	reporter, err := reporters.New(o.format, terminalOptions(o.output, stdout))
	if err != nil {
		return fail(err)
	}
	repo, err := gitrepo.Open(ctx, o.path, o.scope())
	if err != nil {
		return fail(err)
	}
	engine, err := policies.Compile(ctx)
	if err != nil {
		return fail(err)
	}
	report := auditTargets(ctx, engine, []checks.Target{repo})
	if ctx.Err() != nil {
		return fail(errors.New("interrupted"))
	}
	if err := writeReport(o.output, stdout, func(w io.Writer) error { return reporter.Write(w, report) }); err != nil {
		return fail(err)
	}
	printDiagnostics(stderr, report)
	return report.ExitCode(checks.SeverityLow)
}

// auditTargets collects the facts of every target with every check that
// applies, in parallel, and judges them.
func auditTargets(ctx context.Context, engine *policies.Engine, targets []checks.Target) checks.Report {
	reports := make([]checks.TargetReport, len(targets))
	var wg sync.WaitGroup
	for i, t := range targets {
		wg.Go(func() { reports[i] = auditTarget(ctx, engine, t) })
	}
	wg.Wait()
	return checks.NewReport(reports)
}

func auditTarget(ctx context.Context, engine *policies.Engine, t checks.Target) checks.TargetReport {
	tr := checks.TargetReport{Name: t.Name(), Kind: t.Kind()}
	facts := collect(ctx, t)
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

// collect runs every applicable check on t in parallel. A check that fails
// yields error facts, so the policies that need them report error.
func collect(ctx context.Context, t checks.Target) map[string]checks.Facts {
	var (
		mu    sync.Mutex
		wg    sync.WaitGroup
		facts = map[string]checks.Facts{}
	)
	for _, c := range checks.All() {
		if !c.Applies(t) {
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
		for _, r := range t.Results {
			if r.Status != checks.StatusError {
				continue
			}
			for _, f := range r.Findings {
				fmt.Fprintf(stderr, "audit: error: %s: %s could not be checked: %s\n", name, r.ID, reporters.Printable(f.Message))
			}
		}
		for _, w := range t.Warnings {
			fmt.Fprintf(stderr, "audit: warning: %s: %s\n", name, reporters.Printable(w))
		}
	}
}
