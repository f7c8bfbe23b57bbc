package postgres

import (
	"context"
	"errors"
	"fmt"
	"path"
	"strconv"
	"strings"

	"audit/checks/host"
)

// Postmaster is a PostgreSQL server process running on the host.
type Postmaster struct {
	PID int
	// Binary is the postgres executable it runs.
	Binary string
	// DataDir is its data directory; ConfigFile its postgresql.conf.
	DataDir, ConfigFile string
	// Port is the port it was started with (-p), 0 when not given.
	Port int
	// Replaced is true when the binary it runs was replaced on disk since
	// it started (upgraded without a restart).
	Replaced bool
	// Options are the settings given on its command line (-c NAME=VALUE,
	// --NAME=VALUE, -h, -l, -p), by lower-case name. They win over every
	// configuration file.
	Options map[string]string
}

// Postmasters lists the PostgreSQL servers running on the host: the
// postgres processes that are not a child of another (their backends and
// workers are).
func Postmasters(ctx context.Context, h host.Host) ([]Postmaster, error) {
	out, err := h.Run(ctx, "ps", "-o", "pid=,ppid=,args=", "-C", "postgres,postmaster")
	var exit *host.ExitError
	if errors.As(err, &exit) && exit.Code == 1 && len(strings.TrimSpace(string(out))) == 0 {
		return nil, nil // ps -C finds no process
	}
	if err != nil {
		return nil, fmt.Errorf("list postgres processes: %w", err)
	}
	type proc struct {
		pid, ppid int
		args      []string
	}
	var procs []proc
	pids := map[int]bool{}
	for _, line := range strings.Split(string(out), "\n") {
		f := strings.Fields(line)
		if len(f) < 3 {
			continue
		}
		pid, err1 := strconv.Atoi(f[0])
		ppid, err2 := strconv.Atoi(f[1])
		if err1 != nil || err2 != nil {
			continue
		}
		procs = append(procs, proc{pid, ppid, f[2:]})
		pids[pid] = true
	}
	var found []Postmaster
	for _, p := range procs {
		if pids[p.ppid] || strings.HasSuffix(p.args[0], ":") || strings.HasPrefix(p.args[0], "[") {
			// A backend or worker ("postgres: 15/main: checkpointer"), or
			// a process that is exiting ("[postgres]").
			continue
		}
		pm := parsePostmasterArgs(p.args)
		pm.PID = p.pid
		if pm.DataDir == "" {
			// The postmaster runs in its data directory.
			if cwd, err := h.Run(ctx, "readlink", fmt.Sprintf("/proc/%d/cwd", p.pid)); err == nil {
				pm.DataDir = strings.TrimSpace(string(cwd))
			}
		}
		if exe, err := h.Run(ctx, "readlink", fmt.Sprintf("/proc/%d/exe", p.pid)); err == nil {
			exe := strings.TrimSpace(string(exe))
			// A binary replaced on disk (a package upgrade without a
			// restart) reads "… (deleted)": the file there now is not
			// what runs.
			if name, deleted := strings.CutSuffix(exe, " (deleted)"); deleted {
				pm.Replaced, exe = true, name
			}
			if !path.IsAbs(pm.Binary) || pm.Replaced {
				pm.Binary = exe
			}
		}
		if pm.ConfigFile == "" && pm.DataDir != "" {
			pm.ConfigFile = path.Join(pm.DataDir, "postgresql.conf")
		}
		found = append(found, pm)
	}
	return found, nil
}

// parsePostmasterArgs reads the options of a postgres command line that
// locate its files: -D, --pgdata, -c config_file=, --config-file=, -p.
func parsePostmasterArgs(args []string) Postmaster {
	pm := Postmaster{Binary: args[0], Options: map[string]string{}}
	for i := 1; i < len(args); i++ {
		a := args[i]
		next := func() string {
			if i+1 < len(args) {
				i++
				return args[i]
			}
			return ""
		}
		switch {
		case a == "-D":
			pm.DataDir = next()
		case strings.HasPrefix(a, "-D"):
			pm.DataDir = a[2:]
		case strings.HasPrefix(a, "--pgdata="):
			pm.DataDir = strings.TrimPrefix(a, "--pgdata=")
		case a == "-p":
			option(&pm, "port="+next())
		case a == "-h":
			option(&pm, "listen_addresses="+next())
		case a == "-k":
			option(&pm, "unix_socket_directories="+next())
		case a == "-l":
			option(&pm, "ssl=on")
		case a == "-c":
			option(&pm, next())
		case strings.HasPrefix(a, "--"):
			option(&pm, strings.TrimPrefix(a, "--"))
		}
	}
	return pm
}

