package audit.host.db_auth_test

import data.audit.host.db_auth as check
import data.audit.lib.postgres_fixtures as fx

test_allow_hardened if {
	count(check.deny) == 0 with input as fx.hardened
	count(check.error) == 0 with input as fx.hardened
}

test_deny_trust_on_remote_rule if {
	some f in check.deny with input as fx.with_hba([fx.rule(130, "hostssl", "10.0.1.0/24", "network", "trust")])
	contains(f.msg, "`hostssl all all 10.0.1.0/24 trust`")
	contains(f.msg, "without any credential (trust)")
	f.line == 130
}

test_allow_trust_on_local_rules if {
	inp := fx.with_hba([fx.rule(130, "local", "", "local", "trust"), fx.rule(131, "host", "127.0.0.1/32", "local", "trust")])
	count(check.deny) == 0 with input as inp
}

test_deny_password_and_md5_even_local if {
	inp := fx.with_hba([fx.rule(130, "local", "", "local", "password"), fx.rule(131, "hostssl", "127.0.0.1/32", "local", "md5")])
	msgs := {f.msg | some f in check.deny with input as inp}
	count(msgs) == 2
	some m1 in msgs
	contains(m1, "cleartext")
	some m2 in msgs
	contains(m2, "uses md5")
}

test_deny_password_encryption if {
	some f in check.deny with input as fx.with_settings({"password_encryption": fx.setting("md5", 96)})
	f.msg == "server 10.0.1.5:5432: password_encryption = md5 in /etc/postgresql/15/main/postgresql.conf:96: new passwords are stored as MD5 hashes"
	f.line == 96
}

test_default_password_encryption_before_14 if {
	settings := object.remove(fx.hardened_settings, ["password_encryption"])
	count(check.deny) == 0 with input as fx.with_server({"settings": settings})
	old := fx.with_server({"settings": settings, "version": {"num": 130018, "major": 13, "minor": 18, "from": "sql"}})
	count(check.deny) == 1 with input as old
}

test_deny_md5_role_without_its_hash if {
	roles := [{"name": "legacy", "superuser": false, "has_password": true, "password_type": "md5"}]
	some f in check.deny with input as fx.with_roles(roles)
	f.msg == "server 10.0.1.5:5432: role legacy's password is stored as an MD5 hash"
}

test_no_role_judgment_when_passwords_unknown if {
	inp := fx.with_server({
		"passwords_known": false, "passwords_error": "reading pg_authid needs superuser",
		"roles": [{"name": "legacy", "superuser": false}], # has_password is absent
	})
	count(check.deny) == 0 with input as inp
	count(check.error) == 0 with input as inp
}

test_error_settings_unknown if count(check.error) == 1 with input as fx.with_server({"settings": null, "settings_error": "permission denied"})

test_error_hba_unknown if count(check.error) == 1 with input as fx.with_server({"hba": null, "hba_error": "permission denied"})

test_error_dsn_login_failed if count(check.error) == 1 with input as fx.failed_login

test_missing_fact_denies_nothing if {
	count(check.deny) == 0 with input as {}
	count(check.error) == 0 with input as {}
}

test_deny_ident_on_remote_rules if {
	inp := fx.with_hba([
		fx.rule(130, "hostssl", "10.0.1.0/24", "network", "ident"),
		fx.rule(131, "host", "app-1.example.com", "hostname", "ident"),
	])
	lines := {f.line | some f in check.deny with input as inp}
	lines == {130, 131}
	some f in check.deny with input as inp
	f.msg == "server 10.0.1.5:5432: pg_hba rule `hostssl all all 10.0.1.0/24 ident` (/etc/postgresql/15/main/pg_hba.conf:130) uses ident, which takes the client host's word for who the user is"
}

test_allow_ident_on_local_rules if {
	# On a local rule ident means peer; on loopback it asks the host itself.
	inp := fx.with_hba([fx.rule(130, "local", "", "local", "ident"), fx.rule(131, "hostssl", "127.0.0.1/32", "local", "ident")])
	count(check.deny) == 0 with input as inp
}

test_judge_rule_with_a_warning if {
	warned := object.union(fx.rule(130, "hostssl", "10.0.1.0/24", "network", "md5"), {"warning": "hostssl record cannot match because SSL is disabled"})
	inp := fx.with_hba([warned])
	some f in check.deny with input as inp
	f.line == 130
	count(check.error) == 0 with input as inp
}

test_error_hba_stale if check.error == {fx.stale_error} with input as fx.hba_stale

test_error_unreachable_once if check.error == {fx.unreachable_error} with input as fx.unreachable

# pg_roles and pg_authid are read apart: a role created in between has no
# has_password, which is unknown, not false.
test_error_role_password_unknown if {
	inp := fx.with_roles([{"name": "late", "superuser": false}, fx.app_role])
	some f in check.error with input as inp
	f.msg == "server 10.0.1.5:5432: how role late's password is stored is unknown: it was not in pg_authid when that was read"
}

test_error_roles_unknown if {
	inp := fx.with_server({"roles": null, "roles_error": "read pg_roles: permission denied"})
	some f in check.error with input as inp
	f.msg == "server 10.0.1.5:5432: its login roles could not be read: read pg_roles: permission denied"
}
