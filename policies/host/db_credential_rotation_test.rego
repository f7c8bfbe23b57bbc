package audit.host.db_credential_rotation_test

import data.audit.host.db_credential_rotation as check
import data.audit.lib.postgres_fixtures as fx

role(overrides) := object.union({"name": "app", "superuser": false, "has_password": true, "password_type": "scram-sha-256"}, overrides)

test_allow_hardened if {
	count(check.deny) == 0 with input as fx.hardened
	count(check.error) == 0 with input as fx.hardened
}

test_deny_no_valid_until if {
	some f in check.deny with input as fx.with_roles([role({})])
	f.msg == "server 10.0.1.5:5432: role app has a password that never expires (no VALID UNTIL)"
}

test_deny_infinity if {
	some f in check.deny with input as fx.with_roles([role({"valid_until": "infinity"})])
	contains(f.msg, "never expires (VALID UNTIL 'infinity')")
}

test_deny_expired if {
	some f in check.deny with input as fx.with_roles([role({"valid_until": "2026-11-15T00:00:00+00:00"})])
	contains(f.msg, "role app's password expired on 2026-11-15")
}

test_deny_too_far_ahead if {
	some f in check.deny with input as fx.with_roles([role({"valid_until": "2027-06-30T00:00:00Z"})])
	f.msg == "server 10.0.1.5:5432: role app's password expires on 2027-06-30, more than 31 days ahead"
}

test_window_from_settings if {
	inp := object.union(fx.with_roles([role({"valid_until": "2027-02-15T00:00:00Z"})]), {"settings": {"credential_rotation_days": 90}})
	count(check.deny) == 0 with input as inp
	count(check.deny) == 1 with input as fx.with_roles([role({"valid_until": "2027-02-15T00:00:00Z"})])
}

test_allow_roles_without_password if {
	count(check.deny) == 0 with input as fx.with_roles([role({"has_password": false, "password_type": ""})])
	count(check.deny) == 0 with input as fx.with_roles([])
}

test_error_passwords_unknown if {
	inp := fx.with_server({"passwords_known": false, "passwords_error": "reading pg_authid needs superuser", "roles": [object.remove(role({}), ["has_password", "password_type"])]})
	some f in check.error with input as inp
	f.msg == "server 10.0.1.5:5432: which roles have a password is unknown: reading pg_authid needs superuser"
	count(check.deny) == 0 with input as inp
}

test_error_passwords_unknown_without_reason if {
	some f in check.error with input as fx.with_server({"passwords_known": false})
	contains(f.msg, "no reason given")
}

test_error_dsn_login_failed if count(check.error) == 1 with input as fx.failed_login

test_missing_fact_denies_nothing if {
	count(check.deny) == 0 with input as {}
	count(check.error) == 0 with input as {}
}

# pg_roles and pg_authid are read apart: a role created in between has no
# has_password, which is unknown, not false.
test_error_role_password_unknown if {
	inp := fx.with_roles([{"name": "late", "superuser": false}, fx.app_role])
	check.error == {{"msg": "server 10.0.1.5:5432: whether role late has a password is unknown: it was not in pg_authid when that was read"}} with input as inp
}

test_error_unreachable_once if check.error == {fx.unreachable_error} with input as fx.unreachable

test_error_login_failed_without_reason if {
	inp := fx.with_server({"dsn_given": true, "login": {"ok": false, "superuser": false, "user": "audit"}})
	check.error == {{"msg": "server 10.0.1.5:5432: the --postgres DSN could not log in as audit: no reason given"}} with input as inp
}
