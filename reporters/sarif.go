package reporters

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"path"
	"slices"
	"strings"
	"unicode/utf8"

	"audit/checks"
)

// SARIF writes SARIF 2.1.0 as GitHub code scanning ingests it: one run per
// target with its own automationDetails category (a run is emitted even
// without results, so GitHub closes fixed alerts), the checklist items as
// rules with a numeric security-severity, and every result with a relative
// file location, a start line of at least 1 and stable partialFingerprints.
// Waived findings are left out: GitHub shows SARIF suppressions as open
// alerts. Errors and warnings become tool execution notifications.
type SARIF struct {
	// Version is the tool version written to the driver.
	Version string
}

var _ Reporter = SARIF{}

// GitHub's limits (code scanning "SARIF support" and its troubleshooting pages).
const (
	sarifMaxResultsPerRun = 25000
	sarifMaxRuns          = 20
	sarifMaxMessage       = 4000 // GitHub shows the first sentence; keep it readable
	sarifMaxDescription   = 1024
	sarifMaxName          = 255
	sarifSchema           = "https://json.schemastore.org/sarif-2.1.0.json"
)

// securitySeverity maps severities to GitHub's 0–10 scale, as trivy does.
var securitySeverity = map[checks.Severity]string{
	checks.SeverityCritical: "9.5",
	checks.SeverityHigh:     "8.0",
	checks.SeverityMedium:   "5.5",
	checks.SeverityLow:      "3.0",
}

