package audit.host.db_patch_level_test

import data.audit.host.db_patch_level as check
import data.audit.lib.postgres_fixtures as fx

version(major, minor) := fx.with_server({"version": {"num": (major * 10000) + minor, "major": major, "minor": minor, "from": "sql"}})

test_allow_hardened if {
	count(check.deny) == 0 with input as fx.hardened
	count(check.error) == 0 with input as fx.hardened
}

test_deny_behind_latest_minor if {
	some f in check.deny with input as version(15, 18)
	f.msg == "server 10.0.1.5:5432: 15.18 is behind 15.20, the latest minor in audit's release table of 2026-11-12"
}

test_allow_newer_minor_than_table if count(check.deny) == 0 with input as version(15, 21)

test_deny_unsupported_major if {
	some f in check.deny with input as version(13, 23)
	f.msg == "server 10.0.1.5:5432: PostgreSQL 13 is no longer supported (audit's release table of 2026-11-12)"
}

test_deny_end_of_life if {
	some f in check.deny with input as version(14, 24)
	contains(f.msg, "PostgreSQL 14 reached its end of life on 2026-11-12")
}

test_error_unknown_version if {
	inp := fx.with_server({"version": {"num": 0, "major": 0, "minor": 0, "error": "SHOW server_version_num: permission denied"}})
	some f in check.error with input as inp
	contains(f.msg, "its version is unknown: SHOW server_version_num")
}

test_error_only_major_known if {
	inp := fx.with_server({"version": {"num": 0, "major": 15, "minor": 0, "from": "PG_VERSION"}})
	some f in check.error with input as inp
	contains(f.msg, "only its major version (15, from PG_VERSION) is known")
}

test_deny_unsupported_major_from_pg_version if {
	inp := fx.with_server({"version": {"num": 0, "major": 12, "minor": 0, "from": "PG_VERSION"}})
	count(check.deny) == 1 with input as inp
	count(check.error) == 0 with input as inp
}

test_error_major_newer_than_table if {
	some f in check.error with input as version(20, 0)
	contains(f.msg, "newer than audit's release table")
}

test_error_empty_table if count(check.error) == 1 with input as fx.with_postgres({"releases": {"date": "", "latest": {}, "end_of_life": {}}})

test_error_dsn_login_failed if count(check.error) == 1 with input as fx.failed_login

test_missing_fact_denies_nothing if count(check.deny) == 0 with input as {}

test_error_unreachable_once if check.error == {fx.unreachable_error} with input as fx.unreachable

test_error_version_missing if {
	some f in check.error with input as fx.with_server({"version": null})
	f.msg == "server 10.0.1.5:5432: its version is unknown: no reason given"
}

test_error_version_with_empty_error if {
	some f in check.error with input as fx.with_server({"version": {"num": 0, "major": 0, "minor": 0, "error": ""}})
	f.msg == "server 10.0.1.5:5432: its version is unknown: no reason given"
}
