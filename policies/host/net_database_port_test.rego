package audit.host.net_database_port_test

import data.audit.host.net_database_port as check
import data.audit.lib.ufw_fixtures as fx

hardened_rules := fx.hardened_rules

allow_5432 := fx.rule(6, "5432/tcp ALLOW IN Anywhere", "allow", [[5432, 5432]], "tcp", false)

test_allow_hardened if {
	count(check.deny) == 0 with input as fx.hardened
	count(check.error) == 0 with input as fx.hardened
}

test_deny_allow_from_anywhere if {
	check.deny == {{"msg": "rule 6 `5432/tcp ALLOW IN Anywhere` opens PostgreSQL port 5432 to anywhere"}} with input as fx.with_rules(array.concat(hardened_rules, [allow_5432]))
}

test_deny_limit_from_anywhere if {
	r := fx.rule(6, "5432/tcp LIMIT IN Anywhere", "limit", [[5432, 5432]], "tcp", false)
	count(check.deny) == 1 with input as fx.with_rules([r])
}

test_deny_v6_only if {
	r := fx.rule(9, "5432/tcp (v6) ALLOW IN Anywhere (v6)", "allow", [[5432, 5432]], "tcp", true)
	check.deny == {{"msg": "rule 9 `5432/tcp (v6) ALLOW IN Anywhere (v6)` opens PostgreSQL port 5432 to anywhere"}} with input as fx.with_rules(array.concat(hardened_rules, [r]))
}

test_deny_range_and_any_proto if {
	r := fx.rule(6, "5000:6000 ALLOW IN Anywhere", "allow", [[5000, 6000]], "", false)
	some f in check.deny with input as fx.with_rules([r])
	f.msg == "rule 6 `5000:6000 ALLOW IN Anywhere` opens PostgreSQL port 5432 to anywhere"
}

test_deny_rule_without_port if {
	r := fx.rule(6, "Anywhere ALLOW IN 0.0.0.0/0", "allow", [], "", false)
	some f in check.deny with input as fx.with_rules([object.union(r, {"from": "0.0.0.0/0", "from_anywhere": false})])
	f.msg == "rule 6 `Anywhere ALLOW IN 0.0.0.0/0` opens PostgreSQL port 5432 to anywhere (it names no port, so it opens them all)"
}

test_deny_app_profile if {
	r := object.union(fx.rule(6, "PostgreSQL ALLOW IN Anywhere", "allow", [[5432, 5432]], "tcp", false), {"app": "PostgreSQL"})
	some f in check.deny with input as fx.with_rules([r])
	f.msg == "rule 6 `PostgreSQL ALLOW IN Anywhere` (application profile PostgreSQL) opens PostgreSQL port 5432 to anywhere"
}

test_deny_on_interface if {
	r := object.union(fx.rule(6, "5432/tcp on eth0 ALLOW IN Anywhere", "allow", [[5432, 5432]], "tcp", false), {"interface": "eth0"})
	some f in check.deny with input as fx.with_rules([r])
	f.msg == "rule 6 `5432/tcp on eth0 ALLOW IN Anywhere` opens PostgreSQL port 5432 to anywhere on eth0"
}

test_deny_rule_from_files_has_location if {
	r := object.union(allow_5432, {"file": "/etc/ufw/user.rules", "line": 31})
	some f in check.deny with input as fx.with_rules([r])
	f.path == "/etc/ufw/user.rules"
	f.line == 31
}

test_allow_udp_source_out_and_deny_rules if {
	rules := [
		fx.rule(1, "5432/udp ALLOW IN Anywhere", "allow", [[5432, 5432]], "udp", false),
		fx.from(fx.rule(2, "5432/tcp ALLOW IN 10.0.1.7", "allow", [[5432, 5432]], "tcp", false), "10.0.1.7"),
		object.union(fx.rule(3, "5432/tcp ALLOW OUT Anywhere (out)", "allow", [[5432, 5432]], "tcp", false), {"direction": "out"}),
		fx.rule(4, "5432/tcp DENY IN Anywhere", "deny", [[5432, 5432]], "tcp", false),
		fx.rule(5, "5433 ALLOW IN Anywhere", "allow", [[5433, 5433]], "", false),
	]
	count(check.deny) == 0 with input as fx.with_rules(rules)
}

