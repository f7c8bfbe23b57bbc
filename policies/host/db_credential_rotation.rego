# METADATA
# title: Rotate credentials regularly
# description: >-
#   Every PostgreSQL login role with a password has VALID UNTIL set, not
#   passed, and no further ahead than the rotation window
#   (credential_rotation_days, default 31 days), so that a password not
#   rotated stops working. Which roles have a password is read from
#   pg_authid, which needs a superuser: when it is unknown, so is this item.
# custom:
#   id: SEC-05
#   severity: medium
#   section: secrets
#   targets: [host]
#   facts: [postgres]
#   recommended_action: >-
#     Rotate each login role's password at least monthly and let it expire:
#     set a new password (\password app in psql) and then
#     ALTER ROLE app VALID UNTIL '<today + 31 days>'; automate both, e.g.
#     with a secrets manager's database engine.
package audit.host.db_credential_rotation

import data.audit.lib.postgres as pg

window_days := object.get(input, ["settings", "credential_rotation_days"], 31)

error contains f if some f in pg.login_errors

error contains f if {
	some server in pg.judged_servers
	not server.passwords_known
	f := pg.finding(server, sprintf("which roles have a password is unknown: %s", [pg.because(server, ["passwords_error", "roles_error"])]), {})
}

error contains f if {
	some server in pg.judged_servers
	server.passwords_known
	object.get(server, "roles_error", "") != ""
	f := pg.finding(server, sprintf("its login roles could not be read: %s", [server.roles_error]), {})
}

# When pg_authid was read, each role's has_password is known; a role
# without one (created between the reads of pg_roles and pg_authid) is
# unknown, never a role without a password.
error contains f if {
	some server in pg.judged_servers
	server.passwords_known
	some role in pg.roles(server)
	not is_boolean(object.get(role, "has_password", null))
	f := pg.finding(server, sprintf("whether role %s has a password is unknown: it was not in pg_authid when that was read", [role.name]), {})
}

# passworded are the login roles of a server known to have a password
# (has_password is absent when unknown: only true counts).
passworded(server) := [role | some role in pg.roles(server); role.has_password == true] if server.passwords_known

deny contains f if {
	some server in pg.servers
	some role in passworded(server)
	until := object.get(role, "valid_until", "")
	until in {"", "infinity"}
	f := pg.finding(server, sprintf("role %s has a password that never expires (%s)", [role.name, never[until]]), {})
}

deny contains f if {
	some server in pg.servers
	some role in passworded(server)
	role.valid_until == "-infinity"
	f := pg.finding(server, sprintf("role %s's password has expired (VALID UNTIL -infinity)", [role.name]), {})
}

deny contains f if {
	some server in pg.servers
	some role in passworded(server)
	until := expires(role)
	until < pg.now
	f := pg.finding(server, sprintf("role %s's password expired on %s: rotate it and set a new VALID UNTIL", [role.name, pg.date(role.valid_until)]), {})
}

deny contains f if {
	some server in pg.servers
	some role in passworded(server)
	until := expires(role)
	until > pg.now + (window_days * pg.day)
	f := pg.finding(
		server, sprintf(
			"role %s's password expires on %s, more than %d days ahead",
			[role.name, pg.date(role.valid_until), window_days],
		),
		{},
	)
}

never := {"": "no VALID UNTIL", "infinity": "VALID UNTIL 'infinity'"}

expires(role) := time.parse_rfc3339_ns(role.valid_until) if not object.get(role, "valid_until", "") in {"", "infinity", "-infinity"}
