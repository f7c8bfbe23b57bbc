package audit.host.db_tls_enforced_test

import data.audit.host.db_tls_enforced as check
import data.audit.lib.postgres_fixtures as fx

test_allow_hardened if {
	count(check.deny) == 0 with input as fx.hardened
	count(check.error) == 0 with input as fx.hardened
}

# unshielded adds rules after the hardened ones but its hostnossl reject,
# which would leave them TLS connections only.
unshielded(rules) := fx.with_server({"hba": array.concat([r | some r in fx.hardened_hba; r.method != "reject"], rules)})

test_deny_host_rule_quoted_at_its_line if {
	some f in check.deny with input as unshielded([fx.rule(130, "host", "0.0.0.0/0", "any", "md5")])
	f.msg == "server 10.0.1.5:5432: pg_hba rule `host all all 0.0.0.0/0 md5` (/etc/postgresql/15/main/pg_hba.conf:130) admits remote clients without TLS"
	f.path == fx.hba_file
	f.line == 130
}

test_deny_hostnossl_and_hostnogssenc if {
	inp := unshielded([
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

# A rule no earlier rule shields: hardened has no reject before it.
host_rule(line, address, scope) := fx.rule(line, "host", address, scope, "scram-sha-256")

reject(line, address) := fx.rule(line, "hostnossl", address, "any", "reject")

rejects := [reject(100, "0.0.0.0/0"), reject(101, "::/0")]

# hba puts rules first, before the hardened ones.
hba(rules) := fx.with_server({"hba": array.concat(rules, fx.hardened_hba)})

denied_lines(inp) := {f.line | some f in check.deny with input as inp}

test_allow_rules_behind_hostnossl_rejects if {
	inp := hba(array.concat(rejects, [
		host_rule(130, "10.1.1.0/24", "network"),
		host_rule(131, "2001:db8:1::/64", "network"),
		host_rule(132, "app-1.example.com", "hostname"),
		fx.rule(133, "hostnogssenc", "10.1.2.0/24", "network", "scram-sha-256"),
		fx.rule(134, "hostnossl", "10.1.3.0/24", "network", "scram-sha-256"),
	]))
	count(check.deny) == 0 with input as inp
}

test_allow_rules_behind_netmask_rejects if {
	# pg_hba.conf may write 0.0.0.0/0 as 0.0.0.0 0.0.0.0: the rule's
	# scope and family say what it covers, not how it is written.
	v4 := object.union(reject(100, "0.0.0.0/0"), {"address": "0.0.0.0 0.0.0.0"})
	v6 := object.union(reject(101, "::/0"), {"address": ":: ::"})
	count(check.deny) == 0 with input as hba([v4, v6, host_rule(130, "10.1.1.0/24", "network"), host_rule(131, "samenet", "samenet")])
}

test_allow_rules_behind_an_all_reject if {
	inp := hba([
		reject(100, "all"),
		host_rule(130, "10.1.1.0/24", "network"),
		host_rule(131, "app-1.example.com", "hostname"),
		host_rule(132, ".example.com", "domain"),
		host_rule(133, "samenet", "samenet"),
		host_rule(134, "all", "any"),
	])
	count(check.deny) == 0 with input as inp
}

test_deny_rules_of_a_family_no_reject_covers if {
	inp := hba([
		reject(100, "0.0.0.0/0"),
		host_rule(130, "10.1.1.0/24", "network"),
		host_rule(131, "2001:db8:1::/64", "network"),
		host_rule(132, "app-1.example.com", "hostname"),
		host_rule(133, "samenet", "samenet"),
		host_rule(134, "all", "any"),
		host_rule(135, "::/0", "any"),
	])
	denied_lines(inp) == {131, 132, 133, 134, 135}
	denied_lines(hba([reject(100, "::/0"), host_rule(130, "10.1.1.0/24", "network")])) == {130}
}

test_deny_rules_before_the_rejects if {
	denied_lines(hba(array.concat([host_rule(99, "10.1.1.0/24", "network")], rejects))) == {99}
}

test_deny_rules_behind_rejects_that_do_not_catch_everyone if {
	narrow := object.union(reject(100, "10.2.0.0/16"), {"scope": "network", "family": "ipv4", "prefix": 16})
	one_db := object.union(reject(101, "0.0.0.0/0"), {"databases": ["app"]})
	one_user := object.union(reject(102, "0.0.0.0/0"), {"users": ["app"]})
	not_reject := fx.rule(103, "hostnossl", "0.0.0.0/0", "any", "scram-sha-256")
	ssl_reject := fx.rule(104, "hostssl", "0.0.0.0/0", "any", "reject")
	host_reject := fx.rule(105, "host", "0.0.0.0/0", "any", "reject")
	every rejection in [narrow, one_db, one_user, ssl_reject, host_reject] {
		130 in denied_lines(hba([rejection, host_rule(130, "10.1.1.0/24", "network")]))
	}
	130 in denied_lines(hba([not_reject, host_rule(130, "10.1.1.0/24", "network")]))
}

test_allow_rules_behind_a_reject_listing_all_among_others if {
	wide := object.union(reject(100, "all"), {"databases": ["all", "app"], "users": ["app", "all"]})
	count(check.deny) == 0 with input as hba([wide, host_rule(130, "10.1.1.0/24", "network")])
}

# all does not match physical replication connections: only the
# replication keyword does.
test_deny_replication_rules_behind_rejects_for_all if {
	repl := object.union(host_rule(130, "10.1.1.0/24", "network"), {"databases": ["replication"], "users": ["repl"]})
	denied_lines(hba(array.concat(rejects, [repl]))) == {130}
	both := object.union(reject(100, "all"), {"databases": ["all", "replication"]})
	count(check.deny) == 0 with input as hba([both, repl])
}

# A rule the server loads despite a warning is a rule like any other.
test_reject_with_a_warning_shields if {
	warned := object.union(reject(100, "all"), {"warning": "some warning the server logs"})
	count(check.deny) == 0 with input as hba([warned, host_rule(130, "10.1.1.0/24", "network")])
}

test_deny_rule_with_a_warning if {
	warned := object.union(fx.rule(130, "host", "10.1.1.0/24", "network", "scram-sha-256"), {"warning": "some warning the server logs"})
	denied_lines(unshielded([warned])) == {130}
	count(check.error) == 0 with input as unshielded([warned])
}

test_reject_with_an_error_does_not_shield if {
	broken := object.union(reject(100, "all"), {"error": "invalid authentication option"})
	inp := hba([broken, host_rule(130, "10.1.1.0/24", "network")])
	130 in denied_lines(inp)
	count(check.error) == 1 with input as inp
}

test_error_hba_stale if check.error == {fx.stale_error} with input as fx.hba_stale

test_error_unreachable_once if check.error == {fx.unreachable_error} with input as fx.unreachable

# A reject of a network that contains the rule's shields it too; one that
# does not, or of the other family, does not.
test_allow_rules_behind_a_network_reject if {
	net8 := fx.rule(100, "hostnossl", "10.0.0.0/8", "network", "reject")
	count(check.deny) == 0 with input as hba([net8, host_rule(130, "10.1.1.0/24", "network")])
	denied_lines(hba([net8, host_rule(130, "192.168.1.0/24", "network")])) == {130}
	denied_lines(hba([net8, host_rule(130, "10.0.0.0/7", "network")])) == {130}
	denied_lines(hba([net8, host_rule(130, "fd00::/64", "network")])) == {130}
	denied_lines(hba([host_rule(130, "10.1.1.0/24", "network"), net8])) == {130}
}
