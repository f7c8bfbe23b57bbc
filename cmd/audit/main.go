// Command audit checks a git repository (and, later, live hosts) against the
// production security checklist: collectors gather facts, Rego policies
// judge them, reporters print the verdicts.
//
// Exit codes: 0 nothing failed, 1 a checklist item failed, 2 an error (bad
// usage, a path that is not a git working tree, a check that could not run).
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"audit/checks"
	"audit/reporters"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := execute(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// exitError carries an exit code out of a cobra command.
type exitError struct{ code int }

func (e *exitError) Error() string { return fmt.Sprintf("exit %d", e.code) }

// execute runs the CLI with args and returns the process exit code.
func execute(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	root := newRootCommand(stdout, stderr)
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	var exit *exitError
	switch {
	case err == nil:
		return checks.ExitOK
	case errors.As(err, &exit):
		return exit.code
	default:
		// Usage errors: unknown flags, too many arguments, bad values.
		fmt.Fprintf(stderr, "audit: %v (see 'audit --help').\n", err)
		return checks.ExitError
	}
}

func newRootCommand(stdout, stderr io.Writer) *cobra.Command {
	var o options
	root := &cobra.Command{
		Use:   "audit [PATH]",
		Short: "Audit a git repository against the production security checklist",
		Long: `audit checks a git repository and live hosts against the production security
checklist: secrets in the tracked files, the staged change and the whole history
(SEC-01); on hosts (--host over SSH, --local), every sshd (SSH-01..08), every
PostgreSQL server (DB-01..09, SEC-05) and the UFW firewall (NET-01..06).
audit checks lists every item.

Exit codes: 0 nothing failed, 1 a checklist item at or above --fail-on failed,
2 an error (bad usage or config, a path that is not a git working tree, a check
that could not run).`,
		Example: `  audit                                   audit the repository in the current directory
  audit --staged                          only the staged change (pre-commit)
  audit . --since origin/main --report sarif=audit.sarif
  audit ../service --format json -o audit.json
  audit --host db-1 --postgres 'postgres://audit@127.0.0.1:5432/postgres?sslmode=require'
  audit --local --only SSH                the SSH items of this machine`,
		Args:          cobra.MaximumNArgs(1),
		SilenceUsage:  true,
		SilenceErrors: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := o.takeArgs(args); err != nil {
				return err
			}
			if cmd.Flags().Changed("since") && o.since == "" {
				return errors.New(`--since "" is not a revision (want one commit: a branch, a tag or a hash)`)
			}
			o.now = time.Now()
			code := run(cmd.Context(), o, stdout, stderr)
			if code != checks.ExitOK {
				return &exitError{code: code}
			}
			return nil
		},
	}
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.CompletionOptions.DisableDefaultCmd = true
	f := root.Flags()
	f.BoolVar(&o.staged, "staged", false, "only the staged change (the pre-commit path)")
	f.BoolVar(&o.noHistory, "no-history", false, "the working tree and staged change, not the history")
	f.StringVar(&o.since, "since", "", "only the commits after `REV` (exclusive) and the working tree: CI on a branch")
	f.StringVar(&o.format, "format", "table", "output `FORMAT`: "+strings.Join(reporters.Formats(), ", "))
	f.StringVarP(&o.output, "output", "o", "", "write the report to `FILE` instead of standard output")
	f.StringArrayVar(&o.reports, "report", nil, "also write a report as `FORMAT=FILE`, e.g. sarif=audit.sarif (repeatable)")
	f.StringVar(&o.failOn, "fail-on", "low", "lowest `SEVERITY` whose failure makes the exit code 1: critical, high, medium, low")
	f.StringVar(&o.config, "config", "", "configuration `FILE` with waivers and attestations (default: .audit.yaml at the repository root)")
	f.StringSliceVar(&o.only, "only", nil, "audit only these checklist `ITEMS`: IDs or sections, e.g. SSH,DB-01 (see audit checks)")
	f.StringVar(&o.baseline, "baseline", "", "a previous JSON `REPORT`: its findings no longer fail, only new ones do")
	addHostFlags(f, &o)
	root.AddCommand(newVersionCommand(stdout), newChecksCommand(stdout), newFactsCommand(stdout, stderr), newHookCommand(stdout, stderr))
	return root
}

// addHostFlags adds the flags that name hosts and say how to reach them.
func addHostFlags(f *pflag.FlagSet, o *options) {
	f.StringArrayVar(&o.hosts, "host", nil, "audit a host over SSH: `[USER@]HOST[:PORT]` or an ssh_config alias (repeatable)")
	f.BoolVar(&o.local, "local", false, "audit this machine")
	f.StringArrayVarP(&o.ssh.Identities, "identity", "i", nil, "SSH private key `FILE` to try first (repeatable)")
	f.StringVar(&o.ssh.KnownHosts, "known-hosts", "", "known_hosts `FILE` (default ~/.ssh/known_hosts)")
	f.BoolVar(&o.ssh.AcceptNewHostKey, "accept-new-host-key", false, "record the key of a host not yet in known_hosts (a changed key is always refused)")
	f.BoolVar(&o.ssh.Sudo, "sudo", false, "run host commands with sudo -n (a refused sudo is an error, never a pass)")
	f.DurationVar(&o.ssh.DialTimeout, "connect-timeout", 5*time.Second, "how long to wait for a host to connect and authenticate")
	f.StringArrayVar(&o.ssh.Selection.Postgres, "postgres", nil, "log in to the PostgreSQL server at `DSN` (postgres://USER:PASS@127.0.0.1:5432/postgres or key=value), reached through the --host's SSH connection or from this machine with --local (repeatable)")
	f.StringArrayVar(&o.ssh.Selection.SSHD, "sshd-config", nil, "on a host running several sshd, audit only the one started with this sshd_config `FILE` (repeatable)")
}
