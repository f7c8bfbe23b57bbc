# Helpers shared by the UFW policies NET-01..06 (not a checklist item: no
# metadata). input.ufw is ufw.Data as JSON; the ports of the services the
# firewall guards come from input.postgres and input.ssh when those were
# collected (custom.uses), else from their defaults.
#
# Beware: in OPA, "not f(x.y)" and "not x.y > 0" are false, not true, when
# x.y is undefined (omitempty fields are absent). Read optional fields with
# object.get before negating them.
package audit.lib.ufw

status := object.get(input, ["ufw", "status"], {})

# rules are ufw's rules in order ([] when there are none).
rules := status.rules if is_array(status.rules)

rules := [] if not is_array(object.get(status, "rules", null))

# others are the other firewall frameworks found active.
others := o if {
	o := object.get(input, ["ufw", "others"], [])
	is_array(o)
}

others := [] if not is_array(object.get(input, ["ufw", "others"], []))

# --- Is ufw filtering?

installed if input.ufw.installed == true

# status_unknown: ufw is installed, but what it enforces was read neither
# from `ufw status` nor from its rules files (status_from is empty, and
# status_error says why).
status_unknown if {
	installed
	object.get(input.ufw, "status_from", "") == ""
}

status_unknown if {
	installed
	object.get(input.ufw, "status_error", "") != ""
}

status_errors contains {"msg": sprintf("ufw's status could not be read: %s", [because("status_error")])} if status_unknown

# because is the collector's reason at a field of input.ufw.
because(field) := object.get(input.ufw, field, "") if object.get(input.ufw, field, "") != ""

because(field) := "no reason given" if object.get(input.ufw, field, "") == ""

# active: ufw is known to filter.
active if {
	installed
	not status_unknown
	status.active == true
	not unhooked("IPv4")
}

# down is why ufw filters nothing, when it does not: it is not installed,
# or it is installed, its status is known and it is inactive.
down := "ufw is not installed" if input.ufw.installed == false

down := "ufw is inactive" if {
	installed
	not status_unknown
	not status.active == true
}

down := "ufw's rules are not in the kernel (its INPUT chain jumps to none of ufw's chains)" if unhooked("IPv4")

# instead names the other firewall frameworks found active, to follow a
# sentence that says ufw is off ("" when there are none).
instead := "" if count(others) == 0

instead := sprintf(", and %s %s active instead", [concat(", ", others), verb]) if count(others) > 0

verb := "is" if count(others) == 1

verb := "are" if count(others) > 1

# not_judged says, after down, that another framework may filter what ufw
# does not: the audit reads ufw only.
not_judged := "" if count(others) == 0

not_judged := sprintf(" (%s %s active instead, which this audit does not judge)", [concat(", ", others), verb]) if count(others) > 0

# unguarded is a finding's message about something reachable from other
# machines while ufw is down: what, and that nothing filters it.
unguarded(what) := sprintf("%s, and %s: nothing filters it", [what, down]) if count(others) == 0

unguarded(what) := sprintf("%s, and %s%s: ufw does not filter it", [what, down, not_judged]) if count(others) > 0

# --- Default policies, per address family.

families := {"IPv4", "IPv6"}

# kernel_policy is the policy of the INPUT chain the kernel enforces for
# family fam (from iptables-save, "" when unknown). It can differ from
# ufw's: iptables -P INPUT ACCEPT changes it behind ufw's back.
kernel_policy(fam) := object.get(input.ufw, ["input_policy", lower(fam)], "")

# unhooked: ufw is active in its own view, but the kernel's INPUT chain of
# family fam jumps to none of ufw's chains (flushed with iptables -F, say):
# ufw's rules filter nothing there.
unhooked(fam) if {
	installed
	not status_unknown
	status.active == true
	object.get(input.ufw, ["kernel_hooked", lower(fam)], true) == false
}

# kernel_forward_policy is the kernel's FORWARD chain policy for fam.
kernel_forward_policy(fam) := object.get(input.ufw, ["forward_policy", lower(fam)], "")

# open_by_default: ufw is active and what no rule matches in family fam is
# let in: the kernel's INPUT policy is ACCEPT or, unknown, ufw's default
# incoming policy is allow (for IPv6 only when ufw manages it: with
# IPV6=no, ufw drops all IPv6).
open_by_default(fam) if {
	active
	fam in families
	kernel_policy(fam) == "ACCEPT"
}

open_by_default(fam) if {
	active
	fam in families
	kernel_policy(fam) == ""
	status.incoming == "allow"
	manages(fam)
}

manages("IPv4")

manages("IPv6") if input.ufw.ipv6 == true

# default_allow: ufw is active and lets in what no rule matches, in some
# family.
default_allow if {
	some fam in families
	open_by_default(fam)
}

