package ufw

// The parsers of this file read what ufw, ss and the kernel print, as
// ufw 0.31 to 0.36.2 print it. They take text and return data: they never
// run anything, so the collector decides how the text is obtained.
//
// ufw prints a rule as
//
//	"%-26s %-12s%-26s%s%s" % (To, "ACTION DIR", From, " (log)", " # comment")
//
// so a To longer than 26 characters is followed by a single space
// ("80,443/tcp (Nginx Full (v6)) ALLOW IN    Anywhere (v6)"), while the
// action column is always followed by at least two. Within To and From a
// location reads [ADDR] [PORTS[/PROTO] | APP] [(APP)] [(v6)] [on IFACE],
// and "Anywhere[/PROTO]" when neither an address nor a port is set. See
// get_status in ufw's backend_iptables.py.

import (
	"encoding/hex"
	"errors"
	"fmt"
	"net/netip"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"
)

// ParseStatus reads `ufw status verbose` (also accepts plain `ufw status`
// and `ufw status numbered`, which lack defaults/logging). Unknown lines are
// an error naming the line, never skipped silently; "Status: inactive" gives
// Active false and no rules.
//
// Run ufw with LC_ALL=C: the output is translated. Rules are numbered by
// their place in `ufw status numbered`, or else in the order they appear,
// which in verbose and plain output groups incoming, then outgoing, then
// routed rules, each IPv4 first.
func ParseStatus(out string) (Status, error) {
	st := Status{Rules: []Rule{}}
	lines := strings.Split(out, "\n")
	i := 0
	for i < len(lines) && strings.TrimSpace(lines[i]) == "" {
		i++
	}
	if i == len(lines) {
		return Status{}, errors.New(`parse ufw status: empty output, want "Status: active" or "Status: inactive"`)
	}
	switch strings.TrimSpace(lines[i]) {
	case "Status: active":
		st.Active = true
	case "Status: inactive":
		for j := i + 1; j < len(lines); j++ {
			if strings.TrimSpace(lines[j]) != "" {
				return Status{}, lineError(j, lines[j], `nothing may follow "Status: inactive"`)
			}
		}
		return st, nil
	default:
		return Status{}, lineError(i, lines[i], `want "Status: active" or "Status: inactive"`)
	}

	const (
		inHead  = iota // Logging, Default, New profiles
		inTitle        // after "To Action From", before its dashes
		inRules
	)
	state := inHead
	seen := map[string]bool{}
	numbered := 0 // 1 numbered, -1 not, 0 no rule yet
	for j := i + 1; j < len(lines); j++ {
		raw := strings.TrimRight(lines[j], "\r")
		text := strings.TrimSpace(raw)
		if text == "" {
			continue
		}
		switch state {
		case inHead:
			if f := strings.Fields(text); len(f) == 3 && f[0] == "To" && f[1] == "Action" && f[2] == "From" {
				state = inTitle
				continue
			}
			key, val, ok := strings.Cut(text, ": ")
			if !ok || seen[key] {
				return Status{}, lineError(j, raw, "unknown or repeated line")
			}
			seen[key] = true
			var err error
			switch key {
			case "Logging":
				st.Logging, err = parseLogging(val)
			case "Default":
				st.Incoming, st.Outgoing, st.Routed, err = parseDefaultLine(val)
			case "New profiles":
				if !oneOf(val, "skip", "allow", "deny", "reject") {
					err = fmt.Errorf("unknown application policy %q", val)
				}
			default:
				err = errors.New("unknown line")
			}
			if err != nil {
				return Status{}, lineError(j, raw, err.Error())
			}
		case inTitle:
			if f := strings.Fields(text); len(f) != 3 || f[0] != "--" || f[1] != "------" || f[2] != "----" {
				return Status{}, lineError(j, raw, `want the "--  ------  ----" line under the table header`)
			}
			state = inRules
		case inRules:
			r, n, err := parseStatusRule(raw)
			if err != nil {
				return Status{}, lineError(j, raw, err.Error())
			}
			isNumbered := -1
			if n > 0 {
				isNumbered = 1
			}
			if numbered != 0 && numbered != isNumbered {
				return Status{}, lineError(j, raw, "numbered and unnumbered rules mixed")
			}
			numbered = isNumbered
			r.Number = n
			if n == 0 {
				r.Number = len(st.Rules) + 1
			}
			st.Rules = append(st.Rules, r)
		}
	}
	if state == inTitle {
		return Status{}, errors.New(`parse ufw status: table header without its "--  ------  ----" line`)
	}
	st.Numbered = numbered == 1
	return st, nil
}

