package sshd

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestParseAuthorizedKeys(t *testing.T) {
	dir := t.TempDir()
	pub := map[string]string{}
	for _, typ := range []string{"ed25519", "rsa", "ecdsa"} {
		f := filepath.Join(dir, typ)
		if out, err := exec.Command("ssh-keygen", "-q", "-t", typ, "-N", "", "-C", "user@"+typ, "-f", f).CombinedOutput(); err != nil {
			t.Fatalf("ssh-keygen: %v %s", err, out)
		}
		b, _ := os.ReadFile(f + ".pub")
		pub[typ] = strings.TrimSpace(string(b))
	}
	content := "# keys\n\n" + pub["ed25519"] + "\n" +
		`from="10.0.0.0/8",command="/bin/backup",restrict ` + pub["rsa"] + "\n" +
		`cert-authority,expiry-time="20270131" ` + pub["ecdsa"] + "\n" +
		"garbage line\n" +
		`expiry-time="tomorrow" ` + pub["ed25519"] + "\n"
	keys := ParseAuthorizedKeys("/root/.ssh/authorized_keys", []byte(content))
	if len(keys) != 5 {
		t.Fatalf("keys = %+v", keys)
	}
	if k := keys[0]; k.Type != "ssh-ed25519" || k.Line != 3 || k.Comment != "user@ed25519" || !strings.HasPrefix(k.Fingerprint, "SHA256:") || k.Error != "" {
		t.Errorf("ed25519 = %+v", k)
	}
	if k := keys[1]; k.Type != "ssh-rsa" || len(k.Options) != 3 {
		t.Errorf("rsa = %+v", k)
	}
	if k := keys[2]; !k.CertAuthority || k.Expires == nil || k.Expires.Format("2006-01-02") != "2027-01-31" {
		t.Errorf("ecdsa CA = %+v", k)
	}
	if k := keys[3]; k.Error == "" || k.Line != 6 {
		t.Errorf("garbage = %+v", k)
	}
	if k := keys[4]; k.Error == "" {
		t.Errorf("bad expiry = %+v", k)
	}
	for _, k := range keys {
		if strings.Contains(k.Fingerprint+k.Comment+k.Error, "AAAA") {
			t.Errorf("key material in %+v", k)
		}
	}
}

func FuzzParseAuthorizedKeys(f *testing.F) {
	f.Add([]byte("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA c\n"))
	f.Add([]byte(`expiry-time="2027" x` + "\n"))
	f.Fuzz(func(t *testing.T, b []byte) { ParseAuthorizedKeys("f", b) })
}
