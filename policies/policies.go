// Package policies judges collected facts against the checklist. Each
// checklist item is one Rego package, embedded in the binary, whose
// package-scoped METADATA names its checklist ID, severity, section, the
// targets it applies to and the fact namespaces it reads. A policy yields
// deny entries; the engine turns them into results. Policies never do I/O.
package policies

import (
	"context"
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"slices"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"

	"audit/checks"
)

//go:embed repo/*.rego host/*.rego
var builtin embed.FS

// Policy is one checklist item as its Rego package describes it.
type Policy struct {
	checks.Item
	// Facts are the namespaces of input the policy needs: when one is
	// missing or in error, so is the result.
	Facts []string
	// Uses are namespaces it reads when they are there (custom.uses), e.g.
	// the PostgreSQL port for a firewall item; a run collects them too.
	Uses []string
	// Package is the Rego package path, e.g. data.audit.repo.secrets_in_git.
	Package string

	// deny, and when the package defines them, errors and manual, are the
	// prepared queries of the policy's rule sets (see judge).
	deny, errors, manual *rego.PreparedEvalQuery
}

// Engine holds the compiled policies. Compile once per run; Evaluate is safe
// for concurrent use.
type Engine struct {
	policies []*Policy
	settings map[string]any
}

// SetSettings gives the policies the configuration file's settings, as
// input.settings; call it before Evaluate.
func (e *Engine) SetSettings(s map[string]any) { e.settings = s }

// Modules returns the embedded Rego sources by file name; with tests, the
// *_test.rego files are included.
func Modules(tests bool) (map[string]string, error) {
	mods := map[string]string{}
	err := fs.WalkDir(builtin, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".rego") {
			return err
		}
		if !tests && strings.HasSuffix(path, "_test.rego") {
			return nil
		}
		b, err := builtin.ReadFile(path)
		if err != nil {
			return err
		}
		mods["policies/"+path] = string(b)
		return nil
	})
	return mods, err
}

// ParseModules parses Rego sources with METADATA annotations processed.
func ParseModules(sources map[string]string) (map[string]*ast.Module, error) {
	parsed := make(map[string]*ast.Module, len(sources))
	for name, src := range sources {
		m, err := ast.ParseModuleWithOpts(name, src, ast.ParserOptions{ProcessAnnotation: true, RegoVersion: ast.RegoV1})
		if err != nil {
			return nil, fmt.Errorf("parse %s: %w", name, err)
		}
		parsed[name] = m
	}
	return parsed, nil
}

// Compile compiles the built-in policies and prepares one query per checklist item.
func Compile(ctx context.Context) (*Engine, error) {
	srcs, err := Modules(false)
	if err != nil {
		return nil, fmt.Errorf("read embedded policies: %w", err)
	}
	return CompileModules(ctx, srcs)
}

// CompileModules compiles Rego sources, keyed by file name, as Compile does
// the built-in ones: every package with package-scoped METADATA is one
// checklist item and must define deny. Tests use it to judge small policies
// of their own.
func CompileModules(ctx context.Context, srcs map[string]string) (*Engine, error) {
	mods, err := ParseModules(srcs)
	if err != nil {
		return nil, err
	}
	compiler := ast.NewCompiler()
	if compiler.Compile(mods); compiler.Failed() {
		return nil, fmt.Errorf("compile policies: %w", compiler.Errors)
	}
	e := &Engine{}
	seen := map[string]string{}
	for _, ref := range compiler.GetAnnotationSet().Flatten() {
		a := ref.Annotations
		if a.Scope != "package" {
			continue
		}
		p, err := policyFromAnnotations(ref.Path.String(), a)
		if err != nil {
			return nil, err
		}
		if other, dup := seen[p.ID]; dup {
			return nil, fmt.Errorf("policies %s and %s both claim checklist ID %s", other, p.Package, p.ID)
		}
		seen[p.ID] = p.Package
		if !definesRule(compiler, ref.Path, "deny") {
			return nil, fmt.Errorf("policy %s (%s) defines no deny rule", p.ID, p.Package)
		}
		for name, q := range map[string]**rego.PreparedEvalQuery{"deny": &p.deny, "error": &p.errors, "manual": &p.manual} {
			if !definesRule(compiler, ref.Path, name) {
				continue
			}
			prepared, err := rego.New(rego.Compiler(compiler), rego.Query(p.Package+"."+name)).PrepareForEval(ctx)
			if err != nil {
				return nil, fmt.Errorf("prepare policy %s: %w", p.ID, err)
			}
			*q = &prepared
		}
		e.policies = append(e.policies, p)
	}
	slices.SortFunc(e.policies, func(a, b *Policy) int { return checks.CompareIDs(a.ID, b.ID) })
	return e, nil
}

