package audit.host.db_tls_enforced_test

import data.audit.host.db_tls_enforced as check
import data.audit.lib.postgres_fixtures as fx

test_allow_hardened if {
	count(check.deny) == 0 with input as fx.hardened
	count(check.error) == 0 with input as fx.hardened
}

test_deny_host_rule_quoted_at_its_line if {
	some f in check.deny with input as fx.with_hba([fx.rule(130, "host", "0.0.0.0/0", "any", "md5")])
	f.msg == "server 10.0.1.5:5432: pg_hba rule `host all all 0.0.0.0/0 md5` (/etc/postgresql/15/main/pg_hba.conf:130) admits remote clients without TLS"
	f.path == fx.hba_file
	f.line == 130
}

test_deny_hostnossl_and_hostnogssenc if {
	inp := fx.with_hba([
		fx.rule(130, "hostnossl", "10.0.2.0/24", "network", "scram-sha-256"),
		fx.rule(131, "hostnogssenc", "10.0.3.0/24", "network", "scram-sha-256"),
	])
	lines := {f.line | some f in check.deny with input as inp}
	lines == {130, 131}
}

test_allow_hostssl_hostgssenc_local_and_reject if {
	inp := fx.with_hba([
		fx.rule(130, "hostgssenc", "10.0.2.0/24", "network", "gss"),
		fx.rule(131, "host", "127.0.0.1/32", "local", "scram-sha-256"),
		fx.rule(132, "host", "samehost", "local", "scram-sha-256"),
		fx.rule(133, "host", "0.0.0.0/0", "any", "reject"),
		fx.rule(134, "local", "", "local", "trust"),
	])
	count(check.deny) == 0 with input as inp
}

test_deny_plain_login_not_refused if {
	inp := fx.with_server({"plain": {"user": "audit", "refused": false, "response": "asked for a SCRAM-SHA-256 password", "from": "10.0.9.7", "from_loopback": false}})
	some f in check.deny with input as inp
	f.msg == "server 10.0.1.5:5432: a login without TLS from 10.0.9.7 was not refused: asked for a SCRAM-SHA-256 password"
}

test_allow_plain_login_from_loopback_or_the_host_itself if {
	loop := fx.with_server({"plain": {"refused": false, "response": "x", "from": "127.0.0.1", "from_loopback": true}})
	count(check.deny) == 0 with input as loop
	own := fx.with_server({"plain": {"refused": false, "response": "x", "from": "10.0.1.5", "from_loopback": false}})
	count(check.deny) == 0 with input as own
}

test_allow_plain_probe_that_did_not_run if {
	inp := fx.with_server({"plain": {"error": "connect: connection refused", "refused": false, "from_loopback": false}})
	count(check.deny) == 0 with input as inp
	empty := fx.with_server({"plain": {"refused": false, "from_loopback": false}})
	count(check.deny) == 0 with input as empty
}

test_error_hba_unknown if {
	some f in check.error with input as fx.with_server({"hba": null, "hba_error": "read pg_hba.conf: permission denied"})
	f.msg == "server 10.0.1.5:5432: its pg_hba rules could not be read: read pg_hba.conf: permission denied"
}

test_error_unparsable_rule if {
	bad := {"file": fx.hba_file, "line": 140, "type": "", "databases": [], "users": [], "scope": "", "method": "", "error": "invalid authentication method \"scram\""}
	some f in check.error with input as fx.with_hba([bad])
	f.line == 140
	contains(f.msg, "invalid authentication method")
}

test_error_dsn_login_failed if count(check.error) == 1 with input as fx.failed_login

test_missing_fact_denies_nothing if {
	count(check.deny) == 0 with input as {}
	count(check.error) == 0 with input as {}
}
