package audit.host.ssh_user_keys_test

import data.audit.host.ssh_user_keys as check
import data.audit.lib.ssh_fixtures as fx

test_allow_hardened if count(check.deny) == 0 with input as fx.hardened

test_allow_ed25519_certificate if count(check.deny) == 0 with input as fx.with_keys([fx.key({"type": "ssh-ed25519-cert-v01@openssh.com"})])

test_deny_rsa_user_key if {
	some f in check.deny with input as fx.with_keys([fx.key({"type": "ssh-rsa", "line": 3})])
	f.path == "/home/deploy/.ssh/authorized_keys"
	f.line == 3
}

test_deny_unreadable_keys if {
	some f in check.deny with input as fx.with_keys([{"user": "x", "file": "/home/x/.ssh/authorized_keys", "line": 0, "error": "could not read: permission denied"}])
	contains(f.msg, "cannot be checked")
}

test_deny_pubkey_algorithms if {
	some f in check.deny with input as fx.with_effective({"pubkeyacceptedalgorithms": ["ssh-ed25519,rsa-sha2-512"]})
	contains(f.msg, "rsa-sha2-512")
}

test_missing_fact_denies_nothing if count(check.deny) == 0 with input as {}
