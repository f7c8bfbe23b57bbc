package ufw

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"time"

	"audit/checks"
	"audit/checks/host"
)

func init() { checks.Register(Check{}) }

// Check collects the "ufw" facts from hosts.
type Check struct{}

// ID returns "ufw".
func (Check) ID() string { return Namespace }

// Applies reports whether t is a host.
func (Check) Applies(t checks.Target) bool { return t.Kind() == checks.KindHost }

// The files UFW keeps its configuration in.
const (
	confFile     = "/etc/ufw/ufw.conf"
	defaultsFile = "/etc/default/ufw"
	rulesFile    = "/etc/ufw/user.rules"
	rules6File   = "/etc/ufw/user6.rules"
)

// Collect reads UFW's state: `ufw status verbose` (the firewall's own
// view, which needs root), else its rules files; its configuration; the
// listening TCP sockets; and other firewall frameworks that are active.
func (Check) Collect(ctx context.Context, t checks.Target) (checks.Facts, error) {
	h, ok := t.(host.Host)
	if !ok {
		return checks.Facts{}, fmt.Errorf("ufw: target %s is not a host", t.Name())
	}
	var d Data
	conf, confErr := h.ReadFile(ctx, confFile)
	defaults, defaultsErr := h.ReadFile(ctx, defaultsFile)
	// A non-root login's PATH often lacks /usr/sbin, where ufw lives. ufw
	// is installed when its command is: configuration files left behind
	// by a removed package filter nothing.
	ufwPath, lookErr := host.LookPath(ctx, h, "ufw")
	var out []byte
	var statusErr error
	switch {
	case lookErr != nil:
		// Whether ufw is there is unknown: an error, never "not installed".
		d.Installed, d.StatusError = true, lookErr.Error()
	case ufwPath != "":
		d.Installed = true
		out, statusErr = runStatus(ctx, h, ufwPath, "verbose")
	}

	switch {
	case confErr == nil:
		enabled, _, err := ParseConf(conf)
		if err != nil {
			d.BootError = fmt.Sprintf("%s: %v", confFile, err)
		}
		d.EnabledAtBoot = enabled
		if enabled && d.Installed {
			// ufw.service loads ufw at boot: disabled or masked in
			// systemd, ENABLED=yes starts nothing. Without systemd (or
			// when it cannot be asked) an init script may: ENABLED stands.
			if state := unitFileState(ctx, h, "ufw"); state == "disabled" || state == "masked" {
				d.EnabledAtBoot, d.BootUnit = false, state
			}
		}
	case d.Installed:
		d.BootError = fmt.Sprintf("read %s: %v", confFile, confErr)
	}
	if defaultsErr == nil {
		if _, _, _, ipv6, err := ParseDefaults(defaults); err == nil {
			d.IPv6 = ipv6
		}
	}

	switch {
	case !d.Installed:
		d.Others = otherFirewalls(ctx, h)
	case d.StatusError != "":
	case statusErr == nil:
		st, err := ParseStatus(string(out))
		if err != nil {
			d.StatusError = fmt.Sprintf("ufw status verbose: %v", err)
			break
		}
		if st.Active && (st.Incoming == "" || st.Logging == "") {
			// Cut short, or not what ufw prints: what it enforces is unknown.
			d.StatusError = "ufw status verbose printed no Logging or Default line"
			break
		}
		st.Numbered = numberRules(ctx, h, ufwPath, st.Rules)
		d.Status, d.StatusFrom = st, "ufw status"
	case needsRoot(statusErr):
		// Only root may ask ufw; its files are the next best witness.
		d.Status, d.StatusFrom, d.StatusError = fromFiles(ctx, h, conf, confErr, defaults, defaultsErr, statusErr)
	default:
		// ufw ran and failed (a broken iptables, a timeout): what it
		// enforces is unknown, whatever its files say.
		d.StatusError = fmt.Sprintf("ufw status verbose: %v", statusErr)
	}
	if d.Installed && d.StatusError == "" {
		d.Bypass, d.InputPolicy, d.ForwardPolicy, d.KernelHooked, d.BypassError = bypass(ctx, h)
	}
	d.Listening, d.ListeningError = listening(ctx, h)
	return checks.Facts{Namespace: Namespace, Status: checks.FactsOK, Data: d}, nil
}

// commandTimeout bounds the firewall's own commands (ufw status,
// iptables-save), which answer in well under a second unless something
// holds a lock or the kernel's tables hang.
const commandTimeout = 20 * time.Second

