package postgres

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"path"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"audit/checks"
	"audit/checks/host"
)

func init() { checks.Register(Check{}) }

// Check collects the "postgres" facts from hosts.
type Check struct{}

// ID returns "postgres".
func (Check) ID() string { return Namespace }

// Applies reports whether t is a host.
func (Check) Applies(t checks.Target) bool { return t.Kind() == checks.KindHost }

// Collect reads every PostgreSQL server running on the host or, when the
// user named servers with --postgres, those alone (their files too, when
// they run on the host). A host with none has no PostgreSQL facts:
// not_applicable.
func (Check) Collect(ctx context.Context, t checks.Target) (checks.Facts, error) {
	h, ok := t.(host.Host)
	if !ok {
		return checks.Facts{}, fmt.Errorf("postgres: target %s is not a host", t.Name())
	}
	var dsns []DSN
	if sel, ok := t.(interface{ PostgresDSNs() []string }); ok {
		for _, s := range sel.PostgresDSNs() {
			d, err := ParseDSN(s)
			if err != nil {
				return checks.Facts{}, err
			}
			dsns = append(dsns, d)
		}
	}
	now := time.Now().UTC()
	table, stale := ReleaseTable(now)
	var warnings []string
	if stale != "" {
		warnings = append(warnings, stale)
	}
	fsys := host.Files(ctx, h)
	var down []string
	lsclusters := make(chan struct{})
	go func() { down = downClusters(ctx, h); close(lsclusters) }()
	postmasters, err := Postmasters(ctx, h)
	if err != nil {
		if len(dsns) == 0 {
			return checks.Facts{}, err
		}
		warnings = append(warnings, fmt.Sprintf("%v: only the servers named with --postgres are audited", err))
	}
	<-lsclusters
	if len(dsns) > 0 {
		down = nil // the user named the servers to audit
	}
	for _, c := range down {
		warnings = append(warnings, fmt.Sprintf("PostgreSQL cluster %s is down: not audited", c))
	}
	servers := make([]*Server, 0, len(postmasters)+len(dsns))
	for _, pm := range postmasters {
		servers = append(servers, serverFromFiles(ctx, h, fsys, pm))
	}
	logins := make([]*DSN, len(servers))
	for i := range dsns {
		d := &dsns[i]
		j := slices.IndexFunc(servers, func(s *Server) bool { return s.Addr != "" && sameServer(s, d) })
		switch {
		case j < 0:
			servers = append(servers, &Server{Name: d.Addr(), Addr: d.Addr()})
			logins = append(logins, d)
		case logins[j] != nil:
			warnings = append(warnings, fmt.Sprintf("--postgres %s names the server %s, as --postgres %s does: audited once", d.Addr(), servers[j].Name, logins[j].Addr()))
		default:
			// Probe where the login goes: the server the user named.
			logins[j] = d
			servers[j].Addr, servers[j].Name = d.Addr(), d.Addr()
		}
	}
	if len(dsns) > 0 {
		// Naming servers narrows the audit to them, as --sshd-config does.
		var named []*Server
		var namedLogins []*DSN
		for i, s := range servers {
			if logins[i] != nil {
				named, namedLogins = append(named, s), append(namedLogins, logins[i])
			}
		}
		servers, logins = named, namedLogins
	}
	if len(servers) == 0 {
		return checks.Facts{Namespace: Namespace, Status: checks.FactsNotApplicable,
			Reason: "no PostgreSQL server is running and none was named with --postgres", Warnings: warnings}, nil
	}

	var wg sync.WaitGroup
	for i, s := range servers {
		wg.Go(func() { probe(ctx, h, s, logins[i]) })
	}
	wg.Wait()

	data := Data{Backrest: ReadBackrest(fsys), Releases: table, Now: now.Format(time.RFC3339)}
	for _, s := range servers {
		data.Servers = append(data.Servers, *s)
		warnings = append(warnings, s.warnings...)
		if s.Login.OK && !s.PasswordsKnown {
			warnings = append(warnings, fmt.Sprintf("server %s: DB-05 cannot tell whether role passwords are stored as MD5 hashes, and SEC-05 which roles have one: %s", s.Name, s.PasswordsError))
		}
	}
	slices.SortFunc(data.Servers, func(a, b Server) int { return strings.Compare(a.Name, b.Name) })
	return checks.Facts{Namespace: Namespace, Status: checks.FactsOK, Data: data, Warnings: warnings}, nil
}

