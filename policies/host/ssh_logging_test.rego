package audit.host.ssh_logging_test

import data.audit.host.ssh_logging as check
import data.audit.lib.ssh_fixtures as fx

test_allow_hardened if count(check.deny) == 0 with input as fx.hardened

test_allow_debug_and_authpriv if count(check.deny) == 0 with input as fx.with_effective({"loglevel": ["DEBUG2"], "syslogfacility": ["AUTHPRIV"]})

test_deny_info if {
	some f in check.deny with input as fx.with_effective({"loglevel": ["INFO"]})
	contains(f.msg, "LogLevel is INFO")
}

test_deny_facility if {
	some f in check.deny with input as fx.with_effective({"syslogfacility": ["DAEMON"]})
	contains(f.msg, "DAEMON")
}

test_missing_fact_denies_nothing if count(check.deny) == 0 with input as {}
