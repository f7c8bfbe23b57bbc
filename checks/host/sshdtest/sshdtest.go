// Package sshdtest starts a real OpenSSH server on 127.0.0.1 for tests,
// with its own configuration, host keys, client key and known_hosts in a
// temporary directory. It needs /usr/sbin/sshd and root (sshd's privilege
// separation); without them a test is skipped loudly, and fails under CI.
package sshdtest

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Server is a running sshd.
type Server struct {
	Dir  string
	Host string // 127.0.0.1
	Port string
	// ClientKey is an Ed25519 private key whose public half is authorized.
	ClientKey string
	// KnownHosts holds the server's host keys for [127.0.0.1]:PORT.
	KnownHosts string
	// Config is the sshd_config path.
	Config string
}

// Addr is HOST:PORT.
func (s *Server) Addr() string { return net.JoinHostPort(s.Host, s.Port) }

// Options shape the server.
type Options struct {
	// HostKeyTypes are ssh-keygen -t values (default ed25519).
	HostKeyTypes []string
	// Extra is appended to sshd_config (the options under test).
	Extra string
	// UserKeyTypes are more keys (ssh-keygen -t values) put in
	// authorized_keys beside the client's Ed25519 key.
	UserKeyTypes []string
	// Wrap prefixes the sshd command line, e.g. nsenter into a network
	// namespace a test made; the server is then known to listen from its
	// log, since the test cannot dial into the namespace.
	Wrap []string
}

// Require fails the test when sshd cannot be run here, or skips it with a
// loud message outside CI.
func Require(t testing.TB) string {
	t.Helper()
	sshd, err := exec.LookPath("sshd")
	if err != nil {
		if _, err2 := os.Stat("/usr/sbin/sshd"); err2 == nil {
			sshd, err = "/usr/sbin/sshd", nil
		}
	}
	var why string
	switch {
	case err != nil:
		why = "sshd is not installed (apt-get install openssh-server)"
	case os.Geteuid() != 0:
		why = "sshd needs root for privilege separation"
	}
	if why != "" {
		if os.Getenv("CI") == "true" {
			t.Fatalf("integration test cannot run: %s", why)
		}
		t.Skipf("SKIPPING INTEGRATION TEST: %s", why)
	}
	return sshd
}

// Start runs an sshd and stops it when the test ends.
func Start(t testing.TB, o Options) *Server {
	t.Helper()
	sshd := Require(t)
	if err := os.MkdirAll("/run/sshd", 0o755); err != nil {
		t.Fatalf("privilege separation directory: %v", err)
	}
	dir := t.TempDir()
	s := &Server{Dir: dir, Host: "127.0.0.1", Port: freePort(t)}
	if len(o.HostKeyTypes) == 0 {
		o.HostKeyTypes = []string{"ed25519"}
	}
	var cfg strings.Builder
	fmt.Fprintf(&cfg, "Port %s\nListenAddress %s\nPidFile %s/sshd.pid\nAuthorizedKeysFile %s/authorized_keys\nStrictModes no\nUsePAM no\n",
		s.Port, s.Host, dir, dir)
	var known strings.Builder
	for _, typ := range o.HostKeyTypes {
		key := filepath.Join(dir, "hk_"+typ)
		keygen(t, typ, key)
		fmt.Fprintf(&cfg, "HostKey %s\n", key)
		pub, err := os.ReadFile(key + ".pub")
		if err != nil {
			t.Fatal(err)
		}
		fields := strings.Fields(string(pub))
		fmt.Fprintf(&known, "[%s]:%s %s %s\n", s.Host, s.Port, fields[0], fields[1])
	}
	s.ClientKey = filepath.Join(dir, "client_ed25519")
	keygen(t, "ed25519", s.ClientKey)
	pub, err := os.ReadFile(s.ClientKey + ".pub")
	if err != nil {
		t.Fatal(err)
	}
	authorized := string(pub)
	for i, typ := range o.UserKeyTypes {
		extra := filepath.Join(dir, fmt.Sprintf("user%d_%s", i, typ))
		keygen(t, typ, extra)
		b, err := os.ReadFile(extra + ".pub")
		if err != nil {
			t.Fatal(err)
		}
		authorized += string(b)
	}
	write(t, filepath.Join(dir, "authorized_keys"), authorized)
	s.KnownHosts = filepath.Join(dir, "known_hosts")
	write(t, s.KnownHosts, known.String())
	cfg.WriteString(o.Extra)
	s.Config = filepath.Join(dir, "sshd_config")
	write(t, s.Config, cfg.String())
	if out, err := exec.Command(sshd, "-t", "-f", s.Config).CombinedOutput(); err != nil {
		t.Fatalf("sshd -t: %v\n%s", err, out)
	}
	logFile, err := os.Create(filepath.Join(dir, "sshd.log"))
	if err != nil {
		t.Fatal(err)
	}
	argv := append(slices.Clone(o.Wrap), sshd, "-D", "-e", "-f", s.Config)
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true} // its connection children too
	if err := cmd.Start(); err != nil {
		t.Fatalf("start sshd: %v", err)
	}
	t.Cleanup(func() {
		syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) // this test's own sshd and its children, by process group
		cmd.Wait()
		logFile.Close()
	})
	deadline := time.Now().Add(5 * time.Second)
	for {
		if len(o.Wrap) > 0 {
			if log, _ := os.ReadFile(logFile.Name()); strings.Contains(string(log), "Server listening on") {
				return s
			}
		} else if c, err := net.DialTimeout("tcp", s.Addr(), 200*time.Millisecond); err == nil {
			c.Close()
			return s
		}
		if time.Now().After(deadline) {
			log, _ := os.ReadFile(logFile.Name())
			t.Fatalf("sshd did not listen on %s:\n%s", s.Addr(), log)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func keygen(t testing.TB, typ, file string) {
	t.Helper()
	args := []string{"-q", "-t", typ, "-N", "", "-C", "sshdtest", "-f", file}
	if typ == "rsa" {
		args = append(args, "-b", "2048")
	}
	if out, err := exec.Command("ssh-keygen", args...).CombinedOutput(); err != nil {
		t.Fatalf("ssh-keygen -t %s: %v\n%s", typ, err, out)
	}
}

func write(t testing.TB, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

// freePort returns a port on 127.0.0.1 that was free a moment ago.
func freePort(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	_, port, _ := net.SplitHostPort(l.Addr().String())
	return port
}
