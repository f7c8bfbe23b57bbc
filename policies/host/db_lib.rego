# Helpers shared by the PostgreSQL policies DB-01..09 and SEC-05 (not a
# checklist item: no metadata). input.postgres is postgres.Data as JSON.
#
# Beware: in OPA, "not f(x.y)" and "not x.y > 0" are false, not true, when
# x.y is undefined (omitempty fields are absent). Read optional fields with
# object.get before negating them.
package audit.lib.postgres

servers := input.postgres.servers

day := (24 * 60) * 60e9

now := time.parse_rfc3339_ns(input.postgres.now)

# date is the day part of an RFC 3339 time.
date(ts) := substring(ts, 0, 10)

# finding is a finding about a server, its message prefixed with the
# server's name (a host may run two clusters), at loc: {} or {"path", "line"}.
finding(server, msg, loc) := object.union({"msg": sprintf("server %s: %s", [server.name, msg])}, loc)

# --- What is unknown. Every part the collector could not read says why;
# a policy that needs it is an error, never a pass.

# login_failed: the user named the server with a DSN that could not log in
# (a login that did not succeed, whether or not it says why).
login_failed(server) if {
	server.dsn_given
	not object.get(server, ["login", "ok"], false) == true
}

login_failed(server) if {
	server.dsn_given
	object.get(server, ["login", "error"], "") != ""
}

# login_errors are the error entries of every item about a server: what the
# user asked to be audited through SQL (pg_settings, pg_hba_file_rules,
# pg_authid) was not, whatever the files said. That one error is all an
# item says of such a server: every other part it could not read, it could
# not read for that reason (see judged_servers).
login_errors contains f if {
	some server in servers
	login_failed(server)
	f := finding(server, sprintf("the --postgres DSN could not log in as %s: %s", [object.get(server, ["login", "user"], "?"), because(server, [["login", "error"]])]), {})
}

# judged_servers are the servers whose parts are reported one by one: all
# but those whose DSN could not log in. An item's error entries about a
# server (other than login_errors) range over these.
judged_servers contains server if {
	some server in servers
	not login_failed(server)
}

# settings_unknown: neither pg_settings nor the configuration files were
# read (settings_from names where the settings came from).
settings_unknown(server) if server.settings_error != ""

settings_unknown(server) if object.get(server, "settings_from", "") == ""

settings_errors contains f if {
	some server in judged_servers
	settings_unknown(server)
	f := finding(server, sprintf("its settings could not be read: %s", [why(server, "settings_error")]), {})
}

# why is the collector's reason for an unknown part: the server's field.
why(server, field) := because(server, [field])

# because is the first reason the collector gave at paths (fields, or paths
# into the server such as ["version", "error"]), else "no reason given".
because(server, paths) := reasons(server, paths)[0]

because(server, paths) := "no reason given" if count(reasons(server, paths)) == 0

reasons(server, paths) := [r |
	some p in paths
	r := object.get(server, p, "")
	is_string(r)
	r != ""
]

# hba is a server's pg_hba rules ([] when there are none or they are unknown).
hba(server) := server.hba if is_array(server.hba)

hba(server) := [] if not is_array(object.get(server, "hba", null))

# hba_unknown: no rule was read, and the collector says why, or does not
# say where the rules came from (hba_from).
hba_unknown(server) if {
	server.hba_error != ""
	count(hba(server)) == 0
}

hba_unknown(server) if {
	object.get(server, "hba_from", "") == ""
	count(hba(server)) == 0
}

# hba_errors: the rules could not be read, or one of them could not be
# parsed (PostgreSQL does not load a pg_hba.conf with an error in it, so
# what the server enforces is unknown).
hba_errors contains f if {
	some server in judged_servers
	hba_unknown(server)
	f := finding(server, sprintf("its pg_hba rules could not be read: %s", [why(server, "hba_error")]), {})
}

hba_errors contains f if {
	some server in judged_servers
	some r in hba(server)
	broken(r)
	f := finding(server, sprintf("pg_hba line %d could not be parsed, so what the server enforces is unknown: %s", [r.line, r.error]), rule_loc(server, r))
}

