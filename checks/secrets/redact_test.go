package secrets

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestRedact(t *testing.T) {
	for _, tc := range []struct{ name, match, secret, want string }{
		{"secret group", `api_key = "s3cr3tvalue"`, "s3cr3tvalue", `api_key = "REDACTED"`},
		{"whole match is the secret", "tok_abcdef", "tok_abcdef", "REDACTED"},
		{"no secret", "tok_abcdef", "", "REDACTED"},
		{"secret not in the match (decoded)", "dG9rX2FiY2RlZg==", "tok_abcdef", "REDACTED"},
		{"every occurrence", "s=x1y2z3;t=x1y2z3", "x1y2z3", "s=REDACTED;t=REDACTED"},
		{"control characters", "k=\x1b[31mzzzzzz\x07", "zzzzzz", "k=?[31mREDACTED?"},
		{"invalid UTF-8", "k=\xffzzzzzz", "zzzzzz", "k=?REDACTED"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := redact(tc.match, tc.secret); got != tc.want {
				t.Errorf("redact(%q, %q) = %q, want %q", tc.match, tc.secret, got, tc.want)
			}
		})
	}
	long := redact(strings.Repeat("a", 500)+"=secretvalue", "secretvalue")
	if utf8.RuneCountInString(long) != maxExcerpt || strings.Contains(long, "secretvalue") {
		t.Errorf("long excerpt = %q (%d runes)", long, utf8.RuneCountInString(long))
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
