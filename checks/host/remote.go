package host

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/kevinburke/ssh_config"
	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/agent"
	"golang.org/x/crypto/ssh/knownhosts"

	"audit/checks"
)

// Options say how to reach hosts over SSH, as OpenSSH users expect.
type Options struct {
	// Identities are private key files tried first (-i).
	Identities []string
	// KnownHosts is the known_hosts file (default ~/.ssh/known_hosts).
	KnownHosts string
	// AcceptNewHostKey records the key of a host not yet in KnownHosts
	// instead of refusing it (a changed key is always refused).
	AcceptNewHostKey bool
	// SSHConfig is the ssh_config file (default ~/.ssh/config, if any).
	SSHConfig string
	// DialTimeout bounds connecting and the SSH handshake (default 5s).
	DialTimeout time.Duration
	// Sudo runs commands with sudo -n.
	Sudo bool
	Selection
}

// Remote is a host reached over one SSH connection; commands run as
// parallel sessions on it and TCP is tunnelled through it.
type Remote struct {
	name   string
	client *ssh.Client
	jumps  []*ssh.Client
	sudo   bool
	Selection
}

var _ Host = (*Remote)(nil)

// Name returns the host as the user named it.
func (r *Remote) Name() string { return r.name }

// Kind returns KindHost.
func (r *Remote) Kind() checks.Kind { return checks.KindHost }

// endpoint is where and as whom to connect, after ssh_config.
type endpoint struct {
	alias, user, host, port string
	identities              []string
	proxyJump               string
}

// resolve reads [USER@]HOST[:PORT] and applies ssh_config for the alias.
func resolve(spec string, cfg *ssh_config.Config) (endpoint, error) {
	e := endpoint{}
	rest := spec
	if u, h, ok := strings.Cut(spec, "@"); ok {
		if u == "" {
			return e, fmt.Errorf("host %q: empty user name", spec)
		}
		e.user, rest = u, h
	}
	if strings.HasSuffix(rest, ":") {
		return e, fmt.Errorf("host %q: empty port", spec)
	}
	if h, p, err := net.SplitHostPort(rest); err == nil {
		e.alias, e.port = h, p
	} else {
		e.alias = strings.Trim(rest, "[]")
	}
	if e.alias == "" {
		return e, fmt.Errorf("host %q: no host name", spec)
	}
	get := func(key string) string {
		if cfg == nil {
			return ""
		}
		v, _ := cfg.Get(e.alias, key)
		return v
	}
	e.host = e.alias
	if v := get("HostName"); v != "" {
		e.host = strings.ReplaceAll(v, "%h", e.alias)
	}
	if e.user == "" {
		e.user = get("User")
	}
	if e.user == "" {
		if u, err := user.Current(); err == nil {
			e.user = u.Username
		}
	}
	if e.port == "" {
		e.port = get("Port")
	}
	if e.port == "" {
		e.port = "22"
	}
	if _, err := strconv.ParseUint(e.port, 10, 16); err != nil {
		return e, fmt.Errorf("host %q: bad port %q", spec, e.port)
	}
	if cfg != nil {
		ids, _ := cfg.GetAll(e.alias, "IdentityFile")
		e.identities = ids
	}
	if pj := get("ProxyJump"); pj != "" && !strings.EqualFold(pj, "none") {
		e.proxyJump = pj
	}
	if pc := get("ProxyCommand"); pc != "" && !strings.EqualFold(pc, "none") {
		// Connecting straight to HostName could reach another machine.
		return e, fmt.Errorf("host %q: ssh_config sets ProxyCommand, which audit does not run; use ProxyJump", spec)
	}
	return e, nil
}