// sameServer tells whether a DSN names a server found running: the same
// port, and an address the server listens on. Two servers may share a port
// on different addresses, so a loopback DSN matches only a server that
// listens on that address (localhost meaning 127.0.0.1 and ::1), or on
// every address.
func sameServer(s *Server, d *DSN) bool {
	_, port, err := net.SplitHostPort(s.Addr)
	if err != nil || port != strconv.Itoa(d.Port) {
		return false
	}
	listen, ok := s.Settings["listen_addresses"]
	if !ok {
		listen.Value = "localhost" // the default
	}
	want := []string{d.Host}
	if d.Host == "localhost" {
		want = []string{"localhost", "127.0.0.1", "::1"}
	}
	for _, a := range strings.Split(listen.Value, ",") {
		a = strings.TrimSpace(a)
		switch {
		case a == "*", a == "0.0.0.0" && !strings.Contains(d.Host, ":"), a == "::":
			return true
		case a == "localhost" && (d.Host == "localhost" || d.Host == "127.0.0.1" || d.Host == "::1"):
			return true
		case slices.Contains(want, a):
			return true
		}
	}
	return false
}

// noDSN is why roles are unknown for a server the user gave no DSN for.
const noDSN = "no --postgres DSN names this server, so its roles were not read"

// serverFromFiles reads what the files of a running server say: its
// settings, pg_hba rules and version. No login is needed.
func serverFromFiles(ctx context.Context, h host.Host, fsys host.FS, pm Postmaster) *Server {
	s := &Server{DataDir: pm.DataDir, ConfigFile: pm.ConfigFile, Settings: map[string]Setting{},
		RolesError: noDSN, PasswordsError: noDSN}
	conf, err := ParseConf(fsys, pm.ConfigFile, pm.DataDir)
	switch {
	case err != nil:
		s.SettingsError = err.Error()
	case len(conf.Problems) > 0:
		// The server refuses to start, or applies no change on reload,
		// with such a file: what it runs is unknown.
		s.SettingsError = fmt.Sprintf("the configuration has errors the server rejects, so it runs an earlier one: %s (give a --postgres DSN to read what it runs)", strings.Join(conf.Problems, "; "))
	default:
		s.SettingsFrom = "files"
		for _, name := range settingNames {
			if v, ok := conf.Settings[name]; ok {
				s.Settings[name] = normalize(name, v)
			}
		}
	}
	for _, name := range settingNames {
		// The command line wins over the files (pg_ctl -o "-c …").
		if v, ok := pm.Options[name]; ok {
			s.Settings[name] = normalize(name, Setting{Value: v, Source: "command line"})
		}
	}
	pid, pidErr := readPIDFile(fsys, pm.DataDir)
	port := pm.Port
	if port == 0 {
		port = pid.Port
	}
	if port == 0 {
		port, _ = strconv.Atoi(s.Settings["port"].Value)
	}
	if port == 0 && s.SettingsFrom == "files" {
		port = 5432 // the files were read and none sets it: the default
	}
	listen := "localhost"
	if v, ok := s.Settings["listen_addresses"]; ok {
		listen = v.Value
	} else if pidErr == nil && pid.ListenAddr != "" {
		listen = pid.ListenAddr
	}
	if ip := probeAddress(listen); ip != "" && port != 0 {
		s.Addr = net.JoinHostPort(ip, strconv.Itoa(port))
	}
	s.Name = s.Addr
	if s.Name == "" {
		s.Name = pm.DataDir
	}
	s.HBAFile = s.Settings["hba_file"].Value
	if s.HBAFile == "" && pm.DataDir != "" {
		s.HBAFile = path.Join(pm.DataDir, "pg_hba.conf")
	}
	if s.HBAFile != "" {
		if s.HBA, err = ParseHBA(fsys, s.HBAFile); err != nil {
			s.HBAError = err.Error()
		} else {
			s.HBAFrom = "files"
		}
	} else {
		s.HBAError = "the data directory of the server is unknown"
	}
	s.Version = versionFromBinary(ctx, h, pm.Binary)
	if pm.Replaced {
		// The file on disk is a newer package's: it says nothing of the
		// version running.
		s.Version = Version{Error: fmt.Sprintf("%s was replaced on disk since the server started (upgraded without a restart?): the running version is unknown; restart the server, or give a --postgres DSN to read it", pm.Binary)}
	}
	if major := s.Version.Major; major > 0 && major < 16 && s.HBAFrom == "files" {
		// include in pg_hba.conf came with PostgreSQL 16: an older server
		// rejects the file and keeps the rules it had.
		for _, r := range s.HBA {
			if r.File != s.HBAFile {
				s.HBA, s.HBAFrom = nil, ""
				s.HBAError = fmt.Sprintf("%s includes %s, which PostgreSQL %d does not know: the server rejects this pg_hba.conf and keeps the rules it loaded before (give a --postgres DSN to read them)", s.HBAFile, r.File, major)
				break
			}
		}
	}
	if s.Version.Error != "" && pm.DataDir != "" {
		if b, err := fsys.ReadFile(path.Join(pm.DataDir, "PG_VERSION")); err == nil {
			if major, err := strconv.Atoi(strings.TrimSpace(string(b))); err == nil {
				s.Version = Version{Major: major, Text: strings.TrimSpace(string(b)), From: "PG_VERSION",
					Error: s.Version.Error + "; PG_VERSION gives the major only"}
			}
		}
	}
	return s
}

