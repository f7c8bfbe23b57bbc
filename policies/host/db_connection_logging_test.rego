package audit.host.db_connection_logging_test

import data.audit.host.db_connection_logging as check
import data.audit.lib.postgres_fixtures as fx

test_allow_hardened if {
	count(check.deny) == 0 with input as fx.hardened
	count(check.error) == 0 with input as fx.hardened
}

test_deny_off_at_its_line if {
	some f in check.deny with input as fx.with_settings({"log_connections": fx.setting("off", 563)})
	f.msg == "server 10.0.1.5:5432: log_connections = off in /etc/postgresql/15/main/postgresql.conf:563: logins are not logged"
	f.line == 563
}

test_deny_default if {
	some f in check.deny with input as fx.with_server({"settings": object.remove(fx.hardened_settings, ["log_disconnections"])})
	f.msg == "server 10.0.1.5:5432: log_disconnections = off (the default: no file sets it): session ends are not logged"
	f.path == fx.conf
}

test_booleans_as_postgresql_reads_them if {
	count(check.deny) == 0 with input as fx.with_settings({"log_connections": fx.setting("true", 563), "log_disconnections": fx.setting("1", 564)})
}

test_postgresql_18_lists if {
	count(check.deny) == 0 with input as fx.with_settings({"log_connections": fx.setting("all", 563)})
	count(check.deny) == 0 with input as fx.with_settings({"log_connections": fx.setting("receipt, authorization", 563)})
	count(check.deny) == 1 with input as fx.with_settings({"log_connections": fx.setting("receipt,authentication", 563)})
	some f in check.deny with input as fx.with_settings({"log_connections": fx.setting("", 563)})
	contains(f.msg, "log_connections = '' in")
}

test_error_settings_unknown if {
	inp := fx.with_server({"settings": null, "settings_error": "read /etc/postgresql/15/main/postgresql.conf: permission denied"})
	count(check.error) == 1 with input as inp
	count(check.deny) == 0 with input as inp
}

test_error_dsn_login_failed if count(check.error) == 1 with input as fx.failed_login

test_missing_fact_denies_nothing if count(check.deny) == 0 with input as {}

test_error_settings_never_read if {
	some f in check.error with input as fx.with_server({"settings": null, "settings_from": ""})
	f.msg == "server 10.0.1.5:5432: its settings could not be read: no reason given"
}

test_error_unreachable_once if check.error == {fx.unreachable_error} with input as fx.unreachable
