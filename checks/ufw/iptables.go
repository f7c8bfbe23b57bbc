package ufw

// The parsers of this file read what iptables-save and ip6tables-save print
// (iptables 1.4.3 and later, legacy or nf_tables backend): a "*table" line,
// the ":CHAIN POLICY [packets:bytes]" lines, the "-A CHAIN …" rules in
// iptables' own syntax and "COMMIT", for each table. Strings such as
// comments are in double quotes, with `"` and `\` escaped by a backslash.
//
// ufw hooks its chains (ufw-before-input, ufw-user-input, …) into INPUT.
// `ufw status` shows only the rules of ufw's files, not what the kernel
// holds; so a rule that accepts in INPUT itself, in a chain of the admin's
// that INPUT jumps to, in the before/after chains that /etc/ufw/before.rules
// and after.rules fill, a rule inserted by hand into ufw's own chains, or a
// DNAT of nat's PREROUTING (a port forward, a port Docker, podman or
// kube-proxy publish), lets connections in that ufw's rules never judge.
// With the nf_tables backend, a rule written with nft may be one iptables
// cannot show: it prints it without its target, or prints
// "# Table `filter' is incompatible"; both are errors here.

import (
	"errors"
	"fmt"
	"net/netip"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// ParseIptablesSave reads the output of `iptables-save` (v6=false) or `ip6tables-save` (v6=true) and returns the
// rules of the kernel that accept incoming connections: the kernel's copy of ufw's own rules, marked UFW, and the
// rules outside them.
//
// They are, in the filter table, the rules that jump to ACCEPT in the
// built-in INPUT chain and in every chain INPUT reaches by -j or -g, however
// deep, ufw's own included (ufw-before-input, ufw-user-input,
// ufw-user-limit-accept, ufw-not-local, …; ufw's
// before/after chains, ufw-before-input, ufw-after-input, ufw6-before-input
// and ufw6-after-input, are walked even when INPUT does not jump to them)
// but for ufw-skip-to-policy-input, ufw-track-input and their ufw6 twins,
// which only mirror the default policies, and ufw-logging-* and ufw6-logging-*,
// which only log. A rule reached through one of ufw's user chains
// (ufw-user-input, ufw6-user-input and the others named ufw-user-* or
// ufw6-user-*) has UFW set: it is the kernel's copy of a rule `ufw status`
// shows, unless ufw's files and the kernel disagree. In the nat table, they
// are the DNATs of PREROUTING and of every chain it reaches, which are
// routed past INPUT, and those of the chains where container runtimes
// publish ports, DOCKER, NETAVARK-HOSTPORT-DNAT, CNI-HOSTPORT-DNAT and the
// per-container NETAVARK-DN-* and CNI-DN-*, also walked whether PREROUTING
// reaches them or not. A DNAT counts when it is to any address (no -d of
// its own nor of the jumps that lead to it), or to one that is not loopback
// and either the way to it matches "-m addrtype --dst-type LOCAL" (the
// host's own addresses, as Docker's and kube-proxy's NodePort jumps do) or
// it is in a chain of Docker's, netavark's or CNI's (DOCKER, NETAVARK-*,
// CNI-*); a DNAT to another address only, such as kube-proxy's to a
// ClusterIP, is left out. Each is an incoming "allow" Rule with File
// ("iptables-save" or "ip6tables-save"), Line (1-based), Text (the line of
// the ACCEPT or DNAT as printed) and Chain (its chain), in the order of
// Line.
//
// Left out are the rules that cannot accept a new TCP or UDP connection
// from another host: those on -i lo, those matching only conntrack/state
// states without NEW or UNTRACKED (nor, for --ctstate, DNAT or SNAT), those
// of another protocol (icmp, ipv6-icmp, sctp, …), DNATs to a loopback
// destination (-d 127.0.0.1/32, -d ::1/128), and the udp ACCEPTs of ufw's
// stock before.rules and before6.rules in ufw-before-input and
// ufw6-before-input (DHCP and DHCPv6 replies, mDNS and UPnP multicast), or
// narrower ones.
//
// A rule in a chain reached by jumps also matches only what the jumps that
// lead to it match: where it has no -s, -d, -i or -p of its own, it gets
// the one of the nearest jump that has it; its ports are those both it and
// the jumps allow. A jump on -i lo, of another protocol or for states
// without NEW or UNTRACKED leaves out every rule below it. A chain is walked
// again for every different set of restrictions it is reached with (and
// through ufw's user chains or not), never twice with the same (so loops
// end); a rule of the filter table is returned once for each, a DNAT once
// for each unless it is also reached without any (then once). Past 16 nested jumps, or once 65536 rules of a table have been
// walked, chains are walked without the restrictions of the jumps (once
// each; in nat as if the way matched --dst-type LOCAL; outside ufw's user
// chains), which only makes rules broader. Jumps are followed whatever
// comes before them: a DROP, REJECT or RETURN earlier in a chain, or a jump
// that is never reached, does not stop the walk.
//
// Negations make a rule broader, so they are read conservatively: "! -s X"
// counts as from anywhere (From ""), "! -i X" and "! -d X" as on any
// interface and to any address, "! --dport X" as every port, "! --ctstate
// X" as new unless X holds both NEW and UNTRACKED. From is "" whenever
// FromAnywhere is true. Ports come from --dport or multiport's --dports
// (and their long forms); multiport's --ports, which also matches the
// source port, counts as every port.
//
// Other tables are ignored. A line that is not of that format (a rule
// before any "*table", a table without COMMIT, an unbalanced quote), a
// port that does not parse, a rule without -j or -g in a chain walked here
// that may match a new connection (iptables-nft prints so a rule written
// with nft whose verdict it cannot show, such as "tcp dport vmap { 5432 :
// accept }"; a rule of ufw's limit, "-m recent --set", and any rule of a
// table iptables-save says it read with the legacy backend are let be), or
// iptables-nft's "# Table `filter' is incompatible, use 'nft' tool." (or
// nat's) is an error naming the line; empty output gives no rule.
func ParseIptablesSave(out string, v6 bool) ([]Rule, error) {
	file := "iptables-save"
	if v6 {
		file = "ip6tables-save"
	}
	rules := []Rule{}
	var t *iptTable // the table being read
	legacy := false // the last "# Generated by" line said "(legacy)"
	open := false   // t has no COMMIT yet
	for i, line := range strings.Split(out, "\n") {
		line = strings.TrimSuffix(line, "\r")
		text := strings.TrimSpace(line)
		bad := func(msg string) error {
			return iptLineError(file, i, line, msg)
		}
		switch {
		case text == "":
			continue
		case text[0] == '#':
			if name, ok := iptIncompatible(text); ok && (name == "filter" || name == "nat") {
				return nil, bad(fmt.Sprintf("table %s is incompatible with iptables: iptables cannot show its nftables rules (read them with nft list ruleset)", iptShort(name, 20)))
			}
			if strings.HasPrefix(text, "# Generated by ") {
				legacy = strings.Contains(text, "(legacy)")
			}
		case text[0] == '*':
			if open {
				return nil, bad(fmt.Sprintf("table %s of line %d without COMMIT", iptShort(t.name, 20), t.line))
			}
			name := text[1:]
			if name == "" || strings.ContainsAny(name, " \t\"") {
				return nil, bad("bad table name")
			}
			t = &iptTable{name: name, line: i + 1, legacy: legacy, chains: map[string][]*iptRule{}}
			open = true
		case text == "COMMIT":
			if !open {
				return nil, bad("COMMIT outside a table")
			}
			open = false
			if t.name != "filter" && t.name != "nat" {
				continue
			}
			hits, noTarget := iptWalk(t)
			if noTarget != nil {
				return nil, iptLineError(file, noTarget.line-1, noTarget.text, "rule without a target: iptables cannot show this nftables rule (read it with nft list ruleset)")
			}
			for _, h := range hits {
				r, m := h.rule, h.match
				rules = append(rules, Rule{
					File: file, Line: r.line, Text: r.text, V6: v6,
					Action: "allow", Direction: "in",
					Ports: m.ports, Proto: m.proto,
					To: m.to, From: m.from, FromAnywhere: m.from == "",
					Interface: m.iface, Comment: r.comment,
					Chain: r.chain, UFW: h.ufw,
				})
			}
		case text[0] == ':':
			if !open {
				return nil, bad("chain outside a table")
			}
			if f := strings.Fields(text); len(f) < 2 || len(f[0]) < 2 {
				return nil, bad("want :CHAIN POLICY [packets:bytes]")
			}
		case text == "-A" || strings.HasPrefix(text, "-A ") || strings.HasPrefix(text, "-A\t"):
			if !open {
				return nil, bad("rule outside a table")
			}
			if t.name != "filter" && t.name != "nat" {
				continue
			}
			toks, err := iptTokens(text)
			if err != nil {
				return nil, bad(err.Error())
			}
			r, err := parseIptRule(toks, t.name)
			if err != nil {
				return nil, bad(err.Error())
			}
			r.line, r.text = i+1, line
			t.chains[r.chain] = append(t.chains[r.chain], r)
		default:
			return nil, bad("want *TABLE, :CHAIN, -A CHAIN, COMMIT or a # comment")
		}
	}
	if open {
		return nil, fmt.Errorf("parse %s: table %s of line %d without COMMIT", file, iptShort(t.name, 20), t.line)
	}
	sort.SliceStable(rules, func(a, b int) bool { return rules[a].Line < rules[b].Line })
	return rules, nil
}

// iptIncompatible reads iptables-nft's "# Table `NAME' is incompatible,
// use 'nft' tool.", printed instead of a table it cannot show.
func iptIncompatible(text string) (name string, ok bool) {
	rest, ok := strings.CutPrefix(text, "# Table `")
	if !ok {
		return "", false
	}
	name, rest, ok = strings.Cut(rest, "'")
	return name, ok && strings.HasPrefix(strings.TrimSpace(rest), "is incompatible")
}

// iptTable is a table of the filter or nat kind, as read.
type iptTable struct {
	name   string
	line   int  // of its "*name", 1-based
	legacy bool // iptables-save said it used the legacy backend
	chains map[string][]*iptRule
}

// iptPublishChain is true for the chains of the nat table where container
// runtimes DNAT published ports: Docker's, podman's (netavark, CNI).
func iptPublishChain(chain string) bool {
	switch chain {
	case "DOCKER", "NETAVARK-HOSTPORT-DNAT", "CNI-HOSTPORT-DNAT":
		return true
	}
	return strings.HasPrefix(chain, "NETAVARK-DN-") || strings.HasPrefix(chain, "CNI-DN-")
}

// iptContainerChain is true for the nat chains of Docker, netavark and
// CNI, whose DNATs to an address are to one of the host's.
func iptContainerChain(chain string) bool {
	return chain == "DOCKER" || strings.HasPrefix(chain, "NETAVARK-") || strings.HasPrefix(chain, "CNI-")
}

// iptFilterRoots are the chains of the filter table iptWalk starts from:
// INPUT, and ufw's before/after chains, filled from the hand-edited
// before.rules, after.rules, before6.rules and after6.rules.
var iptFilterRoots = []string{"INPUT", "ufw-before-input", "ufw-after-input", "ufw6-before-input", "ufw6-after-input"}

// roots are the chains iptWalk starts from: iptFilterRoots, or nat's
// PREROUTING and the chains of iptPublishChain.
func (t *iptTable) roots() []string {
	if t.name == "filter" {
		return iptFilterRoots
	}
	var publish []string
	for c := range t.chains {
		if iptPublishChain(c) {
			publish = append(publish, c)
		}
	}
	sort.Strings(publish)
	return append([]string{"PREROUTING"}, publish...)
}

// follows is true for a chain iptWalk follows jumps into: any but the
// built-in ones and, in filter, ufw's chains that only mirror the default
// policy or only log.
func (t *iptTable) follows(chain string) bool {
	switch chain {
	case "INPUT", "FORWARD", "OUTPUT", "PREROUTING", "POSTROUTING":
		return false
	}
	if t.name != "filter" {
		return true
	}
	switch chain {
	case "ufw-skip-to-policy-input", "ufw6-skip-to-policy-input", "ufw-track-input", "ufw6-track-input":
		return false
	}
	return !strings.HasPrefix(chain, "ufw-logging-") && !strings.HasPrefix(chain, "ufw6-logging-")
}

// iptUFWUserChain is true for ufw's user chains, which hold the rules
// `ufw status` shows.
func iptUFWUserChain(chain string) bool {
	return strings.HasPrefix(chain, "ufw-user-") || strings.HasPrefix(chain, "ufw6-user-")
}

// iptMaxDepth is how many nested jumps pass their restrictions on, and
// iptMaxSteps how many rules iptWalk reads before it drops them: past
// either, chains are walked unrestricted (broader), once each.
const (
	iptMaxDepth = 16
	iptMaxSteps = 1 << 16
)

// iptHit is an ACCEPT or DNAT iptWalk found, with what it matches once the
// restrictions of the jumps that lead to it are added; ufw is true when
// they went through one of ufw's user chains.
type iptHit struct {
	rule  *iptRule
	match iptMatch
	ufw   bool
}

// iptWalk returns the ACCEPTs (filter) or the DNATs (nat) that t's roots
// reach, in the order of their lines, or the first rule without a target
// it reads that may match a new connection; see ParseIptablesSave.
func iptWalk(t *iptTable) (hits []iptHit, noTarget *iptRule) {
	nat := t.name == "nat"
	type visit struct {
		chain string
		match iptMatch
		depth int
		ufw   bool
	}
	// unrestricted is what a chain is walked with past the budget: in
	// nat, as if to the host's addresses, so that its DNATs count.
	unrestricted := iptMatch{local: nat}
	var queue []visit
	steps := 0                  // rules read
	walked := map[string]bool{} // chain, ufw and restrictions, already queued
	key := func(v visit) string {
		return v.chain + "\x00" + strconv.FormatBool(v.ufw) + "\x00" + v.match.key()
	}
	push := func(v visit) {
		if v.depth > iptMaxDepth || steps >= iptMaxSteps {
			v.match, v.ufw = unrestricted, false
		}
		v.ufw = v.ufw || iptUFWUserChain(v.chain)
		if k := key(v); !walked[k] {
			walked[k] = true
			queue = append(queue, v)
		}
	}
	for _, c := range t.roots() {
		push(visit{chain: c})
	}
	found := map[string]bool{} // line, ufw and restrictions, already in hits
	for len(queue) > 0 {
		v := queue[0]
		queue = queue[1:]
		if steps >= iptMaxSteps && (v.match.key() != unrestricted.key() || v.ufw != iptUFWUserChain(v.chain)) {
			// Queued with restrictions before the budget ran out.
			v.match, v.ufw = unrestricted, iptUFWUserChain(v.chain)
			k := key(v)
			if walked[k] {
				continue
			}
			walked[k] = true
		}
		for _, r := range t.chains[v.chain] {
			steps++
			if r.skip {
				continue
			}
			m, ok := iptCombine(v.match, r.match)
			if !ok {
				continue // no packet matches both
			}
			var hit bool
			switch {
			case r.target == "":
				if !r.recentSet && !t.legacy {
					return nil, r
				}
			case !nat && r.target == "ACCEPT":
				hit = !iptStock(r)
			case nat && r.target == "DNAT":
				hit = m.to == "" || (!iptLoopback(m.to) && (m.local || iptContainerChain(r.chain)))
			case t.follows(r.target) && len(t.chains[r.target]) > 0:
				push(visit{r.target, m, v.depth + 1, v.ufw})
			}
			if !hit {
				continue
			}
			m.local = false
			if k := strconv.Itoa(r.line) + "\x00" + strconv.FormatBool(v.ufw) + "\x00" + m.key(); !found[k] {
				found[k] = true
				hits = append(hits, iptHit{r, m, v.ufw})
			}
		}
	}
	if nat {
		hits = iptSubsumed(hits)
	}
	sort.SliceStable(hits, func(a, b int) bool { return hits[a].rule.line < hits[b].rule.line })
	return hits, nil
}

// iptSubsumed drops the hits of a line that is also hit without any
// restriction of the jumps, which matches all they match.
func iptSubsumed(hits []iptHit) []iptHit {
	whole := map[*iptRule]bool{}
	for _, h := range hits {
		own := h.rule.match
		own.local = false
		if h.match.key() == own.key() {
			whole[h.rule] = true
		}
	}
	kept := hits[:0]
	for _, h := range hits {
		own := h.rule.match
		own.local = false
		if !whole[h.rule] || h.match.key() == own.key() {
			kept = append(kept, h)
		}
	}
	return kept
}

// iptMatch is what a rule, or the jumps that lead to it, restrict
// packets to, for a new TCP or UDP connection.
type iptMatch struct {
	proto string      // "" any, tcp, udp, or another protocol
	from  string      // -s; "" any
	to    string      // -d; "" any
	iface string      // -i; "" any
	ports []PortRange // destination ports; nil every port
	local bool        // (nat) -m addrtype --dst-type LOCAL: to the host's addresses
}

// key tells matches apart.
func (m iptMatch) key() string {
	return fmt.Sprintf("%q %q %q %q %v %v", m.proto, m.from, m.to, m.iface, m.ports, m.local)
}

// iptCombine returns what a rule with match inner matches when reached by
// jumps that match outer: inner's -s, -d, -i and -p where it has them (as
// broad as, or broader than, both together), else outer's; the ports of
// both; local when either is. ok is false when no packet matches both.
func iptCombine(outer, inner iptMatch) (m iptMatch, ok bool) {
	pick := func(o, i string) string {
		if i != "" {
			return i
		}
		return o
	}
	if outer.proto != "" && inner.proto != "" && outer.proto != inner.proto {
		return iptMatch{}, false
	}
	m = iptMatch{
		proto: pick(outer.proto, inner.proto),
		from:  pick(outer.from, inner.from),
		to:    pick(outer.to, inner.to),
		iface: pick(outer.iface, inner.iface),
		ports: inner.ports,
		local: outer.local || inner.local,
	}
	switch {
	case outer.ports == nil:
	case inner.ports == nil:
		m.ports = outer.ports
	default:
		if m.ports = iptIntersect(outer.ports, inner.ports); len(m.ports) == 0 {
			return iptMatch{}, false
		}
	}
	return m, true
}

// iptStockAccepts are the udp ACCEPTs that ufw's stock before.rules and
// before6.rules put in ufw-before-input and ufw6-before-input: replies to
// the DHCP and DHCPv6 clients, mDNS and UPnP multicast. sport 0 is any
// source port, "" any address.
var iptStockAccepts = []struct {
	sport, dport int
	from, to     string
}{
	{67, 68, "", ""},
	{0, 5353, "", "224.0.0.251/32"},
	{0, 1900, "", "239.255.255.250/32"},
	{547, 546, "fe80::/10", "fe80::/10"},
	{0, 5353, "", "ff02::fb/128"},
	{0, 1900, "", "ff02::f/128"},
}

// iptStock is true for an ACCEPT of ufw-before-input or ufw6-before-input
// that matches no more than one of iptStockAccepts does.
func iptStock(r *iptRule) bool {
	if (r.chain != "ufw-before-input" && r.chain != "ufw6-before-input") || r.match.proto != "udp" || len(r.match.ports) == 0 {
		return false
	}
	within := func(ports []PortRange, port int) bool {
		for _, p := range ports {
			if p.From != port || p.To != port {
				return false
			}
		}
		return len(ports) > 0
	}
	for _, s := range iptStockAccepts {
		if !within(r.match.ports, s.dport) || !iptWithin(r.match.from, s.from) || !iptWithin(r.match.to, s.to) {
			continue
		}
		if s.sport == 0 {
			return true
		}
		for _, sports := range r.sports {
			if within(sports, s.sport) {
				return true
			}
		}
	}
	return false
}

// iptWithin is true when every address of addr (an address or
// "ADDR/BITS"; "" for any) lies in prefix ("" for any).
func iptWithin(addr, prefix string) bool {
	if prefix == "" {
		return true
	}
	outer, err := netip.ParsePrefix(prefix)
	if err != nil || addr == "" {
		return false
	}
	inner, err := netip.ParsePrefix(addr)
	if err != nil {
		a, err := netip.ParseAddr(addr)
		if err != nil {
			return false
		}
		inner = netip.PrefixFrom(a, a.BitLen())
	}
	return inner.Addr().Is4() == outer.Addr().Is4() && inner.Bits() >= outer.Bits() && outer.Contains(inner.Addr())
}

// iptLineError names line j (0-based) of the output, showing at most 60
// characters of it.
func iptLineError(file string, j int, line, msg string) error {
	return fmt.Errorf("parse %s: line %d %q: %s", file, j+1, iptShort(strings.TrimSpace(line), 60), msg)
}

// iptShort cuts s to at most n bytes, at a character boundary.
func iptShort(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

// iptToken is a word of a rule; a quoted word is a value, never an option.
type iptToken struct {
	s      string
	quoted bool
}

// iptTokens splits a rule as iptables-restore does: at blanks outside
// double quotes, where a backslash escapes the next character.
func iptTokens(s string) ([]iptToken, error) {
	var toks []iptToken
	var b strings.Builder
	inWord, quoted, inQuote := false, false, false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case inQuote && c == '\\':
			if i+1 == len(s) {
				return nil, errors.New("unterminated double quote")
			}
			i++
			b.WriteByte(s[i])
		case inQuote && c == '"':
			inQuote = false
		case inQuote:
			b.WriteByte(c)
		case c == '"':
			inQuote, inWord, quoted = true, true, true
		case c == ' ' || c == '\t':
			if inWord {
				toks = append(toks, iptToken{b.String(), quoted})
				b.Reset()
				inWord, quoted = false, false
			}
		default:
			b.WriteByte(c)
			inWord = true
		}
	}
	if inQuote {
		return nil, errors.New("unterminated double quote")
	}
	if inWord {
		toks = append(toks, iptToken{b.String(), quoted})
	}
	return toks, nil
}

