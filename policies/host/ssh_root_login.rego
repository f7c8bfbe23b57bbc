# METADATA
# title: No password root login
# description: >-
#   PermitRootLogin is no, prohibit-password or forced-commands-only, globally
#   and inside every Match block.
# custom:
#   id: SSH-04
#   severity: high
#   section: ssh
#   targets: [host]
#   facts: [ssh]
#   recommended_action: Set PermitRootLogin no (or prohibit-password) everywhere, Match blocks included.
package audit.host.ssh_root_login

import data.audit.lib.ssh

# sshd -T prints prohibit-password as without-password on older versions.
allowed := {"no", "prohibit-password", "without-password", "forced-commands-only"}

deny contains f if {
	some server in input.ssh.servers
	v := ssh.value(server.effective, "permitrootlogin")
	not v in allowed
	f := ssh.setting_finding(sprintf("PermitRootLogin is %s", [v]), server, "permitrootlogin")
}

deny contains f if {
	some server in input.ssh.servers
	some m in server.matches
	not m.error
	v := ssh.value(m.effective, "permitrootlogin")
	not v in allowed
	f := ssh.finding(sprintf("inside Match %s, PermitRootLogin is %s", [m.criteria, v]), ssh.in_match(m, "permitrootlogin"))
}

deny contains f if {
	some server in input.ssh.servers
	some m in server.matches
	m.error
	m.set.permitrootlogin
	f := ssh.finding(sprintf("Match %s sets PermitRootLogin and could not be evaluated: %s", [m.criteria, m.error]), ssh.in_match(m, "permitrootlogin"))
}
