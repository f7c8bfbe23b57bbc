package audit.host.net_exposed_services_test

import data.audit.host.net_exposed_services as check
import data.audit.lib.ufw_fixtures as fx

redis := {"addr": "0.0.0.0", "port": 6379, "loopback": false, "process": "redis-server"}

allow_redis := fx.rule(6, "6379/tcp ALLOW IN Anywhere", "allow", [[6379, 6379]], "tcp", false)

with_settings(inp, ports) := object.union(inp, {"settings": {"net_allowed_ports": ports}})

# The hardened host lets PostgreSQL through to the application subnet
# alone: the restriction NET-03 asks for, not an exposure.
test_allow_hardened_postgres_to_a_subnet if {
	count(check.deny) == 0 with input as fx.hardened
	count(check.error) == 0 with input as fx.hardened
}

test_allow_hardened_with_postgres_allowed if {
	inp := with_settings(fx.hardened, [22, 443, 5432])
	count(check.deny) == 0 with input as inp
	count(check.error) == 0 with input as inp
}

test_allowed_ports_as_strings if count(check.deny) == 0 with input as with_settings(fx.hardened, ["22", "443", "5432"])

test_allow_not_let_through if {
	inp := with_settings(fx.with_listening(array.concat(fx.hardened_listening, [redis])), [22, 443, 5432])
	count(check.deny) == 0 with input as inp
}

test_deny_rule_lets_through if {
	inp := with_settings(
		fx.with_ufw({
			"listening": array.concat(fx.hardened_listening, [redis]),
			"status": object.union(fx.hardened_status, {"rules": array.concat(fx.hardened_rules, [allow_redis])}),
		}),
		[22, 443, 5432],
	)
	check.deny == {{"msg": "redis-server listens on 0.0.0.0:6379, a port not on the allowed-ports list (22, 443, 5432), and ufw lets it through: rule 6 `6379/tcp ALLOW IN Anywhere`"}} with input as inp
}

test_deny_names_first_rule_and_its_location if {
	later := object.union(fx.rule(9, "6000:7000/tcp ALLOW IN Anywhere", "allow", [[6000, 7000]], "tcp", false), {"file": "/etc/ufw/user.rules", "line": 40})
	first := object.union(fx.rule(7, "Anywhere ALLOW IN Anywhere", "allow", [], "", false), {"file": "/etc/ufw/user.rules", "line": 30})
	inp := fx.with_ufw({"listening": [redis], "status": object.union(fx.hardened_status, {"rules": [later, first]})})
	some f in check.deny with input as inp
	contains(f.msg, "rule 7 `Anywhere ALLOW IN Anywhere`")
	f.line == 30
}

# A rule for named sources (an application server) is the restriction
# NET-03 asks for, not an exposure.
test_allow_rule_for_named_sources if {
	app := object.union(fx.rule(7, "6379/tcp ALLOW IN 10.0.0.5", "allow", [[6379, 6379]], "tcp", false), {"from": "10.0.0.5", "from_anywhere": false})
	count(check.deny) == 0 with input as fx.with_ufw({"listening": [redis], "status": object.union(fx.hardened_status, {"rules": [app]})})
}

test_family_of_the_rule if {
	v6 := fx.rule(6, "6379/tcp (v6) ALLOW IN Anywhere (v6)", "allow", [[6379, 6379]], "tcp", true)
	count(check.deny) == 0 with input as fx.with_ufw({"listening": [redis], "status": object.union(fx.hardened_status, {"rules": [v6]})})
	count(check.deny) == 1 with input as fx.with_ufw({"listening": [object.union(redis, {"addr": "::"})], "status": object.union(fx.hardened_status, {"rules": [v6]})})
	count(check.deny) == 0 with input as fx.with_ufw({"listening": [object.union(redis, {"addr": "2001:db8::5"})], "status": object.union(fx.hardened_status, {"rules": [allow_redis]})})
}

test_allow_udp_rule if {
	udp := fx.rule(6, "6379/udp ALLOW IN Anywhere", "allow", [[6379, 6379]], "udp", false)
	count(check.deny) == 0 with input as fx.with_ufw({"listening": [redis], "status": object.union(fx.hardened_status, {"rules": [udp]})})
}

test_deny_default_allow if {
	inp := fx.with_ufw({"listening": [redis], "status": object.union(fx.hardened_status, {"incoming": "allow"})})
	check.deny == {{"msg": "redis-server listens on 0.0.0.0:6379, a port not on the allowed-ports list (22, 80, 443), and ufw's default incoming policy is allow: no rule denies it"}} with input as inp
}