// runStatus runs `ufw status FORM` (verbose, numbered).
func runStatus(ctx context.Context, h host.Host, ufwPath, form string) ([]byte, error) {
	return runBounded(ctx, h, ufwPath, "status", form)
}

// runBounded runs argv within commandTimeout, and says so when it did not
// finish in time.
func runBounded(ctx context.Context, h host.Host, argv ...string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, commandTimeout)
	defer cancel()
	out, err := h.Run(ctx, argv...)
	if err != nil && errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return nil, fmt.Errorf("%s did not answer within %s", argv[0], commandTimeout)
	}
	return out, err
}

// numberRules gives rules read from `ufw status verbose` the numbers `ufw
// delete N` takes, from `ufw status numbered`; false when it could not.
func numberRules(ctx context.Context, h host.Host, ufwPath string, rules []Rule) bool {
	if len(rules) == 0 {
		return true
	}
	out, err := runStatus(ctx, h, ufwPath, "numbered")
	if err != nil {
		return false
	}
	numbered, err := ParseStatus(string(out))
	return err == nil && Renumber(rules, numbered.Rules)
}

// needsRoot tells ufw's refusal to run for a non-root user ("ERROR: You
// need to be root to run this script") from ufw failing.
func needsRoot(err error) bool {
	var exit *host.ExitError
	if !errors.As(err, &exit) {
		return false
	}
	return strings.Contains(exit.Stderr, "need to be root") || strings.Contains(exit.Stderr, "Permission denied")
}

// fromFiles reads UFW's state from its files when `ufw status` could not
// run (it needs root). The rules files are root's too: what cannot be read
// is an error that says why, never an empty firewall.
func fromFiles(ctx context.Context, h host.Host, conf []byte, confErr error, defaults []byte, defaultsErr, statusErr error) (Status, string, string) {
	why := fmt.Sprintf("ufw status verbose: %v", statusErr)
	if errors.Is(statusErr, host.ErrSudoRefused) {
		return Status{}, "", why
	}
	rules4, err4 := h.ReadFile(ctx, rulesFile)
	rules6, err6 := h.ReadFile(ctx, rules6File)
	switch {
	case confErr != nil:
		return Status{}, "", fmt.Sprintf("%s; and read %s: %v", why, confFile, confErr)
	case defaultsErr != nil:
		return Status{}, "", fmt.Sprintf("%s; and read %s: %v", why, defaultsFile, defaultsErr)
	case err4 != nil:
		return Status{}, "", fmt.Sprintf("%s; and read %s: %v (run as root, or with --sudo)", why, rulesFile, err4)
	}
	if err6 != nil && !errors.Is(err6, fs.ErrNotExist) {
		return Status{}, "", fmt.Sprintf("%s; and read %s: %v (run as root, or with --sudo)", why, rules6File, err6)
	}
	var st Status
	enabled, level, err := ParseConf(conf)
	if err != nil {
		return Status{}, "", fmt.Sprintf("%s; and %s: %v", why, confFile, err)
	}
	// ENABLED=yes says ufw starts at boot, not that it runs now (systemctl
	// stop ufw unloads it): systemd, which anyone may ask, says that.
	running, err := unitActive(ctx, h, "ufw")
	if err != nil {
		return Status{}, "", fmt.Sprintf("%s; and whether ufw runs: %v (run as root, or with --sudo)", why, err)
	}
	// Their order is ufw's own.
	st.Active, st.Logging, st.Numbered = enabled && running, level, true
	if st.Incoming, st.Outgoing, st.Routed, _, err = ParseDefaults(defaults); err != nil {
		return Status{}, "", fmt.Sprintf("%s; and %s: %v", why, defaultsFile, err)
	}
	if st.Rules, err = ParseRulesFiles(rules4, rules6, rulesFile, rules6File); err != nil {
		return Status{}, "", fmt.Sprintf("%s; and the rules files: %v", why, err)
	}
	return st, "files", ""
}

