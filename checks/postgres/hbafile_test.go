package postgres

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

const pgHBA = "/etc/postgresql/16/main/pg_hba.conf"

// renderRule writes a rule on one line for the tables:
// "FILE:LINE TYPE DATABASES USERS ADDRESS [SCOPE FAMILY/PREFIX] METHOD OPTIONS",
// or "FILE:LINE ERROR what".
func renderRule(r HBARule) string {
	s := fmt.Sprintf("%s:%d", path.Base(r.File), r.Line)
	if r.Error != "" {
		return s + " ERROR " + r.Error
	}
	s += " " + r.Type + " " + strings.Join(r.Databases, ",") + " " + strings.Join(r.Users, ",")
	if r.Type != "local" {
		s += " " + r.Address
	}
	s += " [" + r.Scope
	if r.Family != "" {
		s += fmt.Sprintf(" %s/%d", r.Family, r.Prefix)
	}
	s += "] " + r.Method
	for _, o := range r.Options {
		s += " " + o
	}
	return s
}

type hbaCase struct {
	name    string
	files   memFS // pgHBA is the main file
	want    []string
	wantErr string
}

var hbaCases = []hbaCase{
	{
		name: "the usual rules",
		files: memFS{pgHBA: "# TYPE  DATABASE        USER            ADDRESS                 METHOD\n" +
			"\n" +
			"local   all             postgres                                peer\n" +
			"local   all             all                                     ident map=omicron   # ident is peer on local\n" +
			"host    all             all             127.0.0.1/32            scram-sha-256\n" +
			"host    all             all             ::1/128                 scram-sha-256\n" +
			"local   replication     all                                     peer\n" +
			"hostssl all             +admins         10.0.0.0/8              cert clientname=DN\n" +
			"hostnossl all all 0.0.0.0/0 reject\r\n" +
			"hostgssenc all all 192.168.1.0/24 gss include_realm=0 krb_realm=EXAMPLE.COM\n" +
			"hostnogssenc all all 192.168.1.0/24 password\n" +
			"host db all 10.1.2.3/24 md5\n" + // host bits set: the server masks them
			"local all all trust\n"},
		want: []string{
			"pg_hba.conf:3 local all postgres [local] peer",
			"pg_hba.conf:4 local all all [local] peer map=omicron",
			"pg_hba.conf:5 host all all 127.0.0.1/32 [local ipv4/32] scram-sha-256",
			"pg_hba.conf:6 host all all ::1/128 [local ipv6/128] scram-sha-256",
			"pg_hba.conf:7 local replication all [local] peer",
			"pg_hba.conf:8 hostssl all +admins 10.0.0.0/8 [network ipv4/8] cert clientname=DN",
			"pg_hba.conf:9 hostnossl all all 0.0.0.0/0 [any ipv4/0] reject",
			"pg_hba.conf:10 hostgssenc all all 192.168.1.0/24 [network ipv4/24] gss include_realm=0 krb_realm=EXAMPLE.COM",
			"pg_hba.conf:11 hostnogssenc all all 192.168.1.0/24 [network ipv4/24] password",
			"pg_hba.conf:12 host db all 10.1.2.3/24 [network ipv4/24] md5",
			"pg_hba.conf:13 local all all [local] trust",
		},
	},
	{
		name: "quoting and lists",
		files: memFS{pgHBA: `host "all" all 10.0.0.0/8 md5` + "\n" +
			`host all "all","sameuser" 10.0.0.0/8 md5` + "\n" +
			`host db1,db2, db3 u1,"User Two" 10.0.0.0/8 md5` + "\n" +
			`host "db#1","a""b" a"b c"d 10.0.0.0/8 md5 # a comment` + "\n" +
			`host "" all 10.0.0.0/8 md5` + "\n" +
			`host sameuser,samerole,replication all "samehost" md5` + "\n" +
			`host all all "10.0.0.0/8" md5` + "\n" +
			`"local" all all trust` + "\n" +
			`host /^db\d+$ /^.*adm$ 10.0.0.0/8 md5` + "\n" +
			`host "/^db" all 10.0.0.0/8 md5` + "\n" +
			`host db1 ,db2 all 10.0.0.0/8 md5` + "\n"}, // ",db2" starts a field of its own
		want: []string{
			`pg_hba.conf:1 host "all" all 10.0.0.0/8 [network ipv4/8] md5`,
			`pg_hba.conf:2 host all "all","sameuser" 10.0.0.0/8 [network ipv4/8] md5`,
			`pg_hba.conf:3 host db1,db2,db3 u1,"User Two" 10.0.0.0/8 [network ipv4/8] md5`,
			`pg_hba.conf:4 host "db#1","a""b" ab cd 10.0.0.0/8 [network ipv4/8] md5`,
			`pg_hba.conf:5 host "" all 10.0.0.0/8 [network ipv4/8] md5`,
			`pg_hba.conf:6 host sameuser,samerole,replication all "samehost" [hostname] md5`,
			`pg_hba.conf:7 host all all "10.0.0.0/8" [network ipv4/8] md5`,
			`pg_hba.conf:8 local all all [local] trust`,
			`pg_hba.conf:9 host /^db\d+$ /^.*adm$ 10.0.0.0/8 [network ipv4/8] md5`,
			`pg_hba.conf:10 host "/^db" all 10.0.0.0/8 [network ipv4/8] md5`,
			`pg_hba.conf:11 ERROR invalid authentication method "10.0.0.0/8"`,
		},
	},
	{
		name: "addresses",
		files: memFS{pgHBA: "host all all db.example.com md5\n" +
			"host all all .example.com md5\n" +
			"host all all localhost md5\n" +
			"host all all LocalHost. md5\n" +
			"host all all samehost md5\n" +
			"host all all samenet md5\n" +
			"host all all all md5\n" +
			"host all all 127.0.0.1 255.255.255.255 trust\n" +
			"host all all 10.0.0.0 255.255.0.0 md5\n" +
			"host all all ::1 ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff trust\n" +
			"host all all 0.0.0.0 0.0.0.0 md5\n" +
			"host all all fe80::/10 md5\n" +
			"host all all fe80::1%eth0/128 md5\n" +
			"host all all ::ffff:127.0.0.1/128 md5\n" +
			"host all all ::ffff:10.0.0.0/104 md5\n" +
			"host all all ::/0 md5\n" +
			"host all all 10.0.0.0/0 md5\n" +
			"host all all 0/0 md5\n" + // glibc's inet_aton reads 0 as 0.0.0.0
			"host all all 127.1/32 md5\n" +
			"host all all 127.0.0.0/8 md5\n" +
			"host all all 126.0.0.0/7 md5\n" +
			"host all all 010.0.0.1/32 md5\n" + // octal: 8.0.0.1
			"host all all 10.0.0.0/+16 md5\n"},
		want: []string{
			"pg_hba.conf:1 host all all db.example.com [hostname] md5",
			"pg_hba.conf:2 host all all .example.com [domain] md5",
			"pg_hba.conf:3 host all all localhost [local] md5",
			"pg_hba.conf:4 host all all LocalHost. [local] md5",
			"pg_hba.conf:5 host all all samehost [local] md5",
			"pg_hba.conf:6 host all all samenet [samenet] md5",
			"pg_hba.conf:7 host all all all [any] md5",
			"pg_hba.conf:8 host all all 127.0.0.1 255.255.255.255 [local ipv4/32] trust",
			"pg_hba.conf:9 host all all 10.0.0.0 255.255.0.0 [network ipv4/16] md5",
			"pg_hba.conf:10 host all all ::1 ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff [local ipv6/128] trust",
			"pg_hba.conf:11 host all all 0.0.0.0 0.0.0.0 [any ipv4/0] md5",
			"pg_hba.conf:12 host all all fe80::/10 [network ipv6/10] md5",
			"pg_hba.conf:13 host all all fe80::1%eth0/128 [network ipv6/128] md5",
			"pg_hba.conf:14 host all all ::ffff:127.0.0.1/128 [local ipv6/128] md5",
			"pg_hba.conf:15 host all all ::ffff:10.0.0.0/104 [network ipv6/104] md5",
			"pg_hba.conf:16 host all all ::/0 [any ipv6/0] md5",
			"pg_hba.conf:17 host all all 10.0.0.0/0 [any ipv4/0] md5",
			"pg_hba.conf:18 host all all 0/0 [any ipv4/0] md5",
			"pg_hba.conf:19 host all all 127.1/32 [local ipv4/32] md5",
			"pg_hba.conf:20 host all all 127.0.0.0/8 [local ipv4/8] md5",
			"pg_hba.conf:21 host all all 126.0.0.0/7 [network ipv4/7] md5",
			"pg_hba.conf:22 host all all 010.0.0.1/32 [network ipv4/32] md5",
			"pg_hba.conf:23 host all all 10.0.0.0/+16 [network ipv4/16] md5",
		},
	},
	{
		name: "bad lines are kept with their error",
		files: memFS{pgHBA: "hots all all 10.0.0.0/8 md5\n" +
			"local,host all all trust\n" +
			"local\n" +
			"local all\n" +
			"local all all\n" +
			"host all all\n" +
			"host all all 10.0.0.0/8\n" +
			"host all all 10.0.0.0/33 md5\n" +
			"host all all ::/129 md5\n" +
			"host all all 10.0.0.0/x md5\n" +
			"host all all db.example.com/24 md5\n" +
			"host all all 10.0.0.1 md5\n" +
			"host all all 10.0.0.1\n" +
			"host all all 10.0.0.0 255.0.255.0 md5\n" +
			"host all all 10.0.0.0 ffff:: md5\n" +
			"host all all 10.0.0.0/8,10.1.0.0/16 md5\n" +
			"host all all 300.1.2.3/8 md5\n" +
			"host all all 10.0.0.0/8 md6\n" +
			"host all all 10.0.0.0/8 md5,trust\n" +
			"host all all 10.0.0.0/8 md5 extra\n" +
			"host all all 10.0.0.0/8 md5 bogus=1\n" +
			"host all all 10.0.0.0/8 md5 map=x\n" +
			"host all all 10.0.0.0/8 peer\n" +
			"host all all 10.0.0.0/8 cert\n" +
			"local all all gss\n" +
			"host all all 10.0.0.0/8 md5 clientcert=verify-full\n" +
			"hostssl all all 10.0.0.0/8 cert clientcert=verify-ca\n" +
			"hostssl all all 10.0.0.0/8 md5 clientcert=1\n" +
			"hostssl all all 10.0.0.0/8 md5 clientname=cn\n" +
			"host all all 10.0.0.0/8 ldap ldapserver=x\n" +
			"host all all 10.0.0.0/8 ldap ldapprefix=cn= ldapbasedn=dc=x\n" +
			"host all all 10.0.0.0/8 ldap ldapbasedn=dc=x ldapport=abc\n" +
			"host all all 10.0.0.0/8 radius radiusservers=a\n" +
			"host all all 10.0.0.0/8 radius radiusservers=\"a,b\" radiussecrets=\"x,y,z\"\n" +
			"include a.conf b.conf\n" +
			"host all all 10.0.0.0/8 md5 radiusservers=\"a,b\"\n" +
			"host all all 10.0.0.0/8 ldap ldapserver=a,b ldapbasedn=x\n" +
			"host all all 10.0.0.0/8 pam pamservice=x\n"},
		want: []string{
			`pg_hba.conf:1 ERROR invalid connection type "hots"`,
			`pg_hba.conf:2 ERROR multiple values specified for connection type`,
			`pg_hba.conf:3 ERROR end-of-line before database specification`,
			`pg_hba.conf:4 ERROR end-of-line before role specification`,
			`pg_hba.conf:5 ERROR end-of-line before authentication method`,
			`pg_hba.conf:6 ERROR end-of-line before IP address specification`,
			`pg_hba.conf:7 ERROR end-of-line before authentication method`,
			`pg_hba.conf:8 ERROR invalid CIDR mask in address "10.0.0.0/33"`,
			`pg_hba.conf:9 ERROR invalid CIDR mask in address "::/129"`,
			`pg_hba.conf:10 ERROR invalid CIDR mask in address "10.0.0.0/x"`,
			`pg_hba.conf:11 ERROR specifying both host name and CIDR mask is invalid: "db.example.com/24"`,
			`pg_hba.conf:12 ERROR invalid IP mask "md5"`,
			`pg_hba.conf:13 ERROR end-of-line before netmask specification`,
			// The server takes a non-contiguous mask; it admits 2^16 addresses.
			"pg_hba.conf:14 host all all 10.0.0.0 255.0.255.0 [network ipv4/16] md5",
			`pg_hba.conf:15 ERROR IP address and mask do not match`,
			`pg_hba.conf:16 ERROR multiple values specified for host address`,
			`pg_hba.conf:17 ERROR specifying both host name and CIDR mask is invalid: "300.1.2.3/8"`,
			`pg_hba.conf:18 ERROR invalid authentication method "md6"`,
			`pg_hba.conf:19 ERROR multiple values specified for authentication type`,
			`pg_hba.conf:20 ERROR authentication option not in name=value format: extra`,
			`pg_hba.conf:21 ERROR unrecognized authentication option name: "bogus"`,
			`pg_hba.conf:22 ERROR authentication option "map" is only valid for authentication methods ident, peer, gssapi, sspi, and cert`,
			`pg_hba.conf:23 ERROR peer authentication is only supported on local sockets`,
			`pg_hba.conf:24 ERROR cert authentication is only supported on hostssl connections`,
			`pg_hba.conf:25 ERROR gssapi authentication is not supported on local sockets`,
			`pg_hba.conf:26 ERROR clientcert can only be configured for "hostssl" rows`,
			`pg_hba.conf:27 ERROR clientcert only accepts "verify-full" when using "cert" authentication`,
			`pg_hba.conf:28 ERROR invalid value for clientcert: "1"`,
			`pg_hba.conf:29 ERROR invalid value for clientname: "cn"`,
			`pg_hba.conf:30 ERROR authentication method "ldap" requires argument "ldapbasedn", "ldapprefix", or "ldapsuffix" to be set`,
			`pg_hba.conf:31 ERROR cannot use ldapbasedn, ldapbinddn, ldapbindpasswd, ldapsearchattribute, ldapsearchfilter, or ldapurl together with ldapprefix`,
			`pg_hba.conf:32 ERROR invalid LDAP port number: "abc"`,
			`pg_hba.conf:33 ERROR authentication method "radius" requires argument "radiussecrets" to be set`,
			`pg_hba.conf:34 ERROR the number of RADIUS secrets (3) must be 1 or the same as the number of RADIUS servers (2)`,
			`pg_hba.conf:35 ERROR invalid connection type "include"`,
			`pg_hba.conf:36 ERROR authentication option "radiusservers" is only valid for authentication methods radius`,
			`pg_hba.conf:37 ERROR authentication option not in name=value format: b`,
			`pg_hba.conf:38 host all all 10.0.0.0/8 [network ipv4/8] pam pamservice=x`,
		},
	},
	{
		name: "options with quoted values, secrets hidden",
		files: memFS{pgHBA: `host all all 0.0.0.0/0 ldap ldapserver=ldap.example.com ldapbasedn="dc=example, dc=com" ldapsearchfilter="(uid=$username)" ldapbindpasswd="s3cret pass" ldaptls=1` + "\n" +
			`host all all 0.0.0.0/0 ldap ldapurl="ldaps://ldap.example.com/dc=example,dc=com?uid?sub"` + "\n" +
			`host all all 0.0.0.0/0 ldap ldapserver=x ldapprefix="cn=" ldapsuffix=", dc=example, dc=com"` + "\n" +
			`host all all 0.0.0.0/0 radius radiusservers="r1.example.com,r2.example.com" radiussecrets="one,two" radiusports=1812` + "\n" +
			`hostssl all all 0.0.0.0/0 scram-sha-256 clientcert=verify-full` + "\n" +
			`host all all 0.0.0.0/0 pam pamservice=postgresql pam_use_hostname=1` + "\n"},
		want: []string{
			`pg_hba.conf:1 host all all 0.0.0.0/0 [any ipv4/0] ldap ldapserver=ldap.example.com ldapbasedn=dc=example, dc=com ldapsearchfilter=(uid=$username) ldapbindpasswd=<redacted> ldaptls=1`,
			`pg_hba.conf:2 host all all 0.0.0.0/0 [any ipv4/0] ldap ldapurl=ldaps://ldap.example.com/dc=example,dc=com?uid?sub`,
			`pg_hba.conf:3 host all all 0.0.0.0/0 [any ipv4/0] ldap ldapserver=x ldapprefix=cn= ldapsuffix=, dc=example, dc=com`,
			`pg_hba.conf:4 host all all 0.0.0.0/0 [any ipv4/0] radius radiusservers=r1.example.com,r2.example.com radiussecrets=<redacted> radiusports=1812`,
			`pg_hba.conf:5 hostssl all all 0.0.0.0/0 [any ipv4/0] scram-sha-256 clientcert=verify-full`,
			`pg_hba.conf:6 host all all 0.0.0.0/0 [any ipv4/0] pam pamservice=postgresql pam_use_hostname=1`,
		},
	},
	{
		name: "continuation lines",
		files: memFS{pgHBA: "host all all \\\n   10.0.0.0/8 \\\n   md5\n" +
			"local all all trust\n" +
			"host all\\\nall all 10.0.0.0/8 md5\n" + // no blank: the lines join
			"host all all 10.0.0.0/8 md5 # a comment \\\n" +
			"local all all reject\n" + // the comment swallowed this line
			"local all all peer \\\\\n" + // a backslash stays when the next line is empty
			"\n" +
			"host all all 10.0.0.0/8 md5 \\\r\n   clientcert=verify-full\r\n" +
			"local all all trust \\"}, // continued at the end of the file
		want: []string{
			"pg_hba.conf:1 host all all 10.0.0.0/8 [network ipv4/8] md5",
			"pg_hba.conf:4 local all all [local] trust",
			"pg_hba.conf:5 host allall all 10.0.0.0/8 [network ipv4/8] md5",
			"pg_hba.conf:7 host all all 10.0.0.0/8 [network ipv4/8] md5",
			`pg_hba.conf:9 ERROR authentication option not in name=value format: \`,
			`pg_hba.conf:11 ERROR clientcert can only be configured for "hostssl" rows`,
			"pg_hba.conf:13 local all all [local] trust",
		},
	},
	{
		name: "@file",
		files: memFS{
			pgHBA: "host @dbs.txt @/etc/users,postgres 10.0.0.0/8 md5\n" +
				"host \"@dbs.txt\" @ 10.0.0.0/8 md5\n" +
				"host @missing.txt all 10.0.0.0/8 md5\n" +
				"host @nested.txt all 10.0.0.0/8 md5\n" +
				"host @self.txt all 10.0.0.0/8 md5\n" +
				"host @empty.txt all 10.0.0.0/8 md5\n",
			"/etc/postgresql/16/main/dbs.txt":    "db1, db2\n# a comment\n\"Quoted Db\" db3 # trailing\n",
			"/etc/users":                         "alice\nbob,+admins\n",
			"/etc/postgresql/16/main/nested.txt": "n1 @dbs.txt\n",
			"/etc/postgresql/16/main/self.txt":   "s @self.txt\n",
			"/etc/postgresql/16/main/empty.txt":  "# nothing\n",
		},
		want: []string{
			`pg_hba.conf:1 host db1,db2,"Quoted Db",db3 alice,bob,+admins,postgres 10.0.0.0/8 [network ipv4/8] md5`,
			`pg_hba.conf:2 host "@dbs.txt" @ 10.0.0.0/8 [network ipv4/8] md5`,
			`pg_hba.conf:3 ERROR could not open file "/etc/postgresql/16/main/missing.txt": No such file or directory`,
			`pg_hba.conf:4 host n1,db1,db2,"Quoted Db",db3 all 10.0.0.0/8 [network ipv4/8] md5`,
			`pg_hba.conf:5 ERROR could not open file "/etc/postgresql/16/main/self.txt": maximum nesting depth exceeded`,
			`pg_hba.conf:6 ERROR end-of-line before authentication method`, // the field is empty, so the fields shift
		},
	},
	{
		name: "include records",
		files: memFS{
			pgHBA: "local all all peer\n" +
				"include extra.conf\n" +
				"include_if_exists missing.conf\n" +
				"include_if_exists /etc/pg/exists.conf\n" +
				"include_dir conf.d\n" +
				"include missing.conf\n" +
				"include_dir /nowhere\n" +
				"host all all 0.0.0.0/0 reject\n",
			"/etc/postgresql/16/main/extra.conf":            "host all all 10.0.0.0/8 md5\ninclude sub/deeper.conf\n",
			"/etc/postgresql/16/main/sub/deeper.conf":       "host all all 10.1.0.0/16 md5\n",
			"/etc/pg/exists.conf":                           "host all all 10.2.0.0/16 md5\n",
			"/etc/postgresql/16/main/conf.d/20-b.conf":      "host all all 10.4.0.0/16 md5\nbogus\n",
			"/etc/postgresql/16/main/conf.d/100-a.conf":     "host all all 10.3.0.0/16 md5\n",
			"/etc/postgresql/16/main/conf.d/.hidden.conf":   "host all all 0.0.0.0/0 trust\n",
			"/etc/postgresql/16/main/conf.d/readme.txt":     "host all all 0.0.0.0/0 trust\n",
			"/etc/postgresql/16/main/conf.d/20-b.conf~":     "host all all 0.0.0.0/0 trust\n",
			"/etc/postgresql/16/main/conf.d/30-c.conf.dpkg": "host all all 0.0.0.0/0 trust\n",
		},
		want: []string{
			"pg_hba.conf:1 local all all [local] peer",
			"extra.conf:1 host all all 10.0.0.0/8 [network ipv4/8] md5",
			"deeper.conf:1 host all all 10.1.0.0/16 [network ipv4/16] md5",
			"exists.conf:1 host all all 10.2.0.0/16 [network ipv4/16] md5",
			"100-a.conf:1 host all all 10.3.0.0/16 [network ipv4/16] md5",
			"20-b.conf:1 host all all 10.4.0.0/16 [network ipv4/16] md5",
			`20-b.conf:2 ERROR invalid connection type "bogus"`,
			`pg_hba.conf:6 ERROR could not open file "/etc/postgresql/16/main/missing.conf": No such file or directory`,
			"pg_hba.conf:8 host all all 0.0.0.0/0 [any ipv4/0] reject",
		},
	},
	{
		name: "include cycle",
		files: memFS{
			pgHBA:                            "include a.conf\nlocal all all peer\n",
			"/etc/postgresql/16/main/a.conf": "host all all 10.0.0.0/8 md5\ninclude pg_hba.conf\n",
		},
		// a.conf at depths 1, 3 … 9, pg_hba.conf at 2, 4 … 10, where
		// its include of a.conf fails; then pg_hba.conf's line 2 at each
		// depth on the way back.
		want: append(append(repeat("a.conf:1 host all all 10.0.0.0/8 [network ipv4/8] md5", 5),
			`pg_hba.conf:1 ERROR could not open file "/etc/postgresql/16/main/a.conf": maximum nesting depth exceeded`),
			repeat("pg_hba.conf:2 local all all [local] peer", 6)...),
	},
	{
		name:    "missing main file",
		files:   memFS{},
		wantErr: "read " + pgHBA + ": open " + pgHBA + ": file does not exist",
	},
	{
		name:  "empty file",
		files: memFS{pgHBA: "# nothing\n\n   \n"},
		want:  []string{},
	},
	{
		name:    "file too large",
		files:   memFS{pgHBA: strings.Repeat("#", maxFileSize+1)},
		wantErr: "larger than 16 MiB",
	},
}

func TestParseHBA(t *testing.T) {
	for _, tc := range hbaCases {
		t.Run(tc.name, func(t *testing.T) {
			rules, err := ParseHBA(tc.files, pgHBA)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got := []string{}
			for _, r := range rules {
				got = append(got, renderRule(r))
				checkRule(t, r)
			}
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Errorf("rules (-want +got):\n%s", d)
			}
		})
	}
}

// checkRule checks what every rule must satisfy.
func checkRule(t *testing.T, r HBARule) {
	t.Helper()
	if r.Line < 1 || r.File == "" || r.Databases == nil || r.Users == nil {
		t.Errorf("rule %+v: no line, file, databases or users", r)
	}
	if r.Error != "" {
		if r.Type != "" || r.Method != "" || r.Scope != "" || r.Address != "" || len(r.Databases)+len(r.Users)+len(r.Options) > 0 {
			t.Errorf("rule %+v: an error rule with fields", r)
		}
		return
	}
	switch r.Type {
	case "local", "host", "hostssl", "hostnossl", "hostgssenc", "hostnogssenc":
	default:
		t.Errorf("rule %+v: type %q", r, r.Type)
	}
	if !hbaMethods[r.Method] || r.Scope == "" || len(r.Databases) == 0 || len(r.Users) == 0 {
		t.Errorf("rule %+v: method, scope, databases or users missing", r)
	}
	if (r.Type == "local") != (r.Address == "") || r.Type == "local" && r.Scope != "local" {
		t.Errorf("rule %+v: address and scope do not fit the type", r)
	}
	for _, o := range r.Options {
		if strings.Contains(o, "s3cret") {
			t.Errorf("rule %+v: a secret in the options", r)
		}
	}
}

func TestParseHBAErrors(t *testing.T) {
	files := memFS{pgHBA: "include_if_exists secret.conf\n", "/etc/postgresql/16/main/secret.conf": "local all all trust\n",
		"/etc/postgresql/16/main/users": "alice\n"}
	denied := deniedFS{files, map[string]bool{"/etc/postgresql/16/main/secret.conf": true}}
	// The audit may not read what the server reads: that is no missing file.
	if _, err := ParseHBA(denied, pgHBA); !errors.Is(err, fs.ErrPermission) {
		t.Errorf("include_if_exists of an unreadable file: %v", err)
	}
	files[pgHBA] = "host all @users 10.0.0.0/8 md5\n"
	denied.denied = map[string]bool{"/etc/postgresql/16/main/users": true}
	if _, err := ParseHBA(denied, pgHBA); !errors.Is(err, fs.ErrPermission) {
		t.Errorf("unreadable @file: %v", err)
	}
	if _, err := ParseHBA(memFS{}, pgHBA); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing main file: %v does not wrap fs.ErrNotExist", err)
	}
}

// TestParseHBAFanOut checks that @files and includes fanning out stop at
// the parse's budget, and that a file used many times is read once.
func TestParseHBAFanOut(t *testing.T) {
	// A cycle fails at the first file too deep, and the error ends the record.
	files := memFS{pgHBA: "host @a all 10.0.0.0/8 md5\n",
		"/etc/postgresql/16/main/a": "@b @b @b @b\n", "/etc/postgresql/16/main/b": "@a @a @a @a\n"}
	start := time.Now()
	rules, err := ParseHBA(files, pgHBA)
	if err != nil || len(rules) != 1 || !strings.Contains(rules[0].Error, "maximum nesting depth exceeded") {
		t.Errorf("cycle: %v, %+v", err, rules)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("took %v", d)
	}
	// Without a cycle, 4 + 16 + … + 4^7 files.
	files = memFS{pgHBA: "host @f1 all 10.0.0.0/8 md5\n", "/etc/postgresql/16/main/f8": "db\n"}
	for i := 1; i <= 7; i++ {
		files[fmt.Sprintf("/etc/postgresql/16/main/f%d", i)] = strings.Repeat(fmt.Sprintf("@f%d ", i+1), 4)
	}
	if _, err := ParseHBA(files, pgHBA); !errors.Is(err, errTooManyFiles) {
		t.Errorf("fan-out of @files: %v", err)
	}
	files = memFS{pgHBA: strings.Repeat("include_dir d\n", 101)}
	for i := 0; i < 100; i++ {
		files[fmt.Sprintf("/etc/postgresql/16/main/d/%03d.conf", i)] = "local all all peer\n"
	}
	if _, err := ParseHBA(files, pgHBA); !errors.Is(err, errTooManyFiles) {
		t.Errorf("fan-out of include_dir: %v", err)
	}
	counted := &countingFS{memFS: memFS{pgHBA: strings.Repeat("host all @users 10.0.0.0/8 md5\n", 500),
		"/etc/postgresql/16/main/users": "alice bob\n"}}
	if rules, err := ParseHBA(counted, pgHBA); err != nil || len(rules) != 500 || counted.reads != 2 {
		t.Errorf("%d rules, %d reads, %v", len(rules), counted.reads, err)
	}
}

func TestClassifyAddress(t *testing.T) {
	for _, tc := range []struct {
		address, netmask string
		want             string // "scope family/prefix" or "error"
	}{
		// As pg_hba_file_rules gives them.
		{"127.0.0.1", "255.255.255.255", "local ipv4/32"},
		{"::1", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "local ipv6/128"},
		{"10.0.0.0", "255.0.0.0", "network ipv4/8"},
		{"0.0.0.0", "0.0.0.0", "any ipv4/0"},
		{"::", "::", "any ipv6/0"},
		{"2001:db8::", "ffff:ffff::", "network ipv6/32"},
		{"all", "", "any /0"},
		{"samehost", "", "local /0"},
		{"samenet", "", "samenet /0"},
		{"db.example.com", "", "hostname /0"},
		{".example.com", "", "domain /0"},
		{"localhost", "", "local /0"},
		// As pg_hba.conf writes them.
		{"127.0.0.1/32", "", "local ipv4/32"},
		{"127.0.0.0/7", "", "network ipv4/7"},
		{"::1/128", "", "local ipv6/128"},
		{"::1/127", "", "network ipv6/127"},
		{"::ffff:127.0.0.1/104", "", "local ipv6/104"},
		{"::ffff:127.0.0.1/96", "", "network ipv6/96"},
		{"::ffff:10.1.2.3/128", "", "network ipv6/128"},
		{"0.0.0.0/0", "", "any ipv4/0"},
		{"::/0", "", "any ipv6/0"},
		{"192.168.0.0/16", "", "network ipv4/16"},
		{`"all"`, "", "hostname /0"},
		{`"10.0.0.0/8"`, "", "network ipv4/8"},
		// Non-contiguous masks: as wide as their one bits.
		{"10.0.0.0", "255.0.255.0", "network ipv4/16"},
		{"10.0.0.0", "0.255.255.255", "network ipv4/24"},
		// Errors.
		{"10.0.0.0", "ffff::", "error"},
		{"::1", "255.255.255.255", "error"},
		{"10.0.0.0", "garbage", "error"},
		{"10.0.0.0", "", "error"},
		{"10.0.0.0/8", "255.0.0.0", "error"},
		{"10.0.0.0/", "", "error"},
		{"10.0.0.0/-1", "", "error"},
		{"10.0.0.0/99999999999999999999", "", "error"},
		{"host.example.com", "255.255.255.255", "error"},
		{"no way!", "", "error"},
		{"", "", "error"},
		{`""`, "", "error"},
		{"1.2.3.4.5", "", "hostname /0"},
		{"1.2.3.256", "", "hostname /0"}, // no address: a name that will not resolve
	} {
		scope, family, prefix, err := ClassifyAddress(tc.address, tc.netmask)
		got := fmt.Sprintf("%s %s/%d", scope, family, prefix)
		if err != nil {
			got = "error"
			if scope != "" || family != "" || prefix != 0 {
				t.Errorf("ClassifyAddress(%q, %q): %v with %s", tc.address, tc.netmask, err, got)
			}
		}
		if got != tc.want {
			t.Errorf("ClassifyAddress(%q, %q) = %s (%v), want %s", tc.address, tc.netmask, got, err, tc.want)
		}
	}
}

func TestInetAton(t *testing.T) {
	for in, want := range map[string]string{
		"1.2.3.4": "1.2.3.4", "127.1": "127.0.0.1", "10.1.2": "10.1.0.2", "0": "0.0.0.0",
		"2130706433": "127.0.0.1", "0x7f.1": "127.0.0.1", "0177.0.0.1": "127.0.0.1", "010.0.0.1": "8.0.0.1",
		"0X0A000001": "10.0.0.1", "1.2.65535": "1.2.255.255",
		"1.2.3.256": "", "1.2.65536": "", "08": "", "0x": "", "1..2": "", "1.2.3.4.": "", ".1": "",
		"4294967296": "", "1.2.3.4 ": "", "+1": "", "1e2": "", "99999999999999999999999": "",
	} {
		a, ok := inetAton(in)
		got := ""
		if ok {
			got = a.String()
		}
		if got != want {
			t.Errorf("inetAton(%q) = %q, want %q", in, got, want)
		}
	}
}

func FuzzParseHBA(f *testing.F) {
	for _, tc := range hbaCases {
		if s, ok := tc.files[pgHBA]; ok && len(s) < 1<<16 {
			f.Add(s, "")
		}
	}
	f.Add("host @a all 10.0.0.0/8 md5\n", "@a x\n")
	f.Add("include a\ninclude_dir d\n", "include_if_exists ../pg_hba.conf\nhost all all ::1/128 trust\n")
	f.Fuzz(func(t *testing.T, main, other string) {
		files := memFS{
			pgHBA:                               main,
			"/etc/postgresql/16/main/a":         other,
			"/etc/postgresql/16/main/d/x.conf":  other,
			"/etc/postgresql/16/main/d/y.conf":  main,
			"/etc/postgresql/16/main/users.txt": other,
		}
		rules, err := ParseHBA(files, pgHBA)
		if err != nil {
			if !errors.Is(err, errTooManyFiles) && !errors.Is(err, errTooMuchText) {
				t.Fatalf("unexpected error: %v", err)
			}
			return
		}
		for _, r := range rules {
			checkRule(t, r)
			if r.Error == "" && r.Type != "local" {
				// The address as kept classifies as the parser did.
				address, netmask, _ := strings.Cut(r.Address, " ")
				scope, family, prefix, err := ClassifyAddress(address, netmask)
				if err != nil || scope != r.Scope || family != r.Family || prefix != r.Prefix {
					t.Errorf("rule %+v: ClassifyAddress(%q, %q) = %s %s %d %v", r, address, netmask, scope, family, prefix, err)
				}
			}
		}
	})
}
