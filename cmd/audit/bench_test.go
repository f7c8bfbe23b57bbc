package main

import (
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"audit/checks/gitrepo/gittest"
)

// BenchmarkPreCommit times the pre-commit path end to end, as a hook runs
// it: `audit --staged` against `gitleaks git --pre-commit --staged` (built
// from the same gitleaks module audit embeds), on a repository of 500
// files and 100 commits with a small staged change holding one secret.
// Both must find it (exit 1).
func BenchmarkPreCommit(b *testing.B) {
	bin := b.TempDir()
	for name, pkg := range map[string]string{"audit": ".", "gitleaks": "github.com/zricethezav/gitleaks/v8"} {
		if out, err := exec.Command("go", "build", "-o", filepath.Join(bin, name), pkg).CombinedOutput(); err != nil {
			b.Fatalf("build %s: %v\n%s", name, err, out)
		}
	}
	r := gittest.New(b)
	body := strings.Repeat("func handler(req *Request) { token := req.Header(\"X-Api-Key\"); _ = token }\n", 40)
	for c := range 100 {
		files := map[string]string{}
		for i := range 5 {
			files[fmt.Sprintf("pkg%02d/file%04d.go", i, c*5+i)] = fmt.Sprintf("package pkg\n// rev %d\n%s", c, body)
		}
		r.Commit(fmt.Sprintf("commit %d", c), files)
	}
	r.Stage(map[string]string{"pkg00/new.go": "package pkg\nconst key = \"" + gittest.StripeKey() + "\"\n"})

	for _, tc := range []struct {
		name string
		args []string
	}{
		{"audit", []string{"--staged", "--format", "json", "-o", "/dev/null"}},
		{"gitleaks", []string{"git", "--pre-commit", "--staged", "--redact", "--no-banner", "--log-level", "error"}},
	} {
		b.Run(tc.name, func(b *testing.B) {
			for b.Loop() {
				cmd := exec.Command(filepath.Join(bin, tc.name), tc.args...)
				cmd.Dir = r.Dir
				err := cmd.Run()
				if exit, ok := err.(*exec.ExitError); !ok || exit.ExitCode() != 1 {
					b.Fatalf("%s: %v, want exit 1 (a finding)", tc.name, err)
				}
			}
		})
	}
}
