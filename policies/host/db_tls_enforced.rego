# METADATA
# title: TLS enforced for remote connections
# description: >-
#   Every pg_hba rule that lets remote clients (not local, loopback or
#   samehost) authenticate is hostssl or hostgssenc: no host, hostnossl or
#   hostnogssenc rule admits them without encryption (reject rules are
#   fine). Live: a login attempt without TLS from a non-loopback address is
#   refused before any credential is asked for (a probe from loopback or the
#   host's own address says nothing about remote clients and is not judged).
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
#     before the other rules; then reload PostgreSQL.
package audit.host.db_tls_enforced

import data.audit.lib.postgres as pg

# The rule types that match connections without TLS (hostnogssenc matches
# those without GSSAPI encryption, TLS or not).
unencrypted := {"host", "hostnossl", "hostnogssenc"}

error contains f if some f in pg.login_errors

error contains f if some f in pg.hba_errors

deny contains f if {
	some server in pg.servers
	some r in pg.hba(server)
	r.type in unencrypted
	pg.remote(r)
	pg.admits(r)
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
