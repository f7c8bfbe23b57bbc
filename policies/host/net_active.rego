# METADATA
# title: Firewall (UFW) active
# description: >-
#   ufw is installed, `ufw status` says it is active, and it is enabled at
#   boot (ENABLED=yes in /etc/ufw/ufw.conf), so that it still filters after
#   a reboot. Another firewall framework found active instead (firewalld,
#   nftables or iptables rules ufw did not write) is named, but does not
#   pass this item.
# custom:
#   id: NET-01
#   severity: high
#   section: network
#   targets: [host]
#   facts: [ufw]
#   recommended_action: >-
#     Install ufw (sudo apt-get install ufw), allow what the host serves
#     first (sudo ufw limit 22/tcp, sudo ufw allow 443/tcp), then run sudo
#     ufw enable, which activates it now and at boot.
package audit.host.net_active

import data.audit.lib.ufw

error contains f if some f in ufw.status_errors

# Whether ufw starts at boot matters only once it is active.
error contains {"msg": sprintf("whether ufw is enabled at boot is unknown: %s", [ufw.because("boot_error")])} if {
	ufw.active
	object.get(input.ufw, "boot_error", "") != ""
}

deny contains {"msg": sprintf("ufw is not installed%s", [ufw.instead])} if input.ufw.installed == false

deny contains {"msg": "ufw status says active, but the kernel's INPUT chain jumps to none of ufw's chains (flushed with iptables -F?): ufw's rules filter nothing; sudo ufw reload loads them again"} if ufw.unhooked("IPv4")

deny contains {"msg": "ufw is inactive: nothing is filtered"} if {
	ufw.down == "ufw is inactive"
	count(ufw.others) == 0
}

deny contains {"msg": sprintf("ufw is inactive%s", [ufw.instead])} if {
	ufw.down == "ufw is inactive"
	count(ufw.others) > 0
}

deny contains {"msg": "ufw is active but not enabled at boot (ENABLED=no in /etc/ufw/ufw.conf): it stops filtering at the next reboot"} if {
	ufw.active
	object.get(input.ufw, "boot_error", "") == ""
	object.get(input.ufw, "boot_unit", "") == ""
	not input.ufw.enabled_at_boot == true
}

deny contains {"msg": sprintf("ufw is active but ufw.service is %s in systemd, so nothing loads it at boot (whatever ENABLED says): it stops filtering at the next reboot", [input.ufw.boot_unit])} if {
	ufw.active
	object.get(input.ufw, "boot_unit", "") != ""
}