// lineError names line j (0-based) of the output.
func lineError(j int, line, msg string) error {
	line = strings.TrimSpace(line)
	if len(line) > 120 {
		line = line[:120] + "…"
	}
	return fmt.Errorf("parse ufw status: line %d %q: %s", j+1, line, msg)
}

// logLevels are the levels of ufw.conf LOGLEVEL, "off" included.
var logLevels = []string{"off", "low", "medium", "high", "full"}

// parseLogging reads the value of "Logging: on (low)", "Logging: off" or
// "Logging: unknown" (LOGLEVEL missing or invalid in ufw.conf).
func parseLogging(v string) (string, error) {
	if v == "off" || v == "unknown" {
		return v, nil
	}
	if l, ok := strings.CutPrefix(v, "on ("); ok {
		if l, ok = strings.CutSuffix(l, ")"); ok && l != "off" && oneOf(l, logLevels...) {
			return l, nil
		}
	}
	return "", fmt.Errorf("unknown logging %q", v)
}

var defaultRe = regexp.MustCompile(`^(\w+) \(incoming\), (\w+) \(outgoing\)(?:, (\w+) \(routed\))?$`)

// parseDefaultLine reads the value of "Default: deny (incoming), allow
// (outgoing), disabled (routed)"; ufw before 0.34 had no routed policy.
func parseDefaultLine(v string) (in, out, routed string, err error) {
	m := defaultRe.FindStringSubmatch(v)
	if m == nil {
		return "", "", "", fmt.Errorf("unknown default policies %q", v)
	}
	in, out, routed = m[1], m[2], m[3]
	for _, p := range []string{in, out} {
		if !oneOf(p, "allow", "deny", "reject") {
			return "", "", "", fmt.Errorf("unknown default policy %q", p)
		}
	}
	if routed != "" && !oneOf(routed, "allow", "deny", "reject", "disabled") {
		return "", "", "", fmt.Errorf("unknown routed policy %q", routed)
	}
	return in, out, routed, nil
}

var (
	numberRe = regexp.MustCompile(`^\[ *([0-9]+)\] `)
	// actionAt matches the action column where To ends at its width.
	actionAt = regexp.MustCompile(`^ (ALLOW|DENY|REJECT|LIMIT)(?: (IN|OUT|FWD))?  +`)
	// actionIn finds it after a To longer than the column.
	actionIn = regexp.MustCompile(` (ALLOW|DENY|REJECT|LIMIT)(?: (IN|OUT|FWD))?  +`)
	attribRe = regexp.MustCompile(`^(.*?) +\(((?:log|log-all)(?:, out)?|out)\)$`)
)

// toWidth is the width of ufw's To column.
const toWidth = 26

// parseStatusRule reads one rule line of the table; n is its number in
// `ufw status numbered`, or 0.
func parseStatusRule(line string) (r Rule, n int, err error) {
	rest := line
	if m := numberRe.FindStringSubmatch(line); m != nil {
		n, err = strconv.Atoi(m[1])
		if err != nil || n < 1 {
			return Rule{}, 0, fmt.Errorf("bad rule number %q", m[1])
		}
		rest = line[len(m[0]):]
	}
	var to string
	var m []int
	if len(rest) > toWidth {
		if m = actionAt.FindStringSubmatchIndex(rest[toWidth:]); m != nil {
			to = strings.TrimSpace(rest[:toWidth])
			for k := range m {
				if m[k] >= 0 {
					m[k] += toWidth
				}
			}
		}
	}
	if to == "" {
		m = actionIn.FindStringSubmatchIndex(rest)
		if m == nil {
			return Rule{}, 0, errors.New("no ALLOW, DENY, REJECT or LIMIT column")
		}
		to = strings.TrimSpace(rest[:m[0]])
		if to == "" {
			return Rule{}, 0, errors.New("empty To column")
		}
	}
	action := rest[m[2]:m[3]]
	dir := ""
	if m[4] >= 0 {
		dir = rest[m[4]:m[5]]
	}
	from := rest[m[1]:]
	comment := ""
	hasComment := false
	if k := strings.Index(from, " # "); k >= 0 {
		comment, hasComment = from[k+3:], true
		from = from[:k]
	}
	from = strings.TrimSpace(from)
	attrib := ""
	if am := attribRe.FindStringSubmatch(from); am != nil {
		from, attrib = am[1], am[2]
	}
	if from == "" {
		return Rule{}, 0, errors.New("empty From column")
	}

	r.Action = strings.ToLower(action)
	r.Direction = "in"
	if dir != "" {
		r.Direction = strings.ToLower(dir)
	}
	if strings.HasSuffix(attrib, "out") && r.Direction == "in" {
		return Rule{}, 0, errors.New(`"(out)" on an incoming rule`)
	}
	dst, err := parseLocation(to)
	if err != nil {
		return Rule{}, 0, fmt.Errorf("the To column %q: %w", to, err)
	}
	src, err := parseLocation(from)
	if err != nil {
		return Rule{}, 0, fmt.Errorf("the From column %q: %w", from, err)
	}
	if err := r.fill(dst, src); err != nil {
		return Rule{}, 0, err
	}
	r.Comment = comment
	// ufw refuses to add a rule twice: no two rules of one listing share
	// a key.
	r.key = strings.Join([]string{r.Action, r.Direction, dst.key(), src.key(), comment}, "\x00")

	var b strings.Builder
	b.WriteString(to + " " + action)
	if dir != "" {
		b.WriteString(" " + dir)
	}
	b.WriteString(" " + from)
	if attrib != "" {
		b.WriteString(" (" + attrib + ")")
	}
	if hasComment {
		b.WriteString(" # " + comment)
	}
	r.Text = b.String()
	return r, n, nil
}