# The rules read are not those the server enforces: pg_hba.conf changed
# after the server last loaded it (hba_stale says when, and what to do).
hba_errors contains f if {
	some server in judged_servers
	object.get(server, "hba_stale", "") != ""
	f := finding(server, server.hba_stale, {})
}

# broken: the server cannot load the rule (error). A rule with only a
# warning is loaded, and judged like any other.
broken(r) if object.get(r, "error", "") != ""

# --- pg_hba rules.

# remote: the rule matches TCP connections from other machines (not local,
# loopback or samehost).
remote(r) if {
	r.type != "local"
	r.scope != "local"
}

# admits: the rule lets a client on to authenticate (reject rules do not).
admits(r) if r.method != "reject"

# rule_loc is where a rule is: its own file, else the server's pg_hba.conf.
rule_loc(server, r) := {"path": r.file, "line": r.line} if r.file != ""

rule_loc(server, r) := {"path": server.hba_file, "line": r.line} if {
	object.get(r, "file", "") == ""
	server.hba_file != ""
}

rule_loc(server, r) := {"line": r.line} if {
	object.get(r, "file", "") == ""
	object.get(server, "hba_file", "") == ""
}

# rule_text is the rule as a pg_hba.conf line, its address in CIDR form.
rule_text(r) := concat(" ", [x | some x in fields; x != ""]) if {
	fields := array.concat(
		[
			r.type, concat(",", strings(r.databases)), concat(",", strings(r.users)),
			address(r), object.get(r, "method", ""),
		],
		strings(object.get(r, "options", [])),
	)
}

# address is a rule's address, an address and contiguous netmask (as
# pg_hba_file_rules gives them) written as a CIDR; a non-contiguous
# netmask (10.0.0.0 255.0.255.0) is no CIDR and stays as written.
address(r) := object.get(r, "address", "") if not contains(object.get(r, "address", ""), " ")

address(r) := cidr(r) if {
	contains(r.address, " ")
	not spread(r)
}

address(r) := r.address if spread(r)

# cidr is an IP rule's address as a CIDR ("10.0.0.0 255.0.0.0" is
# 10.0.0.0/8). Undefined for a non-contiguous netmask.
cidr(r) := r.address if contains(r.address, "/")

cidr(r) := sprintf("%s/%d", [split(r.address, " ")[0], object.get(r, "prefix", 0)]) if {
	not contains(r.address, "/")
	not spread(r)
}

# spread: the rule's netmask is not contiguous (255.0.255.0), which the
# server takes: its prefix is then the count of its one bits, and the
# addresses it admits are not a CIDR. A netmask is contiguous when the
# network of its own first prefix bits holds the all-ones address.
spread(r) if {
	[_, mask] := split(r.address, " ")
	net_mask(mask)
	object.get(r, "prefix", 0) <= {"ipv4": 32, "ipv6": 128}[mask_family(mask)]
	not net.cidr_contains(sprintf("%s/%d", [mask, object.get(r, "prefix", 0)]), all_ones[mask_family(mask)])
}

all_ones := {"ipv4": "255.255.255.255", "ipv6": "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"}

mask_family(mask) := "ipv6" if contains(mask, ":")

mask_family(mask) := "ipv4" if not contains(mask, ":")

# net_mask: an address net.cidr_contains reads (no zone, no name).
net_mask(mask) if {
	regex.match(`^[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}$`, mask)
	every o in split(mask, ".") {
		to_number(o) <= 255
	}
}

net_mask(mask) if regex.match(`^[0-9a-fA-F:]*:[0-9a-fA-F:]*$`, mask)

strings(x) := x if is_array(x)

strings(x) := [] if not is_array(x)

# rule_at quotes a rule and says where it is.
rule_at(server, r) := sprintf("pg_hba rule `%s` (%s:%d)", [rule_text(r), path, r.line]) if {
	path := object.get(rule_loc(server, r), "path", "")
	path != ""
}

