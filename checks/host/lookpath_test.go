package host

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

func TestLookPath(t *testing.T) {
	onPath, admin := t.TempDir(), t.TempDir()
	write := func(dir, name string, mode os.FileMode) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte("#!/bin/sh\n"), mode); err != nil {
			t.Fatal(err)
		}
		return p
	}
	inPath := write(onPath, "both", 0o755)
	write(admin, "both", 0o755)
	adminOnly := write(admin, "adminonly", 0o755)
	write(admin, "notexec", 0o644)
	t.Setenv("PATH", onPath+":/usr/bin:/bin")
	saved := adminDirs
	adminDirs = []string{admin}
	t.Cleanup(func() { adminDirs = saved })

	ctx := context.Background()
	for _, tc := range []struct{ program, want string }{
		{"both", inPath},         // the PATH wins, as the shell would choose
		{"adminonly", adminOnly}, // an sbin a non-root PATH lacks
		{"notexec", ""},          // not a program
		{"absent", ""},           // nowhere
		{"cd", ""},               // a builtin is no program
		{"x; touch /tmp/no", ""}, // a name is never shell code
		{"../" + filepath.Base(admin) + "/adminonly", ""},
	} {
		if got, err := LookPath(ctx, &Local{}, tc.program); got != tc.want || err != nil {
			t.Errorf("LookPath(%q) = %q, %v, want %q", tc.program, got, err, tc.want)
		}
	}
	// A host that cannot be asked is an error, not a missing program.
	ctx, cancel := context.WithCancel(ctx)
	cancel()
	if got, err := LookPath(ctx, &Local{}, "both"); got != "" || err == nil {
		t.Errorf("LookPath on a cancelled context = %q, %v, want an error", got, err)
	}
}
