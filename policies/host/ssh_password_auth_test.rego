package audit.host.ssh_password_auth_test

import data.audit.host.ssh_password_auth as check
import data.audit.lib.ssh_fixtures as fx

test_allow_hardened if count(check.deny) == 0 with input as fx.hardened

test_deny_global_password_with_its_drop_in_line if {
	some f in check.deny with input as fx.with_effective({"passwordauthentication": ["yes"]})
	f.path == "/etc/ssh/sshd_config.d/50-cloud-init.conf"
	f.line == 1
}

test_deny_keyboard_interactive if {
	some f in check.deny with input as fx.with_effective({"kbdinteractiveauthentication": ["yes"]})
	contains(f.msg, "kbdinteractiveauthentication")
}

test_deny_match_block if {
	m := {
		"criteria": "Address 203.0.113.0/24", "file": "/etc/ssh/sshd_config", "line": 40,
		"set": {"passwordauthentication": {"file": "/etc/ssh/sshd_config", "line": 41}},
		"effective": object.union(fx.hardened_effective, {"passwordauthentication": ["yes"]}),
	}
	some f in check.deny with input as fx.with_server({"matches": [m]})
	f.line == 41
	contains(f.msg, "Match Address 203.0.113.0/24")
}

test_deny_unevaluated_match_that_sets_it if {
	m := {
		"criteria": "Group wheel", "file": "/etc/ssh/sshd_config", "line": 50, "error": "Group criteria are not evaluated",
		"set": {"passwordauthentication": {"file": "/etc/ssh/sshd_config", "line": 51}},
	}
	some f in check.deny with input as fx.with_server({"matches": [m]})
	contains(f.msg, "could not be evaluated")
}

test_allow_unevaluated_match_that_does_not_set_it if {
	m := {"criteria": "Group wheel", "file": "/etc/ssh/sshd_config", "line": 50, "error": "x", "set": {"x11forwarding": {"file": "f", "line": 51}}}
	count(check.deny) == 0 with input as fx.with_server({"matches": [m]})
}

test_missing_fact_denies_nothing if count(check.deny) == 0 with input as {}

test_deny_wire_password_when_config_says_no if {
	offer := {"addr": "0.0.0.0:22", "kex": [], "host_key_algorithms": ["ssh-ed25519"], "ciphers": [], "macs": [], "auth_methods": ["publickey", "password"]}
	some f in check.deny with input as fx.with_server({"wire": [offer]})
	contains(f.msg, "offers password authentication")
	contains(f.msg, "sources disagree")
}

test_allow_wire_publickey_only if {
	offer := {"addr": "0.0.0.0:22", "kex": [], "host_key_algorithms": ["ssh-ed25519"], "ciphers": [], "macs": [], "auth_methods": ["publickey"]}
	count(check.deny) == 0 with input as fx.with_server({"wire": [offer]})
}

test_deny_unreadable_wire if {
	some f in check.deny with input as fx.with_server({"wire_error": "connect: refused"})
	contains(f.msg, "could not be read")
}
