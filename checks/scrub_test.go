package checks

import (
	"testing"

	"audit/checks/gitrepo/gittest"
)

func TestScrubTokens(t *testing.T) {
	// Token-shaped values are made at run time: none is committed here.
	for _, tc := range []struct{ in, want string }{
		{gittest.GitHubPAT() + "! is not a valid attribute name: .gitattributes:1",
			"…! is not a valid attribute name: .gitattributes:1"},
		{"fatal: unable to read 78981922613b2afb6025042ff6bd878ac1994e85", "fatal: unable to read 78981922613b2afb6025042ff6bd878ac1994e85"},
		{"regex: " + gittest.StripeKey() + "(", "regex: …("},
		{"exhaustive rename detection was skipped", "exhaustive rename detection was skipped"},
		{"path refs/heads/main and src/internal/handler.go", "path refs/heads/main and src/internal/handler.go"},
		{gittest.AWSKeyID() + " in a sentence", "… in a sentence"},
		{"short a1b2c3", "short a1b2c3"},
		{"AKIA" + "QWERTYUIOPASDFGH in a sentence", "… in a sentence"}, // no digit at all
		{"exit status 128 from SOME_SETTING", "exit status 128 from SOME_SETTING"},
	} {
		if got := ScrubTokens(tc.in); got != tc.want {
			t.Errorf("ScrubTokens(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
