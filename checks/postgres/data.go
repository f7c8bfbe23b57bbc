// Package postgres collects the "postgres" facts of a host: every
// PostgreSQL server it runs or the user named with a DSN, read three ways.
// SQL first (pg_settings, pg_hba_file_rules, pg_roles and pg_authid: the
// server's own parser is the truth), the configuration files as fallback
// and for locations, and the wire (an SSLRequest, TLS handshakes per
// protocol version, a startup without TLS). It never judges: the policies
// DB-01..09 and SEC-05 do.
package postgres

// Namespace is the key of the policy input this check fills.
const Namespace = "postgres"

// Data is the "postgres" namespace of the policy input.
type Data struct {
	// Servers are the PostgreSQL servers audited on the host.
	Servers []Server `json:"servers"`
	// Backrest is the pgBackRest configuration of the host (DB-09).
	Backrest Backrest `json:"pgbackrest"`
	// Releases is the embedded table of supported majors and their latest
	// minors (DB-07), so that policies judge against a stated, dated table.
	Releases Releases `json:"releases"`
	// Now is when the facts were collected (RFC 3339).
	Now string `json:"now"`
}

// Server is one PostgreSQL server: found running on the host, named by a
// DSN, or both. Every part that could not be read says why in its Error
// field; policies must treat it as unknown, never as harmless.
type Server struct {
	// Name identifies the server in findings: its address as the host
	// sees it (127.0.0.1:5432), else its data directory.
	Name string `json:"name"`
	// Addr is the TCP address the wire probes and SQL go to, "" when the
	// server listens on no TCP address.
	Addr string `json:"addr,omitempty"`
	// DataDir, ConfigFile and HBAFile are where its files are, when known.
	DataDir    string `json:"data_dir,omitempty"`
	ConfigFile string `json:"config_file,omitempty"`
	HBAFile    string `json:"hba_file,omitempty"`
	// DSNGiven is true when the user named this server with --postgres.
	DSNGiven bool `json:"dsn_given"`
	// Login is the SQL session, when a DSN was given.
	Login Login `json:"login"`
	// Version is the server's version.
	Version Version `json:"version"`
	// Settings holds the settings the policies read, by name.
	Settings map[string]Setting `json:"settings"`
	// SettingsFrom is "sql" or "files"; SettingsError says why neither
	// could be read.
	SettingsFrom  string `json:"settings_from,omitempty"`
	SettingsError string `json:"settings_error,omitempty"`
	// HBA are the pg_hba rules in order; HBAFrom is "sql" or "files".
	HBA      []HBARule `json:"hba"`
	HBAFrom  string    `json:"hba_from,omitempty"`
	HBAError string    `json:"hba_error,omitempty"`
	// HBAStale says why the rules read may not be the rules the server
	// enforces: pg_hba.conf changed after the server last loaded it.
	HBAStale string `json:"hba_stale,omitempty"`
	// Roles are the roles that can log in; RolesError says why they are unknown.
	Roles      []Role `json:"roles"`
	RolesError string `json:"roles_error,omitempty"`
	// PasswordsKnown is true when pg_authid could be read, so each role's
	// HasPassword and PasswordType are known; PasswordsError says why not.
	PasswordsKnown bool   `json:"passwords_known"`
	PasswordsError string `json:"passwords_error,omitempty"`
	// TLS is what the server does when a client asks for TLS.
	TLS TLSProbe `json:"tls"`
	// Plain is what the server does with a login attempt without TLS.
	Plain PlainProbe `json:"plain"`

	// warnings are for the user, not the policies.
	warnings []string
}

// Login is the SQL session the audit opened with the user's DSN.
type Login struct {
	// User is the role the DSN logs in as.
	User string `json:"user,omitempty"`
	// OK is true when the login succeeded; Error says why it did not.
	OK    bool   `json:"ok"`
	Error string `json:"error,omitempty"`
	// Superuser tells whether that role is a superuser.
	Superuser bool `json:"superuser"`
	// ClientAddr is the audit's address as the server saw it ("" for a
	// Unix socket).
	ClientAddr string `json:"client_addr,omitempty"`
}

// Version is the server's version.
type Version struct {
	// Num is server_version_num (150018 for 15.18), 0 when unknown.
	Num int `json:"num"`
	// Major and Minor split it: 15 and 18.
	Major int `json:"major"`
	Minor int `json:"minor"`
	// Text is the version as the server or binary prints it,
	// e.g. "15.18 (Debian 15.18-0+deb12u1)".
	Text string `json:"text,omitempty"`
	// From is "sql", "binary" (postgres --version) or "PG_VERSION" (the
	// major only).
	From  string `json:"from,omitempty"`
	Error string `json:"error,omitempty"`
}

// Setting is one configuration setting and where it was set.
type Setting struct {
	Value string `json:"value"`
	// Source is pg_settings.source (default, configuration file, …) or
	// "file" / "default" when read from the files.
	Source string `json:"source,omitempty"`
	File   string `json:"file,omitempty"`
	Line   int    `json:"line,omitempty"`
}