// location is the To or the From of a rule as ufw shows it.
type location struct {
	addr  string // "" for any
	ports []PortRange
	proto string
	app   string
	v6    bool
	iface string
}

var (
	portsRe = regexp.MustCompile(`^([0-9]+(?::[0-9]+)?(?:,[0-9]+(?::[0-9]+)?)*)(?:/([a-z][a-z0-9]*))?$`)
	protoRe = regexp.MustCompile(`^[a-z][a-z0-9]*$`)
	// appRe is ufw's valid_profile_name, which also refuses plain numbers.
	appRe   = regexp.MustCompile(`^[a-zA-Z0-9][a-zA-Z0-9 _\-.+]*$`)
	ifaceRe = regexp.MustCompile(`^[^\s()!:/]+$`)
)

// parseLocation reads a To or From column.
func parseLocation(s string) (location, error) {
	var l location
	if k := strings.LastIndex(s, " on "); k >= 0 && ifaceRe.MatchString(s[k+4:]) {
		l.iface, s = s[k+4:], s[:k]
	}
	if t, ok := strings.CutSuffix(s, " (v6)"); ok {
		l.v6, s = true, t
	}
	// Verbose output names the application after its ports:
	// "22/tcp (OpenSSH)", "22/tcp (OpenSSH (v6))".
	if strings.HasSuffix(s, ")") {
		k := strings.Index(s, " (")
		if k < 0 {
			return l, errors.New("unbalanced parenthesis")
		}
		app := s[k+2 : len(s)-1]
		if t, ok := strings.CutSuffix(app, " (v6)"); ok {
			l.v6, app = true, t
		}
		if !validApp(app) {
			return l, fmt.Errorf("bad application name %q", app)
		}
		l.app, s = app, s[:k]
	}
	head, tail, _ := strings.Cut(s, " ")
	rest := s
	if a, ok := strings.CutPrefix(head, "Anywhere"); ok && (a == "" || a[0] == '/') {
		if tail != "" {
			return l, fmt.Errorf("%q after Anywhere", tail)
		}
		if a != "" {
			if !protoRe.MatchString(a[1:]) {
				return l, fmt.Errorf("bad protocol %q", a[1:])
			}
			l.proto = a[1:]
		}
		if l.app != "" {
			return l, errors.New("application without ports")
		}
		return l, nil
	}
	if addr, proto, ok := splitAddr(head); ok {
		l.addr, l.proto, rest = addr, proto, tail
	}
	if rest == "" {
		if l.addr == "" {
			return l, errors.New("empty")
		}
		if l.app != "" {
			return l, errors.New("application without ports")
		}
		return l, nil
	}
	if l.proto != "" {
		return l, fmt.Errorf("%q after a protocol", rest)
	}
	if m := portsRe.FindStringSubmatch(rest); m != nil {
		ports, err := parsePorts(m[1])
		if err != nil {
			return l, err
		}
		l.ports, l.proto = ports, m[2]
		return l, nil
	}
	// Plain and numbered output show the application instead of ports.
	if l.app != "" || !validApp(rest) {
		return l, fmt.Errorf("bad port or application %q", rest)
	}
	l.app = rest
	return l, nil
}

func validApp(s string) bool {
	if !appRe.MatchString(s) {
		return false
	}
	_, err := strconv.Atoi(s)
	return err != nil
}

