# METADATA
# title: No unexpected exposed services
# description: >-
#   Every TCP socket listening on a non-loopback address is either on the
#   allowed-ports list (settings.net_allowed_ports, default 22, 80 and 443)
#   or not let through by ufw from anywhere. The SSH and PostgreSQL ports
#   are NET-04's and NET-03's to judge. A rule outside ufw that accepts
#   the port from anywhere (iptables-save: an ACCEPT in INPUT) lets it
#   through too, and a port a container runtime publishes (a DNAT in
#   Docker's, Podman's or CNI's chains) is exposed whether or not a process
#   listens for it on the host. ufw lets a port through when
#   an allow or limit rule in covers it for TCP from any address (a rule
#   for named sources, such as an application server's, is the intended
#   restriction, as NET-03 asks for the database port); with its default
#   incoming policy allow, unless the first rule for every source denies or
#   rejects it; and with ufw inactive or not installed, always.
# custom:
#   id: NET-05
#   severity: medium
#   section: network
#   targets: [host]
#   facts: [ufw]
#   recommended_action: >-
#     Bind the service to 127.0.0.1 (or stop it) if nothing outside needs
#     it; otherwise delete the rule that lets it through (sudo ufw status
#     numbered, sudo ufw delete N) and keep sudo ufw default deny incoming,
#     or, if the service is meant to be reachable, add its port to
#     net_allowed_ports in the configuration file.
package audit.host.net_exposed_services

import data.audit.lib.ufw

error contains f if some f in ufw.status_errors

error contains f if some f in ufw.listening_errors

error contains f if some f in ufw.bypass_errors

# A rule outside ufw that accepts the port lets it through whatever ufw's
# rules say.
deny contains {"msg": sprintf("%s, and %s accepts it from anywhere", [what(s), ufw.bypass_at(r)])} if {
	ufw.active
	some s in ufw.listening
	not s.loopback == true
	judged_here(s.port)
	some r in ufw.bypasses(s.port)
	ufw.reaches(r, s)
}

# A container runtime (Docker, Podman, CNI) publishes a container's port
# with a DNAT, past ufw, whether or not a proxy process listens on the
# host.
deny contains {"msg": sprintf("a container's port %d is published to anywhere past ufw: %s; it is not on the allowed-ports list (%s)", [p, ufw.bypass_at(r), ufw.port_list(ufw.allowed_ports)])} if {
	ufw.active
	some r in ufw.bypass
	contains(r.text, " -j DNAT")
	ufw.anywhere(r)
	some range in object.get(r, "ports", [])
	range.from == range.to
	p := range.from
	judged_here(p)
	not listened(p)
}

# judged_here: port p is NET-05's to judge: not on the allowed-ports list,
# and not the SSH or PostgreSQL port, which NET-04 and NET-03 judge.
judged_here(p) if {
	not p in ufw.allowed_ports
	not p in ufw.ssh_ports
	not p in ufw.postgres_ports
}

listened(p) if {
	some s in ufw.listening
	s.port == p
	not s.loopback == true
}

deny contains f if {
	some s in ufw.listening
	not s.loopback == true
	judged_here(s.port)
	some f in through(s)
}

# what says which socket listens where it should not.
what(s) := sprintf("%s, a port not on the allowed-ports list (%s)", [ufw.listener(s), ufw.port_list(ufw.allowed_ports)])

# through is the finding about a socket ufw lets connections in to, if it
# does: it is down, or lets in by default what no rule denies, or a rule
# lets them in (the first such rule is named).
through(s) := {{"msg": ufw.unguarded(what(s))}} if ufw.down

through(s) := {{"msg": sprintf("%s, and %s: no rule denies it%s", [what(s), ufw.default_why(fams), over])}} if {
	fams := ufw.opened_by_default(s.port) & ufw.socket_families(s)
	count(fams) > 0
	over := only_over(fams, s)
}

# only_over names the families a socket is open in when it takes
# connections in others too.
only_over(fams, s) := "" if fams == ufw.socket_families(s)

only_over(fams, s) := ufw.over(fams) if fams != ufw.socket_families(s)

through(s) := {object.union({"msg": msg}, ufw.rule_loc(r))} if {
	ufw.active
	rs := [r |
		some r in ufw.rules
		ufw.opens(r)
		ufw.covers(r, s.port)
		ufw.anywhere(r)
		ufw.reaches(r, s)
		not ufw.shadowed(r, s.port)
	]
	r := first(closest(rs, s))
	msg := sprintf("%s, and ufw lets it through: %s%s", [what(s), ufw.rule_at(r), ufw.app(r)])
}

# closest are the rules of rs in the family s was written in, when there
# are any (the v6 twin for a socket on ::), else rs.
closest(rs, s) := same if {
	same := [r | some r in rs; ufw.same_family(r, s)]
	count(same) > 0
}

closest(rs, s) := rs if count([r | some r in rs; ufw.same_family(r, s)]) == 0

# first is the rule of rs that ufw applies first.
first(rs) := [r | some r in rs; r.number == n][0] if n := min({r.number | some r in rs})
