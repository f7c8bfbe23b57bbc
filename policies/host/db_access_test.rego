package audit.host.db_access_test

import data.audit.host.db_access as check
import data.audit.lib.postgres_fixtures as fx

test_allow_hardened if {
	count(check.deny) == 0 with input as fx.hardened
	count(check.error) == 0 with input as fx.hardened
}

test_deny_any if {
	some f in check.deny with input as fx.with_hba([fx.rule(130, "host", "0.0.0.0/0", "any", "md5")])
	f.msg == "server 10.0.1.5:5432: pg_hba rule `host all all 0.0.0.0/0 md5` (/etc/postgresql/15/main/pg_hba.conf:130) allows every address"
	f.line == 130
}

test_deny_samenet_and_domain if {
	inp := fx.with_hba([
		fx.rule(130, "hostssl", "samenet", "samenet", "scram-sha-256"),
		fx.rule(131, "hostssl", ".example.com", "domain", "scram-sha-256"),
	])
	msgs := {f.msg | some f in check.deny with input as inp}
	count(msgs) == 2
	some m1 in msgs
	contains(m1, "server's own subnets (samenet)")
	some m2 in msgs
	contains(m2, "every host whose name ends in .example.com")
}

test_deny_wide_networks if {
	inp := fx.with_hba([
		fx.rule(130, "hostssl", "10.0.0.0/8", "network", "scram-sha-256"),
		fx.rule(131, "hostssl", "2001:db8::/48", "network", "scram-sha-256"),
	])
	msgs := {f.msg | some f in check.deny with input as inp}
	count(msgs) == 2
	some m1 in msgs
	contains(m1, "allows 10.0.0.0/8, which is wider than the allowed /24")
	some m2 in msgs
	contains(m2, "allows 2001:db8::/48, which is wider than the allowed /64")
}

test_prefix_from_settings if {
	inp := object.union(fx.with_hba([fx.rule(130, "hostssl", "10.0.2.0/24", "network", "scram-sha-256")]), {"settings": {"db_ipv4_min_prefix": 28}})
	count(check.deny) == 2 with input as inp # the hardened /24 too
}

test_allow_reject_local_and_hostname_rules if {
	inp := fx.with_hba([
		fx.rule(130, "host", "all", "any", "reject"),
		fx.rule(131, "hostssl", "app-1.example.com", "hostname", "scram-sha-256"),
		fx.rule(132, "hostssl", "::1/128", "local", "scram-sha-256"),
	])
	count(check.deny) == 0 with input as inp
}

dsn_from(addr) := fx.with_server({"dsn_given": true, "login": {"ok": true, "user": "audit", "superuser": true, "client_addr": addr}})

test_deny_auditor_not_listed if {
	some f in check.deny with input as dsn_from("192.0.2.10")
	f.msg == "server 10.0.1.5:5432: reachable from the auditor at 192.0.2.10, which no pg_hba rule admits"
}

test_allow_auditor_listed_by_network if count(check.deny) == 0 with input as dsn_from("10.0.1.77")

test_allow_auditor_on_loopback_or_the_host if {
	count(check.deny) == 0 with input as dsn_from("127.0.0.1")
	count(check.deny) == 0 with input as dsn_from("::1")
	count(check.deny) == 0 with input as dsn_from("10.0.1.5")
}

test_deny_auditor_from_plain_probe if {
	inp := fx.with_server({"plain": {"refused": true, "response": "no pg_hba.conf entry", "from": "192.0.2.10:50122", "from_loopback": false}})
	some f in check.deny with input as inp
	contains(f.msg, "auditor at 192.0.2.10,")
}

test_auditor_ipv6 if {
	some f in check.deny with input as dsn_from("2001:db8:1::7")
	contains(f.msg, "2001:db8:1::7")
}

test_error_hba_unknown if {
	inp := fx.with_server({"hba": null, "hba_error": "pg_hba_file_rules: permission denied"})
	count(check.error) == 1 with input as inp
	count(check.deny) == 0 with input as inp
}

test_error_dsn_login_failed if count(check.error) == 1 with input as fx.failed_login

test_missing_fact_denies_nothing if {
	count(check.deny) == 0 with input as {}
	count(check.error) == 0 with input as {}
}

