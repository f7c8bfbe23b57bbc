package main

import (
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// writeReport writes through write to standard output (path "" or "-") or
// to the file at path. A regular file is replaced atomically: written to a
// temporary file beside it, then renamed over it. Anything else (a device
// such as /dev/null, a pipe, /dev/stdout) is opened and written in place,
// never replaced: gitleaks, run as root with --report-path /dev/null, once
// replaced the system's /dev/null with a regular file.
func writeReport(path string, stdout io.Writer, write func(io.Writer) error) error {
	if path == "" || path == "-" {
		return write(stdout)
	}
	target, special, err := resolveOutput(path)
	if err != nil {
		return err
	}
	if special {
		// O_APPEND: /dev/stdout redirected to a file reopens that file at
		// offset 0; appending keeps what the shell (>>) or earlier writers put there.
		f, err := os.OpenFile(target, os.O_WRONLY|os.O_APPEND, 0)
		if err != nil {
			return fmt.Errorf("write report: %w", err)
		}
		if err := write(f); err != nil {
			f.Close()
			return fmt.Errorf("write %s: %w", path, err)
		}
		return f.Close()
	}
	return writeAtomic(target, write)
}

// resolveOutput follows symlinks to the file that is to be written and
// tells whether it must be written in place.
func resolveOutput(path string) (target string, special bool, err error) {
	info, err := os.Lstat(path)
	switch {
	case err != nil && os.IsNotExist(err):
		return path, false, nil
	case err != nil:
		return "", false, fmt.Errorf("output %s: %w", path, err)
	case info.Mode().IsRegular():
		return path, false, nil
	case info.Mode()&fs.ModeSymlink == 0:
		return path, true, nil // device, pipe or socket
	}
	if underDevOrProc(path) {
		// /dev/stdout -> /proc/self/fd/1 -> the file the shell redirected to:
		// write through the link, never rename over what it resolves to.
		return path, true, nil
	}
	resolved, err := filepath.EvalSymlinks(path)
	if err != nil {
		return "", false, fmt.Errorf("output %s is a symlink that does not resolve: %w", path, err)
	}
	if underDevOrProc(resolved) {
		return path, true, nil // a link to a device: write through it
	}
	return resolveOutput(resolved)
}

// underDevOrProc tells whether path names something in /dev or /proc.
func underDevOrProc(path string) bool {
	abs, err := filepath.Abs(path)
	if err != nil {
		return false
	}
	return strings.HasPrefix(abs, "/dev/") || strings.HasPrefix(abs, "/proc/")
}

func writeAtomic(path string, write func(io.Writer) error) error {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return fmt.Errorf("create %s: %w", path, err)
	}
	defer os.Remove(tmp.Name()) // after a successful rename there is nothing left to remove
	mode := fs.FileMode(0o644)
	if info, err := os.Stat(path); err == nil {
		mode = info.Mode().Perm()
	}
	if err := write(tmp); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Chmod(mode); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
