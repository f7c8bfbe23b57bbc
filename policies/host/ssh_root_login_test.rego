package audit.host.ssh_root_login_test

import data.audit.host.ssh_root_login as check
import data.audit.lib.ssh_fixtures as fx

test_allow_hardened if count(check.deny) == 0 with input as fx.hardened

test_allow_without_password if count(check.deny) == 0 with input as fx.with_effective({"permitrootlogin": ["without-password"]})

test_deny_yes if {
	some f in check.deny with input as fx.with_effective({"permitrootlogin": ["yes"]})
	contains(f.msg, "PermitRootLogin is yes")
}

test_deny_in_match if {
	m := {
		"criteria": "User backup", "file": "/etc/ssh/sshd_config", "line": 9, "set": {"permitrootlogin": {"file": "/etc/ssh/sshd_config", "line": 10}},
		"effective": object.union(fx.hardened_effective, {"permitrootlogin": ["yes"]}),
	}
	some f in check.deny with input as fx.with_server({"matches": [m]})
	f.line == 10
}

test_missing_fact_denies_nothing if count(check.deny) == 0 with input as {}
