# METADATA
# title: Password authentication disabled
# description: >-
#   PasswordAuthentication, KbdInteractiveAuthentication and PermitEmptyPasswords
#   are "no" in the global configuration and inside every Match block, as sshd
#   itself evaluates them.
# custom:
#   id: SSH-03
#   severity: critical
#   section: ssh
#   targets: [host]
#   facts: [ssh]
#   recommended_action: >-
#     Set PasswordAuthentication no, KbdInteractiveAuthentication no and
#     PermitEmptyPasswords no, remove overrides from Match blocks and drop-ins
#     under sshd_config.d (the first value sshd reads wins), and reload sshd.
package audit.host.ssh_password_auth

import data.audit.lib.ssh

keywords := ["passwordauthentication", "kbdinteractiveauthentication", "permitemptypasswords"]

deny contains f if {
	some server in input.ssh.servers
	some k in keywords
	ssh.value(server.effective, k) != "no"
	f := ssh.finding(sprintf("%s is %s", [k, ssh.value(server.effective, k)]), ssh.where(server, k))
}

deny contains f if {
	some server in input.ssh.servers
	some m in server.matches
	not m.error
	some k in keywords
	ssh.value(m.effective, k) != "no"
	f := ssh.finding(sprintf("inside Match %s, %s is %s", [m.criteria, k, ssh.value(m.effective, k)]), ssh.in_match(m, k))
}

# A Match block sshd could not be asked about, which sets one of these
# keywords, is not assumed harmless.
deny contains f if {
	some server in input.ssh.servers
	some m in server.matches
	m.error
	some k in keywords
	m.set[k]
	f := ssh.finding(sprintf("Match %s sets %s and could not be evaluated: %s", [m.criteria, k, m.error]), ssh.in_match(m, k))
}

# What the server offers on the wire decides too; when it disagrees with the
# configuration, the worse is reported and the disagreement said.
deny contains f if {
	some server in input.ssh.servers
	some offer in server.wire
	some m in offer.auth_methods
	m in {"password", "keyboard-interactive"}
	k := {"password": "passwordauthentication", "keyboard-interactive": "kbdinteractiveauthentication"}[m]
	note := disagreement(server, k)
	f := ssh.finding(sprintf("the server on %s offers %s authentication to clients%s", [offer.addr, m, note]), ssh.where(server, k))
}

disagreement(server, k) := " (although its configuration says no: the sources disagree)" if ssh.value(server.effective, k) == "no"

disagreement(server, k) := "" if ssh.value(server.effective, k) != "no"

deny contains f if {
	some server in input.ssh.servers
	some offer in server.wire
	offer.auth_error
	f := ssh.setting_finding(sprintf("the auth methods the server on %s offers could not be read: %s", [offer.addr, offer.auth_error]), server, "passwordauthentication")
}

deny contains f if {
	some server in input.ssh.servers
	server.wire_error
	f := ssh.setting_finding(sprintf("what the server offers on the wire could not be read: %s", [server.wire_error]), server, "passwordauthentication")
}
