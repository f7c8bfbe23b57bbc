# METADATA
# title: Database port not open to the world
# description: >-
#   No ufw rule lets connections from anywhere (Anywhere, 0.0.0.0/0, ::/0,
#   a range wider than /8 or /16) in to the PostgreSQL port: no allow or
#   limit rule, IPv4 or IPv6, on an interface other than a private one, that
#   covers it for TCP, by port, range, application profile or by naming no
#   port at all, unless an earlier rule decides first. The ports are each
#   PostgreSQL server's port setting and the port it listens on (from the
#   postgres facts), else 5432. Nor may a kernel rule ufw status does not
#   show (iptables-save: an ACCEPT added by hand, a port forward, a
#   published container port) accept it from anywhere. With ufw's default
#   incoming policy allow, a rule must deny the port wherever it is served
#   to other machines; with ufw inactive or not installed, PostgreSQL must
#   listen on loopback addresses only.
# custom:
#   id: NET-03
#   severity: critical
#   section: network
#   targets: [host]
#   facts: [ufw]
#   uses: [postgres]
#   recommended_action: >-
#     Delete the rule that opens the port to anywhere (sudo ufw delete allow
#     5432/tcp, or sudo ufw status numbered and sudo ufw delete N) and allow
#     only the application servers (sudo ufw allow from 10.0.0.5 to any port
#     5432 proto tcp); keep ufw active with sudo ufw default deny incoming
#     and sudo ufw enable.
package audit.host.net_database_port

import data.audit.lib.ufw

error contains f if some f in ufw.status_errors

# With ufw down, whether the port is open depends on where PostgreSQL
# listens.
error contains f if {
	ufw.down
	some f in ufw.listening_errors
}

deny contains f if {
	ufw.active
	some p in ufw.postgres_ports
	some r in ufw.rules
	ufw.opens(r)
	ufw.covers(r, p)
	ufw.anywhere(r)
	not ufw.shadowed(r, p)
	msg := sprintf("%s%s opens PostgreSQL port %d to anywhere%s%s", [ufw.rule_at(r), ufw.app(r), p, ufw.on(r), all_ports(r)])
	f := object.union({"msg": msg}, ufw.rule_loc(r))
}

all_ports(r) := " (it names no port, so it opens them all)" if ufw.every_port(r)

all_ports(r) := "" if not ufw.every_port(r)

error contains f if some f in ufw.bypass_errors

deny contains {"msg": sprintf("%s accepts PostgreSQL port %d from anywhere", [ufw.bypass_at(r), p])} if {
	ufw.active
	some p in ufw.postgres_ports
	some r in ufw.bypasses(p)
}

# Default allow: what no rule for every source matches is let in.
deny contains {"msg": sprintf("%s and no rule denies PostgreSQL port %d%s: it is open to anywhere", [ufw.default_why(fams), p, ufw.over(fams)])} if {
	some p in ufw.postgres_ports
	ufw.served(p)
	fams := ufw.opened_by_default(p)
	count(fams) > 0
}

deny contains {"msg": ufw.unguarded(sprintf("%s, the PostgreSQL port", [ufw.listener(s)]))} if {
	ufw.down
	some p in ufw.postgres_ports
	some s in ufw.exposed(p)
}
