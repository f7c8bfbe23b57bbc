package audit.host.ssh_host_keys_test

import data.audit.host.ssh_host_keys as check
import data.audit.lib.ssh_fixtures as fx

test_allow_hardened if count(check.deny) == 0 with input as fx.hardened

test_deny_rsa_host_key if {
	some f in check.deny with input as fx.with_server({"host_keys": [{"path": "/etc/ssh/ssh_host_rsa_key", "type": "ssh-rsa"}]})
	contains(f.msg, "ssh-rsa host key")
}

test_deny_unreadable_host_key if {
	some f in check.deny with input as fx.with_server({"host_keys": [{"path": "/k", "error": "could not read: permission denied"}]})
	contains(f.msg, "cannot be checked")
}

test_deny_wire_offer if {
	offer := {"addr": "0.0.0.0:22", "kex": [], "host_key_algorithms": ["ssh-ed25519", "rsa-sha2-512"], "ciphers": [], "macs": []}
	some f in check.deny with input as fx.with_server({"wire": [offer]})
	contains(f.msg, "rsa-sha2-512")
}

test_missing_fact_denies_nothing if count(check.deny) == 0 with input as {}