// Connect reaches the host named by spec ([USER@]HOST[:PORT] or an
// ssh_config alias), verifying its key against known_hosts.
func Connect(ctx context.Context, spec string, o Options) (*Remote, error) {
	if o.DialTimeout <= 0 {
		o.DialTimeout = 5 * time.Second
	}
	cfg, err := loadSSHConfig(o.SSHConfig)
	if err != nil {
		return nil, err
	}
	if err := checkIdentities(o.Identities); err != nil {
		return nil, err
	}
	known := o.KnownHosts
	if known == "" {
		known = filepath.Join(homeDir(), ".ssh", "known_hosts")
	}
	auth, closeAgent := authMethods(o.Identities)
	defer closeAgent()
	r := &Remote{name: spec, sudo: o.Sudo, Selection: o.Selection}
	var dial func(ctx context.Context, addr string) (net.Conn, error) = func(ctx context.Context, addr string) (net.Conn, error) {
		d := net.Dialer{Timeout: o.DialTimeout}
		return d.DialContext(ctx, "tcp", addr)
	}
	target, err := resolve(spec, cfg)
	if err != nil {
		return nil, err
	}
	// ProxyJump: connect through each jump host in turn.
	var hops []string
	if target.proxyJump != "" {
		hops = strings.Split(target.proxyJump, ",")
	}
	for _, hop := range hops {
		ep, err := resolve(strings.TrimSpace(hop), cfg)
		if err != nil {
			return nil, fmt.Errorf("ProxyJump: %w", err)
		}
		c, err := handshake(ctx, dial, ep, auth, known, o)
		if err != nil {
			r.Close()
			return nil, fmt.Errorf("ProxyJump %s: %w", hop, err)
		}
		r.jumps = append(r.jumps, c)
		dial = func(ctx context.Context, addr string) (net.Conn, error) { return c.DialContext(ctx, "tcp", addr) }
	}
	r.client, err = handshake(ctx, dial, target, auth, known, o)
	if err != nil {
		r.Close()
		return nil, err
	}
	return r, nil
}

func handshake(ctx context.Context, dial func(context.Context, string) (net.Conn, error), ep endpoint, auth []ssh.AuthMethod, known string, o Options) (*ssh.Client, error) {
	addr := net.JoinHostPort(ep.host, ep.port)
	callback, algorithms, err := hostKeyCheck(known, o.AcceptNewHostKey, addr)
	if err != nil {
		return nil, err
	}
	methods := append([]ssh.AuthMethod{}, auth...)
	methods = append(methods, identityAuth(ep.identities)...)
	config := &ssh.ClientConfig{
		User:              ep.user,
		Auth:              methods,
		HostKeyCallback:   callback,
		HostKeyAlgorithms: algorithms,
		Timeout:           o.DialTimeout,
	}
	dctx, cancel := context.WithTimeout(ctx, o.DialTimeout)
	defer cancel()
	conn, err := dial(dctx, addr)
	if err != nil {
		return nil, fmt.Errorf("connect to %s: %w", addr, err)
	}
	conn.SetDeadline(time.Now().Add(o.DialTimeout))
	c, chans, reqs, err := ssh.NewClientConn(conn, addr, config)
	if err != nil {
		conn.Close()
		var keyErr *hostKeyError
		if errors.As(err, &keyErr) {
			return nil, keyErr
		}
		return nil, fmt.Errorf("ssh to %s@%s: %w", ep.user, addr, err)
	}
	conn.SetDeadline(time.Time{})
	return ssh.NewClient(c, chans, reqs), nil
}

// hostKeyError explains an unknown or changed host key and how to trust it.
type hostKeyError struct{ msg string }

func (e *hostKeyError) Error() string { return e.msg }

