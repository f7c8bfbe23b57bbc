# METADATA
# title: Ed25519 host keys only
# description: >-
#   Every effective HostKey of every running sshd is Ed25519, and the server
#   offers only Ed25519 host-key algorithms on the wire.
# custom:
#   id: SSH-01
#   severity: high
#   section: ssh
#   targets: [host]
#   facts: [ssh]
#   recommended_action: >-
#     Generate an Ed25519 host key (ssh-keygen -t ed25519 -f /etc/ssh/ssh_host_ed25519_key),
#     keep only HostKey /etc/ssh/ssh_host_ed25519_key in sshd_config, remove the other
#     HostKey lines, and restart sshd. Clients must learn the new key.
package audit.host.ssh_host_keys

import data.audit.lib.ssh

deny contains f if {
	some server in input.ssh.servers
	some key in server.host_keys
	not key.error
	not key.type in ssh.ed25519
	f := ssh.setting_finding(sprintf("sshd (%s) uses a %s host key: %s", [server.config, key.type, key.path]), server, "hostkey")
}

deny contains f if {
	some server in input.ssh.servers
	some key in server.host_keys
	key.error
	f := ssh.setting_finding(sprintf("sshd (%s): host key %s cannot be checked: %s", [server.config, key.path, key.error]), server, "hostkey")
}

deny contains f if {
	some server in input.ssh.servers
	some offer in server.wire
	weak := {a | some a in offer.host_key_algorithms; not a in ssh.ed25519}
	count(weak) > 0
	f := ssh.setting_finding(sprintf("the server on %s offers host-key algorithms other than Ed25519: %s", [offer.addr, concat(", ", sort(weak))]), server, "hostkey")
}
