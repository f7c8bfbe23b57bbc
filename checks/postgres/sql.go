package postgres

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// DSN is a server the user named with --postgres, parsed.
type DSN struct {
	// Host and Port are where it listens, as the audited host sees it.
	Host string
	Port int
	// User is the role it logs in as.
	User    string
	config  *pgx.ConnConfig
	secrets []string
}

// scrub removes the DSN's password from msg, however it is spelled.
func (d DSN) scrub(msg string) string {
	for _, secret := range d.secrets {
		msg = strings.ReplaceAll(msg, secret, "REDACTED")
	}
	return msg
}

// Addr is the DSN's TCP address.
func (d DSN) Addr() string { return net.JoinHostPort(d.Host, strconv.Itoa(d.Port)) }

// ParseDSN parses a URL (postgres://user:pass@host:port/db?sslmode=require)
// or key=value DSN. The error never holds the password.
func ParseDSN(dsn string) (DSN, error) {
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		// The parser quotes the DSN (with its own, partial, masking):
		// never show it, whatever it holds.
		msg := quoted.ReplaceAllString(strings.ReplaceAll(err.Error(), dsn, "…"), "…")
		return DSN{}, fmt.Errorf("--postgres: %s", scrubDSNError(msg, dsn))
	}
	if strings.HasPrefix(cfg.Host, "/") {
		return DSN{}, fmt.Errorf("--postgres: %s is a Unix socket directory; give the server's TCP address (e.g. 127.0.0.1:5432), which audit tunnels through the host", cfg.Host)
	}
	for _, fb := range cfg.Fallbacks {
		// sslmode prefer and allow add fallbacks to the same server.
		if fb.Host != cfg.Host || fb.Port != cfg.Port {
			return DSN{}, fmt.Errorf("--postgres: the DSN names several servers; give one per --postgres")
		}
	}
	if cfg.ConnectTimeout == 0 {
		cfg.ConnectTimeout = 10 * time.Second
	}
	// A read-only session that cannot hang the audit.
	cfg.RuntimeParams["application_name"] = "audit"
	cfg.RuntimeParams["default_transaction_read_only"] = "on"
	cfg.RuntimeParams["statement_timeout"] = "10000"
	return DSN{Host: cfg.Host, Port: int(cfg.Port), User: cfg.User, config: cfg, secrets: dsnSecrets(dsn)}, nil
}

// scrubDSNError removes every spelling of the DSN's password from msg.
func scrubDSNError(msg, dsn string) string {
	return DSN{secrets: dsnSecrets(dsn)}.scrub(msg)
}

// dsnSecrets finds the password in a DSN as written, escaped and unescaped.
func dsnSecrets(dsn string) []string {
	var out []string
	if u, err := url.Parse(dsn); err == nil && u.User != nil {
		if p, ok := u.User.Password(); ok && p != "" {
			out = append(out, p, url.QueryEscape(p), url.PathEscape(p))
		}
		if p := u.Query().Get("password"); p != "" {
			out = append(out, p, url.QueryEscape(p))
		}
	}
	for _, m := range keywordPassword.FindAllStringSubmatch(dsn, -1) {
		out = append(out, m[1], strings.Trim(m[1], "'"))
	}
	if cfg, err := pgx.ParseConfig(dsn); err == nil && cfg.Password != "" {
		out = append(out, cfg.Password)
	}
	return out
}

// quoted is a backquoted part of an error message: where pgx quotes a DSN.
var quoted = regexp.MustCompile("`[^`]*`")

// keywordPassword finds a key=value DSN's password, spaces around "=" too.
var keywordPassword = regexp.MustCompile(`password\s*=\s*('(?:[^'\\]|\\.)*'|\S+)`)

// settingNames are the settings the policies read.
var settingNames = []string{
	"ssl", "ssl_min_protocol_version", "ssl_max_protocol_version", "ssl_cert_file", "ssl_key_file",
	"password_encryption", "log_connections", "log_disconnections",
	"listen_addresses", "port", "data_directory", "config_file", "hba_file",
}

