package sshd

import (
	"context"
	"net"

	"audit/checks"
	"audit/checks/host"
)

// fakeHost answers every command with one output, for parser paths that
// need no real host.
type fakeHost struct {
	out  string
	code int
}

func (f *fakeHost) Name() string      { return "fake" }
func (f *fakeHost) Kind() checks.Kind { return checks.KindHost }
func (f *fakeHost) Run(_ context.Context, argv ...string) ([]byte, error) {
	if argv[0] == "readlink" && argv[1] == "/proc/42/cwd" {
		return []byte("/srv/ssh\n"), nil // the directory sshd 42 runs in
	}
	if argv[0] == "readlink" {
		return nil, &host.ExitError{Argv: argv, Code: 1, Stderr: "readlink: Permission denied"}
	}
	if f.code != 0 {
		return []byte(f.out), &host.ExitError{Argv: []string{"ps"}, Code: f.code}
	}
	return []byte(f.out), nil
}
func (f *fakeHost) ReadFile(context.Context, string) ([]byte, error) { return nil, nil }
func (f *fakeHost) Dial(context.Context, string) (net.Conn, error)   { return nil, net.ErrClosed }
func (f *fakeHost) Close() error                                     { return nil }
