package secrets

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"audit/checks"
	"audit/checks/gitrepo"
	"audit/checks/gitrepo/gittest"
)

// benchRepo builds a repository of files source files over commits commits,
// with a staged change of one file holding one secret.
func benchRepo(b *testing.B, files, commits int) string {
	b.Helper()
	r := gittest.New(b)
	body := strings.Repeat("func handler(w http.ResponseWriter, req *http.Request) { token := req.Header.Get(\"X-Api-Key\"); _ = token }\n", 40)
	per := max(files/commits, 1)
	for c := range commits {
		batch := map[string]string{}
		for i := range per {
			batch[fmt.Sprintf("pkg%02d/file%04d.go", i%20, c*per+i)] = fmt.Sprintf("package pkg\n// rev %d\n%s", c, body)
		}
		r.Commit(fmt.Sprintf("commit %d", c), batch)
	}
	r.Stage(map[string]string{"pkg00/new.go": "package pkg\nconst key = \"" + gittest.StripeKey() + "\"\n"})
	return r.Dir
}

func benchCollect(b *testing.B, dir string, scope checks.RepoScope, want int) {
	repo, err := gitrepo.Open(context.Background(), dir, scope)
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		f, err := Check{}.Collect(context.Background(), repo)
		if err != nil {
			b.Fatal(err)
		}
		if n := len(f.Data.(Data).Findings); n != want {
			b.Fatalf("findings = %d, want %d", n, want)
		}
	}
}

// BenchmarkStaged is the pre-commit path: a small staged change in a
// repository of 500 files and 100 commits. It must stay well under a second.
func BenchmarkStaged(b *testing.B) {
	benchCollect(b, benchRepo(b, 500, 100), checks.ScopeStaged, 1)
}

// BenchmarkTree scans the 500 tracked files and the staged change.
func BenchmarkTree(b *testing.B) {
	benchCollect(b, benchRepo(b, 500, 100), checks.ScopeTree, 1)
}

// BenchmarkFull adds the history of 100 commits.
func BenchmarkFull(b *testing.B) {
	benchCollect(b, benchRepo(b, 500, 100), checks.ScopeFull, 1)
}
