# Sample "ufw" facts shared by the UFW policies' tests: a host where ufw is
# active and enabled at boot, denies incoming traffic by default, rate-limits
# SSH, serves HTTPS to the world and PostgreSQL to the application subnet;
# and helpers to change parts of it.
package audit.lib.ufw_fixtures

# rule is a ufw rule in, from anywhere, for one port or range ("" proto
# for both); v6 makes it the IPv6 twin.
rule(number, text, action, ports, proto, v6) := {
	"number": number, "text": text, "action": action, "direction": "in",
	"ports": [{"from": p[0], "to": p[1]} | some p in ports],
	"proto": proto, "from": "Anywhere", "from_anywhere": true, "v6": v6,
}

# from limits a rule to a source.
from(r, source) := object.union(r, {"from": source, "from_anywhere": false})

hardened_rules := [
	rule(1, "22/tcp LIMIT IN Anywhere", "limit", [[22, 22]], "tcp", false),
	rule(2, "443/tcp ALLOW IN Anywhere", "allow", [[443, 443]], "tcp", false),
	from(rule(3, "5432/tcp ALLOW IN 10.0.1.0/24", "allow", [[5432, 5432]], "tcp", false), "10.0.1.0/24"),
	rule(4, "22/tcp (v6) LIMIT IN Anywhere (v6)", "limit", [[22, 22]], "tcp", true),
	rule(5, "443/tcp (v6) ALLOW IN Anywhere (v6)", "allow", [[443, 443]], "tcp", true),
]

hardened_listening := [
	{"addr": "0.0.0.0", "port": 22, "loopback": false, "process": "sshd"},
	{"addr": "::", "port": 22, "loopback": false, "process": "sshd"},
	{"addr": "0.0.0.0", "port": 443, "loopback": false, "process": "nginx"},
	{"addr": "10.0.1.5", "port": 5432, "loopback": false, "process": "postgres"},
	{"addr": "127.0.0.1", "port": 5432, "loopback": true, "process": "postgres"},
	{"addr": "127.0.0.1", "port": 6379, "loopback": true, "process": "redis-server"},
]

hardened_status := {
	"active": true, "logging": "low",
	"incoming": "deny", "outgoing": "allow", "routed": "disabled",
	"rules": hardened_rules,
	"numbered": true,
}

hardened_ufw := {
	"installed": true,
	"status": hardened_status,
	"status_from": "ufw status",
	"enabled_at_boot": true,
	"ipv6": true,
	"listening": hardened_listening,
}

# hardened has the ufw facts only: PostgreSQL and SSH on their default ports.
hardened := {"ufw": hardened_ufw}

# with_ufw changes top-level fields of the ufw facts.
with_ufw(fields) := {"ufw": object.union(hardened_ufw, fields)}

# with_status changes fields of ufw's status.
with_status(fields) := with_ufw({"status": object.union(hardened_status, fields)})

# with_rules replaces ufw's rules.
with_rules(rules) := with_status({"rules": rules})

# with_listening replaces the listening sockets.
with_listening(sockets) := with_ufw({"listening": sockets})

not_installed := {"ufw": {"installed": false, "status": {"active": false, "logging": "", "incoming": "", "outgoing": "", "routed": "", "rules": []}, "enabled_at_boot": false, "ipv6": false, "listening": hardened_listening}}

inactive := with_status({"active": false})

unknown_status := with_ufw({
	"status": {"active": false, "logging": "", "incoming": "", "outgoing": "", "routed": "", "rules": []},
	"status_from": "",
	"status_error": "ufw status: ERROR: You need to be root to run this script; read /etc/ufw/user.rules: permission denied (run with --sudo)",
})

# postgres_on gives the PostgreSQL facts of one server on a port.
postgres_on(inp, port) := object.union(inp, {"postgres": {"servers": [{
	"name": sprintf("10.0.1.5:%d", [port]), "addr": sprintf("10.0.1.5:%d", [port]),
	"settings": {"port": {"value": sprintf("%d", [port]), "source": "configuration file"}},
}]}})

# ssh_on gives the SSH facts of one sshd on ports.
ssh_on(inp, ports) := object.union(inp, {"ssh": {"servers": [{"config": "/etc/ssh/sshd_config", "effective": {"port": ports}}]}})

# bypass_rule is a rule outside ufw as ParseIptablesSave reads it.
bypass_rule(line, text, port) := {
	"number": 0, "file": "iptables-save", "line": line, "text": text,
	"action": "allow", "direction": "in", "ports": [{"from": port, "to": port}],
	"proto": "tcp", "from": "", "from_anywhere": true, "v6": false,
}

# with_bypass adds rules outside ufw to the hardened host.
with_bypass(rules) := with_ufw({"bypass": rules})

accept_5432 := bypass_rule(44, "-A INPUT -p tcp -m tcp --dport 5432 -j ACCEPT", 5432)

docker_8080 := bypass_rule(116, "-A DOCKER ! -i docker0 -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172.17.0.2:80", 8080)

bypass_unknown := with_ufw({"bypass_error": "iptables-save: exit status 1: iptables-save v1.8.9 (nf_tables): Could not fetch rule set generation id: Permission denied (you must be root)"})
