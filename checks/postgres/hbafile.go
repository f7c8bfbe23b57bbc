package postgres

import (
	"errors"
	"fmt"
	"math/bits"
	"net/netip"
	"strings"

	"audit/checks/host"
)

// ParseHBA reads pg_hba.conf at file and everything it includes, as the
// server does (hba.c of PostgreSQL 16, which reads the files of 15
// alike): backslash continuation lines, comma lists, double-quoted
// names, @file name lists and the include, include_if_exists and
// include_dir records. Lines it cannot parse come back as rules with
// only File, Line and Error set (like pg_hba_file_rules' error rows),
// never dropped.
//
// Databases and Users hold the keywords (all, sameuser, samerole,
// replication), +group names and /regexps bare, and the names written
// in double quotes with their quotes ("all" is a database called all).
// Address is the address field as written; with a separate netmask
// column it is "ADDRESS NETMASK", as the SQL collector writes it.
// Options are name=value with the quotes of the value removed, and the
// secrets ldapbindpasswd and radiussecrets hidden.
//
// It returns an error only when a file cannot be read for another
// reason than that it does not exist (the server may read what the
// audit may not), or includes fan out to more than 10000 files or 64 MiB.
func ParseHBA(fsys host.FS, file string) ([]HBARule, error) {
	p := &hbaParser{files: fileReader{fsys: fsys}}
	text, err := p.files.read(file)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", file, err)
	}
	lines, err := p.tokenizeFile(file, text, 0)
	if err != nil {
		return nil, err
	}
	rules := make([]HBARule, 0, len(lines))
	for _, l := range lines {
		rules = append(rules, parseHBALine(l))
	}
	return rules, nil
}

// hbaToken is one name of a field, with whether it began with a double quote.
type hbaToken struct {
	s      string
	quoted bool
}

// hbaLine is a record of the file: its fields, each a list of tokens.
type hbaLine struct {
	file   string
	line   int
	fields [][]hbaToken
	err    string
}

type hbaParser struct {
	files fileReader
}

// openAuthFile is open_auth_file: it reads name at depth. A problem the
// server reports on the line comes back as msg (missing tells that the
// file does not exist); one that stops the parse as err.
func (p *hbaParser) openAuthFile(name string, depth int) (text, msg string, missing bool, err error) {
	if depth > maxIncludeDepth {
		return "", fmt.Sprintf("could not open file %q: maximum nesting depth exceeded", name), false, nil
	}
	text, err = p.files.read(name)
	if fileMissing(err) {
		return "", fmt.Sprintf("could not open file %q: No such file or directory", name), true, nil
	}
	if err != nil {
		return "", "", false, fmt.Errorf("read %s: %w", name, err)
	}
	return text, "", false, nil
}

// tokenizeFile is tokenize_auth_file: it splits text, the content of
// file, into records and expands the include records in place.
func (p *hbaParser) tokenizeFile(file, text string, depth int) ([]hbaLine, error) {
	var out []hbaLine
	var buf []byte
	for lineNum := 1; text != ""; {
		// Collect the next record, handling backslash continuations.
		buf = buf[:0]
		lastBackslash, continuations := 0, 0
		for text != "" {
			var physical string
			physical, text, _ = strings.Cut(text, "\n")
			if i := strings.IndexByte(physical, 0); i >= 0 {
				physical = physical[:i] // the server reads C strings
			}
			buf = append(buf, physical...)
			for len(buf) > 0 && (buf[len(buf)-1] == '\r' || buf[len(buf)-1] == '\n') {
				buf = buf[:len(buf)-1]
			}
			if len(buf) > lastBackslash && buf[len(buf)-1] == '\\' {
				buf = buf[:len(buf)-1]
				lastBackslash = len(buf)
				continuations++
				continue
			}
			break
		}
		record := hbaLine{file: file, line: lineNum}
		lineNum += continuations + 1

		line := string(buf)
		for i := 0; i < len(line) && record.err == ""; {
			field, next, msg, err := p.nextField(file, line, i, depth)
			if err != nil {
				return nil, err
			}
			if next <= i {
				break
			}
			i, record.err = next, msg
			if len(field) > 0 {
				record.fields = append(record.fields, field)
			}
		}
		if len(record.fields) == 0 && record.err == "" {
			continue
		}
		if record.err == "" && len(record.fields) == 2 {
			var err error
			included := true
			second := record.fields[1][0].s
			switch record.fields[0][0].s {
			case "include":
				out, record.err, err = p.includeFile(out, file, second, depth+1, false)
			case "include_if_exists":
				out, record.err, err = p.includeFile(out, file, second, depth+1, true)
			case "include_dir":
				out, record.err, err = p.includeDir(out, file, second, depth+1)
			default:
				included = false
			}
			if err != nil {
				return nil, err
			}
			if included && record.err == "" {
				continue
			}
		}
		out = append(out, record)
	}
	return out, nil
}

