package postgres

import (
	"reflect"
	"slices"
	"testing"
)

func TestParsePostmasterArgs(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want Postmaster
	}{
		{[]string{"/usr/lib/postgresql/15/bin/postgres", "-D", "/var/lib/postgresql/15/main", "-c", "config_file=/etc/postgresql/15/main/postgresql.conf"},
			Postmaster{Binary: "/usr/lib/postgresql/15/bin/postgres", DataDir: "/var/lib/postgresql/15/main", ConfigFile: "/etc/postgresql/15/main/postgresql.conf",
				Options: map[string]string{"config_file": "/etc/postgresql/15/main/postgresql.conf"}}},
		{[]string{"postgres", "-D/data", "-p", "5433"}, Postmaster{Binary: "postgres", DataDir: "/data", Port: 5433, Options: map[string]string{"port": "5433"}}},
		{[]string{"/opt/pg/bin/postmaster", "--pgdata=/srv/pg", "--config-file=/srv/pg.conf", "--port=6432"},
			Postmaster{Binary: "/opt/pg/bin/postmaster", DataDir: "/srv/pg", ConfigFile: "/srv/pg.conf", Port: 6432,
				Options: map[string]string{"config_file": "/srv/pg.conf", "port": "6432"}}},
		// Settings on the command line (pg_ctl -o) win over the files.
		{[]string{"postgres", "-D", "/d", "-c", "hba_file=/d/real_hba.conf", "-c", "Password_Encryption=md5", "--log-connections=off", "-h", "*", "-l"},
			Postmaster{Binary: "postgres", DataDir: "/d", Options: map[string]string{"hba_file": "/d/real_hba.conf", "password_encryption": "md5",
				"log_connections": "off", "listen_addresses": "*", "ssl": "on"}}},
		{[]string{"postgres", "-D"}, Postmaster{Binary: "postgres", Options: map[string]string{}}},
		{[]string{"postgres", "-c"}, Postmaster{Binary: "postgres", Options: map[string]string{}}},
		{[]string{"postgres", "-p", "x"}, Postmaster{Binary: "postgres", Options: map[string]string{"port": "x"}}},
	} {
		if got := parsePostmasterArgs(tc.args); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%q: got %+v, want %+v", tc.args, got, tc.want)
		}
	}
}

func TestParseVersion(t *testing.T) {
	for _, tc := range []struct {
		text              string
		major, minor, num int
		wantErr           bool
	}{
		{"15.18 (Debian 15.18-0+deb12u1)", 15, 18, 150018, false},
		{"18.1", 18, 1, 180001, false},
		{"18beta1", 0, 0, 0, true},
		{"9.6.24", 0, 0, 0, true},
		{"", 0, 0, 0, true},
	} {
		v := parseVersion(tc.text)
		if v.Major != tc.major || v.Minor != tc.minor || v.Num != tc.num || (v.Error != "") != tc.wantErr {
			t.Errorf("parseVersion(%q) = %+v", tc.text, v)
		}
	}
}

func TestParseLsclusters(t *testing.T) {
	out := "15  main    5432 online postgres /var/lib/postgresql/15/main /var/log/postgresql/postgresql-15-main.log\n" +
		"16  reports 5433 down   postgres /var/lib/postgresql/16/reports /var/log/postgresql/postgresql-16-reports.log\n" +
		"14  old     5434 down,recovery postgres /srv/14 /var/log/x.log\n" +
		"garbage\n\n"
	want := []string{"16/reports (port 5433, /var/lib/postgresql/16/reports)", "14/old (port 5434, /srv/14)"}
	if got := parseLsclusters(out); !slices.Equal(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestProbeAddress(t *testing.T) {
	for listen, want := range map[string]string{
		"*": "127.0.0.1", "localhost": "127.0.0.1", "0.0.0.0": "127.0.0.1", "::": "::1",
		"10.0.0.5": "10.0.0.5", "10.0.0.5, 127.0.0.1": "127.0.0.1", "": "", " , ": "", "::1": "::1",
	} {
		if got := probeAddress(listen); got != want {
			t.Errorf("probeAddress(%q) = %q, want %q", listen, got, want)
		}
	}
}

func TestNormalize(t *testing.T) {
	for in, want := range map[string]string{"tru": "on", "TRUE": "on", "y": "on", "1": "on", "on": "on", "of": "off", "n": "off",
		"0": "off", "False": "off", "o": "o", "maybe": "maybe", "receipt,authentication": "receipt,authentication"} {
		if got := normalize("log_connections", Setting{Value: in}).Value; got != want {
			t.Errorf("normalize(%q) = %q, want %q", in, got, want)
		}
	}
	if got := normalize("port", Setting{Value: "1"}).Value; got != "1" {
		t.Errorf("port normalized to %q", got)
	}
}
