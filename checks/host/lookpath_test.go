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
		if got := LookPath(ctx, &Local{}, tc.program); got != tc.want {
			t.Errorf("LookPath(%q) = %q, want %q", tc.program, got, tc.want)
		}
	}
}
