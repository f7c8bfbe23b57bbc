package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"audit/checks"
	"audit/checks/host/sshdtest"
)

// sshAudit audits one test sshd over SSH, limited to that server's config
// and the SSH items (other tests may run sshd servers and PostgreSQL
// clusters on this machine at the same time).
func sshAudit(t *testing.T, s *sshdtest.Server, extra ...string) (int, map[string]checks.Result, string) {
	t.Helper()
	args := append([]string{"--host", "root@" + s.Addr(), "-i", s.ClientKey, "--known-hosts", s.KnownHosts,
		"--sshd-config", s.Config, "--only", "SSH", "--format", "json"}, extra...)
	code, out, stderr := runCLI(t, "", args...)
	return code, targetResults(t, out, stderr), stderr
}

const hardened = "PasswordAuthentication no\nKbdInteractiveAuthentication no\nPermitEmptyPasswords no\nPermitRootLogin prohibit-password\n" +
	"PubkeyAcceptedAlgorithms ssh-ed25519,sk-ssh-ed25519@openssh.com,ssh-ed25519-cert-v01@openssh.com\nLogLevel VERBOSE\nSyslogFacility AUTH\n" +
	"KexAlgorithms sntrup761x25519-sha512@openssh.com,curve25519-sha256\nCiphers chacha20-poly1305@openssh.com,aes256-gcm@openssh.com,aes256-ctr\n" +
	"MACs hmac-sha2-512-etm@openssh.com,hmac-sha2-256-etm@openssh.com\n"

func TestSSHChecklistOnRealServers(t *testing.T) {
	sshItems := []string{"SSH-01", "SSH-02", "SSH-03", "SSH-04", "SSH-06", "SSH-08"}

	weak := sshdtest.Start(t, sshdtest.Options{
		HostKeyTypes: []string{"ed25519", "rsa"},
		UserKeyTypes: []string{"rsa"},
		Extra:        "PasswordAuthentication yes\nPermitRootLogin yes\nCiphers aes128-ctr,aes256-cbc\nMACs hmac-sha2-256,hmac-sha1\nLogLevel INFO\n",
	})
	code, results, stderr := sshAudit(t, weak)
	if code != checks.ExitFail {
		t.Errorf("weak server: exit %d, stderr %q", code, stderr)
	}
	for _, id := range sshItems {
		if results[id].Status != checks.StatusFail {
			t.Errorf("weak server: %s is %s, want fail (%+v)", id, results[id].Status, results[id].Findings)
		}
	}
	// The failure names the line that caused it.
	var sawLine bool
	for _, f := range results["SSH-03"].Findings {
		sawLine = sawLine || f.Path == weak.Config && f.Line > 1
	}
	if !sawLine {
		t.Errorf("SSH-03 findings lack the config line: %+v", results["SSH-03"].Findings)
	}

	good := sshdtest.Start(t, sshdtest.Options{Extra: hardened})
	code, results, stderr = sshAudit(t, good)
	if code != checks.ExitFail || results["SSH-05"].Status != checks.StatusFail {
		// It has no SSH certificate authority: SSH-05 alone fails.
		t.Errorf("hardened server: exit %d, SSH-05 %s; want 1 from SSH-05 only", code, results["SSH-05"].Status)
	}
	for _, id := range sshItems {
		if results[id].Status != checks.StatusPass {
			t.Errorf("hardened server: %s is %s, want pass (%+v); stderr %q", id, results[id].Status, results[id].Findings, stderr)
		}
	}

	// A Match block that re-enables passwords, and a drop-in that sets
	// them before the main file's "no", both fail SSH-03.
	match := sshdtest.Start(t, sshdtest.Options{Extra: hardened + "Match Address 203.0.113.0/24\n  PasswordAuthentication yes\n"})
	if _, results, _ = sshAudit(t, match); results["SSH-03"].Status != checks.StatusFail ||
		!strings.Contains(results["SSH-03"].Findings[0].Message, "Match Address 203.0.113.0/24") {
		t.Errorf("Match block: SSH-03 = %+v", results["SSH-03"])
	}
	dropins := t.TempDir()
	os.WriteFile(filepath.Join(dropins, "50-cloud-init.conf"), []byte("PasswordAuthentication yes\n"), 0o644)
	dropin := sshdtest.Start(t, sshdtest.Options{Extra: "Include " + dropins + "/*.conf\n" + hardened})
	_, results, _ = sshAudit(t, dropin)
	if r := results["SSH-03"]; r.Status != checks.StatusFail || r.Findings[0].Path != filepath.Join(dropins, "50-cloud-init.conf") {
		t.Errorf("drop-in: SSH-03 = %+v", r)
	}

	// The table names file:line for each failure.
	code, table, _ := runCLI(t, "", "--host", "root@"+weak.Addr(), "-i", weak.ClientKey, "--known-hosts", weak.KnownHosts, "--sshd-config", weak.Config, "--only", "SSH")
	t.Logf("weak server:\n%s", table)
	if code != checks.ExitFail || !strings.Contains(table, "sshd_config:") {
		t.Errorf("table: exit %d\n%s", code, table)
	}
}