// hostKeyCheck verifies host keys strictly against the known_hosts file
// (hashed entries and [host]:port included), optionally recording a key
// never seen before. It also returns the key algorithms known for addr, so
// the server is asked for the key type that known_hosts holds.
func hostKeyCheck(file string, acceptNew bool, addr string) (ssh.HostKeyCallback, []string, error) {
	if _, err := os.Stat(file); errors.Is(err, fs.ErrNotExist) {
		if !acceptNew {
			// Refuse at the handshake, so that a dead host still reads as one.
			return func(hostname string, _ net.Addr, key ssh.PublicKey) error {
				return &hostKeyError{msg: fmt.Sprintf("the host key of %s is unknown: %s %s, and the known_hosts file %s does not exist. Check the fingerprint, then trust it with: %s >> %s (or rerun with --accept-new-host-key)",
					hostname, key.Type(), ssh.FingerprintSHA256(key), file, keyscan(hostname), file)}
			}, nil, nil
		}
		if err := os.MkdirAll(filepath.Dir(file), 0o700); err != nil {
			return nil, nil, err
		}
		if err := os.WriteFile(file, nil, 0o600); err != nil {
			return nil, nil, err
		}
	}
	check, err := knownhosts.New(file)
	if err != nil {
		return nil, nil, fmt.Errorf("read known_hosts %s: %w", file, err)
	}
	callback := func(hostname string, remote net.Addr, key ssh.PublicKey) error {
		err := check(hostname, remote, key)
		var keyErr *knownhosts.KeyError
		if !errors.As(err, &keyErr) {
			return err
		}
		fp := ssh.FingerprintSHA256(key)
		if len(keyErr.Want) > 0 {
			return &hostKeyError{msg: fmt.Sprintf("the host key of %s has CHANGED: it offers %s %s, but %s:%d holds another; someone may be intercepting the connection. If the host was reinstalled, remove the old line and add the new key", hostname, key.Type(), fp, keyErr.Want[0].Filename, keyErr.Want[0].Line)}
		}
		if !acceptNew {
			return &hostKeyError{msg: fmt.Sprintf("the host key of %s is unknown: %s %s. Check the fingerprint, then trust it with: %s >> %s (or rerun with --accept-new-host-key)", hostname, key.Type(), fp, keyscan(hostname), file)}
		}
		line := knownhosts.Line([]string{knownhosts.Normalize(hostname)}, key)
		f, err := os.OpenFile(file, os.O_APPEND|os.O_WRONLY, 0o600)
		if err != nil {
			return fmt.Errorf("record the new host key: %w", err)
		}
		defer f.Close()
		_, err = fmt.Fprintln(f, line)
		return err
	}
	return callback, knownAlgorithms(check, addr), nil
}

// knownAlgorithms lists the key algorithms known_hosts holds for addr:
// asking knownhosts about a key it cannot know returns the keys it has.
func knownAlgorithms(check ssh.HostKeyCallback, addr string) []string {
	probe, err := ssh.ParsePublicKey(probeKey)
	if err != nil {
		return nil
	}
	var keyErr *knownhosts.KeyError
	if err := check(addr, &net.TCPAddr{}, probe); !errors.As(err, &keyErr) || len(keyErr.Want) == 0 {
		return nil
	}
	var algos []string
	seen := map[string]bool{}
	for _, k := range keyErr.Want {
		for _, a := range algorithmsFor(k.Key.Type()) {
			if !seen[a] {
				seen[a] = true
				algos = append(algos, a)
			}
		}
	}
	return algos
}

// algorithmsFor maps a key type to the host-key algorithms that use it.
func algorithmsFor(keyType string) []string {
	if keyType == ssh.KeyAlgoRSA {
		return []string{ssh.KeyAlgoRSASHA512, ssh.KeyAlgoRSASHA256, ssh.KeyAlgoRSA}
	}
	return []string{keyType}
}

// probeKey is a fixed Ed25519 public key no host holds (all zero bytes).
var probeKey = func() []byte {
	b, _ := base64.StdEncoding.DecodeString("AAAAC3NzaC1lZDI1NTE5AAAAIAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")
	return b
}()

// authMethods uses ssh-agent (SSH_AUTH_SOCK) and the -i identities. The
// agent is never forwarded.
// checkIdentities makes an unusable -i key an error that names it, rather
// than a bare "unable to authenticate" later.
func checkIdentities(files []string) error {
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return fmt.Errorf("identity %s: %w", f, err)
		}
		if _, err := ssh.ParsePrivateKey(b); err != nil {
			var missing *ssh.PassphraseMissingError
			if errors.As(err, &missing) {
				return fmt.Errorf("identity %s is protected by a passphrase: add it to ssh-agent instead", f)
			}
			return fmt.Errorf("identity %s is not a private key: %w", f, err)
		}
	}
	return nil
}

func authMethods(identities []string) ([]ssh.AuthMethod, func()) {
	var methods []ssh.AuthMethod
	closer := func() {}
	methods = append(methods, identityAuth(identities)...)
	if sock := os.Getenv("SSH_AUTH_SOCK"); sock != "" {
		if conn, err := net.Dial("unix", sock); err == nil {
			methods = append(methods, ssh.PublicKeysCallback(agent.NewClient(conn).Signers))
			closer = func() { conn.Close() }
		}
	}
	if len(identities) == 0 {
		var defaults []string
		for _, name := range []string{"id_ed25519", "id_ecdsa", "id_rsa"} {
			defaults = append(defaults, filepath.Join(homeDir(), ".ssh", name))
		}
		methods = append(methods, identityAuth(defaults)...)
	}
	return methods, closer
}