// HBARule is one pg_hba rule, as the server or our parser reads it.
type HBARule struct {
	File string `json:"file,omitempty"`
	Line int    `json:"line"`
	// Type is local, host, hostssl, hostnossl, hostgssenc or hostnogssenc.
	Type      string   `json:"type"`
	Databases []string `json:"databases"`
	Users     []string `json:"users"`
	// Address is the address field as written (a CIDR, an IP with the
	// netmask folded in, a host name, all, samehost, samenet), "" for local.
	Address string `json:"address,omitempty"`
	// Scope classifies Address: "local" (a local rule, loopback or
	// samehost), "any" (all, 0.0.0.0/0, ::/0), "network" (a CIDR),
	// "samenet", "hostname" or "domain" (a .suffix host name match).
	Scope string `json:"scope"`
	// Family ("ipv4", "ipv6") and Prefix are set for Scope network.
	Family string `json:"family,omitempty"`
	Prefix int    `json:"prefix,omitempty"`
	// Method is the auth method: trust, reject, scram-sha-256, md5,
	// password, peer, ident, cert, …
	Method string `json:"method"`
	// Options are the auth options as name=value.
	Options []string `json:"options,omitempty"`
	// Error is the server's or our parser's complaint about a line it
	// cannot load (a server refuses a pg_hba.conf that has one).
	Error string `json:"error,omitempty"`
	// Warning is the server's complaint about a line it loads anyway, e.g.
	// "hostssl record cannot match because SSL is disabled".
	Warning string `json:"warning,omitempty"`
}

// Role is a role that can log in.
type Role struct {
	Name      string `json:"name"`
	Superuser bool   `json:"superuser"`
	// ValidUntil is rolvaliduntil in RFC 3339, "infinity", or "" when
	// none is set.
	ValidUntil string `json:"valid_until,omitempty"`
	// HasPassword and PasswordType ("scram-sha-256", "md5", "plain") are
	// known only when Server.PasswordsKnown: absent otherwise.
	HasPassword  *bool  `json:"has_password,omitempty"`
	PasswordType string `json:"password_type,omitempty"`
}

// TLSProbe is what the server does when a client asks for TLS.
type TLSProbe struct {
	// Error says why the probe could not run (e.g. connection refused).
	Error string `json:"error,omitempty"`
	// Answer is the server's reply to an SSLRequest: "S" (it will speak
	// TLS) or "N" (it will not).
	Answer string `json:"answer,omitempty"`
	// Handshake is true when a TLS handshake with the client's default
	// versions completed; HandshakeError says why it failed.
	Handshake      bool   `json:"handshake"`
	HandshakeError string `json:"handshake_error,omitempty"`
	// Versions maps each protocol version tried (TLSv1, TLSv1.1,
	// TLSv1.2, TLSv1.3) to whether the server accepted it.
	Versions map[string]bool `json:"versions,omitempty"`
	// Certificate is the server's leaf certificate.
	Certificate *Certificate `json:"certificate,omitempty"`
}

// Certificate is a server certificate's identity and validity.
type Certificate struct {
	Subject   string   `json:"subject"`
	Issuer    string   `json:"issuer"`
	DNSNames  []string `json:"dns_names,omitempty"`
	IPs       []string `json:"ips,omitempty"`
	NotBefore string   `json:"not_before"`
	NotAfter  string   `json:"not_after"`
	// SelfSigned is true when the issuer is the subject.
	SelfSigned bool `json:"self_signed"`
}

// PlainProbe is what happened to a startup message sent without TLS.
type PlainProbe struct {
	// Error says why the probe could not run.
	Error string `json:"error,omitempty"`
	// User is the role named in the startup message.
	User string `json:"user,omitempty"`
	// Refused is true when the server ended the attempt before asking
	// for a credential; Response says how it answered (e.g. "no pg_hba.conf
	// entry … no encryption", "asked for a SCRAM-SHA-256 password").
	Refused  bool   `json:"refused"`
	Response string `json:"response,omitempty"`
	// From is the probe's source address as the host sees it;
	// FromLoopback is true when it is a loopback address, so the answer
	// says nothing about remote clients.
	From         string `json:"from,omitempty"`
	FromLoopback bool   `json:"from_loopback"`
}

// Backrest is the pgBackRest configuration of the host.
type Backrest struct {
	// Configured is true when a pgBackRest configuration file defines a
	// repository.
	Configured bool     `json:"configured"`
	Files      []string `json:"files,omitempty"`
	// Repos are the repositories defined, by section and index.
	Repos []BackrestRepo `json:"repos,omitempty"`
	Error string         `json:"error,omitempty"`
}

// BackrestRepo is one pgBackRest repository (repo1, repo2, …).
type BackrestRepo struct {
	// Name is repoN; Section is the ini section that defines it.
	Name    string `json:"name"`
	Section string `json:"section"`
	File    string `json:"file"`
	Line    int    `json:"line"`
	// CipherType is repoN-cipher-type ("" when unset, "none", "aes-256-cbc").
	CipherType string `json:"cipher_type"`
	CipherLine int    `json:"cipher_line,omitempty"`
}

// Releases is a dated table of the supported PostgreSQL majors and their
// latest minor releases.
type Releases struct {
	// Date is when the table was last brought up to date (YYYY-MM-DD).
	Date string `json:"date"`
	// Latest maps each supported major ("15") to its latest minor (20).
	Latest map[string]int `json:"latest"`
	// EndOfLife maps each supported major to its end-of-life date.
	EndOfLife map[string]string `json:"end_of_life"`
}
