package ufwtest

import (
	"os/exec"
	"strings"
	"testing"
)

// TestNamespaceKeepsTheMachineApart: rules made inside the namespace are
// seen there, and the machine's own ufw is untouched.
func TestNamespaceKeepsTheMachineApart(t *testing.T) {
	before, _ := exec.Command("ufw", "status").CombinedOutput()
	n := New(t, Options{User: "audit-probe"})
	n.UFW(t, "default deny incoming", "limit 22/tcp", `allow from 10.0.0.5 to any port 5432 proto tcp comment "app server"`, "--force enable")
	out := n.MustRun(t, "ufw", "status", "verbose")
	if !strings.Contains(out, "Status: active") || !strings.Contains(out, "22/tcp") || !strings.Contains(out, "# app server") {
		t.Errorf("inside:\n%s", out)
	}
	if id := n.MustRun(t, "id", "-u", "audit-probe"); strings.TrimSpace(id) != "64100" {
		t.Errorf("the user inside: %q", id)
	}
	// Only the namespace's own processes are seen inside.
	if ps := n.MustRun(t, "ps", "-e", "-o", "comm="); strings.Contains(ps, "go") || strings.Count(ps, "\n") > 5 {
		t.Errorf("processes inside:\n%s", ps)
	}
	after, _ := exec.Command("ufw", "status").CombinedOutput()
	if string(before) != string(after) {
		t.Errorf("the machine's ufw changed:\n%s\n→\n%s", before, after)
	}
	if _, err := exec.Command("id", "audit-probe").Output(); err == nil {
		t.Errorf("the namespace's user exists outside it")
	}
}

func TestSplitArgs(t *testing.T) {
	got := splitArgs(`allow "Nginx Full"  comment "a b"`)
	if strings.Join(got, "|") != "allow|Nginx Full|comment|a b" {
		t.Errorf("%q", got)
	}
}