// splitAddr reads an address, a network (CIDR or dotted netmask), either
// with "/PROTO" when the rule has a protocol but no port.
func splitAddr(s string) (addr, proto string, ok bool) {
	if isAddr(s) {
		return s, "", true
	}
	if k := strings.LastIndex(s, "/"); k > 0 && protoRe.MatchString(s[k+1:]) && isAddr(s[:k]) {
		return s[:k], s[k+1:], true
	}
	return "", "", false
}

func isAddr(s string) bool {
	if _, err := netip.ParseAddr(s); err == nil {
		return !strings.Contains(s, "%")
	}
	if _, err := netip.ParsePrefix(s); err == nil {
		return true
	}
	a, mask, ok := strings.Cut(s, "/")
	if !ok {
		return false
	}
	x, err1 := netip.ParseAddr(a)
	y, err2 := netip.ParseAddr(mask)
	return err1 == nil && err2 == nil && x.Is4() && y.Is4()
}

func isV6Addr(s string) bool {
	return s != "" && strings.Contains(s, ":")
}

func isAnyAddr(s string) bool {
	return s == "" || s == "0.0.0.0/0" || s == "::/0"
}

// parsePorts reads "80", "80,443", "60000:61000", "22,80,1000:1005".
func parsePorts(s string) ([]PortRange, error) {
	var ports []PortRange
	for _, p := range strings.Split(s, ",") {
		lo, hi, isRange := strings.Cut(p, ":")
		if !isRange {
			hi = lo
		}
		a, err1 := strconv.Atoi(lo)
		b, err2 := strconv.Atoi(hi)
		if err1 != nil || err2 != nil || a < 0 || b > 65535 || a > b {
			return nil, fmt.Errorf("bad port %q", p)
		}
		ports = append(ports, PortRange{From: a, To: b})
	}
	return ports, nil
}

// fill sets the fields of r that come from its two locations; Action and
// Direction must be set.
func (r *Rule) fill(dst, src location) error {
	r.Ports = dst.ports
	r.Proto = dst.proto
	if src.proto != "" {
		if r.Proto != "" && r.Proto != src.proto {
			return fmt.Errorf("protocols %s and %s", r.Proto, src.proto)
		}
		r.Proto = src.proto
	}
	r.App = dst.app
	if !isAnyAddr(dst.addr) {
		r.To = dst.addr
	}
	r.From, r.FromAnywhere = "Anywhere", true
	if !isAnyAddr(src.addr) {
		r.From, r.FromAnywhere = src.addr, false
	}
	r.V6 = dst.v6 || src.v6 || isV6Addr(dst.addr) || isV6Addr(src.addr)
	// ufw shows the incoming interface under To and the outgoing one under
	// From, except for routed rules, where it is the other way round.
	in, out := dst.iface, src.iface
	if r.Direction == "fwd" {
		in, out = src.iface, dst.iface
	}
	r.Interface = pickInterface(r.Direction, in, out)
	return nil
}

// pickInterface chooses the one interface a Rule holds: the incoming one
// of incoming and routed rules, the outgoing one of outgoing rules and of
// routed rules limited only by it.
func pickInterface(dir, in, out string) string {
	if dir == "out" || in == "" {
		return out
	}
	return in
}

// ParseRulesFiles reads user.rules and user6.rules (the "### tuple ###"
// lines ufw writes: `### tuple ### ACTION PROTO DPORT DST SPORT SRC [DAPP
// SAPP] DIRECTION[_IFACE]`, comment=HEX after) as a fallback when ufw cannot
// be run; rules get File and Line. Defaults come from /etc/default/ufw
// (ParseDefaults), logging and whether ufw starts at boot from ufw.conf
// (ParseConf).
//
// rules6 is nil when IPv6 is off. A malformed tuple is an error naming its
// file and line (ufw itself skips it with a warning). Text is the rule as
// `ufw status verbose` would show it, Number its place in `ufw status
// numbered`: the tuples of an application profile with several protocols
// share one.
func ParseRulesFiles(rules4, rules6 []byte, file4, file6 string) ([]Rule, error) {
	rules := []Rule{}
	number := 0
	apps := map[string]int{}
	for _, f := range []struct {
		b    []byte
		name string
		v6   bool
	}{{rules4, file4, false}, {rules6, file6, true}} {
		for i, line := range strings.Split(string(f.b), "\n") {
			line = strings.TrimRight(line, "\r")
			if !strings.HasPrefix(line, "### tuple ###") {
				continue
			}
			r, appKey, err := parseTuple(line, f.v6)
			if err != nil {
				return nil, fmt.Errorf("parse %s:%d: %w", f.name, i+1, err)
			}
			r.File, r.Line = f.name, i+1
			if n, ok := apps[appKey]; ok && appKey != "" {
				r.Number = n
			} else {
				number++
				r.Number = number
				if appKey != "" {
					apps[appKey] = number
				}
			}
			rules = append(rules, r)
		}
	}
	return rules, nil
}