# kernel_overrides: the kernel lets in by default what ufw's default policy
# says it drops.
kernel_overrides(fam) if {
	open_by_default(fam)
	kernel_policy(fam) == "ACCEPT"
	status.incoming != "allow"
}

# default_why says why what no rule matches is let in, for families fams.
default_why(fams) := sprintf("the kernel's INPUT policy is ACCEPT for %s although ufw's default incoming policy is %s (changed outside ufw, e.g. iptables -P INPUT ACCEPT)", [concat(" and ", sort(fams)), status.incoming]) if {
	some fam in fams
	kernel_overrides(fam)
}

default_why(fams) := "ufw's default incoming policy is allow" if {
	not any_kernel_override(fams)
}

any_kernel_override(fams) if {
	some fam in fams
	kernel_overrides(fam)
}

# over is "" when fams are both families, else " over IPv4" or " over IPv6".
over(fams) := "" if count(fams) == 2

over(fams) := sprintf(" over %s", [concat(" and ", sort(fams))]) if count(fams) == 1

# served: something other machines can reach listens on port p, or the
# sockets are unknown.
served(p) if count(exposed(p)) > 0

served(p) if listening_unknown

# opened_by_default are the families in which no rule for every source
# decides TCP port p and the default lets it in.
opened_by_default(p) := {fam |
	some fam in families
	open_by_default(fam)
	not first_for_all(p, fam)
}

# --- Rules.

# opens: an incoming rule that accepts connections (allow, or limit: a
# rate-limited accept).
opens(r) if {
	r.action in {"allow", "limit"}
	r.direction == "in"
}

# blocks: an incoming rule that drops or refuses connections.
blocks(r) if {
	r.action in {"deny", "reject"}
	r.direction == "in"
}

# covers: the rule matches TCP connections to port p (a rule without ports
# matches every port; one for udp only never matches TCP).
covers(r, p) if {
	tcp(r)
	count(object.get(r, "ports", [])) == 0
}

covers(r, p) if {
	tcp(r)
	some range in object.get(r, "ports", [])
	range.from <= p
	p <= range.to
}

tcp(r) if object.get(r, "proto", "") in {"", "tcp", "any"}

# anywhere: the rule matches every source address, or near enough (a
# source range wider than /8 in IPv4 or /16 in IPv6: 0.0.0.0/1 is half of
# the Internet), on an interface other machines reach (not a private one).
anywhere(r) if {
	any_source(r)
	not private_interface(object.get(r, "interface", ""))
}

# private_interfaces are the interfaces only trusted peers reach
# (settings.net_private_interfaces): loopback, VPN overlays, the bridges
# of local VMs and containers.
private_interfaces := object.get(input, ["settings", "net_private_interfaces"], default_private_interfaces)

default_private_interfaces := ["lo", "tailscale*", "wg*", "zt*", "tun*", "tap*", "virbr*", "lxdbr*", "incusbr*", "docker0", "br-*", "cni*", "podman*"]

private_interface(name) if {
	name != ""
	some pattern in private_interfaces
	glob.match(pattern, ["/"], name)
}

any_source(r) if r.from_anywhere == true

any_source(r) if object.get(r, "from", "") in {"", "any", "Anywhere", "Anywhere (v6)", "0.0.0.0/0", "::/0"}

any_source(r) if {
	parts := split(trim_suffix(object.get(r, "from", ""), " (v6)"), "/")
	count(parts) == 2
	prefix := port_number(parts[1])
	prefix < world_prefix(parts[0])
}

# world_prefix: a source range shorter than this is the world in all but
# name.
world_prefix(addr) := 16 if contains(addr, ":")

world_prefix(addr) := 8 if not contains(addr, ":")

# every_port: the rule names no port, so it matches all of them.
every_port(r) if count(object.get(r, "ports", [])) == 0

# rule_at quotes a rule: its number and text, with its application
# profile and the interface it is limited to when it has them.
# The number is the one `ufw delete N` takes, when the collector knew it.
rule_at(r) := sprintf("rule %d `%s`", [r.number, r.text]) if status.numbered == true

rule_at(r) := sprintf("rule `%s`", [r.text]) if not status.numbered == true

# on is " on IFACE" for a rule limited to an interface, else "".
on(r) := sprintf(" on %s", [r.interface]) if object.get(r, "interface", "") != ""

on(r) := "" if object.get(r, "interface", "") == ""

# app is " (application profile NAME)" for a rule from a profile, else "".
app(r) := sprintf(" (application profile %s)", [r.app]) if object.get(r, "app", "") != ""

app(r) := "" if object.get(r, "app", "") == ""

# rule_loc is where the rule is written, when it was read from the rules
# files, else {}.
rule_loc(r) := {"path": r.file, "line": object.get(r, "line", 0)} if object.get(r, "file", "") != ""

