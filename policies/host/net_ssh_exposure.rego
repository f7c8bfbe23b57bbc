# METADATA
# title: SSH exposure limited
# description: >-
#   Every rule that lets connections from anywhere in to an SSH port is a
#   limit rule (ufw limit: at most 6 new connections in 30 seconds from one
#   address); an allow rule for an SSH port names a source (an address or
#   range). The ports are every sshd's Port and ListenAddress ports (from
#   the ssh facts) and the ports sshd listens on, else 22. No kernel rule
#   ufw status does not show (iptables-save) accepts them from anywhere.
#   With ufw's default incoming policy allow, a rule for every source must
#   limit or deny the port wherever sshd serves it to other machines; with
#   ufw inactive or not installed, sshd must listen on loopback addresses
#   only.
# custom:
#   id: NET-04
#   severity: medium
#   section: network
#   targets: [host]
#   facts: [ufw]
#   uses: [ssh]
#   recommended_action: >-
#     Rate-limit SSH (sudo ufw limit 22/tcp, then sudo ufw delete allow
#     22/tcp), or allow it only from the ranges that administer the host
#     (sudo ufw allow from 203.0.113.0/24 to any port 22 proto tcp); keep
#     ufw active with sudo ufw default deny incoming and sudo ufw enable.
package audit.host.net_ssh_exposure

import data.audit.lib.ufw

error contains f if some f in ufw.status_errors

# With ufw down, whether SSH is exposed depends on where sshd listens.
error contains f if {
	ufw.down
	some f in ufw.listening_errors
}

deny contains f if {
	ufw.active
	some p in ufw.ssh_ports
	some r in ufw.rules
	r.action == "allow"
	r.direction == "in"
	ufw.covers(r, p)
	ufw.anywhere(r)
	not ufw.shadowed(r, p)
	msg := sprintf("SSH port %d is allowed from anywhere%s without rate limiting: %s%s; use ufw limit or a source range", [p, ufw.on(r), ufw.rule_at(r), ufw.app(r)])
	f := object.union({"msg": msg}, ufw.rule_loc(r))
}

# Default allow: what no rule for every source matches is let in, unlimited.
error contains f if some f in ufw.bypass_errors

deny contains {"msg": sprintf("%s accepts SSH port %d from anywhere without rate limiting", [ufw.bypass_at(r), p])} if {
	ufw.active
	some p in ufw.ssh_ports
	some r in ufw.bypasses(p)
	not ufw.rate_limited(r)
}

deny contains {"msg": sprintf("%s and no rule limits or denies SSH port %d%s: it is open to anywhere without rate limiting", [ufw.default_why(fams), p, ufw.over(fams)])} if {
	some p in ufw.ssh_ports
	ufw.served(p)
	fams := ufw.opened_by_default(p)
	count(fams) > 0
}

deny contains {"msg": ufw.unguarded(sprintf("%s, an SSH port", [ufw.listener(s)]))} if {
	ufw.down
	some p in ufw.ssh_ports
	some s in ufw.exposed(p)
}
