package main

import (
	"bytes"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"audit/checks"
	"audit/checks/host/sshdtest"
	"audit/checks/ufw/ufwtest"
)

// TestMain lets a test run this binary as audit itself, inside namespaces
// it made (AUDIT_TEST_MAIN=1), or as a TCP listener there
// (AUDIT_TEST_LISTEN=ADDR).
func TestMain(m *testing.M) {
	if os.Getenv("AUDIT_TEST_MAIN") == "1" {
		main()
	}
	if addr := os.Getenv("AUDIT_TEST_LISTEN"); addr != "" {
		l, err := net.Listen("tcp", addr)
		if err != nil {
			os.Exit(3)
		}
		os.Stdout.WriteString("listening\n")
		for {
			if c, err := l.Accept(); err == nil {
				c.Close()
			}
		}
	}
	os.Exit(m.Run())
}

// nsAudit runs audit with args inside the namespace and returns the exit
// code, the report's results by ID and what it printed on stderr.
func nsAudit(t *testing.T, n *ufwtest.Namespace, args ...string) (int, map[string]checks.Result, string) {
	t.Helper()
	code, out, stderr := nsRun(t, n, append(args, "--format", "json")...)
	return code, targetResults(t, out, stderr), stderr
}

// nsRun runs this binary as audit inside the namespace.
func nsRun(t *testing.T, n *ufwtest.Namespace, args ...string) (int, string, string) {
	t.Helper()
	cmd := n.Command(append([]string{os.Args[0]}, args...)...)
	cmd.Env = append(os.Environ(), "AUDIT_TEST_MAIN=1", "NO_COLOR=1")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	code := 0
	if err != nil {
		code = cmd.ProcessState.ExitCode()
	}
	return code, stdout.String(), stderr.String()
}

// nsListen starts a TCP listener on addr inside the namespace until the
// test ends.
func nsListen(t *testing.T, n *ufwtest.Namespace, addr string) {
	t.Helper()
	listener := n.Command(os.Args[0])
	listener.Env = append(os.Environ(), "AUDIT_TEST_LISTEN="+addr)
	out, _ := listener.StdoutPipe()
	if err := listener.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { listener.Process.Kill(); listener.Wait() })
	buf := make([]byte, 16)
	if k, _ := out.Read(buf); !strings.Contains(string(buf[:k]), "listening") {
		t.Fatalf("the listener on %s did not start: %q", addr, buf[:k])
	}
}

// netRuleSets are the rule sets and the verdicts each must get.
var netRuleSets = []struct {
	name  string
	rules []string
	want  map[string]checks.Status
	// rule is the text of the rule a failure must name.
	rule string
}{
	{
		name: "inactive",
		want: map[string]checks.Status{"NET-01": checks.StatusFail},
	},
	{
		name: "hardened",
		rules: []string{"default deny incoming", "limit 22/tcp", "allow 443/tcp",
			"allow from 10.0.0.5 to any port 5432 proto tcp", "logging on", "--force enable"},
		want: map[string]checks.Status{"NET-01": checks.StatusPass, "NET-02": checks.StatusPass, "NET-03": checks.StatusPass,
			"NET-04": checks.StatusPass, "NET-05": checks.StatusPass, "NET-06": checks.StatusPass},
	},
	{
		name: "database open to the world",
		// An outgoing rule first: the number quoted is ufw's own (ufw
		// status numbered), which verbose output, listing incoming
		// rules first, does not show.
		rules: []string{"default deny incoming", "allow out 53", "limit 22/tcp", "allow 5432/tcp", "logging on", "--force enable"},
		want:  map[string]checks.Status{"NET-01": checks.StatusPass, "NET-03": checks.StatusFail, "NET-04": checks.StatusPass},
		rule:  "rule 3 `5432/tcp",
	},
	{
		name:  "default allow and plain SSH",
		rules: []string{"default allow incoming", "allow 22/tcp", "logging on", "--force enable"},
		want:  map[string]checks.Status{"NET-01": checks.StatusPass, "NET-02": checks.StatusFail, "NET-04": checks.StatusFail, "NET-06": checks.StatusPass},
		rule:  "22/tcp",
	},
}