// iptValueOpts are the options read here that take a value.
var iptValueOpts = map[string]bool{
	"-p": true, "--protocol": true,
	"-s": true, "--source": true, "--src": true,
	"-d": true, "--destination": true, "--dst": true,
	"-i": true, "--in-interface": true,
	"-o": true, "--out-interface": true,
	"-j": true, "--jump": true, "-g": true, "--goto": true,
	"-m": true, "--match": true,
	"--dport": true, "--destination-port": true,
	"--dports": true, "--destination-ports": true, "--ports": true,
	"--sport": true, "--source-port": true,
	"--sports": true, "--source-ports": true,
	"--state": true, "--ctstate": true,
	"--comment":  true,
	"--dst-type": true, "--src-type": true,
}

// iptRule is a "-A CHAIN …" line of table filter or nat.
type iptRule struct {
	line          int    // 1-based
	text          string // as printed
	chain, target string // target is that of -j or -g, "" without
	match         iptMatch
	// skip is true when the rule matches no new TCP or UDP connection from
	// another host: on -i lo, for states without NEW or UNTRACKED, of
	// another protocol, with no port in all its port matches, or (nat) to a
	// loopback address.
	skip bool
	// recentSet is true for "-m recent --set", which ufw's limit rules
	// use without a target.
	recentSet bool
	// sports are its source port matches (--sport, --sports), negated ones
	// left out.
	sports  [][]PortRange
	comment string // its comments, joined by a blank
}