// sqlFacts is what a SQL session reads from a server.
type sqlFacts struct {
	Login          Login
	Version        Version
	Settings       map[string]Setting
	SettingsError  string
	HBA            []HBARule
	HBAError       string
	HBAStale       string
	Roles          []Role
	RolesError     string
	PasswordsKnown bool
	PasswordsError string
	// Warnings are what the user should know about what was read.
	Warnings []string
}

// readSQL logs in with dsn, dialling through dial, and reads what the
// policies need. A login that fails is Login.Error; each part the role may
// not read has its own error.
func readSQL(ctx context.Context, dial Dialer, dsn DSN) sqlFacts {
	var f sqlFacts
	f.Login.User = dsn.User
	cfg := dsn.config.Copy()
	cfg.DialFunc = func(ctx context.Context, network, addr string) (net.Conn, error) {
		if network != "tcp" {
			return nil, fmt.Errorf("cannot reach %s over %s", addr, network)
		}
		return dial(ctx, addr)
	}
	cfg.LookupFunc = func(ctx context.Context, host string) ([]string, error) {
		return []string{host}, nil // resolved where the host dials, not here
	}
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		f.Login.Error = dsn.scrub(sqlError(err))
		return f
	}
	defer conn.Close(context.WithoutCancel(ctx))
	f.Login.OK = true

	var versionNum int
	var versionText, clientAddr string
	err = conn.QueryRow(ctx, `SELECT current_setting('server_version_num')::int, current_setting('server_version'),
		coalesce(host(inet_client_addr()), ''), coalesce((SELECT rolsuper FROM pg_roles WHERE rolname = current_user), false)`).
		Scan(&versionNum, &versionText, &clientAddr, &f.Login.Superuser)
	if err != nil {
		f.Version.Error = "read server_version_num: " + sqlError(err)
	} else {
		f.Version = Version{Num: versionNum, Major: versionNum / 10000, Minor: versionNum % 10000, Text: versionText, From: "sql"}
		f.Login.ClientAddr = clientAddr
	}

	f.Settings = map[string]Setting{}
	rows, err := conn.Query(ctx, `SELECT name, setting, source, coalesce(sourcefile, ''), coalesce(sourceline, 0)
		FROM pg_settings WHERE name = ANY($1)`, settingNames)
	if err == nil {
		var name string
		var s Setting
		_, err = pgx.ForEachRow(rows, []any{&name, &s.Value, &s.Source, &s.File, &s.Line}, func() error {
			f.Settings[name] = s
			return nil
		})
	}
	if err != nil {
		f.Settings, f.SettingsError = nil, "read pg_settings: "+sqlError(err)
	} else {
		f.Warnings = append(f.Warnings, serverWide(ctx, conn, f.Settings)...)
	}

	f.HBA, err = readHBARules(ctx, conn)
	if err != nil {
		f.HBAError = "read pg_hba_file_rules: " + sqlError(err)
	}
	// pg_hba_file_rules reads the file as it is now; the server enforces
	// what it last loaded. When the file is newer, the two may differ.
	// (Reading the file's time needs superuser: otherwise, unknown. It has
	// whole seconds: an edit in the second of the last load is missed
	// rather than a reload in the second of the last edit misread.)
	var changed, loaded time.Time
	if conn.QueryRow(ctx, `SELECT (pg_stat_file(current_setting('hba_file'))).modification, pg_conf_load_time()`).
		Scan(&changed, &loaded) == nil && changed.After(loaded) {
		f.HBAStale = fmt.Sprintf("pg_hba.conf changed at %s, after the server last loaded its configuration at %s: the rules read may not be the rules it enforces (reload it: SELECT pg_reload_conf())",
			changed.UTC().Format(time.RFC3339), loaded.UTC().Format(time.RFC3339))
	}

	f.Roles, err = readRoles(ctx, conn)
	if err != nil {
		f.RolesError = "read pg_roles: " + sqlError(err)
	}
	passwords, err := readPasswordTypes(ctx, conn)
	switch {
	case err != nil:
		f.PasswordsError = "read pg_authid: " + sqlError(err)
	default:
		f.PasswordsKnown = true
		for i := range f.Roles {
			if t, ok := passwords[f.Roles[i].Name]; ok {
				has := t != ""
				f.Roles[i].HasPassword, f.Roles[i].PasswordType = &has, t
			}
		}
	}
	return f
}

