package sshd

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"audit/checks/host/sshdtest"
)

func TestParseEffective(t *testing.T) {
	out := "port 2222\nhostkey /etc/ssh/ssh_host_ed25519_key\nhostkey /etc/ssh/ssh_host_rsa_key\npasswordauthentication no\n" +
		"kexalgorithms curve25519-sha256,diffie-hellman-group14-sha1\nauthorizedkeysfile .ssh/authorized_keys .ssh/authorized_keys2\n\nbanner none\n"
	e, err := ParseEffective([]byte(out))
	if err != nil {
		t.Fatal(err)
	}
	if e.Get("port") != "2222" || len(e["hostkey"]) != 2 || e.Get("passwordauthentication") != "no" ||
		!slices.Equal(e.List("kexalgorithms"), []string{"curve25519-sha256", "diffie-hellman-group14-sha1"}) ||
		e.Get("authorizedkeysfile") != ".ssh/authorized_keys .ssh/authorized_keys2" || e.Get("missing") != "" || e.List("missing") != nil {
		t.Errorf("parsed = %v", e)
	}
	for name, bad := range map[string]string{
		"empty":            "",
		"blank lines only": "\n\n",
		"an error message": "/etc/ssh/sshd_config line 3: Bad configuration option: Foo\n",
		"upper case":       "Port 22\n",
	} {
		if _, err := ParseEffective([]byte(bad)); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

func FuzzParseEffective(f *testing.F) {
	f.Add([]byte("port 22\nhostkey /a\n"))
	f.Add([]byte("x\n\n\x00 y"))
	f.Fuzz(func(t *testing.T, b []byte) {
		if e, err := ParseEffective(b); err == nil {
			for k := range e {
				e.Get(k)
				e.List(k)
			}
		}
	})
}

// TestParseRealSSHDOutput reads what this machine's sshd -T prints,
// including a Match block evaluated with -C.
func TestParseRealSSHDOutput(t *testing.T) {
	sshd := sshdtest.Require(t)
	s := sshdtest.Start(t, sshdtest.Options{Extra: "PasswordAuthentication no\nMatch Address 203.0.113.0/24\n  PasswordAuthentication yes\n"})
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"-T", "-f", s.Config}, "no"},
		{[]string{"-T", "-f", s.Config, "-C", "addr=203.0.113.5,user=x,host=y"}, "yes"},
	} {
		out, err := exec.Command(sshd, tc.args...).CombinedOutput()
		if err != nil {
			t.Fatalf("sshd %v: %v\n%s", tc.args, err, out)
		}
		e, err := ParseEffective(out)
		if err != nil {
			t.Fatal(err)
		}
		if got := e.Get("passwordauthentication"); got != tc.want {
			t.Errorf("sshd %s: passwordauthentication %q, want %q", strings.Join(tc.args, " "), got, tc.want)
		}
		if !slices.Contains(e["hostkey"], filepath.Join(s.Dir, "hk_ed25519")) {
			t.Errorf("hostkey = %v", e["hostkey"])
		}
	}
}

// osFS reads this machine's files.
type osFS struct{}

func (osFS) ReadFile(name string) ([]byte, error)  { return os.ReadFile(name) }
func (osFS) Glob(pattern string) ([]string, error) { return filepath.Glob(pattern) }

// TestConfigAgreesWithSSHD: a drop-in under an Include that sets a keyword
// before the main file does wins in sshd, and the parser names its line.
func TestConfigAgreesWithSSHD(t *testing.T) {
	sshd := sshdtest.Require(t)
	dropins := t.TempDir()
	if err := os.WriteFile(filepath.Join(dropins, "50-cloud-init.conf"), []byte("# set by the image\nPasswordAuthentication yes\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	s := sshdtest.Start(t, sshdtest.Options{Extra: "Include " + dropins + "/*.conf\nPasswordAuthentication no\n"})
	out, err := exec.Command(sshd, "-T", "-f", s.Config).CombinedOutput()
	if err != nil {
		t.Fatalf("sshd -T: %v\n%s", err, out)
	}
	e, err := ParseEffective(out)
	if err != nil {
		t.Fatal(err)
	}
	c, err := ParseConfig(osFS{}, s.Config)
	if err != nil {
		t.Fatal(err)
	}
	where, ok := c.Where("passwordauthentication")
	if e.Get("passwordauthentication") != "yes" || !ok || where.Value != "yes" || where.File != filepath.Join(dropins, "50-cloud-init.conf") || where.Line != 2 {
		t.Errorf("sshd says %q; parser says %+v", e.Get("passwordauthentication"), where)
	}
}
