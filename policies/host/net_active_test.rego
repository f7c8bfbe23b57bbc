package audit.host.net_active_test

import data.audit.host.net_active as check
import data.audit.lib.ufw_fixtures as fx

test_allow_hardened if {
	count(check.deny) == 0 with input as fx.hardened
	count(check.error) == 0 with input as fx.hardened
}

test_deny_not_installed if {
	check.deny == {{"msg": "ufw is not installed"}} with input as fx.not_installed
	count(check.error) == 0 with input as fx.not_installed
}

test_deny_not_installed_names_others if {
	inp := object.union(fx.not_installed, {"ufw": {"others": ["firewalld"]}})
	check.deny == {{"msg": "ufw is not installed, and firewalld is active instead"}} with input as inp
}

test_deny_not_installed_names_every_other if {
	inp := object.union(fx.not_installed, {"ufw": {"others": ["firewalld", "nftables table inet filter"]}})
	check.deny == {{"msg": "ufw is not installed, and firewalld, nftables table inet filter are active instead"}} with input as inp
}

test_deny_inactive if check.deny == {{"msg": "ufw is inactive: nothing is filtered"}} with input as fx.inactive

test_deny_inactive_with_others if {
	inp := object.union(fx.inactive, {"ufw": {"others": ["iptables rules ufw did not write"]}})
	check.deny == {{"msg": "ufw is inactive, and iptables rules ufw did not write is active instead"}} with input as inp
}

test_deny_inactive_once_even_when_not_enabled_at_boot if {
	inp := object.union(fx.inactive, {"ufw": {"enabled_at_boot": false}})
	count(check.deny) == 1 with input as inp
}

test_deny_not_enabled_at_boot if {
	some f in check.deny with input as fx.with_ufw({"enabled_at_boot": false})
	contains(f.msg, "not enabled at boot")
}

test_error_status_unknown if {
	check.error == {{"msg": "ufw's status could not be read: ufw status: ERROR: You need to be root to run this script; read /etc/ufw/user.rules: permission denied (run with --sudo)"}} with input as fx.unknown_status
	count(check.deny) == 0 with input as fx.unknown_status
}

test_error_status_never_read if {
	inp := fx.with_ufw({"status_from": ""})
	check.error == {{"msg": "ufw's status could not be read: no reason given"}} with input as inp
}

test_status_from_files_is_judged if {
	inp := fx.with_ufw({"status_from": "files"})
	count(check.error) == 0 with input as inp
	count(check.deny) == 0 with input as inp
}

test_error_boot_unknown_when_active if {
	inp := fx.with_ufw({"enabled_at_boot": false, "boot_error": "read /etc/ufw/ufw.conf: permission denied"})
	check.error == {{"msg": "whether ufw is enabled at boot is unknown: read /etc/ufw/ufw.conf: permission denied"}} with input as inp
	count(check.deny) == 0 with input as inp
}

test_boot_unknown_does_not_matter_when_inactive if {
	inp := object.union(fx.inactive, {"ufw": {"boot_error": "read /etc/ufw/ufw.conf: permission denied"}})
	count(check.error) == 0 with input as inp
	count(check.deny) == 1 with input as inp
}

test_missing_fact_denies_nothing if {
	count(check.deny) == 0 with input as {}
	count(check.error) == 0 with input as {}
}

test_deny_unit_disabled if {
	inp := fx.with_ufw({"enabled_at_boot": false, "boot_unit": "disabled"})
	check.deny == {{"msg": "ufw is active but ufw.service is disabled in systemd, so nothing loads it at boot (whatever ENABLED says): it stops filtering at the next reboot"}} with input as inp
}

test_deny_rules_not_in_kernel if {
	inp := fx.with_ufw({"kernel_hooked": {"ipv4": false, "ipv6": false}})
	check.deny == {{"msg": "ufw status says active, but the kernel's INPUT chain jumps to none of ufw's chains (flushed with iptables -F?): ufw's rules filter nothing; sudo ufw reload loads them again"}} with input as inp
	count(check.deny) == 0 with input as fx.with_ufw({"kernel_hooked": {"ipv4": true, "ipv6": true}})
}
