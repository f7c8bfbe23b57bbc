# METADATA
# title: Firewall logging on
# description: >-
#   ufw logs what it blocks: its logging is on, at any level (low, medium,
#   high or full). ufw inactive or not installed logs nothing, and fails
#   this item.
# custom:
#   id: NET-06
#   severity: low
#   section: network
#   targets: [host]
#   facts: [ufw]
#   recommended_action: >-
#     Run sudo ufw logging on (level low; sudo ufw logging medium logs more),
#     and sudo ufw enable if ufw is inactive; ship /var/log/ufw.log off the
#     host.
package audit.host.net_logging

import data.audit.lib.ufw

error contains f if some f in ufw.status_errors

deny contains {"msg": sprintf("%s%s, so it logs nothing", [ufw.down, ufw.not_judged])}

deny contains {"msg": "ufw logging is off"} if {
	ufw.active
	object.get(ufw.status, "logging", "") == "off"
}

# ufw status verbose always shows its logging: none is no level at all.
deny contains {"msg": "ufw logging is off: its status shows no logging level"} if {
	ufw.active
	object.get(ufw.status, "logging", "") == ""
}
