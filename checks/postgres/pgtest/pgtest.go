// Package pgtest starts real, throw-away PostgreSQL 15 clusters on
// 127.0.0.1 for tests: each in its own temporary directory, on its own free
// port, with its own Unix socket directory, so that several run in parallel
// in one go test. It needs the server binaries in /usr/lib/postgresql/15/bin
// and root (initdb and the server refuse root, so they run as the postgres OS
// user through runuser); without them a test is skipped loudly, and fails
// under CI=true.
//
// Clusters live in /dev/shm when it is there (else $PGTEST_TMPDIR, when
// set, comes first; then the usual temporary directory). Each is a copy of a
// data directory that initdb --no-sync makes once per test process (a
// process of pgtest's deletes it when the test process ends), and runs with
// fsync, synchronous_commit and full_page_writes off and small shared
// buffers: a Start takes a few tenths of a second, and the data is not
// meant to survive. A cluster is stopped with pg_ctl -m immediate stop when
// its test ends, and a watchdog process stops it and deletes its directory
// if the test binary dies without running its cleanups (a panic, a
// -timeout), so no server outlives its test.
package pgtest

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// BinDir is where the PostgreSQL 15 server binaries are.
const BinDir = "/usr/lib/postgresql/15/bin"

// DefaultHBA is the pg_hba.conf a cluster gets when Options.HBA is empty:
// the Unix socket trusted (SQL uses it), TCP from loopback by SCRAM.
const DefaultHBA = "local all all trust\nhost all all 127.0.0.1/32 scram-sha-256\n"

// Options shape a cluster.
type Options struct {
	// SSL turns ssl on with a self-signed ECDSA P-256 certificate made in
	// Go for CN 127.0.0.1 and IP SAN 127.0.0.1 (server.crt and server.key
	// in the data directory, the key mode 0600 and owned by postgres).
	SSL bool
	// CertValidFor is how long the certificate is valid from now (default
	// 365 days). When negative, NotAfter lies that far in the past: an
	// expired certificate.
	CertValidFor time.Duration
	// Conf are extra postgresql.conf lines, appended after pgtest's own
	// so that they win (e.g. "ssl_min_protocol_version = 'TLSv1'",
	// "password_encryption = md5", "log_connections = on").
	Conf []string
	// HBA is the whole pg_hba.conf (default DefaultHBA). Keep a local
	// trust line, or Cluster.SQL cannot log in.
	HBA string
	// Password is set for the postgres superuser (ALTER ROLE) once the
	// server runs; default a random one.
	Password string
}

// Cluster is a running PostgreSQL cluster.
type Cluster struct {
	// DataDir is the data directory; Conf and HBAFile are its
	// postgresql.conf and pg_hba.conf.
	DataDir string
	Conf    string
	HBAFile string
	// SocketDir holds the Unix socket (.s.PGSQL.PORT).
	SocketDir string
	// Port is the TCP port on 127.0.0.1.
	Port int
	// Password is the postgres superuser's password.
	Password string
	// Bin is the directory of the server binaries.
	Bin string
	// CertFile is the server certificate when Options.SSL, else "".
	CertFile string
	// Log is the server's log file.
	Log string
}

// Addr is 127.0.0.1:PORT.
func (c *Cluster) Addr() string { return net.JoinHostPort("127.0.0.1", strconv.Itoa(c.Port)) }

// Require fails the test when PostgreSQL 15 cannot be run here, or skips it
// with a loud message outside CI.
func Require(t testing.TB) {
	t.Helper()
	var why string
	for _, bin := range []string{"initdb", "pg_ctl", "postgres", "psql"} {
		if _, err := os.Stat(filepath.Join(BinDir, bin)); err != nil {
			why = fmt.Sprintf("PostgreSQL 15 is not installed (%s missing; apt-get install postgresql-15)", bin)
			break
		}
	}
	if why == "" {
		if _, err := exec.LookPath("runuser"); err != nil {
			why = "runuser is not installed (util-linux)"
		} else if os.Geteuid() != 0 {
			why = "PostgreSQL tests need root to run initdb and the server as the postgres user (runuser)"
		} else if _, err := user.Lookup("postgres"); err != nil {
			why = "there is no postgres OS user"
		}
	}
	if why != "" {
		if os.Getenv("CI") == "true" {
			t.Fatalf("integration test cannot run: %s", why)
		}
		t.Skipf("SKIPPING INTEGRATION TEST: %s", why)
	}
}

