package checks_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"audit/checks"
	_ "audit/checks/all" // registers every collector
	"audit/policies"
)

// fixturesDir holds fixtures/<checklist ID>/<case>/facts.json, which
// policies/policies_test.go judges.
const fixturesDir = "../fixtures"

// sampleTargets are one target of each kind, to ask collectors whether they apply.
func sampleTargets(t *testing.T) map[checks.Kind]checks.Target {
	return map[checks.Kind]checks.Target{
		checks.KindRepo: &checks.Repo{Root: t.TempDir(), Scope: checks.ScopeFull},
		checks.KindHost: fakeHost("sample-host"),
	}
}

// fakeHost is a host target for tests.
type fakeHost string

func (h fakeHost) Name() string      { return string(h) }
func (h fakeHost) Kind() checks.Kind { return checks.KindHost }

func compilePolicies(t *testing.T) []*policies.Policy {
	t.Helper()
	e, err := policies.Compile(t.Context())
	if err != nil {
		t.Fatalf("compile the built-in policies: %v", err)
	}
	if len(e.Policies()) == 0 {
		t.Fatal("the built-in policies compiled to no checklist item")
	}
	return e.Policies()
}

// TestEveryCheckIsJudged: a collector whose facts no policy reads is dead
// weight, and each policy that reads them needs fixtures to be judged on.
func TestEveryCheckIsJudged(t *testing.T) {
	all := checks.All()
	if len(all) == 0 {
		t.Fatal("no check is registered: does audit/checks/all import the collectors?")
	}
	pols := compilePolicies(t)
	for _, c := range all {
		t.Run(c.ID(), func(t *testing.T) {
			var readers []*policies.Policy
			for _, p := range pols {
				if slices.Contains(p.Facts, c.ID()) {
					readers = append(readers, p)
				}
			}
			if len(readers) == 0 {
				t.Fatalf("check %q is registered, but no policy lists it in METADATA custom.facts", c.ID())
			}
			for _, p := range readers {
				if err := hasFixtureCase(p.ID); err != nil {
					t.Errorf("policy %s reads %q facts but has no fixtures: %v", p.ID, c.ID(), err)
				}
			}
		})
	}
}

// hasFixtureCase reports whether fixtures/<id>/ has at least one case with a facts.json.
func hasFixtureCase(id string) error {
	dir := filepath.Join(fixturesDir, id)
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	for _, e := range entries {
		if e.IsDir() {
			if _, err := os.Stat(filepath.Join(dir, e.Name(), "facts.json")); err == nil {
				return nil
			}
		}
	}
	return fmt.Errorf("%s has no <case>/facts.json", dir)
}

// TestEveryPolicyHasCollectors: a namespace that no collector fills makes
// the policy an error on every target; so does a collector that does not
// apply to a kind of target the policy judges (its facts go missing).
func TestEveryPolicyHasCollectors(t *testing.T) {
	targets := sampleTargets(t)
	for _, p := range compilePolicies(t) {
		t.Run(p.ID, func(t *testing.T) {
			for _, ns := range p.Facts {
				c, ok := checks.ByID(ns)
				if !ok {
					t.Errorf("policy %s reads input.%s, but no registered check fills that namespace", p.ID, ns)
					continue
				}
				for _, k := range p.Targets {
					target, ok := targets[k]
					if !ok {
						t.Errorf("policy %s targets kind %q, which this test has no sample target of", p.ID, k)
						continue
					}
					if !c.Applies(target) {
						t.Errorf("policy %s judges %s targets with %q facts, but check %q does not apply to a %s", p.ID, k, ns, c.ID(), k)
					}
				}
			}
		})
	}
}

// TestAllIsSortedAndByIDFindsEach: All lists each check once, by ID, and
// ByID returns the same check.
func TestAllIsSortedAndByIDFindsEach(t *testing.T) {
	all := checks.All()
	ids := make([]string, 0, len(all))
	for _, c := range all {
		ids = append(ids, c.ID())
		got, ok := checks.ByID(c.ID())
		if !ok || got.ID() != c.ID() {
			t.Errorf("ByID(%q) = %v, %t; want the registered check", c.ID(), got, ok)
		}
	}
	if !slices.IsSorted(ids) {
		t.Errorf("All() IDs are not sorted: %q", ids)
	}
	if _, ok := checks.ByID("no-such-namespace"); ok {
		t.Error(`ByID("no-such-namespace") found a check`)
	}
}

// dupCheck claims the ID of a registered check.
type dupCheck struct{ id string }

func (d dupCheck) ID() string               { return d.id }
func (dupCheck) Applies(checks.Target) bool { return true }
func (dupCheck) Collect(context.Context, checks.Target) (checks.Facts, error) {
	return checks.Facts{}, nil
}

func TestRegisterPanics(t *testing.T) {
	all := checks.All()
	if len(all) == 0 {
		t.Fatal("no check is registered to duplicate")
	}
	orig := all[0]
	tests := []struct {
		name      string
		check     checks.Check
		wantPanic string
	}{
		{name: "duplicate ID", check: dupCheck{id: orig.ID()}, wantPanic: fmt.Sprintf("%q", orig.ID())},
		{name: "nil check", check: nil, wantPanic: "nil check"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			msg := panicMessage(func() { checks.Register(tt.check) })
			if msg == "" {
				t.Fatalf("Register(%v) did not panic", tt.check)
			}
			if !strings.Contains(msg, tt.wantPanic) {
				t.Errorf("Register(%v) panicked with %q, want it to mention %s", tt.check, msg, tt.wantPanic)
			}
			if got, _ := checks.ByID(orig.ID()); got == nil {
				t.Errorf("after the panic, ByID(%q) found nothing, want the original %#v", orig.ID(), orig)
			} else if _, replaced := got.(dupCheck); replaced {
				t.Errorf("after the panic, ByID(%q) = %#v, want the original %#v", orig.ID(), got, orig)
			}
			if n := len(checks.All()); n != len(all) {
				t.Errorf("after the panic, %d checks are registered, want %d", n, len(all))
			}
		})
	}
}

// panicMessage runs f and returns what it panicked with, or "" if it did not.
func panicMessage(f func()) (msg string) {
	defer func() {
		if r := recover(); r != nil {
			msg = fmt.Sprint(r)
			if msg == "" {
				msg = "(empty panic)"
			}
		}
	}()
	f()
	return ""
}
