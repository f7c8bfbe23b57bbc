package secrets

import (
	"crypto/sha256"
	"encoding/hex"
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

// fingerprint identifies a secret at a place: the rule, the path, the commit
// that added it (none for the working tree and the staged change) and the
// secret itself, hashed with a domain prefix. It does not change when the
// line moves or when the same commit is scanned again.
func fingerprint(rule, path, commit, secret string) string {
	h := sha256.New()
	for _, part := range []string{"audit/secret/v1", rule, path, commit, secret} {
		h.Write([]byte(part))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))[:32]
}