// TestUFWRuleSets judges the rule sets on a real ufw, each in its
// own namespaces, as root with --local, and the table names the rule
// behind each failure.
func TestUFWRuleSets(t *testing.T) {
	ufwtest.Require(t)
	for _, rs := range netRuleSets {
		t.Run(rs.name, func(t *testing.T) {
			t.Parallel()
			n := ufwtest.New(t, ufwtest.Options{})
			n.UFW(t, rs.rules...)
			code, results, stderr := nsAudit(t, n, "--local", "--only", "NET")
			for id, want := range rs.want {
				if got := results[id]; got.Status != want {
					t.Errorf("%s is %s, want %s: %+v (stderr %q)", id, got.Status, want, got.Findings, stderr)
				}
			}
			if code == checks.ExitError {
				t.Errorf("exit 2: %s", stderr)
			}
			if rs.rule == "" {
				return
			}
			_, table, _ := nsRun(t, n, "--local", "--only", "NET")
			if !strings.Contains(table, rs.rule) {
				t.Errorf("the table does not name the rule %q:\n%s", rs.rule, table)
			}
		})
	}
}

// TestUFWExposedService: a service listening on every address, on a port
// the firewall allows but the allowed-ports list lacks, fails NET-05.
func TestUFWExposedService(t *testing.T) {
	ufwtest.Require(t)
	t.Parallel()
	n := ufwtest.New(t, ufwtest.Options{})
	n.UFW(t, "default deny incoming", "limit 22/tcp", "allow 8080/tcp", "logging on", "--force enable")
	nsListen(t, n, "0.0.0.0:8080")
	_, results, stderr := nsAudit(t, n, "--local", "--only", "NET")
	r := results["NET-05"]
	if r.Status != checks.StatusFail || len(r.Findings) == 0 || !strings.Contains(r.Findings[0].Message, "8080") {
		t.Errorf("NET-05 = %+v (stderr %q)", r, stderr)
	}
	// Listed in the allowed ports, it passes.
	cfg := t.TempDir() + "/audit.yaml"
	os.WriteFile(cfg, []byte("settings:\n  net_allowed_ports: [22, 443, 8080]\n"), 0o644)
	if _, results, _ = nsAudit(t, n, "--local", "--only", "NET-05", "--config", cfg); results["NET-05"].Status != checks.StatusPass {
		t.Errorf("with 8080 allowed: NET-05 = %+v", results["NET-05"])
	}
}

// TestUFWOverSSHWithSudo: a non-root login reads ufw with --sudo, and
// without it the items that need root are errors, never a pass.
func TestUFWOverSSHWithSudo(t *testing.T) {
	ufwtest.Require(t)
	sshdtest.Require(t)
	t.Parallel()
	n := ufwtest.New(t, ufwtest.Options{User: "auditor"})
	n.UFW(t, "default deny incoming", "limit 22/tcp", "allow 5432/tcp", "logging on", "--force enable")
	s := sshdtest.Start(t, sshdtest.Options{Wrap: n.Wrap()})
	// sshd reads authorized_keys as the user who logs in.
	for _, p := range []string{filepath.Dir(s.Dir), s.Dir, filepath.Join(s.Dir, "authorized_keys")} {
		os.Chmod(p, 0o755)
	}
	base := []string{"--host", "auditor@" + s.Addr(), "-i", s.ClientKey, "--known-hosts", s.KnownHosts, "--only", "NET"}

	t.Cleanup(func() {
		if t.Failed() {
			log, _ := os.ReadFile(s.Dir + "/sshd.log")
			t.Logf("sshd log:\n%s", log)
		}
	})
	code, results, stderr := nsAudit(t, n, append(base, "--sudo")...)
	if results["NET-01"].Status != checks.StatusPass || results["NET-03"].Status != checks.StatusFail || code != checks.ExitFail {
		t.Errorf("with --sudo: exit %d, NET-01 %s, NET-03 %+v; stderr %q", code, results["NET-01"].Status, results["NET-03"], stderr)
	}
	code, results, stderr = nsAudit(t, n, base...)
	if code != checks.ExitError {
		t.Errorf("without --sudo: exit %d, want 2; stderr %q", code, stderr)
	}
	for _, id := range []string{"NET-01", "NET-02", "NET-03", "NET-04", "NET-06"} {
		if results[id].Status != checks.StatusError {
			t.Errorf("without --sudo: %s is %s, want error: %+v", id, results[id].Status, results[id].Findings)
		}
	}
	// The login's PATH lacks /usr/sbin: ufw is still found there, and the
	// reason is that it needs root, not that it is missing.
	if f := results["NET-01"].Findings; len(f) == 0 || strings.Contains(f[0].Message, "not found") ||
		!strings.Contains(f[0].Message, "root") || !strings.Contains(f[0].Message, "--sudo") {
		t.Errorf("without --sudo: NET-01 should say ufw needs root or --sudo: %+v", f)
	}
}

