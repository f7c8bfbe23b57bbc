package audit.host.ssh_algorithms_test

import data.audit.host.ssh_algorithms as check
import data.audit.lib.ssh_fixtures as fx

test_allow_hardened if count(check.deny) == 0 with input as fx.hardened

test_deny_config if {
	inp := fx.with_effective({"ciphers": ["aes128-ctr,aes256-cbc"], "macs": ["hmac-sha1,hmac-sha2-256"], "kexalgorithms": ["curve25519-sha256,diffie-hellman-group14-sha1,ecdh-sha2-nistp256"]})
	msgs := {f.msg | some f in check.deny with input as inp}
	some m1 in msgs
	contains(m1, "aes256-cbc")
	some m2 in msgs
	contains(m2, "hmac-sha1")
	some m3 in msgs
	contains(m3, "diffie-hellman-group14-sha1, ecdh-sha2-nistp256")
}

test_deny_umac_64 if {
	some f in check.deny with input as fx.with_effective({"macs": ["umac-64-etm@openssh.com"]})
	contains(f.msg, "umac-64")
}

test_deny_wire if {
	offer := {"addr": "0.0.0.0:22", "kex": ["diffie-hellman-group1-sha1"], "host_key_algorithms": ["ssh-rsa", "ecdsa-sha2-nistp256"], "ciphers": ["3des-cbc"], "macs": ["hmac-md5"]}
	count(check.deny) == 4 with input as fx.with_server({"wire": [offer]})
}

test_missing_fact_denies_nothing if count(check.deny) == 0 with input as {}