// parseTuple reads one "### tuple ###" line. appKey is ufw's
// get_app_tuple for rules with an application: status output shows one
// line for all the rules with the same key.
func parseTuple(line string, v6 bool) (r Rule, appKey string, err error) {
	t := strings.TrimPrefix(line, "### tuple ###")
	hexComment := ""
	if parts := strings.Split(t, " comment="); len(parts) > 2 {
		return Rule{}, "", errors.New("more than one comment=")
	} else if len(parts) == 2 {
		t, hexComment = parts[0], strings.TrimSpace(parts[1])
	}
	f := strings.Fields(t)
	if len(f) < 6 || len(f) > 9 {
		return Rule{}, "", fmt.Errorf("tuple of %d fields, want 6 to 9", len(f))
	}
	action, proto, dport, dst, sport, src := f[0], f[1], f[2], f[3], f[4], f[5]

	forward := false
	if a, ok := strings.CutPrefix(action, "route:"); ok {
		forward, action = true, a
	}
	action, logtype, _ := strings.Cut(action, "_")
	if !oneOf(action, "allow", "deny", "reject", "limit") {
		return Rule{}, "", fmt.Errorf("unknown action %q", f[0])
	}
	if logtype != "" && !oneOf(logtype, "log", "log-all") {
		return Rule{}, "", fmt.Errorf("unknown log type %q", logtype)
	}
	if !protoRe.MatchString(proto) {
		return Rule{}, "", fmt.Errorf("bad protocol %q", proto)
	}
	var ports []PortRange
	for _, p := range []string{dport, sport} {
		if p == "any" {
			continue
		}
		pr, err := parsePorts(p)
		if err != nil || !portsRe.MatchString(p) {
			return Rule{}, "", fmt.Errorf("bad port %q", p)
		}
		if p == dport {
			ports = pr
		}
	}
	for _, a := range []string{dst, src} {
		if !isAddr(a) || isV6Addr(a) != v6 {
			return Rule{}, "", fmt.Errorf("bad address %q", a)
		}
	}
	dapp, sapp := "", ""
	if len(f) >= 8 {
		for k, p := range []*string{&dapp, &sapp} {
			if v := f[6+k]; v != "-" {
				*p = strings.ReplaceAll(v, "%20", " ")
				if !validApp(*p) {
					return Rule{}, "", fmt.Errorf("bad application name %q", v)
				}
			}
		}
	}
	// ufw writes an application's ports with it: a profile with "any"
	// port is no tuple ufw wrote.
	if (dapp != "" && dport == "any") || (sapp != "" && sport == "any") {
		return Rule{}, "", errors.New("application without ports")
	}
	direction, in, out := "in", "", ""
	if len(f) == 7 || len(f) == 9 {
		if direction, in, out, err = parseTupleDirection(f[len(f)-1]); err != nil {
			return Rule{}, "", err
		}
	}
	comment := ""
	if hexComment != "" {
		if comment, err = hexDecode(hexComment); err != nil {
			return Rule{}, "", err
		}
	}

	r = Rule{
		Action:    action,
		Direction: direction,
		Ports:     ports,
		App:       dapp,
		V6:        v6,
		Comment:   comment,
	}
	if forward {
		r.Direction = "fwd"
	}
	if proto != "any" {
		r.Proto = proto
	}
	if !isAnyAddr(dst) {
		r.To = dst
	}
	r.From, r.FromAnywhere = "Anywhere", true
	if !isAnyAddr(src) {
		r.From, r.FromAnywhere = src, false
	}
	r.Interface = pickInterface(r.Direction, in, out)

	// What `ufw status verbose` shows (get_status).
	show := func(addr, port, app, iface string) string {
		s := ""
		if !isAnyAddr(addr) {
			s = addr
		}
		switch {
		case port != "any":
			s = strings.TrimPrefix(s+" "+port, " ")
			if proto != "any" {
				s += "/" + proto
			}
			if app != "" {
				s += " (" + app
				if v6 && addr == "::/0" {
					s += " (v6)"
				}
				s += ")"
			}
			if v6 && dst == "::/0" && src == "::/0" && !strings.Contains(s, " (v6)") {
				s += " (v6)"
			}
		case isAnyAddr(addr):
			s = "Anywhere"
			if proto != "any" && dst == src && dport == sport {
				s += "/" + proto
			}
			if addr == "::/0" {
				s += " (v6)"
			}
		case proto != "any" && dport == sport:
			s += "/" + proto
		}
		if iface != "" {
			s += " on " + iface
		}
		return s
	}
	dstIface, srcIface := in, out
	if forward {
		dstIface, srcIface = out, in
	}
	dirText := strings.ToUpper(direction)
	if forward {
		dirText = "FWD"
	}
	text := show(dst, dport, dapp, dstIface) + " " + strings.ToUpper(action) + " " + dirText + " " + show(src, sport, sapp, srcIface)
	if logtype != "" {
		text += " (" + logtype + ")"
	}
	if hexComment != "" {
		text += " # " + comment
	}
	r.Text = text

	if dapp != "" || sapp != "" {
		d, s := dapp, sapp
		if d == "" {
			d = dport
		}
		if s == "" {
			s = sport
		}
		appKey = strings.Join([]string{d, dst, s, src}, " ")
		switch {
		case in == "" && out == "":
			appKey += " " + direction
		default:
			if in != "" {
				appKey += " in_" + in
			}
			if out != "" {
				appKey += " out_" + out
			}
		}
	}
	return r, appKey, nil
}

