package audit.host.db_tls_version_test

import data.audit.host.db_tls_version as check
import data.audit.lib.postgres_fixtures as fx

test_allow_hardened if {
	count(check.deny) == 0 with input as fx.hardened
	count(check.error) == 0 with input as fx.hardened
}

test_deny_min_tlsv1_at_its_line if {
	some f in check.deny with input as fx.with_settings({"ssl_min_protocol_version": fx.setting("TLSv1", 112)})
	f.msg == "server 10.0.1.5:5432: ssl_min_protocol_version = TLSv1 in /etc/postgresql/15/main/postgresql.conf:112: TLS 1.0 and later are allowed"
	f.line == 112
}

test_deny_max_below_tls12 if {
	some f in check.deny with input as fx.with_settings({"ssl_max_protocol_version": fx.setting("TLSv1.1", 113)})
	contains(f.msg, "ssl_max_protocol_version = TLSv1.1")
}

test_default_depends_on_major if {
	settings := object.remove(fx.hardened_settings, ["ssl_min_protocol_version"])
	count(check.deny) == 0 with input as fx.with_server({"settings": settings})
	old := fx.with_server({"settings": settings, "version": {"num": 120022, "major": 12, "minor": 22, "from": "sql"}})
	some f in check.deny with input as old
	contains(f.msg, "ssl_min_protocol_version = TLSv1 (the default: no file sets it)")
}

test_deny_live_tls10 if {
	some f in check.deny with input as fx.with_tls({"versions": {"TLSv1": true, "TLSv1.1": false, "TLSv1.2": true, "TLSv1.3": true}})
	f.msg == "server 10.0.1.5:5432: accepts TLS 1.0 (a TLSv1 handshake completed)"
}

test_nothing_to_judge_without_tls if {
	inp := fx.with_server({
		"settings": object.union(fx.hardened_settings, {"ssl": fx.setting("off", 107), "ssl_min_protocol_version": fx.setting("TLSv1", 112)}),
		"tls": {"answer": "N", "handshake": false},
	})
	count(check.deny) == 0 with input as inp
	count(check.error) == 0 with input as inp
}

test_error_settings_unknown_and_no_probe if {
	inp := fx.with_server({"settings": {}, "settings_error": "permission denied", "tls": {"error": "connection refused", "handshake": false}})
	some f in check.error with input as inp
	contains(f.msg, "the TLS versions it accepts are unknown")
}

test_error_settings_unknown_and_versions_not_tried if {
	inp := fx.with_server({"settings": {}, "settings_error": "permission denied", "tls": {"answer": "S", "handshake": true}})
	count(check.error) == 1 with input as inp
}

test_probe_alone_when_settings_unknown if {
	inp := fx.with_server({"settings": {}, "settings_error": "permission denied"})
	count(check.error) == 0 with input as inp
	count(check.deny) == 0 with input as inp
}

test_error_dsn_login_failed if count(check.error) == 1 with input as fx.failed_login

test_missing_fact_denies_nothing if {
	count(check.deny) == 0 with input as {}
	count(check.error) == 0 with input as {}
}

test_error_unreachable_once if check.error == {fx.unreachable_error} with input as fx.unreachable
