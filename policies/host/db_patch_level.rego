# METADATA
# title: Regular security patches
# description: >-
#   Each server's major version is in audit's embedded release table (so it
#   is supported) and has not passed its end of life, and its minor is the
#   latest the table knows for that major. Every finding names the table's
#   date: a table older than the latest release cannot see that release.
# custom:
#   id: DB-07
#   severity: medium
#   section: database
#   targets: [host]
#   facts: [postgres]
#   recommended_action: >-
#     Install the latest minor release of the server's major (e.g.
#     apt-get install --only-upgrade postgresql-15, then restart the
#     cluster), and upgrade to a supported major (pg_upgradecluster, or
#     pg_upgrade) before its end of life.
package audit.host.db_patch_level

import data.audit.lib.postgres as pg

table := input.postgres.releases

latest := object.get(table, "latest", {})

default table_date := "unknown date"

table_date := table.date if table.date != ""

# newest is the highest major the table knows.
newest := max({to_number(m) | some m, _ in latest})

major(server) := sprintf("%d", [server.version.major])

version(server) := sprintf("%d.%d", [server.version.major, server.version.minor])

# minor_known: the minor was read (server_version_num or the binary), not
# only the major (PG_VERSION).
minor_known(server) if server.version.num > 0

minor_known(server) if server.version.from in {"sql", "binary"}

error contains f if some f in pg.login_errors

error contains f if {
	count(latest) == 0
	f := {"msg": "audit's release table of PostgreSQL versions is empty: the patch level cannot be judged"}
}

error contains f if {
	some server in pg.judged_servers
	not object.get(server, ["version", "major"], 0) > 0
	f := pg.finding(server, sprintf("its version is unknown: %s", [pg.because(server, [["version", "error"]])]), {})
}

error contains f if {
	some server in pg.judged_servers
	server.version.major > newest
	f := pg.finding(
		server, sprintf(
			"PostgreSQL %d is newer than audit's release table of %s: update audit to judge it",
			[server.version.major, table_date],
		),
		{},
	)
}

error contains f if {
	some server in pg.judged_servers
	latest[major(server)]
	not minor_known(server)
	f := pg.finding(
		server, sprintf(
			"only its major version (%d, from %s) is known: whether it runs %d.%d, the latest minor in audit's release table of %s, is unknown",
			[server.version.major, object.get(server.version, "from", "?"), server.version.major, latest[major(server)], table_date],
		),
		{},
	)
}

deny contains f if {
	some server in pg.servers
	server.version.major > 0
	server.version.major < newest
	not latest[major(server)]
	f := pg.finding(
		server, sprintf(
			"PostgreSQL %d is no longer supported (audit's release table of %s)",
			[server.version.major, table_date],
		),
		{},
	)
}

deny contains f if {
	some server in pg.servers
	eol := table.end_of_life[major(server)]
	time.parse_ns("2006-01-02", eol) < pg.now
	f := pg.finding(
		server, sprintf(
			"PostgreSQL %d reached its end of life on %s (audit's release table of %s)",
			[server.version.major, eol, table_date],
		),
		{},
	)
}

deny contains f if {
	some server in pg.servers
	minor_known(server)
	want := latest[major(server)]
	server.version.minor < want
	f := pg.finding(
		server, sprintf(
			"%s is behind %d.%d, the latest minor in audit's release table of %s",
			[version(server), server.version.major, want, table_date],
		),
		{},
	)
}