// parseTupleDirection reads "in", "out", "in_eth0", "out_eth0" or
// "in_eth0!out_eth1".
func parseTupleDirection(s string) (dir, in, out string, err error) {
	bad := fmt.Errorf("bad direction %q", s)
	first, second, both := strings.Cut(s, "!")
	dir, iface, _ := strings.Cut(first, "_")
	switch dir {
	case "in":
		in = iface
	case "out":
		out = iface
	default:
		return "", "", "", bad
	}
	if both {
		o, ok := strings.CutPrefix(second, "out_")
		if dir != "in" || in == "" || !ok {
			return "", "", "", bad
		}
		out = o
	}
	for _, i := range []string{in, out} {
		if i != "" && !ifaceRe.MatchString(i) {
			return "", "", "", bad
		}
	}
	if strings.Contains(first, "_") && in == "" && out == "" {
		return "", "", "", bad
	}
	return dir, in, out, nil
}

// hexDecode decodes a rule comment as ufw's hex_decode does: an odd last
// digit is dropped, and bytes that are not UTF-8 become \xNN.
func hexDecode(h string) (string, error) {
	b, err := hex.DecodeString(h[:len(h)-len(h)%2])
	if err != nil {
		return "", fmt.Errorf("bad comment: %w", err)
	}
	if utf8.Valid(b) {
		return string(b), nil
	}
	var s strings.Builder
	for len(b) > 0 {
		c, size := utf8.DecodeRune(b)
		if c == utf8.RuneError && size <= 1 {
			fmt.Fprintf(&s, `\x%02x`, b[0])
		} else {
			s.Write(b[:size])
		}
		b = b[size:]
	}
	return s.String(), nil
}

// assignRe is what ufw counts as a setting in its configuration files.
var assignRe = regexp.MustCompile(`^(\w+)=(.*)$`)

// readSettings reads the NAME=value lines of /etc/default/ufw or ufw.conf
// as ufw does: names in lower case, quotes trimmed, other lines (comments,
// blank lines) ignored, the last setting winning.
func readSettings(b []byte) map[string]string {
	m := map[string]string{}
	for _, line := range strings.Split(string(b), "\n") {
		if a := assignRe.FindStringSubmatch(strings.TrimRight(line, " \t\r")); a != nil {
			m[strings.ToLower(a[1])] = strings.Trim(strings.TrimSpace(a[2]), `"'`)
		}
	}
	return m
}

// ParseDefaults reads /etc/default/ufw: the default policies
// (DEFAULT_INPUT_POLICY etc.: DROP→deny, REJECT→reject, ACCEPT→allow) and
// IPV6. ufw reports routed "disabled" when IP forwarding is off, which the
// files cannot tell: routed is then what DEFAULT_FORWARD_POLICY says. A
// missing or unknown policy is an error, as it is for ufw.
func ParseDefaults(defaultUFW []byte) (incoming, outgoing, routed string, ipv6 bool, err error) {
	m := readSettings(defaultUFW)
	var p [3]string
	for k, chain := range []string{"input", "output", "forward"} {
		key := "default_" + chain + "_policy"
		v, ok := m[key]
		if !ok {
			return "", "", "", false, fmt.Errorf("parse /etc/default/ufw: no %s", strings.ToUpper(key))
		}
		switch strings.ToLower(v) {
		case "accept":
			p[k] = "allow"
		case "drop":
			p[k] = "deny"
		case "reject":
			p[k] = "reject"
		default:
			return "", "", "", false, fmt.Errorf("parse /etc/default/ufw: %s=%q, want ACCEPT, DROP or REJECT", strings.ToUpper(key), v)
		}
	}
	return p[0], p[1], p[2], strings.ToLower(m["ipv6"]) == "yes", nil
}

