package secrets

import (
	"encoding/base64"
	"strings"
	"testing"

	"audit/checks"
	"audit/checks/gitrepo/gittest"
)

func TestRedact(t *testing.T) {
	for _, tc := range []struct{ name, match, secret, want string }{
		{"secret group", `api_key = "s3cr3tvalue"`, "s3cr3tvalue", `api_key = "REDACTED`},
		{"yaml", "password: s3cr3tvalue", "s3cr3tvalue", "password: REDACTED"},
		{"whole match is the secret", "tok_abcdef", "tok_abcdef", "REDACTED"},
		{"no secret", "tok_abcdef", "", "REDACTED"},
		{"secret not in the match (decoded)", "dG9rX2FiY2RlZg==", "tok_abcdef", "REDACTED"},
		// Pieces joined at run time, so this file holds no command line a scanner flags.
		{"other secrets in the match stay out", "curl -H \"X-Api-" + "Key: " + gittest.StripeKey() + "\" -" + "u deploy:" + "pw123456", "pw123456", "deploy:REDACTED"},
		{"a second value of a Kubernetes Secret", "kind: Secret\ndata:\n  one: b3RoZXJzZWNyZXQ=\n  two: c2VjcmV0", "c2VjcmV0", "two: REDACTED"},
		{"text before without a name", "Bearer abcdefghijkl", "abcdefghijkl", "REDACTED"},
		{"control characters in the name", "k\x1b=zzzzzz", "zzzzzz", "REDACTED"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := redact(tc.match, tc.secret); got != tc.want {
				t.Errorf("redact(%q, %q) = %q, want %q", tc.match, tc.secret, got, tc.want)
			}
		})
	}
	long := redact(strings.Repeat("a", 500)+"=secretvalue", "secretvalue")
	if long != strings.Repeat("a", 41)+"=REDACTED" {
		t.Errorf("long excerpt = %q", long)
	}
}

func TestFingerprint(t *testing.T) {
	const c = "0123456789abcdef0123456789abcdef01234567"
	if fingerprint("r", "p", c, 3, 1, "one") != fingerprint("r", "p", c, 3, 1, "two") {
		t.Error("a history fingerprint depends on the secret value")
	}
	if fingerprint("r", "p", c, 3, 1, "s") == fingerprint("r", "p", c, 3, 9, "s") {
		t.Error("two places on one line of a commit share a fingerprint")
	}
	if fingerprint("r", "p", "", 3, 1, "s") != fingerprint("r", "p", "", 40, 7, "s") {
		t.Error("a working-tree fingerprint changes when the line moves")
	}
	if fingerprint("r", "p", "", 3, 1, "s") == fingerprint("r", "p", "", 3, 1, "t") {
		t.Error("two secrets in one file share a fingerprint")
	}
	for _, fp := range []string{fingerprint("r", "p", "", 1, 1, "s"), fingerprint("r", "p", c, 1, 1, "s")} {
		if len(fp) != 32 || strings.Trim(fp, "0123456789abcdef") != "" {
			t.Errorf("fingerprint %q is not 32 lowercase hex digits", fp)
		}
	}
}

// TestExcerptsHoldNoOtherSecret: a match that spans several secrets (a
// curl command, a Kubernetes Secret) shows none of them in any excerpt.
func TestExcerptsHoldNoOtherSecret(t *testing.T) {
	r := gittest.New(t)
	stripe, pat := gittest.StripeKey(), gittest.GitHubPAT()
	pw := "Zq8" + gittest.StripeKey()[8:20]
	b64 := base64.StdEncoding.EncodeToString([]byte(gittest.AWSKeyID() + "abcdefgh"))
	b64b := base64.StdEncoding.EncodeToString([]byte(gittest.StripeKey()))
	r.Stage(map[string]string{
		"deploy.sh":   "curl -s -H \"X-Api-" + "Key: " + stripe + "\" -H \"Authorization: Bearer " + pat + "\" -" + "u deploy:" + pw + " https://api.example.invalid/v1\n",
		"secret.yaml": "apiVersion: v1\ndata:\n  first: " + b64 + "\n  second: " + b64b + "\nkind: Secret\nmetadata:\n  name: app\n",
	})
	data, facts := collect(t, r.Dir, checks.ScopeStaged)
	if len(data.Findings) < 2 {
		t.Fatalf("findings = %+v, want the curl and Kubernetes ones", data.Findings)
	}
	assertNoSecret(t, facts, stripe, pat, pw, b64, b64b, stripe[8:20], pat[4:16])
}

// TestSecretsInFileNames: a token used as a file or directory name is a
// finding, and no report prints it.
func TestSecretsInFileNames(t *testing.T) {
	r := gittest.New(t)
	dirToken, fileToken := gittest.GitHubPAT(), gittest.GitHubPAT()
	r.Commit("names", map[string]string{
		"keys/" + dirToken + "/x.env": "AWS=" + gittest.AWSKeyID() + "\n",
		fileToken + ".txt":            "nothing here\n",
	})
	data, facts := collect(t, r.Dir, checks.ScopeFull)
	var names int
	for _, l := range data.Findings {
		if l.Excerpt == "(in the file name)" {
			names++
		}
	}
	if names != 2 {
		t.Errorf("file-name findings = %d (%+v), want 2", names, data.Findings)
	}
	assertNoSecret(t, facts, dirToken, fileToken, dirToken[4:16], fileToken[4:16])
}
