# Sample "postgres" facts shared by the PostgreSQL policies' tests: one
# hardened PostgreSQL 15 cluster, and helpers to change parts of it.
package audit.lib.postgres_fixtures

conf := "/etc/postgresql/15/main/postgresql.conf"

hba_file := "/etc/postgresql/15/main/pg_hba.conf"

setting(value, line) := {"value": value, "source": "configuration file", "file": conf, "line": line}

default_setting(value) := {"value": value, "source": "default"}

rule(line, type, address, scope, method) := object.union(
	{"file": hba_file, "line": line, "type": type, "databases": ["all"], "users": ["all"], "scope": scope, "method": method},
	address_fields(address, scope),
)

address_fields(address, "network") := {"address": address, "family": family(address), "prefix": to_number(split(address, "/")[1])}

# An IP address of scope any (0.0.0.0/0, ::/0) has a family, as the
# collector gives it; all has none.
address_fields(address, "any") := {"address": address, "family": family(address)} if address != "all"

address_fields(address, scope) := {"address": address} if {
	not scope in {"network", "any"}
	address != ""
}

address_fields("all", "any") := {"address": "all"}

address_fields("", _) := {}

family(address) := "ipv6" if contains(address, ":")

family(address) := "ipv4" if not contains(address, ":")

hardened_settings := {
	"ssl": setting("on", 107),
	"ssl_min_protocol_version": setting("TLSv1.2", 112),
	"ssl_max_protocol_version": default_setting(""),
	"password_encryption": setting("scram-sha-256", 96),
	"log_connections": setting("on", 563),
	"log_disconnections": setting("on", 564),
}

hardened_hba := [
	rule(118, "local", "", "local", "peer"),
	rule(120, "hostssl", "127.0.0.1/32", "local", "scram-sha-256"),
	object.union(rule(122, "hostssl", "10.0.1.0/24", "network", "scram-sha-256"), {"databases": ["app"], "users": ["app"]}),
	rule(124, "hostnossl", "0.0.0.0/0", "any", "reject"),
]

app_role := {"name": "app", "superuser": false, "valid_until": "2026-12-20T00:00:00Z", "has_password": true, "password_type": "scram-sha-256"}

server := {
	"name": "10.0.1.5:5432",
	"addr": "10.0.1.5:5432",
	"data_dir": "/var/lib/postgresql/15/main",
	"config_file": conf,
	"hba_file": hba_file,
	"dsn_given": false,
	"login": {"ok": false, "superuser": false},
	"version": {"num": 150020, "major": 15, "minor": 20, "text": "15.20 (Debian 15.20-0+deb12u1)", "from": "sql"},
	"settings": hardened_settings,
	"settings_from": "sql",
	"hba": hardened_hba,
	"hba_from": "sql",
	"roles": [{"name": "postgres", "superuser": true, "has_password": false}, app_role],
	"passwords_known": true,
	"tls": {
		"answer": "S", "handshake": true,
		"versions": {"TLSv1": false, "TLSv1.1": false, "TLSv1.2": true, "TLSv1.3": true},
		"certificate": {
			"subject": "CN=db-1.example.internal", "issuer": "CN=Example Internal CA",
			"not_before": "2026-06-01T00:00:00Z", "not_after": "2027-06-01T00:00:00Z", "self_signed": false,
		},
	},
	"plain": {"user": "audit", "refused": true, "response": "no pg_hba.conf entry, no encryption", "from": "10.0.1.5", "from_loopback": false},
}

releases := {
	"date": "2026-11-12",
	"latest": {"14": 24, "15": 20, "16": 16, "17": 12, "18": 6, "19": 1},
	"end_of_life": {
		"14": "2026-11-12", "15": "2027-11-11", "16": "2028-11-09",
		"17": "2029-11-08", "18": "2030-11-14", "19": "2031-11-13",
	},
}

hardened := {"postgres": {
	"servers": [server],
	"pgbackrest": {
		"configured": true, "files": ["/etc/pgbackrest/pgbackrest.conf"],
		"repos": [{"name": "repo1", "section": "global", "file": "/etc/pgbackrest/pgbackrest.conf", "line": 2, "cipher_type": "aes-256-cbc", "cipher_line": 3}],
	},
	"releases": releases,
	"now": "2026-12-01T00:00:00Z",
}}

# with_server replaces top-level fields of the hardened server.
with_server(changes) := {"postgres": object.union(hardened.postgres, {"servers": [changed(changes)]})}

changed(changes) := object.union(object.remove(server, object.keys(changes)), changes)

# with_settings replaces settings of the hardened server.
with_settings(changes) := with_server({"settings": object.union(object.remove(hardened_settings, object.keys(changes)), changes)})

# with_hba adds rules after the hardened ones.
with_hba(rules) := with_server({"hba": array.concat(hardened_hba, rules)})

# with_tls changes the TLS probe of the hardened server.
with_tls(changes) := with_server({"tls": object.union(server.tls, changes)})

with_roles(roles) := with_server({"roles": roles})

# with_postgres replaces top-level fields of the postgres facts.
with_postgres(changes) := {"postgres": object.union(object.remove(hardened.postgres, object.keys(changes)), changes)}

# failed_login is the hardened server named by a DSN that could not log in.
failed_login := with_server({"dsn_given": true, "login": {"ok": false, "superuser": false, "user": "audit", "error": "password authentication failed for user \"audit\""}})

login_refused := "failed to connect to `user=audit database=postgres`: 10.0.1.5:5432 (10.0.1.5): dial error: dial tcp 10.0.1.5:5432: connect: connection refused"

# unreachable is a server named by a DSN alone (not found running on the
# host) that could not be reached: the login failed, and nothing else was
# read, so every part of it is unknown for the same reason.
unreachable := {"postgres": object.union(hardened.postgres, {"servers": [{
	"name": "10.0.1.5:5432", "addr": "10.0.1.5:5432", "dsn_given": true,
	"login": {"ok": false, "superuser": false, "user": "audit", "error": login_refused},
	"version": {"num": 0, "major": 0, "minor": 0},
	"settings": null, "hba": null, "roles": null,
	"passwords_known": false, "passwords_error": login_refused, "roles_error": login_refused,
	"tls": {"error": "dial tcp 10.0.1.5:5432: connect: connection refused", "handshake": false},
	"plain": {"error": "dial tcp 10.0.1.5:5432: connect: connection refused", "refused": false, "from_loopback": false},
}]})}

# the one error every server item gives for unreachable.
unreachable_error := {"msg": sprintf("server 10.0.1.5:5432: the --postgres DSN could not log in as audit: %s", [login_refused])}

stale := "pg_hba.conf changed at 2026-12-01T09:00:00Z, after the server last loaded its configuration at 2026-11-30T08:00:00Z: the rules read may not be the rules it enforces (reload it: SELECT pg_reload_conf())"

# hba_stale is the hardened server whose pg_hba.conf changed after it was loaded.
hba_stale := with_server({"hba_stale": stale})

stale_error := {"msg": sprintf("server 10.0.1.5:5432: %s", [stale])}