// ParseConf reads /etc/ufw/ufw.conf: enabled is ENABLED=yes, whether ufw
// starts at boot (ufw-init accepts "yes" and "YES"); logLevel is LOGLEVEL
// (off, low, medium, high, full), or "unknown" when missing or invalid,
// as `ufw status verbose` then says. A file with neither setting is an
// error: it is not a ufw.conf.
func ParseConf(ufwConf []byte) (enabled bool, logLevel string, err error) {
	m := readSettings(ufwConf)
	e, hasEnabled := m["enabled"]
	l, hasLevel := m["loglevel"]
	if !hasEnabled && !hasLevel {
		return false, "", errors.New("parse ufw.conf: no ENABLED or LOGLEVEL setting")
	}
	logLevel = strings.ToLower(l)
	if !oneOf(logLevel, logLevels...) {
		logLevel = "unknown"
	}
	return e == "yes" || e == "YES", logLevel, nil
}

// usersRe matches a process in ss -p; iproute2 before 3.18 printed
// ("name",pid,fd).
var usersRe = regexp.MustCompile(`\("(.*?)",(?:pid=)?[0-9]+,(?:fd=)?[0-9]+\)`)

// ParseSS reads `ss -Hltnp` (State Recv-Q Send-Q Local:Port Peer:Port
// [users:(("name",pid=N,fd=N))]) incl. IPv6 [::]:22, *:22 and %iface
// suffixes (127.0.0.53%lo:53), which Addr keeps: "127.0.0.53%lo" listens
// on lo only. A header line is allowed; anything but a LISTEN line is an
// error. Process is the program name, several distinct ones joined by ",";
// empty when ss could not see it (not root, another namespace).
func ParseSS(out string) ([]Socket, error) {
	socks := []Socket{}
	for i, line := range strings.Split(out, "\n") {
		text, users, _ := strings.Cut(line, " users:(")
		f := strings.Fields(text)
		if len(f) == 0 {
			continue
		}
		if f[0] == "State" || f[0] == "Netid" {
			continue // the header, without -H
		}
		if len(f) == 6 && f[0] == "tcp" {
			f = f[1:]
		}
		bad := func(msg string) error {
			return fmt.Errorf("parse ss: line %d %q: %s", i+1, strings.TrimSpace(line), msg)
		}
		if len(f) != 5 || f[0] != "LISTEN" {
			return nil, bad("want LISTEN Recv-Q Send-Q Local:Port Peer:Port")
		}
		for _, q := range f[1:3] {
			if _, err := strconv.ParseUint(q, 10, 64); err != nil {
				return nil, bad("bad queue size " + strconv.Quote(q))
			}
		}
		s, err := parseSSAddr(f[3])
		if err != nil {
			return nil, bad(err.Error())
		}
		if users != "" {
			var names []string
			for _, m := range usersRe.FindAllStringSubmatch(users, -1) {
				if !oneOf(m[1], names...) {
					names = append(names, m[1])
				}
			}
			if names == nil {
				return nil, bad("bad users:(…)")
			}
			s.Process = strings.Join(names, ",")
		}
		socks = append(socks, s)
	}
	return socks, nil
}

