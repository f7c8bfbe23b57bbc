package sshd

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"audit/checks/host"
	"audit/checks/host/sshdtest"
)

// TestReadServer: a running sshd is found by its -f argument, and a Match
// block that re-enables passwords is evaluated by sshd itself, with the
// lines that set it.
func TestReadServer(t *testing.T) {
	sshd := sshdtest.Require(t)
	dropins := t.TempDir()
	os.WriteFile(filepath.Join(dropins, "10-x.conf"), []byte("LogLevel VERBOSE\n"), 0o644)
	s := sshdtest.Start(t, sshdtest.Options{Extra: "Include " + dropins + "/*.conf\nPasswordAuthentication no\n" +
		"Match Address 203.0.113.0/24\n  PasswordAuthentication yes\nMatch Group wheel\n  PermitRootLogin yes\n"})
	h := &host.Local{}
	ctx := context.Background()

	configs, err := RunningConfigs(ctx, h)
	if err != nil || !slices.Contains(configs, s.Config) {
		t.Fatalf("RunningConfigs = %v, %v; want %s among them", configs, err, s.Config)
	}
	srv, err := ReadServer(ctx, h, sshd, s.Config)
	if err != nil {
		t.Fatal(err)
	}
	if srv.Effective.Get("passwordauthentication") != "no" || srv.Effective.Get("loglevel") != "VERBOSE" {
		t.Errorf("effective = %v", srv.Effective)
	}
	if loc := srv.Locations["loglevel"]; loc.File != filepath.Join(dropins, "10-x.conf") || loc.Line != 1 {
		t.Errorf("loglevel set at %+v", loc)
	}
	if len(srv.Matches) != 2 {
		t.Fatalf("matches = %+v", srv.Matches)
	}
	m := srv.Matches[0]
	if m.Effective.Get("passwordauthentication") != "yes" || m.Set["passwordauthentication"].Line == 0 || m.Error != "" {
		t.Errorf("Match Address = %+v", m)
	}
	if g := srv.Matches[1]; g.Error == "" || g.Effective != nil {
		t.Errorf("Match Group must be reported as not evaluated, got %+v", g)
	}
}

func TestRunningConfigsWithNoSSHD(t *testing.T) {
	// A host without sshd: ps -C finds nothing.
	fake := &fakeHost{out: "", code: 1}
	configs, err := RunningConfigs(context.Background(), fake)
	if err != nil || len(configs) != 0 {
		t.Errorf("RunningConfigs = %v, %v", configs, err)
	}
	fake = &fakeHost{out: "  7 sshd: /usr/sbin/sshd -D [listener] 0 of 10-100 startups\n 8 sshd: root@pts/0\n9 sshd: root [priv]\n" +
		"10 sshd: unknown [preauth]\n11 sshd: root@notty\n12 sshd: root [net]\n13 /usr/sbin/sshd -f /etc/ssh/other_config\n14 sshd -f /etc/ssh/third\n" +
		"42 /usr/sbin/sshd -D -f sshd_config\n"}
	configs, err = RunningConfigs(context.Background(), fake)
	// A relative -f is relative to the directory the server runs in.
	if err != nil || !slices.Equal(configs, []string{DefaultConfig, "/etc/ssh/other_config", "/etc/ssh/third", "/srv/ssh/sshd_config"}) {
		t.Errorf("RunningConfigs = %v, %v", configs, err)
	}
	// One whose directory cannot be read is an error, not a server skipped.
	fake = &fakeHost{out: "43 /usr/sbin/sshd -f sshd_config\n"}
	if configs, err = RunningConfigs(context.Background(), fake); err == nil {
		t.Errorf("RunningConfigs = %v, want an error for an unreadable working directory", configs)
	}
}
