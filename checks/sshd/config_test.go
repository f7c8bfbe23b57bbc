package sshd

import (
	"errors"
	"io/fs"
	"path"
	"strings"
	"testing"
)

// memFS is a host's files in memory, for parser tests.
type memFS map[string]string

func (m memFS) ReadFile(name string) ([]byte, error) {
	if s, ok := m[name]; ok {
		return []byte(s), nil
	}
	return nil, fs.ErrNotExist
}

func (m memFS) Glob(pattern string) ([]string, error) {
	var out []string
	for name := range m {
		if ok, err := path.Match(pattern, name); err != nil {
			return nil, err
		} else if ok {
			out = append(out, name)
		}
	}
	return out, nil
}

func TestParseConfig(t *testing.T) {
	files := memFS{
		"/etc/ssh/sshd_config": "# comment\nInclude /etc/ssh/sshd_config.d/*.conf\nPasswordAuthentication no\nPermitRootLogin=no\n" +
			"Match Address 203.0.113.0/24\n  PasswordAuthentication yes\n  Include extra.conf\nMatch User backup\n  PermitRootLogin yes\n",
		"/etc/ssh/sshd_config.d/10-cloud.conf": "PasswordAuthentication yes\n",
		"/etc/ssh/sshd_config.d/20-x.conf":     "LogLevel VERBOSE\n",
		"/etc/ssh/extra.conf":                  "KbdInteractiveAuthentication yes\n",
	}
	c, err := ParseConfig(files, "/etc/ssh/sshd_config")
	if err != nil {
		t.Fatal(err)
	}
	// The drop-in, read first, wins: sshd keeps the first value.
	if s, ok := c.Where("passwordauthentication"); !ok || s.File != "/etc/ssh/sshd_config.d/10-cloud.conf" || s.Line != 1 || s.Value != "yes" {
		t.Errorf("Where(passwordauthentication) = %+v", s)
	}
	if s, ok := c.Where("permitrootlogin"); !ok || s.Value != "no" || s.Line != 4 {
		t.Errorf("Where(permitrootlogin) = %+v", s)
	}
	if len(c.Matches) != 2 || c.Matches[0].Criteria != "Address 203.0.113.0/24" || c.Matches[0].Line != 5 {
		t.Fatalf("matches = %+v", c.Matches)
	}
	if s, ok := c.WhereInMatch("passwordauthentication", 0); !ok || s.Line != 6 {
		t.Errorf("in Match 0: %+v", s)
	}
	if s, ok := c.WhereInMatch("kbdinteractiveauthentication", 0); !ok || s.File != "/etc/ssh/extra.conf" {
		t.Errorf("Include inside Match: %+v", s)
	}
	if _, ok := c.Where("kbdinteractiveauthentication"); ok {
		t.Error("a setting included inside a Match block counted as global")
	}

	for name, bad := range map[string]memFS{
		"missing main":     {},
		"missing include":  {"/etc/ssh/sshd_config": "Include /nope.conf\n"},
		"include loop":     {"/etc/ssh/sshd_config": "Include /etc/ssh/sshd_config\n"},
		"bad include glob": {"/etc/ssh/sshd_config": "Include /etc/ssh/[\n"},
	} {
		_, err := ParseConfig(bad, "/etc/ssh/sshd_config")
		if name == "missing include" {
			// sshd itself ignores an Include that matches nothing.
			if err != nil {
				t.Errorf("%s: %v", name, err)
			}
			continue
		}
		if err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	if _, err := ParseConfig(memFS{}, "/etc/ssh/sshd_config"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing file error = %v", err)
	}
}

func TestCriteria(t *testing.T) {
	for _, tc := range []struct{ in, want, err string }{
		{"Address 203.0.113.0/24", "addr=203.0.113.1,host=audit-probe.invalid,laddr=192.0.2.2,lport=65535,user=audit-probe", ""},
		{"User backup,!root Address 10.*", "addr=10.1.1.1,host=audit-probe.invalid,laddr=192.0.2.2,lport=65535,user=backup", ""},
		{"all", defaultConnection, ""},
		{"Host *.internal LocalPort 2222", "addr=192.0.2.1,host=x.internal,laddr=192.0.2.2,lport=2222,user=audit-probe", ""},
		{"Address 2001:db8::/64", "addr=2001:db8::1,host=audit-probe.invalid,laddr=192.0.2.2,lport=65535,user=audit-probe", ""},
		{"Group admins", "", "not evaluated"},
		{"User !root", "", "only negated"},
		{"User", "", "has no value"},
		{"Address nonsense", "", "not an address"},
	} {
		got, err := Criteria(tc.in)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("Criteria(%q) = %q, %v; want error %q", tc.in, got, err, tc.err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("Criteria(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
}

func FuzzParseConfig(f *testing.F) {
	f.Add("Include *.conf\nMatch User x\nPasswordAuthentication yes\n")
	f.Add("a=b\n\tc\t d\n#x\n=\n")
	f.Fuzz(func(t *testing.T, s string) {
		c, err := ParseConfig(memFS{"/etc/ssh/sshd_config": s, "/etc/ssh/a.conf": s}, "/etc/ssh/sshd_config")
		if err == nil {
			for _, m := range c.Matches {
				Criteria(m.Criteria)
			}
		}
	})
}
