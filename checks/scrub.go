package checks

import (
	"regexp"
	"strings"
)

// tokenLike matches runs of characters that credentials are made of.
var tokenLike = regexp.MustCompile(`[A-Za-z0-9_+/=.\-]{12,}`)

// hexOnly matches a git object name, which messages must keep.
var hexOnly = regexp.MustCompile(`^[0-9a-f]{7,64}$`)

// ScrubTokens replaces, in text that tools print about the audited target
// (git's warnings, a parser's error quoting a config file), every run of 12
// or more credential characters that mixes letters and digits, or of 16 or
// more upper-case ones, with "…".
// Such text can quote a secret (a token pasted into .gitattributes or into
// an allowlist regex); words, paths and git object names survive.
func ScrubTokens(s string) string {
	return tokenLike.ReplaceAllStringFunc(s, func(run string) string {
		letters := strings.ContainsAny(strings.ToLower(run), "abcdefghijklmnopqrstuvwxyz")
		digits := strings.ContainsAny(run, "0123456789")
		// Key ids such as AKIA… can be upper-case letters only.
		shouting := len(run) >= 16 && letters && strings.ToUpper(run) == run
		if hexOnly.MatchString(run) || !letters || !digits && !shouting {
			return run
		}
		return "…"
	})
}
