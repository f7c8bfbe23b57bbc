# METADATA
# title: Access restricted to application IPs
# description: >-
#   No pg_hba rule lets remote clients authenticate from every address (all,
#   0.0.0.0/0, ::/0), from the server's whole subnets (samenet), from every
#   host under a domain suffix (.example.com), or from a network wider than
#   the allowed prefix (db_ipv4_min_prefix, default /24; db_ipv6_min_prefix,
#   default /64). reject rules are not judged. Live: the server is not
#   reachable from the auditor's own (non-loopback) address unless a
#   pg_hba rule admits that address.
# custom:
#   id: DB-04
#   severity: high
#   section: database
#   targets: [host]
#   facts: [postgres]
#   recommended_action: >-
#     List only the application servers in pg_hba.conf (e.g. hostssl app app
#     10.0.1.15/32 scram-sha-256), replacing rules for all, 0.0.0.0/0, ::/0,
#     samenet, .domain suffixes and networks wider than /24 (IPv4) or /64
#     (IPv6); reload PostgreSQL, and restrict listen_addresses and the
#     firewall to the application network too.
package audit.host.db_access

import data.audit.lib.postgres as pg

min_prefix := {
	"ipv4": object.get(input, ["settings", "db_ipv4_min_prefix"], 24),
	"ipv6": object.get(input, ["settings", "db_ipv6_min_prefix"], 64),
}

# open is why a rule's address admits too much, by its scope.
open(r) := "allows every address" if r.scope == "any"

open(r) := "allows every address of the server's own subnets (samenet)" if r.scope == "samenet"

open(r) := sprintf("allows every host whose name ends in %s", [r.address]) if r.scope == "domain"

open(r) := sprintf("allows %s, which is wider than the allowed /%d", [pg.cidr(r), min_prefix[family(r)]]) if {
	r.scope == "network"
	not pg.spread(r)
	r.prefix < min_prefix[family(r)]
}

# A non-contiguous netmask admits as many addresses as the prefix of its
# one bits, spread out.
open(r) := sprintf("allows %s, a netmask as wide as /%d, which is wider than the allowed /%d", [r.address, r.prefix, min_prefix[family(r)]]) if {
	r.scope == "network"
	pg.spread(r)
	r.prefix < min_prefix[family(r)]
}

family(r) := r.family if r.family != ""

family(r) := "ipv6" if {
	object.get(r, "family", "") == ""
	contains(r.address, ":")
}

family(r) := "ipv4" if {
	object.get(r, "family", "") == ""
	not contains(r.address, ":")
}

# resolvable: a CIDR net.cidr_contains reads (pg_hba also takes IPv4
# shorthand such as 10/8, which is left unresolved).
resolvable(c) if regex.match(`^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+/[0-9]+$`, c)

resolvable(c) if regex.match(`^[0-9a-fA-F:.]*:[0-9a-fA-F:.]*/[0-9]+$`, c)

# resolved: the policy can tell which addresses a network rule admits:
# a CIDR net.cidr_contains reads, or an IPv4 address and netmask.
resolved(r) if resolvable(pg.cidr(r))

resolved(r) if {
	pg.spread(r)
	[network, mask] := split(r.address, " ")
	octets(network)
	octets(mask)
}

# octets are the four numbers of an IPv4 address.
octets(a) := [to_number(o) | some o in split(a, ".")] if regex.match(`^[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}$`, a)

# judged: a rule that lets remote clients authenticate.
judged(r) if {
	startswith(r.type, "host")
	pg.remote(r)
	pg.admits(r)
}

error contains f if some f in pg.login_errors

error contains f if some f in pg.hba_errors

deny contains f if {
	some server in pg.servers
	some r in pg.hba(server)
	judged(r)
	f := pg.finding(server, sprintf("%s %s", [pg.rule_at(server, r), open(r)]), pg.rule_loc(server, r))
}

# The auditor's address as the server saw it: the DSN's session, else the
# probe without TLS, when either reached the server.
auditor(server) := server.login.client_addr if {
	server.login.ok
	server.login.client_addr != ""
}

auditor(server) := server.plain.from if {
	object.get(server.login, "client_addr", "") == ""
	object.get(server.plain, "error", "") == ""
	server.plain.from != ""
	not server.plain.from_loopback
}

# admitted: some remote rule that is not reject names the address by
# network, or may match it by a name or scope the policy cannot resolve
# (host names are not looked up; all, samenet and domain rules are denied
# above).
admitted(server, addr) if {
	some r in pg.hba(server)
	judged(r)
	r.scope == "network"
	resolvable(pg.cidr(r))
	net.cidr_contains(pg.cidr(r), pg.ip(addr))
}

# An IPv4 address and non-contiguous netmask: the address matches when it
# equals the rule's in every bit the netmask sets, octet by octet.
admitted(server, addr) if {
	some r in pg.hba(server)
	judged(r)
	r.scope == "network"
	pg.spread(r)
	[network, mask] := split(r.address, " ")
	m := octets(mask)
	n := octets(network)
	a := octets(pg.ip(addr))
	every k in numbers.range(0, 3) {
		bits.and(n[k], m[k]) == bits.and(a[k], m[k])
	}
}

admitted(server, _) if {
	some r in pg.hba(server)
	judged(r)
	r.scope == "network"
	not resolved(r)
}

admitted(server, _) if {
	some r in pg.hba(server)
	judged(r)
	r.scope != "network"
}

deny contains f if {
	some server in pg.servers
	not pg.hba_unknown(server)
	addr := auditor(server)
	pg.elsewhere(server, addr)
	not admitted(server, addr)
	f := pg.finding(server, sprintf("reachable from the auditor at %s, which no pg_hba rule admits", [pg.ip(addr)]), {})
}
