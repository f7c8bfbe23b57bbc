# METADATA
# title: TLS enforced for remote connections
# description: >-
#   Every pg_hba rule that lets remote clients (not local, loopback or
#   samehost) authenticate is hostssl or hostgssenc: no host, hostnossl or
#   hostnogssenc rule admits them without encryption (reject rules are
#   fine, and so is a rule that earlier "hostnossl all all ... reject" rules
#   covering its addresses leave TLS connections only). Live: a login
#   attempt without TLS from a non-loopback address is refused before any
#   credential is asked for (a probe from loopback or the host's own address
#   says nothing about remote clients and is not judged).
# custom:
#   id: DB-02
#   severity: high
#   section: database
#   targets: [host]
#   facts: [postgres]
#   recommended_action: >-
#     Change every remote rule of pg_hba.conf from host to hostssl (e.g.
#     hostssl app app 10.0.1.0/24 scram-sha-256), or put
#     "hostnossl all all 0.0.0.0/0 reject" and "hostnossl all all ::/0 reject"
#     before the other host rules (all does not match physical replication:
#     when a host rule admits it, make the rejects' database field
#     all,replication); then reload PostgreSQL.
package audit.host.db_tls_enforced

import data.audit.lib.postgres as pg

# The rule types that match connections without TLS (hostnogssenc matches
# those without GSSAPI encryption, TLS or not).
unencrypted := {"host", "hostnossl", "hostnogssenc"}

error contains f if some f in pg.login_errors

error contains f if some f in pg.hba_errors

deny contains f if {
	some server in pg.servers
	rules := pg.hba(server)
	some i, r in rules
	r.type in unencrypted
	pg.remote(r)
	pg.admits(r)
	not tls_only(rules, i, r)
	f := pg.finding(server, sprintf("%s admits remote clients without TLS", [pg.rule_at(server, r)]), pg.rule_loc(server, r))
}

deny contains f if {
	some server in pg.servers
	p := server.plain
	object.get(p, "error", "") == ""
	not p.from_loopback
	pg.elsewhere(server, p.from)
	not p.refused
	f := pg.finding(server, sprintf("a login without TLS from %s was not refused: %s", [p.from, object.get(p, "response", "no response recorded")]), {})
}

# --- Rules shielded by an earlier hostnossl reject.

# tls_only: for every address family and kind of database the rule at
# index i may match, an earlier rule rejects every connection without TLS,
# so the rule sees TLS connections only. (pg_hba is first match: a
# connection without TLS from those addresses never gets past the reject.)
tls_only(rules, i, r) if {
	count(kinds(r)) > 0
	every family in families(r) {
		every kind in kinds(r) {
			some j in numbers.range(0, i - 1)
			j < i
			rejects_plain(rules[j], family, kind)
		}
	}
}

# tls_only: a network rule is also shielded by earlier hostnossl rejects
# of networks that contain it (hostnossl all all 10.0.0.0/8 reject before
# host all all 10.1.1.0/24 …).
tls_only(rules, i, r) if {
	r.scope == "network"
	count(kinds(r)) > 0
	every kind in kinds(r) {
		some j in numbers.range(0, i - 1)
		j < i
		rejects_plain_network(rules[j], r, kind)
	}
}

rejects_plain_network(reject, r, kind) if {
	reject.type == "hostnossl"
	reject.method == "reject"
	not pg.broken(reject)
	"all" in pg.strings(reject.users)
	matches_kind(reject, kind)
	reject.scope == "network"
	reject.family == r.family
	net.cidr_contains(pg.cidr(reject), pg.cidr(r))
}

# families are the address families a rule's address may match: its own
# for an IP network or 0.0.0.0/0 and ::/0 (however written), both for all,
# host names, domains and samenet.
families(r) := {r.family} if {
	r.scope in {"network", "any"}
	object.get(r, "family", "") in {"ipv4", "ipv6"}
}

families(r) := {"ipv4", "ipv6"} if not object.get(r, "family", "") in {"ipv4", "ipv6"}

families(r) := {"ipv4", "ipv6"} if not r.scope in {"network", "any"}

# kinds are the kinds of connection a rule's databases match: all and
# database names match connections to a database, only the replication
# keyword matches physical replication.
kinds(r) := {kind(d) | some d in pg.strings(r.databases)}

kind(d) := "replication" if d == "replication"

kind(d) := "database" if d != "replication"

# rejects_plain: the rule rejects every connection without TLS from the
# family's addresses, of every user, for that kind of connection: a
# hostnossl reject for all users, of scope any (all, or 0.0.0.0/0 and
# ::/0 in any notation: scope and family say which, not the text), that
# the server loads (a warning is fine, an error is not).
rejects_plain(reject, family, kind) if {
	reject.type == "hostnossl"
	reject.method == "reject"
	not pg.broken(reject)
	"all" in pg.strings(reject.users)
	matches_kind(reject, kind)
	reject.scope == "any"
	object.get(reject, "family", "") in {"", family}
}

matches_kind(reject, "database") if "all" in pg.strings(reject.databases)

matches_kind(reject, "replication") if "replication" in pg.strings(reject.databases)
