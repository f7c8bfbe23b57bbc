package audit.repo.secrets_in_git_test

import data.audit.repo.secrets_in_git as check

leak(overrides) := object.union(
	{
		"rule_id": "github-pat",
		"description": "GitHub Personal Access Token",
		"source": "history",
		"path": "config/app.env",
		"line": 3,
		"commit": "0123456789abcdef0123456789abcdef01234567",
		"excerpt": "token=REDACTED",
		"fingerprint": "f00",
		"gitleaks_fingerprint": "0123456789abcdef0123456789abcdef01234567:config/app.env:github-pat:3",
	},
	overrides,
)

test_deny_history_leak_names_commit_and_location if {
	some f in check.deny with input as {"secrets": {"findings": [leak({})]}}
	f.path == "config/app.env"
	f.line == 3
	f.commit == "0123456789abcdef0123456789abcdef01234567"
	f.fingerprint == "f00"
	contains(f.msg, "in commit 0123456789ab")
	contains(f.msg, "github-pat")
}

test_deny_staged_leak if {
	some f in check.deny with input as {"secrets": {"findings": [leak({"source": "staged", "commit": ""})]}}
	contains(f.msg, "in the staged change")
	f.commit == ""
}

test_deny_tree_leak if {
	some f in check.deny with input as {"secrets": {"findings": [leak({"source": "tree", "commit": ""})]}}
	contains(f.msg, "in the working tree")
}

test_deny_one_entry_per_leak if {
	findings := [leak({}), leak({"path": "b.env", "fingerprint": "b"}), leak({"source": "tree", "commit": "", "fingerprint": "c"})]
	count(check.deny) == 3 with input as {"secrets": {"findings": findings}}
}

test_allow_no_findings if {
	count(check.deny) == 0 with input as {"secrets": {"findings": []}}
}

test_allow_ignored_by_gitleaksignore if {
	count(check.deny) == 0 with input as {"secrets": {"findings": [leak({"ignored_by": ".gitleaksignore"})]}}
}

test_deny_only_unignored if {
	findings := [leak({"ignored_by": ".gitleaksignore"}), leak({"path": "other.env", "fingerprint": "o"})]
	some f in check.deny with input as {"secrets": {"findings": findings}}
	count(check.deny) == 1 with input as {"secrets": {"findings": findings}}
	f.path == "other.env"
}

test_missing_fact_denies_nothing if {
	# The engine reports error when the secrets facts are missing; the policy
	# itself must not invent findings from an empty input.
	count(check.deny) == 0 with input as {}
}

test_deny_leak_of_unknown_source if {
	some f in check.deny with input as {"secrets": {"findings": [leak({"source": "archive"})]}}
	contains(f.msg, "in the repository")
}

test_deny_shallow_boundary_leak if {
	some f in check.deny with input as {"secrets": {"findings": [leak({"source": "shallow-boundary", "commit": ""})]}}
	contains(f.msg, "before this shallow clone begins")
	f.commit == ""
}