// Start initialises and starts a cluster, and stops it when the test ends.
func Start(t testing.TB, o Options) *Cluster {
	t.Helper()
	Require(t)
	uid, gid := postgresIDs(t)
	// A short directory of our own rather than t.TempDir(): the socket path
	// must stay under 108 bytes whatever the test's name, and every parent
	// of the data directory must be traversable by postgres (pgtest changes
	// no mode but its own directories').
	root, err := mkdirTemp("pgtest-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(root) }) // runs last, after the server stopped
	c := &Cluster{
		DataDir:   filepath.Join(root, "data"),
		SocketDir: filepath.Join(root, "sock"),
		Log:       filepath.Join(root, "server.log"),
		Bin:       BinDir,
		Password:  o.Password,
	}
	c.Conf = filepath.Join(c.DataDir, "postgresql.conf")
	c.HBAFile = filepath.Join(c.DataDir, "pg_hba.conf")
	if c.Password == "" {
		c.Password = randomPassword(t)
	}
	for _, dir := range []string{c.DataDir, c.SocketDir} {
		if err := os.Mkdir(dir, 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.Chown(dir, uid, gid); err != nil {
			t.Fatal(err)
		}
	}
	logFile, err := os.Create(c.Log)
	if err != nil {
		t.Fatal(err)
	}
	logFile.Close()
	if err := os.Chown(c.Log, uid, gid); err != nil {
		t.Fatal(err)
	}

	tmpl, err := templateDir(uid, gid)
	if err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("cp", "-a", "--", tmpl+"/.", c.DataDir).CombinedOutput(); err != nil {
		t.Fatalf("copy the template cluster: %v\n%s", err, out)
	}
	base, err := os.ReadFile(c.Conf)
	if err != nil {
		t.Fatal(err)
	}
	if o.SSL {
		c.CertFile = filepath.Join(c.DataDir, "server.crt")
		writeCert(t, c.DataDir, o.CertValidFor, uid, gid)
	}
	hba := o.HBA
	if hba == "" {
		hba = DefaultHBA
	}
	writeOwned(t, c.HBAFile, hba, uid, gid)

	c.startWatchdog(t, root)
	t.Cleanup(func() { c.stop(t) })

	var startErr error
	for attempt := 0; attempt < 5; attempt++ {
		c.Port = freePort(t)
		writeOwned(t, c.Conf, string(base)+c.confLines(o), uid, gid)
		out, err := c.asPostgres("pg_ctl", "-D", c.DataDir, "-l", c.Log, "-w", "-t", "30", "start").CombinedOutput()
		if err == nil {
			startErr = nil
			break
		}
		log, _ := os.ReadFile(c.Log)
		startErr = fmt.Errorf("pg_ctl start: %v\n%s\n--- server log ---\n%s", err, out, log)
		if !bytes.Contains(log, []byte("could not bind")) && !bytes.Contains(log, []byte("already in use")) {
			break
		}
		c.stop(t) // a postmaster that half-started must not hold on
	}
	if startErr != nil {
		t.Fatal(startErr)
	}
	c.SQL(t, "ALTER ROLE postgres PASSWORD "+quoteLiteral(c.Password))
	return c
}

// template is a data directory initdb made once per test process; each
// Start copies it, which takes a fraction of initdb's second or two.
var template struct {
	mu  sync.Mutex
	dir string
	// remover's stdin stays open as long as this process lives; when it
	// closes, the remover deletes the template.
	remover io.WriteCloser
}

// templateDir returns the template data directory, made on first use.
func templateDir(uid, gid int) (string, error) {
	template.mu.Lock()
	defer template.mu.Unlock()
	if template.dir != "" {
		return template.dir, nil
	}
	root, err := mkdirTemp("pgtest-template-")
	if err != nil {
		return "", err
	}
	// No cleanup hook outlives a test, so a process of its own waits for
	// this one to end (its stdin closes) and deletes the template.
	rm := exec.Command("/bin/sh", "-c", `read _ignored; rm -rf -- "$0"`, root)
	rm.Dir = "/"
	rm.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	stdin, err := rm.StdinPipe()
	if err == nil {
		err = rm.Start()
	}
	if err != nil {
		os.RemoveAll(root)
		return "", fmt.Errorf("start the template remover: %w", err)
	}
	data := filepath.Join(root, "data")
	err = os.Mkdir(data, 0o700)
	if err == nil {
		err = os.Chown(data, uid, gid)
	}
	if err != nil {
		stdin.Close()
		return "", err
	}
	out, err := runAs(filepath.Join(BinDir, "initdb"), "-D", data, "-A", "trust", "-U", "postgres",
		"--no-sync", "--no-instructions", "-E", "UTF8", "--locale=C").CombinedOutput()
	if err != nil {
		stdin.Close()
		return "", fmt.Errorf("initdb: %v\n%s", err, out)
	}
	template.dir, template.remover = data, stdin
	return data, nil
}

// mkdirTemp makes a mode-0755 directory for a cluster or the template, in
// the first of $PGTEST_TMPDIR, /dev/shm, os.TempDir() and /tmp that the
// postgres user can reach and root can write: tmpfs first, since on some
// disks copying a data directory's thousand files costs a second.
func mkdirTemp(pattern string) (string, error) {
	var errs []error
	for _, base := range []string{os.Getenv("PGTEST_TMPDIR"), "/dev/shm", os.TempDir(), "/tmp"} {
		if base == "" || !traversable(base) {
			continue
		}
		dir, err := os.MkdirTemp(base, pattern)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if err := os.Chmod(dir, 0o755); err != nil {
			os.RemoveAll(dir)
			return "", err
		}
		return dir, nil
	}
	return "", fmt.Errorf("no temporary directory the postgres user can reach: %w", errors.Join(errs...))
}

// confLines are pgtest's postgresql.conf lines, then the test's own.
func (c *Cluster) confLines(o Options) string {
	var b strings.Builder
	b.WriteString("\n# pgtest\n")
	fmt.Fprintf(&b, "listen_addresses = '127.0.0.1'\nport = %d\nunix_socket_directories = '%s'\n", c.Port, c.SocketDir)
	if o.SSL {
		b.WriteString("ssl = on\nssl_cert_file = 'server.crt'\nssl_key_file = 'server.key'\n")
	} else {
		b.WriteString("ssl = off\n")
	}
	b.WriteString("fsync = off\nsynchronous_commit = off\nfull_page_writes = off\nshared_buffers = 16MB\nmax_connections = 20\n")
	for _, l := range o.Conf {
		b.WriteString(l)
		b.WriteByte('\n')
	}
	return b.String()
}

// SQL runs sql as postgres over the Unix socket with psql, fails the test
// on an error, and returns psql's unaligned, tuples-only output, trimmed.
func (c *Cluster) SQL(t testing.TB, sql string) string {
	t.Helper()
	cmd := c.asPostgres("psql", "-h", c.SocketDir, "-p", strconv.Itoa(c.Port), "-U", "postgres", "-d", "postgres",
		"-X", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-c", sql)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("psql -c %q: %v\n%s", sql, err, stderr.String())
	}
	return strings.TrimSpace(string(out))
}

// DSN is a postgres:// URL to the cluster's TCP address and database
// postgres, user and password escaped; params are key=value query
// parameters (sslmode=disable), their values escaped.
func (c *Cluster) DSN(user, password string, params ...string) string {
	u := url.URL{
		Scheme: "postgres",
		User:   url.UserPassword(user, password),
		Host:   c.Addr(),
		Path:   "/postgres",
	}
	if password == "" {
		u.User = url.User(user)
	}
	q := make([]string, 0, len(params))
	for _, p := range params {
		k, v, _ := strings.Cut(p, "=")
		q = append(q, url.QueryEscape(k)+"="+url.QueryEscape(v))
	}
	u.RawQuery = strings.Join(q, "&")
	return u.String()
}

// asPostgres is a command of the server's bin directory run as the
// postgres OS user, with a plain locale and no inherited PG* settings.
func (c *Cluster) asPostgres(bin string, args ...string) *exec.Cmd {
	return runAs(filepath.Join(c.Bin, bin), args...)
}

// runAs is a command run as the postgres OS user, with a plain locale and
// no inherited PG* settings.
func runAs(path string, args ...string) *exec.Cmd {
	cmd := exec.Command("runuser", append([]string{"-u", "postgres", "--", path}, args...)...)
	cmd.Env = []string{"PATH=/usr/bin:/bin", "LC_ALL=C", "HOME=/"}
	cmd.Dir = "/"
	return cmd
}

// stop stops the server by pg_ctl and waits for the postmaster to be gone
// (it removes postmaster.pid a moment before it exits); should either fail,
// it kills the postmaster that postmaster.pid named.
func (c *Cluster) stop(t testing.TB) {
	pid := c.postmasterPID()
	if pid == 0 {
		return
	}
	out, err := c.asPostgres("pg_ctl", "-D", c.DataDir, "-m", "immediate", "-w", "-t", "10", "stop").CombinedOutput()
	if waitGone(pid, 5*time.Second) {
		return
	}
	t.Logf("pgtest: pg_ctl stop: %v\n%s; killing postmaster %d", err, out, pid)
	syscall.Kill(pid, syscall.SIGQUIT) // the immediate shutdown signal
	if !waitGone(pid, 5*time.Second) {
		syscall.Kill(pid, syscall.SIGKILL)
	}
}

// waitGone waits up to d for process pid to be gone.
func waitGone(pid int, d time.Duration) bool {
	for end := time.Now().Add(d); ; time.Sleep(10 * time.Millisecond) {
		if !alive(pid) {
			return true
		}
		if time.Now().After(end) {
			return false
		}
	}
}

// alive tells whether process pid exists and is not a zombie (an exited
// postmaster is re-parented to init, which may be slow to reap it).
func alive(pid int) bool {
	if syscall.Kill(pid, 0) != nil {
		return false
	}
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return !os.IsNotExist(err)
	}
	i := bytes.LastIndexByte(b, ')')
	if i < 0 || i+2 >= len(b) {
		return true
	}
	state := b[i+2]
	return state != 'Z' && state != 'X'
}

// postmasterPID is the pid in postmaster.pid, 0 when there is none.
func (c *Cluster) postmasterPID() int {
	b, err := os.ReadFile(filepath.Join(c.DataDir, "postmaster.pid"))
	if err != nil {
		return 0
	}
	line, _, _ := strings.Cut(string(b), "\n")
	pid, err := strconv.Atoi(strings.TrimSpace(line))
	if err != nil || pid <= 0 {
		return 0
	}
	return pid
}

// startWatchdog starts a root shell in its own process group that waits for
// this test process to go away (its stdin pipe closes), then stops the
// server and removes the cluster's directory root. The test's cleanup stops
// the server itself and kills the watchdog.
func (c *Cluster) startWatchdog(t testing.TB, root string) {
	t.Helper()
	cmd := exec.Command("/bin/sh", "-c",
		`read _ignored; runuser -u postgres -- "$0" -D "$1" -m immediate -w stop; rm -rf -- "$2"`,
		filepath.Join(c.Bin, "pg_ctl"), c.DataDir, root)
	cmd.Env = []string{"PATH=/usr/sbin:/usr/bin:/sbin:/bin", "LC_ALL=C"}
	cmd.Dir = "/"
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout, cmd.Stderr = io.Discard, io.Discard
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start watchdog: %v", err)
	}
	t.Cleanup(func() {
		syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) // the watchdog's own process group only
		stdin.Close()
		cmd.Wait()
	})
}