test_port_from_postgres_facts if {
	inp := fx.postgres_on(fx.with_rules([fx.rule(6, "5433 ALLOW IN Anywhere", "allow", [[5433, 5433]], "", false)]), 5433)
	some f in check.deny with input as inp
	contains(f.msg, "PostgreSQL port 5433")
	count(check.deny) == 0 with input as fx.postgres_on(fx.with_rules([allow_5432]), 5433)
}

test_port_setting_and_address_both_count if {
	inp := object.union(fx.with_rules([allow_5432]), {"postgres": {"servers": [{"name": "10.0.1.5:5432", "addr": "10.0.1.5:5432", "settings": {"port": {"value": "5433"}}}]}})
	count(check.deny) == 1 with input as inp
}

test_port_of_bracketed_address if {
	inp := object.union(fx.with_rules([fx.rule(6, "6543 ALLOW IN Anywhere", "allow", [[6543, 6543]], "", false)]), {"postgres": {"servers": [{"name": "[::1]:6543", "addr": "[::1]:6543", "settings": {}}]}})
	count(check.deny) == 1 with input as inp
}

test_deny_default_allow if {
	check.deny == {{"msg": "ufw's default incoming policy is allow and no rule denies PostgreSQL port 5432: it is open to anywhere"}} with input as fx.with_status({"incoming": "allow"})
}

test_allow_default_allow_with_deny_rule_first if {
	denies := [
		fx.rule(1, "5432/tcp DENY IN Anywhere", "deny", [[5432, 5432]], "tcp", false),
		fx.rule(2, "5432/tcp (v6) DENY IN Anywhere (v6)", "deny", [[5432, 5432]], "tcp", true),
	]
	count(check.deny) == 0 with input as fx.with_status({"incoming": "allow", "rules": array.concat(denies, hardened_rules)})
}

# A deny for IPv4 alone leaves the port open over IPv6; one for a single
# destination address leaves the host's other addresses open.
test_deny_default_allow_partial_deny if {
	v4 := fx.rule(1, "5432/tcp DENY IN Anywhere", "deny", [[5432, 5432]], "tcp", false)
	check.deny == {{"msg": "ufw's default incoming policy is allow and no rule denies PostgreSQL port 5432 over IPv6: it is open to anywhere"}} with input as fx.with_status({"incoming": "allow", "rules": [v4]})
	to_one := [
		object.union(fx.rule(1, "10.9.9.7 5432/tcp DENY IN Anywhere", "deny", [[5432, 5432]], "tcp", false), {"to": "10.9.9.7"}),
		fx.rule(2, "5432/tcp (v6) DENY IN Anywhere (v6)", "deny", [[5432, 5432]], "tcp", true),
	]
	check.deny == {{"msg": "ufw's default incoming policy is allow and no rule denies PostgreSQL port 5432 over IPv4: it is open to anywhere"}} with input as fx.with_status({"incoming": "allow", "rules": to_one})
}

# With IPV6=no ufw drops all IPv6: only IPv4 is open by default.
test_deny_default_allow_ipv6_off if {
	inp := fx.with_ufw({"ipv6": false, "status": object.union(fx.hardened_status, {"incoming": "allow", "rules": []})})
	check.deny == {{"msg": "ufw's default incoming policy is allow and no rule denies PostgreSQL port 5432 over IPv4: it is open to anywhere"}} with input as inp
}

