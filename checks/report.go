package checks

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
)

// Exit codes of a run, as DESIGN.md's CLI contract fixes them.
const (
	ExitOK    = 0 // nothing failed
	ExitFail  = 1 // a fail at or above the --fail-on severity
	ExitError = 2 // bad usage, an unreachable target, a check that could not run
)

// NewReport sorts the targets, their results and findings so that two runs
// over the same input print the same report, and counts the summary. It
// sorts copies and leaves its argument as it was.
func NewReport(targets []TargetReport) Report {
	// append to an empty slice: a copy, and [] rather than null in the JSON.
	targets = append([]TargetReport{}, targets...)
	for i := range targets {
		t := &targets[i]
		t.Results = append([]Result{}, t.Results...)
		for j := range t.Results {
			r := &t.Results[j]
			r.Findings = append([]Finding{}, r.Findings...)
			slices.SortFunc(r.Findings, compareFindings)
		}
		slices.SortFunc(t.Results, func(a, b Result) int { return CompareIDs(a.ID, b.ID) })
	}
	slices.SortStableFunc(targets, func(a, b TargetReport) int {
		return cmp.Or(cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.Name, b.Name))
	})
	rep := Report{Version: ReportVersion, Targets: targets}
	for _, t := range targets {
		for _, r := range t.Results {
			rep.Summary.add(r.Status)
		}
	}
	return rep
}

func (s *Summary) add(st Status) {
	switch st {
	case StatusPass:
		s.Pass++
	case StatusFail:
		s.Fail++
	case StatusError:
		s.Error++
	case StatusNotApplicable:
		s.NotApplicable++
	case StatusManual:
		s.Manual++
	case StatusWaived:
		s.Waived++
	}
}

func compareFindings(a, b Finding) int {
	return cmp.Or(
		cmp.Compare(a.Path, b.Path),
		cmp.Compare(a.Line, b.Line),
		cmp.Compare(a.Commit, b.Commit),
		cmp.Compare(a.Message, b.Message),
		cmp.Compare(a.Fingerprint, b.Fingerprint),
	)
}

// CompareIDs orders checklist IDs by section, then number: SSH-2 before SSH-10.
func CompareIDs(a, b string) int {
	pa, na := splitID(a)
	pb, nb := splitID(b)
	return cmp.Or(cmp.Compare(pa, pb), cmp.Compare(na, nb), cmp.Compare(a, b))
}

func splitID(id string) (string, int) {
	prefix, num, ok := strings.Cut(id, "-")
	if !ok {
		return id, 0
	}
	n, err := strconv.Atoi(num)
	if err != nil {
		return id, 0
	}
	return prefix, n
}

// ExitCode returns the process exit code for the report: ExitError when a
// target or a result is in error, else ExitFail when a result at or above
// failOn failed, else ExitOK. An error wins over a fail.
func (r Report) ExitCode(failOn Severity) int {
	code := ExitOK
	for _, t := range r.Targets {
		if t.Error != "" {
			return ExitError
		}
		for _, res := range t.Results {
			switch {
			case res.Status == StatusError:
				return ExitError
			case res.Status == StatusFail && res.Severity.Rank() >= failOn.Rank():
				code = ExitFail
			}
		}
	}
	return code
}
