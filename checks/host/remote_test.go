package host

import (
	"bufio"
	"context"
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"audit/checks/host/sshdtest"
)

func connect(t *testing.T, spec string, o Options) *Remote {
	t.Helper()
	r, err := Connect(context.Background(), spec, o)
	if err != nil {
		t.Fatalf("Connect %s: %v", spec, err)
	}
	t.Cleanup(func() { r.Close() })
	return r
}

func TestRemoteRunsCommandsReadsFilesAndTunnels(t *testing.T) {
	s := sshdtest.Start(t, sshdtest.Options{})
	r := connect(t, "root@"+s.Addr(), Options{Identities: []string{s.ClientKey}, KnownHosts: s.KnownHosts})
	ctx := context.Background()

	out, err := r.Run(ctx, "echo", "it's a test")
	if err != nil || strings.TrimSpace(string(out)) != "it's a test" {
		t.Errorf("Run echo = %q, %v", out, err)
	}
	_, err = r.Run(ctx, "sh", "-c", "echo oops >&2; exit 3")
	var exit *ExitError
	if !errors.As(err, &exit) || exit.Code != 3 || !strings.Contains(exit.Error(), "oops") {
		t.Errorf("Run exit 3 = %v", err)
	}
	content, err := r.ReadFile(ctx, s.Config)
	if err != nil || !strings.Contains(string(content), "ListenAddress 127.0.0.1") {
		t.Errorf("ReadFile = %q, %v", content, err)
	}
	// A missing file is fs.ErrNotExist over SSH as locally, and an
	// unreadable one is not.
	if _, err := r.ReadFile(ctx, s.Config+".missing"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("ReadFile of a missing file = %v, want fs.ErrNotExist", err)
	}
	if _, err := r.ReadFile(ctx, s.Dir); err == nil || errors.Is(err, fs.ErrNotExist) {
		t.Errorf("ReadFile of a directory = %v, want an error that is not fs.ErrNotExist", err)
	}
	// Commands run as parallel sessions on the one connection.
	errs := make(chan error, 4)
	for range 4 {
		go func() { _, err := r.Run(ctx, "sleep", "0.2"); errs <- err }()
	}
	for range 4 {
		if err := <-errs; err != nil {
			t.Errorf("parallel Run: %v", err)
		}
	}
	// A command is ended with its context.
	short, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	if _, err := r.Run(short, "sleep", "30"); err == nil || time.Since(start) > 10*time.Second {
		t.Errorf("Run past its deadline: %v after %s", err, time.Since(start))
	}
	// TCP to the host's own services goes through the connection.
	conn, err := r.Dial(ctx, s.Addr())
	if err != nil {
		t.Fatalf("Dial through SSH: %v", err)
	}
	defer conn.Close()
	banner, _ := bufio.NewReader(conn).ReadString('\n')
	if !strings.HasPrefix(banner, "SSH-2.0-") {
		t.Errorf("banner through the tunnel = %q", banner)
	}
}

func TestHostKeyChecking(t *testing.T) {
	s := sshdtest.Start(t, sshdtest.Options{})
	other := sshdtest.Start(t, sshdtest.Options{})
	spec := "root@" + s.Addr()
	ids := []string{s.ClientKey}

	empty := filepath.Join(t.TempDir(), "known_hosts")
	os.WriteFile(empty, nil, 0o600)
	if _, err := Connect(context.Background(), spec, Options{Identities: ids, KnownHosts: empty}); err == nil ||
		!strings.Contains(err.Error(), "is unknown") || !strings.Contains(err.Error(), "SHA256:") || !strings.Contains(err.Error(), "ssh-keyscan") {
		t.Errorf("unknown host key: %v", err)
	}

	missing := filepath.Join(t.TempDir(), "no", "known_hosts")
	if _, err := Connect(context.Background(), spec, Options{Identities: ids, KnownHosts: missing}); err == nil ||
		!strings.Contains(err.Error(), "is unknown") || !strings.Contains(err.Error(), "does not exist") {
		t.Errorf("missing known_hosts: %v", err)
	}

	// Another server's key recorded for this address: the key changed.
	changed := filepath.Join(t.TempDir(), "known_hosts")
	b, _ := os.ReadFile(other.KnownHosts)
	os.WriteFile(changed, []byte(strings.ReplaceAll(string(b), other.Port, s.Port)), 0o600)
	if _, err := Connect(context.Background(), spec, Options{Identities: ids, KnownHosts: changed, AcceptNewHostKey: true}); err == nil ||
		!strings.Contains(err.Error(), "CHANGED") {
		t.Errorf("changed host key, even with AcceptNewHostKey: %v", err)
	}

	// Accepting a new key records it; the next connection needs no opt-in.
	fresh := filepath.Join(t.TempDir(), "sub", "known_hosts")
	connect(t, spec, Options{Identities: ids, KnownHosts: fresh, AcceptNewHostKey: true})
	connect(t, spec, Options{Identities: ids, KnownHosts: fresh})
}

