// Package host reaches a Linux host to audit it: this machine (Local) or
// one over SSH (Remote), behind one interface. Collectors read a host only
// through it, so every host check runs the same locally and remotely.
package host

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"time"

	"audit/checks"
)

// Host is a host target: commands, files and TCP as seen from the host.
type Host interface {
	checks.Target
	// Run runs argv without a shell and returns its standard output. A
	// command that exits non-zero returns an *ExitError.
	Run(ctx context.Context, argv ...string) ([]byte, error)
	// ReadFile reads a file on the host.
	ReadFile(ctx context.Context, path string) ([]byte, error)
	// Dial opens a TCP connection to addr as the host sees it (over SSH,
	// tunnelled through the one connection).
	Dial(ctx context.Context, addr string) (net.Conn, error)
	// Close ends the connection to the host.
	Close() error
}

// Selection narrows or extends what a host audit reads on a host that runs
// several instances of a service.
type Selection struct {
	// SSHD lists the sshd_config files of the sshd instances to audit
	// (all running instances when empty).
	SSHD []string
	// Postgres lists DSNs of PostgreSQL servers to log in to, as the host
	// reaches them, besides the servers found running on it.
	Postgres []string
}

// SSHDConfigs returns the sshd instances to audit.
func (s Selection) SSHDConfigs() []string { return s.SSHD }

// PostgresDSNs returns the PostgreSQL servers to log in to.
func (s Selection) PostgresDSNs() []string { return s.Postgres }

// ExitError is a command that ran and failed.
type ExitError struct {
	Argv   []string
	Code   int
	Stderr string
}

func (e *ExitError) Error() string {
	msg := strings.TrimSpace(e.Stderr)
	if i := strings.IndexByte(msg, '\n'); i >= 0 {
		msg = msg[:i]
	}
	if msg == "" {
		return fmt.Sprintf("%s: exit status %d", e.Argv[0], e.Code)
	}
	return fmt.Sprintf("%s: exit status %d: %s", e.Argv[0], e.Code, checks.ScrubTokens(msg))
}

// CommandTimeout bounds every command run on a host whose context has no
// deadline of its own: a hung command must not hang the audit.
const CommandTimeout = 60 * time.Second

// withCommandTimeout gives ctx a deadline when it has none.
func withCommandTimeout(ctx context.Context) (context.Context, context.CancelFunc) {
	if _, ok := ctx.Deadline(); ok {
		return ctx, func() {}
	}
	return context.WithTimeout(ctx, CommandTimeout)
}

// ErrSudoRefused is returned when --sudo was asked for and sudo -n refused.
var ErrSudoRefused = errors.New("sudo -n refused: --sudo needs passwordless sudo for every command the audit runs (sh, cat, ufw, iptables-save, sshd …), not a few")

// sudoArgv prefixes argv for a privileged run.
func sudoArgv(argv []string) []string {
	return append([]string{"sudo", "-n", "--"}, argv...)
}

// sudoRefused tells a refused sudo -n from the command's own failure.
func sudoRefused(stderr string) bool {
	return strings.Contains(stderr, "sudo: a password is required") ||
		strings.Contains(stderr, "sudo: a terminal is required") ||
		strings.Contains(stderr, "is not in the sudoers file") ||
		strings.Contains(stderr, "may not run sudo")
}

// shellQuote quotes argv for the remote shell an SSH session runs.
func shellQuote(argv []string) string {
	quoted := make([]string, len(argv))
	for i, a := range argv {
		quoted[i] = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
	}
	return strings.Join(quoted, " ")
}