// TestUFWNotAskable: only ufw's refusal to run for a non-root user sends
// the audit to ufw's files. A ufw that fails otherwise leaves what it
// enforces unknown (error), and a ufw whose command is gone, its files
// left behind as a removed package leaves them, is not installed.
func TestUFWNotAskable(t *testing.T) {
	ufwtest.Require(t)
	hardened := []string{"default deny incoming", "limit 22/tcp", "logging on", "--force enable"}
	t.Run("removed", func(t *testing.T) {
		t.Parallel()
		n := ufwtest.New(t, ufwtest.Options{})
		n.UFW(t, hardened...)
		n.MustRun(t, "mount", "--bind", "/dev/null", "/usr/sbin/ufw")
		code, results, stderr := nsAudit(t, n, "--local", "--only", "NET-01")
		r := results["NET-01"]
		if r.Status != checks.StatusFail || len(r.Findings) == 0 || !strings.Contains(r.Findings[0].Message, "not installed") || code != checks.ExitFail {
			t.Errorf("exit %d, NET-01 = %+v, want fail: ufw is not installed (stderr %q)", code, r, stderr)
		}
	})
	t.Run("cut short", func(t *testing.T) {
		t.Parallel()
		n := ufwtest.New(t, ufwtest.Options{})
		n.UFW(t, hardened...)
		short := filepath.Join(n.Dir, "ufw")
		if err := os.WriteFile(short, []byte("#!/bin/sh\necho 'Status: active'\n"), 0o755); err != nil {
			t.Fatal(err)
		}
		n.MustRun(t, "mount", "--bind", short, "/usr/sbin/ufw")
		code, results, stderr := nsAudit(t, n, "--local", "--only", "NET")
		for _, id := range []string{"NET-01", "NET-02", "NET-03", "NET-04", "NET-05", "NET-06"} {
			if results[id].Status != checks.StatusError {
				t.Errorf("%s is %s, want error: %+v", id, results[id].Status, results[id].Findings)
			}
		}
		if code != checks.ExitError {
			t.Errorf("exit %d, want 2; stderr %q", code, stderr)
		}
	})
	t.Run("failing", func(t *testing.T) {
		t.Parallel()
		n := ufwtest.New(t, ufwtest.Options{})
		n.UFW(t, hardened...)
		broken := filepath.Join(n.Dir, "ufw")
		script := "#!/bin/sh\necho \"ERROR: Couldn't determine iptables version\" >&2\nexit 1\n"
		if err := os.WriteFile(broken, []byte(script), 0o755); err != nil {
			t.Fatal(err)
		}
		n.MustRun(t, "mount", "--bind", broken, "/usr/sbin/ufw")
		code, results, stderr := nsAudit(t, n, "--local", "--only", "NET")
		for _, id := range []string{"NET-01", "NET-02", "NET-03", "NET-04", "NET-05", "NET-06"} {
			if results[id].Status != checks.StatusError {
				t.Errorf("%s is %s, want error: %+v", id, results[id].Status, results[id].Findings)
			}
		}
		if code != checks.ExitError || !strings.Contains(stderr, "iptables version") {
			t.Errorf("exit %d, want 2 with ufw's own message; stderr %q", code, stderr)
		}
	})
}

