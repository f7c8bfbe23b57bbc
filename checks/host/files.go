package host

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"
)

// FileError is a file cat could not read on a host. It matches
// fs.ErrNotExist and fs.ErrPermission as os.ReadFile's errors do, so that
// callers tell a missing file from an unreadable one the same way locally
// and over SSH.
type FileError struct{ *ExitError }

// Unwrap lets errors.Is see the kind of failure cat reported.
func (e FileError) Unwrap() []error {
	errs := []error{e.ExitError}
	switch {
	case strings.Contains(e.Stderr, "No such file or directory"), strings.Contains(e.Stderr, "Not a directory"):
		errs = append(errs, fs.ErrNotExist)
	case strings.Contains(e.Stderr, "Permission denied"):
		errs = append(errs, fs.ErrPermission)
	}
	return errs
}

// catFile turns cat's failure into a FileError.
func catFile(b []byte, err error) ([]byte, error) {
	var exit *ExitError
	if errors.As(err, &exit) {
		return nil, FileError{exit}
	}
	return b, err
}

// FS is how configuration parsers read a host's files: sshd_config and its
// Include, postgresql.conf and its include_dir, pg_hba.conf and its @file.
type FS interface {
	ReadFile(name string) ([]byte, error)
	// Glob expands an absolute pattern to the names of existing files,
	// sorted bytewise.
	Glob(pattern string) ([]string, error)
}

// Files returns an FS that reads h's files under ctx.
func Files(ctx context.Context, h Host) FS { return hostFS{ctx, h} }

type hostFS struct {
	ctx context.Context
	h   Host
}

func (f hostFS) ReadFile(name string) ([]byte, error) { return f.h.ReadFile(f.ctx, name) }

// Glob expands a pattern with the host's shell.
func (f hostFS) Glob(pattern string) ([]string, error) {
	if !path.IsAbs(pattern) || strings.ContainsAny(pattern, "\n\x00") {
		return nil, fmt.Errorf("bad file pattern %q", pattern)
	}
	out, err := f.h.Run(f.ctx, "sh", "-c", `for f in $1; do [ -e "$f" ] && printf '%s\n' "$f"; done; exit 0`, "sh", pattern)
	if err != nil {
		return nil, err
	}
	var files []string
	for _, l := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		if l != "" {
			files = append(files, l)
		}
	}
	sort.Strings(files)
	return files, nil
}