// includeFile is tokenize_include_file: it appends the records of
// included to out, or says why it cannot.
func (p *hbaParser) includeFile(out []hbaLine, outer, included string, depth int, missingOK bool) ([]hbaLine, string, error) {
	name := absoluteLocation(included, outer)
	text, msg, missing, err := p.openAuthFile(name, depth)
	if err != nil {
		return nil, "", err
	}
	if msg != "" {
		if missing && missingOK {
			return out, "", nil // skipping missing authentication file
		}
		return out, msg, nil
	}
	lines, err := p.tokenizeFile(name, text, depth)
	if err != nil {
		return nil, "", err
	}
	return append(out, lines...), "", nil
}

// includeDir reads the *.conf files of dir in order, gathering their
// problems as the server does.
func (p *hbaParser) includeDir(out []hbaLine, outer, dir string, depth int) ([]hbaLine, string, error) {
	abs := absoluteLocation(dir, outer)
	files, err := confFilesInDir(p.files.fsys, abs)
	if err != nil {
		return out, fmt.Sprintf("could not open directory %q: %v", abs, err), nil
	}
	var msgs []string
	for _, f := range files {
		var msg string
		if out, msg, err = p.includeFile(out, outer, f, depth, false); err != nil {
			return nil, "", err
		}
		if msg != "" {
			msgs = append(msgs, msg)
		}
	}
	return out, strings.Join(msgs, "\n"), nil
}

// nextField is next_field_expand: the comma-separated tokens of the
// field starting at line[i:], with @file references expanded.
func (p *hbaParser) nextField(file, line string, i, depth int) (field []hbaToken, next int, msg string, err error) {
	for {
		tok, initialQuote, comma, n, ok := nextHBAToken(line, i)
		i = n
		if !ok {
			break
		}
		if !initialQuote && len(tok) > 1 && tok[0] == '@' {
			field, msg, err = p.expandFile(field, file, tok[1:], depth+1)
			if err != nil {
				return nil, 0, "", err
			}
		} else {
			field = append(field, hbaToken{tok, initialQuote})
		}
		if !comma || msg != "" {
			break
		}
	}
	return field, i, msg, nil
}

// expandFile is tokenize_expand_file: every token of the file named by
// an @ reference, whatever line and field it stands in.
func (p *hbaParser) expandFile(field []hbaToken, outer, included string, depth int) ([]hbaToken, string, error) {
	name := absoluteLocation(included, outer)
	text, msg, _, err := p.openAuthFile(name, depth)
	if err != nil || msg != "" {
		return field, msg, err
	}
	lines, err := p.tokenizeFile(name, text, depth)
	if err != nil {
		return nil, "", err
	}
	for _, l := range lines {
		if l.err != "" {
			return field, l.err, nil
		}
		for _, f := range l.fields {
			field = append(field, f...)
		}
	}
	return field, "", nil
}

