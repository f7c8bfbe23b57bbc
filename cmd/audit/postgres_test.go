package main

import (
	"maps"
	"os"
	"strings"
	"testing"
	"time"

	"audit/checks"
	"audit/checks/host/sshdtest"
	"audit/checks/postgres/pgtest"
)

// pgAudit audits one test cluster with --local --postgres DSN and returns
// the exit code, the DB and SEC-05 results by ID, and everything the run
// printed. Naming the server limits the audit to it, and --only to the
// database items: other tests run clusters and sshd on this machine too.
func pgAudit(t *testing.T, dsn string, extra ...string) (int, map[string]checks.Result, string) {
	t.Helper()
	args := append([]string{"--local", "--postgres", dsn, "--only", "DB,SEC-05", "--format", "json"}, extra...)
	code, out, stderr := runCLI(t, "", args...)
	results := targetResults(t, out, stderr)
	maps.DeleteFunc(results, func(id string, _ checks.Result) bool { return !strings.HasPrefix(id, "DB-") && id != "SEC-05" })
	return code, results, out + stderr
}

// weakCluster is the weak server: ssl off, trust on loopback TCP,
// md5 from anywhere, md5 password hashing.
func weakCluster(t *testing.T) *pgtest.Cluster {
	return pgtest.Start(t, pgtest.Options{
		Conf: []string{"password_encryption = md5"},
		HBA:  "local all all trust\nhost all all 127.0.0.1/32 trust\nhost all all 0.0.0.0/0 md5\n",
	})
}

// hardenedCluster is the hardened server: TLS 1.2 or later, only
// hostssl SCRAM rules for loopback and one /24, connections logged.
func hardenedCluster(t *testing.T) *pgtest.Cluster {
	return pgtest.Start(t, pgtest.Options{
		SSL: true,
		Conf: []string{"ssl_min_protocol_version = 'TLSv1.2'", "password_encryption = 'scram-sha-256'",
			"log_connections = on", "log_disconnections = on"},
		HBA: "local all all trust\nhostssl all all 127.0.0.1/32 scram-sha-256\nhostssl all all 10.20.30.0/24 scram-sha-256\n",
	})
}

func wantStatuses(t *testing.T, name string, results map[string]checks.Result, want checks.Status, ids ...string) {
	t.Helper()
	for _, id := range ids {
		if r := results[id]; r.Status != want {
			t.Errorf("%s: %s is %s, want %s: %+v", name, id, r.Status, want, r.Findings)
		}
	}
}

func TestPostgresChecklistOnRealClusters(t *testing.T) {
	pgtest.Require(t)
	t.Parallel()
	weak := weakCluster(t)
	// As the issue runs it: no password (loopback is trusted).
	code, results, printed := pgAudit(t, "postgres://postgres@"+weak.Addr()+"/postgres")
	if code != checks.ExitFail {
		t.Errorf("weak cluster: exit %d", code)
	}
	wantStatuses(t, "weak", results, checks.StatusFail, "DB-01", "DB-02", "DB-04", "DB-05")
	// The failures point at the pg_hba lines.
	var sawLine bool
	for _, f := range results["DB-04"].Findings {
		sawLine = sawLine || f.Path == weak.HBAFile && f.Line == 3
	}
	if !sawLine {
		t.Errorf("DB-04 does not name %s:3: %+v", weak.HBAFile, results["DB-04"].Findings)
	}
	if strings.Contains(printed, weak.Password) {
		t.Errorf("the weak cluster's password was printed")
	}

	hard := hardenedCluster(t)
	code, results, printed = pgAudit(t, hard.DSN("postgres", hard.Password, "sslmode=require"))
	wantStatuses(t, "hardened", results, checks.StatusPass, "DB-01", "DB-02", "DB-03", "DB-04", "DB-05", "DB-08")
	if strings.Contains(printed, hard.Password) {
		t.Errorf("the hardened cluster's password was printed")
	}
	// Its superuser's password never expires: SEC-05 fails, exit 1.
	if code != checks.ExitFail || results["SEC-05"].Status != checks.StatusFail {
		t.Errorf("hardened: exit %d, SEC-05 %+v", code, results["SEC-05"])
	}
}

