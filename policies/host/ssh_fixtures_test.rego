# Sample "ssh" facts shared by the SSH policies' tests.
package audit.lib.ssh_fixtures

server(effective) := {
	"config": "/etc/ssh/sshd_config",
	"effective": effective,
	"locations": {"passwordauthentication": {"file": "/etc/ssh/sshd_config.d/50-cloud-init.conf", "line": 1}},
	"matches": [],
	"host_keys": [{"path": "/etc/ssh/ssh_host_ed25519_key", "type": "ssh-ed25519"}],
	"wire": [{
		"addr": "0.0.0.0:22",
		"kex": ["sntrup761x25519-sha512@openssh.com", "curve25519-sha256"],
		"host_key_algorithms": ["ssh-ed25519"],
		"ciphers": ["chacha20-poly1305@openssh.com", "aes256-gcm@openssh.com"],
		"macs": ["hmac-sha2-256-etm@openssh.com"],
	}],
	"trusted_ca_exists": true,
}

hardened_effective := {
	"passwordauthentication": ["no"],
	"kbdinteractiveauthentication": ["no"],
	"permitemptypasswords": ["no"],
	"permitrootlogin": ["prohibit-password"],
	"pubkeyacceptedalgorithms": ["ssh-ed25519,sk-ssh-ed25519@openssh.com"],
	"loglevel": ["VERBOSE"],
	"syslogfacility": ["AUTH"],
	"trustedusercakeys": ["/etc/ssh/user_ca.pub"],
	"kexalgorithms": ["sntrup761x25519-sha512@openssh.com,curve25519-sha256"],
	"ciphers": ["chacha20-poly1305@openssh.com,aes256-gcm@openssh.com"],
	"macs": ["hmac-sha2-256-etm@openssh.com"],
	"hostkey": ["/etc/ssh/ssh_host_ed25519_key"],
}

key(overrides) := object.union(
	{
		"user": "deploy", "file": "/home/deploy/.ssh/authorized_keys", "line": 1,
		"type": "ssh-ed25519", "fingerprint": "SHA256:abc", "comment": "deploy@laptop",
		"options": [], "cert_authority": false, "modified": "2026-11-20T00:00:00Z",
	},
	overrides,
)

hardened := {"ssh": {
	"now": "2026-12-01T00:00:00Z",
	"servers": [server(hardened_effective)],
	"authorized_keys": [key({})],
}}

# with_effective replaces effective keywords of the hardened server.
with_effective(changes) := {"ssh": object.union(hardened.ssh, {"servers": [server(object.union(hardened_effective, changes))]})}

with_server(changes) := {"ssh": object.union(hardened.ssh, {"servers": [object.union(server(hardened_effective), changes)]})}

with_keys(keys) := {"ssh": object.union(hardened.ssh, {"authorized_keys": keys})}