// TestRefusedSudoIsAnError: with --sudo, a sudo that asks for a password
// makes the SSH items error, never pass. The sudo here is a stand-in that
// refuses as sudo -n does for a user without passwordless sudo.
func TestRefusedSudoIsAnError(t *testing.T) {
	bin := t.TempDir()
	script := "#!/bin/sh\necho 'sudo: a password is required' >&2\nexit 1\n"
	if err := os.WriteFile(filepath.Join(bin, "sudo"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", bin+string(os.PathListSeparator)+os.Getenv("PATH"))
	code, out, stderr := runCLI(t, "", "--local", "--sudo", "--format", "json")
	rep := decodeReport(t, out)
	if code != checks.ExitError || len(rep.Targets) != 1 {
		t.Fatalf("exit %d, stderr %q, report %+v", code, stderr, rep)
	}
	for _, r := range rep.Targets[0].Results {
		if r.Status != checks.StatusError || !strings.Contains(r.Findings[0].Message, "sudo -n refused") {
			t.Errorf("%s = %s %+v; want error naming the refused sudo", r.ID, r.Status, r.Findings)
		}
	}
}

// TestSSHEdgeCases: a --sshd-config no sshd runs is an error, not a clean
// host; Match LocalPort does not stop sshd -T; option values that may hold
// credentials stay out of the facts.
func TestSSHEdgeCases(t *testing.T) {
	s := sshdtest.Start(t, sshdtest.Options{Extra: hardened + "Match LocalPort 2222\n  PasswordAuthentication yes\n"})
	base := []string{"--host", "root@" + s.Addr(), "-i", s.ClientKey, "--known-hosts", s.KnownHosts, "--only", "SSH", "--format", "json"}

	code, out, stderr := runCLI(t, "", append(base, "--sshd-config", s.Config+".typo")...)
	if code != checks.ExitError || !strings.Contains(out, "no running sshd was started with") {
		t.Errorf("a typo in --sshd-config: exit %d, stderr %q", code, stderr)
	}

	code, out, stderr = runCLI(t, "", append(base, "--sshd-config", s.Config)...)
	if code == checks.ExitError {
		t.Errorf("Match LocalPort: exit 2, stderr %q", stderr)
	}
	rep := decodeReport(t, out)
	for _, r := range rep.Targets[0].Results {
		if r.Status == checks.StatusError {
			t.Errorf("Match LocalPort: %s is error: %+v", r.ID, r.Findings)
		}
		if r.ID == "SSH-03" && r.Status != checks.StatusFail {
			t.Errorf("Match LocalPort 2222 turns passwords on: SSH-03 is %s", r.Status)
		}
	}

	secret := "tok3n" + strings.Repeat("x", 20)
	keys, _ := os.ReadFile(filepath.Join(s.Dir, "authorized_keys"))
	// After the login key's own line: sshd uses the first line that matches.
	os.WriteFile(filepath.Join(s.Dir, "authorized_keys"), []byte(string(keys)+`command="/bin/backup --token=`+secret+`",environment="PW=`+secret+`" `+string(keys)), 0o600)
	code, out, stderr = runCLI(t, "", "facts", "--host", "root@"+s.Addr(), "-i", s.ClientKey, "--known-hosts", s.KnownHosts, "--sshd-config", s.Config)
	if strings.Contains(out, secret) || !strings.Contains(out, `command=\"REDACTED\"`) {
		t.Errorf("facts: exit %d, stderr %q; option values must be redacted:\n%s", code, stderr, out)
	}
}