// parseIptRule reads the words of a "-A CHAIN …" line of table filter or
// nat, but for its line and text.
func parseIptRule(toks []iptToken, table string) (*iptRule, error) {
	if len(toks) < 2 || toks[1].quoted || toks[1].s == "" {
		return nil, errors.New("-A without a chain")
	}
	r := &iptRule{chain: toks[1].s}
	var dports [][]PortRange // what each --dport/--dports allows
	var comments []string
	neg, recent, set := false, false, false
	for k := 2; k < len(toks); k++ {
		t := toks[k]
		if !t.quoted && t.s == "!" {
			if neg {
				return nil, errors.New(`"! !"`)
			}
			neg = true
			continue
		}
		opt := t.s
		if t.quoted || !iptValueOpts[opt] {
			// An option not read here, or its value.
			set = set || (!t.quoted && opt == "--set")
			neg = false
			continue
		}
		if k+1 == len(toks) {
			return nil, fmt.Errorf("%s without a value", opt)
		}
		k++
		v := toks[k]
		if !v.quoted && v.s == "!" {
			// iptables before 1.4.3 printed "--dport ! 22".
			if neg || k+1 == len(toks) {
				return nil, fmt.Errorf("%s without a value", opt)
			}
			neg = true
			k++
			v = toks[k]
		}
		val, negated := v.s, neg
		neg = false
		switch opt {
		case "-p", "--protocol":
			p := strings.ToLower(val)
			switch p {
			case "tcp", "6":
				p = "tcp"
			case "udp", "17":
				p = "udp"
			case "all", "0":
				p = ""
			}
			if negated {
				// All but one protocol: the other of tcp and udp, or both.
				switch p {
				case "tcp":
					p = "udp"
				case "udp":
					p = "tcp"
				default:
					p = ""
				}
			}
			r.match.proto = p
		case "-s", "--source", "--src":
			if !negated && !iptAnyAddr(val) {
				r.match.from = val
			}
		case "-d", "--destination", "--dst":
			if !negated && !iptAnyAddr(val) {
				r.match.to = val
				if table == "nat" && iptLoopback(val) {
					r.skip = true // reachable from the host only
				}
			}
		case "-i", "--in-interface":
			if !negated {
				r.match.iface = val
				if val == "lo" {
					r.skip = true
				}
			}
		case "-j", "--jump", "-g", "--goto":
			r.target = val
		case "--dport", "--destination-port", "--dports", "--destination-ports", "--ports":
			list := opt == "--dports" || opt == "--destination-ports" || opt == "--ports"
			ports, err := iptPorts(val, list)
			if err != nil {
				return nil, err
			}
			// --ports matches the source port too: any destination port.
			if !negated && opt != "--ports" {
				dports = append(dports, ports)
			}
		case "--sport", "--source-port", "--sports", "--source-ports":
			// Read only to tell ufw's stock rules; one that does not
			// parse restricts nothing.
			list := opt == "--sports" || opt == "--source-ports"
			if ports, err := iptPorts(val, list); err == nil && !negated {
				r.sports = append(r.sports, ports)
			}
		case "-m", "--match":
			recent = recent || val == "recent"
		case "--state", "--ctstate":
			// UNTRACKED is a new connection the raw table keeps out of
			// conntrack; a new connection that was DNATed or SNATed is
			// also DNAT or SNAT.
			isNew, isUntracked, isNAT := false, false, false
			for _, s := range strings.Split(val, ",") {
				switch strings.ToUpper(s) {
				case "NEW":
					isNew = true
				case "UNTRACKED":
					isUntracked = true
				case "DNAT", "SNAT":
					isNAT = true
				}
			}
			if (!negated && !isNew && !isUntracked && !isNAT) || (negated && isNew && isUntracked) {
				r.skip = true // established, related, invalid… only
			}
		case "--dst-type":
			if !negated && table == "nat" {
				for _, s := range strings.Split(val, ",") {
					if strings.EqualFold(s, "LOCAL") {
						r.match.local = true
					}
				}
			}
		case "--comment":
			comments = append(comments, val)
		}
	}
	if neg {
		return nil, errors.New(`"!" at the end`)
	}
	if p := r.match.proto; p != "" && p != "tcp" && p != "udp" {
		r.skip = true
	}
	for k, ports := range dports {
		if k == 0 {
			r.match.ports = ports
			continue
		}
		if r.match.ports = iptIntersect(r.match.ports, ports); len(r.match.ports) == 0 {
			r.skip = true // no port matches both
		}
	}
	r.comment = strings.Join(comments, " ")
	r.recentSet = recent && set
	return r, nil
}

