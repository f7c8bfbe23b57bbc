# METADATA
# title: SSH key rotation
# description: >-
#   No authorized key is older than the rotation window (default 90 days). A
#   key's age comes from its expiry-time option, else a creation date in its
#   comment, else its file's modification time.
# custom:
#   id: SSH-07
#   severity: medium
#   section: ssh
#   targets: [host]
#   facts: [ssh]
#   recommended_action: >-
#     Replace keys older than the window, and give new keys an expiry-time option
#     (expiry-time="YYYYMMDD") so that rotation is enforced by sshd.
package audit.host.ssh_key_rotation

window_days := object.get(input, ["settings", "ssh_key_rotation_days"], 90)

day := (24 * 60) * 60e9

now := time.parse_rfc3339_ns(input.ssh.now)

# A key with expiry-time is rotated by sshd itself: it fails when it stays
# valid longer than the window.
deny contains f if {
	some key in input.ssh.authorized_keys
	not key.error
	key.expires
	left := time.parse_rfc3339_ns(key.expires) - now
	left > window_days * day
	f := {
		"msg": sprintf("%s's key %s (%s) stays valid %d more days; the window is %d days", [key.user, key.fingerprint, key.comment, floor(left / day), window_days]),
		"path": key.file, "line": key.line,
	}
}

# age_ns is the age of a key without expiry-time: from a creation date in
# its comment, else from its file's modification time.
age_ns(key) := now - time.parse_ns("2006-01-02", key.created) if {
	not key.expires
	key.created
}

age_ns(key) := now - time.parse_rfc3339_ns(key.modified) if {
	not key.expires
	not key.created
	key.modified
}

deny contains f if {
	some key in input.ssh.authorized_keys
	not key.error
	age := age_ns(key)
	age > window_days * day
	f := {
		"msg": sprintf("%s's key %s (%s) is %d days old; the window is %d days", [key.user, key.fingerprint, key.comment, floor(age / day), window_days]),
		"path": key.file, "line": key.line,
	}
}

deny contains f if {
	some key in input.ssh.authorized_keys
	not key.error
	not key.expires
	not key.created
	not key.modified
	f := {"msg": sprintf("%s's key %s has no known age", [key.user, key.fingerprint]), "path": key.file, "line": key.line}
}
