package ufw

// The parsers of this file read what iptables-save and ip6tables-save print
// (iptables 1.4.3 and later, legacy or nf_tables backend): a "*table" line,
// the ":CHAIN POLICY [packets:bytes]" lines, the "-A CHAIN …" rules in
// iptables' own syntax and "COMMIT", for each table. Strings such as
// comments are in double quotes, with `"` and `\` escaped by a backslash.
//
// ufw hooks its chains (ufw-before-input, ufw-user-input, …) into INPUT.
// `ufw status` shows only the rules of ufw-user-input; so a rule that
// accepts in INPUT itself, in a chain of the admin's that INPUT jumps to,
// in the before/after chains that /etc/ufw/before.rules and after.rules
// fill, or a DNAT that Docker or podman add for a published port, lets
// connections in that ufw's rules never judge.

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
// rules outside ufw that accept incoming connections ufw's own rules never see.
//
// They are, in the filter table, the rules that jump to ACCEPT in the
// built-in INPUT chain, in ufw's before/after chains (ufw-before-input,
// ufw-after-input, ufw6-before-input, ufw6-after-input, which INPUT jumps
// to and which the hand-edited before.rules, after.rules, before6.rules and
// after6.rules fill), and in the user chains any of those reach by -j or -g,
// however deep; and, in the nat table, the DNAT rules of the chains where
// container runtimes publish ports, which are routed past INPUT: DOCKER,
// NETAVARK-HOSTPORT-DNAT, CNI-HOSTPORT-DNAT and the per-container chains
// NETAVARK-DN-* and CNI-DN-*. Each is an incoming "allow" Rule with File
// ("iptables-save" or "ip6tables-save"), Line (1-based) and Text (the
// line of the ACCEPT or DNAT as printed), in the order of Line.
//
// Left out are the rules that cannot accept a new TCP or UDP connection
// from another host: those on -i lo, those matching only conntrack/state
// states without NEW, those of another protocol (icmp, ipv6-icmp, sctp,
// …), DNATs to a loopback destination (-d 127.0.0.1/32, -d ::1/128), and
// the udp ACCEPTs of ufw's stock before.rules and before6.rules in
// ufw-before-input and ufw6-before-input (DHCP and DHCPv6 replies, mDNS
// and UPnP multicast), or narrower ones. The rules of ufw's other chains
// (ufw-*, ufw6-*: ufw-user-input, ufw-not-local, ufw-skip-to-policy-input,
// …) are never returned nor walked into: they are ufw's own.
//
// A rule in a user chain also matches only what the jumps that lead to it
// match: where it has no -s, -d, -i or -p of its own, it gets the one of
// the nearest jump that has it; its ports are those both it and the jumps
// allow. A jump on -i lo, of another protocol or for states without NEW
// leaves out every rule below it. A chain is walked again for every
// different set of restrictions it is reached with, never twice with the
// same (so loops end); past 16 nested jumps, or once 65536 rules have been
// walked, chains are walked without the restrictions of the jumps (once
// each), which only makes rules broader. Jumps are followed whatever comes before them: a DROP, REJECT
// or RETURN earlier in a chain, or a jump that is never reached, does not
// stop the walk. The nat chains are read rule by rule, without their jumps.
//
// Negations make a rule broader, so they are read conservatively: "! -s X"
// counts as from anywhere (From ""), "! -i X" and "! -d X" as on any
// interface and to any address, "! --dport X" as every port. From is ""
// whenever FromAnywhere is true. Ports come from --dport or multiport's
// --dports (and their long forms); multiport's --ports, which also matches
// the source port, counts as every port.
//
// Other tables are ignored. A line that is not of that format (a rule
// before any "*table", a table without COMMIT, an unbalanced quote) or a
// port that does not parse is an error naming the line; empty output gives
// no rule.
func ParseIptablesSave(out string, v6 bool) ([]Rule, error) {
	file := "iptables-save"
	if v6 {
		file = "ip6tables-save"
	}
	rules := []Rule{}
	add := func(r *iptRule, m iptMatch) {
		rules = append(rules, Rule{
			File: file, Line: r.line, Text: r.text, V6: v6,
			Action: "allow", Direction: "in",
			Ports: m.ports, Proto: m.proto,
			To: m.to, From: m.from, FromAnywhere: m.from == "",
			Interface: m.iface, Comment: r.comment,
		})
	}
	table, open, tableLine := "", false, 0
	var filter map[string][]*iptRule // the rules of each chain of the filter table
	for i, line := range strings.Split(out, "\n") {
		line = strings.TrimSuffix(line, "\r")
		text := strings.TrimSpace(line)
		bad := func(msg string) error {
			return iptLineError(file, i, line, msg)
		}
		switch {
		case text == "" || text[0] == '#':
			continue
		case text[0] == '*':
			if open {
				return nil, bad(fmt.Sprintf("table %s of line %d without COMMIT", iptShort(table, 20), tableLine))
			}
			name := text[1:]
			if name == "" || strings.ContainsAny(name, " \t\"") {
				return nil, bad("bad table name")
			}
			table, open, tableLine = name, true, i+1
			filter = map[string][]*iptRule{}
		case text == "COMMIT":
			if !open {
				return nil, bad("COMMIT outside a table")
			}
			open = false
			if table == "filter" {
				for _, h := range iptWalk(filter) {
					add(h.rule, h.match)
				}
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
			if table != "filter" && table != "nat" {
				continue
			}
			toks, err := iptTokens(text)
			if err != nil {
				return nil, bad(err.Error())
			}
			r, err := parseIptRule(toks, table)
			if err != nil {
				return nil, bad(err.Error())
			}
			r.line, r.text = i+1, line
			if table == "filter" {
				filter[r.chain] = append(filter[r.chain], r)
			} else if !r.skip && r.target == "DNAT" && iptPublishChain(r.chain) {
				add(r, r.match)
			}
		default:
			return nil, bad("want *TABLE, :CHAIN, -A CHAIN, COMMIT or a # comment")
		}
	}
	if open {
		return nil, fmt.Errorf("parse %s: table %s of line %d without COMMIT", file, iptShort(table, 20), tableLine)
	}
	sort.SliceStable(rules, func(a, b int) bool { return rules[a].Line < rules[b].Line })
	return rules, nil
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

// iptRoots are the chains of the filter table whose ACCEPTs ufw's rules
// never judge and which iptWalk starts from: INPUT, and ufw's before/after
// chains, filled from the hand-edited before.rules, after.rules,
// before6.rules and after6.rules.
var iptRoots = []string{"INPUT", "ufw-before-input", "ufw-after-input", "ufw6-before-input", "ufw6-after-input"}

// iptMaxDepth is how many nested jumps pass their restrictions on, and
// iptMaxSteps how many rules iptWalk reads before it drops them: past
// either, chains are walked unrestricted (broader), once each.
const (
	iptMaxDepth = 16
	iptMaxSteps = 1 << 16
)

// iptHit is an ACCEPT iptWalk found, with what it matches once the
// restrictions of the jumps that lead to it are added.
type iptHit struct {
	rule  *iptRule
	match iptMatch
}

// iptWalk returns the ACCEPTs of the chains of iptRoots and of the user
// chains they reach (chains is the filter table, chain by chain), in the
// order of their lines; see ParseIptablesSave.
func iptWalk(chains map[string][]*iptRule) []iptHit {
	type visit struct {
		chain string
		match iptMatch
		depth int
	}
	var queue []visit
	steps := 0                  // rules read
	walked := map[string]bool{} // chain and restrictions, already queued
	none := iptMatch{}.key()
	push := func(v visit) {
		if v.depth > iptMaxDepth || steps >= iptMaxSteps {
			v.match = iptMatch{}
		}
		if k := v.chain + "\x00" + v.match.key(); !walked[k] {
			walked[k] = true
			queue = append(queue, v)
		}
	}
	for _, c := range iptRoots {
		push(visit{chain: c})
	}
	var hits []iptHit
	found := map[string]bool{} // line and restrictions, already in hits
	for len(queue) > 0 {
		v := queue[0]
		queue = queue[1:]
		if steps >= iptMaxSteps && v.match.key() != none {
			// Queued with restrictions before the budget ran out.
			k := v.chain + "\x00" + none
			if walked[k] {
				continue
			}
			walked[k], v.match = true, iptMatch{}
		}
		for _, r := range chains[v.chain] {
			steps++
			if r.skip {
				continue
			}
			m, ok := iptCombine(v.match, r.match)
			if !ok {
				continue // no packet matches both
			}
			switch {
			case r.target == "ACCEPT":
				if iptStock(r) {
					continue
				}
				if k := strconv.Itoa(r.line) + "\x00" + m.key(); !found[k] {
					found[k] = true
					hits = append(hits, iptHit{r, m})
				}
			case iptUserChain(r.target) && len(chains[r.target]) > 0:
				push(visit{r.target, m, v.depth + 1})
			}
		}
	}
	sort.SliceStable(hits, func(a, b int) bool { return hits[a].rule.line < hits[b].rule.line })
	return hits
}

// iptUserChain is true for a chain iptWalk follows jumps into: one that is
// neither built in nor ufw's (ufw-*, ufw6-*).
func iptUserChain(chain string) bool {
	switch chain {
	case "INPUT", "FORWARD", "OUTPUT", "PREROUTING", "POSTROUTING":
		return false
	}
	return !strings.HasPrefix(chain, "ufw-") && !strings.HasPrefix(chain, "ufw6-")
}

// iptMatch is what a rule, or the jumps that lead to it, restrict
// packets to, for a new TCP or UDP connection.
type iptMatch struct {
	proto string      // "" any, tcp, udp, or another protocol
	from  string      // -s; "" any
	to    string      // -d; "" any
	iface string      // -i; "" any
	ports []PortRange // destination ports; nil every port
}

// key tells matches apart.
func (m iptMatch) key() string {
	return fmt.Sprintf("%q %q %q %q %v", m.proto, m.from, m.to, m.iface, m.ports)
}

// iptCombine returns what a rule with match inner matches when reached by
// jumps that match outer: inner's -s, -d, -i and -p where it has them (as
// broad as, or broader than, both together), else outer's; the ports of
// both. ok is false when no packet matches both.
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

// ChainPolicies returns the policy of the built-in chains of the filter table from iptables-save or ip6tables-save output, e.g. {"INPUT": "DROP", "FORWARD": "DROP", "OUTPUT": "ACCEPT"}.
//
// User chains, whose policy iptables-save prints as "-", are left out; the
// map is empty when the output has no filter table. It reads what it can
// and never fails: ParseIptablesSave tells whether the output is sound.
func ChainPolicies(out string) map[string]string {
	policies := map[string]string{}
	table := ""
	for _, line := range strings.Split(out, "\n") {
		text := strings.TrimSpace(line)
		switch {
		case strings.HasPrefix(text, "*"):
			table = text[1:]
		case text == "COMMIT":
			table = ""
		case table == "filter" && strings.HasPrefix(text, ":"):
			if f := strings.Fields(text[1:]); len(f) >= 2 && f[1] != "-" {
				policies[f[0]] = f[1]
			}
		}
	}
	return policies
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
	"--comment": true,
}

// iptRule is a "-A CHAIN …" line of table filter or nat.
type iptRule struct {
	line          int    // 1-based
	text          string // as printed
	chain, target string // target is that of -j or -g, "" without
	match         iptMatch
	// skip is true when the rule matches no new TCP or UDP connection from
	// another host: on -i lo, for states without NEW, of another protocol,
	// with no port in all its port matches, or (nat) to a loopback address.
	skip bool
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
	neg := false
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
		case "--state", "--ctstate":
			isNew := false
			for _, s := range strings.Split(val, ",") {
				if strings.EqualFold(s, "NEW") {
					isNew = true
				}
			}
			if isNew == negated {
				r.skip = true // established, related, invalid… only
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