// TestUFWBypassed: rules outside ufw's chains, read from a real
// iptables-save, let connections in that ufw's rules never judge: an
// ACCEPT for the database port in a chain INPUT jumps to fails NET-03, and a port Docker
// publishes (a DNAT in its DOCKER chain) fails NET-05.
func TestUFWBypassed(t *testing.T) {
	ufwtest.Require(t)
	t.Parallel()
	n := ufwtest.New(t, ufwtest.Options{})
	n.UFW(t, "default deny incoming", "limit 22/tcp", "logging on", "--force enable")
	// The ACCEPT sits in a chain of its own that INPUT jumps to.
	n.MustRun(t, "iptables", "-N", "MYCHAIN")
	n.MustRun(t, "iptables", "-A", "MYCHAIN", "-p", "tcp", "--dport", "5432", "-j", "ACCEPT")
	n.MustRun(t, "iptables", "-I", "INPUT", "-j", "MYCHAIN")
	n.MustRun(t, "iptables", "-t", "nat", "-N", "DOCKER")
	n.MustRun(t, "iptables", "-t", "nat", "-A", "DOCKER", "!", "-i", "docker0", "-p", "tcp", "--dport", "8080", "-j", "DNAT", "--to-destination", "172.17.0.2:80")
	// A rule in ufw's own chain that ufw status does not show (the kernel
	// and ufw's files disagree).
	n.MustRun(t, "iptables", "-I", "ufw-user-input", "-p", "tcp", "--dport", "22", "-j", "ACCEPT")
	code, results, stderr := nsAudit(t, n, "--local", "--only", "NET")
	for id, text := range map[string]string{
		"NET-03": "-A MYCHAIN -p tcp -m tcp --dport 5432 -j ACCEPT",
		"NET-04": "-A ufw-user-input -p tcp -m tcp --dport 22 -j ACCEPT",
		"NET-05": "-A DOCKER ! -i docker0",
	} {
		r := results[id]
		if r.Status != checks.StatusFail || len(r.Findings) != 1 || !strings.Contains(r.Findings[0].Message, text) {
			t.Errorf("%s = %+v, want one failure naming %q (stderr %q)", id, r, text, stderr)
		}
	}
	for _, id := range []string{"NET-01", "NET-02", "NET-06"} {
		if results[id].Status != checks.StatusPass {
			t.Errorf("%s is %s, want pass: %+v", id, results[id].Status, results[id].Findings)
		}
	}
	if code != checks.ExitFail {
		t.Errorf("exit %d, want 1; stderr %q", code, stderr)
	}
}

// TestUFWKernelPolicy: iptables -P INPUT ACCEPT behind ufw's back opens
// every port no rule drops, though ufw status still says deny.
func TestUFWKernelPolicy(t *testing.T) {
	ufwtest.Require(t)
	t.Parallel()
	n := ufwtest.New(t, ufwtest.Options{})
	n.UFW(t, "default deny incoming", "limit 22/tcp", "logging on", "--force enable")
	n.MustRun(t, "iptables", "-P", "INPUT", "ACCEPT")
	nsListen(t, n, "0.0.0.0:5432")
	_, results, stderr := nsAudit(t, n, "--local", "--only", "NET")
	for id, text := range map[string]string{"NET-02": "kernel's INPUT policy is ACCEPT for IPv4", "NET-03": "PostgreSQL port 5432 over IPv4"} {
		r := results[id]
		if r.Status != checks.StatusFail || len(r.Findings) != 1 || !strings.Contains(r.Findings[0].Message, text) {
			t.Errorf("%s = %+v, want one failure saying %q (stderr %q)", id, r, text, stderr)
		}
	}
}

// TestUFWFlushed: after iptables -F, ufw status still says active, but the
// kernel holds none of ufw's rules: NET-01 fails.
func TestUFWFlushed(t *testing.T) {
	ufwtest.Require(t)
	t.Parallel()
	n := ufwtest.New(t, ufwtest.Options{})
	n.UFW(t, "default deny incoming", "limit 22/tcp", "logging on", "--force enable")
	for _, cmd := range []string{"iptables", "ip6tables"} {
		n.MustRun(t, cmd, "-P", "INPUT", "ACCEPT")
		n.MustRun(t, cmd, "-F")
	}
	_, results, stderr := nsAudit(t, n, "--local", "--only", "NET-01,NET-02")
	for _, id := range []string{"NET-01", "NET-02"} {
		if r := results[id]; r.Status != checks.StatusFail {
			t.Errorf("%s = %+v, want fail (stderr %q)", id, r, stderr)
		}
	}
	if f := results["NET-01"].Findings; len(f) != 1 || !strings.Contains(f[0].Message, "jumps to none of ufw's chains") {
		t.Errorf("NET-01 findings %+v", f)
	}
}