# iptables -P INPUT ACCEPT behind ufw's back: what no rule matches is let
# in, whatever ufw's default says.
test_deny_kernel_policy_accept if {
	inp := fx.with_ufw({"input_policy": {"ipv4": "ACCEPT", "ipv6": "DROP"}, "status": object.union(fx.hardened_status, {"rules": []})})
	check.deny == {{"msg": "the kernel's INPUT policy is ACCEPT for IPv4 although ufw's default incoming policy is deny (changed outside ufw, e.g. iptables -P INPUT ACCEPT) and no rule denies PostgreSQL port 5432 over IPv4: it is open to anywhere"}} with input as inp
	count(check.deny) == 0 with input as fx.with_ufw({"input_policy": {"ipv4": "DROP", "ipv6": "DROP"}})
}

# ufw applies the first rule that matches: a reject before the allow
# closes the port.
test_allow_shadowed_by_earlier_reject if {
	rules := [
		fx.rule(1, "5432 REJECT IN Anywhere", "reject", [[5432, 5432]], "", false),
		fx.rule(2, "5432/tcp ALLOW IN Anywhere", "allow", [[5432, 5432]], "tcp", false),
	]
	count(check.deny) == 0 with input as fx.with_rules(rules)
	# A reject from one source only shadows nothing.
	partial := [object.union(rules[0], {"from": "10.0.0.0/1", "from_anywhere": false}), rules[1]]
	count(check.deny) == 1 with input as fx.with_rules(partial)
}

test_deny_inactive_listening_on_all if {
	inp := object.union(fx.inactive, {"ufw": {"listening": [{"addr": "0.0.0.0", "port": 5432, "loopback": false, "process": "postgres"}]}})
	check.deny == {{"msg": "postgres listens on 0.0.0.0:5432, the PostgreSQL port, and ufw is inactive: nothing filters it"}} with input as inp
}

test_deny_not_installed_listening_on_ipv6 if {
	inp := object.union(fx.not_installed, {"ufw": {"listening": [{"addr": "::", "port": 5432, "loopback": false}], "others": ["firewalld"]}})
	check.deny == {{"msg": "an unknown process listens on [::]:5432, the PostgreSQL port, and ufw is not installed (firewalld is active instead, which this audit does not judge): ufw does not filter it"}} with input as inp
}

test_allow_inactive_listening_on_loopback if {
	inp := object.union(fx.inactive, {"ufw": {"listening": [{"addr": "127.0.0.1", "port": 5432, "loopback": true, "process": "postgres"}]}})
	count(check.deny) == 0 with input as inp
}

# Inactive, the rules do not apply: only where PostgreSQL listens counts.
test_inactive_rules_are_not_judged if {
	inp := object.union(fx.inactive, {"ufw": {"status": {"rules": [allow_5432]}, "listening": []}})
	count(check.deny) == 0 with input as inp
}

test_error_inactive_listening_unknown if {
	inp := object.union(fx.inactive, {"ufw": {"listening": null, "listening_error": "ss: command not found"}})
	check.error == {{"msg": "the host's listening TCP sockets could not be read: ss: command not found"}} with input as inp
}

test_listening_unknown_does_not_matter_when_active if {
	count(check.error) == 0 with input as fx.with_ufw({"listening": null, "listening_error": "ss: command not found"})
}

test_error_status_unknown if count(check.error) == 1 with input as fx.unknown_status

test_missing_fact_denies_nothing if {
	count(check.deny) == 0 with input as {}
	count(check.error) == 0 with input as {}
}

# A rule on the loopback interface is not the world.
test_allow_on_loopback_interface if {
	r := object.union(fx.rule(6, "Anywhere on lo ALLOW IN Anywhere", "allow", [], "", false), {"interface": "lo"})
	count(check.deny) == 0 with input as fx.with_rules(array.concat(hardened_rules, [r]))
}