func definesRule(c *ast.Compiler, pkg ast.Ref, name string) bool {
	return len(c.GetRulesExact(pkg.Append(ast.StringTerm(name)))) > 0
}

func policyFromAnnotations(pkg string, a *ast.Annotations) (*Policy, error) {
	custom := a.Custom
	str := func(key string) string { s, _ := custom[key].(string); return s }
	list := func(key string) []string {
		raw, _ := custom[key].([]any)
		var out []string
		for _, v := range raw {
			if s, ok := v.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	p := &Policy{
		Item: checks.Item{
			ID:          str("id"),
			Title:       a.Title,
			Description: strings.TrimSpace(a.Description),
			Section:     str("section"),
			Remediation: strings.TrimSpace(str("recommended_action")),
		},
		Facts:   list("facts"),
		Uses:    list("uses"),
		Package: pkg,
	}
	for _, k := range list("targets") {
		kind := checks.Kind(k)
		if kind != checks.KindRepo && kind != checks.KindHost {
			return nil, fmt.Errorf("policy %s: METADATA custom.targets names unknown kind %q (want repo or host)", pkg, k)
		}
		p.Targets = append(p.Targets, kind)
	}
	sev, err := checks.ParseSeverity(str("severity"))
	switch {
	case p.ID == "":
		return nil, fmt.Errorf("policy %s: METADATA custom.id is missing", pkg)
	case err != nil:
		return nil, fmt.Errorf("policy %s: METADATA custom.severity: %w", p.ID, err)
	case p.Title == "" || p.Section == "":
		return nil, fmt.Errorf("policy %s: METADATA needs a title and custom.section", p.ID)
	case len(p.Targets) == 0 || len(p.Facts) == 0:
		return nil, fmt.Errorf("policy %s: METADATA needs custom.targets and custom.facts", p.ID)
	}
	p.Severity = sev
	return p, nil
}

// Select keeps only the policies whose ID is one of patterns, or whose ID
// starts with a pattern and a dash (SSH selects SSH-01..08). A pattern that
// selects nothing is an error, so a typo never audits nothing in silence.
func (e *Engine) Select(patterns []string) error {
	if len(patterns) == 0 {
		return nil
	}
	selected := func(p *Policy, pattern string) bool {
		return strings.EqualFold(p.ID, pattern) || strings.HasPrefix(strings.ToUpper(p.ID), strings.ToUpper(pattern)+"-")
	}
	patterns = slices.Clone(patterns)
	for i, pattern := range patterns {
		patterns[i] = strings.TrimSpace(pattern)
		if !slices.ContainsFunc(e.policies, func(p *Policy) bool { return selected(p, patterns[i]) }) {
			return fmt.Errorf("%q names no checklist item this build implements (see audit checks)", patterns[i])
		}
	}
	e.policies = slices.DeleteFunc(e.policies, func(p *Policy) bool {
		return !slices.ContainsFunc(patterns, func(pattern string) bool { return selected(p, pattern) })
	})
	return nil
}

// Namespaces returns the fact namespaces the policies read: the collectors
// a run needs.
func (e *Engine) Namespaces() map[string]bool {
	ns := map[string]bool{}
	for _, p := range e.policies {
		for _, f := range slices.Concat(p.Facts, p.Uses) {
			ns[f] = true
		}
	}
	return ns
}

// Policies returns the compiled checklist items, sorted by ID.
func (e *Engine) Policies() []*Policy { return e.policies }

// Checklist returns the items of the compiled policies by ID.
func (e *Engine) Checklist() map[string]checks.Item {
	items := make(map[string]checks.Item, len(e.policies))
	for _, p := range e.policies {
		items[p.ID] = p.Item
	}
	return items
}

// AppliesTo reports whether the policy judges targets of kind k.
func (p *Policy) AppliesTo(k checks.Kind) bool { return slices.Contains(p.Targets, k) }

// Evaluate judges one target's facts (by namespace) with every policy that
// applies to the target's kind. A policy whose facts are missing or in
// error is an error result, never a pass.
func (e *Engine) Evaluate(ctx context.Context, t checks.Target, facts map[string]checks.Facts) ([]checks.Result, error) {
	input, err := buildInput(t, facts, e.settings)
	if err != nil {
		return nil, err
	}
	var results []checks.Result
	for _, p := range e.policies {
		if !p.AppliesTo(t.Kind()) {
			continue
		}
		results = append(results, p.judge(ctx, input, facts))
	}
	return results, nil
}

func buildInput(t checks.Target, facts map[string]checks.Facts, settings map[string]any) (ast.Value, error) {
	doc := map[string]any{"target": map[string]any{"name": t.Name(), "kind": string(t.Kind())}}
	if len(settings) > 0 {
		doc["settings"] = settings
	}
	for ns, f := range facts {
		if f.Status == checks.FactsOK {
			doc[ns] = f.Data
		}
	}
	// Round-trip through JSON so that Go structs become plain documents
	// with their json field names.
	b, err := json.Marshal(doc)
	if err != nil {
		return nil, fmt.Errorf("encode policy input: %w", err)
	}
	v, err := ast.ValueFromReader(strings.NewReader(string(b)))
	if err != nil {
		return nil, fmt.Errorf("decode policy input: %w", err)
	}
	return v, nil
}

func (p *Policy) result(status checks.Status, findings ...checks.Finding) checks.Result {
	return checks.Result{
		ID: p.ID, Title: p.Title, Section: p.Section, Severity: p.Severity,
		Status: status, Findings: findings,
	}
}

// judge turns the facts' status and the policy's rule sets into a result.
// Besides deny (fail), a policy may define error, for facts it needs that
// the collector could not read (error wins: never a pass, nor a fail that
// hides what was not checked), and manual, for what only a person can
// check (when nothing was denied).
func (p *Policy) judge(ctx context.Context, input ast.Value, facts map[string]checks.Facts) checks.Result {
	var reasons []string
	notApplicable := false
	for _, ns := range p.Facts {
		f, ok := facts[ns]
		switch {
		case !ok:
			reasons = append(reasons, fmt.Sprintf("no %s facts were collected", ns))
		case f.Status == checks.FactsError && f.Reason == "":
			reasons = append(reasons, fmt.Sprintf("the %s check could not run (it gave no reason)", ns))
		case f.Status == checks.FactsError:
			reasons = append(reasons, f.Reason)
		case f.Status == checks.FactsNotApplicable:
			notApplicable = true
		case f.Status != checks.FactsOK:
			reasons = append(reasons, fmt.Sprintf("%s facts have unknown status %q", ns, f.Status))
		}
	}
	if len(reasons) > 0 {
		return p.result(checks.StatusError, checks.Finding{Message: strings.Join(reasons, "; ")})
	}
	if notApplicable {
		return p.result(checks.StatusNotApplicable)
	}
	var sets [3][]checks.Finding
	for i, q := range []*rego.PreparedEvalQuery{p.errors, p.deny, p.manual} {
		if q == nil {
			continue
		}
		rs, err := q.Eval(ctx, rego.EvalParsedInput(input))
		if err != nil {
			return p.result(checks.StatusError, checks.Finding{Message: fmt.Sprintf("evaluate policy: %v", err)})
		}
		if sets[i], err = denyFindings(rs); err != nil {
			return p.result(checks.StatusError, checks.Finding{Message: fmt.Sprintf("policy %s: %v", p.Package, err)})
		}
	}
	switch errs, denies, manual := sets[0], sets[1], sets[2]; {
	case len(errs) > 0:
		// A fact the policy needs is unknown: whatever else it found, the
		// item was not fully checked.
		return p.result(checks.StatusError, errs...)
	case len(denies) > 0:
		return p.result(checks.StatusFail, denies...)
	case len(manual) > 0:
		return p.result(checks.StatusManual, manual...)
	}
	return p.result(checks.StatusPass)
}

// denyFindings reads a deny, error or manual set: each entry an object with at least msg,
// and optionally path, line, commit and fingerprint.
func denyFindings(rs rego.ResultSet) ([]checks.Finding, error) {
	if len(rs) == 0 || len(rs[0].Expressions) == 0 {
		return nil, nil // deny is undefined: nothing denied
	}
	entries, ok := rs[0].Expressions[0].Value.([]any)
	if !ok {
		return nil, fmt.Errorf("deny is %T, want a set", rs[0].Expressions[0].Value)
	}
	var out []checks.Finding
	for _, e := range entries {
		obj, ok := e.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("deny entry is %T, want an object with msg", e)
		}
		var f struct {
			Msg         string `json:"msg"`
			Path        string `json:"path"`
			Line        int    `json:"line"`
			Commit      string `json:"commit"`
			Fingerprint string `json:"fingerprint"`
		}
		b, _ := json.Marshal(obj)
		if err := json.Unmarshal(b, &f); err != nil {
			return nil, fmt.Errorf("deny entry: %w", err)
		}
		if f.Msg == "" {
			return nil, fmt.Errorf("deny entry without msg")
		}
		out = append(out, checks.Finding{Message: f.Msg, Path: f.Path, Line: f.Line, Commit: f.Commit, Fingerprint: f.Fingerprint})
	}
	return out, nil
}