rule_loc(r) := {} if object.get(r, "file", "") == ""

# first_for_all is the first incoming rule of family fam that matches
# every TCP connection to port p: every source, every interface, every
# destination address (undefined when no rule does). It decides what the
# world gets on p: a deny or reject rule closes it, limit rate-limits it,
# allow opens it. Rules apply in the order of their numbers.
first_for_all(p, fam) := [r | some r in for_all; r.number == n][0] if {
	for_all := [r |
		some r in rules
		r.direction == "in"
		family(r) == fam
		for_every_connection(r, p)
	]
	n := min({r.number | some r in for_all})
}

family(r) := "IPv6" if r.v6 == true

family(r) := "IPv4" if not r.v6 == true

# for_every_connection: r matches every TCP connection to port p in its
# family, whatever its source, interface or destination address.
for_every_connection(r, p) if {
	covers(r, p)
	every_source(r)
	object.get(r, "interface", "") == ""
	object.get(r, "to", "") in {"", "any", "0.0.0.0/0", "::/0"}
}

# every_source: the rule matches every source address (a wide range does
# not: it counts as the world when it opens, not when it closes).
every_source(r) if r.from_anywhere == true

every_source(r) if object.get(r, "from", "") in {"", "any", "Anywhere", "Anywhere (v6)", "0.0.0.0/0", "::/0"}

# shadowed: an earlier rule of r's family decides every TCP connection to
# port p before r is reached.
shadowed(r, p) if {
	some q in rules
	q.direction == "in"
	q.number < r.number
	family(q) == family(r)
	for_every_connection(q, p)
}

# --- The kernel's rules (iptables-save): those outside ufw's own (ACCEPTs
# in INPUT or the chains it jumps to, before.rules, the DNATs of published
# ports and port forwards), which ufw's rules never see, and the kernel's
# copy of ufw's own rules, which ufw status (reading ufw's files) may not
# show when the two disagree.

bypass := input.ufw.bypass if is_array(input.ufw.bypass)

bypass := [] if not is_array(object.get(input, ["ufw", "bypass"], null))

bypass_errors contains {"msg": sprintf("the kernel's firewall rules (iptables-save) could not be read: %s", [because("bypass_error")])} if {
	active
	object.get(input.ufw, "bypass_error", "") != ""
}

# bypasses are the kernel's rules that accept TCP connections to port p
# from anywhere and that ufw status does not show.
bypasses(p) := [r |
	some r in bypass
	covers(r, p)
	anywhere(r)
	not shown(r, p)
]

# shown: r is the kernel's copy of a rule ufw status shows: reached
# through ufw's user chains, and ufw status has a rule of its family that
# opens port p to anywhere.
shown(r, p) if {
	r.ufw == true
	some q in rules
	opens(q)
	family(q) == family(r)
	covers(q, p)
	anywhere(q)
	same_kind(q, r)
}

# same_kind: ufw rule q and the kernel's rule r both rate-limit, or both
# do not.
same_kind(q, r) if {
	q.action == "limit"
	rate_limited(r)
}

same_kind(q, r) if {
	q.action == "allow"
	not rate_limited(r)
}

# rate_limited: r is the accept of a ufw limit rule.
rate_limited(r) if {
	r.ufw == true
	object.get(r, "chain", "") in {"ufw-user-limit-accept", "ufw6-user-limit-accept"}
}

# bypass_at quotes a rule of the kernel's and says where it is, and the
# interface it takes connections on (from the rule or a jump to its chain).
bypass_at(r) := sprintf("`%s` (%s line %d%s, outside ufw's rules)", [r.text, r.file, r.line, on(r)]) if not r.ufw == true

bypass_at(r) := sprintf("`%s` (%s line %d%s, in ufw's chains in the kernel but not in ufw status: its files and the kernel disagree, and sudo ufw reload makes the kernel follow the files)", [r.text, r.file, r.line, on(r)]) if r.ufw == true

# published is a rule publishing a container's or a forwarded port (DNAT).
published(r) if contains(r.text, " -j DNAT")

# --- Listening sockets.

listening := input.ufw.listening if is_array(input.ufw.listening)

listening := [] if not is_array(object.get(input, ["ufw", "listening"], null))

listening_unknown if object.get(input.ufw, "listening_error", "") != ""

listening_errors contains {"msg": sprintf("the host's listening TCP sockets could not be read: %s", [because("listening_error")])} if listening_unknown

# exposed are the sockets on port p that listen on an address other
# machines can reach.
exposed(p) := [s |
	some s in listening
	s.port == p
	reachable(s)
]

# reachable: socket s takes connections from other machines: it is not on
# a loopback address nor bound to a private interface (ADDR%wg0).
reachable(s) if {
	not s.loopback == true
	not private_interface(zone(s.addr))
}

