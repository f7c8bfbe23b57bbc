# METADATA
# title: Strong authentication methods
# description: >-
#   No pg_hba rule for remote clients uses trust or ident; no rule at all
#   uses password (cleartext) or md5; password_encryption is scram-sha-256;
#   and, when the auditing role may read pg_authid, no role's password is
#   stored as an MD5 hash (or in cleartext).
# custom:
#   id: DB-05
#   severity: high
#   section: database
#   targets: [host]
#   facts: [postgres]
#   recommended_action: >-
#     Use scram-sha-256 (or cert) on every pg_hba.conf rule (no trust or
#     ident on host rules, never password or md5), set password_encryption =
#     'scram-sha-256' in postgresql.conf and reload, then set each
#     MD5-hashed role's password again (\password ROLE in psql) so that it
#     is stored as SCRAM.
package audit.host.db_auth

import data.audit.lib.postgres as pg

# weak are the methods denied on every rule, local ones included, and why.
weak := {
	"password": "sends the password in cleartext",
	"md5": "uses md5, whose stored hash is as good as the password (use scram-sha-256)",
}

error contains f if some f in pg.login_errors

error contains f if some f in pg.hba_errors

error contains f if some f in pg.settings_errors

deny contains f if {
	some server in pg.servers
	some r in pg.hba(server)
	r.method == "trust"
	pg.remote(r)
	f := pg.finding(server, sprintf("%s lets remote clients in without any credential (trust)", [pg.rule_at(server, r)]), pg.rule_loc(server, r))
}

# ident on a host rule asks the client's host who the user is, and takes
# its word (on a local rule, ident is peer: the kernel says).
deny contains f if {
	some server in pg.servers
	some r in pg.hba(server)
	r.method == "ident"
	pg.remote(r)
	f := pg.finding(server, sprintf("%s uses ident, which takes the client host's word for who the user is", [pg.rule_at(server, r)]), pg.rule_loc(server, r))
}

deny contains f if {
	some server in pg.servers
	some r in pg.hba(server)
	why := weak[r.method]
	f := pg.finding(server, sprintf("%s %s", [pg.rule_at(server, r), why]), pg.rule_loc(server, r))
}

deny contains f if {
	some server in pg.servers
	v := pg.value(server, "password_encryption")
	v != "scram-sha-256"
	f := pg.finding(server, sprintf("%s: new passwords are stored as MD5 hashes", [pg.shown(server, "password_encryption")]), pg.loc(server, "password_encryption"))
}

# When pg_authid was read, each role's has_password is known; a role
# without one (created between the reads of pg_roles and pg_authid) is
# unknown, not a role without a password.
error contains f if {
	some server in pg.judged_servers
	server.passwords_known
	some role in pg.roles(server)
	not is_boolean(object.get(role, "has_password", null))
	f := pg.finding(server, sprintf("how role %s's password is stored is unknown: it was not in pg_authid when that was read", [role.name]), {})
}

error contains f if {
	some server in pg.judged_servers
	server.passwords_known
	object.get(server, "roles_error", "") != ""
	f := pg.finding(server, sprintf("its login roles could not be read: %s", [server.roles_error]), {})
}

# stored says how a role's password is kept, when it is not SCRAM.
stored := {"md5": "as an MD5 hash", "plain": "in cleartext"}

deny contains f if {
	some server in pg.servers
	server.passwords_known
	some role in pg.roles(server)
	role.has_password == true
	how := stored[role.password_type]
	f := pg.finding(server, sprintf("role %s's password is stored %s", [role.name, how]), {})
}
