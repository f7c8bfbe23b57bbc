package sshd

import (
	"bufio"
	"bytes"
	"fmt"
	"strings"
	"time"

	"golang.org/x/crypto/ssh"
)

// AuthorizedKey is one entry of an authorized keys file. It holds the
// key's fingerprint, never the key material.
type AuthorizedKey struct {
	File string `json:"file"`
	Line int    `json:"line"`
	// Type is the key algorithm, e.g. ssh-ed25519; for a certificate, the
	// certificate type (ssh-ed25519-cert-v01@openssh.com).
	Type        string   `json:"type"`
	Fingerprint string   `json:"fingerprint"`
	Comment     string   `json:"comment"`
	Options     []string `json:"options"`
	// CertAuthority marks a CA key (cert-authority option).
	CertAuthority bool `json:"cert_authority"`
	// Expires is the expiry-time option, when set.
	Expires *time.Time `json:"expires,omitempty"`
	// Error says why a line could not be read as a key.
	Error string `json:"error,omitempty"`
}

// ParseAuthorizedKeys reads an authorized keys file with x/crypto/ssh's
// parser (options, quoted values, comments). A line it cannot read is kept
// with Error set: a policy must not take an unreadable key for a good one.
func ParseAuthorizedKeys(file string, content []byte) []AuthorizedKey {
	var keys []AuthorizedKey
	sc := bufio.NewScanner(bytes.NewReader(content))
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		k := AuthorizedKey{File: file, Line: n}
		pub, comment, options, _, err := ssh.ParseAuthorizedKey([]byte(line))
		if err != nil {
			k.Error = fmt.Sprintf("not a key: %v", err)
			keys = append(keys, k)
			continue
		}
		k.Type, k.Fingerprint, k.Comment, k.Options = pub.Type(), ssh.FingerprintSHA256(pub), comment, options
		for _, o := range options {
			name, value, _ := strings.Cut(o, "=")
			switch strings.ToLower(name) {
			case "cert-authority":
				k.CertAuthority = true
			case "expiry-time":
				if t, err := parseExpiry(strings.Trim(value, `"`)); err == nil {
					k.Expires = &t
				} else {
					k.Error = fmt.Sprintf("bad expiry-time %q", value)
				}
			}
		}
		keys = append(keys, k)
	}
	return keys
}

// parseExpiry reads sshd's expiry-time: YYYYMMDD[HHMM[SS]][Z], local time
// unless Z (taken as UTC here).
func parseExpiry(v string) (time.Time, error) {
	v = strings.TrimSuffix(v, "Z")
	for _, layout := range []string{"20060102150405", "200601021504", "20060102"} {
		if len(v) == len(layout) {
			return time.Parse(layout, v)
		}
	}
	return time.Time{}, fmt.Errorf("bad expiry-time %q", v)
}
