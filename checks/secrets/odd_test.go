package secrets

import (
	"bytes"
	"compress/gzip"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
	"unicode/utf16"

	"audit/checks"
	"audit/checks/gitrepo"
	"audit/checks/gitrepo/gittest"
)

// TestOddRepositories: each odd repository gives a result or a clear error,
// never a panic, a hang or a lost finding.
func TestOddRepositories(t *testing.T) {
	pat := gittest.GitHubPAT()
	outside := t.TempDir()
	if err := os.WriteFile(filepath.Join(outside, "secret.env"), []byte("TOKEN="+gittest.GitHubPAT()+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}

	for _, tc := range []struct {
		name string
		// setup builds the repository and returns the directory to audit.
		setup func(t *testing.T) string
		scope checks.RepoScope
		// want lists "source path:line" of the findings expected.
		want []string
		// warn is a substring of a warning expected, if any.
		warn string
	}{
		{
			name: "binary file with a token inside is skipped, text beside it is scanned",
			setup: func(t *testing.T) string {
				r := gittest.New(t)
				png := "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + pat + strings.Repeat("\x00", 64)
				r.Commit("bin", map[string]string{"logo.png": png, "a.env": "T=" + pat + "\n"})
				return r.Dir
			},
			want: []string{"history a.env:1", "tree a.env:1"},
		},
		{
			name: "5 MB single-line file with the token at its end",
			setup: func(t *testing.T) string {
				r := gittest.New(t)
				r.Commit("big", map[string]string{"bundle.min.js": strings.Repeat("a=1;", 5<<20/4) + "t=\"" + pat + "\";"})
				return r.Dir
			},
			want: []string{"history bundle.min.js:1", "tree bundle.min.js:1"},
		},
		{
			name: "CRLF line endings keep line numbers",
			setup: func(t *testing.T) string {
				r := gittest.New(t)
				r.Commit("crlf", map[string]string{"win.ini": "[a]\r\nx=1\r\nTOKEN=" + pat + "\r\n"})
				return r.Dir
			},
			want: []string{"history win.ini:3", "tree win.ini:3"},
		},
		{
			name: "non-UTF-8 bytes around the token",
			setup: func(t *testing.T) string {
				r := gittest.New(t)
				r.Commit("latin1", map[string]string{"l1.txt": "caf\xe9 \xff\xfe\n\x80token=" + pat + "\xe9\n"})
				return r.Dir
			},
			want: []string{"history l1.txt:2", "tree l1.txt:2"},
		},
		{
			name: "symlinks pointing outside the repository are not followed",
			setup: func(t *testing.T) string {
				r := gittest.New(t)
				for name, target := range map[string]string{
					"link.env":  filepath.Join(outside, "secret.env"),
					"outdir":    outside,
					"dangling":  "/nonexistent/x",
					"devrandom": "/dev/urandom",
				} {
					if err := os.Symlink(target, filepath.Join(r.Dir, name)); err != nil {
						t.Fatal(err)
					}
				}
				r.Commit("links", map[string]string{"ok.txt": "fine\n"})
				return r.Dir
			},
		},
		{
			name: "a text file named like an archive is scanned as text, a corrupt archive is named",
			setup: func(t *testing.T) string {
				r := gittest.New(t)
				r.Commit("zip", map[string]string{"notes.zip": "TOKEN=" + pat + "\n", "corrupt.tar.gz": "\x1f\x8b\x08\x00\x00\x00not really gzip"})
				return r.Dir
			},
			want: []string{"history notes.zip:1", "tree notes.zip:1"},
			warn: "could not open corrupt.tar.gz as an archive",
		},
		{
			name: "text files that start like a binary format are still read",
			setup: func(t *testing.T) string {
				r := gittest.New(t)
				r.Commit("magic", map[string]string{
					"mz.txt":  "MZ is the office code\ntoken=" + pat + "\n",
					"pdf.txt": "%PDF-1.4 is the version\ntoken=" + pat + "\n",
					"pk.txt":  "PK\x03\x04 looks like a zip\ntoken=" + pat + "\n",
				})
				return r.Dir
			},
			scope: checks.ScopeTree,
			want:  []string{"tree mz.txt:2", "tree pdf.txt:2", "tree pk.txt:2"},
		},
		{
			name: "UTF-16 text with a byte-order mark",
			setup: func(t *testing.T) string {
				r := gittest.New(t)
				r.Commit("utf16", map[string]string{"win.reg": utf16LE("Windows Registry\r\nTOKEN=" + pat + "\r\n")})
				return r.Dir
			},
			want: []string{"tree win.reg:2"},
		},
		{
			name: "a tracked directory replaced by a symlink leading outside",
			setup: func(t *testing.T) string {
				r := gittest.New(t)
				r.Commit("dir", map[string]string{"conf/app.txt": "x\n"})
				if err := os.RemoveAll(filepath.Join(r.Dir, "conf")); err != nil {
					t.Fatal(err)
				}
				if err := os.Symlink(outside, filepath.Join(r.Dir, "conf")); err != nil {
					t.Fatal(err)
				}
				return r.Dir
			},
		},
		{
			name: "a submodule is named in a warning",
			setup: func(t *testing.T) string {
				sub := gittest.New(t)
				sub.Commit("sub", map[string]string{"s.txt": "s\n"})
				r := gittest.New(t)
				r.Git("-c", "protocol.file.allow=always", "submodule", "--quiet", "add", sub.Dir, "vendor/sub")
				r.Commit("add submodule", nil)
				return r.Dir
			},
			warn: "submodules are not scanned, audit each on its own: vendor/sub",
		},
		{
			name: "no-history reads committed files the working tree replaced by other kinds of file",
			setup: func(t *testing.T) string {
				r := gittest.New(t)
				r.Commit("c", map[string]string{"link.env": "T=" + pat + "\n", "fifo.env": "T=" + pat + "\n", "dir.env": "T=" + pat + "\n", "sub/in.env": "T=" + pat + "\n"})
				for _, p := range []string{"link.env", "fifo.env", "dir.env", "sub"} {
					if err := os.RemoveAll(filepath.Join(r.Dir, p)); err != nil {
						t.Fatal(err)
					}
				}
				must := func(err error) {
					if err != nil {
						t.Fatal(err)
					}
				}
				must(os.Symlink("/dev/null", filepath.Join(r.Dir, "link.env")))
				must(syscall.Mkfifo(filepath.Join(r.Dir, "fifo.env"), 0o644))
				must(os.Mkdir(filepath.Join(r.Dir, "dir.env"), 0o755))
				must(os.Symlink(outside, filepath.Join(r.Dir, "sub")))
				return r.Dir
			},
			scope: checks.ScopeTree,
			want:  []string{"tree dir.env:1", "tree fifo.env:1", "tree link.env:1", "tree sub/in.env:1"},
		},
		{
			name: "a backslash is part of a file name, not a separator",
			setup: func(t *testing.T) string {
				r := gittest.New(t)
				r.Commit("c", map[string]string{`back\slash.env`: "T=" + pat + "\n"})
				return r.Dir
			},
			scope: checks.ScopeTree,
			want:  []string{`tree back\slash.env:1`},
		},
		{
			name: "no-history reads a committed file deleted only in the working tree",
			setup: func(t *testing.T) string {
				r := gittest.New(t)
				r.Commit("c", map[string]string{"a.env": "T=" + pat + "\n"})
				if err := os.Remove(filepath.Join(r.Dir, "a.env")); err != nil {
					t.Fatal(err)
				}
				return r.Dir
			},
			scope: checks.ScopeTree,
			want:  []string{"tree a.env:1"},
		},
		{
			name: "empty repository with no commits",
			setup: func(t *testing.T) string {
				return gittest.New(t).Dir
			},
		},
		{
			name: "empty repository with a staged secret",
			setup: func(t *testing.T) string {
				r := gittest.New(t)
				r.Stage(map[string]string{"first.env": "T=" + pat + "\n"})
				return r.Dir
			},
			want: []string{"staged first.env:1"},
		},
		{
			name: "empty repository, staged scope",
			setup: func(t *testing.T) string {
				r := gittest.New(t)
				r.Stage(map[string]string{"first.env": "T=" + pat + "\n"})
				return r.Dir
			},
			scope: checks.ScopeStaged,
			want:  []string{"staged first.env:1"},
		},
		{
			name: "shallow clone scans what it has and says so",
			setup: func(t *testing.T) string {
				r := gittest.New(t)
				r.Commit("old secret", map[string]string{"old.env": "T=" + pat + "\n"})
				r.Git("rm", "--quiet", "old.env")
				r.Commit("rm", nil)
				r.Commit("new", map[string]string{"new.env": "N=" + gittest.GitHubPAT() + "\n"})
				clone := filepath.Join(t.TempDir(), "shallow")
				gittest.Run(t, "/", "clone", "--quiet", "--depth=1", "file://"+r.Dir, clone)
				return clone
			},
			want: []string{"shallow-boundary new.env:1"},
			warn: "shallow clone",
		},
		{
			name: "a shallow clone does not blame its oldest commit for what came before",
			setup: func(t *testing.T) string {
				r := gittest.New(t)
				r.Commit("old secret", map[string]string{"old.env": "T=" + pat + "\n"})
				r.Commit("unrelated", map[string]string{"other.txt": "o\n"})
				clone := filepath.Join(t.TempDir(), "shallow")
				gittest.Run(t, "/", "clone", "--quiet", "--depth=1", "file://"+r.Dir, clone)
				return clone
			},
			want: []string{"shallow-boundary old.env:1"},
			warn: "shallow clone",
		},
		{
			name: "detached HEAD scans what HEAD reaches",
			setup: func(t *testing.T) string {
				r := gittest.New(t)
				first := r.Commit("one", map[string]string{"a.env": "T=" + pat + "\n"})
				r.Commit("two", map[string]string{"b.env": "T=" + gittest.GitHubPAT() + "\n"})
				r.Git("checkout", "--quiet", "--detach", first)
				return r.Dir
			},
			want: []string{"history a.env:1", "tree a.env:1"},
		},
		{
			name: "a subdirectory audits the whole working tree",
			setup: func(t *testing.T) string {
				r := gittest.New(t)
				r.Commit("one", map[string]string{"a.env": "T=" + pat + "\n", "sub/x.txt": "x\n"})
				return filepath.Join(r.Dir, "sub")
			},
			want: []string{"history a.env:1", "tree a.env:1"},
		},
		{
			name: "file names with spaces, quotes and non-ASCII",
			setup: func(t *testing.T) string {
				r := gittest.New(t)
				r.Commit("names", map[string]string{"dir with space/naïve \"q\".env": "T=" + pat + "\n"})
				return r.Dir
			},
			want: []string{"history dir with space/naïve \"q\".env:1", "tree dir with space/naïve \"q\".env:1"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := tc.setup(t)
			scope := tc.scope
			if scope == "" {
				scope = checks.ScopeFull
			}
			data, facts := collect(t, dir, scope)
			var got []string
			for _, l := range data.Findings {
				got = append(got, l.Source+" "+l.Path+":"+strconv.Itoa(l.Line))
			}
			if strings.Join(got, "|") != strings.Join(tc.want, "|") {
				t.Errorf("findings = %q, want %q", got, tc.want)
			}
			warnings := strings.Join(facts.Warnings, "\n")
			if tc.warn == "" && warnings != "" || !strings.Contains(warnings, tc.warn) {
				t.Errorf("warnings = %q, want %q", warnings, tc.warn)
			}
			assertNoSecret(t, facts, pat)
		})
	}
}

// utf16LE encodes s as UTF-16 little-endian with a byte-order mark.
func utf16LE(s string) string {
	b := []byte{0xFF, 0xFE}
	for _, u := range utf16.Encode([]rune(s)) {
		b = append(b, byte(u), byte(u>>8))
	}
	return string(b)
}

// TestArchiveBomb: an archive that inflates without end costs a bounded
// time and a warning, not a hung scan.
func TestArchiveBomb(t *testing.T) {
	defer func(old time.Duration) { archiveBudget = old }(archiveBudget)
	archiveBudget = 300 * time.Millisecond
	var gz bytes.Buffer
	w, _ := gzip.NewWriterLevel(&gz, gzip.BestCompression)
	zeros := make([]byte, 1<<20)
	for range 300 {
		w.Write(zeros)
	}
	w.Close()
	r := gittest.New(t)
	r.Commit("bomb", map[string]string{"z.gz": gz.String(), "a.env": "T=" + gittest.GitHubPAT() + "\n"})
	start := time.Now()
	data, facts := collect(t, r.Dir, checks.ScopeTree)
	if elapsed := time.Since(start); elapsed > 20*time.Second {
		t.Errorf("the scan took %s", elapsed)
	}
	if len(data.Findings) != 1 || !strings.Contains(strings.Join(facts.Warnings, "\n"), "gave up on z.gz") {
		t.Errorf("findings %+v, warnings %q; want a.env and a warning about z.gz", data.Findings, facts.Warnings)
	}
}

// TestShallowFingerprintsSurvivePushes: in shallow CI clones the boundary
// commit changes with every push; a finding there keeps its fingerprint.
func TestShallowFingerprintsSurvivePushes(t *testing.T) {
	r := gittest.New(t)
	r.Commit("secret", map[string]string{"a.env": "T=" + gittest.GitHubPAT() + "\n"})
	fps := map[string]bool{}
	for i := range 2 {
		r.Commit("push", map[string]string{"n.txt": strings.Repeat("x", i+1)})
		clone := filepath.Join(t.TempDir(), "shallow")
		gittest.Run(t, "/", "clone", "--quiet", "--depth=1", "file://"+r.Dir, clone)
		data, _ := collect(t, clone, checks.ScopeFull)
		if len(data.Findings) != 1 {
			t.Fatalf("findings = %+v, want one", data.Findings)
		}
		fps[data.Findings[0].Fingerprint] = true
	}
	if len(fps) != 1 {
		t.Errorf("the fingerprint changed between two pushes: %v", fps)
	}

	// --since across the cut says that history is missing.
	deep := filepath.Join(t.TempDir(), "deep")
	gittest.Run(t, "/", "clone", "--quiet", "--depth=1", "file://"+r.Dir, deep)
	gittest.Run(t, deep, "fetch", "--quiet", "--depth=1", "origin", r.Git("rev-parse", "HEAD~2")+":refs/old")
	repo, err := gitrepo.Open(t.Context(), deep, checks.ScopeFull)
	if err != nil {
		t.Fatal(err)
	}
	repo.Since = "refs/old"
	facts, err := Check{}.Collect(t.Context(), repo)
	if err != nil {
		t.Fatal(err)
	}
	if w := strings.Join(facts.Warnings, "\n"); !strings.Contains(w, "is cut at commit") {
		t.Errorf("warnings = %q, want the cut in the --since range", w)
	}
}

// TestIgnoredPathsAreNamed: a text file gitleaks' allowlist skips by name
// (a .pdf that is text) is not scanned, and the user is told; lock files
// are not worth a warning.
func TestIgnoredPathsAreNamed(t *testing.T) {
	r := gittest.New(t)
	r.Commit("c", map[string]string{"notes.pdf": "T=" + gittest.GitHubPAT() + "\n", "go.sum": "x\n"})
	_, facts := collect(t, r.Dir, checks.ScopeTree)
	w := strings.Join(facts.Warnings, "\n")
	if !strings.Contains(w, "1 tracked text files are not scanned") || !strings.Contains(w, "notes.pdf") || strings.Contains(w, "go.sum") {
		t.Errorf("warnings = %q", w)
	}
}