test_allow_default_allow_denied_first if {
	rules := array.concat([fx.rule(1, "6379/tcp DENY IN Anywhere", "deny", [[6379, 6379]], "tcp", false)], [object.union(allow_redis, {"number": 2})])
	inp := fx.with_ufw({"listening": [redis], "status": object.union(fx.hardened_status, {"incoming": "allow", "rules": rules})})
	count(check.deny) == 0 with input as inp
}

test_deny_default_allow_opened_before_denied if {
	rules := [object.union(allow_redis, {"number": 1}), fx.rule(2, "6379/tcp DENY IN Anywhere", "deny", [[6379, 6379]], "tcp", false)]
	inp := fx.with_ufw({"listening": [redis], "status": object.union(fx.hardened_status, {"incoming": "allow", "rules": rules})})
	count(check.deny) == 1 with input as inp
}

test_deny_inactive if {
	inp := object.union(fx.inactive, {"ufw": {"listening": [redis, {"addr": "127.0.0.1", "port": 11211, "loopback": true, "process": "memcached"}]}})
	check.deny == {{"msg": "redis-server listens on 0.0.0.0:6379, a port not on the allowed-ports list (22, 80, 443), and ufw is inactive: nothing filters it"}} with input as inp
}

test_deny_not_installed_unknown_process if {
	inp := object.union(fx.not_installed, {"ufw": {"listening": [{"addr": "::", "port": 8080, "loopback": false}]}})
	check.deny == {{"msg": "an unknown process listens on [::]:8080, a port not on the allowed-ports list (22, 80, 443), and ufw is not installed: nothing filters it"}} with input as inp
}

test_error_listening_unknown if {
	inp := fx.with_ufw({"listening": null, "listening_error": "ss: command not found"})
	check.error == {{"msg": "the host's listening TCP sockets could not be read: ss: command not found"}} with input as inp
}

test_error_status_unknown if count(check.error) == 1 with input as fx.unknown_status

test_missing_fact_denies_nothing if {
	count(check.deny) == 0 with input as {}
	count(check.error) == 0 with input as {}
}

# ss shows a socket that takes IPv4 and IPv6 (V6ONLY off) as *: an IPv6
# rule reaches it.
test_deny_dual_stack_star_socket if {
	sock := {"addr": "*", "port": 8081, "loopback": false, "process": "python3"}
	r := fx.from(fx.rule(6, "8081/tcp (v6) ALLOW IN ::/0", "allow", [[8081, 8081]], "tcp", true), "::/0")
	inp := fx.with_ufw({
		"listening": array.concat(fx.hardened_listening, [sock]),
		"status": object.union(fx.hardened_status, {"rules": array.concat(fx.hardened_rules, [r])}),
	})
	check.deny == {{"msg": "python3 listens on *:8081, a port not on the allowed-ports list (22, 80, 443), and ufw lets it through: rule 6 `8081/tcp (v6) ALLOW IN ::/0`"}} with input as inp
}

# A socket on :: is named with the IPv6 twin of the rule that lets it in.
test_deny_names_v6_twin_for_v6_socket if {
	sock := {"addr": "::", "port": 6379, "loopback": false, "process": "redis-server"}
	twin := fx.rule(9, "6379/tcp (v6) ALLOW IN Anywhere (v6)", "allow", [[6379, 6379]], "tcp", true)
	inp := fx.with_ufw({
		"listening": array.concat(fx.hardened_listening, [sock]),
		"status": object.union(fx.hardened_status, {"rules": array.concat(fx.hardened_rules, [allow_redis, twin])}),
	})
	check.deny == {{"msg": "redis-server listens on [::]:6379, a port not on the allowed-ports list (22, 80, 443), and ufw lets it through: rule 9 `6379/tcp (v6) ALLOW IN Anywhere (v6)`"}} with input as inp
}

# The SSH and PostgreSQL ports are NET-04's and NET-03's to judge, wherever
# they are.
test_allow_ssh_and_postgres_ports if {
	sshd := {"addr": "0.0.0.0", "port": 2200, "loopback": false, "process": "sshd"}
	pg := {"addr": "0.0.0.0", "port": 5433, "loopback": false, "process": "postgres"}
	rules := [
		fx.rule(6, "2200/tcp ALLOW IN Anywhere", "allow", [[2200, 2200]], "tcp", false),
		fx.rule(7, "5433/tcp ALLOW IN Anywhere", "allow", [[5433, 5433]], "tcp", false),
	]
	base := fx.with_ufw({
		"listening": [sshd, pg],
		"status": object.union(fx.hardened_status, {"rules": array.concat(fx.hardened_rules, rules)}),
	})
	inp := fx.postgres_on(base, 5433)
	count(check.deny) == 0 with input as inp
}

# A rule on the loopback interface lets nothing in from other machines.
test_allow_on_loopback_interface if {
	r := object.union(fx.rule(6, "Anywhere on lo ALLOW IN Anywhere", "allow", [], "", false), {"interface": "lo"})
	inp := fx.with_ufw({
		"listening": array.concat(fx.hardened_listening, [redis]),
		"status": object.union(fx.hardened_status, {"rules": array.concat(fx.hardened_rules, [r])}),
	})
	count(check.deny) == 0 with input as inp
}