// parseSSAddr reads 0.0.0.0:22, [::]:22, *:22, 127.0.0.53%lo:53 or
// [fe80::1%eth0]:22.
func parseSSAddr(s string) (Socket, error) {
	k := strings.LastIndex(s, ":")
	if k < 0 {
		return Socket{}, fmt.Errorf("bad address %q", s)
	}
	host, p := s[:k], s[k+1:]
	port, err := strconv.ParseUint(p, 10, 16)
	if err != nil {
		return Socket{}, fmt.Errorf("bad port %q", p)
	}
	bracketed := false
	if h, ok := strings.CutPrefix(host, "["); ok {
		if host, ok = strings.CutSuffix(h, "]"); !ok {
			return Socket{}, fmt.Errorf("bad address %q", s)
		}
		bracketed = true
	}
	ip, zone, _ := strings.Cut(host, "%")
	if zone != "" && !ifaceRe.MatchString(zone) {
		return Socket{}, fmt.Errorf("bad interface in %q", s)
	}
	sock := Socket{Addr: host, Port: int(port)}
	// A socket bound to the loopback device (SO_BINDTODEVICE, shown as
	// ADDR%lo) takes no connection from other machines.
	sock.Loopback = zone == "lo"
	if ip == "*" {
		return sock, nil
	}
	a, err := netip.ParseAddr(ip)
	if err != nil {
		return Socket{}, fmt.Errorf("bad address %q", s)
	}
	if a.Is4In6() {
		// An IPv4-mapped address takes IPv4 connections: IPv4 rules apply.
		sock.Addr = a.Unmap().String()
		if zone != "" {
			sock.Addr += "%" + zone
		}
	}
	sock.Loopback = sock.Loopback || a.Unmap().IsLoopback()
	// ss shows a socket on :: that takes IPv4 too as *, one that takes
	// IPv6 alone (IPV6_V6ONLY) as [::]; old versions show both as :::.
	sock.V6Only = bracketed && a.IsUnspecified() && a.Is6()
	return sock, nil
}

// tcpListen is TCP_LISTEN in the st column of /proc/net/tcp.
const tcpListen = "0A"

// ParseProcNetTCP reads /proc/net/tcp, or /proc/net/tcp6 when v6: the
// sockets in state 0A (LISTEN), whose little-endian hex addresses it
// decodes. Process is unknown there.
func ParseProcNetTCP(content string, v6 bool) ([]Socket, error) {
	socks := []Socket{}
	for i, line := range strings.Split(content, "\n") {
		f := strings.Fields(line)
		if len(f) == 0 || f[0] == "sl" {
			continue
		}
		bad := func(msg string) error {
			return fmt.Errorf("parse /proc/net/tcp: line %d %q: %s", i+1, strings.TrimSpace(line), msg)
		}
		if len(f) < 4 || !strings.HasSuffix(f[0], ":") {
			return nil, bad("want sl local_address rem_address st …")
		}
		st, err := hex.DecodeString(f[3])
		if err != nil || len(st) != 1 {
			return nil, bad("bad state " + strconv.Quote(f[3]))
		}
		if strings.ToUpper(f[3]) != tcpListen {
			continue
		}
		h, p, ok := strings.Cut(f[1], ":")
		b, err := hex.DecodeString(h)
		if !ok || err != nil || (v6 && len(b) != 16) || (!v6 && len(b) != 4) {
			return nil, bad("bad local address " + strconv.Quote(f[1]))
		}
		port, err := strconv.ParseUint(p, 16, 16)
		if err != nil || len(p) != 4 {
			return nil, bad("bad local port " + strconv.Quote(f[1]))
		}
		// The kernel prints each 32-bit word in host (little-endian) order.
		for w := 0; w < len(b); w += 4 {
			b[w], b[w+1], b[w+2], b[w+3] = b[w+3], b[w+2], b[w+1], b[w]
		}
		a, _ := netip.AddrFromSlice(b)
		// An IPv4-mapped address takes IPv4 connections: IPv4 rules apply.
		socks = append(socks, Socket{Addr: a.Unmap().String(), Port: int(port), Loopback: a.Unmap().IsLoopback()})
	}
	return socks, nil
}

func oneOf(s string, set ...string) bool {
	for _, x := range set {
		if s == x {
			return true
		}
	}
	return false
}

// Renumber gives rules read from `ufw status verbose` their numbers in
// `ufw status numbered` (whose parsed rules are numbered): verbose output
// groups incoming, outgoing and routed rules and shows each port of an
// application profile on a line of its own, so its order is not ufw's. It
// returns false, leaving rules as they are, when a rule has no single
// counterpart in numbered.
func Renumber(rules, numbered []Rule) bool {
	numbers := map[string]int{}
	for _, r := range numbered {
		k := r.key
		if _, dup := numbers[k]; dup || k == "" {
			return false
		}
		numbers[k] = r.Number
	}
	found := make([]int, len(rules))
	for i, r := range rules {
		n, ok := numbers[r.key]
		if !ok || r.key == "" {
			return false
		}
		found[i] = n
	}
	for i := range rules {
		rules[i].Number = found[i]
	}
	return true
}

// locationKey identifies a To or From column alike in verbose and numbered
// output: an application profile by its name, for numbered output shows
// no ports for it.
func (l location) key() string {
	if l.app != "" {
		return fmt.Sprintf("%s %s|%t|%s", l.addr, l.app, l.v6, l.iface)
	}
	return fmt.Sprintf("%s %v/%s|%t|%s", l.addr, l.ports, l.proto, l.v6, l.iface)
}
