# METADATA
# title: Connection auditing
# description: >-
#   log_connections and log_disconnections are on, so that every login
#   (who, from where) and its end are in the server log. On PostgreSQL 18,
#   where log_connections is a list of aspects, it counts as on when it is
#   "all" or lists "authorization" (the line that names the user).
# custom:
#   id: DB-08
#   severity: low
#   section: database
#   targets: [host]
#   facts: [postgres]
#   recommended_action: >-
#     Set log_connections = on and log_disconnections = on in postgresql.conf
#     (on PostgreSQL 18, log_connections = 'all' or a list that includes
#     authorization), reload PostgreSQL, and ship the log off the host.
package audit.host.db_connection_logging

import data.audit.lib.postgres as pg

# logged: the setting's value turns the logging on. PostgreSQL 18's
# log_connections list counts when it is all or names authorization;
# the old booleans are still accepted there.
logged(v) if pg.on(v)

logged(v) if "all" in aspects(v)

logged(v) if "authorization" in aspects(v)

aspects(v) := {trim_space(a) | some a in split(lower(v), ",")}

error contains f if some f in pg.login_errors

error contains f if some f in pg.settings_errors

deny contains f if {
	some server in pg.servers
	some name in ["log_connections", "log_disconnections"]
	v := pg.value(server, name)
	not logged(v)
	f := pg.finding(server, sprintf("%s: %s are not logged", [pg.shown(server, name), what[name]]), pg.loc(server, name))
}

what := {"log_connections": "logins", "log_disconnections": "session ends"}