// sessionSources are pg_settings sources that hold for this session only:
// the auditing role's or database's own values (ALTER ROLE … SET).
var sessionSources = map[string]bool{"user": true, "database": true, "database user": true, "client": true, "session": true}

// serverWide replaces, in settings, the values set for the auditing role
// or database alone by the server's own: from pg_file_settings (which
// needs superuser), else the built-in default when no file sets it.
// It returns a warning for each value it could not resolve.
func serverWide(ctx context.Context, conn *pgx.Conn, settings map[string]Setting) []string {
	var names []string
	for name, s := range settings {
		if sessionSources[s.Source] {
			names = append(names, name)
		}
	}
	if len(names) == 0 {
		return nil
	}
	slices.Sort(names)
	rows, err := conn.Query(ctx, `SELECT s.name, coalesce(f.setting, s.boot_val), coalesce(f.sourcefile, ''), coalesce(f.sourceline, 0)
		FROM pg_settings s LEFT JOIN (SELECT DISTINCT ON (name) name, setting, sourcefile, sourceline FROM pg_file_settings
			WHERE applied ORDER BY name, seqno DESC) f ON f.name = s.name
		WHERE s.name = ANY($1)`, names)
	var warnings []string
	if err == nil {
		var name string
		var s Setting
		_, err = pgx.ForEachRow(rows, []any{&name, &s.Value, &s.File, &s.Line}, func() error {
			s.Source = "configuration file"
			if s.File == "" {
				s.Source = "default"
			}
			settings[name] = s
			return nil
		})
	}
	if err != nil {
		for _, name := range names {
			warnings = append(warnings, fmt.Sprintf("%s is set for the auditing role or database (%s): the server-wide value judged is unknown, and %s is judged instead (%s)",
				name, settings[name].Source, settings[name].Value, sqlError(err)))
		}
	}
	return warnings
}