// iptPorts reads a --dport value ("22", "1000:2000", ":1023", "1024:") or,
// when list, a multiport one ("80,443,1000:2000").
func iptPorts(s string, list bool) ([]PortRange, error) {
	parts := []string{s}
	if list {
		parts = strings.Split(s, ",")
	}
	var ports []PortRange
	for _, p := range parts {
		lo, hi, isRange := strings.Cut(p, ":")
		a, b := 0, 65535
		okA, okB := true, true
		if !isRange || lo != "" {
			a, okA = iptPort(lo)
		}
		switch {
		case !isRange:
			b = a
		case hi != "":
			b, okB = iptPort(hi)
		}
		if !okA || !okB || a > b || (isRange && lo == "" && hi == "") {
			return nil, fmt.Errorf("bad port %q", iptShort(p, 20))
		}
		ports = append(ports, PortRange{From: a, To: b})
	}
	return ports, nil
}

// iptPort reads a port number: digits only, at most 65535.
func iptPort(s string) (int, bool) {
	if s == "" || len(s) > 5 || strings.Trim(s, "0123456789") != "" {
		return 0, false
	}
	n, err := strconv.Atoi(s)
	return n, err == nil && n <= 65535
}

// iptIntersect returns the ports in both a and b.
func iptIntersect(a, b []PortRange) []PortRange {
	var both []PortRange
	for _, x := range a {
		for _, y := range b {
			if lo, hi := max(x.From, y.From), min(x.To, y.To); lo <= hi {
				both = append(both, PortRange{From: lo, To: hi})
			}
		}
	}
	return both
}

