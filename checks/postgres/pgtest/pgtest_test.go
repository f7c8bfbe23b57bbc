package pgtest

import (
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestStart_pgtest(t *testing.T) {
	t.Parallel()
	begin := time.Now()
	c := Start(t, Options{Password: "s3cret'pw", Conf: []string{"log_connections = on"}})
	t.Logf("Start took %v", time.Since(begin))

	if got := c.SQL(t, "SELECT current_setting('server_version_num')::int / 10000"); got != "15" {
		t.Errorf("major = %q, want 15", got)
	}
	if got := c.SQL(t, "SHOW listen_addresses"); got != "127.0.0.1" {
		t.Errorf("listen_addresses = %q", got)
	}
	if got := c.SQL(t, "SHOW port"); got != strconv.Itoa(c.Port) {
		t.Errorf("port = %q, want %d", got, c.Port)
	}
	if got := c.SQL(t, "SHOW log_connections"); got != "on" {
		t.Errorf("Options.Conf not applied: log_connections = %q", got)
	}
	if got := c.SQL(t, "SHOW ssl"); got != "off" {
		t.Errorf("ssl = %q", got)
	}
	if got := c.SQL(t, "SELECT rolpassword LIKE 'SCRAM-SHA-256$%' FROM pg_authid WHERE rolname = 'postgres'"); got != "t" {
		t.Errorf("postgres password not set as SCRAM: %q", got)
	}
	if got := c.SQL(t, "SELECT count(*) FROM pg_hba_file_rules WHERE error IS NULL"); got != "2" {
		t.Errorf("pg_hba rules = %q, want the 2 default ones", got)
	}
	for _, f := range []string{c.Conf, c.HBAFile, filepath.Join(c.SocketDir, ".s.PGSQL."+strconv.Itoa(c.Port))} {
		if _, err := os.Stat(f); err != nil {
			t.Error(err)
		}
	}
	conn, err := net.DialTimeout("tcp", c.Addr(), time.Second)
	if err != nil {
		t.Fatalf("TCP: %v", err)
	}
	conn.Close()

	u, err := url.Parse(c.DSN("postgres", c.Password, "sslmode=disable", "application_name=a b&c"))
	if err != nil {
		t.Fatal(err)
	}
	if pw, _ := u.User.Password(); pw != "s3cret'pw" || u.Host != c.Addr() || u.Path != "/postgres" ||
		u.Query().Get("application_name") != "a b&c" || u.Query().Get("sslmode") != "disable" {
		t.Errorf("DSN %s does not round-trip", u)
	}
}

func TestSSLAndStop_pgtest(t *testing.T) {
	t.Parallel()
	var pid int
	var dataDir string
	t.Run("cluster", func(t *testing.T) {
		c := Start(t, Options{SSL: true, HBA: "local all all trust\nhostssl all all 127.0.0.1/32 scram-sha-256\n"})
		if got := c.SQL(t, "SHOW ssl"); got != "on" {
			t.Errorf("ssl = %q", got)
		}
		if got := c.SQL(t, "SELECT type FROM pg_hba_file_rules WHERE type <> 'local'"); got != "hostssl" {
			t.Errorf("Options.HBA not used: %q", got)
		}
		st, err := os.Stat(filepath.Join(c.DataDir, "server.key"))
		if err != nil {
			t.Fatal(err)
		}
		if st.Mode().Perm() != 0o600 {
			t.Errorf("server.key mode %v", st.Mode())
		}
		b, err := os.ReadFile(filepath.Join(c.DataDir, "postmaster.pid"))
		if err != nil {
			t.Fatal(err)
		}
		line, _, _ := strings.Cut(string(b), "\n")
		pid, _ = strconv.Atoi(line)
		dataDir = c.DataDir
	})
	if pid == 0 {
		t.Fatal("no postmaster pid")
	}
	// The subtest's cleanup has run: the server must be gone, and its files.
	if alive(pid) {
		t.Errorf("postmaster %d survived its test", pid)
	}
	if _, err := os.Stat(dataDir); !os.IsNotExist(err) {
		t.Errorf("data directory %s left behind: %v", dataDir, err)
	}
}

func TestParallel_pgtest(t *testing.T) {
	t.Parallel()
	ports := make(chan int, 3)
	for i := range 3 {
		t.Run(strconv.Itoa(i), func(t *testing.T) {
			t.Parallel()
			begin := time.Now()
			c := Start(t, Options{})
			t.Logf("Start took %v", time.Since(begin))
			ports <- c.Port
			if got := c.SQL(t, "SELECT 1"); got != "1" {
				t.Errorf("SELECT 1 = %q", got)
			}
		})
	}
	t.Cleanup(func() {
		close(ports)
		seen := map[int]bool{}
		for p := range ports {
			if seen[p] {
				t.Errorf("port %d used twice", p)
			}
			seen[p] = true
		}
	})
}
