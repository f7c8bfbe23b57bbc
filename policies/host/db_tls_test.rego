package audit.host.db_tls_test

import data.audit.host.db_tls as check
import data.audit.lib.postgres_fixtures as fx

test_allow_hardened if {
	count(check.deny) == 0 with input as fx.hardened
	count(check.error) == 0 with input as fx.hardened
}

test_deny_ssl_off_at_its_line if {
	some f in check.deny with input as fx.with_settings({"ssl": fx.setting("off", 107)})
	f.msg == "server 10.0.1.5:5432: ssl = off in /etc/postgresql/15/main/postgresql.conf:107: TLS is off"
	f.path == fx.conf
	f.line == 107
}

test_deny_ssl_by_default if {
	some f in check.deny with input as fx.with_settings({"ssl": fx.default_setting("off")})
	contains(f.msg, "ssl = off (the default: no file sets it)")
	f.path == fx.conf
}

test_deny_ssl_missing_from_known_settings if {
	some f in check.deny with input as fx.with_server({"settings": object.remove(fx.hardened_settings, ["ssl"])})
	contains(f.msg, "ssl = off (the default")
}

test_ssl_true_is_on if count(check.deny) == 0 with input as fx.with_settings({"ssl": fx.setting("true", 107)})

test_deny_answer_n if {
	some f in check.deny with input as fx.with_tls({"answer": "N", "handshake": false, "versions": {}, "certificate": null})
	f.msg == "server 10.0.1.5:5432: refuses TLS (answers N to an SSLRequest)"
}

test_deny_failed_handshake if {
	some f in check.deny with input as fx.with_tls({"handshake": false, "handshake_error": "tls: internal error"})
	contains(f.msg, "the TLS handshake failed: tls: internal error")
}

test_deny_expired_certificate if {
	some f in check.deny with input as fx.with_tls({"certificate": {"not_after": "2026-11-30T00:00:00Z"}})
	contains(f.msg, "expired on 2026-11-30")
}

test_deny_expiring_certificate if {
	some f in check.deny with input as fx.with_tls({"certificate": {"not_after": "2026-12-10T12:00:00Z"}})
	contains(f.msg, "expires on 2026-12-10, within 14 days")
}

test_allow_certificate_15_days_left if count(check.deny) == 0 with input as fx.with_tls({"certificate": {"not_after": "2026-12-16T00:00:00Z"}})

test_deny_certificate_not_yet_valid if {
	some f in check.deny with input as fx.with_tls({"certificate": {"not_before": "2026-12-05T00:00:00Z"}})
	contains(f.msg, "not valid before 2026-12-05")
}

test_probe_alone_when_settings_unknown if {
	inp := fx.with_server({"settings": {}, "settings_error": "read postgresql.conf: permission denied"})
	count(check.deny) == 0 with input as inp
	count(check.error) == 0 with input as inp
}

# ssl = off is a failure whether or not the probe ran.
test_settings_alone_when_probe_failed if {
	inp := fx.with_server({"tls": {"error": "dial tcp 10.0.1.5:5432: connect: connection refused", "handshake": false}, "settings": {"ssl": {"value": "off", "source": "configuration file"}}})
	count(check.deny) == 1 with input as inp
}

# A server on no TCP address needs no certificate check.
test_no_tcp_address if {
	inp := fx.with_server({"addr": null, "tls": {"error": "the server listens on no TCP address", "handshake": false}})
	count(check.error) == 0 with input as object.union(inp, {"postgres": {"servers": [object.remove(inp.postgres.servers[0], ["addr"])]}})
}

test_error_when_neither_is_known if {
	inp := fx.with_server({
		"settings": {}, "settings_error": "read postgresql.conf: permission denied",
		"tls": {"error": "connect: connection refused", "handshake": false},
	})
	some f in check.error with input as inp
	contains(f.msg, "permission denied")
	contains(f.msg, "connection refused")
}

test_error_when_dsn_login_failed if {
	some f in check.error with input as fx.failed_login
	f.msg == "server 10.0.1.5:5432: the --postgres DSN could not log in as audit: password authentication failed for user \"audit\""
}

test_no_error_for_failed_login_without_dsn if {
	inp := fx.with_server({"login": {"ok": false, "superuser": false, "error": "x"}})
	count(check.error) == 0 with input as inp
}

test_two_servers_named if {
	other := object.union(fx.server, {"name": "/var/lib/postgresql/16/main", "settings": {"ssl": fx.setting("off", 107)}})
	inp := {"postgres": object.union(fx.hardened.postgres, {"servers": [fx.server, other]})}
	msgs := {f.msg | some f in check.deny with input as inp}
	count(msgs) == 1
	some m in msgs
	startswith(m, "server /var/lib/postgresql/16/main: ssl = off")
}

test_missing_fact_denies_nothing if {
	count(check.deny) == 0 with input as {}
	count(check.error) == 0 with input as {}
}

test_settings_never_read_are_unknown if {
	inp := fx.with_server({"settings": null, "settings_from": "", "tls": {"error": "x", "handshake": false}})
	count(check.deny) == 0 with input as inp
	count(check.error) == 1 with input as inp
}

test_error_unreachable_once if check.error == {fx.unreachable_error} with input as fx.unreachable

# A DSN login that did not succeed is a failed login, reason or not: the
# other parts are then not reported one by one without a reason.
test_error_login_not_ok_without_reason if {
	server := object.union(object.remove(fx.unreachable.postgres.servers[0], ["login"]), {"login": {"ok": false, "superuser": false, "user": "audit"}})
	inp := {"postgres": object.union(fx.unreachable.postgres, {"servers": [server]})}
	check.error == {{"msg": "server 10.0.1.5:5432: the --postgres DSN could not log in as audit: no reason given"}} with input as inp
}

# ssl = on with a probe that could not run: the certificate is unchecked.
test_error_ssl_on_probe_failed if {
	inp := fx.with_tls({"error": "connect to 127.0.0.1:5432: administratively prohibited", "answer": "", "handshake": false})
	some f in check.error with input as inp
	contains(f.msg, "certificate was not checked")
}
