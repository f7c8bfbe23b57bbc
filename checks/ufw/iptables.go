package ufw

// The parsers of this file read what iptables-save and ip6tables-save print
// (iptables 1.4.3 and later, legacy or nf_tables backend): a "*table" line,
// the ":CHAIN POLICY [packets:bytes]" lines, the "-A CHAIN …" rules in
// iptables' own syntax and "COMMIT", for each table. Strings such as
// comments are in double quotes, with `"` and `\` escaped by a backslash.
//
// ufw hooks its chains (ufw-before-input, ufw-user-input, …) into INPUT, so
// a rule that accepts in INPUT itself, or a DNAT that Docker adds for a
// published port, lets connections in that ufw's rules never judge.

import (
	"errors"
	"fmt"
	"net/netip"
	"strconv"
	"strings"
	"unicode/utf8"
)

// ParseIptablesSave reads the output of `iptables-save` (v6=false) or `ip6tables-save` (v6=true) and returns the
// rules outside ufw that accept incoming connections ufw's own rules never see.
//
// They are the rules of the built-in INPUT chain of the filter table that
// jump to ACCEPT, and the DNAT rules of the DOCKER chain of the nat table
// (Docker's published ports, which are routed past INPUT), each as an
// incoming "allow" Rule with File ("iptables-save" or "ip6tables-save"),
// Line (1-based) and Text (the line as printed). Left out are the rules
// that cannot accept a new TCP or UDP connection from another host: those
// on -i lo, those matching only conntrack/state states without NEW, those
// of another protocol (icmp, ipv6-icmp, sctp, …), and DNATs to a loopback
// destination (-d 127.0.0.1/32, -d ::1/128). Rules of other chains are
// never returned, even when INPUT jumps to them: those of ufw's chains
// (ufw-*, ufw6-*) are judged from ufw's own rules.
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
	table, open, tableLine := "", false, 0
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
		case text == "COMMIT":
			if !open {
				return nil, bad("COMMIT outside a table")
			}
			open = false
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
			r, ok, err := parseIptRule(toks, table)
			if err != nil {
				return nil, bad(err.Error())
			}
			if !ok {
				continue
			}
			r.File, r.Line, r.Text, r.V6 = file, i+1, line, v6
			rules = append(rules, r)
		default:
			return nil, bad("want *TABLE, :CHAIN, -A CHAIN, COMMIT or a # comment")
		}
	}
	if open {
		return nil, fmt.Errorf("parse %s: table %s of line %d without COMMIT", file, iptShort(table, 20), tableLine)
	}
	return rules, nil
}

// ChainPolicies returns the policy of the built-in chains of the filter table from iptables-save output, e.g. {"INPUT": "DROP", "FORWARD": "DROP", "OUTPUT": "ACCEPT"}.
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
	"--state": true, "--ctstate": true,
	"--comment": true,
}

// parseIptRule reads the words of a "-A CHAIN …" line of table filter or
// nat; ok is false when the rule is not one ParseIptablesSave returns.
func parseIptRule(toks []iptToken, table string) (r Rule, ok bool, err error) {
	if len(toks) < 2 || toks[1].quoted || toks[1].s == "" {
		return Rule{}, false, errors.New("-A without a chain")
	}
	chain, target := toks[1].s, ""
	skip := false
	proto := ""              // "" any, tcp, udp, or another protocol
	var dports [][]PortRange // what each --dport/--dports allows
	var comments []string
	r = Rule{Action: "allow", Direction: "in", FromAnywhere: true}
	neg := false
	for k := 2; k < len(toks); k++ {
		t := toks[k]
		if !t.quoted && t.s == "!" {
			if neg {
				return Rule{}, false, errors.New(`"! !"`)
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
			return Rule{}, false, fmt.Errorf("%s without a value", opt)
		}
		k++
		v := toks[k]
		if !v.quoted && v.s == "!" {
			// iptables before 1.4.3 printed "--dport ! 22".
			if neg || k+1 == len(toks) {
				return Rule{}, false, fmt.Errorf("%s without a value", opt)
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
			proto = p
		case "-s", "--source", "--src":
			if !negated && !iptAnyAddr(val) {
				r.From, r.FromAnywhere = val, false
			}
		case "-d", "--destination", "--dst":
			if !negated && !iptAnyAddr(val) {
				r.To = val
				if table == "nat" && iptLoopback(val) {
					skip = true // reachable from the host only
				}
			}
		case "-i", "--in-interface":
			if !negated {
				r.Interface = val
				if val == "lo" {
					skip = true
				}
			}
		case "-j", "--jump", "-g", "--goto":
			target = val
		case "--dport", "--destination-port", "--dports", "--destination-ports", "--ports":
			list := opt == "--dports" || opt == "--destination-ports" || opt == "--ports"
			ports, err := iptPorts(val, list)
			if err != nil {
				return Rule{}, false, err
			}
			// --ports matches the source port too: any destination port.
			if !negated && opt != "--ports" {
				dports = append(dports, ports)
			}
		case "--state", "--ctstate":
			isNew := false
			for _, s := range strings.Split(val, ",") {
				if strings.EqualFold(s, "NEW") {
					isNew = true
				}
			}
			if isNew == negated {
				skip = true // established, related, invalid… only
			}
		case "--comment":
			comments = append(comments, val)
		}
	}
	if neg {
		return Rule{}, false, errors.New(`"!" at the end`)
	}
	wantChain, wantTarget := "INPUT", "ACCEPT"
	if table == "nat" {
		wantChain, wantTarget = "DOCKER", "DNAT"
	}
	if skip || chain != wantChain || target != wantTarget || (proto != "" && proto != "tcp" && proto != "udp") {
		return Rule{}, false, nil
	}
	for k, ports := range dports {
		if k == 0 {
			r.Ports = ports
			continue
		}
		if r.Ports = iptIntersect(r.Ports, ports); len(r.Ports) == 0 {
			return Rule{}, false, nil // no port matches both
		}
	}
	r.Proto = proto
	r.Comment = strings.Join(comments, " ")
	return r, true, nil
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
