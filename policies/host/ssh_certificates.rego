# METADATA
# title: SSH certificates for enterprise environments
# description: TrustedUserCAKeys is set and the CA key file exists.
# custom:
#   id: SSH-05
#   severity: low
#   section: ssh
#   targets: [host]
#   facts: [ssh]
#   recommended_action: >-
#     Sign user keys with an SSH CA and set TrustedUserCAKeys /etc/ssh/user_ca.pub
#     (the CA's public key) in sshd_config.
package audit.host.ssh_certificates

import data.audit.lib.ssh

deny contains f if {
	some server in input.ssh.servers
	ssh.value(server.effective, "trustedusercakeys") == "none"
	f := ssh.setting_finding("TrustedUserCAKeys is not set", server, "trustedusercakeys")
}

deny contains f if {
	some server in input.ssh.servers
	ssh.value(server.effective, "trustedusercakeys") != "none"
	not server.trusted_ca_exists
	f := ssh.setting_finding(sprintf("TrustedUserCAKeys names %s, which cannot be read", [ssh.value(server.effective, "trustedusercakeys")]), server, "trustedusercakeys")
}