type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool              sarifTool              `json:"tool"`
	AutomationDetails sarifAutomationDetails `json:"automationDetails"`
	Invocations       []sarifInvocation      `json:"invocations"`
	Results           []sarifResult          `json:"results"`
	Properties        map[string]any         `json:"properties,omitempty"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name    string      `json:"name"`
	Version string      `json:"version,omitempty"`
	Rules   []sarifRule `json:"rules"`
}

type sarifRule struct {
	ID                   string             `json:"id"`
	Name                 string             `json:"name"`
	ShortDescription     sarifText          `json:"shortDescription"`
	FullDescription      sarifText          `json:"fullDescription"`
	Help                 sarifMultiformat   `json:"help"`
	DefaultConfiguration sarifConfiguration `json:"defaultConfiguration"`
	Properties           sarifRuleProps     `json:"properties"`
}

type sarifRuleProps struct {
	Tags             []string `json:"tags"`
	SecuritySeverity string   `json:"security-severity"`
	Precision        string   `json:"precision"`
}

type sarifConfiguration struct {
	Level string `json:"level"`
}

type sarifText struct {
	Text string `json:"text"`
}

type sarifMultiformat struct {
	Text     string `json:"text"`
	Markdown string `json:"markdown"`
}

type sarifAutomationDetails struct {
	ID string `json:"id"`
}

type sarifInvocation struct {
	ExecutionSuccessful        bool                `json:"executionSuccessful"`
	ToolExecutionNotifications []sarifNotification `json:"toolExecutionNotifications,omitempty"`
}

type sarifNotification struct {
	Level      string              `json:"level"`
	Message    sarifText           `json:"message"`
	Descriptor *sarifDescriptorRef `json:"associatedRule,omitempty"`
}

type sarifDescriptorRef struct {
	ID    string `json:"id"`
	Index int    `json:"index"`
}

type sarifResult struct {
	RuleID              string            `json:"ruleId"`
	RuleIndex           int               `json:"ruleIndex"`
	Level               string            `json:"level"`
	Message             sarifText         `json:"message"`
	Locations           []sarifLocation   `json:"locations"`
	PartialFingerprints map[string]string `json:"partialFingerprints"`
	Properties          map[string]any    `json:"properties,omitempty"`
}

type sarifLocation struct {
	PhysicalLocation sarifPhysicalLocation `json:"physicalLocation"`
}

type sarifPhysicalLocation struct {
	ArtifactLocation sarifArtifactLocation `json:"artifactLocation"`
	Region           sarifRegion           `json:"region"`
}

type sarifArtifactLocation struct {
	URI string `json:"uri"`
}

type sarifRegion struct {
	StartLine int `json:"startLine"`
}

// Write implements Reporter.
func (s SARIF) Write(w io.Writer, r checks.Report) error {
	if len(r.Targets) > sarifMaxRuns {
		return fmt.Errorf("GitHub accepts at most %d runs (targets) in one SARIF file, and this report has %d: audit the hosts in groups of %d, one SARIF file each", sarifMaxRuns, len(r.Targets), sarifMaxRuns)
	}
	log := sarifLog{Schema: sarifSchema, Version: "2.1.0", Runs: []sarifRun{}}
	for _, t := range r.Targets {
		log.Runs = append(log.Runs, s.run(r, t))
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(log)
}

func (s SARIF) run(r checks.Report, t checks.TargetReport) sarifRun {
	run := sarifRun{
		Tool:              sarifTool{Driver: sarifDriver{Name: "audit", Version: s.Version, Rules: []sarifRule{}}},
		AutomationDetails: sarifAutomationDetails{ID: Category(t)},
		Results:           []sarifResult{},
		Properties:        map[string]any{"target": t.Name, "kind": string(t.Kind)},
	}
	inv := sarifInvocation{ExecutionSuccessful: t.Error == ""}
	if t.Error != "" {
		inv.ToolExecutionNotifications = append(inv.ToolExecutionNotifications, sarifNotification{
			Level: "error", Message: sarifText{Text: clip(t.Error, sarifMaxMessage)},
		})
	}
	truncated := 0
	for _, res := range t.Results {
		ruleIndex := len(run.Tool.Driver.Rules)
		run.Tool.Driver.Rules = append(run.Tool.Driver.Rules, sarifRuleFor(r.Item(res)))
		switch res.Status {
		case checks.StatusError:
			inv.ExecutionSuccessful = false
			for _, f := range res.Findings {
				inv.ToolExecutionNotifications = append(inv.ToolExecutionNotifications, sarifNotification{
					Level:      "error",
					Message:    sarifText{Text: clip(fmt.Sprintf("%s could not be checked: %s", res.ID, f.Message), sarifMaxMessage)},
					Descriptor: &sarifDescriptorRef{ID: res.ID, Index: ruleIndex},
				})
			}
		case checks.StatusFail:
			findings := res.Findings
			if len(findings) == 0 {
				// A failure must show up even if its policy named nothing.
				findings = []checks.Finding{{Message: res.Title}}
			}
			for _, f := range findings {
				if len(run.Results) >= sarifMaxResultsPerRun {
					truncated++
					continue
				}
				run.Results = append(run.Results, sarifResultFor(t, res, ruleIndex, f))
			}
		}
	}
	for _, w := range t.Warnings {
		inv.ToolExecutionNotifications = append(inv.ToolExecutionNotifications, sarifNotification{
			Level: "warning", Message: sarifText{Text: clip(w, sarifMaxMessage)},
		})
	}
	if truncated > 0 {
		inv.ToolExecutionNotifications = append(inv.ToolExecutionNotifications, sarifNotification{
			Level:   "warning",
			Message: sarifText{Text: fmt.Sprintf("%d results left out: GitHub accepts at most %d per run; see the JSON report", truncated, sarifMaxResultsPerRun)},
		})
	}
	run.Invocations = []sarifInvocation{inv}
	return run
}

// Category is the automationDetails.id of a target's run: GitHub keeps one
// set of alerts per category, so each host has its own.
func Category(t checks.TargetReport) string {
	if t.Kind == checks.KindRepo {
		return "audit/repo/"
	}
	return "audit/" + string(t.Kind) + "/" + uriSafe(t.Name) + "/"
}

func sarifLevel(s checks.Severity) string {
	switch s {
	case checks.SeverityCritical, checks.SeverityHigh:
		return "error"
	case checks.SeverityMedium:
		return "warning"
	}
	return "note"
}

func sarifRuleFor(it checks.Item) sarifRule {
	short := it.Title
	full := it.Description
	if full == "" {
		full = short
	}
	help := full
	md := fmt.Sprintf("**%s: %s** (severity %s)\n\n%s", it.ID, it.Title, it.Severity, full)
	if it.Remediation != "" {
		help += "\n\nHow to fix: " + it.Remediation
		md += "\n\n**How to fix:** " + it.Remediation
	}
	// The schema wants unique tags: a section named like a severity, or
	// "security", must not repeat one.
	tags := []string{"security"}
	for _, tag := range []string{it.Section, string(it.Severity)} {
		if tag != "" && !slices.Contains(tags, tag) {
			tags = append(tags, tag)
		}
	}
	return sarifRule{
		ID:                   it.ID,
		Name:                 clip(ruleName(it), sarifMaxName),
		ShortDescription:     sarifText{Text: clip(short, sarifMaxDescription)},
		FullDescription:      sarifText{Text: clip(full, sarifMaxDescription)},
		Help:                 sarifMultiformat{Text: help, Markdown: md},
		DefaultConfiguration: sarifConfiguration{Level: sarifLevel(it.Severity)},
		Properties: sarifRuleProps{
			Tags:             tags,
			SecuritySeverity: cmp.Or(securitySeverity[it.Severity], "5.5"),
			Precision:        "high",
		},
	}
}

// ruleName turns a title into the PascalCase name SARIF viewers expect.
func ruleName(it checks.Item) string {
	var b strings.Builder
	for _, w := range strings.FieldsFunc(it.Title, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9')
	}) {
		b.WriteString(strings.ToUpper(w[:1]) + w[1:])
	}
	if b.Len() == 0 {
		return it.ID
	}
	return b.String()
}

func sarifResultFor(t checks.TargetReport, res checks.Result, ruleIndex int, f checks.Finding) sarifResult {
	uri, line := sarifLocationOf(t, res, f)
	fp := f.Fingerprint
	if fp == "" {
		h := sha256.Sum256([]byte(strings.Join([]string{res.ID, string(t.Kind), t.Name, f.Path, f.Message}, "\x00")))
		fp = hex.EncodeToString(h[:16])
	}
	out := sarifResult{
		RuleID:    res.ID,
		RuleIndex: ruleIndex,
		Level:     sarifLevel(res.Severity),
		Message:   sarifText{Text: clip(f.Message, sarifMaxMessage)},
		Locations: []sarifLocation{{PhysicalLocation: sarifPhysicalLocation{
			ArtifactLocation: sarifArtifactLocation{URI: uri},
			Region:           sarifRegion{StartLine: line},
		}}},
		// GitHub reads only primaryLocationLineHash; ours does not depend
		// on the line, so moving a line keeps the alert. It is a hash of
		// the fingerprint, not a prefix of it: fingerprints that share a
		// prefix (gitleaks' commit:file:rule:line ones of one commit, a
		// policy's path:key ones) would otherwise merge distinct alerts.
		PartialFingerprints: map[string]string{
			"primaryLocationLineHash": sarifLineHash(fp),
			"auditFingerprint/v1":     fp,
		},
	}
	if f.Commit != "" {
		out.Properties = map[string]any{"commit": f.Commit}
	}
	return out
}

// sarifLineHash is a primaryLocationLineHash in the format of GitHub's upload
// action, 16 hex digits and a number, derived from a finding's fingerprint.
func sarifLineHash(fp string) string {
	h := sha256.Sum256([]byte("audit/primaryLocationLineHash\x00" + fp))
	return hex.EncodeToString(h[:8]) + ":1"
}

// sarifLocationOf gives every result a relative file URI and a line ≥ 1,
// which GitHub requires of every result. Host findings have no file in the
// repository: they get a stable path under hosts/<host>/.
func sarifLocationOf(t checks.TargetReport, res checks.Result, f checks.Finding) (string, int) {
	p := strings.TrimLeft(path.Clean("/"+f.Path), "/") // a backslash is part of a name here
	if f.Path == "" || p == "" {
		p = "audit/" + res.ID // no file: a stable pseudo-file per checklist item
	}
	if t.Kind != checks.KindRepo {
		p = "hosts/" + t.Name + "/" + p
	}
	return uriSafe(p), max(f.Line, 1)
}

// uriSafe percent-encodes each segment of a relative path so that the URI
// has no scheme (a colon in the first segment would read as one), no
// spaces and no leading slash.
func uriSafe(p string) string {
	segs := strings.Split(p, "/")
	for i, s := range segs {
		segs[i] = strings.ReplaceAll(url.PathEscape(s), ":", "%3A")
	}
	return strings.Join(segs, "/")
}

// clip cuts s to at most n bytes on a rune boundary.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n - len("…")
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}