zone(addr) := split(addr, "%")[1] if contains(addr, "%")

zone(addr) := "" if not contains(addr, "%")

# listener is "PROCESS listens on ADDR:PORT" (an IPv6 address bracketed).
listener(s) := sprintf("%s listens on %s", [process(s), addr_port(s)])

process(s) := s.process if object.get(s, "process", "") != ""

process(s) := "an unknown process" if object.get(s, "process", "") == ""

addr_port(s) := sprintf("[%s]:%d", [s.addr, s.port]) if contains(s.addr, ":")

addr_port(s) := sprintf("%s:%d", [s.addr, s.port]) if not contains(s.addr, ":")

# ipv4: the socket listens on an IPv4 address only (an IPv6 rule does not
# reach it). A socket on :: may take IPv4 too, and ss shows a socket that
# takes both as *.
ipv4(s) if {
	not contains(s.addr, ":")
	s.addr != "*"
}

# dual_stack: the socket may take IPv4 and IPv6 connections alike.
dual_stack(s) if s.addr == "*"

dual_stack(s) if {
	s.addr == "::"
	not s.v6only == true
}

# socket_families are the families socket s takes connections in.
socket_families(s) := {"IPv4"} if ipv4(s)

socket_families(s) := families if dual_stack(s)

socket_families(s) := {"IPv6"} if {
	not ipv4(s)
	not dual_stack(s)
}

# reaches: rule r applies to connections to socket s (same address family).
reaches(r, s) if {
	ipv4(s)
	not r.v6 == true
}

reaches(r, s) if dual_stack(s)

reaches(r, s) if {
	not ipv4(s)
	not dual_stack(s)
	r.v6 == true
}

# same_family: r is for the family s was written in (a v6 rule for
# "::"), to name the closest of several rules that reach s.
same_family(r, s) if {
	contains(s.addr, ":")
	r.v6 == true
}

same_family(r, s) if {
	not contains(s.addr, ":")
	not r.v6 == true
}

# --- Ports of the services the firewall guards.

# postgres_ports are the ports of every PostgreSQL server: each one's port
# setting and the port of its address (both, when they differ: the file may
# have changed since the server started), else 5432.
postgres_ports := ports if {
	ports := {p | some server in object.get(input, ["postgres", "servers"], []); some p in server_ports(server)}
	count(ports) > 0
}

postgres_ports := {5432} if count({p | some server in object.get(input, ["postgres", "servers"], []); some p in server_ports(server)}) == 0

server_ports(server) := {p |
	some v in [object.get(server, ["settings", "port", "value"], ""), addr_port_of(object.get(server, "addr", ""))]
	p := port_number(v)
}

# addr_port_of is the port of "ip:port" or "[ip]:port", else "".
addr_port_of(addr) := split(addr, "]:")[1] if {
	startswith(addr, "[")
	contains(addr, "]:")
}

addr_port_of(addr) := split(addr, ":")[1] if {
	not startswith(addr, "[")
	count(split(addr, ":")) == 2
}

addr_port_of(addr) := "" if {
	not startswith(addr, "[")
	count(split(addr, ":")) != 2
}

addr_port_of(addr) := "" if {
	startswith(addr, "[")
	not contains(addr, "]:")
}

# port_number is a port written as digits, as a number.
port_number(v) := to_number(v) if {
	is_string(v)
	regex.match(`^[0-9]{1,5}$`, trim_space(v))
}

port_number(v) := v if is_number(v)

# ssh_ports are the ports sshd listens on: every sshd's Port and the ports
# of its ListenAddress lines (sshd -T), and the ports of the sockets sshd
# holds; else 22.
ssh_ports := ports if {
	ports := ssh_ports_found
	count(ports) > 0
}

ssh_ports := {22} if count(ssh_ports_found) == 0

ssh_ports_found := (({p |
	some server in object.get(input, ["ssh", "servers"], [])
	some v in object.get(server, ["effective", "port"], [])
	p := port_number(v)
} | {p |
	some server in object.get(input, ["ssh", "servers"], [])
	some v in object.get(server, ["effective", "listenaddress"], [])
	p := port_number(addr_port_of(v))
}) | {s.port |
	some s in listening
	object.get(s, "process", "") == "sshd"
})

# allowed_ports are the ports NET-05 lets listen to the world
# (settings.net_allowed_ports, default 22, 80 and 443).
allowed_ports := {p | some v in object.get(input, ["settings", "net_allowed_ports"], [22, 80, 443]); p := port_number(v)}

# port_list shows a set of ports in order: "22, 80, 443".
port_list(ports) := concat(", ", [sprintf("%d", [p]) | some p in sort(ports)]) if count(ports) > 0

port_list(ports) := "none" if count(ports) == 0
