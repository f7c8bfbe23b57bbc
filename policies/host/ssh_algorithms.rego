# METADATA
# title: No weak SSH algorithms
# description: >-
#   No SHA-1 or NIST-curve key exchange, no CBC, 3DES or arcfour cipher, no
#   MD5, SHA-1 or 64-bit MAC, neither in sshd's effective configuration nor in
#   what the server offers on the wire; no ssh-rsa (SHA-1), DSA or ECDSA
#   host-key algorithm offered.
# custom:
#   id: SSH-08
#   severity: medium
#   section: ssh
#   targets: [host]
#   facts: [ssh]
#   recommended_action: >-
#     Set KexAlgorithms sntrup761x25519-sha512@openssh.com,curve25519-sha256,curve25519-sha256@libssh.org;
#     Ciphers chacha20-poly1305@openssh.com,aes256-gcm@openssh.com,aes128-gcm@openssh.com,aes256-ctr,aes192-ctr,aes128-ctr;
#     MACs hmac-sha2-512-etm@openssh.com,hmac-sha2-256-etm@openssh.com,umac-128-etm@openssh.com.
package audit.host.ssh_algorithms

import data.audit.lib.ssh

weak_kex(a) if contains(a, "sha1")

weak_kex(a) if startswith(a, "ecdh-sha2-nistp")

weak_cipher(a) if contains(a, "-cbc")

weak_cipher(a) if contains(a, "3des")

weak_cipher(a) if contains(a, "arcfour")

weak_cipher(a) if contains(a, "blowfish")

weak_cipher(a) if contains(a, "cast128")

weak_mac(a) if contains(a, "md5")

weak_mac(a) if contains(a, "sha1")

weak_mac(a) if contains(a, "umac-64")

weak_hostkey(a) if startswith(a, "ssh-rsa")

weak_hostkey(a) if startswith(a, "ssh-dss")

weak_hostkey(a) if contains(a, "ecdsa")

kinds := {
	"kexalgorithms": {"name": "key exchange", "wire": "kex"},
	"ciphers": {"name": "cipher", "wire": "ciphers"},
	"macs": {"name": "MAC", "wire": "macs"},
}

weak(kind, a) if {
	kind == "kexalgorithms"
	weak_kex(a)
}

weak(kind, a) if {
	kind == "ciphers"
	weak_cipher(a)
}

weak(kind, a) if {
	kind == "macs"
	weak_mac(a)
}

deny contains f if {
	some server in input.ssh.servers
	some kind, _ in kinds
	bad := {a | some a in ssh.list(server.effective, kind); weak(kind, a)}
	count(bad) > 0
	f := ssh.finding(sprintf("%s allows weak %s algorithms: %s", [kind, kinds[kind].name, concat(", ", sort(bad))]), ssh.where(server, kind))
}

deny contains f if {
	some server in input.ssh.servers
	some offer in server.wire
	some kind, k in kinds
	bad := {a | some a in offer[k.wire]; weak(kind, a)}
	count(bad) > 0
	f := ssh.finding(sprintf("the server on %s offers weak %s algorithms: %s", [offer.addr, k.name, concat(", ", sort(bad))]), ssh.where(server, kind))
}

deny contains f if {
	some server in input.ssh.servers
	some offer in server.wire
	bad := {a | some a in offer.host_key_algorithms; weak_hostkey(a)}
	count(bad) > 0
	f := ssh.setting_finding(sprintf("the server on %s offers weak host-key algorithms: %s", [offer.addr, concat(", ", sort(bad))]), server, "hostkey")
}
