package sshd

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"net/netip"
	"path"
	"sort"
	"strings"

	"audit/checks/host"
)

// Setting is one keyword line of sshd_config, where it stands.
type Setting struct {
	Keyword string // lower case
	Value   string
	File    string
	Line    int
	// Match is the index in Config.Matches of the block it stands in, or
	// -1 in the global section.
	Match int
}

// MatchBlock is a Match line and where it stands.
type MatchBlock struct {
	Criteria string
	File     string
	Line     int
}

// Config is sshd_config as files, in the order sshd reads them (Include
// expanded in place, globs in lexical order).
type Config struct {
	Settings []Setting
	Matches  []MatchBlock
}

// FS is how the parser reads the host's files.
type FS = host.FS

const maxIncludeDepth = 16

// ParseConfig reads the sshd_config at main and everything it includes.
func ParseConfig(fsys FS, main string) (*Config, error) {
	c := &Config{}
	if err := c.parse(fsys, main, -1, 0); err != nil {
		return nil, err
	}
	return c, nil
}

func (c *Config) parse(fsys FS, file string, match, depth int) error {
	if depth > maxIncludeDepth {
		return fmt.Errorf("%s: Include nested more than %d deep", file, maxIncludeDepth)
	}
	b, err := fsys.ReadFile(file)
	if err != nil {
		return fmt.Errorf("read %s: %w", file, err)
	}
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	for n := 1; sc.Scan(); n++ {
		keyword, value := splitLine(sc.Text())
		switch keyword {
		case "":
			continue
		case "match":
			c.Matches = append(c.Matches, MatchBlock{Criteria: value, File: file, Line: n})
			match = len(c.Matches) - 1 // "Match all" too: its settings override the global ones
		case "include":
			for _, pattern := range strings.Fields(value) {
				if !path.IsAbs(pattern) {
					pattern = path.Join("/etc/ssh", pattern)
				}
				files, err := fsys.Glob(pattern)
				if err != nil {
					return fmt.Errorf("%s:%d: Include %s: %w", file, n, pattern, err)
				}
				sort.Strings(files)
				for _, f := range files {
					if err := c.parse(fsys, f, match, depth+1); err != nil {
						return err
					}
				}
			}
		default:
			c.Settings = append(c.Settings, Setting{Keyword: keyword, Value: value, File: file, Line: n, Match: match})
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("read %s: %w", file, err)
	}
	return nil
}

// splitLine returns a config line's lower-case keyword and its value:
// "Keyword value", "Keyword=value" and "Keyword = value" all read alike.
func splitLine(line string) (string, string) {
	line = strings.TrimSpace(line)
	if line == "" || strings.HasPrefix(line, "#") {
		return "", ""
	}
	i := strings.IndexAny(line, " \t=")
	if i < 0 {
		return strings.ToLower(line), ""
	}
	keyword := strings.ToLower(line[:i])
	value := strings.TrimLeft(line[i:], " \t")
	value = strings.TrimSpace(strings.TrimPrefix(value, "="))
	return keyword, value
}

// Where returns the line that sets keyword for the global section: the
// first one, as sshd keeps the first value it reads.
func (c *Config) Where(keyword string) (Setting, bool) {
	for _, s := range c.Settings {
		if s.Keyword == keyword && s.Match < 0 {
			return s, true
		}
	}
	return Setting{}, false
}

// WhereInMatch returns the line that sets keyword inside Match block m.
func (c *Config) WhereInMatch(keyword string, m int) (Setting, bool) {
	for _, s := range c.Settings {
		if s.Keyword == keyword && s.Match == m {
			return s, true
		}
	}
	return Setting{}, false
}

// defaultConnection is what sshd -T -C is told when no Match block is to be
// entered: documentation addresses (RFC 5737), a user and host no pattern
// is likely to name.
const defaultConnection = "addr=192.0.2.1,host=audit-probe.invalid,laddr=192.0.2.2,lport=65535,user=audit-probe"

// Criteria returns the connection parameters for sshd -T -C that enter a
// Match block ("user=…,host=…,addr=…"), or an error when the block cannot
// be entered that way (a Group criterion needs a real user in the group;
// negations are not turned around).
func Criteria(criteria string) (string, error) {
	params := map[string]string{"user": "audit-probe", "host": "audit-probe.invalid", "addr": "192.0.2.1",
		"laddr": "192.0.2.2", "lport": "65535"}
	fields := strings.Fields(criteria)
	for i := 0; i < len(fields); i++ {
		name := strings.ToLower(fields[i])
		if name == "all" {
			continue
		}
		if i+1 >= len(fields) {
			return "", fmt.Errorf("Match %s: %s has no value", criteria, fields[i])
		}
		i++
		value := firstPositive(fields[i])
		if value == "" {
			return "", fmt.Errorf("Match %s: only negated patterns for %s", criteria, name)
		}
		switch name {
		case "user":
			params["user"] = concrete(value)
		case "host":
			params["host"] = concrete(value)
		case "address":
			addr, err := addressIn(value)
			if err != nil {
				return "", fmt.Errorf("Match %s: %w", criteria, err)
			}
			params["addr"] = addr
		case "localaddress":
			addr, err := addressIn(value)
			if err != nil {
				return "", fmt.Errorf("Match %s: %w", criteria, err)
			}
			params["laddr"] = addr
		case "localport":
			params["lport"] = value
		case "rdomain":
			params["rdomain"] = value
		default:
			return "", fmt.Errorf("Match %s: %s criteria are not evaluated", criteria, fields[i-1])
		}
	}
	keys := make([]string, 0, len(params))
	for k := range params {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + "=" + params[k]
	}
	return strings.Join(parts, ","), nil
}

// firstPositive returns the first pattern of a comma list that is not
// negated ("!").
func firstPositive(list string) string {
	for _, p := range strings.Split(list, ",") {
		if p != "" && !strings.HasPrefix(p, "!") {
			return p
		}
	}
	return ""
}

// concrete turns a wildcard pattern into a name it matches.
func concrete(pattern string) string {
	return strings.NewReplacer("*", "x", "?", "x").Replace(pattern)
}

// addressIn returns an address inside an address pattern or CIDR.
func addressIn(pattern string) (string, error) {
	if p, err := netip.ParsePrefix(pattern); err == nil {
		a := p.Masked().Addr()
		if p.Bits() < a.BitLen() {
			a = a.Next()
		}
		return a.String(), nil
	}
	concreteAddr := strings.NewReplacer("*", "1", "?", "1").Replace(pattern)
	if !strings.Contains(concreteAddr, ":") {
		// "10.*" stands for any 10.x.y.z: fill the octets a wildcard covers.
		for strings.Count(concreteAddr, ".") < 3 && strings.ContainsAny(pattern, "*?") {
			concreteAddr += ".1"
		}
	}
	if a, err := netip.ParseAddr(concreteAddr); err == nil {
		return a.String(), nil
	}
	return "", errors.New("address pattern " + pattern + " is not an address or network")
}
