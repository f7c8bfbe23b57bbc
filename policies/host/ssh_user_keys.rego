# METADATA
# title: Ed25519 user keys only
# description: >-
#   Every key in every login user's authorized keys files is Ed25519 (or a
#   security-key or certificate form of it), and PubkeyAcceptedAlgorithms
#   admits no RSA, DSA or ECDSA.
# custom:
#   id: SSH-02
#   severity: high
#   section: ssh
#   targets: [host]
#   facts: [ssh]
#   recommended_action: >-
#     Replace other keys with Ed25519 ones (ssh-keygen -t ed25519), and set
#     PubkeyAcceptedAlgorithms ssh-ed25519,sk-ssh-ed25519@openssh.com,ssh-ed25519-cert-v01@openssh.com,sk-ssh-ed25519-cert-v01@openssh.com.
package audit.host.ssh_user_keys

import data.audit.lib.ssh

deny contains f if {
	some key in input.ssh.authorized_keys
	not key.error
	not key.type in ssh.ed25519
	f := {"msg": sprintf("%s's key %s (%s) is %s", [key.user, key.fingerprint, key.comment, key.type]), "path": key.file, "line": key.line}
}

deny contains f if {
	some key in input.ssh.authorized_keys
	key.error
	f := {"msg": sprintf("%s's authorized keys cannot be checked: %s", [key.user, key.error]), "path": key.file, "line": max([key.line, 1])}
}

deny contains f if {
	some server in input.ssh.servers
	weak := {a | some a in ssh.list(server.effective, "pubkeyacceptedalgorithms"); not a in ssh.ed25519}
	count(weak) > 0
	f := ssh.setting_finding(sprintf("PubkeyAcceptedAlgorithms admits %s", [concat(", ", sort(weak))]), server, "pubkeyacceptedalgorithms")
}