// iptAnyAddr is true for the address every packet matches.
func iptAnyAddr(s string) bool {
	return s == "0.0.0.0/0" || s == "::/0" || s == "0.0.0.0/0.0.0.0"
}

// iptLoopback is true when s (an address, "ADDR/BITS" or "ADDR/MASK") lies
// within 127.0.0.0/8 or is ::1.
func iptLoopback(s string) bool {
	if a, err := netip.ParseAddr(s); err == nil {
		return a.Unmap().IsLoopback()
	}
	if p, err := netip.ParsePrefix(s); err == nil {
		a := p.Masked().Addr()
		if a.Is4() {
			return a.IsLoopback() && p.Bits() >= 8
		}
		return a.IsLoopback() && p.Bits() == 128
	}
	addr, mask, ok := strings.Cut(s, "/")
	a, err1 := netip.ParseAddr(addr)
	m, err2 := netip.ParseAddr(mask)
	return ok && err1 == nil && err2 == nil && a.Is4() && m.Is4() && a.IsLoopback() && m.As4()[0] == 255
}

// FilterTable is what the filter table of iptables-save output says
// besides the rules ParseIptablesSave returns.
type FilterTable struct {
	// Policies are the policies of the built-in chains, e.g. {"INPUT":
	// "DROP", "FORWARD": "DROP", "OUTPUT": "ACCEPT"}; user chains, whose
	// policy iptables-save prints as "-", are left out.
	Policies map[string]string
	// UFWHooked is true when INPUT jumps to one of ufw's chains: false
	// when ufw's rules are not in the kernel (after an iptables -F, say).
	UFWHooked bool
	// ForwardAcceptsAll is true when FORWARD accepts everything with a rule
	// that matches all traffic ("-A FORWARD -j ACCEPT"), which overrides
	// its policy as surely as iptables -P FORWARD ACCEPT.
	ForwardAcceptsAll bool
}