// TestPostgresWrongPassword: a DSN that cannot log in makes the DB items
// error and the run exit 2, and its password appears nowhere.
func TestPostgresWrongPassword(t *testing.T) {
	pgtest.Require(t)
	t.Parallel()
	hard := hardenedCluster(t)
	const wrong = "Wr0ng-pass-7f3a9c"
	for _, dsn := range []string{
		hard.DSN("postgres", wrong, "sslmode=require"),
		"host=127.0.0.1 port=" + strings.TrimPrefix(hard.Addr(), "127.0.0.1:") + " user=postgres password=" + wrong + " sslmode=require",
	} {
		code, results, printed := pgAudit(t, dsn)
		if code != checks.ExitError {
			t.Errorf("%s: exit %d, want 2", strings.ReplaceAll(dsn, wrong, "…"), code)
		}
		wantStatuses(t, "wrong password", results, checks.StatusError, "DB-01", "DB-02", "DB-03", "DB-04", "DB-05", "DB-08", "SEC-05")
		if !strings.Contains(printed, "password authentication failed") {
			t.Errorf("the output does not say why: %s", printed)
		}
		// The one reason is said once on stderr, naming every item it stopped.
		if n := strings.Count(printed, "could not be checked"); n != 1 || !strings.Contains(printed, "DB-01, DB-02, DB-03") {
			t.Errorf("the reason is printed %d times, or without its items: %s", n, printed)
		}
		if strings.Contains(printed, wrong) {
			t.Errorf("the wrong password was printed: %s", printed)
		}
	}
}

// TestPostgresCredentialRotation: SEC-05 fails a login role whose password
// never expires or has expired, and passes one inside the window.
func TestPostgresCredentialRotation(t *testing.T) {
	pgtest.Require(t)
	t.Parallel()
	c := hardenedCluster(t)
	soon := time.Now().UTC().AddDate(0, 0, 20).Format(time.DateOnly)
	c.SQL(t, "ALTER ROLE postgres VALID UNTIL '"+soon+"'")
	code, results, _ := pgAudit(t, c.DSN("postgres", c.Password, "sslmode=require"))
	if results["SEC-05"].Status != checks.StatusPass || code == checks.ExitError {
		t.Fatalf("inside the window: exit %d, SEC-05 %+v", code, results["SEC-05"])
	}
	for id, r := range results {
		// DB-07 depends on the image's minor release, nothing else may fail.
		if r.Status != checks.StatusPass && id != "DB-07" && id != "DB-09" {
			t.Errorf("hardened cluster inside the window: %s is %s: %+v", id, r.Status, r.Findings)
		}
	}
	for _, tc := range []struct{ sql, want string }{
		{"CREATE ROLE app LOGIN PASSWORD 'app-secret-1'", "app"},
		{"CREATE ROLE old LOGIN PASSWORD 'old-secret-1' VALID UNTIL '2020-01-01'", "old"},
		{"CREATE ROLE far LOGIN PASSWORD 'far-secret-1' VALID UNTIL '2099-01-01'", "far"},
	} {
		c.SQL(t, tc.sql)
		_, results, _ = pgAudit(t, c.DSN("postgres", c.Password, "sslmode=require"))
		r := results["SEC-05"]
		var named bool
		for _, f := range r.Findings {
			named = named || strings.Contains(f.Message, tc.want)
		}
		if r.Status != checks.StatusFail || !named {
			t.Errorf("after %q: SEC-05 %+v, want a fail naming %s", tc.sql, r, tc.want)
		}
		c.SQL(t, "DROP ROLE "+tc.want)
	}
	// A role without a password (peer or cert only) is not judged.
	c.SQL(t, "CREATE ROLE nopass LOGIN")
	if _, results, _ = pgAudit(t, c.DSN("postgres", c.Password, "sslmode=require")); results["SEC-05"].Status != checks.StatusPass {
		t.Errorf("a login role without a password: SEC-05 %+v", results["SEC-05"])
	}
}

// TestPostgresThroughSSH: --host with --postgres reaches a server bound to
// the host's loopback through the SSH connection.
func TestPostgresThroughSSH(t *testing.T) {
	pgtest.Require(t)
	sshdtest.Require(t)
	t.Parallel()
	c := hardenedCluster(t)
	s := sshdtest.Start(t, sshdtest.Options{Extra: hardened})
	args := []string{"--host", "root@" + s.Addr(), "-i", s.ClientKey, "--known-hosts", s.KnownHosts,
		"--sshd-config", s.Config, "--postgres", c.DSN("postgres", c.Password, "sslmode=require"), "--format", "json"}
	_, out, stderr := runCLI(t, "", args...)
	results := targetResults(t, out, stderr)
	wantStatuses(t, "through SSH", results, checks.StatusPass, "DB-01", "DB-02", "DB-03", "DB-04", "DB-05", "DB-08")
	if strings.Contains(out+stderr, c.Password) {
		t.Errorf("the password was printed")
	}
}