// probeAddress picks the address of listen_addresses the wire probes and
// SQL go to: loopback when the server listens on it, else the first.
func probeAddress(listen string) string {
	var first string
	for _, a := range strings.Split(listen, ",") {
		a = strings.TrimSpace(a)
		switch a {
		case "":
			continue
		case "*", "0.0.0.0", "localhost":
			return "127.0.0.1"
		case "::":
			return "::1"
		}
		if ip, err := netip.ParseAddr(a); err == nil && ip.IsLoopback() {
			return a
		}
		if first == "" {
			first = a
		}
	}
	return first
}

// probe completes a server's facts from the wire, and from SQL when the
// user gave a DSN for it.
func probe(ctx context.Context, h host.Host, s *Server, d *DSN) {
	dial := Dialer(h.Dial)
	user, database := "postgres", "postgres"
	if d != nil {
		user, database = d.User, d.config.Database
	}
	var wg sync.WaitGroup
	if s.Addr != "" {
		wg.Go(func() { s.TLS = ProbeTLS(ctx, dial, s.Addr) })
		wg.Go(func() { s.Plain = ProbePlain(ctx, dial, s.Addr, user, database) })
	} else {
		s.TLS.Error = "the server listens on no TCP address"
		if s.SettingsFrom == "" {
			s.TLS.Error = "the server's port is unknown: " + s.SettingsError
		}
		s.Plain.Error = s.TLS.Error
	}
	var f sqlFacts
	if d != nil {
		wg.Go(func() { f = readSQL(ctx, dial, *d) })
	}
	wg.Wait()
	if d == nil {
		return
	}
	s.DSNGiven = true
	s.Login = f.Login
	for _, w := range f.Warnings {
		s.warnings = append(s.warnings, fmt.Sprintf("server %s: %s", s.Name, w))
	}
	if !f.Login.OK {
		s.RolesError, s.PasswordsError = f.Login.Error, f.Login.Error
		return
	}
	if f.Version.Error == "" {
		s.Version = f.Version
	} else if s.Version.From == "" {
		s.Version.Error = f.Version.Error
	}
	if f.Settings == nil && s.SettingsFrom == "" {
		s.SettingsError = f.SettingsError
	}
	if f.Settings != nil {
		if s.Settings == nil {
			s.Settings = map[string]Setting{}
		}
		for name, v := range f.Settings {
			if file, ok := s.Settings[name]; ok && v.File == "" && file.Value == v.Value {
				v.File, v.Line = file.File, file.Line // the role may not read sourcefile
			}
			s.Settings[name] = v
		}
		s.SettingsFrom, s.SettingsError = "sql", ""
		if v := f.Settings["data_directory"].Value; v != "" {
			s.DataDir = v
		}
		if v := f.Settings["config_file"].Value; v != "" {
			s.ConfigFile = v
		}
		if v := f.Settings["hba_file"].Value; v != "" {
			s.HBAFile = v
		}
	}
	switch {
	case f.HBAError == "":
		for i := range f.HBA {
			if f.HBA[i].File == "" {
				f.HBA[i].File = s.HBAFile
			}
		}
		s.HBA, s.HBAFrom, s.HBAError, s.HBAStale = f.HBA, "sql", "", f.HBAStale
	case s.HBAFrom == "files":
		// The files were read: they stand in for the view.
	case s.HBAError != "":
		s.HBAError = f.HBAError + "; " + s.HBAError
	default:
		s.HBAError = f.HBAError
	}
	s.Roles, s.RolesError = f.Roles, f.RolesError
	s.PasswordsKnown, s.PasswordsError = f.PasswordsKnown, f.PasswordsError
}

// boolSettings are the settings policies read as booleans.
var boolSettings = map[string]bool{"ssl": true, "log_connections": true, "log_disconnections": true}

// normalize spells a boolean setting read from a file as the server shows
// it (on or off): the server takes any unambiguous prefix of true, false,
// yes, no, on, off, and 1 and 0. Anything else stays as written (e.g.
// PostgreSQL 18's list form of log_connections).
func normalize(name string, s Setting) Setting {
	if !boolSettings[name] {
		return s
	}
	v := strings.ToLower(strings.TrimSpace(s.Value))
	prefixOf := func(word string, min int) bool { return len(v) >= min && strings.HasPrefix(word, v) }
	switch {
	case v == "1", prefixOf("true", 1), prefixOf("yes", 1), prefixOf("on", 2):
		s.Value = "on"
	case v == "0", prefixOf("false", 1), prefixOf("no", 1), prefixOf("off", 2):
		s.Value = "off"
	}
	return s
}