# pg_hba_file_rules gives an address and a netmask, not a CIDR.
netmask_rule(line, address, netmask, prefix) := object.union(
	fx.rule(line, "hostssl", "10.0.0.0/8", "network", "scram-sha-256"),
	{"address": sprintf("%s %s", [address, netmask]), "prefix": prefix},
)

test_deny_wide_network_with_netmask if {
	some f in check.deny with input as fx.with_hba([netmask_rule(130, "10.0.0.0", "255.0.0.0", 8)])
	contains(f.msg, "`hostssl all all 10.0.0.0/8 scram-sha-256`")
	contains(f.msg, "allows 10.0.0.0/8, which is wider than the allowed /24")
}

test_auditor_admitted_by_netmask_rule if {
	inp := dsn_from("192.0.2.10")
	rules := array.concat(inp.postgres.servers[0].hba, [netmask_rule(130, "192.0.2.10", "255.255.255.255", 32)])
	count(check.deny) == 0 with input as fx.with_server({"dsn_given": true, "login": {"ok": true, "client_addr": "192.0.2.10"}, "hba": rules})
}

test_unresolvable_network_may_admit_the_auditor if {
	rules := array.concat(fx.hardened_hba, [object.union(fx.rule(130, "hostssl", "10.0.0.0/8", "network", "scram-sha-256"), {"address": "192.0.2/24", "prefix": 24})])
	count(check.deny) == 0 with input as fx.with_server({"dsn_given": true, "login": {"ok": true, "client_addr": "192.0.2.10"}, "hba": rules})
}

test_error_hba_never_read if {
	inp := fx.with_server({"hba": null, "hba_from": ""})
	some f in check.error with input as inp
	f.msg == "server 10.0.1.5:5432: its pg_hba rules could not be read: no reason given"
}

# A netmask whose one bits are not contiguous (255.0.255.0) is taken by the
# server: the collector gives it the prefix of its one bits (16), and the
# policy shows it as written, never as a CIDR it is not.
spread := netmask_rule(130, "10.0.0.0", "255.0.255.0", 16)

test_deny_non_contiguous_netmask if {
	some f in check.deny with input as fx.with_hba([spread])
	f.msg == "server 10.0.1.5:5432: pg_hba rule `hostssl all all 10.0.0.0 255.0.255.0 scram-sha-256` (/etc/postgresql/15/main/pg_hba.conf:130) allows 10.0.0.0 255.0.255.0, a netmask as wide as /16, which is wider than the allowed /24"
	f.line == 130
}

test_allow_contiguous_netmask_in_cidr_form if {
	count(check.deny) == 0 with input as fx.with_hba([netmask_rule(130, "10.0.2.0", "255.255.255.0", 24)])
}

# 10.0.0.0 255.0.255.0 admits 10.x.0.y.
test_auditor_admitted_by_non_contiguous_netmask if {
	inp := fx.with_server({"dsn_given": true, "login": {"ok": true, "client_addr": "10.7.0.1"}, "hba": array.concat(fx.hardened_hba, [spread])})
	msgs := {f.msg | some f in check.deny with input as inp}
	count(msgs) == 1 # the netmask's width
	every m in msgs {
		not contains(m, "reachable")
	}
}

test_auditor_not_admitted_by_non_contiguous_netmask if {
	inp := fx.with_server({"dsn_given": true, "login": {"ok": true, "client_addr": "10.0.5.1"}, "hba": array.concat(fx.hardened_hba, [spread])})
	some f in check.deny with input as inp
	f.msg == "server 10.0.1.5:5432: reachable from the auditor at 10.0.5.1, which no pg_hba rule admits"
}

test_judge_rule_with_a_warning if {
	warned := object.union(fx.rule(130, "hostssl", "0.0.0.0/0", "any", "scram-sha-256"), {"warning": "hostssl record cannot match because SSL is disabled"})
	inp := fx.with_hba([warned])
	some f in check.deny with input as inp
	f.line == 130
	count(check.error) == 0 with input as inp
}

test_error_hba_stale if {
	check.error == {fx.stale_error} with input as fx.hba_stale
}

test_error_unreachable_once if check.error == {fx.unreachable_error} with input as fx.unreachable