# Two halves of the address space are the world all the same.
test_deny_wide_sources if {
	rules := [
		fx.from(fx.rule(6, "5432/tcp ALLOW IN 0.0.0.0/1", "allow", [[5432, 5432]], "tcp", false), "0.0.0.0/1"),
		fx.from(fx.rule(7, "5432/tcp ALLOW IN 128.0.0.0/1", "allow", [[5432, 5432]], "tcp", false), "128.0.0.0/1"),
		fx.from(fx.rule(8, "5432/tcp (v6) ALLOW IN 2000::/3", "allow", [[5432, 5432]], "tcp", true), "2000::/3"),
	]
	count(check.deny) == 3 with input as fx.with_rules(array.concat(hardened_rules, rules))
}

# An application subnet, however large, is a named source.
test_allow_named_ranges if {
	rules := [
		fx.from(fx.rule(6, "5432/tcp ALLOW IN 10.0.0.0/8", "allow", [[5432, 5432]], "tcp", false), "10.0.0.0/8"),
		fx.from(fx.rule(7, "5432/tcp (v6) ALLOW IN 2001:db8::/32", "allow", [[5432, 5432]], "tcp", true), "2001:db8::/32"),
	]
	count(check.deny) == 0 with input as fx.with_rules(array.concat(hardened_rules, rules))
}

# An ACCEPT in INPUT, outside ufw's chains, opens the port whatever ufw's
# rules say.
test_deny_bypass if {
	check.deny == {{"msg": "`-A INPUT -p tcp -m tcp --dport 5432 -j ACCEPT` (iptables-save line 44, outside ufw's rules) accepts PostgreSQL port 5432 from anywhere"}} with input as fx.with_bypass([fx.accept_5432])
}

test_allow_bypass_from_a_source if {
	r := object.union(fx.accept_5432, {"from": "10.0.1.5/32", "from_anywhere": false})
	count(check.deny) == 0 with input as fx.with_bypass([r])
}

test_error_bypass_unknown if {
	count(check.error) == 1 with input as fx.bypass_unknown
	count(check.deny) == 0 with input as fx.bypass_unknown
}

# A rule on a VPN overlay or a local bridge is not the world; the setting
# names which interfaces are private.
test_allow_on_private_interface if {
	r := object.union(fx.rule(6, "5432/tcp on wg0 ALLOW IN Anywhere", "allow", [[5432, 5432]], "tcp", false), {"interface": "wg0"})
	inp := fx.with_rules(array.concat(hardened_rules, [r]))
	count(check.deny) == 0 with input as inp
	count(check.deny) == 1 with input as object.union(inp, {"settings": {"net_private_interfaces": ["lo"]}})
}

# The kernel's copy of a rule ufw status shows is that rule, reported
# once; one ufw status does not show (files edited, not reloaded) is
# reported.
test_kernel_copy_of_ufw_rules if {
	shown := object.union(fx.bypass_rule(60, "-A ufw-user-input -p tcp -m tcp --dport 5432 -j ACCEPT", 5432), {"ufw": true, "chain": "ufw-user-input"})
	with_rule := fx.with_ufw({"bypass": [shown], "status": object.union(fx.hardened_status, {"rules": array.concat(hardened_rules, [allow_5432])})})
	count(check.deny) == 1 with input as with_rule
	without := fx.with_bypass([shown])
	check.deny == {{"msg": "`-A ufw-user-input -p tcp -m tcp --dport 5432 -j ACCEPT` (iptables-save line 60, in ufw's chains in the kernel but not in ufw status: its files and the kernel disagree, and sudo ufw reload makes the kernel follow the files) accepts PostgreSQL port 5432 from anywhere"}} with input as without
}

# With the default allow but PostgreSQL on loopback alone, nothing is open
# (NET-02 fails on the default itself).
test_allow_default_allow_postgres_on_loopback if {
	inp := fx.with_ufw({
		"status": object.union(fx.hardened_status, {"incoming": "allow", "rules": []}),
		"listening": [{"addr": "127.0.0.1", "port": 5432, "loopback": true, "process": "postgres"}],
	})
	count(check.deny) == 0 with input as inp
	count(check.deny) == 1 with input as object.union(inp, {"ufw": {"listening": [], "listening_error": "ss: not found"}})
}
