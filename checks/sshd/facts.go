package sshd

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"golang.org/x/crypto/ssh"

	"audit/checks"
	"audit/checks/host"
)

// Namespace is the key of the policy input this check fills.
const Namespace = "ssh"

// Data is the "ssh" namespace of the policy input.
type Data struct {
	Servers []ServerFacts `json:"servers"`
	// AuthorizedKeys lists every key of every login user's authorized keys
	// files, as each server's AuthorizedKeysFile resolves them.
	AuthorizedKeys []UserKey `json:"authorized_keys"`
	// Now is when the facts were collected (RFC 3339), for key ages.
	Now string `json:"now"`
}

// ServerFacts is one running sshd: its configuration, host keys and what
// it offers on the wire.
type ServerFacts struct {
	Server
	HostKeys []HostKey `json:"host_keys"`
	// Wire is what the server offers to a client before login, per
	// listening address; WireError says why it could not be read.
	Wire      []WireOffer `json:"wire"`
	WireError string      `json:"wire_error,omitempty"`
	// TrustedCAExists tells whether TrustedUserCAKeys names a readable file.
	TrustedCAExists bool `json:"trusted_ca_exists"`
}

// HostKey is an effective HostKey file and its key type.
type HostKey struct {
	Path  string `json:"path"`
	Type  string `json:"type"`
	Error string `json:"error,omitempty"`
}

// WireOffer is what one listening address offers.
type WireOffer struct {
	Addr string `json:"addr"`
	Offer
	// AuthMethods are the methods it offers a user (password,
	// keyboard-interactive, publickey); AuthError says why they are unknown.
	AuthMethods []string `json:"auth_methods"`
	AuthError   string   `json:"auth_error,omitempty"`
}

// UserKey is an authorized key of a login user.
type UserKey struct {
	User string `json:"user"`
	AuthorizedKey
	// Created is a creation date found in the comment (YYYY-MM-DD).
	Created string `json:"created,omitempty"`
	// Modified is the file's modification time (RFC 3339), the last resort
	// for a key's age.
	Modified string `json:"modified,omitempty"`
}

func init() { checks.Register(Check{}) }

// Check collects the "ssh" facts from hosts.
type Check struct {
	// SSHD is the sshd binary (default: sshd on PATH, then /usr/sbin/sshd).
	SSHD string
	// Configs, when set, limits the audit to the sshd instances started
	// with these configuration files (a host running several).
	Configs []string
}

// ID returns "ssh".
func (Check) ID() string { return Namespace }

// Applies reports whether t is a host.
func (Check) Applies(t checks.Target) bool { return t.Kind() == checks.KindHost }

// Collect reads every running sshd of the host. A host with no sshd
// running has no SSH facts: not_applicable.
func (c Check) Collect(ctx context.Context, t checks.Target) (checks.Facts, error) {
	h, ok := t.(host.Host)
	if !ok {
		return checks.Facts{}, fmt.Errorf("ssh: target %s is not a host", t.Name())
	}
	configs, err := RunningConfigs(ctx, h)
	if err != nil {
		return checks.Facts{}, err
	}
	only := c.Configs
	if sel, ok := t.(interface{ SSHDConfigs() []string }); ok && len(sel.SSHDConfigs()) > 0 {
		only = sel.SSHDConfigs()
	}
	if len(only) > 0 {
		running := configs
		configs = slices.DeleteFunc(slices.Clone(configs), func(cf string) bool { return !slices.Contains(only, cf) })
		if len(configs) == 0 {
			// Never not_applicable for a server the user named: a typo
			// must not read as a clean host.
			return checks.Facts{}, fmt.Errorf("no running sshd was started with %s (running: %s)",
				strings.Join(only, ", "), strings.Join(append([]string{"none"}, running...)[min(1, len(running)):], ", "))
		}
	}
	if len(configs) == 0 {
		return checks.Facts{Namespace: Namespace, Status: checks.FactsNotApplicable, Reason: "no sshd is running"}, nil
	}
	sshd := c.SSHD
	if sshd == "" {
		// Not found, or not asked: sshd -T on the usual path says which.
		if sshd, _ = host.LookPath(ctx, h, "sshd"); sshd == "" {
			sshd = "/usr/sbin/sshd"
		}
	}
	data := Data{Now: time.Now().UTC().Format(time.RFC3339)}
	users, err := loginUsers(ctx, h)
	if err != nil {
		return checks.Facts{}, err
	}
	seenKeyFiles := map[string]bool{}
	for _, config := range configs {
		srv, err := ReadServer(ctx, h, sshd, config)
		if err != nil {
			return checks.Facts{}, err
		}
		sf := ServerFacts{Server: srv}
		for _, p := range srv.Effective["hostkey"] {
			sf.HostKeys = append(sf.HostKeys, hostKey(ctx, h, p))
		}
		if ca := srv.Effective.Get("trustedusercakeys"); ca != "" && ca != "none" {
			_, err := h.ReadFile(ctx, ca)
			sf.TrustedCAExists = err == nil
		}
		sf.Wire, err = probeAll(ctx, h, srv.Effective)
		if err != nil {
			sf.WireError = err.Error()
		}
		data.Servers = append(data.Servers, sf)
		for _, u := range users {
			for _, file := range authorizedFiles(srv.Effective.Get("authorizedkeysfile"), u) {
				if seenKeyFiles[file] {
					continue
				}
				seenKeyFiles[file] = true
				data.AuthorizedKeys = append(data.AuthorizedKeys, readKeys(ctx, h, u.name, file)...)
			}
		}
	}
	return checks.Facts{Namespace: Namespace, Status: checks.FactsOK, Data: data}, nil
}

