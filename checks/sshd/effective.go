package sshd

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"strings"
)

// Effective is the configuration sshd itself reports (`sshd -T`): lower-case
// keyword to its values, one entry per line it printed (HostKey, Subsystem,
// ListenAddress and AcceptEnv print several lines).
type Effective map[string][]string

// ParseEffective reads the output of `sshd -T`. The server's own parser is
// the truth about defaults, Include and Match; this only splits its lines.
func ParseEffective(out []byte) (Effective, error) {
	e := Effective{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		key, value, _ := strings.Cut(line, " ")
		if !isKeyword(key) {
			return nil, fmt.Errorf("sshd -T line %d is not \"keyword value\": %.60q", n, line)
		}
		e[key] = append(e[key], strings.TrimSpace(value))
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read sshd -T output: %w", err)
	}
	if len(e) == 0 {
		return nil, errors.New("sshd -T printed no configuration")
	}
	return e, nil
}

// Get returns the keyword's first value, "" when sshd printed none.
func (e Effective) Get(key string) string {
	if v := e[key]; len(v) > 0 {
		return v[0]
	}
	return ""
}

// List returns a comma-separated value (an algorithm list) as its items.
func (e Effective) List(key string) []string {
	v := e.Get(key)
	if v == "" {
		return nil
	}
	return strings.Split(v, ",")
}

// isKeyword tells an sshd -T keyword (lower-case letters and digits, as
// "x11forwarding") from anything else sshd might print.
func isKeyword(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if (r < 'a' || r > 'z') && (r < '0' || r > '9') {
			return false
		}
	}
	return true
}