func isHBABlank(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// nextHBAToken is hba.c's next_token: the token starting at line[i:]
// after blanks and commas, up to an unquoted blank, comma or #. Double
// quotes group and are removed, "" inside quotes is a quote. ok is
// false at the end of the line or at a comment; next is where to go on.
func nextHBAToken(line string, i int) (tok string, initialQuote, comma bool, next int, ok bool) {
	for i < len(line) && (isHBABlank(line[i]) || line[i] == ',') {
		i++
	}
	var buf []byte
	inQuote, wasQuote, sawQuote := false, false, false
	for ; i < len(line) && (!isHBABlank(line[i]) || inQuote); i++ {
		c := line[i]
		if c == '#' && !inQuote {
			i = len(line)
			break
		}
		if c == ',' && !inQuote {
			comma = true
			break
		}
		if c != '"' || wasQuote {
			buf = append(buf, c)
		}
		if inQuote && c == '"' {
			wasQuote = !wasQuote
		} else {
			wasQuote = false
		}
		if c == '"' {
			inQuote = !inQuote
			sawQuote = true
			if len(buf) == 0 {
				initialQuote = true
			}
		}
	}
	return string(buf), initialQuote, comma, i, sawQuote || len(buf) > 0
}

// hbaMethods are the authentication methods of PostgreSQL 15 and 16.
var hbaMethods = map[string]bool{
	"trust": true, "reject": true, "scram-sha-256": true, "md5": true, "password": true,
	"gss": true, "sspi": true, "ident": true, "peer": true, "pam": true, "ldap": true,
	"radius": true, "cert": true, "bsd": true,
}

// hbaOptionMethods maps each authentication option to the methods it is
// valid for, as parse_hba_auth_opt checks it (nil: any method).
var hbaOptionMethods = map[string][]string{
	"map":                 {"ident", "peer", "gss", "sspi", "cert"},
	"clientcert":          nil,
	"clientname":          nil,
	"pamservice":          {"pam"},
	"pam_use_hostname":    {"pam"},
	"ldapurl":             {"ldap"},
	"ldaptls":             {"ldap"},
	"ldapscheme":          {"ldap"},
	"ldapserver":          {"ldap"},
	"ldapport":            {"ldap"},
	"ldapbinddn":          {"ldap"},
	"ldapbindpasswd":      {"ldap"},
	"ldapsearchattribute": {"ldap"},
	"ldapsearchfilter":    {"ldap"},
	"ldapbasedn":          {"ldap"},
	"ldapprefix":          {"ldap"},
	"ldapsuffix":          {"ldap"},
	"krb_realm":           {"gss", "sspi"},
	"include_realm":       {"gss", "sspi"},
	"compat_realm":        {"sspi"},
	"upn_username":        {"sspi"},
	"radiusservers":       {"radius"},
	"radiusports":         {"radius"},
	"radiussecrets":       {"radius"},
	"radiusidentifiers":   {"radius"},
}

// hbaSecretOptions are the options whose values are secrets.
var hbaSecretOptions = map[string]bool{"ldapbindpasswd": true, "radiussecrets": true}

// redacted stands for a secret option value.
const redacted = "<redacted>"

// hbaName is how a database or user name is kept: quoted names with
// their quotes, so that "all" stays apart from the keyword all.
func hbaName(t hbaToken) string {
	if t.quoted {
		return `"` + strings.ReplaceAll(t.s, `"`, `""`) + `"`
	}
	return t.s
}

// parseHBALine is parse_hba_line: it turns a record into a rule. A
// record the server would reject becomes a rule with only File, Line and
// Error set, as pg_hba_file_rules shows it: no half-read rule for a
// policy to mistake for one the server applies.
func parseHBALine(l hbaLine) HBARule {
	r := HBARule{File: l.file, Line: l.line, Databases: []string{}, Users: []string{}}
	fail := func(format string, args ...any) HBARule {
		return HBARule{File: l.file, Line: l.line, Databases: []string{}, Users: []string{},
			Error: fmt.Sprintf(format, args...)}
	}
	if l.err != "" {
		return fail("%s", l.err)
	}
	fields := l.fields
	if len(fields[0]) > 1 {
		return fail("multiple values specified for connection type")
	}
	switch t := fields[0][0].s; t {
	case "local", "host", "hostssl", "hostnossl", "hostgssenc", "hostnogssenc":
		r.Type = t
	default:
		return fail("invalid connection type %q", t)
	}

	if len(fields) < 2 {
		return fail("end-of-line before database specification")
	}
	for _, t := range fields[1] {
		r.Databases = append(r.Databases, hbaName(t))
	}
	if len(fields) < 3 {
		return fail("end-of-line before role specification")
	}
	for _, t := range fields[2] {
		r.Users = append(r.Users, hbaName(t))
	}
	next := 3

	if r.Type == "local" {
		r.Scope = "local"
	} else {
		if len(fields) <= next {
			return fail("end-of-line before IP address specification")
		}
		if len(fields[next]) > 1 {
			return fail("multiple values specified for host address")
		}
		tok := fields[next][0]
		next++
		address, netmask := hbaName(tok), ""
		if _, isIP := parseNumericHost(tok.s); isIP {
			// An IP address without /bits takes its netmask from the next
			// field (quoted or not: only keywords care for quotes).
			if len(fields) <= next {
				return fail("end-of-line before netmask specification")
			}
			if len(fields[next]) > 1 {
				return fail("multiple values specified for netmask")
			}
			netmask = fields[next][0].s
			next++
			address += " " + netmask
		}
		r.Address = address
		var err error
		if r.Scope, r.Family, r.Prefix, err = ClassifyAddress(hbaName(tok), netmask); err != nil {
			return fail("%v", err)
		}
	}

	if len(fields) <= next {
		return fail("end-of-line before authentication method")
	}
	if len(fields[next]) > 1 {
		return fail("multiple values specified for authentication type")
	}
	method := fields[next][0].s
	next++
	if !hbaMethods[method] {
		return fail("invalid authentication method %q", method)
	}
	if r.Type == "local" && method == "ident" {
		method = "peer" // the server's backwards compatibility
	}
	r.Method = method
	switch {
	case r.Type == "local" && method == "gss":
		return fail("gssapi authentication is not supported on local sockets")
	case r.Type != "local" && method == "peer":
		return fail("peer authentication is only supported on local sockets")
	case r.Type != "hostssl" && method == "cert":
		return fail("cert authentication is only supported on hostssl connections")
	}

	opts := map[string]string{}
	for _, field := range fields[next:] {
		for _, t := range field {
			name, value, ok := strings.Cut(t.s, "=")
			if !ok {
				return fail("authentication option not in name=value format: %s", t.s)
			}
			if msg := checkHBAOption(r.Type, method, name, value); msg != "" {
				return fail("%s", msg)
			}
			opts[name] = value
			if hbaSecretOptions[name] {
				value = redacted
			}
			r.Options = append(r.Options, name+"="+value)
		}
	}
	if msg := checkHBAMandatory(method, opts); msg != "" {
		return fail("%s", msg)
	}
	return r
}

// methodNames are the names of the methods in the server's messages.
var methodNames = map[string]string{"gss": "gssapi"}

// checkHBAOption is parse_hba_auth_opt: what is wrong with name=value
// on a rule of type typ with method, or "".
func checkHBAOption(typ, method, name, value string) string {
	methods, known := hbaOptionMethods[name]
	if !known {
		return fmt.Sprintf("unrecognized authentication option name: %q", name)
	}
	if methods != nil && !contains(methods, method) {
		names := make([]string, len(methods))
		for i, m := range methods {
			names[i] = m
			if n, ok := methodNames[m]; ok {
				names[i] = n
			}
		}
		list := names[0]
		switch len(names) {
		case 1:
		case 2:
			list = names[0] + " and " + names[1]
		default:
			list = strings.Join(names[:len(names)-1], ", ") + ", and " + names[len(names)-1]
		}
		return fmt.Sprintf("authentication option %q is only valid for authentication methods %s", name, list)
	}
	switch name {
	case "clientcert":
		if typ != "hostssl" {
			return `clientcert can only be configured for "hostssl" rows`
		}
		switch value {
		case "verify-full":
		case "verify-ca":
			if method == "cert" {
				return `clientcert only accepts "verify-full" when using "cert" authentication`
			}
		default:
			return fmt.Sprintf("invalid value for clientcert: %q", value)
		}
	case "clientname":
		if typ != "hostssl" {
			return `clientname can only be configured for "hostssl" rows`
		}
		if value != "CN" && value != "DN" {
			return fmt.Sprintf("invalid value for clientname: %q", value)
		}
	case "ldapport":
		if atoi(value) == 0 {
			return fmt.Sprintf("invalid LDAP port number: %q", value)
		}
	case "ldapurl":
		scheme, _, ok := strings.Cut(value, "://")
		if !ok {
			return fmt.Sprintf("could not parse LDAP URL %q", value)
		}
		if scheme != "ldap" && scheme != "ldaps" {
			return fmt.Sprintf("unsupported LDAP URL scheme: %s", scheme)
		}
	case "radiusports":
		for _, port := range strings.Split(value, ",") {
			if atoi(port) == 0 {
				return fmt.Sprintf("invalid RADIUS port number: %q", value)
			}
		}
	case "radiusservers", "radiussecrets", "radiusidentifiers":
		for _, v := range strings.Split(value, ",") {
			if strings.TrimSpace(v) == "" {
				return fmt.Sprintf("could not parse RADIUS list for %s", name)
			}
		}
	}
	return ""
}

// checkHBAMandatory checks the options the ldap and radius methods need.
func checkHBAMandatory(method string, opts map[string]string) string {
	has := func(name string) bool { _, ok := opts[name]; return ok }
	switch method {
	case "ldap":
		basedn, attribute, filter := has("ldapbasedn"), has("ldapsearchattribute"), has("ldapsearchfilter")
		if url, ok := opts["ldapurl"]; ok {
			// ldap[s]://host:port/basedn?attribute?scope?filter
			_, rest, _ := strings.Cut(url, "://")
			if _, rest, ok = strings.Cut(rest, "/"); ok {
				parts := strings.Split(rest, "?")
				basedn = basedn || parts[0] != ""
				attribute = attribute || len(parts) > 1 && parts[1] != ""
				filter = filter || len(parts) > 3 && parts[3] != ""
			}
		}
		if has("ldapprefix") || has("ldapsuffix") {
			if basedn || has("ldapbinddn") || has("ldapbindpasswd") || attribute || filter {
				return "cannot use ldapbasedn, ldapbinddn, ldapbindpasswd, ldapsearchattribute, ldapsearchfilter, or ldapurl together with ldapprefix"
			}
		} else if !basedn {
			return `authentication method "ldap" requires argument "ldapbasedn", "ldapprefix", or "ldapsuffix" to be set`
		}
		if attribute && filter {
			return "cannot use ldapsearchattribute together with ldapsearchfilter"
		}
	case "radius":
		for _, name := range []string{"radiusservers", "radiussecrets"} {
			if !has(name) {
				return fmt.Sprintf("authentication method \"radius\" requires argument %q to be set", name)
			}
		}
		servers := len(strings.Split(opts["radiusservers"], ","))
		for _, name := range []string{"radiussecrets", "radiusports", "radiusidentifiers"} {
			if v, ok := opts[name]; ok {
				if n := len(strings.Split(v, ",")); n != 1 && n != servers {
					return fmt.Sprintf("the number of RADIUS %s (%d) must be 1 or the same as the number of RADIUS servers (%d)",
						strings.TrimPrefix(name, "radius"), n, servers)
				}
			}
		}
	}
	return ""
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// atoi is C's atoi: leading blanks, a sign and the digits that follow,
// 0 when there are none.
func atoi(s string) int {
	s = strings.TrimLeft(s, " \t\n\v\f\r")
	neg := false
	if s != "" && (s[0] == '+' || s[0] == '-') {
		neg = s[0] == '-'
		s = s[1:]
	}
	n := 0
	for i := 0; i < len(s) && isDigit(s[i]) && n < 1<<31; i++ {
		n = n*10 + int(s[i]-'0')
	}
	if neg {
		return -n
	}
	return n
}

// ClassifyAddress classifies the address of a pg_hba rule and its netmask
// ("" when the address is CIDR, a keyword or a host name), both as a
// parsed pg_hba.conf writes them and as pg_hba_file_rules gives them
// (address "127.0.0.1", netmask "255.255.255.255"). An address in double
// quotes is never a keyword.
//
// Scope is "local" for a network inside 127.0.0.0/8 or ::1/128 (IPv4
// mapped included), samehost and the host name localhost; "any" for all
// and any /0; "network" for other networks; "samenet"; "hostname" for a
// host name; "domain" for a name starting with ".". Family ("ipv4",
// "ipv6": an IPv4-mapped IPv6 address is ipv6) and Prefix are set for
// every address that is an IP network, whatever its scope. IPv4
// addresses are read as the server's getaddrinfo reads them, shorthand
// included ("127.1", "0/0"). It is an error when the address and netmask
// do not make a network, or the netmask is not contiguous (which the
// server accepts, but no prefix describes).
func ClassifyAddress(address, netmask string) (scope, family string, prefix int, err error) {
	a, quoted := address, false
	if len(a) >= 2 && a[0] == '"' && a[len(a)-1] == '"' {
		a, quoted = strings.ReplaceAll(a[1:len(a)-1], `""`, `"`), true
	}
	if !quoted {
		switch a {
		case "all":
			return "any", "", 0, nil
		case "samehost":
			return "local", "", 0, nil
		case "samenet":
			return "samenet", "", 0, nil
		}
	}
	ipText, bitsText, hasBits := strings.Cut(a, "/")
	ip, isIP := parseNumericHost(ipText)
	if !isIP {
		switch {
		case hasBits:
			return "", "", 0, fmt.Errorf("specifying both host name and CIDR mask is invalid: %q", a)
		case netmask != "":
			return "", "", 0, fmt.Errorf("invalid IP address %q", a)
		case !validHostName(a):
			return "", "", 0, fmt.Errorf("invalid IP address or host name %q", a)
		case a[0] == '.':
			return "domain", "", 0, nil
		case strings.EqualFold(strings.TrimSuffix(a, "."), "localhost"):
			return "local", "", 0, nil
		}
		return "hostname", "", 0, nil
	}
	switch {
	case hasBits && netmask != "":
		return "", "", 0, fmt.Errorf("address %q has both a CIDR mask and a netmask", a)
	case hasBits:
		var ok bool
		if prefix, ok = parseCIDRBits(bitsText, ip.BitLen()); !ok {
			return "", "", 0, fmt.Errorf("invalid CIDR mask in address %q", a)
		}
	case netmask == "":
		return "", "", 0, fmt.Errorf("address %q has no netmask", a)
	default:
		mask, ok := parseNumericHost(netmask)
		if !ok {
			return "", "", 0, fmt.Errorf("invalid IP mask %q", netmask)
		}
		if mask.Is4() != ip.Is4() {
			return "", "", 0, errors.New("IP address and mask do not match")
		}
		if prefix, ok = maskBits(mask); !ok {
			// The server takes a non-contiguous mask: it admits as many
			// addresses as a prefix of its one bits, spread out.
			family = "ipv6"
			if ip.Is4() {
				family = "ipv4"
			}
			ones := 0
			for _, b := range mask.AsSlice() {
				ones += bits.OnesCount8(b)
			}
			return "network", family, ones, nil
		}
	}
	family = "ipv6"
	if ip.Is4() {
		family = "ipv4"
	}
	network := netip.PrefixFrom(ip.WithZone(""), prefix).Masked().Addr()
	switch {
	case prefix == 0:
		scope = "any"
	case ip.Is4() && prefix >= 8 && network.As4()[0] == 127,
		ip.Is6() && prefix == 128 && network == netip.IPv6Loopback(),
		ip.Is4In6() && prefix >= 96+8 && network.As16()[12] == 127:
		scope = "local"
	default:
		scope = "network"
	}
	return scope, family, prefix, nil
}

// validHostName accepts the names a pg_hba address field can mean as a
// host or domain name: letters, digits, "-", "_" and ".".
func validHostName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !isUnitLetter(c) && !isDigit(c) && c != '-' && c != '_' && c != '.' {
			return false
		}
	}
	return true
}

