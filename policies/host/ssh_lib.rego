# Helpers shared by the SSH policies (no METADATA: not a checklist item).
package audit.lib.ssh

# value is a keyword's first value in an effective configuration.
value(effective, keyword) := effective[keyword][0]

# list is a keyword's comma-separated value as a set.
list(effective, keyword) := {x | some x in split(effective[keyword][0], ",")}

# where is the global location of a keyword, or the config file.
where(server, keyword) := server.locations[keyword]

where(server, keyword) := {"file": server.config, "line": 1} if not server.locations[keyword]

# in_match is the location of a keyword inside a Match block, or the Match line.
in_match(m, keyword) := m.set[keyword]

in_match(m, keyword) := {"file": m.file, "line": m.line} if not m.set[keyword]

# The Ed25519 key algorithms, plain, security-key and certificate forms.
ed25519 := {
	"ssh-ed25519",
	"sk-ssh-ed25519@openssh.com",
	"ssh-ed25519-cert-v01@openssh.com",
	"sk-ssh-ed25519-cert-v01@openssh.com",
}

finding(msg, loc) := {"msg": msg, "path": loc.file, "line": loc.line}

# setting_finding places a finding at the line that sets keyword, or says
# the value is sshd's default when no file sets it.
setting_finding(msg, server, keyword) := finding(msg, server.locations[keyword])

setting_finding(msg, server, keyword) := finding(
	sprintf("%s (sshd's default: no file sets it)", [msg]),
	{"file": server.config, "line": 1},
) if not server.locations[keyword]
