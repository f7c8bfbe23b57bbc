# METADATA
# title: Never commit secrets to Git
# description: >-
#   No secret in the tracked files of the working tree, in the staged change,
#   or in any commit reachable from HEAD, by gitleaks' rules plus the
#   repository's own .gitleaks.toml, .gitleaksignore and gitleaks:allow comments.
# custom:
#   id: SEC-01
#   severity: critical
#   section: secrets
#   targets: [repo]
#   facts: [secrets]
#   recommended_action: >-
#     Revoke and rotate the exposed credential first: it is compromised once pushed.
#     Remove it from the files, inject it at runtime (environment, secrets manager),
#     and rewrite history (git filter-repo) if the repository is shared. A false
#     positive is ignored with a gitleaks:allow comment on the line or its
#     fingerprint in .gitleaksignore.
package audit.repo.secrets_in_git

# Every leak is denied, whatever its source: an unknown source must never
# drop a finding.
default where(_) := "in the repository"

where(leak) := sprintf("in commit %s", [substring(leak.commit, 0, 12)]) if leak.source == "history"

where(leak) := "in the staged change" if leak.source == "staged"

where(leak) := "in the working tree" if leak.source == "tree"

where(leak) := "committed before this shallow clone begins (the commit that added it is not in the clone)" if {
	leak.source == "shallow-boundary"
}

deny contains finding if {
	some leak in input.secrets.findings
	not leak.ignored_by
	finding := {
		"msg": sprintf("%s %s: %s", [leak.rule_id, where(leak), leak.excerpt]),
		"path": leak.path,
		"line": leak.line,
		"commit": leak.commit,
		"fingerprint": leak.fingerprint,
	}
}
