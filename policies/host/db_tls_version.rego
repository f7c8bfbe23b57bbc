# METADATA
# title: Modern TLS only
# description: >-
#   ssl_min_protocol_version is TLSv1.2 or TLSv1.3 (and ssl_max_protocol_version,
#   when set, is not below TLSv1.2); live, TLS 1.0 and 1.1 handshakes are
#   refused. A server that speaks no TLS at all has nothing to judge here
#   (DB-01 reports it).
# custom:
#   id: DB-03
#   severity: medium
#   section: database
#   targets: [host]
#   facts: [postgres]
#   recommended_action: >-
#     Set ssl_min_protocol_version = 'TLSv1.2' (or 'TLSv1.3') in
#     postgresql.conf, remove any ssl_max_protocol_version below TLSv1.2, and
#     reload PostgreSQL.
package audit.host.db_tls_version

import data.audit.lib.postgres as pg

# The protocol versions below TLS 1.2, as PostgreSQL and the probe name them.
old := {"TLSv1": "TLS 1.0", "TLSv1.1": "TLS 1.1"}

# speaks_tls: the configuration or the wire says the server offers TLS.
speaks_tls(server) if pg.on(pg.value(server, "ssl"))

speaks_tls(server) if server.tls.answer == "S"

error contains f if some f in pg.login_errors

error contains f if {
	some server in pg.judged_servers
	pg.settings_unknown(server)
	server.tls.error != ""
	f := pg.finding(
		server, sprintf(
			"the TLS versions it accepts are unknown: its settings could not be read (%s) and the TLS probe could not run (%s)",
			[pg.why(server, "settings_error"), server.tls.error],
		),
		{},
	)
}

error contains f if {
	some server in pg.judged_servers
	pg.settings_unknown(server)
	server.tls.answer == "S"
	count(object.get(server.tls, "versions", {})) == 0
	f := pg.finding(
		server, sprintf(
			"the TLS versions it accepts are unknown: its settings could not be read (%s) and no handshake per version was tried",
			[pg.why(server, "settings_error")],
		),
		{},
	)
}

deny contains f if {
	some server in pg.servers
	speaks_tls(server)
	v := pg.value(server, "ssl_min_protocol_version")
	old[v]
	f := pg.finding(server, sprintf("%s: %s and later are allowed", [pg.shown(server, "ssl_min_protocol_version"), old[v]]), pg.loc(server, "ssl_min_protocol_version"))
}

deny contains f if {
	some server in pg.servers
	speaks_tls(server)
	v := pg.value(server, "ssl_max_protocol_version")
	old[v]
	f := pg.finding(server, sprintf("%s: no TLS version above %s is allowed", [pg.shown(server, "ssl_max_protocol_version"), old[v]]), pg.loc(server, "ssl_max_protocol_version"))
}

deny contains f if {
	some server in pg.servers
	some v, name in old
	server.tls.versions[v] == true
	f := pg.finding(server, sprintf("accepts %s (a %s handshake completed)", [name, v]), {})
}
