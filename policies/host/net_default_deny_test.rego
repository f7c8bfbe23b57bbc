package audit.host.net_default_deny_test

import data.audit.host.net_default_deny as check
import data.audit.lib.ufw_fixtures as fx

test_allow_hardened if {
	count(check.deny) == 0 with input as fx.hardened
	count(check.error) == 0 with input as fx.hardened
}

test_allow_reject_and_deny_routed if {
	inp := fx.with_status({"incoming": "reject", "routed": "deny"})
	count(check.deny) == 0 with input as inp
	count(check.error) == 0 with input as inp
}

test_deny_incoming_allow if {
	check.deny == {{"msg": "ufw's default incoming policy is allow: every port no rule denies is open to the world"}} with input as fx.with_status({"incoming": "allow"})
}

test_deny_routed_allow if {
	some f in check.deny with input as fx.with_status({"routed": "allow"})
	startswith(f.msg, "ufw's default routed policy is allow")
}

test_deny_both if count(check.deny) == 2 with input as fx.with_status({"incoming": "allow", "routed": "allow"})

test_deny_unexpected_value if {
	some f in check.deny with input as fx.with_status({"incoming": "accept"})
	f.msg == "ufw's default incoming policy is accept, not deny or reject"
}

test_deny_not_installed if check.deny == {{"msg": "ufw is not installed: no firewall filters incoming traffic"}} with input as fx.not_installed

test_deny_inactive if check.deny == {{"msg": "ufw is inactive: no firewall filters incoming traffic"}} with input as fx.inactive

# An inactive ufw's defaults are not judged: nothing applies them.
test_deny_inactive_once if count(check.deny) == 1 with input as object.union(fx.inactive, {"ufw": {"status": {"incoming": "allow"}}})

test_deny_inactive_names_others if {
	inp := object.union(fx.inactive, {"ufw": {"others": ["firewalld"]}})
	check.deny == {{"msg": "ufw is inactive (firewalld is active instead, which this audit does not judge): ufw filters no incoming traffic"}} with input as inp
}

test_error_status_unknown if {
	count(check.error) == 1 with input as fx.unknown_status
	count(check.deny) == 0 with input as fx.unknown_status
}

test_error_default_unknown if {
	check.error == {{"msg": "ufw's default routed policy is unknown: its status does not say it"}} with input as fx.with_status({"routed": ""})
}

test_missing_fact_denies_nothing if {
	count(check.deny) == 0 with input as {}
	count(check.error) == 0 with input as {}
}

# With IPV6=no ufw drops all IPv6 traffic (ip6tables policies DROP): not
# a hole.
test_allow_ipv6_off if count(check.deny) == 0 with input as fx.with_ufw({"ipv6": false})

test_deny_kernel_policy_accept if {
	inp := fx.with_ufw({"input_policy": {"ipv4": "DROP", "ipv6": "ACCEPT"}})
	check.deny == {{"msg": "the kernel's INPUT policy is ACCEPT for IPv6 although ufw's default incoming policy is deny (changed outside ufw, e.g. iptables -P INPUT ACCEPT): every port no rule drops is open to the world"}} with input as inp
}

test_error_kernel_rules_unread if {
	count(check.error) == 1 with input as fx.bypass_unknown
}

test_deny_accept_all_outside_ufw if {
	r := object.union(fx.bypass_rule(40, "-A INPUT -j ACCEPT", 1), {"ports": [], "proto": ""})
	check.deny == {{"msg": "`-A INPUT -j ACCEPT` (iptables-save line 40, outside ufw's rules) accepts every port from anywhere: no default policy applies"}} with input as fx.with_bypass([r])
	# On a private interface it is no hole.
	count(check.deny) == 0 with input as fx.with_bypass([object.union(r, {"interface": "wg0"})])
}

test_deny_kernel_forward_accept if {
	inp := fx.with_ufw({"forward_policy": {"ipv4": "ACCEPT", "ipv6": "DROP"}, "status": object.union(fx.hardened_status, {"routed": "deny"})})
	check.deny == {{"msg": "the kernel's FORWARD policy is ACCEPT for IPv4 although ufw's default routed policy is deny (changed outside ufw, e.g. iptables -P FORWARD ACCEPT): the host forwards what no rule drops"}} with input as inp
	# Forwarding off: ufw says disabled, and nothing is forwarded.
	off := fx.with_ufw({"forward_policy": {"ipv4": "ACCEPT", "ipv6": "ACCEPT"}})
	count(check.deny) == 0 with input as off
}