func TestUnreachable(t *testing.T) {
	s := sshdtest.Start(t, sshdtest.Options{})
	start := time.Now()
	_, err := Connect(context.Background(), "root@127.0.0.1:1", Options{Identities: []string{s.ClientKey}, KnownHosts: s.KnownHosts, DialTimeout: time.Second})
	if err == nil || !strings.Contains(err.Error(), "connect to 127.0.0.1:1") || time.Since(start) > 5*time.Second {
		t.Errorf("closed port: %v after %s", err, time.Since(start))
	}
	// A missing -i key is named; a key the server does not know is refused
	// with SSH's own reason.
	missing := filepath.Join(t.TempDir(), "none")
	if _, err := Connect(context.Background(), "root@"+s.Addr(), Options{Identities: []string{missing}, KnownHosts: s.KnownHosts}); err == nil ||
		!strings.Contains(err.Error(), "identity "+missing) {
		t.Errorf("missing identity: %v", err)
	}
	other := sshdtest.Start(t, sshdtest.Options{})
	t.Setenv("SSH_AUTH_SOCK", "")
	t.Setenv("HOME", t.TempDir())
	if _, err := Connect(context.Background(), "root@"+s.Addr(), Options{Identities: []string{other.ClientKey}, KnownHosts: s.KnownHosts}); err == nil ||
		!strings.Contains(err.Error(), "unable to authenticate") {
		t.Errorf("unknown key: %v", err)
	}
}

// TestSSHConfigAliasAndProxyJump: an ssh_config alias gives host name,
// port, user and key; ProxyJump goes through another host.
func TestSSHConfigAliasAndProxyJump(t *testing.T) {
	s := sshdtest.Start(t, sshdtest.Options{})
	cfg := filepath.Join(t.TempDir(), "config")
	os.WriteFile(cfg, []byte(`Host jump
  HostName 127.0.0.1
  Port `+s.Port+`
  User root
  IdentityFile `+s.ClientKey+`

Host db-1
  HostName 127.0.0.1
  Port `+s.Port+`
  User root
  IdentityFile `+s.ClientKey+`

Host db-behind
  HostName 127.0.0.1
  Port `+s.Port+`
  User root
  IdentityFile `+s.ClientKey+`
  ProxyJump jump
`), 0o600)
	for _, alias := range []string{"db-1", "db-behind"} {
		r := connect(t, alias, Options{SSHConfig: cfg, KnownHosts: s.KnownHosts})
		if out, err := r.Run(context.Background(), "id", "-u"); err != nil || strings.TrimSpace(string(out)) != "0" {
			t.Errorf("%s: id -u = %q, %v", alias, out, err)
		}
		if alias == "db-behind" && len(r.jumps) != 1 {
			t.Errorf("db-behind went through %d jump hosts, want 1", len(r.jumps))
		}
	}
}

func TestResolve(t *testing.T) {
	for _, tc := range []struct{ spec, user, host, port string }{
		{"root@db-1:2222", "root", "db-1", "2222"},
		{"db-1", "", "db-1", "22"},
		{"ops@[::1]:2200", "ops", "::1", "2200"},
	} {
		e, err := resolve(tc.spec, nil)
		if err != nil || (tc.user != "" && e.user != tc.user) || e.host != tc.host || e.port != tc.port {
			t.Errorf("resolve(%q) = %+v, %v", tc.spec, e, err)
		}
	}
	for _, bad := range []string{"", "root@", "db:99999", "db:x", "@db", "db:"} {
		if _, err := resolve(bad, nil); err == nil {
			t.Errorf("resolve(%q) accepted", bad)
		}
	}
}

// TestAgentAndHashedKnownHosts: a key held by ssh-agent logs in without
// -i, and a hashed known_hosts entry (ssh-keygen -H) is honoured.
func TestAgentAndHashedKnownHosts(t *testing.T) {
	s := sshdtest.Start(t, sshdtest.Options{})
	sock := filepath.Join(t.TempDir(), "agent.sock")
	agent := exec.Command("ssh-agent", "-D", "-a", sock)
	if err := agent.Start(); err != nil {
		t.Fatalf("ssh-agent: %v", err)
	}
	t.Cleanup(func() { agent.Process.Kill(); agent.Wait() })
	for i := 0; ; i++ {
		if _, err := os.Stat(sock); err == nil {
			break
		}
		if i == 100 {
			t.Fatal("ssh-agent did not start")
		}
		time.Sleep(20 * time.Millisecond)
	}
	add := exec.Command("ssh-add", s.ClientKey)
	add.Env = append(os.Environ(), "SSH_AUTH_SOCK="+sock)
	if out, err := add.CombinedOutput(); err != nil {
		t.Fatalf("ssh-add: %v %s", err, out)
	}
	t.Setenv("SSH_AUTH_SOCK", sock)
	t.Setenv("HOME", t.TempDir()) // no default keys to fall back on

	hashed := filepath.Join(t.TempDir(), "known_hosts")
	b, _ := os.ReadFile(s.KnownHosts)
	os.WriteFile(hashed, b, 0o600)
	if out, err := exec.Command("ssh-keygen", "-H", "-f", hashed).CombinedOutput(); err != nil {
		t.Fatalf("ssh-keygen -H: %v %s", err, out)
	}
	if h, _ := os.ReadFile(hashed); !strings.HasPrefix(string(h), "|1|") {
		t.Fatalf("known_hosts not hashed: %q", h)
	}
	r := connect(t, "root@"+s.Addr(), Options{KnownHosts: hashed})
	if out, err := r.Run(context.Background(), "true"); err != nil {
		t.Errorf("Run through an agent login: %q %v", out, err)
	}
}

// TestForwardingRefused: a server that refuses TCP forwarding is named as
// the cause when a tunnelled service cannot be reached.
func TestForwardingRefused(t *testing.T) {
	s := sshdtest.Start(t, sshdtest.Options{Extra: "AllowTcpForwarding no\n"})
	r := connect(t, "root@"+s.Addr(), Options{Identities: []string{s.ClientKey}, KnownHosts: s.KnownHosts})
	_, err := r.Dial(context.Background(), s.Addr())
	if err == nil || !strings.Contains(err.Error(), "AllowTcpForwarding") {
		t.Errorf("Dial = %v, want the refusal explained", err)
	}
}
