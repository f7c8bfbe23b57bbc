// Package all registers every collector of audit. Import it for its side
// effects: _ "audit/checks/all".
package all

import (
	_ "audit/checks/postgres" // DB-01..09, SEC-05: PostgreSQL settings, pg_hba, roles, TLS on the wire
	_ "audit/checks/secrets"  // SEC-01: secrets in the tree, staged change and history
	_ "audit/checks/sshd"     // SSH-01..08: sshd configuration, keys and what it offers
	_ "audit/checks/ufw"      // NET-01..06: ufw status and rules, listening sockets
)
