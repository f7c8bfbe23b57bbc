package audit.host.net_logging_test

import data.audit.host.net_logging as check
import data.audit.lib.ufw_fixtures as fx

test_allow_hardened if {
	count(check.deny) == 0 with input as fx.hardened
	count(check.error) == 0 with input as fx.hardened
}

test_allow_every_level if {
	every level in ["low", "medium", "high", "full", "on"] {
		count(check.deny) == 0 with input as fx.with_status({"logging": level})
	}
}

test_deny_off if check.deny == {{"msg": "ufw logging is off"}} with input as fx.with_status({"logging": "off"})

test_deny_no_level if {
	some f in check.deny with input as fx.with_status({"logging": ""})
	startswith(f.msg, "ufw logging is off")
}

test_deny_not_installed if check.deny == {{"msg": "ufw is not installed, so it logs nothing"}} with input as fx.not_installed

test_deny_inactive if check.deny == {{"msg": "ufw is inactive, so it logs nothing"}} with input as fx.inactive

test_deny_inactive_names_others if {
	inp := object.union(fx.inactive, {"ufw": {"others": ["firewalld"]}})
	check.deny == {{"msg": "ufw is inactive (firewalld is active instead, which this audit does not judge), so it logs nothing"}} with input as inp
}

test_error_status_unknown if {
	count(check.error) == 1 with input as fx.unknown_status
	count(check.deny) == 0 with input as fx.unknown_status
}

test_missing_fact_denies_nothing if {
	count(check.deny) == 0 with input as {}
	count(check.error) == 0 with input as {}
}
