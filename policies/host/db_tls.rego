# METADATA
# title: TLS enabled
# description: >-
#   Every PostgreSQL server has ssl = on, answers an SSLRequest with S and
#   completes a TLS handshake, and its certificate is within its validity
#   and does not expire within 14 days. A server whose settings could not
#   be read is judged by the live probe alone; one with ssl = on whose probe
#   could not run is an error (its certificate was not checked), unless it
#   listens on no TCP address.
# custom:
#   id: DB-01
#   severity: critical
#   section: database
#   targets: [host]
#   facts: [postgres]
#   recommended_action: >-
#     In postgresql.conf set ssl = on, with ssl_cert_file and ssl_key_file
#     naming a certificate issued by your CA and its key (owned by postgres,
#     mode 0600); renew the certificate well before it expires; then reload
#     (SELECT pg_reload_conf(); or systemctl reload postgresql).
package audit.host.db_tls

import data.audit.lib.postgres as pg

# Certificates that expire within this many days fail already.
warn_days := 14

error contains f if some f in pg.login_errors

error contains f if {
	some server in pg.judged_servers
	pg.settings_unknown(server)
	server.tls.error != ""
	f := pg.finding(
		server, sprintf(
			"whether it speaks TLS is unknown: its settings could not be read (%s) and the TLS probe could not run (%s)",
			[pg.why(server, "settings_error"), server.tls.error],
		),
		{},
	)
}

# ssl = on says nothing of the certificate: when the probe could not run,
# its validity is unknown.
error contains f if {
	some server in pg.judged_servers
	pg.on(pg.value(server, "ssl"))
	object.get(server.tls, "error", "") != ""
	object.get(server, "addr", "") != ""
	f := pg.finding(server, sprintf("ssl = on, but the TLS probe could not run, so its certificate was not checked: %s", [server.tls.error]), {})
}

deny contains f if {
	some server in pg.servers
	v := pg.value(server, "ssl") # undefined when the settings are unknown
	not pg.on(v)
	f := pg.finding(server, sprintf("%s: TLS is off", [pg.shown(server, "ssl")]), pg.loc(server, "ssl"))
}

deny contains f if {
	some server in pg.servers
	server.tls.answer == "N"
	f := pg.finding(server, "refuses TLS (answers N to an SSLRequest)", {})
}

deny contains f if {
	some server in pg.servers
	server.tls.answer == "S"
	not server.tls.handshake
	why := object.get(server.tls, "handshake_error", "no reason given")
	f := pg.finding(server, sprintf("answers S to an SSLRequest, but the TLS handshake failed: %s", [why]), {})
}

deny contains f if {
	some server in pg.servers
	cert := server.tls.certificate
	time.parse_rfc3339_ns(cert.not_after) < pg.now
	f := pg.finding(server, sprintf("its TLS certificate (%s) expired on %s", [cert.subject, pg.date(cert.not_after)]), {})
}

deny contains f if {
	some server in pg.servers
	cert := server.tls.certificate
	left := time.parse_rfc3339_ns(cert.not_after) - pg.now
	left >= 0
	left < warn_days * pg.day
	f := pg.finding(
		server, sprintf(
			"its TLS certificate (%s) expires on %s, within %d days",
			[cert.subject, pg.date(cert.not_after), warn_days],
		),
		{},
	)
}

deny contains f if {
	some server in pg.servers
	cert := server.tls.certificate
	time.parse_rfc3339_ns(cert.not_before) > pg.now
	f := pg.finding(server, sprintf("its TLS certificate (%s) is not valid before %s", [cert.subject, pg.date(cert.not_before)]), {})
}