// parseNumericHost reads an address as getaddrinfo with AI_NUMERICHOST
// does on glibc: IPv6 (with a %zone) or IPv4 in inet_aton's forms.
func parseNumericHost(s string) (netip.Addr, bool) {
	if strings.Contains(s, ":") {
		a, err := netip.ParseAddr(s)
		// netip takes any text after % as the zone; an interface is a name.
		return a, err == nil && a.Is6() && (a.Zone() == "" || validHostName(a.Zone()))
	}
	return inetAton(s)
}

// inetAton is glibc's inet_aton_exact: one to four parts separated by
// dots, each decimal, octal (leading 0) or hexadecimal (0x), the last
// part filling the bytes the others leave.
func inetAton(s string) (netip.Addr, bool) {
	var parts []uint64
	for {
		if s == "" || !isDigit(s[0]) {
			return netip.Addr{}, false
		}
		v, rest, ok := strtoul(s)
		if !ok {
			return netip.Addr{}, false
		}
		parts = append(parts, v)
		if rest == "" {
			break
		}
		if rest[0] != '.' || len(parts) == 4 {
			return netip.Addr{}, false
		}
		s = rest[1:]
	}
	var b [4]byte
	for i, v := range parts[:len(parts)-1] {
		if v > 0xff {
			return netip.Addr{}, false
		}
		b[i] = byte(v)
	}
	last := parts[len(parts)-1]
	if last > 0xffffffff>>(8*(len(parts)-1)) {
		return netip.Addr{}, false
	}
	for i := 3; i >= len(parts)-1; i-- {
		b[i] |= byte(last)
		last >>= 8
	}
	return netip.AddrFrom4(b), true
}