# Docker's published port is exposed past ufw, with or without a proxy
# process listening for it.
test_deny_docker_published_port if {
	check.deny == {{"msg": "port 8080 is published to anywhere past ufw's rules: `-A DOCKER ! -i docker0 -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172.17.0.2:80` (iptables-save line 116, outside ufw's rules); it is not on the allowed-ports list (22, 80, 443)"}} with input as fx.with_bypass([fx.docker_8080])
}

test_deny_docker_proxy_socket if {
	proxy := {"addr": "0.0.0.0", "port": 8080, "loopback": false, "process": "docker-proxy"}
	inp := fx.with_ufw({"bypass": [fx.docker_8080], "listening": array.concat(fx.hardened_listening, [proxy])})
	check.deny == {{"msg": "docker-proxy listens on 0.0.0.0:8080, a port not on the allowed-ports list (22, 80, 443), and `-A DOCKER ! -i docker0 -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172.17.0.2:80` (iptables-save line 116, outside ufw's rules) accepts it from anywhere"}} with input as inp
}

test_allow_docker_port_on_the_list if {
	count(check.deny) == 0 with input as with_settings(fx.with_bypass([fx.docker_8080]), [22, 443, 8080])
}

test_error_bypass_unknown if count(check.error) == 1 with input as fx.bypass_unknown

# A dual-stack socket with ufw denying its port over IPv4 alone is open
# over IPv6 by default.
test_deny_default_allow_partial_family if {
	sock := {"addr": "*", "port": 8080, "loopback": false, "process": "java"}
	v4 := fx.rule(1, "8080/tcp DENY IN Anywhere", "deny", [[8080, 8080]], "tcp", false)
	inp := fx.with_ufw({"listening": [sock], "status": object.union(fx.hardened_status, {"incoming": "allow", "rules": [v4]})})
	check.deny == {{"msg": "java listens on *:8080, a port not on the allowed-ports list (22, 80, 443), and ufw's default incoming policy is allow: no rule denies it over IPv6"}} with input as inp
}

test_allowed_list_empty if {
	inp := with_settings(fx.with_ufw({"listening": [redis], "status": object.union(fx.hardened_status, {"rules": [allow_redis]})}), [])
	some f in check.deny with input as inp
	contains(f.msg, "allowed-ports list (none)")
}

# A published range is judged port by port against the allowed list.
test_deny_published_range if {
	r := object.union(fx.docker_8080, {"ports": [{"from": 8000, "to": 8010}], "text": "-A DOCKER ! -i docker0 -p tcp -m tcp --dport 8000:8010 -j DNAT --to-destination 172.17.0.2:80"})
	check.deny == {{"msg": "ports 8000-8010 are published to anywhere past ufw's rules: `-A DOCKER ! -i docker0 -p tcp -m tcp --dport 8000:8010 -j DNAT --to-destination 172.17.0.2:80` (iptables-save line 116, outside ufw's rules); they are not on the allowed-ports list (22, 80, 443)"}} with input as fx.with_bypass([r])
	allowed := array.concat([22, 443], [p | some p in numbers.range(8000, 8010)])
	count(check.deny) == 0 with input as with_settings(fx.with_bypass([r]), allowed)
}

# A port forward in before.rules' nat table is published too.
test_deny_port_forward if {
	r := object.union(fx.docker_8080, {"text": "-A PREROUTING -i eth0 -p tcp -m tcp --dport 8080 -j DNAT --to-destination 10.0.0.2:80", "interface": "eth0"})
	count(check.deny) == 1 with input as fx.with_bypass([r])
}

# ss shows a socket that takes IPv6 alone as [::]: an IPv4 rule does not
# reach it.
test_allow_v6only_socket_v4_rule if {
	sock := {"addr": "::", "port": 6379, "loopback": false, "process": "redis-server", "v6only": true}
	inp := fx.with_ufw({
		"listening": array.concat(fx.hardened_listening, [sock]),
		"status": object.union(fx.hardened_status, {"rules": array.concat(fx.hardened_rules, [allow_redis])}),
	})
	count(check.deny) == 0 with input as inp
}

# A socket bound to a private interface takes no connection from the world.
test_allow_socket_on_private_interface if {
	sock := {"addr": "0.0.0.0%wg0", "port": 6379, "loopback": false, "process": "redis-server"}
	inp := fx.with_ufw({
		"listening": [sock],
		"status": object.union(fx.hardened_status, {"rules": array.concat(fx.hardened_rules, [allow_redis])}),
	})
	count(check.deny) == 0 with input as inp
}
