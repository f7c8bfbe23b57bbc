package postgres

import (
	"context"
	"strings"
	"testing"

	"audit/checks"
	"audit/checks/host"
	"audit/checks/postgres/pgtest"
)

// blindHost is this machine as a user who sees no postgres process and
// reads no file of the server (a non-root login without --sudo): only the
// DSN reaches it.
type blindHost struct {
	host.Local
	dsns []string
}

func (b *blindHost) PostgresDSNs() []string { return b.dsns }

func (b *blindHost) Run(ctx context.Context, argv ...string) ([]byte, error) {
	if argv[0] == "ps" {
		return nil, &host.ExitError{Argv: argv, Code: 1}
	}
	return b.Local.Run(ctx, argv...)
}

// TestCollectFromTheDSNAlone: a server known only by its DSN is read over
// SQL and the wire (it once crashed the collector).
func TestCollectFromTheDSNAlone(t *testing.T) {
	pgtest.Require(t)
	t.Parallel()
	c := pgtest.Start(t, pgtest.Options{SSL: true})
	h := &blindHost{dsns: []string{c.DSN("postgres", c.Password, "sslmode=require")}}
	f, err := Check{}.Collect(context.Background(), h)
	if err != nil || f.Status != checks.FactsOK {
		t.Fatalf("Collect = %+v, %v", f, err)
	}
	s := f.Data.(Data).Servers[0]
	if s.Name != c.Addr() || !s.Login.OK || s.SettingsFrom != "sql" || s.Settings["ssl"].Value != "on" || s.HBAFrom != "sql" ||
		!s.TLS.Handshake || s.Version.From != "sql" || s.DataDir != c.DataDir {
		t.Errorf("server %+v", s)
	}
}

// TestCollectNamesWhatTheRoleMayNotRead: a role that is no superuser logs
// in; what it may not read is said, never taken as harmless.
func TestCollectNamesWhatTheRoleMayNotRead(t *testing.T) {
	pgtest.Require(t)
	t.Parallel()
	c := pgtest.Start(t, pgtest.Options{SSL: true})
	c.SQL(t, "CREATE ROLE plain LOGIN PASSWORD 'plain-pass-1'")
	h := &blindHost{dsns: []string{c.DSN("plain", "plain-pass-1", "sslmode=require")}}
	f, err := Check{}.Collect(context.Background(), h)
	if err != nil {
		t.Fatal(err)
	}
	s := f.Data.(Data).Servers[0]
	if s.PasswordsKnown || !strings.Contains(s.PasswordsError, "pg_authid") || !strings.Contains(s.HBAError, "pg_hba_file_rules") {
		t.Errorf("passwords known %v (%q), hba error %q", s.PasswordsKnown, s.PasswordsError, s.HBAError)
	}
	for _, r := range s.Roles {
		if r.HasPassword != nil {
			t.Errorf("role %s: has_password %v though pg_authid is unreadable", r.Name, *r.HasPassword)
		}
	}
	if len(f.Warnings) != 1 || !strings.Contains(f.Warnings[0], "DB-05 cannot tell") {
		t.Errorf("warnings %q", f.Warnings)
	}
}

// TestCommandLineWinsOverFiles: settings given on the postmaster's command
// line (pg_ctl -o "-c …") are the ones judged, not the files'.
func TestCommandLineWinsOverFiles(t *testing.T) {
	fsys := memFS{
		"/d/postgresql.conf": "port = 5433\nlog_connections = on\nhba_file = '/d/pg_hba.conf'\n",
		"/d/pg_hba.conf":     "hostssl all all 10.0.0.0/24 scram-sha-256\n",
		"/d/real_hba.conf":   "host all all 0.0.0.0/0 trust\n",
	}
	pm := parsePostmasterArgs([]string{"/x/postgres", "-D", "/d", "-c", "hba_file=/d/real_hba.conf", "-c", "log_connections=off"})
	s := serverFromFiles(context.Background(), &blindHost{}, fsys, pm)
	if s.HBAFile != "/d/real_hba.conf" || len(s.HBA) != 1 || s.HBA[0].Method != "trust" {
		t.Errorf("hba file %s, rules %+v", s.HBAFile, s.HBA)
	}
	if v := s.Settings["log_connections"]; v.Value != "off" || v.Source != "command line" {
		t.Errorf("log_connections %+v", v)
	}
	if s.Addr != "" && !strings.HasSuffix(s.Addr, ":5433") {
		t.Errorf("addr %s", s.Addr)
	}
}

// TestUnknownPortIsNotGuessed: a server whose files cannot be read is not
// probed at 5432, which may be another server.
func TestUnknownPortIsNotGuessed(t *testing.T) {
	s := serverFromFiles(context.Background(), &blindHost{}, memFS{}, Postmaster{Binary: "/x/postgres", DataDir: "/d", ConfigFile: "/d/postgresql.conf"})
	if s.Addr != "" || s.SettingsError == "" || s.Name != "/d" {
		t.Errorf("server %+v", s)
	}
}