// strtoul reads the number at the start of s as strtoul with base 0
// does (s starts with a digit): its value, the rest of s, and false on
// overflow past 32 bits.
func strtoul(s string) (uint64, string, bool) {
	base, i := uint64(10), 0
	switch {
	case len(s) > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X') && isHexDigit(s[2]):
		base, i = 16, 2
	case s[0] == '0':
		base = 8
	}
	var v uint64
	for ; i < len(s); i++ {
		var d uint64
		switch c := s[i]; {
		case isDigit(c):
			d = uint64(c - '0')
		case 'a' <= c && c <= 'f':
			d = uint64(c-'a') + 10
		case 'A' <= c && c <= 'F':
			d = uint64(c-'A') + 10
		default:
			d = base
		}
		if d >= base {
			break
		}
		if v = v*base + d; v > 0xffffffff {
			return 0, "", false
		}
	}
	return v, s[i:], true
}

// parseCIDRBits reads the /bits of an address as the server's strtol
// does: optional blanks and sign, digits, nothing after; 0..max.
func parseCIDRBits(s string, max int) (int, bool) {
	s = strings.TrimLeft(s, " \t\n\v\f\r")
	neg := false
	if s != "" && (s[0] == '+' || s[0] == '-') {
		neg = s[0] == '-'
		s = s[1:]
	}
	if s == "" {
		return 0, false
	}
	n := 0
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return 0, false
		}
		if n = n*10 + int(s[i]-'0'); n > 1<<16 {
			return 0, false
		}
	}
	if neg {
		n = -n
	}
	if n < 0 || n > max {
		return 0, false
	}
	return n, true
}

// maskBits is the prefix length of a contiguous netmask.
func maskBits(mask netip.Addr) (int, bool) {
	b := mask.AsSlice()
	n := 0
	for n < len(b)*8 && b[n/8]&(0x80>>(n%8)) != 0 {
		n++
	}
	for i := n; i < len(b)*8; i++ {
		if b[i/8]&(0x80>>(i%8)) != 0 {
			return 0, false
		}
	}
	return n, true
}
