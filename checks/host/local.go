package host

import (
	"bytes"
	"context"
	"errors"
	"net"
	"os"
	"os/exec"
	"time"

	"audit/checks"
)

// Local is this machine.
type Local struct {
	// Sudo runs commands with sudo -n.
	Sudo bool
	Selection
}

var _ Host = (*Local)(nil)

// Name returns the machine's host name.
func (l *Local) Name() string {
	name, err := os.Hostname()
	if err != nil || name == "" {
		return "localhost"
	}
	return name
}

// Kind returns KindHost.
func (l *Local) Kind() checks.Kind { return checks.KindHost }

// Run implements Host.
func (l *Local) Run(ctx context.Context, argv ...string) ([]byte, error) {
	if l.Sudo {
		argv = sudoArgv(argv)
	}
	ctx, cancel := withCommandTimeout(ctx)
	defer cancel()
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Env = append(os.Environ(), "LC_ALL=C")
	cmd.WaitDelay = 2 * time.Second
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		if l.Sudo && sudoRefused(stderr.String()) {
			return nil, ErrSudoRefused
		}
		return out, &ExitError{Argv: argv, Code: exit.ExitCode(), Stderr: stderr.String()}
	case err != nil:
		return nil, err
	}
	return out, nil
}

// ReadFile implements Host.
func (l *Local) ReadFile(ctx context.Context, path string) ([]byte, error) {
	if l.Sudo {
		return catFile(l.Run(ctx, "cat", "--", path))
	}
	return os.ReadFile(path)
}

// Dial implements Host.
func (l *Local) Dial(ctx context.Context, addr string) (net.Conn, error) {
	var d net.Dialer
	return d.DialContext(ctx, "tcp", addr)
}

// Close implements Host.
func (l *Local) Close() error { return nil }
