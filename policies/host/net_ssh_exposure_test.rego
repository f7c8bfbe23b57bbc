package audit.host.net_ssh_exposure_test

import data.audit.host.net_ssh_exposure as check
import data.audit.lib.ufw_fixtures as fx

allow_22 := fx.rule(1, "22/tcp ALLOW IN Anywhere", "allow", [[22, 22]], "tcp", false)

allow_22_v6 := fx.rule(2, "22/tcp (v6) ALLOW IN Anywhere (v6)", "allow", [[22, 22]], "tcp", true)

test_allow_hardened_limit if {
	count(check.deny) == 0 with input as fx.hardened
	count(check.error) == 0 with input as fx.hardened
}

test_allow_source_range if {
	rules := [
		fx.from(fx.rule(1, "22/tcp ALLOW IN 203.0.113.0/24", "allow", [[22, 22]], "tcp", false), "203.0.113.0/24"),
		fx.from(fx.rule(2, "22/tcp (v6) ALLOW IN 2001:db8::/32", "allow", [[22, 22]], "tcp", true), "2001:db8::/32"),
	]
	count(check.deny) == 0 with input as fx.with_rules(rules)
}

test_deny_allow_from_anywhere if {
	msgs := {f.msg | some f in check.deny} with input as fx.with_rules([allow_22, allow_22_v6])
	msgs == {
		"SSH port 22 is allowed from anywhere without rate limiting: rule 1 `22/tcp ALLOW IN Anywhere`; use ufw limit or a source range",
		"SSH port 22 is allowed from anywhere without rate limiting: rule 2 `22/tcp (v6) ALLOW IN Anywhere (v6)`; use ufw limit or a source range",
	}
}

test_deny_app_profile if {
	r := object.union(fx.rule(3, "OpenSSH ALLOW IN Anywhere", "allow", [[22, 22]], "tcp", false), {"app": "OpenSSH"})
	some f in check.deny with input as fx.with_rules([r])
	f.msg == "SSH port 22 is allowed from anywhere without rate limiting: rule 3 `OpenSSH ALLOW IN Anywhere` (application profile OpenSSH); use ufw limit or a source range"
}

test_deny_on_interface if {
	r := object.union(fx.rule(3, "22/tcp on eth0 ALLOW IN Anywhere", "allow", [[22, 22]], "tcp", false), {"interface": "eth0"})
	some f in check.deny with input as fx.with_rules([r])
	startswith(f.msg, "SSH port 22 is allowed from anywhere on eth0 without rate limiting: rule 3")
}

test_deny_rule_without_port if {
	r := fx.rule(1, "Anywhere ALLOW IN Anywhere", "allow", [], "", false)
	count(check.deny) == 1 with input as fx.with_rules([r])
}

# The limit rule matches first: a later allow for every port never sees
# an SSH connection.
test_allow_limit_before_allow_all if {
	r := fx.rule(6, "Anywhere ALLOW IN Anywhere", "allow", [], "", false)
	count(check.deny) == 0 with input as fx.with_rules(array.concat(fx.hardened_rules, [r]))
}

test_allow_udp_only if {
	r := fx.rule(3, "22/udp ALLOW IN Anywhere", "allow", [[22, 22]], "udp", false)
	count(check.deny) == 0 with input as fx.with_rules(array.concat(fx.hardened_rules, [r]))
}

test_ports_from_ssh_facts if {
	base := fx.ssh_on(fx.with_rules([allow_22, fx.rule(3, "2222/tcp ALLOW IN Anywhere", "allow", [[2222, 2222]], "tcp", false)]), ["2222"])
	inp := object.union(base, {"ufw": {"listening": [{"addr": "0.0.0.0", "port": 2222, "loopback": false, "process": "sshd"}]}})
	msgs := {f.msg | some f in check.deny} with input as inp
	count(msgs) == 1
	some m in msgs
	startswith(m, "SSH port 2222 ")
}

test_every_port_of_sshd if {
	inp := fx.ssh_on(fx.with_rules([allow_22, fx.rule(3, "2222/tcp ALLOW IN Anywhere", "allow", [[2222, 2222]], "tcp", false)]), ["22", "2222"])
	count(check.deny) == 2 with input as inp
}

test_deny_default_allow if {
	inp := fx.with_status({"incoming": "allow", "rules": [fx.from(fx.rule(1, "22/tcp ALLOW IN 203.0.113.0/24", "allow", [[22, 22]], "tcp", false), "203.0.113.0/24")]})
	check.deny == {{"msg": "ufw's default incoming policy is allow and no rule limits or denies SSH port 22: it is open to anywhere without rate limiting"}} with input as inp
}

test_allow_default_allow_with_limit if count(check.deny) == 0 with input as fx.with_status({"incoming": "allow"})