// identityAuth loads unencrypted private keys; missing or encrypted ones
// are skipped (there is no passphrase prompt: use ssh-agent).
func identityAuth(files []string) []ssh.AuthMethod {
	var signers []ssh.Signer
	for _, f := range files {
		if strings.HasPrefix(f, "~/") {
			f = filepath.Join(homeDir(), f[2:])
		}
		b, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		if s, err := ssh.ParsePrivateKey(b); err == nil {
			signers = append(signers, s)
		}
	}
	if len(signers) == 0 {
		return nil
	}
	return []ssh.AuthMethod{ssh.PublicKeys(signers...)}
}

func loadSSHConfig(file string) (*ssh_config.Config, error) {
	if file == "" {
		file = filepath.Join(homeDir(), ".ssh", "config")
		if _, err := os.Stat(file); err != nil {
			return nil, nil
		}
	}
	f, err := os.Open(file)
	if err != nil {
		return nil, fmt.Errorf("read ssh config: %w", err)
	}
	defer f.Close()
	cfg, err := ssh_config.Decode(f)
	if err != nil {
		return nil, fmt.Errorf("parse ssh config %s: %w", file, err)
	}
	return cfg, nil
}

func homeDir() string {
	if h, err := os.UserHomeDir(); err == nil {
		return h
	}
	return "/"
}

// Run implements Host: one SSH session per command, ended with the context.
func (r *Remote) Run(ctx context.Context, argv ...string) ([]byte, error) {
	if r.sudo {
		argv = sudoArgv(argv)
	}
	ctx, cancel := withCommandTimeout(ctx)
	defer cancel()
	session, err := r.client.NewSession()
	if err != nil {
		return nil, fmt.Errorf("open an SSH session: %w", err)
	}
	defer session.Close()
	var stdout, stderr bytes.Buffer
	session.Stdout, session.Stderr = &stdout, &stderr
	done := make(chan error, 1)
	go func() { done <- session.Run("LC_ALL=C " + shellQuote(argv)) }()
	select {
	case <-ctx.Done():
		session.Signal(ssh.SIGKILL)
		session.Close()
		return nil, fmt.Errorf("%s: %w", argv[0], ctx.Err())
	case err := <-done:
		var exit *ssh.ExitError
		switch {
		case errors.As(err, &exit):
			if r.sudo && sudoRefused(stderr.String()) {
				return nil, ErrSudoRefused
			}
			return stdout.Bytes(), &ExitError{Argv: argv, Code: exit.ExitStatus(), Stderr: stderr.String()}
		case err != nil:
			return nil, fmt.Errorf("%s: %w", argv[0], err)
		}
		return stdout.Bytes(), nil
	}
}

// ReadFile implements Host.
func (r *Remote) ReadFile(ctx context.Context, path string) ([]byte, error) {
	return catFile(r.Run(ctx, "cat", "--", path))
}

// Dial implements Host: a TCP connection from the host, through SSH.
func (r *Remote) Dial(ctx context.Context, addr string) (net.Conn, error) {
	conn, err := r.client.DialContext(ctx, "tcp", addr)
	if err != nil && strings.Contains(err.Error(), "administratively prohibited") {
		return nil, fmt.Errorf("%w (the SSH server refuses to forward TCP: AllowTcpForwarding no, or a PermitOpen that does not list %s)", err, addr)
	}
	return conn, err
}

// Close implements Host.
func (r *Remote) Close() error {
	var err error
	if r.client != nil {
		err = r.client.Close()
	}
	for i := len(r.jumps) - 1; i >= 0; i-- {
		r.jumps[i].Close()
	}
	return err
}

// keyscan is the ssh-keyscan command that fetches hostport's keys.
func keyscan(hostport string) string {
	host, port, err := net.SplitHostPort(hostport)
	if err != nil {
		return "ssh-keyscan " + hostport
	}
	return fmt.Sprintf("ssh-keyscan -p %s %s", port, host)
}