type loginUser struct{ name, home string }

// loginUsers reads /etc/passwd for users with a login shell.
func loginUsers(ctx context.Context, h host.Host) ([]loginUser, error) {
	b, err := h.ReadFile(ctx, "/etc/passwd")
	if err != nil {
		return nil, fmt.Errorf("read /etc/passwd: %w", err)
	}
	var users []loginUser
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Split(line, ":")
		if len(f) < 7 || f[0] == "" || strings.HasPrefix(f[0], "#") {
			continue
		}
		shell := path.Base(f[6])
		if shell == "nologin" || shell == "false" || shell == "sync" || shell == "" {
			continue
		}
		users = append(users, loginUser{name: f[0], home: f[5]})
	}
	return users, nil
}

// authorizedFiles resolves AuthorizedKeysFile for a user: %h home, %u user,
// %% a percent; relative paths are under the home directory.
func authorizedFiles(setting string, u loginUser) []string {
	var files []string
	for _, pattern := range strings.Fields(setting) {
		if pattern == "none" {
			continue
		}
		p := strings.NewReplacer("%%", "%", "%h", u.home, "%u", u.name, "%U", "").Replace(pattern)
		if !path.IsAbs(p) {
			p = path.Join(u.home, p)
		}
		files = append(files, p)
	}
	return files
}

// readKeys reads one authorized keys file; a missing file has no keys, an
// unreadable one is a key entry with the error (never silently skipped).
func readKeys(ctx context.Context, h host.Host, userName, file string) []UserKey {
	b, err := h.ReadFile(ctx, file)
	if err != nil {
		if missing(err) {
			return nil
		}
		return []UserKey{{User: userName, AuthorizedKey: AuthorizedKey{File: file, Error: "could not read: " + err.Error()}}}
	}
	var mtime string
	if out, err := h.Run(ctx, "stat", "-c", "%Y", "--", file); err == nil {
		if sec, err := strconv.ParseInt(strings.TrimSpace(string(out)), 10, 64); err == nil {
			mtime = time.Unix(sec, 0).UTC().Format(time.RFC3339)
		}
	}
	var keys []UserKey
	for _, k := range ParseAuthorizedKeys(file, b) {
		k.Options = redactOptions(k.Options)
		k.Comment = checks.ScrubTokens(k.Comment)
		uk := UserKey{User: userName, AuthorizedKey: k, Modified: mtime}
		if m := creationStamp.FindStringSubmatch(k.Comment); m != nil {
			uk.Created = m[1]
		}
		keys = append(keys, uk)
	}
	return keys
}

// missing tells a file that does not exist, locally or as cat reports it.
func missing(err error) bool {
	return errors.Is(err, fs.ErrNotExist) || strings.Contains(err.Error(), "No such file")
}

// hostKey reads a HostKey's type from its .pub file, or from the private
// key when there is no .pub.
func hostKey(ctx context.Context, h host.Host, p string) HostKey {
	hk := HostKey{Path: p}
	if b, err := h.ReadFile(ctx, p+".pub"); err == nil {
		if pub, _, _, _, err := ssh.ParseAuthorizedKey(b); err == nil {
			hk.Type = pub.Type()
			return hk
		}
	}
	b, err := h.ReadFile(ctx, p)
	if err != nil {
		hk.Error = "could not read: " + err.Error()
		return hk
	}
	signer, err := ssh.ParsePrivateKey(b)
	if err != nil {
		hk.Error = "not a private key"
		return hk
	}
	hk.Type = signer.PublicKey().Type()
	return hk
}

// probeAll reads what each listening address offers, through the host.
func probeAll(ctx context.Context, h host.Host, e Effective) ([]WireOffer, error) {
	var offers []WireOffer
	for _, listen := range e["listenaddress"] {
		addr := listen
		if host, port, err := net.SplitHostPort(listen); err == nil {
			switch host {
			case "0.0.0.0", "":
				host = "127.0.0.1"
			case "::":
				host = "::1"
			}
			addr = net.JoinHostPort(host, port)
		}
		o, err := Probe(ctx, h.Dial, addr, 5*time.Second)
		if err != nil {
			return offers, err
		}
		w := WireOffer{Addr: listen, Offer: o}
		if w.AuthMethods, err = AuthMethods(ctx, h.Dial, addr, 5*time.Second); err != nil {
			w.AuthError = err.Error()
		}
		offers = append(offers, w)
	}
	return offers, nil
}

// creationStamp finds a creation date in a key comment ("created
// 2026-01-31", "2026-01-31"), the second source of a key's age.
var creationStamp = regexp.MustCompile(`\b(20\d\d-[01]\d-[0-3]\d)\b`)

// redactOptions keeps option names, and the values of from= and
// expiry-time= (addresses and dates); command= and environment= values can
// hold credentials and become REDACTED.
func redactOptions(opts []string) []string {
	out := make([]string, len(opts))
	for i, o := range opts {
		name, _, hasValue := strings.Cut(o, "=")
		switch strings.ToLower(name) {
		case "from", "expiry-time", "permitopen", "permitlisten", "principals":
			out[i] = o
		default:
			out[i] = name
			if hasValue {
				out[i] += `="REDACTED"`
			}
		}
	}
	return out
}
