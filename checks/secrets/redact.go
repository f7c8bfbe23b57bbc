package secrets

import (
	"crypto/sha256"
	"encoding/hex"
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Redacted replaces every secret value in excerpts.
const Redacted = "REDACTED"

// maxExcerpt bounds an excerpt, in runes.
const maxExcerpt = 80

// keyBefore matches the name a secret is assigned to, right before it:
// `api_key = "`, `password: `, `-u deploy:`.
var keyBefore = regexp.MustCompile(`[A-Za-z_][A-Za-z0-9_.\-]{0,40}["']?\s*(?::=|=>|[:=])\s*["']?$`)

// redact returns an excerpt that shows what a secret is without any of
// it: the name it is assigned to, if the match has one just before the
// secret, then REDACTED. Nothing else of the match is kept, since a match
// can hold other secrets (a curl command with a key and a password, a
// Kubernetes Secret with several values). With no secret group the whole
// match is the secret.
func redact(match, secret string) string {
	i := strings.Index(match, secret)
	if secret == "" || i < 0 {
		return Redacted
	}
	out := keyBefore.FindString(match[:i]) + Redacted
	out = strings.Map(func(r rune) rune {
		if r == utf8.RuneError || !unicode.IsPrint(r) {
			return '?'
		}
		return r
	}, strings.ToValidUTF8(out, "?"))
	if utf8.RuneCountInString(out) > maxExcerpt {
		out = string([]rune(out)[:maxExcerpt-1]) + "…"
	}
	return out
}

// fingerprint identifies a finding so that it stays the same across runs
// and when the line moves (baselines and waivers rely on that).
//
// A commit never changes, so a history finding is identified by where it
// is: rule, path, commit, line and column; its fingerprint reveals nothing
// of the secret. A working-tree or staged finding moves with edits, so it
// is identified by rule, path and the secret itself, hashed with a domain
// prefix: such a fingerprint can confirm a guess of a weak secret, like
// any hash, so reports deserve the care the repository gets.
func fingerprint(rule, path, commit string, line, column int, secret string) string {
	parts := []string{"audit/secret/v1", rule, path, commit, secret}
	if commit != "" {
		parts = []string{"audit/secret/v1/commit", rule, path, commit, strconv.Itoa(line), strconv.Itoa(column)}
	}
	h := sha256.New()
	for _, part := range parts {
		h.Write([]byte(part))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))[:32]
}
