# METADATA
# title: Monitor SSH access with audit logs
# description: >-
#   LogLevel is VERBOSE or higher (it logs the fingerprint of the key each
#   login used) and SyslogFacility is AUTH or AUTHPRIV.
# custom:
#   id: SSH-06
#   severity: medium
#   section: ssh
#   targets: [host]
#   facts: [ssh]
#   recommended_action: Set LogLevel VERBOSE and SyslogFacility AUTH (or AUTHPRIV), and ship the auth log off the host.
package audit.host.ssh_logging

import data.audit.lib.ssh

deny contains f if {
	some server in input.ssh.servers
	v := upper(ssh.value(server.effective, "loglevel"))
	not v in {"VERBOSE", "DEBUG", "DEBUG1", "DEBUG2", "DEBUG3"}
	f := ssh.setting_finding(sprintf("LogLevel is %s: key fingerprints are not logged", [v]), server, "loglevel")
}

deny contains f if {
	some server in input.ssh.servers
	v := upper(ssh.value(server.effective, "syslogfacility"))
	not v in {"AUTH", "AUTHPRIV"}
	f := ssh.setting_finding(sprintf("SyslogFacility is %s", [v]), server, "syslogfacility")
}
