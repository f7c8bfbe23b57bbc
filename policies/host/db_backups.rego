# METADATA
# title: Encrypted backups with separate credentials
# description: >-
#   Every pgBackRest repository configured on the host sets
#   repoN-cipher-type (to aes-256-cbc, not none). Without pgBackRest the
#   item is manual: backups made another way are checked by hand. Whether
#   the repository's credentials are separate from the database's is not
#   visible in the configuration and is left to the reviewer.
# custom:
#   id: DB-09
#   severity: low
#   section: database
#   targets: [host]
#   facts: [postgres]
#   recommended_action: >-
#     In pgbackrest.conf set repo1-cipher-type=aes-256-cbc and a long random
#     repo1-cipher-pass (readable only by postgres) for every repository; an
#     existing repository cannot be encrypted in place, so create a new one
#     (stanza-create) and take a full backup. Keep the repository's storage
#     credentials separate from the database's.
package audit.host.db_backups

backrest := input.postgres.pgbackrest

error contains f if {
	backrest.error != ""
	f := {"msg": sprintf("pgBackRest's configuration could not be read: %s", [backrest.error])}
}

deny contains f if {
	backrest.configured
	some repo in object.get(backrest, "repos", [])
	object.get(repo, "cipher_type", "") in {"", "none"}
	f := object.union({"msg": sprintf("pgBackRest repository %s ([%s] in %s) is not encrypted: %s", [repo.name, repo.section, repo.file, cipher(repo)])}, where(repo))
}

cipher(repo) := sprintf("%s-cipher-type is none", [repo.name]) if repo.cipher_type == "none"

cipher(repo) := sprintf("no %s-cipher-type is set", [repo.name]) if object.get(repo, "cipher_type", "") == ""

# where is the cipher-type line, else the line that defines the repository.
where(repo) := {"path": repo.file, "line": repo.cipher_line} if repo.cipher_line > 0

where(repo) := {"path": repo.file, "line": repo.line} if not object.get(repo, "cipher_line", 0) > 0

manual contains f if {
	not backrest.configured
	object.get(backrest, "error", "") == ""
	f := {"msg": "pgBackRest is not configured on this host: check by hand that backups are encrypted and use credentials separate from the database's"}
}