test_deny_inactive_listening if {
	msgs := {f.msg | some f in check.deny} with input as fx.inactive
	msgs == {
		"sshd listens on 0.0.0.0:22, an SSH port, and ufw is inactive: nothing filters it",
		"sshd listens on [::]:22, an SSH port, and ufw is inactive: nothing filters it",
	}
}

test_allow_not_installed_ssh_on_loopback if {
	inp := object.union(fx.not_installed, {"ufw": {"listening": [{"addr": "127.0.0.1", "port": 22, "loopback": true, "process": "sshd"}]}})
	count(check.deny) == 0 with input as inp
}

test_error_not_installed_listening_unknown if {
	inp := object.union(fx.not_installed, {"ufw": {"listening": null, "listening_error": "ss: command not found"}})
	count(check.error) == 1 with input as inp
}

test_error_status_unknown if count(check.error) == 1 with input as fx.unknown_status

test_missing_fact_denies_nothing if {
	count(check.deny) == 0 with input as {}
	count(check.error) == 0 with input as {}
}

# sshd -T prints "port 22" but sshd listens where ListenAddress says: a
# ListenAddress with its own port is an SSH port too.
test_ports_from_listen_address if {
	base := fx.with_rules([
		fx.rule(1, "22/tcp LIMIT IN Anywhere", "limit", [[22, 22]], "tcp", false),
		fx.rule(2, "2222/tcp ALLOW IN Anywhere", "allow", [[2222, 2222]], "tcp", false),
	])
	inp := object.union(base, {
		"ssh": {"servers": [{"effective": {"port": ["22"], "listenaddress": ["0.0.0.0:2222", "[::]:2222"]}}]},
		"ufw": {"listening": []},
	})
	msgs := {f.msg | some f in check.deny} with input as inp
	count(msgs) == 1
	some m in msgs
	startswith(m, "SSH port 2222 ")
}

# Without ssh facts (--only NET-04 on a host whose sshd could not be read),
# the ports sshd holds open are SSH ports.
test_ports_from_sshd_sockets if {
	inp := fx.with_ufw({
		"status": object.union(fx.hardened_status, {"rules": [fx.rule(1, "2200/tcp ALLOW IN Anywhere", "allow", [[2200, 2200]], "tcp", false)]}),
		"listening": [{"addr": "0.0.0.0", "port": 2200, "loopback": false, "process": "sshd"}],
	})
	msgs := {f.msg | some f in check.deny} with input as inp
	count(msgs) == 1
	some m in msgs
	startswith(m, "SSH port 2200 ")
}

# A rule on the loopback interface lets in only this host's own traffic.
test_allow_on_loopback_interface if {
	r := object.union(fx.rule(3, "Anywhere on lo ALLOW IN Anywhere", "allow", [], "", false), {"interface": "lo"})
	count(check.deny) == 0 with input as fx.with_rules(array.concat(fx.hardened_rules, [r]))
}

# Without ufw's own numbers (ufw status numbered could not be read), a
# rule is quoted without one: a wrong N would make ufw delete N harmful.
test_deny_without_numbers if {
	inp := fx.with_status({"numbered": false, "rules": [allow_22]})
	check.deny == {{"msg": "SSH port 22 is allowed from anywhere without rate limiting: rule `22/tcp ALLOW IN Anywhere`; use ufw limit or a source range"}} with input as inp
}

test_deny_bypass if {
	r := fx.bypass_rule(40, "-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT", 22)
	check.deny == {{"msg": "`-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT` (iptables-save line 40, outside ufw's rules) accepts SSH port 22 from anywhere without rate limiting"}} with input as fx.with_bypass([r])
}

# The kernel's accept of ufw's limit rule is rate-limited.
test_allow_kernel_limit_accept if {
	r := object.union(fx.bypass_rule(70, "-A ufw-user-limit-accept -j ACCEPT", 22), {"ufw": true, "chain": "ufw-user-limit-accept"})
	count(check.deny) == 0 with input as fx.with_bypass([r])
}

# A plain ACCEPT for the SSH port in ufw's chains, where ufw status shows a
# limit rule: the kernel does not rate-limit what it lets in there.
test_deny_kernel_accept_beside_limit if {
	r := object.union(fx.bypass_rule(71, "-A ufw-user-input -p tcp -m tcp --dport 22 -j ACCEPT", 22), {"ufw": true, "chain": "ufw-user-input"})
	count(check.deny) == 1 with input as fx.with_bypass([r])
}

test_allow_default_allow_sshd_on_loopback if {
	inp := fx.with_ufw({
		"status": object.union(fx.hardened_status, {"incoming": "allow", "rules": []}),
		"listening": [{"addr": "127.0.0.1", "port": 2022, "loopback": true, "process": "sshd"}],
	})
	count(check.deny) == 0 with input as inp
}
