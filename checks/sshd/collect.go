package sshd

import (
	"context"
	"errors"
	"fmt"
	"path"
	"strings"

	"audit/checks/host"
)

// Server is what one running sshd is configured to do.
type Server struct {
	// Config is the sshd_config it was started with (-f), or the default.
	Config string `json:"config"`
	// Effective is `sshd -T` for a connection no Match block applies to.
	Effective Effective `json:"effective"`
	// Locations give the file and line that set each global keyword.
	Locations map[string]Location `json:"locations"`
	// Matches are the Match blocks, each with sshd's own evaluation.
	Matches []Match `json:"matches"`
	// ConfigError says why the files could not be read for locations.
	ConfigError string `json:"config_error,omitempty"`
}

// Location is where a keyword is set.
type Location struct {
	File string `json:"file"`
	Line int    `json:"line"`
}

// Match is a Match block and the configuration sshd applies inside it.
type Match struct {
	Criteria string `json:"criteria"`
	Location
	// Effective is `sshd -T -C …` with parameters that enter the block.
	Effective Effective `json:"effective,omitempty"`
	// Set lists the keywords the block sets, with their lines.
	Set map[string]Location `json:"set"`
	// Error says why the block could not be evaluated; policies must treat
	// it as unknown, never as harmless.
	Error string `json:"error,omitempty"`
}

// DefaultConfig is sshd's configuration when it was started without -f.
const DefaultConfig = "/etc/ssh/sshd_config"

// RunningConfigs lists the config files of the sshd processes running on
// the host (their -f argument, or the default), without duplicates.
func RunningConfigs(ctx context.Context, h host.Host) ([]string, error) {
	out, err := h.Run(ctx, "ps", "-o", "pid=,args=", "-C", "sshd")
	var exit *host.ExitError
	if errors.As(err, &exit) && exit.Code == 1 && len(strings.TrimSpace(string(out))) == 0 {
		return nil, nil // ps -C finds no process: no sshd running
	}
	if err != nil {
		return nil, fmt.Errorf("list sshd processes: %w", err)
	}
	seen := map[string]bool{}
	var configs []string
	for _, line := range strings.Split(string(out), "\n") {
		pid, cmdline, _ := strings.Cut(strings.TrimSpace(line), " ")
		args := strings.Fields(strings.TrimPrefix(strings.TrimSpace(cmdline), "sshd:"))
		// A listening server shows its command line ("/usr/sbin/sshd -f …",
		// "sshd: /usr/sbin/sshd -D [listener] …"); a per-connection child
		// shows a user ("sshd: root@pts/0", "sshd: root [priv]",
		// "sshd: unknown [preauth]").
		if len(args) == 0 || args[0] != "sshd" && !strings.HasPrefix(args[0], "/") {
			continue
		}
		config := DefaultConfig
		for i, a := range args {
			if a == "-f" && i+1 < len(args) {
				config = args[i+1]
			} else if strings.HasPrefix(a, "-f") && len(a) > 2 {
				config = a[2:]
			}
		}
		if !path.IsAbs(config) {
			// Relative to the directory the server was started in.
			cwd, err := h.Run(ctx, "readlink", "/proc/"+pid+"/cwd")
			if err != nil || strings.TrimSpace(string(cwd)) == "" {
				return nil, fmt.Errorf("sshd (pid %s) was started with -f %s, relative to a directory audit cannot read: %v", pid, config, err)
			}
			config = path.Join(strings.TrimSpace(string(cwd)), config)
		}
		if !seen[config] {
			seen[config] = true
			configs = append(configs, config)
		}
	}
	return configs, nil
}

// ReadServer asks sshd for the effective configuration of config, globally
// and inside every Match block, and finds where each keyword is set.
func ReadServer(ctx context.Context, h host.Host, sshd, config string) (Server, error) {
	s := Server{Config: config, Locations: map[string]Location{}}
	out, err := h.Run(ctx, sshd, "-T", "-f", config)
	if err != nil && strings.Contains(err.Error(), "not in connection test specification") {
		// Match LocalPort/LocalAddress need a full connection: one that
		// enters no Match block, from a documentation address.
		out, err = h.Run(ctx, sshd, "-T", "-f", config, "-C", defaultConnection)
	}
	if err != nil {
		return s, fmt.Errorf("sshd -T -f %s: %w", config, err)
	}
	if s.Effective, err = ParseEffective(out); err != nil {
		return s, err
	}
	files, err := ParseConfig(host.Files(ctx, h), config)
	if err != nil {
		// The effective configuration stands; only locations are missing.
		s.ConfigError = err.Error()
		return s, nil
	}
	for _, st := range files.Settings {
		if _, seen := s.Locations[st.Keyword]; !seen && st.Match < 0 {
			s.Locations[st.Keyword] = Location{File: st.File, Line: st.Line}
		}
	}
	for i, m := range files.Matches {
		mf := Match{Criteria: m.Criteria, Location: Location{File: m.File, Line: m.Line}, Set: map[string]Location{}}
		for _, st := range files.Settings {
			if _, seen := mf.Set[st.Keyword]; st.Match == i && !seen {
				mf.Set[st.Keyword] = Location{File: st.File, Line: st.Line}
			}
		}
		params, err := Criteria(m.Criteria)
		if err == nil {
			var out []byte
			if out, err = h.Run(ctx, sshd, "-T", "-f", config, "-C", params); err == nil {
				mf.Effective, err = ParseEffective(out)
			}
		}
		if err != nil {
			mf.Error = err.Error()
		}
		s.Matches = append(s.Matches, mf)
	}
	return s, nil
}
