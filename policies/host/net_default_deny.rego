# METADATA
# title: Default deny incoming
# description: >-
#   ufw's default incoming policy is deny or reject, so that only what a
#   rule allows gets in, and its default routed policy is disabled, deny or
#   reject, so that the host forwards nothing no rule allows; and the
#   kernel's INPUT policy (iptables-save) is not ACCEPT behind ufw's back.
#   ufw not installed or inactive filters nothing, and fails this item.
#   IPV6=no passes: ufw then drops all IPv6 traffic.
# custom:
#   id: NET-02
#   severity: high
#   section: network
#   targets: [host]
#   facts: [ufw]
#   recommended_action: >-
#     Run sudo ufw default deny incoming and sudo ufw default deny routed
#     (after allowing what the host serves, e.g. sudo ufw limit 22/tcp), and
#     sudo ufw enable if ufw is inactive; sudo ufw reload restores the
#     kernel's policy if something changed it.
package audit.host.net_default_deny

import data.audit.lib.ufw

error contains f if some f in ufw.status_errors

# A default ufw status reported without a value is unknown, never harmless.
error contains {"msg": sprintf("ufw's default %s policy is unknown: its status does not say it", [name])} if {
	ufw.active
	some name in ["incoming", "routed"]
	object.get(ufw.status, name, "") == ""
}

deny contains {"msg": sprintf("%s: no firewall filters incoming traffic", [ufw.down])} if count(ufw.others) == 0

deny contains {"msg": sprintf("%s%s: ufw filters no incoming traffic", [ufw.down, ufw.not_judged])} if count(ufw.others) > 0

deny contains {"msg": "ufw's default incoming policy is allow: every port no rule denies is open to the world"} if {
	ufw.active
	ufw.status.incoming == "allow"
}

deny contains {"msg": sprintf("ufw's default incoming policy is %s, not deny or reject", [v])} if {
	ufw.active
	v := ufw.status.incoming
	not v in {"", "allow", "deny", "reject"}
}

deny contains {"msg": "ufw's default routed policy is allow: the host forwards traffic between networks that no rule filters"} if {
	ufw.active
	ufw.status.routed == "allow"
}

deny contains {"msg": sprintf("ufw's default routed policy is %s, not disabled, deny or reject", [v])} if {
	ufw.active
	v := ufw.status.routed
	not v in {"", "allow", "disabled", "deny", "reject"}
}

deny contains {"msg": sprintf("%s: every port no rule drops is open to the world", [ufw.default_why({fam})])} if {
	some fam in ufw.families
	ufw.kernel_overrides(fam)
}

# What the kernel does is read from iptables-save: unread, the defaults
# ufw claims are unconfirmed.
error contains f if some f in ufw.bypass_errors

# A kernel rule that accepts every port from anywhere is a default allow
# under another name.
deny contains {"msg": sprintf("%s accepts every port from anywhere: no default policy applies", [ufw.bypass_at(r)])} if {
	ufw.active
	some r in ufw.bypass
	not ufw.published(r)
	ufw.every_port(r)
	ufw.tcp(r)
	ufw.anywhere(r)
	not ufw.shown(r, 1)
}

# With forwarding on, ufw says deny or reject for routed traffic; the
# kernel's FORWARD policy ACCEPT, set behind its back, forwards what no
# rule drops.
deny contains {"msg": sprintf("the kernel's FORWARD policy is ACCEPT for %s although ufw's default routed policy is %s (changed outside ufw, e.g. iptables -P FORWARD ACCEPT): the host forwards what no rule drops", [fam, ufw.status.routed])} if {
	ufw.active
	ufw.status.routed in {"deny", "reject"}
	some fam in ufw.families
	ufw.kernel_forward_policy(fam) == "ACCEPT"
}