// readHBARules reads the server's own parse of pg_hba.conf. Columns are
// taken by name: PostgreSQL 16 added file_name and rule_number.
func readHBARules(ctx context.Context, conn *pgx.Conn) ([]HBARule, error) {
	rows, err := conn.Query(ctx, `SELECT * FROM pg_hba_file_rules`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var rules []HBARule
	for rows.Next() {
		values, err := rows.Values()
		if err != nil {
			return nil, err
		}
		var r HBARule
		var address, netmask string
		for i, fd := range rows.FieldDescriptions() {
			v := values[i]
			switch fd.Name {
			case "file_name":
				r.File = text(v)
			case "line_number":
				r.Line = int(number(v))
			case "type":
				r.Type = text(v)
			case "database":
				r.Databases = texts(v)
			case "user_name":
				r.Users = texts(v)
			case "address":
				address = text(v)
			case "netmask":
				netmask = text(v)
			case "auth_method":
				r.Method = text(v)
			case "options":
				for _, o := range texts(v) {
					if name, _, _ := strings.Cut(o, "="); hbaSecretOptions[name] {
						o = name + "=" + redacted
					}
					r.Options = append(r.Options, o)
				}
			case "error":
				r.Error = text(v)
			}
		}
		r.Address = address
		if netmask != "" && !strings.Contains(address, "/") {
			// The view splits even a CIDR into address and netmask:
			// show it as CIDR, as it is usually written.
			r.Address = address + " " + netmask
			if ones, ok := maskLength(netmask); ok {
				r.Address = fmt.Sprintf("%s/%d", address, ones)
			}
		}
		if r.Error != "" && r.Method != "" {
			// Parsed and loaded all the same (e.g. a hostssl line while
			// ssl is off): a warning, not a line the server refuses.
			r.Warning, r.Error = r.Error, ""
		}
		if r.Type == "local" {
			r.Scope = "local"
		} else if r.Error == "" {
			scope, family, prefix, err := ClassifyAddress(address, netmask)
			if err != nil {
				r.Error = err.Error()
			}
			r.Scope, r.Family, r.Prefix = scope, family, prefix
		}
		rules = append(rules, r)
	}
	return rules, rows.Err()
}

// maskLength is the prefix length of a contiguous netmask.
func maskLength(netmask string) (int, bool) {
	ip := net.ParseIP(netmask)
	if ip == nil {
		return 0, false
	}
	if v4 := ip.To4(); v4 != nil && !strings.Contains(netmask, ":") {
		ip = v4
	}
	ones, bits := net.IPMask(ip).Size()
	return ones, bits != 0
}

func text(v any) string {
	s, _ := v.(string)
	return s
}

func number(v any) int64 {
	switch n := v.(type) {
	case int32:
		return int64(n)
	case int64:
		return n
	case int16:
		return int64(n)
	}
	return 0
}

func texts(v any) []string {
	list, _ := v.([]any)
	out := make([]string, 0, len(list))
	for _, e := range list {
		out = append(out, text(e))
	}
	return out
}

// readRoles reads the roles that can log in, with VALID UNTIL in UTC.
func readRoles(ctx context.Context, conn *pgx.Conn) ([]Role, error) {
	rows, err := conn.Query(ctx, `SELECT rolname, rolsuper,
		CASE WHEN rolvaliduntil IS NULL THEN ''
		     WHEN rolvaliduntil = 'infinity' THEN 'infinity'
		     WHEN rolvaliduntil = '-infinity' THEN '-infinity'
		     ELSE to_char(rolvaliduntil AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') END
		FROM pg_roles WHERE rolcanlogin ORDER BY rolname`)
	if err != nil {
		return nil, err
	}
	var r Role
	var roles []Role
	_, err = pgx.ForEachRow(rows, []any{&r.Name, &r.Superuser, &r.ValidUntil}, func() error {
		roles = append(roles, r)
		return nil
	})
	return roles, err
}

// readPasswordTypes classifies each login role's stored password on the
// server, so that no verifier ever leaves it: "" (none), scram-sha-256,
// md5 or plain.
func readPasswordTypes(ctx context.Context, conn *pgx.Conn) (map[string]string, error) {
	rows, err := conn.Query(ctx, `SELECT rolname,
		CASE WHEN rolpassword IS NULL OR rolpassword = '' THEN ''
		     WHEN rolpassword LIKE 'SCRAM-SHA-256$%' THEN 'scram-sha-256'
		     WHEN rolpassword ~ '^md5[0-9a-f]{32}$' THEN 'md5'
		     ELSE 'plain' END
		FROM pg_authid WHERE rolcanlogin`)
	if err != nil {
		return nil, err
	}
	types := map[string]string{}
	var name, kind string
	_, err = pgx.ForEachRow(rows, []any{&name, &kind}, func() error {
		types[name] = kind
		return nil
	})
	return types, err
}

// sqlError says what went wrong in one line, naming missing privileges.
func sqlError(err error) string {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		msg := fmt.Sprintf("%s (SQLSTATE %s)", pgErr.Message, pgErr.Code)
		if pgErr.Code == "42501" {
			msg += ": the role needs to be a superuser (or be granted the right to read it)"
		}
		return msg
	}
	var netErr *net.OpError
	if errors.As(err, &netErr) {
		// Say where it could not connect, once (sslmode=prefer tries twice).
		return fmt.Sprintf("cannot connect to %s: %v", netErr.Addr, netErr.Err)
	}
	return strings.Join(strings.Fields(strings.ReplaceAll(err.Error(), "\n", "; ")), " ")
}