// traversable tells whether every directory from / to dir lets others
// through (mode o+x), as the postgres user needs to reach the data directory.
func traversable(dir string) bool {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return false
	}
	for {
		st, err := os.Stat(dir)
		if err != nil || st.Mode().Perm()&0o001 == 0 {
			return false
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return true
		}
		dir = parent
	}
}

func postgresIDs(t testing.TB) (int, int) {
	t.Helper()
	u, err := user.Lookup("postgres")
	if err != nil {
		t.Fatal(err)
	}
	uid, err1 := strconv.Atoi(u.Uid)
	gid, err2 := strconv.Atoi(u.Gid)
	if err1 != nil || err2 != nil {
		t.Fatalf("postgres user ids %q %q", u.Uid, u.Gid)
	}
	return uid, gid
}

// writeCert writes server.crt and server.key into dir: a self-signed ECDSA
// P-256 certificate for 127.0.0.1.
func writeCert(t testing.TB, dir string, validFor time.Duration, uid, gid int) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	if validFor == 0 {
		validFor = 365 * 24 * time.Hour
	}
	now := time.Now().Truncate(time.Second)
	notBefore, notAfter := now.Add(-time.Hour), now.Add(validFor)
	if !notAfter.After(notBefore) {
		notBefore = notAfter.Add(-30 * 24 * time.Hour)
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 62))
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: "127.0.0.1", Organization: []string{"pgtest"}},
		NotBefore:             notBefore,
		NotAfter:              notAfter,
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1)},
		KeyUsage:              x509.KeyUsageDigitalSignature,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	writeOwned(t, filepath.Join(dir, "server.crt"), string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})), uid, gid)
	writeOwned(t, filepath.Join(dir, "server.key"), string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER})), uid, gid)
}

// writeOwned writes a mode-0600 file owned by uid:gid.
func writeOwned(t testing.TB, path, content string, uid, gid int) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chown(path, uid, gid); err != nil {
		t.Fatal(err)
	}
}

func randomPassword(t testing.TB) string {
	t.Helper()
	b := make([]byte, 12)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return "pw-" + hex.EncodeToString(b)
}

// quoteLiteral quotes s as an SQL string literal.
func quoteLiteral(s string) string {
	if strings.Contains(s, `\`) {
		return "E'" + strings.ReplaceAll(strings.ReplaceAll(s, `\`, `\\`), "'", "''") + "'"
	}
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}

// freePort returns a port on 127.0.0.1 that was free a moment ago.
func freePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}
