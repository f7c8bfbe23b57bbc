package postgres

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const (
	brConf   = "/etc/pgbackrest/pgbackrest.conf"
	brLegacy = "/etc/pgbackrest.conf"
	brDir    = "/etc/pgbackrest/conf.d/"
)

func TestReadBackrest(t *testing.T) {
	for _, tc := range []struct {
		name  string
		files memFS
		want  Backrest
		// wantError are substrings of Backrest.Error.
		wantError []string
	}{
		{
			name:  "not installed",
			files: memFS{},
			want:  Backrest{},
		},
		{
			name: "a stanza with an encrypted repository",
			files: memFS{brConf: "[global]\n" +
				"repo1-path=/var/lib/pgbackrest\n" +
				"repo1-retention-full=2\n" +
				"repo1-cipher-type=aes-256-cbc\n" +
				"repo1-cipher-pass=SECRETPASS\n" +
				"start-fast=y\n" +
				"\n" +
				"[main]\n" +
				"pg1-path=/var/lib/postgresql/16/main\n"},
			want: Backrest{Configured: true, Files: []string{brConf}, Repos: []BackrestRepo{
				{Name: "repo1", Section: "main", File: brConf, Line: 4, CipherType: "aes-256-cbc", CipherLine: 4},
			}},
		},
		{
			name: "stanzas override the cipher type",
			files: memFS{brConf: "[global]\n" +
				"repo1-path = /backup\n" +
				"repo1-cipher-type = aes-256-cbc\n" +
				"[a]\n" +
				"pg1-path=/a\n" +
				"repo1-cipher-type=none\n" +
				"[b]\n" +
				"pg1-path=/b\n" +
				"[global:archive-push]\n" +
				"repo1-cipher-type=none\n" + // command sections do not count for the cipher
				"[b:archive-push]\n" +
				"repo1-cipher-type=none\n"},
			want: Backrest{Configured: true, Files: []string{brConf}, Repos: []BackrestRepo{
				{Name: "repo1", Section: "a", File: brConf, Line: 6, CipherType: "none", CipherLine: 6},
				{Name: "repo1", Section: "b", File: brConf, Line: 3, CipherType: "aes-256-cbc", CipherLine: 3},
			}},
		},
		{
			name: "repositories of [global] without a stanza",
			files: memFS{brConf: "# comment\n" +
				"[global]\n" +
				"  repo2-type=s3  \n" +
				"repo2-s3-bucket=b\n" +
				"repo2-s3-key=KEY\n" +
				"repo2-s3-key-secret=KEYSECRET\n" +
				"repo2-cipher-type=aes-256-cbc\n" +
				"repo1-path=/var/lib/pgbackrest\n" +
				"repo10-host=backup.example.com\n" +
				"repo257-path=/ignored\n" + // not a repository index pgBackRest knows
				"repo01-path=/ignored\n" +
				"repository-path=/ignored\n"},
			want: Backrest{Configured: true, Files: []string{brConf}, Repos: []BackrestRepo{
				{Name: "repo1", Section: "global", File: brConf, Line: 8},
				{Name: "repo2", Section: "global", File: brConf, Line: 7, CipherType: "aes-256-cbc", CipherLine: 7},
				{Name: "repo10", Section: "global", File: brConf, Line: 9},
			}},
		},
		{
			name:  "repo1 implied by a stanza",
			files: memFS{brConf: "[global]\nlog-level-console=info\n[main]\npg1-path=/var/lib/postgresql/16/main\n"},
			want: Backrest{Configured: true, Files: []string{brConf}, Repos: []BackrestRepo{
				{Name: "repo1", Section: "main", File: brConf, Line: 4},
			}},
		},
		{
			name:  "deprecated spellings",
			files: memFS{brConf: "[global]\nrepo-path=/backup\nrepo-cipher-type=aes-256-cbc\n[main]\ndb-path=/data\n"},
			want: Backrest{Configured: true, Files: []string{brConf}, Repos: []BackrestRepo{
				{Name: "repo1", Section: "main", File: brConf, Line: 3, CipherType: "aes-256-cbc", CipherLine: 3},
			}},
		},
		{
			name:  "repositories of one stanza stay there",
			files: memFS{brConf: "[a]\npg1-path=/a\nrepo2-path=/r2\n[b]\npg1-path=/b\n[c]\nstart-fast=y\n"},
			want: Backrest{Configured: true, Files: []string{brConf}, Repos: []BackrestRepo{
				{Name: "repo2", Section: "a", File: brConf, Line: 3},
				{Name: "repo1", Section: "b", File: brConf, Line: 5},
			}},
		},
		{
			name:  "the legacy file only without the new one",
			files: memFS{brLegacy: "[global]\nrepo1-path=/old\n"},
			want: Backrest{Configured: true, Files: []string{brLegacy}, Repos: []BackrestRepo{
				{Name: "repo1", Section: "global", File: brLegacy, Line: 2},
			}},
		},
		{
			name:  "the legacy file is not read beside the new one",
			files: memFS{brConf: "[global]\nlog-level-file=detail\n", brLegacy: "[global]\nrepo1-path=/old\n"},
			want:  Backrest{Files: []string{brConf}},
		},
		{
			name: "conf.d files merge in name order",
			files: memFS{
				brConf:                 "[global]\nrepo1-path=/backup\n",
				brDir + "20-main.conf": "[main]\npg1-path=/data\nrepo1-cipher-type=none\n",
				brDir + "10-enc.conf":  "[global]\nrepo1-cipher-type=aes-256-cbc\nrepo1-cipher-pass=SECRETPASS\n",
				brDir + ".conf":        "[global]\nrepo9-path=/x\n",
				brDir + ".hidden.conf": "[main]\nrepo1-cipher-type=aes-256-cbc\n", // pgBackRest reads it, and cannot take the key twice
				brDir + "x.conf.bak":   "[global]\nrepo8-path=/x\n",
			},
			want: Backrest{Configured: true, Files: []string{brConf, brDir + ".hidden.conf", brDir + "10-enc.conf", brDir + "20-main.conf"}, Repos: []BackrestRepo{
				{Name: "repo1", Section: "main", File: brDir + "20-main.conf", Line: 3, CipherType: "none", CipherLine: 3},
			}},
			wantError: []string{brDir + "20-main.conf:3: repo1-cipher-type set more than once in [main]"},
		},
		{
			name:  "conf.d without a main file",
			files: memFS{brDir + "main.conf": "[main]\npg1-path=/data\n"},
			want: Backrest{Configured: true, Files: []string{brDir + "main.conf"}, Repos: []BackrestRepo{
				{Name: "repo1", Section: "main", File: brDir + "main.conf", Line: 2},
			}},
		},
		{
			name: "lines pgBackRest rejects, without their values",
			files: memFS{brConf: "repo1-cipher-pass=SECRET1\n" +
				"[global\n" +
				"[ ]\n" +
				"[global]\n" +
				"repo1-cipher-pass SECRET2\n" +
				"=SECRET3\n" +
				"repo1-cipher-type=aes-256-cbc\n" +
				"repo1-cipher-type=none\n"},
			want: Backrest{Configured: true, Files: []string{brConf}, Repos: []BackrestRepo{
				{Name: "repo1", Section: "global", File: brConf, Line: 8, CipherType: "none", CipherLine: 8},
			}},
			wantError: []string{
				brConf + ":1: key/value found outside of section",
				brConf + ":2: ini section should end with ]",
				brConf + ":3: invalid empty section",
				brConf + ":5: missing '=' in key/value",
				brConf + ":6: key is zero-length",
				brConf + ":8: repo1-cipher-type set more than once in [global]",
			},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := ReadBackrest(tc.files)
			gotError := got.Error
			got.Error = ""
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Errorf("(-want +got):\n%s", d)
			}
			for _, w := range tc.wantError {
				if !strings.Contains(gotError, w) {
					t.Errorf("error %q lacks %q", gotError, w)
				}
			}
			if len(tc.wantError) == 0 && gotError != "" {
				t.Errorf("error %q", gotError)
			}
			b, _ := json.Marshal(ReadBackrest(tc.files))
			if strings.Contains(string(b), "SECRET") {
				t.Errorf("a secret in %s", b)
			}
		})
	}
}

func TestReadBackrestUnreadable(t *testing.T) {
	files := deniedFS{memFS{brConf: "[global]\nrepo1-path=/x\n", brLegacy: "[global]\nrepo2-path=/y\n",
		brDir + "a.conf": "[main]\npg1-path=/data\n"}, map[string]bool{brConf: true}}
	got := ReadBackrest(files)
	want := Backrest{Configured: true, Files: []string{brDir + "a.conf"}, Repos: []BackrestRepo{
		{Name: "repo1", Section: "main", File: brDir + "a.conf", Line: 2},
	}}
	if !strings.Contains(got.Error, "read "+brConf+": ") || !strings.Contains(got.Error, "permission denied") {
		t.Errorf("error = %q", got.Error)
	}
	got.Error = ""
	// The unreadable file exists: the legacy one is not read in its place.
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
}