rule_at(server, r) := sprintf("pg_hba rule `%s` (line %d)", [rule_text(r), r.line]) if {
	object.get(rule_loc(server, r), "path", "") == ""
}

# --- Settings.

# value is a setting's value as read, else PostgreSQL's default when the
# settings are known but do not list it.
value(server, name) := server.settings[name].value

value(server, name) := default_value(server, name) if {
	not settings_unknown(server)
	not server.settings[name]
}

# The defaults of the settings the policies read. ssl_min_protocol_version
# was TLSv1 before PostgreSQL 13, password_encryption md5 before 14.
default_value(server, "ssl_min_protocol_version") := "TLSv1" if older(server, 13)

default_value(server, "ssl_min_protocol_version") := "TLSv1.2" if not older(server, 13)

default_value(server, "password_encryption") := "md5" if older(server, 14)

default_value(server, "password_encryption") := "scram-sha-256" if not older(server, 14)

default_value(_, name) := defaults[name]

defaults := {
	"ssl": "off",
	"ssl_max_protocol_version": "",
	"log_connections": "off",
	"log_disconnections": "off",
}

older(server, major) if {
	server.version.major > 0
	server.version.major < major
}

set_in_file(server, name) if server.settings[name].file != ""

# loc is where a setting is set: its file and line, else the server's
# postgresql.conf (where it would be set), else nowhere.
loc(server, name) := {"path": s.file, "line": object.get(s, "line", 0)} if {
	set_in_file(server, name)
	s := server.settings[name]
}

loc(server, name) := {"path": server.config_file} if {
	not set_in_file(server, name)
	server.config_file != ""
}

loc(server, name) := {} if {
	not set_in_file(server, name)
	object.get(server, "config_file", "") == ""
}

# shown is "name = value" and where that comes from.
shown(server, name) := sprintf("%s = %s in %s:%d", [name, quoted(s.value), s.file, object.get(s, "line", 0)]) if {
	set_in_file(server, name)
	s := server.settings[name]
}

shown(server, name) := sprintf("%s = %s (%s)", [name, quoted(s.value), source(s)]) if {
	s := server.settings[name]
	not set_in_file(server, name)
}

shown(server, name) := sprintf("%s = %s (the default: no file sets it)", [name, quoted(default_value(server, name))]) if {
	not settings_unknown(server)
	not server.settings[name]
}

# quoted shows an empty value as ''.
quoted(v) := "''" if v == ""

quoted(v) := v if v != ""

source(s) := "the default: no file sets it" if object.get(s, "source", "") in {"", "default"}

source(s) := sprintf("source: %s", [s.source]) if not object.get(s, "source", "") in {"", "default"}

# on: a boolean setting's value is true, as PostgreSQL reads it.
on(v) if lower(trim_space(v)) in {"on", "true", "yes", "1"}

# --- Addresses.

# ip is the address part of "ip", "ip:port" or "[ip]:port".
ip(addr) := trim_left(split(addr, "]")[0], "[") if startswith(addr, "[")

ip(addr) := split(addr, ":")[0] if {
	not startswith(addr, "[")
	count(split(addr, ":")) == 2
}

ip(addr) := addr if {
	not startswith(addr, "[")
	count(split(addr, ":")) != 2
}

ipv4(addr) if regex.match(`^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$`, ip(addr))

loopback(addr) if {
	ipv4(addr)
	net.cidr_contains("127.0.0.0/8", ip(addr))
}

loopback(addr) if ip(addr) in {"::1", "localhost"}

loopback(addr) if startswith(ip(addr), "::ffff:127.")

# elsewhere: addr is neither loopback nor the server's own address, so
# what the server did with a connection from it is what a remote client
# would see (a connection from the host's own address matches samehost).
elsewhere(server, addr) if {
	addr != ""
	not loopback(addr)
	not ip(addr) == ip(object.get(server, "addr", ""))
}

# roles is a server's login roles ([] when none or unknown).
roles(server) := server.roles if is_array(server.roles)

roles(server) := [] if not is_array(object.get(server, "roles", null))
