package audit.host.ssh_certificates_test

import data.audit.host.ssh_certificates as check
import data.audit.lib.ssh_fixtures as fx

test_allow_hardened if count(check.deny) == 0 with input as fx.hardened

test_deny_not_set if {
	some f in check.deny with input as fx.with_effective({"trustedusercakeys": ["none"]})
	contains(f.msg, "not set")
}

test_deny_missing_ca if {
	some f in check.deny with input as fx.with_server({"trusted_ca_exists": false})
	contains(f.msg, "cannot be read")
}

test_missing_fact_denies_nothing if count(check.deny) == 0 with input as {}
