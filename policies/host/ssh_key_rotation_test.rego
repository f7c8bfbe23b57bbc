package audit.host.ssh_key_rotation_test

import data.audit.host.ssh_key_rotation as check
import data.audit.lib.ssh_fixtures as fx

test_allow_hardened if count(check.deny) == 0 with input as fx.hardened

test_deny_old_file if {
	some f in check.deny with input as fx.with_keys([fx.key({"modified": "2026-01-01T00:00:00Z"})])
	contains(f.msg, "334 days old")
}

test_comment_date_before_mtime if {
	count(check.deny) == 0 with input as fx.with_keys([fx.key({"created": "2026-11-01", "modified": "2020-01-01T00:00:00Z"})])
	count(check.deny) == 1 with input as fx.with_keys([fx.key({"created": "2025-01-01", "modified": "2026-11-30T00:00:00Z"})])
}

test_expiry_first if {
	count(check.deny) == 0 with input as fx.with_keys([fx.key({"expires": "2027-01-15T00:00:00Z", "modified": "2020-01-01T00:00:00Z"})])
	count(check.deny) == 1 with input as fx.with_keys([fx.key({"expires": "2028-01-01T00:00:00Z"})])
}

test_window_from_settings if {
	inp := object.union(fx.with_keys([fx.key({"modified": "2026-10-01T00:00:00Z"})]), {"settings": {"ssh_key_rotation_days": 30}})
	count(check.deny) == 1 with input as inp
}

test_deny_unknown_age if {
	some f in check.deny with input as fx.with_keys([object.remove(fx.key({}), ["modified"])])
	contains(f.msg, "no known age")
}

test_missing_fact_denies_nothing if count(check.deny) == 0 with input as {}
