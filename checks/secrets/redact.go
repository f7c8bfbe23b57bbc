package secrets

import (
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Redacted replaces every secret value in excerpts.
const Redacted = "REDACTED"

// maxExcerpt bounds an excerpt, in runes.
const maxExcerpt = 80

// redact returns the match with every occurrence of the secret replaced,
// made printable and cut to maxExcerpt runes. With no secret group the
// whole match is the secret.
func redact(match, secret string) string {
	if secret == "" || !strings.Contains(match, secret) {
		return Redacted
	}
	out := strings.ReplaceAll(match, secret, Redacted)
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