// TestPostgresFlags: --postgres needs a host, and a bad DSN is a usage
// error that does not echo its password.
func TestPostgresFlags(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--postgres", "postgres://u:pw-Secret-9@127.0.0.1:5432/db"}, "--postgres needs --host or --local"},
		{[]string{"--local", "--postgres", "postgres://u:pw-Secret-9@127.0.0.1:notaport/db"}, "--postgres"},
		{[]string{"--local", "--postgres", "host=/var/run/postgresql user=u password=pw-Secret-9"}, "Unix socket"},
		{[]string{"--local", "--postgres", "postgres://u:pw-Secret-9@a:1,b:2/db"}, "several servers"},
	} {
		code, out, stderr := runCLI(t, "", tc.args...)
		if code != checks.ExitError || !strings.Contains(stderr, tc.want) {
			t.Errorf("%q: exit %d, stderr %q; want 2 and %q", tc.args, code, stderr, tc.want)
		}
		if strings.Contains(out+stderr, "pw-Secret-9") {
			t.Errorf("%q: the password was printed: %s", tc.args, stderr)
		}
	}
}

// TestPostgresFactsHoldNoSecrets: pg_hba options that hold credentials
// (an LDAP bind password, RADIUS secrets) are redacted whether the rules
// come from pg_hba_file_rules or from the file.
func TestPostgresFactsHoldNoSecrets(t *testing.T) {
	pgtest.Require(t)
	t.Parallel()
	const bindpw, radius = "Ldap-bind-8d1e", "Radius-shared-4c2b"
	c := pgtest.Start(t, pgtest.Options{HBA: pgtest.DefaultHBA +
		`host all all 10.9.0.0/24 ldap ldapserver=ldap.invalid ldapbasedn="dc=example,dc=com" ldapbinddn="cn=audit" ldapbindpasswd=` + bindpw + "\n" +
		`host all all 10.9.1.0/24 radius radiusservers=127.0.0.1 radiussecrets=` + radius + "\n"})
	for _, args := range [][]string{
		{"facts", "--local", "--postgres", c.DSN("postgres", c.Password)},       // pg_hba_file_rules
		{"facts", "--local", "--postgres", c.DSN("nobody", "x-wrong-password")}, // the file
	} {
		code, out, stderr := runCLI(t, "", args...)
		if !strings.Contains(out, "ldapbindpasswd=<redacted>") || !strings.Contains(out, "radiussecrets=<redacted>") {
			t.Errorf("facts (exit %d, stderr %q) lack the redacted options:\n%s", code, stderr, out)
		}
		if strings.Contains(out+stderr, bindpw) || strings.Contains(out+stderr, radius) {
			t.Errorf("facts hold a pg_hba secret")
		}
	}
}

// TestPostgresHBAChangedSinceReload: pg_hba_file_rules shows the file as
// it is now, the server enforces what it last loaded; when the file is
// newer, the rules items say so instead of judging either.
func TestPostgresHBAChangedSinceReload(t *testing.T) {
	pgtest.Require(t)
	t.Parallel()
	c := hardenedCluster(t)
	// pg_stat_file has whole seconds: an edit in a later second than the load.
	time.Sleep(1100 * time.Millisecond)
	if err := os.WriteFile(c.HBAFile, []byte("local all all trust\nhostssl all all 127.0.0.1/32 scram-sha-256\nhost all all 0.0.0.0/0 trust\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, results, printed := pgAudit(t, c.DSN("postgres", c.Password, "sslmode=require"))
	if code != checks.ExitError {
		t.Errorf("exit %d, want 2", code)
	}
	wantStatuses(t, "pg_hba.conf changed", results, checks.StatusError, "DB-02", "DB-04", "DB-05")
	if !strings.Contains(printed, "pg_reload_conf") {
		t.Errorf("the output does not say to reload: %s", printed)
	}
	// Reloaded, the file is what the server enforces: judged, and failed.
	c.SQL(t, "SELECT pg_reload_conf()")
	time.Sleep(200 * time.Millisecond)
	_, results, _ = pgAudit(t, c.DSN("postgres", c.Password, "sslmode=require"))
	wantStatuses(t, "reloaded", results, checks.StatusFail, "DB-02", "DB-04", "DB-05")
}

// TestPostgresRoleOverrideIsNotTheServersValue: pg_settings shows the
// auditing role's own password_encryption; the server's is judged.
func TestPostgresRoleOverrideIsNotTheServersValue(t *testing.T) {
	pgtest.Require(t)
	t.Parallel()
	c := pgtest.Start(t, pgtest.Options{SSL: true, Conf: []string{"password_encryption = md5"},
		HBA: "local all all trust\nhostssl all all 127.0.0.1/32 scram-sha-256\n"})
	c.SQL(t, "ALTER ROLE postgres SET password_encryption = 'scram-sha-256'")
	c.SQL(t, "ALTER ROLE postgres PASSWORD '"+c.Password+"'")
	_, results, _ := pgAudit(t, c.DSN("postgres", c.Password, "sslmode=require"))
	r := results["DB-05"]
	if r.Status != checks.StatusFail || len(r.Findings) == 0 || r.Findings[0].Path != c.Conf {
		t.Errorf("DB-05 = %+v, want a fail at %s", r, c.Conf)
	}
}
