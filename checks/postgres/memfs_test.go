package postgres

import (
	"io/fs"
	"path"
	"sort"
)

// memFS is a host's files in memory, for the parser tests: name to content.
type memFS map[string]string

func (m memFS) ReadFile(name string) ([]byte, error) {
	if s, ok := m[name]; ok {
		return []byte(s), nil
	}
	return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
}

// Glob matches the names with path.Match and sorts them, as host.FS does.
func (m memFS) Glob(pattern string) ([]string, error) {
	var out []string
	for name := range m {
		ok, err := path.Match(pattern, name)
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, name)
		}
	}
	sort.Strings(out)
	return out, nil
}

// countingFS counts the files read.
type countingFS struct {
	memFS
	reads int
}

func (c *countingFS) ReadFile(name string) ([]byte, error) {
	c.reads++
	return c.memFS.ReadFile(name)
}

// deniedFS is a memFS where some files exist but cannot be read.
type deniedFS struct {
	memFS
	denied map[string]bool
}

func (d deniedFS) ReadFile(name string) ([]byte, error) {
	if d.denied[name] {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrPermission}
	}
	return d.memFS.ReadFile(name)
}
