package host

import (
	"context"
	"fmt"
	"path"
	"sort"
	"strings"
)

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
