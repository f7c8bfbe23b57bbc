package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"audit/checks"
	"audit/checks/gitrepo/gittest"
	"audit/checks/host/sshdtest"
)

// TestHostTargets: hosts are reached over SSH as the user names them; an
// unknown key or a dead host is a target error (exit 2) that does not hide
// the other targets.
func TestHostTargets(t *testing.T) {
	s := sshdtest.Start(t, sshdtest.Options{})
	// --only SSH: other tests may run PostgreSQL clusters on this host.
	ssh := []string{"-i", s.ClientKey, "--known-hosts", s.KnownHosts, "--connect-timeout", "2s", "--sshd-config", s.Config, "--only", "SSH"}

	// The test server runs sshd's defaults: the host is audited (some SSH
	// items fail), it is not an error.
	code, out, stderr := runCLI(t, "", append(ssh, "--host", "root@"+s.Addr(), "--format", "json")...)
	rep := decodeReport(t, out)
	if code != checks.ExitFail || len(rep.Targets) != 1 || rep.Targets[0].Kind != checks.KindHost || rep.Targets[0].Error != "" ||
		len(rep.Targets[0].Results) != 8 {
		t.Errorf("reachable host: exit %d, stderr %q, report %+v", code, stderr, rep)
	}

	empty := filepath.Join(t.TempDir(), "known_hosts")
	os.WriteFile(empty, nil, 0o600)
	code, out, stderr = runCLI(t, "", "-i", s.ClientKey, "--known-hosts", empty, "--host", "root@"+s.Addr(), "--format", "json")
	rep = decodeReport(t, out)
	if code != checks.ExitError || !strings.Contains(rep.Targets[0].Error, "is unknown") || !strings.Contains(stderr, "SHA256:") {
		t.Errorf("unknown key: exit %d, stderr %q, report %+v", code, stderr, rep)
	}

	// A repository and hosts in one run: the dead host is an error, the
	// others are still audited.
	r := gittest.New(t)
	r.Commit("c", map[string]string{"a.txt": "a\n"})
	code, out, stderr = runCLI(t, "", append(ssh, "--host", "root@"+s.Addr(), "--host", "root@127.0.0.1:1", "--format", "json", r.Dir)...)
	rep = decodeReport(t, out)
	kinds := map[checks.Kind]int{}
	dead := ""
	for _, tr := range rep.Targets {
		kinds[tr.Kind]++
		if tr.Error != "" {
			dead = tr.Name
		}
	}
	if code != checks.ExitError || kinds[checks.KindRepo] != 1 || kinds[checks.KindHost] != 2 || dead != "root@127.0.0.1:1" {
		t.Errorf("repo and two hosts: exit %d, stderr %q, report %+v", code, stderr, rep)
	}
}
