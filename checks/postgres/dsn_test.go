package postgres

import (
	"strings"
	"testing"
)

// TestParseDSNNeverEchoesThePassword: whatever is wrong with a DSN, the
// error does not hold its password, in any spelling.
func TestParseDSNNeverEchoesThePassword(t *testing.T) {
	const pw = "S3cret-pw/with@odd:chars"
	escaped := strings.NewReplacer("/", "%2F", "@", "%40", ":", "%3A").Replace(pw)
	for _, dsn := range []string{
		"postgres://u:" + escaped + "@127.0.0.1:notaport/db",
		"postgres://u:" + escaped + "@127.0.0.1:5432/db?sslmode=bogus",
		"postgres://u@127.0.0.1:5432/db?password=" + escaped + "&sslmode=bogus",
		"host=127.0.0.1 port=x user=u password=" + pw,
		"host=127.0.0.1 user=u password='" + pw + "' sslmode=bogus",
		"host=/run/postgresql user=u password=" + pw,
		"postgres://u:" + escaped + "@a:1,b:2/db",
		"host=127.0.0.1 port=xx user=u password = " + pw,
		"host=127.0.0.1 port=xx user=u password= '" + pw + "'",
		pw, // a password pasted where the DSN goes
		`host=127.0.0.1 password=S3cret\ QQQ sslmode=bogus`,
		`host=127.0.0.1 password='S3c\'ret RRR' sslmode=bogus`,
	} {
		_, err := ParseDSN(dsn)
		if err == nil {
			t.Errorf("ParseDSN accepted a bad DSN")
			continue
		}
		if msg := err.Error(); strings.Contains(msg, pw) || strings.Contains(msg, escaped) || strings.Contains(msg, "S3c") ||
			strings.Contains(msg, "QQQ") || strings.Contains(msg, "RRR") {
			t.Errorf("the error holds the password: %s", msg)
		}
	}
}

func TestParseDSN(t *testing.T) {
	d, err := ParseDSN("postgres://audit:pw@127.0.0.1:6543/app?sslmode=require")
	if err != nil || d.Host != "127.0.0.1" || d.Port != 6543 || d.User != "audit" || d.Addr() != "127.0.0.1:6543" {
		t.Fatalf("ParseDSN = %+v, %v", d, err)
	}
	// The session is read-only and bounded.
	if p := d.config.RuntimeParams; p["default_transaction_read_only"] != "on" || p["statement_timeout"] == "" {
		t.Errorf("runtime params %v", p)
	}
	if d.config.ConnectTimeout == 0 {
		t.Errorf("no connect timeout")
	}
	// sslmode=prefer adds a fallback to the same server: still one server.
	if _, err := ParseDSN("host=::1 port=5432 user=u sslmode=prefer"); err != nil {
		t.Errorf("prefer: %v", err)
	}
}

func TestSameServer(t *testing.T) {
	s := &Server{Addr: "127.0.0.1:5432", Settings: map[string]Setting{"listen_addresses": {Value: "127.0.0.1, 10.0.0.5"}}}
	for dsn, want := range map[string]bool{
		"postgres://u@127.0.0.1:5432/db": true,
		"postgres://u@localhost:5432/db": true,
		"postgres://u@10.0.0.5:5432/db":  true,
		"postgres://u@10.0.0.6:5432/db":  false,
		"postgres://u@127.0.0.1:5433/db": false,
		"postgres://u@db.example:5432/x": false,
	} {
		d, err := ParseDSN(dsn)
		if err != nil {
			t.Fatal(err)
		}
		if got := sameServer(s, &d); got != want {
			t.Errorf("sameServer(%s) = %v, want %v", dsn, got, want)
		}
	}
	// Two servers on one port, on different loopback addresses, are two.
	v6 := &Server{Addr: "[::1]:5432", Settings: map[string]Setting{"listen_addresses": {Value: "::1"}}}
	for dsn, want := range map[string]bool{
		"postgres://u@127.0.0.1:5432/db": false,
		"postgres://u@[::1]:5432/db":     true,
		"postgres://u@localhost:5432/db": true,
		"postgres://u@127.0.0.2:5432/db": false,
	} {
		d, _ := ParseDSN(dsn)
		if got := sameServer(v6, &d); got != want {
			t.Errorf("::1 server: sameServer(%s) = %v, want %v", dsn, got, want)
		}
	}
	all := &Server{Addr: "127.0.0.1:5432", Settings: map[string]Setting{"listen_addresses": {Value: "*"}}}
	if d, _ := ParseDSN("postgres://u@10.1.1.1:5432/db"); !sameServer(all, &d) {
		t.Errorf("a server on every address is not matched")
	}
	def := &Server{Addr: "127.0.0.1:5432", Settings: map[string]Setting{}}
	if d, _ := ParseDSN("postgres://u@127.0.0.1:5432/db"); !sameServer(def, &d) {
		t.Errorf("the default listen_addresses (localhost) is not matched")
	}
}

func TestMaskLength(t *testing.T) {
	for mask, want := range map[string]int{"255.255.255.255": 32, "255.255.255.0": 24, "0.0.0.0": 0, "ffff:ffff:ffff:ffff::": 64, "::": 0} {
		if got, ok := maskLength(mask); !ok || got != want {
			t.Errorf("maskLength(%s) = %d, %v", mask, got, ok)
		}
	}
	for _, bad := range []string{"255.0.255.0", "x", ""} {
		if _, ok := maskLength(bad); ok {
			t.Errorf("maskLength(%q) accepted", bad)
		}
	}
}