// option applies a NAME=VALUE run-time option (-c NAME=VALUE, --NAME=VALUE).
func option(pm *Postmaster, nv string) {
	name, value, ok := strings.Cut(nv, "=")
	if !ok {
		return
	}
	name = strings.ReplaceAll(strings.ToLower(name), "-", "_")
	pm.Options[name] = value
	switch name {
	case "config_file":
		pm.ConfigFile = value
	case "port":
		pm.Port, _ = strconv.Atoi(value)
	case "data_directory":
		pm.DataDir = value
	}
}

// pidFile is what a running postmaster writes to DATA/postmaster.pid.
type pidFile struct {
	Port      int
	SocketDir string
	// ListenAddr is the first address it listens on ("" for none, "*").
	ListenAddr string
}

// readPIDFile reads DATA/postmaster.pid: line 4 is the port, 5 the first
// socket directory, 6 the first listen address.
func readPIDFile(fsys host.FS, dataDir string) (pidFile, error) {
	b, err := fsys.ReadFile(path.Join(dataDir, "postmaster.pid"))
	if err != nil {
		return pidFile{}, err
	}
	lines := strings.Split(string(b), "\n")
	var p pidFile
	if len(lines) > 3 {
		p.Port, _ = strconv.Atoi(strings.TrimSpace(lines[3]))
	}
	if len(lines) > 4 {
		p.SocketDir = strings.TrimSpace(lines[4])
	}
	if len(lines) > 5 {
		p.ListenAddr = strings.TrimSpace(lines[5])
	}
	return p, nil
}

// versionFromBinary runs postgres --version: "postgres (PostgreSQL) 15.18
// (Debian 15.18-0+deb12u1)".
func versionFromBinary(ctx context.Context, h host.Host, binary string) Version {
	out, err := h.Run(ctx, binary, "--version")
	if err != nil {
		return Version{Error: fmt.Sprintf("%s --version: %v", binary, err)}
	}
	text := strings.TrimSpace(string(out))
	_, rest, ok := strings.Cut(text, "(PostgreSQL) ")
	if !ok {
		return Version{Error: fmt.Sprintf("%s --version printed %q", binary, firstLine(text))}
	}
	v := parseVersion(rest)
	v.From = "binary"
	return v
}

// parseVersion reads "15.18 (Debian …)" or "18beta1".
func parseVersion(text string) Version {
	v := Version{Text: text}
	num := strings.Fields(text)
	if len(num) == 0 {
		v.Error = fmt.Sprintf("unknown version %q", text)
		return v
	}
	majorStr, minorStr, _ := strings.Cut(num[0], ".")
	major, err := strconv.Atoi(majorStr)
	minor, err2 := strconv.Atoi(minorStr)
	if err != nil || err2 != nil || major < 10 {
		v.Error = fmt.Sprintf("unknown version %q (a development or pre-10 release?)", num[0])
		return v
	}
	v.Major, v.Minor, v.Num = major, minor, major*10000+minor
	return v
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	return s
}

// downClusters lists the clusters pg_lsclusters (Debian's
// postgresql-common) knows but that are not running, as "15/main (port
// 5433, /var/lib/postgresql/15/main)". Hosts without it list none.
func downClusters(ctx context.Context, h host.Host) []string {
	out, err := h.Run(ctx, "pg_lsclusters", "--no-header")
	if err != nil {
		return nil
	}
	return parseLsclusters(string(out))
}

// parseLsclusters reads pg_lsclusters' columns: Ver Cluster Port Status
// Owner Data-directory Log-file.
func parseLsclusters(out string) []string {
	var down []string
	for _, line := range strings.Split(out, "\n") {
		f := strings.Fields(line)
		if len(f) < 6 || !strings.HasPrefix(f[3], "down") {
			continue
		}
		down = append(down, fmt.Sprintf("%s/%s (port %s, %s)", f[0], f[1], f[2], f[5]))
	}
	return down
}
