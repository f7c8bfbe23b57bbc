package postgres

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"audit/checks/host"
	"audit/checks/postgres/pgtest"
)

// localHost is this machine, narrowed to one PostgreSQL server.
type localHost struct {
	host.Local
	dsn string
}

func (l *localHost) PostgresDSNs() []string { return []string{l.dsn} }

// BenchmarkCollect measures a whole PostgreSQL collection of one hardened
// server: discovery, files, SQL and the five wire probes.
func BenchmarkCollect(b *testing.B) {
	pgtest.Require(b)
	c := pgtest.Start(b, pgtest.Options{SSL: true, HBA: "local all all trust\nhostssl all all 127.0.0.1/32 scram-sha-256\n"})
	h := &localHost{dsn: c.DSN("postgres", c.Password, "sslmode=require")}
	for b.Loop() {
		f, err := Check{}.Collect(context.Background(), h)
		if err != nil || len(f.Data.(Data).Servers) != 1 {
			b.Fatalf("Collect = %+v, %v", f, err)
		}
	}
}

// BenchmarkParseHBA parses a pg_hba.conf of a thousand rules.
func BenchmarkParseHBA(b *testing.B) {
	var hba strings.Builder
	for i := range 1000 {
		fmt.Fprintf(&hba, "hostssl app%d,\"quoted db\" user%d 10.%d.%d.0/24 scram-sha-256 # rule %d\n", i, i, i/256, i%256, i)
	}
	fsys := memFS{"/etc/pg_hba.conf": hba.String()}
	for b.Loop() {
		rules, err := ParseHBA(fsys, "/etc/pg_hba.conf")
		if err != nil || len(rules) != 1000 {
			b.Fatalf("ParseHBA = %d rules, %v", len(rules), err)
		}
	}
}
