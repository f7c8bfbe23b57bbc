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

# A kernel rule that accepts the port and ufw status does not show lets it
# through whatever ufw's rules say.
deny contains {"msg": sprintf("%s, and %s accepts it from anywhere", [what(s), ufw.bypass_at(r)])} if {
	ufw.active
	some s in ufw.listening
	ufw.reachable(s)
	judged_here(s.port)
	some r in ufw.bypasses(s.port)
	ufw.reaches(r, s)
}

# A DNAT (a port a container runtime publishes, a port forward) sends
# connections past ufw's input rules, whether or not a process listens for
# them on the host.
deny contains {"msg": sprintf("%s %s published to anywhere past ufw's rules: %s; %s not on the allowed-ports list (%s)", [ports, verb, ufw.bypass_at(r), pronoun, ufw.port_list(ufw.allowed_ports)])} if {
	ufw.active
	some r in ufw.bypass
	ufw.published(r)
	ufw.anywhere(r)
	some range in published_ranges(r)
	some p in unjudged_in(range)
	not listened(p)
	ports := range_text(range)
	verb := are(range)
	pronoun := they(range)
}

# published_ranges are the port ranges a DNAT takes (all ports when it
# names none).
published_ranges(r) := r.ports if count(object.get(r, "ports", [])) > 0

published_ranges(r) := [{"from": 1, "to": 65535}] if count(object.get(r, "ports", [])) == 0

# unjudged_in is the first port of range NET-05 must judge, as a set (empty
# when every port of the range is allowed or another item's): ranges can
# be wide, so the allowed ports are counted, not the range walked.
unjudged_in(range) := {range.from} if {
	range.from == range.to
	judged_here(range.from)
}

unjudged_in(range) := {range.from} if {
	range.from < range.to
	others := (ufw.allowed_ports | ufw.ssh_ports) | ufw.postgres_ports
	exempt := {p | some p in others; range.from <= p; p <= range.to}
	count(exempt) < (range.to - range.from) + 1
}

range_text(range) := sprintf("port %d", [range.from]) if range.from == range.to

range_text(range) := sprintf("ports %d-%d", [range.from, range.to]) if range.from < range.to

are(range) := "is" if range.from == range.to

are(range) := "are" if range.from < range.to

they(range) := "it is" if range.from == range.to

they(range) := "they are" if range.from < range.to

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
	ufw.reachable(s)
}

deny contains f if {
	some s in ufw.listening
	ufw.reachable(s)
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