// ReadFilterTable reads the filter table of iptables-save or
// ip6tables-save output in one pass. It reads what it can and never fails
// (ParseIptablesSave tells whether the output is sound); Policies is empty
// when there is no filter table.
func ReadFilterTable(out string) FilterTable {
	ft := FilterTable{Policies: map[string]string{}}
	table := ""
	for _, line := range strings.Split(out, "\n") {
		text := strings.TrimSpace(line)
		switch {
		case strings.HasPrefix(text, "*"):
			table = text[1:]
		case text == "COMMIT":
			table = ""
		case table != "filter":
		case strings.HasPrefix(text, ":"):
			if f := strings.Fields(text[1:]); len(f) >= 2 && f[1] != "-" {
				ft.Policies[f[0]] = f[1]
			}
		case text == "-A FORWARD -j ACCEPT":
			ft.ForwardAcceptsAll = true
		case strings.HasPrefix(text, "-A INPUT "):
			f := strings.Fields(text)
			for i := 0; i+1 < len(f); i++ {
				if (f[i] == "-j" || f[i] == "-g") && (strings.HasPrefix(f[i+1], "ufw-") || strings.HasPrefix(f[i+1], "ufw6-")) {
					ft.UFWHooked = true
				}
			}
		}
	}
	return ft
}
