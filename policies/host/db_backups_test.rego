package audit.host.db_backups_test

import data.audit.host.db_backups as check
import data.audit.lib.postgres_fixtures as fx

repo(overrides) := object.union({"name": "repo1", "section": "global", "file": "/etc/pgbackrest/pgbackrest.conf", "line": 2}, overrides)

with_repos(repos) := fx.with_postgres({"pgbackrest": {"configured": true, "files": ["/etc/pgbackrest/pgbackrest.conf"], "repos": repos}})

test_allow_hardened if {
	count(check.deny) == 0 with input as fx.hardened
	count(check.error) == 0 with input as fx.hardened
	count(check.manual) == 0 with input as fx.hardened
}

test_deny_cipher_none_at_its_line if {
	some f in check.deny with input as with_repos([repo({"cipher_type": "none", "cipher_line": 4})])
	f.msg == "pgBackRest repository repo1 ([global] in /etc/pgbackrest/pgbackrest.conf) is not encrypted: repo1-cipher-type is none"
	f.line == 4
}

test_deny_cipher_unset_at_the_repo if {
	some f in check.deny with input as with_repos([repo({"cipher_type": ""}), repo({"name": "repo2", "line": 6, "cipher_type": "aes-256-cbc", "cipher_line": 8})])
	f.msg == "pgBackRest repository repo1 ([global] in /etc/pgbackrest/pgbackrest.conf) is not encrypted: no repo1-cipher-type is set"
	f.line == 2
	count(check.deny) == 1 with input as with_repos([repo({"cipher_type": ""}), repo({"name": "repo2", "line": 6, "cipher_type": "aes-256-cbc", "cipher_line": 8})])
}

test_deny_cipher_absent if {
	count(check.deny) == 1 with input as with_repos([repo({})])
}

test_manual_without_pgbackrest if {
	inp := fx.with_postgres({"pgbackrest": {"configured": false}})
	count(check.deny) == 0 with input as inp
	some f in check.manual with input as inp
	startswith(f.msg, "pgBackRest is not configured on this host")
}

test_error_unreadable if {
	inp := fx.with_postgres({"pgbackrest": {"configured": false, "error": "read /etc/pgbackrest/pgbackrest.conf: permission denied"}})
	count(check.error) == 1 with input as inp
	count(check.manual) == 0 with input as inp
}

test_failed_login_does_not_matter if count(check.error) == 0 with input as fx.failed_login

test_missing_fact_denies_nothing if count(check.deny) == 0 with input as {}
