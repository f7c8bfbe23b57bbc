// Package checks holds the domain model of audit: the targets that are
// audited, the facts that collectors gather from them, and the results and
// report that policies and reporters produce. It is the leaf package: every
// other package of the project may import it, and it imports none of them.
package checks

import (
	"context"
	"fmt"
	"path/filepath"
)

// Kind is the kind of a target.
type Kind string

// The kinds of target.
const (
	KindRepo Kind = "repo"
	KindHost Kind = "host"
)

// Target is something audited: a git repository or a host.
type Target interface {
	// Name identifies the target in reports, e.g. the repository's path or a host name.
	Name() string
	// Kind tells which checklist items apply to it.
	Kind() Kind
}

// RepoScope says which parts of a repository the repo checks read.
type RepoScope string

// The repository scopes.
const (
	// ScopeFull reads the tracked files of the working tree, the staged
	// change and every commit reachable from HEAD.
	ScopeFull RepoScope = "full"
	// ScopeTree reads the tracked files of the working tree and the staged
	// change, not the history (--no-history).
	ScopeTree RepoScope = "tree"
	// ScopeStaged reads only the staged change (--staged, the pre-commit path).
	ScopeStaged RepoScope = "staged"
)

// Repo is a git working tree to audit.
type Repo struct {
	// Root is the absolute path of the working tree's top-level directory.
	Root string
	// Scope says which parts of the repository to read.
	Scope RepoScope
	// Since, with ScopeFull, limits the history to the commits after this
	// revision (exclusive), as in "git log SINCE..HEAD".
	Since string
	// IndexFile is the index a commit in progress is made from, when git
	// runs audit from a hook with GIT_INDEX_FILE pointing at it (git commit
	// -a, git commit PATH); "" for the repository's own index.
	IndexFile string
}

// Name names the repository in reports and waivers by its top-level
// directory, however the user spelled the path (".", a subdirectory, an
// absolute path), so that a waiver's target glob matches every time.
func (r *Repo) Name() string { return filepath.Base(r.Root) }

// Kind returns KindRepo.
func (r *Repo) Kind() Kind { return KindRepo }

// FactStatus says whether a collector could gather its facts.
type FactStatus string

// The fact statuses.
const (
	FactsOK            FactStatus = "ok"
	FactsNotApplicable FactStatus = "not_applicable"
	FactsError         FactStatus = "error"
)

// Facts is what one collector gathered from one target, under one namespace
// of the policy input document (input.<Namespace>).
type Facts struct {
	// Namespace is the key of the Rego input that holds Data, e.g. "secrets".
	Namespace string
	// Status tells whether Data can be judged.
	Status FactStatus
	// Reason explains a not_applicable or error status in one sentence.
	Reason string
	// Data is JSON-able and goes verbatim into the policy input.
	// It must never hold a secret value.
	Data any
	// Warnings are things the user should know that do not change the
	// status, e.g. "shallow clone: history before X not scanned".
	Warnings []string
}

// Check collects the facts of one namespace from targets it applies to.
// Checks only collect; policies judge.
type Check interface {
	// ID is the fact namespace this check fills, e.g. "secrets".
	ID() string
	// Applies reports cheaply whether the check has anything to read on t.
	Applies(t Target) bool
	// Collect gathers the facts. An error means the facts could not be
	// gathered; the run goes on and the policies that need them report error.
	Collect(ctx context.Context, t Target) (Facts, error)
}

// ErrorFacts returns the facts of a check that could not run.
func ErrorFacts(namespace string, err error) Facts {
	return Facts{Namespace: namespace, Status: FactsError, Reason: err.Error()}
}

// Status is the verdict on one checklist item for one target.
type Status string

// The result statuses, in the order reports list them.
const (
	StatusPass          Status = "pass"
	StatusFail          Status = "fail"
	StatusError         Status = "error"
	StatusNotApplicable Status = "not_applicable"
	StatusManual        Status = "manual"
	StatusWaived        Status = "waived"
)

// Severity ranks checklist items.
type Severity string

// The severities, from the most to the least serious.
const (
	SeverityCritical Severity = "critical"
	SeverityHigh     Severity = "high"
	SeverityMedium   Severity = "medium"
	SeverityLow      Severity = "low"
)

// Rank orders severities: critical is 4, low 1, anything else 0.
func (s Severity) Rank() int {
	switch s {
	case SeverityCritical:
		return 4
	case SeverityHigh:
		return 3
	case SeverityMedium:
		return 2
	case SeverityLow:
		return 1
	}
	return 0
}

// ParseSeverity checks that s names a severity.
func ParseSeverity(s string) (Severity, error) {
	sev := Severity(s)
	if sev.Rank() == 0 {
		return "", fmt.Errorf("unknown severity %q (want critical, high, medium or low)", s)
	}
	return sev, nil
}

// Item is a checklist item as the product implements it: what reporters
// need to describe a rule (SARIF rules, JUnit cases, help text). Its fields
// come from the policy's METADATA.
type Item struct {
	ID          string
	Title       string
	Description string
	Section     string
	Severity    Severity
	// Targets are the kinds of target the item applies to.
	Targets []Kind
	// Remediation says how to fix a failure.
	Remediation string
}

// Finding is one piece of evidence behind a result: where a problem is and
// what it is. Message never holds a secret value.
type Finding struct {
	Message     string `json:"message"`
	Path        string `json:"path"`
	Line        int    `json:"line"`
	Commit      string `json:"commit"`
	Fingerprint string `json:"fingerprint"`
}

// Result is the verdict on one checklist item for one target.
type Result struct {
	ID       string    `json:"id"`
	Title    string    `json:"title"`
	Section  string    `json:"section"`
	Severity Severity  `json:"severity"`
	Status   Status    `json:"status"`
	Findings []Finding `json:"findings"`
}

// TargetReport holds the results for one target. Error is set when the
// target itself could not be audited (e.g. unreachable).
type TargetReport struct {
	Name    string   `json:"name"`
	Kind    Kind     `json:"kind"`
	Error   string   `json:"error"`
	Results []Result `json:"results"`
	// Warnings are shown to the user on stderr; they are not part of the JSON contract.
	Warnings []string `json:"-"`
}

// Summary counts results by status across all targets.
type Summary struct {
	Pass          int `json:"pass"`
	Fail          int `json:"fail"`
	Error         int `json:"error"`
	NotApplicable int `json:"not_applicable"`
	Manual        int `json:"manual"`
	Waived        int `json:"waived"`
}

// ReportVersion is the version of the JSON report's shape.
const ReportVersion = 1

// Report is the outcome of one run; every output format is derived from it.
type Report struct {
	Version int            `json:"version"`
	Targets []TargetReport `json:"targets"`
	Summary Summary        `json:"summary"`
	// Checklist describes the items the results refer to, by ID, for the
	// formats that describe rules (SARIF, JUnit); it is not part of the JSON.
	Checklist map[string]Item `json:"-"`
}

// Item returns the checklist item with the given ID; for an ID the
// checklist lacks, an item built from the result.
func (r Report) Item(res Result) Item {
	if it, ok := r.Checklist[res.ID]; ok {
		return it
	}
	return Item{ID: res.ID, Title: res.Title, Section: res.Section, Severity: res.Severity}
}