// bypass reads the kernel's firewall rules from iptables-save and
// ip6tables-save (root's, like ufw): the rules outside ufw's own that
// accept connections, the kernel's copy of ufw's own, and the INPUT and
// FORWARD policies per family.
func bypass(ctx context.Context, h host.Host) (rules []Rule, input, forward map[string]string, hooked map[string]bool, why string) {
	rules, input, forward, hooked = []Rule{}, map[string]string{}, map[string]string{}, map[string]bool{}
	for _, tool := range []struct {
		name, family string
		v6           bool
	}{{"iptables-save", "ipv4", false}, {"ip6tables-save", "ipv6", true}} {
		path, err := host.LookPath(ctx, h, tool.name)
		if err != nil {
			return nil, nil, nil, nil, err.Error()
		}
		if path == "" {
			if tool.v6 {
				continue // no IPv6 tools: no IPv6 rules either
			}
			return nil, nil, nil, nil, tool.name + " is not installed"
		}
		out, err := runBounded(ctx, h, path)
		if err != nil {
			return nil, nil, nil, nil, fmt.Sprintf("%s: %v", tool.name, err)
		}
		found, err := ParseIptablesSave(string(out), tool.v6)
		if err != nil {
			return nil, nil, nil, nil, err.Error()
		}
		rules = append(rules, found...)
		ft := ReadFilterTable(string(out))
		if p := ft.Policies["INPUT"]; p != "" {
			input[tool.family] = p
		}
		if p := ft.Policies["FORWARD"]; p != "" {
			forward[tool.family] = p
		}
		if ft.ForwardAcceptsAll {
			forward[tool.family] = "ACCEPT"
		}
		hooked[tool.family] = ft.UFWHooked
	}
	return rules, input, forward, hooked, ""
}

// listening reads the listening TCP sockets: ss, else /proc/net/tcp{,6}.
func listening(ctx context.Context, h host.Host) ([]Socket, string) {
	out, err := h.Run(ctx, "ss", "-Hltnp")
	if err == nil {
		socks, perr := ParseSS(string(out))
		if perr == nil {
			return socks, ""
		}
		err = perr
	}
	var socks []Socket
	for _, f := range []struct {
		path string
		v6   bool
	}{{"/proc/net/tcp", false}, {"/proc/net/tcp6", true}} {
		b, rerr := h.ReadFile(ctx, f.path)
		if rerr != nil {
			if f.v6 && errors.Is(rerr, fs.ErrNotExist) {
				continue // no IPv6 on this host
			}
			return nil, fmt.Sprintf("ss -Hltnp: %v; and read %s: %v", err, f.path, rerr)
		}
		s, perr := ParseProcNetTCP(string(b), f.v6)
		if perr != nil {
			return nil, fmt.Sprintf("ss -Hltnp: %v; and %s: %v", err, f.path, perr)
		}
		socks = append(socks, s...)
	}
	return socks, ""
}

// unitActive asks systemd whether a unit is active; an error when there is
// no systemd to ask or it answers something else.
func unitActive(ctx context.Context, h host.Host, unit string) (bool, error) {
	systemctl, err := host.LookPath(ctx, h, "systemctl")
	if err != nil {
		return false, err
	}
	if systemctl == "" {
		return false, errors.New("systemctl is not installed")
	}
	out, err := h.Run(ctx, systemctl, "is-active", unit+".service")
	state := strings.TrimSpace(string(out))
	switch state {
	case "active", "reloading":
		return true, nil
	case "inactive", "failed", "deactivating":
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("systemctl is-active %s: %w", unit, err)
	}
	return false, fmt.Errorf("systemctl is-active %s: %q", unit, state)
}

// unitFileState is systemctl is-enabled's answer for a unit ("enabled",
// "disabled", "masked", …), or "" when systemd cannot be asked.
func unitFileState(ctx context.Context, h host.Host, unit string) string {
	systemctl, err := host.LookPath(ctx, h, "systemctl")
	if err != nil || systemctl == "" {
		return ""
	}
	// is-enabled exits non-zero for disabled units: the answer is on
	// stdout either way.
	out, _ := h.Run(ctx, systemctl, "is-enabled", unit+".service")
	state := strings.TrimSpace(string(out))
	if strings.ContainsAny(state, " \n") {
		return ""
	}
	return state
}

// otherFirewalls names the firewall frameworks active on a host without
// UFW, so that NET-01 says what protects it instead.
func otherFirewalls(ctx context.Context, h host.Host) []string {
	var others []string
	if out, err := h.Run(ctx, "firewall-cmd", "--state"); err == nil && strings.TrimSpace(string(out)) == "running" {
		others = append(others, "firewalld (running)")
	}
	if _, err := h.ReadFile(ctx, "/etc/iptables/rules.v4"); err == nil {
		others = append(others, "iptables-persistent (/etc/iptables/rules.v4)")
	}
	// Debian ships an /etc/nftables.conf with an empty input chain: it
	// filters only when its service runs.
	if b, err := h.ReadFile(ctx, "/etc/nftables.conf"); err == nil && strings.Contains(string(b), "chain input") {
		if running, err := unitActive(ctx, h, "nftables"); err == nil && running {
			others = append(others, "nftables (its service runs /etc/nftables.conf, which has an input chain)")
		}
	}
	return others
}
