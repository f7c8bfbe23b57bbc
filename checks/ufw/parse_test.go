package ufw

// The testdata files:
//
//   - status-*-0.36.2-*.txt, user*.rules, default-ufw*, ufw.conf* (but
//     ufw.conf-disabled), ss-Hltnp-iproute2-6.1.txt, proc-net-tcp and
//     proc-net-tcp6 are real outputs, recorded with ufw 0.36.2 in a
//     throw-away network namespace (Debian 12, iproute2 6.1). The brief,
//     odd, apps and noipv6 scenarios each have verbose, numbered and plain
//     status outputs and the user.rules/user6.rules ufw wrote for them;
//     odd-forwarding is odd again with IP forwarding on. ufw.conf-disabled
//     is the host's own, as installed.
//   - status-verbose-0.36-ubuntu20.04.txt, status-plain-0.35-ubuntu16.04.txt,
//     status-verbose-0.36.1-ubuntu22.04-docker.txt,
//     status-numbered-0.36.1-ubuntu22.04-pasted.txt (CRLF, trailing blanks
//     stripped), status-verbose-0.31-ubuntu12.04.txt (no routed policy,
//     From not padded), user*-legacy.rules (6- and 8-field tuples of old
//     ufw), ss-Hltnp-iproute2-5.15-ubuntu22.04.txt,
//     ss-ltnp-iproute2-4.3-ubuntu16.04.txt (header, "*:22", ":::22") and
//     proc-net-tcp6-handwritten are written by hand in the format of those
//     versions (ufw's "%-26s %-12s%-26s" table).
//
// Every status and rules file has a golden file in testdata/golden,
// rewritten with `go test ./checks/ufw -update`; review the diff.

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func init() {
	// Another test file of the package may define -update too.
	if flag.Lookup("update") == nil {
		flag.Bool("update", false, "rewrite the golden files in testdata/golden (go test ./checks/ufw -update)")
	}
}

func updating() bool {
	return flag.Lookup("update").Value.(flag.Getter).Get().(bool)
}

func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// golden compares got with testdata/golden/name.json, or rewrites it.
func golden[T any](t *testing.T, name string, got T) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name+".json")
	if updating() {
		b, err := json.MarshalIndent(got, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, append(b, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./checks/ufw -update)", err)
	}
	var want T
	if err := json.Unmarshal(b, &want); err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(want, got, ignoreKey); d != "" {
		t.Errorf("%s: (-want +got)\n%s", path, d)
	}
}

// ignoreKey compares rules by what they say, not by Renumber's key.
var ignoreKey = cmpopts.IgnoreUnexported(Rule{})

func statusFiles(t testing.TB) []string {
	files, err := filepath.Glob("testdata/status-*.txt")
	if err != nil || len(files) == 0 {
		t.Fatalf("no status files: %v", err)
	}
	return files
}

func TestParseStatusGolden(t *testing.T) {
	for _, f := range statusFiles(t) {
		name := strings.TrimSuffix(filepath.Base(f), ".txt")
		t.Run(name, func(t *testing.T) {
			got, err := ParseStatus(string(readTestdata(t, filepath.Base(f))))
			if err != nil {
				t.Fatal(err)
			}
			golden(t, name, got)
		})
	}
}

// rulesPairs are the user.rules/user6.rules of each scenario.
var rulesPairs = []struct{ name, v4, v6 string }{
	{"brief", "user.rules", "user6.rules"},
	{"odd", "user-odd.rules", "user6-odd.rules"},
	{"apps", "user-apps.rules", "user6-apps.rules"},
	{"noipv6", "user-noipv6.rules", "user6-noipv6.rules"},
	{"legacy", "user-legacy.rules", "user6-legacy.rules"},
}

func TestParseRulesFilesGolden(t *testing.T) {
	for _, p := range rulesPairs {
		t.Run(p.name, func(t *testing.T) {
			got, err := ParseRulesFiles(readTestdata(t, p.v4), readTestdata(t, p.v6), "/etc/ufw/user.rules", "/etc/ufw/user6.rules")
			if err != nil {
				t.Fatal(err)
			}
			golden(t, "rules-"+p.name, got)
		})
	}
}

func pr(from, to int) PortRange { return PortRange{From: from, To: to} }

// TestParseStatusBrief spells out the verbose output of the brief's own
// rules, recorded with ufw 0.36.2.
func TestParseStatusBrief(t *testing.T) {
	any := func(n int, text, action, dir string, ports []PortRange, proto string) Rule {
		return Rule{Number: n, Text: text, Action: action, Direction: dir, Ports: ports, Proto: proto, From: "Anywhere", FromAnywhere: true}
	}
	with := func(r Rule, f func(*Rule)) Rule { f(&r); return r }
	v6 := func(r *Rule) { r.V6 = true }
	want := Status{
		Active: true, Logging: "medium", Incoming: "deny", Outgoing: "allow", Routed: "disabled",
		Rules: []Rule{
			any(1, "22/tcp LIMIT IN Anywhere", "limit", "in", []PortRange{pr(22, 22)}, "tcp"),
			with(any(2, "80,443/tcp ALLOW IN Anywhere # web", "allow", "in", []PortRange{pr(80, 80), pr(443, 443)}, "tcp"), func(r *Rule) { r.Comment = "web" }),
			any(3, "60000:61000/udp ALLOW IN Anywhere", "allow", "in", []PortRange{pr(60000, 61000)}, "udp"),
			with(any(4, "8080 on eth0 ALLOW IN Anywhere", "allow", "in", []PortRange{pr(8080, 8080)}, ""), func(r *Rule) { r.Interface = "eth0" }),
			with(any(5, "5432/tcp ALLOW IN 10.0.0.5", "allow", "in", []PortRange{pr(5432, 5432)}, "tcp"), func(r *Rule) { r.From, r.FromAnywhere = "10.0.0.5", false }),
			with(any(6, "22/tcp (OpenSSH) ALLOW IN Anywhere", "allow", "in", []PortRange{pr(22, 22)}, "tcp"), func(r *Rule) { r.App = "OpenSSH" }),
			with(any(7, "80,443/tcp (Nginx Full) ALLOW IN Anywhere", "allow", "in", []PortRange{pr(80, 80), pr(443, 443)}, "tcp"), func(r *Rule) { r.App = "Nginx Full" }),
			with(any(8, "Anywhere DENY IN 203.0.113.0/24", "deny", "in", nil, ""), func(r *Rule) { r.From, r.FromAnywhere = "203.0.113.0/24", false }),
			with(any(9, "22/tcp (v6) LIMIT IN Anywhere (v6)", "limit", "in", []PortRange{pr(22, 22)}, "tcp"), v6),
			with(any(10, "80,443/tcp (v6) ALLOW IN Anywhere (v6) # web", "allow", "in", []PortRange{pr(80, 80), pr(443, 443)}, "tcp"), func(r *Rule) { r.V6, r.Comment = true, "web" }),
			with(any(11, "60000:61000/udp (v6) ALLOW IN Anywhere (v6)", "allow", "in", []PortRange{pr(60000, 61000)}, "udp"), v6),
			with(any(12, "8080 (v6) on eth0 ALLOW IN Anywhere (v6)", "allow", "in", []PortRange{pr(8080, 8080)}, ""), func(r *Rule) { r.V6, r.Interface = true, "eth0" }),
			with(any(13, "22/tcp (OpenSSH (v6)) ALLOW IN Anywhere (v6)", "allow", "in", []PortRange{pr(22, 22)}, "tcp"), func(r *Rule) { r.V6, r.App = true, "OpenSSH" }),
			with(any(14, "80,443/tcp (Nginx Full (v6)) ALLOW IN Anywhere (v6)", "allow", "in", []PortRange{pr(80, 80), pr(443, 443)}, "tcp"), func(r *Rule) { r.V6, r.App = true, "Nginx Full" }),
			any(15, "25 REJECT OUT Anywhere", "reject", "out", []PortRange{pr(25, 25)}, ""),
			with(any(16, "25 (v6) REJECT OUT Anywhere (v6)", "reject", "out", []PortRange{pr(25, 25)}, ""), v6),
			with(any(17, "Anywhere on eth1 ALLOW FWD Anywhere on eth0", "allow", "fwd", nil, ""), func(r *Rule) { r.Interface = "eth0" }),
			with(any(18, "Anywhere (v6) on eth1 ALLOW FWD Anywhere (v6) on eth0", "allow", "fwd", nil, ""), func(r *Rule) { r.V6, r.Interface = true, "eth0" }),
		},
	}
	got, err := ParseStatus(string(readTestdata(t, "status-verbose-0.36.2-brief.txt")))
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(want, got, ignoreKey); d != "" {
		t.Errorf("(-want +got)\n%s", d)
	}
}

const tableHead = "Status: active\n\nTo                         Action      From\n--                         ------      ----\n"

// TestParseStatusRuleLines covers the odd rule lines one by one.
func TestParseStatusRuleLines(t *testing.T) {
	tests := []struct {
		name, line string
		want       Rule
	}{{
		name: "To wider than its column",
		line: "80,443/tcp (Nginx Full (v6)) ALLOW IN    Anywhere (v6)             ",
		want: Rule{Number: 1, Text: "80,443/tcp (Nginx Full (v6)) ALLOW IN Anywhere (v6)", Action: "allow", Direction: "in",
			Ports: []PortRange{pr(80, 80), pr(443, 443)}, Proto: "tcp", App: "Nginx Full", From: "Anywhere", FromAnywhere: true, V6: true},
	}, {
		name: "address and application",
		line: "192.168.1.10 22/tcp (OpenSSH) ALLOW IN    192.168.1.0/24            ",
		want: Rule{Number: 1, Text: "192.168.1.10 22/tcp (OpenSSH) ALLOW IN 192.168.1.0/24", Action: "allow", Direction: "in",
			Ports: []PortRange{pr(22, 22)}, Proto: "tcp", App: "OpenSSH", To: "192.168.1.10", From: "192.168.1.0/24"},
	}, {
		name: "plain application with an address",
		line: "192.168.1.10 OpenSSH       ALLOW       192.168.1.0/24            ",
		want: Rule{Number: 1, Text: "192.168.1.10 OpenSSH ALLOW 192.168.1.0/24", Action: "allow", Direction: "in",
			App: "OpenSSH", To: "192.168.1.10", From: "192.168.1.0/24"},
	}, {
		name: "plain application, v6, interface",
		line: "WWW Full (v6) on eth0      ALLOW       Anywhere (v6)             ",
		want: Rule{Number: 1, Text: "WWW Full (v6) on eth0 ALLOW Anywhere (v6)", Action: "allow", Direction: "in",
			App: "WWW Full", From: "Anywhere", FromAnywhere: true, V6: true, Interface: "eth0"},
	}, {
		name: "v6 rule with an address has no (v6)",
		line: "OpenSSH (v6)               ALLOW IN    2001:db8::/32             ",
		want: Rule{Number: 1, Text: "OpenSSH (v6) ALLOW IN 2001:db8::/32", Action: "allow", Direction: "in",
			App: "OpenSSH", From: "2001:db8::/32", V6: true},
	}, {
		name: "v6 destination address",
		line: "2001:db8::1 80/tcp         ALLOW IN    Anywhere (v6)             ",
		want: Rule{Number: 1, Text: "2001:db8::1 80/tcp ALLOW IN Anywhere (v6)", Action: "allow", Direction: "in",
			Ports: []PortRange{pr(80, 80)}, Proto: "tcp", To: "2001:db8::1", From: "Anywhere", FromAnywhere: true, V6: true},
	}, {
		name: "number 100 shifts the columns",
		line: "[100] Anywhere                   DENY IN     198.51.100.100            ",
		want: Rule{Number: 100, Text: "Anywhere DENY IN 198.51.100.100", Action: "deny", Direction: "in", From: "198.51.100.100"},
	}, {
		name: "log-all, out, comment",
		line: "[ 7] 192.0.2.1 443/tcp          ALLOW OUT   Anywhere on eth0           (log-all, out) # out to api",
		want: Rule{Number: 7, Text: "192.0.2.1 443/tcp ALLOW OUT Anywhere on eth0 (log-all, out) # out to api", Action: "allow", Direction: "out",
			Ports: []PortRange{pr(443, 443)}, Proto: "tcp", To: "192.0.2.1", From: "Anywhere", FromAnywhere: true, Interface: "eth0", Comment: "out to api"},
	}, {
		name: "comment with # in it",
		line: "8443/tcp                   ALLOW IN    Anywhere                   # my app #1 ü",
		want: Rule{Number: 1, Text: "8443/tcp ALLOW IN Anywhere # my app #1 ü", Action: "allow", Direction: "in",
			Ports: []PortRange{pr(8443, 8443)}, Proto: "tcp", From: "Anywhere", FromAnywhere: true, Comment: "my app #1 ü"},
	}, {
		name: "source application, verbose",
		line: "Anywhere                   ALLOW IN    10.0.0.5 22/tcp (OpenSSH) ",
		want: Rule{Number: 1, Text: "Anywhere ALLOW IN 10.0.0.5 22/tcp (OpenSSH)", Action: "allow", Direction: "in", Proto: "tcp", From: "10.0.0.5"},
	}, {
		name: "source port only: still from anywhere",
		line: "67/udp                     ALLOW IN    68/udp                    ",
		want: Rule{Number: 1, Text: "67/udp ALLOW IN 68/udp", Action: "allow", Direction: "in",
			Ports: []PortRange{pr(67, 67)}, Proto: "udp", From: "Anywhere", FromAnywhere: true},
	}, {
		name: "protocol without ports",
		line: "Anywhere/tcp (v6)          ALLOW IN    Anywhere/tcp (v6)         ",
		want: Rule{Number: 1, Text: "Anywhere/tcp (v6) ALLOW IN Anywhere/tcp (v6)", Action: "allow", Direction: "in", Proto: "tcp", From: "Anywhere", FromAnywhere: true, V6: true},
	}, {
		name: "protocol on an address",
		line: "Anywhere                   ALLOW IN    198.51.100.1/esp          ",
		want: Rule{Number: 1, Text: "Anywhere ALLOW IN 198.51.100.1/esp", Action: "allow", Direction: "in", Proto: "esp", From: "198.51.100.1"},
	}, {
		name: "dotted netmask",
		line: "Anywhere                   ALLOW IN    10.0.0.0/255.0.255.0      ",
		want: Rule{Number: 1, Text: "Anywhere ALLOW IN 10.0.0.0/255.0.255.0", Action: "allow", Direction: "in", From: "10.0.0.0/255.0.255.0"},
	}, {
		name: "route rule: in interface under From",
		line: "10.0.0.0/8 80/tcp on eth1  ALLOW FWD   Anywhere on eth0          ",
		want: Rule{Number: 1, Text: "10.0.0.0/8 80/tcp on eth1 ALLOW FWD Anywhere on eth0", Action: "allow", Direction: "fwd",
			Ports: []PortRange{pr(80, 80)}, Proto: "tcp", To: "10.0.0.0/8", From: "Anywhere", FromAnywhere: true, Interface: "eth0"},
	}, {
		name: "route rule with only an out interface",
		line: "Anywhere on eth1           DENY FWD    Anywhere                   (out)",
		want: Rule{Number: 1, Text: "Anywhere on eth1 DENY FWD Anywhere (out)", Action: "deny", Direction: "fwd", From: "Anywhere", FromAnywhere: true, Interface: "eth1"},
	}, {
		name: "outgoing rule: out interface under From",
		line: "53                         ALLOW OUT   Anywhere on eth0          ",
		want: Rule{Number: 1, Text: "53 ALLOW OUT Anywhere on eth0", Action: "allow", Direction: "out",
			Ports: []PortRange{pr(53, 53)}, From: "Anywhere", FromAnywhere: true, Interface: "eth0"},
	}, {
		name: "plain status has no IN",
		line: "22,80,1000:1005/tcp        LIMIT       10.0.0.0/8                ",
		want: Rule{Number: 1, Text: "22,80,1000:1005/tcp LIMIT 10.0.0.0/8", Action: "limit", Direction: "in",
			Ports: []PortRange{pr(22, 22), pr(80, 80), pr(1000, 1005)}, Proto: "tcp", From: "10.0.0.0/8"},
	}, {
		name: "ufw 0.31: v6 twin marked only in From, no padding",
		line: "22                         ALLOW IN    Anywhere (v6)",
		want: Rule{Number: 1, Text: "22 ALLOW IN Anywhere (v6)", Action: "allow", Direction: "in",
			Ports: []PortRange{pr(22, 22)}, From: "Anywhere", FromAnywhere: true, V6: true},
	}, {
		name: "destination address without port",
		line: "10.1.1.1 on eth0           DENY IN     Anywhere                  ",
		want: Rule{Number: 1, Text: "10.1.1.1 on eth0 DENY IN Anywhere", Action: "deny", Direction: "in",
			To: "10.1.1.1", From: "Anywhere", FromAnywhere: true, Interface: "eth0"},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseStatus(tableHead + tt.line + "\n")
			if err != nil {
				t.Fatal(err)
			}
			if len(got.Rules) != 1 {
				t.Fatalf("got %d rules, want 1", len(got.Rules))
			}
			if d := cmp.Diff(tt.want, got.Rules[0], ignoreKey); d != "" {
				t.Errorf("(-want +got)\n%s", d)
			}
		})
	}
}

func TestParseStatusHeader(t *testing.T) {
	tests := []struct {
		name, in string
		want     Status
	}{
		{"inactive", "Status: inactive\n", Status{Rules: []Rule{}}},
		{"inactive without newline", "Status: inactive", Status{Rules: []Rule{}}},
		{"active, no rules", "Status: active\n", Status{Active: true, Rules: []Rule{}}},
		{"logging unknown", "Status: active\nLogging: unknown\nDefault: reject (incoming), deny (outgoing), allow (routed)\nNew profiles: reject\n",
			Status{Active: true, Logging: "unknown", Incoming: "reject", Outgoing: "deny", Routed: "allow", Rules: []Rule{}}},
		{"ufw 0.31 defaults", "Status: active\nLogging: off\nDefault: allow (incoming), allow (outgoing)\n",
			Status{Active: true, Logging: "off", Incoming: "allow", Outgoing: "allow", Rules: []Rule{}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseStatus(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tt.want, got, ignoreKey); d != "" {
				t.Errorf("(-want +got)\n%s", d)
			}
		})
	}
}

func TestParseStatusErrors(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"empty", "", "empty output"},
		{"not root", "ERROR: You need to be root to run this script\n", `line 1 "ERROR: You need to be root`},
		{"translated", "Zustand: aktiv\n", "line 1"},
		{"after inactive", "Status: inactive\n\nTo  Action  From\n", "line 3"},
		{"bad logging", "Status: active\nLogging: on (loud)\n", `line 2 "Logging: on (loud)": unknown logging`},
		{"bad defaults", "Status: active\nDefault: deny (incoming)\n", "line 2"},
		{"bad policy", "Status: active\nDefault: drop (incoming), allow (outgoing), disabled (routed)\n", "line 2"},
		{"repeated line", "Status: active\nLogging: off\nLogging: off\n", "line 3"},
		{"warning", "Status: active\nWARN: Duplicate profile 'X', using last found\n", "line 2"},
		{"rule before the table", "Status: active\n22/tcp                     ALLOW IN    Anywhere\n", "line 2"},
		{"no dashes", "Status: active\n\nTo                         Action      From\n22/tcp                     ALLOW IN    Anywhere\n", "line 4"},
		{"header at the end", "Status: active\n\nTo                         Action      From\n", "without its"},
		{"unknown action", tableHead + "22/tcp                     PERMIT IN   Anywhere\n", "line 5"},
		{"bad port", tableHead + "99999/tcp                  ALLOW IN    Anywhere\n", `bad port "99999"`},
		{"bad range", tableHead + "2000:1000/tcp              ALLOW IN    Anywhere\n", "bad port"},
		{"junk in To", tableHead + "22/tcp junk                ALLOW IN    Anywhere\n", "line 5"},
		{"junk after Anywhere", tableHead + "Anywhere 22                ALLOW IN    Anywhere\n", "after Anywhere"},
		{"numbered and not", tableHead + "[ 1] 22/tcp                     ALLOW IN    Anywhere\n23                         DENY IN     Anywhere\n", "mixed"},
		{"out on an incoming rule", tableHead + "25                         ALLOW IN    Anywhere                   (out)\n", "line 5"},
		{"two protocols", tableHead + "22/tcp                     ALLOW IN    68/udp\n", "protocols"},
		{"empty From", tableHead + "22/tcp                     ALLOW IN      # c\n", "line 5"},
		{"application without ports", tableHead + "Anywhere (OpenSSH)         ALLOW IN    Anywhere\n", "line 5"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseStatus(tt.in)
			if err == nil {
				t.Fatalf("no error, got %+v", got)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not contain %q", err, tt.want)
			}
		})
	}
}

// canonical is a rule without the fields that depend on where it was read.
func canonical(r Rule) Rule {
	r.Number, r.File, r.Line = 0, "", 0
	return r
}

func sortedJSON(t *testing.T, rules []Rule) []string {
	t.Helper()
	var s []string
	for _, r := range rules {
		b, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		s = append(s, string(b))
	}
	sort.Strings(s)
	return s
}

func mustStatus(t *testing.T, name string) Status {
	t.Helper()
	st, err := ParseStatus(string(readTestdata(t, name)))
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// TestFormatsAgree checks, scenario by scenario, that the verbose,
// numbered and plain outputs ufw printed and the rules files it wrote give
// the same rules.
func TestFormatsAgree(t *testing.T) {
	for _, p := range rulesPairs {
		if p.name == "legacy" {
			continue
		}
		t.Run(p.name, func(t *testing.T) {
			files, err := ParseRulesFiles(readTestdata(t, p.v4), readTestdata(t, p.v6), p.v4, p.v6)
			if err != nil {
				t.Fatal(err)
			}
			verbose := mustStatus(t, "status-verbose-0.36.2-"+p.name+".txt")
			numbered := mustStatus(t, "status-numbered-0.36.2-"+p.name+".txt")
			plain := mustStatus(t, "status-plain-0.36.2-"+p.name+".txt")

			// Verbose shows every rule of the files, Text included,
			// grouped by direction.
			var fromFiles, fromVerbose []Rule
			for _, r := range files {
				fromFiles = append(fromFiles, canonical(r))
			}
			for _, r := range verbose.Rules {
				fromVerbose = append(fromVerbose, canonical(r))
			}
			if d := cmp.Diff(sortedJSON(t, fromFiles), sortedJSON(t, fromVerbose), ignoreKey); d != "" {
				t.Errorf("files and verbose differ (-files +verbose)\n%s", d)
			}

			// Numbered shows them in file order, one line per
			// application tuple, with names instead of ports.
			var want []Rule
			for _, r := range files {
				if len(want) > 0 && want[len(want)-1].Number == r.Number {
					continue
				}
				r.Text, r.File, r.Line = "", "", 0
				if r.App != "" {
					r.Ports, r.Proto = nil, ""
				}
				want = append(want, r)
			}
			var got []Rule
			for k, r := range numbered.Rules {
				r.Text = ""
				if k < len(want) && r.Proto == "" && want[k].Ports == nil {
					want[k].Proto = "" // a source application: its protocol is not shown
				}
				got = append(got, r)
			}
			if d := cmp.Diff(want, got, ignoreKey); d != "" {
				t.Errorf("files and numbered differ (-files +numbered)\n%s", d)
			}

			// Plain is numbered without IN, grouped by direction.
			var n, pl []Rule
			for _, r := range numbered.Rules {
				r.Text = ""
				n = append(n, canonical(r))
			}
			for _, r := range plain.Rules {
				r.Text = ""
				pl = append(pl, canonical(r))
			}
			if d := cmp.Diff(sortedJSON(t, n), sortedJSON(t, pl), ignoreKey); d != "" {
				t.Errorf("numbered and plain differ (-numbered +plain)\n%s", d)
			}
		})
	}

	t.Run("forwarding changes only the routed policy", func(t *testing.T) {
		off := mustStatus(t, "status-verbose-0.36.2-odd.txt")
		on := mustStatus(t, "status-verbose-0.36.2-odd-forwarding.txt")
		if off.Routed != "disabled" || on.Routed != "allow" {
			t.Errorf("routed %q and %q, want disabled and allow", off.Routed, on.Routed)
		}
		off.Routed = on.Routed
		if d := cmp.Diff(off, on, ignoreKey); d != "" {
			t.Errorf("(-off +on)\n%s", d)
		}
	})
}

func TestParseRulesFiles(t *testing.T) {
	v4 := "# a comment\n### tuple ### route:limit_log-all tcp 22 10.0.0.1 1024:2000 10.0.0.0/8 OpenSSH - in_eth0!out_eth1 comment=6869\n"
	v6 := "\n### tuple ### deny any any ::/0 any 2001:db8::/32 out_wg0\n"
	got, err := ParseRulesFiles([]byte(v4), []byte(v6), "u4", "u6")
	if err != nil {
		t.Fatal(err)
	}
	want := []Rule{{
		Number: 1, File: "u4", Line: 2,
		Text:   "10.0.0.1 22/tcp (OpenSSH) on eth1 LIMIT FWD 10.0.0.0/8 1024:2000/tcp on eth0 (log-all) # hi",
		Action: "limit", Direction: "fwd", Ports: []PortRange{pr(22, 22)}, Proto: "tcp", App: "OpenSSH",
		To: "10.0.0.1", From: "10.0.0.0/8", Interface: "eth0", Comment: "hi",
	}, {
		Number: 2, File: "u6", Line: 2,
		Text:   "Anywhere (v6) DENY OUT 2001:db8::/32 on wg0",
		Action: "deny", Direction: "out", From: "2001:db8::/32", V6: true, Interface: "wg0",
	}}
	if d := cmp.Diff(want, got, ignoreKey); d != "" {
		t.Errorf("(-want +got)\n%s", d)
	}

	if got, err := ParseRulesFiles(nil, nil, "u4", "u6"); err != nil || got == nil || len(got) != 0 {
		t.Errorf("no files: got %v, %v; want an empty list", got, err)
	}
}

func TestParseRulesFilesErrors(t *testing.T) {
	tests := []struct{ name, v4, v6, want string }{
		{"short", "### tuple ### allow tcp 22 0.0.0.0/0 any\n", "", "u4:1: tuple of 5 fields"},
		{"long", "### tuple ### allow tcp 22 0.0.0.0/0 any 0.0.0.0/0 - - in x\n", "", "u4:1: tuple of 10 fields"},
		{"action", "\n### tuple ### permit tcp 22 0.0.0.0/0 any 0.0.0.0/0 in\n", "", `u4:2: unknown action "permit"`},
		{"log type", "### tuple ### allow_loud tcp 22 0.0.0.0/0 any 0.0.0.0/0 in\n", "", "log type"},
		{"port", "### tuple ### allow tcp 70000 0.0.0.0/0 any 0.0.0.0/0 in\n", "", "bad port"},
		{"address", "### tuple ### allow tcp 22 0.0.0.0/0 any example.com in\n", "", "bad address"},
		{"v6 address in user.rules", "### tuple ### allow tcp 22 ::/0 any ::/0 in\n", "", "bad address"},
		{"v4 address in user6.rules", "", "### tuple ### allow tcp 22 0.0.0.0/0 any 0.0.0.0/0 in\n", "u6:1: bad address"},
		{"direction", "### tuple ### allow tcp 22 0.0.0.0/0 any 0.0.0.0/0 sideways\n", "", "bad direction"},
		{"interface", "### tuple ### allow tcp 22 0.0.0.0/0 any 0.0.0.0/0 in_\n", "", "bad direction"},
		{"two interfaces backwards", "### tuple ### allow tcp 22 0.0.0.0/0 any 0.0.0.0/0 out_eth0!in_eth1\n", "", "bad direction"},
		// Found by FuzzParseRulesFiles: ufw writes an application with its ports.
		{"application without ports", "", "### tuple ###deny any any :: any ::/0 o 00A\n", "u6:1: application without ports"},
		{"source application without ports", "### tuple ### allow tcp 22 0.0.0.0/0 any 0.0.0.0/0 - OpenSSH in\n", "", "application without ports"},
		{"application", "### tuple ### allow tcp 22 0.0.0.0/0 any 0.0.0.0/0 Open(SSH) - in\n", "", "bad application"},
		{"comment", "### tuple ### allow tcp 22 0.0.0.0/0 any 0.0.0.0/0 in comment=zz\n", "", "bad comment"},
		{"two comments", "### tuple ### allow tcp 22 0.0.0.0/0 any 0.0.0.0/0 in comment=61 comment=62\n", "", "more than one"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseRulesFiles([]byte(tt.v4), []byte(tt.v6), "u4", "u6")
			if err == nil {
				t.Fatalf("no error, got %+v", got)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not contain %q", err, tt.want)
			}
		})
	}
}

func TestHexDecode(t *testing.T) {
	tests := []struct{ in, want string }{
		{"776562", "web"},
		{"7765626", "web"}, // odd length: the last digit is dropped
		{"6d792061707020233120c3bc", "my app #1 ü"},
		{"736e6d70ff", `snmp\xff`}, // not UTF-8
	}
	for _, tt := range tests {
		got, err := hexDecode(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("hexDecode(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
}

func TestParseDefaults(t *testing.T) {
	tests := []struct {
		name, in                   string
		incoming, outgoing, routed string
		ipv6                       bool
		err                        string
	}{
		{name: "default-ufw", in: string(readTestdata(t, "default-ufw")), incoming: "deny", outgoing: "allow", routed: "deny", ipv6: true},
		{name: "default-ufw-odd", in: string(readTestdata(t, "default-ufw-odd")), incoming: "reject", outgoing: "deny", routed: "allow", ipv6: true},
		{name: "default-ufw-noipv6", in: string(readTestdata(t, "default-ufw-noipv6")), incoming: "allow", outgoing: "deny", routed: "allow"},
		{name: "lower case, single quotes, last wins", in: "IPV6=YES\nDEFAULT_INPUT_POLICY='drop'\nDEFAULT_OUTPUT_POLICY=accept\nDEFAULT_FORWARD_POLICY=REJECT\nDEFAULT_INPUT_POLICY=\"REJECT\"\n",
			incoming: "reject", outgoing: "allow", routed: "reject", ipv6: true},
		{name: "indented lines are not settings", in: "  DEFAULT_INPUT_POLICY=DROP\nDEFAULT_OUTPUT_POLICY=ACCEPT\nDEFAULT_FORWARD_POLICY=DROP\n", err: "no DEFAULT_INPUT_POLICY"},
		{name: "missing", in: "DEFAULT_INPUT_POLICY=DROP\nDEFAULT_OUTPUT_POLICY=ACCEPT\n", err: "no DEFAULT_FORWARD_POLICY"},
		{name: "invalid", in: "DEFAULT_INPUT_POLICY=DENY\nDEFAULT_OUTPUT_POLICY=ACCEPT\nDEFAULT_FORWARD_POLICY=DROP\n", err: `DEFAULT_INPUT_POLICY="DENY"`},
		{name: "empty", in: "", err: "no DEFAULT_INPUT_POLICY"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in, out, routed, ipv6, err := ParseDefaults([]byte(tt.in))
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("error %v, want one containing %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got := []any{in, out, routed, ipv6}
			want := []any{tt.incoming, tt.outgoing, tt.routed, tt.ipv6}
			if d := cmp.Diff(want, got, ignoreKey); d != "" {
				t.Errorf("(-want +got)\n%s", d)
			}
		})
	}
}

func TestParseConf(t *testing.T) {
	tests := []struct {
		name, in string
		enabled  bool
		level    string
		err      bool
	}{
		{name: "ufw.conf", in: string(readTestdata(t, "ufw.conf")), enabled: true, level: "medium"},
		{name: "ufw.conf-disabled", in: string(readTestdata(t, "ufw.conf-disabled")), level: "low"},
		{name: "ufw.conf-off", in: string(readTestdata(t, "ufw.conf-off")), enabled: true, level: "off"},
		{name: "ufw.conf-low", in: string(readTestdata(t, "ufw.conf-low")), enabled: true, level: "low"},
		{name: "quoted YES, level upper case", in: "ENABLED=\"YES\"\nLOGLEVEL=HIGH\n", enabled: true, level: "high"},
		{name: "Yes is not yes for ufw-init", in: "ENABLED=Yes\nLOGLEVEL=full\n", level: "full"},
		{name: "invalid level", in: "ENABLED=yes\nLOGLEVEL=loud\n", enabled: true, level: "unknown"},
		{name: "no level", in: "ENABLED=no\n", level: "unknown"},
		{name: "not a ufw.conf", in: "# nothing\n", err: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			enabled, level, err := ParseConf([]byte(tt.in))
			if (err != nil) != tt.err {
				t.Fatalf("error %v, want error %v", err, tt.err)
			}
			if enabled != tt.enabled || level != tt.level {
				t.Errorf("got %v, %q; want %v, %q", enabled, level, tt.enabled, tt.level)
			}
		})
	}
}

func TestParseSS(t *testing.T) {
	tests := []struct {
		file string
		want []Socket
	}{{
		file: "ss-Hltnp-iproute2-6.1.txt",
		want: []Socket{
			{Addr: "127.0.0.1", Port: 57999, Loopback: true, Process: "python3"},
			{Addr: "127.0.0.1", Port: 57432, Loopback: true, Process: "postgres"},
			{Addr: "127.0.0.1", Port: 57433, Loopback: true, Process: "postgres"},
			{Addr: "127.0.0.1", Port: 57434, Loopback: true, Process: "postgres"},
			{Addr: "0.0.0.0", Port: 2024},
			{Addr: "127.0.0.1", Port: 57022, Loopback: true, Process: "sshd"},
			{Addr: "127.0.0.1", Port: 55432, Loopback: true, Process: "postgres"},
			{Addr: "127.0.0.1", Port: 55433, Loopback: true, Process: "postgres"},
			{Addr: "::1", Port: 57433, Loopback: true, Process: "postgres"},
		},
	}, {
		file: "ss-Hltnp-iproute2-5.15-ubuntu22.04.txt",
		want: []Socket{
			{Addr: "127.0.0.53%lo", Port: 53, Loopback: true, Process: "systemd-resolve"},
			{Addr: "127.0.0.54", Port: 53, Loopback: true, Process: "systemd-resolve"},
			{Addr: "0.0.0.0", Port: 22, Process: "sshd"},
			{Addr: "0.0.0.0", Port: 80, Process: "nginx"},
			{Addr: "127.0.0.1", Port: 5432, Loopback: true, Process: "postgres"},
			{Addr: "0.0.0.0%wg0", Port: 9100, Process: "node_exporter"},
			{Addr: "::", Port: 22, V6Only: true, Process: "sshd"},
			{Addr: "::", Port: 80, V6Only: true, Process: "nginx"},
			{Addr: "*", Port: 8080, Process: "apache2"},
			{Addr: "127.0.0.1", Port: 6379, Loopback: true, Process: "redis-server"}, // IPv4-mapped: IPv4 rules apply
			{Addr: "fe80::1%eth0", Port: 8443, Process: "Web Content"},
			{Addr: "::1", Port: 631, Loopback: true},
		},
	}, {
		file: "ss-ltnp-iproute2-4.3-ubuntu16.04.txt",
		want: []Socket{
			{Addr: "*", Port: 22, Process: "sshd"},
			{Addr: "127.0.0.1", Port: 3306, Loopback: true, Process: "mysqld"},
			{Addr: "::", Port: 22, Process: "sshd"},
			{Addr: "::1", Port: 631, Loopback: true, Process: "cupsd"},
		},
	}}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			got, err := ParseSS(string(readTestdata(t, tt.file)))
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tt.want, got, ignoreKey); d != "" {
				t.Errorf("(-want +got)\n%s", d)
			}
		})
	}

	t.Run("old users format", func(t *testing.T) {
		got, err := ParseSS(`LISTEN 0 128 *:22 *:* users:(("sshd",1234,3))`)
		want := []Socket{{Addr: "*", Port: 22, Process: "sshd"}}
		if err != nil || !cmp.Equal(want, got) {
			t.Errorf("got %v, %v; want %v", got, err, want)
		}
	})
	// Found by a tester: a socket bound to lo is not exposed, and an
	// IPv4-mapped one is reached by IPv4 rules.
	t.Run("bound to lo, IPv4-mapped", func(t *testing.T) {
		got, err := ParseSS("LISTEN 0 5 0.0.0.0%lo:8089 0.0.0.0:*\nLISTEN 0 5 [::ffff:10.9.9.1]:8085 *:*\nLISTEN 0 5 [::ffff:10.9.9.1%eth0]:8086 *:*\n")
		want := []Socket{{Addr: "0.0.0.0%lo", Port: 8089, Loopback: true}, {Addr: "10.9.9.1", Port: 8085}, {Addr: "10.9.9.1%eth0", Port: 8086}}
		if d := cmp.Diff(want, got); err != nil || d != "" {
			t.Errorf("err %v, (-want +got)\n%s", err, d)
		}
	})
	t.Run("empty", func(t *testing.T) {
		if got, err := ParseSS("\n"); err != nil || got == nil || len(got) != 0 {
			t.Errorf("got %v, %v; want an empty list", got, err)
		}
	})
}

func TestParseSSErrors(t *testing.T) {
	for _, in := range []string{
		"Cannot open netlink socket: Protocol not supported",
		"ESTAB 0 0 10.0.0.1:22 10.0.0.2:50000",
		"LISTEN 0 128 0.0.0.0 0.0.0.0:*",
		"LISTEN 0 128 0.0.0.0:ssh 0.0.0.0:*",
		"LISTEN 0 128 0.0.0.0:70000 0.0.0.0:*",
		"LISTEN 0 128 example:22 0.0.0.0:*",
		"LISTEN 0 128 [::1:22 [::]:*",
		"LISTEN x 128 0.0.0.0:22 0.0.0.0:*",
		"LISTEN 0 128 0.0.0.0:22 0.0.0.0:* users:(garbage)",
	} {
		if got, err := ParseSS(in); err == nil || !strings.Contains(err.Error(), "line 1") {
			t.Errorf("ParseSS(%q) = %v, %v; want an error naming line 1", in, got, err)
		}
	}
}

func TestParseProcNetTCP(t *testing.T) {
	tests := []struct {
		file string
		v6   bool
		want []Socket
	}{{
		file: "proc-net-tcp6-handwritten", v6: true,
		want: []Socket{
			{Addr: "::", Port: 22},
			{Addr: "::1", Port: 631, Loopback: true},
			{Addr: "127.0.0.1", Port: 6379, Loopback: true}, // IPv4-mapped: IPv4 rules apply
			{Addr: "2001:db8::1", Port: 443},
		},
	}, {
		file: "proc-net-tcp6", v6: true,
		want: []Socket{{Addr: "::1", Port: 57433, Loopback: true}},
	}}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			got, err := ParseProcNetTCP(string(readTestdata(t, tt.file)), tt.v6)
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tt.want, got, ignoreKey); d != "" {
				t.Errorf("(-want +got)\n%s", d)
			}
		})
	}

	// /proc/net/tcp was read with ss -Hltnp: the same IPv4 listeners.
	t.Run("agrees with ss", func(t *testing.T) {
		proc, err := ParseProcNetTCP(string(readTestdata(t, "proc-net-tcp")), false)
		if err != nil {
			t.Fatal(err)
		}
		ss, err := ParseSS(string(readTestdata(t, "ss-Hltnp-iproute2-6.1.txt")))
		if err != nil {
			t.Fatal(err)
		}
		key := func(s []Socket, v4 bool) []string {
			var k []string
			for _, x := range s {
				if v4 == !strings.Contains(x.Addr, ":") {
					k = append(k, fmt.Sprintf("%s:%d:%v", x.Addr, x.Port, x.Loopback))
				}
			}
			sort.Strings(k)
			return k
		}
		if d := cmp.Diff(key(ss, true), key(proc, true), ignoreKey); d != "" {
			t.Errorf("(-ss +proc)\n%s", d)
		}
	})
}

func TestParseProcNetTCPErrors(t *testing.T) {
	tests := []struct {
		in string
		v6 bool
	}{
		{"   0: 0100007F:0035 00000000:0000 0A", true},  // v4 address in tcp6
		{"   0: 0100007F:0035 00000000:0000 ZZ", false}, // bad state
		{"   0: 0100007F 00000000:0000 0A", false},      // no port
		{"   0: 0100007G:0035 00000000:0000 0A", false}, // bad hex
		{"   0: 0100007F:35 00000000:0000 0A", false},   // short port
		{"garbage", false},
	}
	for _, tt := range tests {
		if got, err := ParseProcNetTCP(tt.in, tt.v6); err == nil {
			t.Errorf("ParseProcNetTCP(%q, %v) = %v, want an error", tt.in, tt.v6, got)
		}
	}
}

// checkRules checks what any successfully parsed rule must be.
func checkRules(t *testing.T, rules []Rule) {
	t.Helper()
	for _, r := range rules {
		if !oneOf(r.Action, "allow", "deny", "reject", "limit") || !oneOf(r.Direction, "in", "out", "fwd") {
			t.Fatalf("rule %+v: bad action or direction", r)
		}
		if r.Number < 1 || r.Text == "" || r.From == "" || r.FromAnywhere != (r.From == "Anywhere") {
			t.Fatalf("rule %+v: bad number, text or from", r)
		}
		for _, p := range r.Ports {
			if p.From < 0 || p.From > p.To || p.To > 65535 {
				t.Fatalf("rule %+v: bad port range", r)
			}
		}
	}
}

func FuzzParseStatus(f *testing.F) {
	for _, name := range statusFiles(f) {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(b))
	}
	f.Add(tableHead + "[ 1] 80,443/tcp (Nginx Full (v6)) ALLOW IN    Anywhere (v6)              (log, out) # x # y\n")
	f.Fuzz(func(t *testing.T, out string) {
		st, err := ParseStatus(out)
		if err != nil {
			return
		}
		if !st.Active && len(st.Rules) > 0 {
			t.Fatal("rules while inactive")
		}
		checkRules(t, st.Rules)
	})
}

// actionRe finds the action column in a rule's Text.
var actionRe = regexp.MustCompile(` (?:ALLOW|DENY|REJECT|LIMIT) (?:IN|OUT|FWD) `)

func FuzzParseRulesFiles(f *testing.F) {
	for _, p := range rulesPairs {
		f.Add(readTestdata(f, p.v4), readTestdata(f, p.v6))
	}
	f.Add([]byte("### tuple ### route:limit_log-all tcp 22 10.0.0.1 1024:2000 10.0.0.0/8 OpenSSH - in_eth0!out_eth1 comment=6869\n"), []byte("### tuple ### deny any any ::/0 any ::/0 out_wg0\n"))
	f.Fuzz(func(t *testing.T, v4, v6 []byte) {
		rules, err := ParseRulesFiles(v4, v6, "user.rules", "user6.rules")
		if err != nil {
			return
		}
		checkRules(t, rules)
		for _, r := range rules {
			if r.V6 != (r.File == "user6.rules") || r.Line < 1 {
				t.Fatalf("rule %+v: bad file, line or v6", r)
			}
			// Text is what ufw status verbose would show: laid out in
			// ufw's columns, it must read back as the same rule.
			m := actionRe.FindAllStringIndex(r.Text, -1)
			if len(m) != 1 {
				continue // an application name with an action in it
			}
			line := fmt.Sprintf("%-26s %-12s%s", r.Text[:m[0][0]], r.Text[m[0][0]+1:m[0][1]-1], r.Text[m[0][1]:])
			st, err := ParseStatus(tableHead + line + "\n")
			if err != nil {
				t.Fatalf("rule %+v: its Text does not parse: %v", r, err)
			}
			want := r
			want.Number, want.File, want.Line = 1, "", 0
			if d := cmp.Diff(want, st.Rules[0], ignoreKey); d != "" {
				t.Fatalf("rule from %q (-files +status)\n%s", line, d)
			}
		}
	})
}

func FuzzParseSS(f *testing.F) {
	for _, name := range []string{"ss-Hltnp-iproute2-6.1.txt", "ss-Hltnp-iproute2-5.15-ubuntu22.04.txt", "ss-ltnp-iproute2-4.3-ubuntu16.04.txt", "proc-net-tcp", "proc-net-tcp6", "proc-net-tcp6-handwritten"} {
		f.Add(string(readTestdata(f, name)))
	}
	f.Fuzz(func(t *testing.T, out string) {
		check := func(socks []Socket, err error) {
			if err != nil {
				return
			}
			for _, s := range socks {
				if s.Port < 0 || s.Port > 65535 || s.Addr == "" {
					t.Fatalf("bad socket %+v", s)
				}
			}
		}
		check(ParseSS(out))
		check(ParseProcNetTCP(out, false))
		check(ParseProcNetTCP(out, true))
	})
}

// TestRenumber gives verbose rules the numbers ufw shows in `ufw status
// numbered` of the same rule set: the ones `ufw delete N` takes.
func TestRenumber(t *testing.T) {
	parse := func(name string) []Rule {
		st, err := ParseStatus(string(readTestdata(t, name)))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		return st.Rules
	}
	// Verbose lists incoming, outgoing, then routed rules, and each
	// protocol of an application profile on a line of its own.
	rules := parse("status-verbose-0.36.2-apps.txt")
	if !Renumber(rules, parse("status-numbered-0.36.2-apps.txt")) {
		t.Fatal("Renumber found no counterpart for a rule")
	}
	want := []int{1, 1, 3, 5, 6, 8, 9, 10, 10, 12, 13, 14, 15, 2, 7, 11, 4}
	var got []int
	for _, r := range rules {
		got = append(got, r.Number)
	}
	if !slices.Equal(got, want) {
		t.Errorf("numbers %v, want %v", got, want)
	}
	// Every recorded pair maps whole, each number to the rule ufw shows.
	for _, set := range []string{"brief", "empty", "noipv6", "odd"} {
		rules, numbered := parse("status-verbose-0.36.2-"+set+".txt"), parse("status-numbered-0.36.2-"+set+".txt")
		if !Renumber(rules, numbered) {
			t.Errorf("%s: Renumber found no counterpart for a rule", set)
			continue
		}
		for _, r := range rules {
			n := numbered[slices.IndexFunc(numbered, func(x Rule) bool { return x.Number == r.Number })]
			if n.Action != r.Action || n.Direction != r.Direction || n.From != r.From || n.V6 != r.V6 {
				t.Errorf("%s: %q numbered %d, which is %q", set, r.Text, r.Number, n.Text)
			}
		}
	}
	// A rule the numbered listing lacks (it changed in between) leaves the
	// numbers alone.
	rules = parse("status-verbose-0.36.2-apps.txt")
	before := slices.Clone(rules)
	if Renumber(rules, parse("status-numbered-0.36.2-brief.txt")) || !slices.EqualFunc(rules, before, func(a, b Rule) bool { return a.Number == b.Number }) {
		t.Error("Renumber with another rule set changed the numbers")
	}
}

// BenchmarkParseStatus reads and renumbers the recorded verbose and
// numbered status of a host with application profiles and every kind of
// rule.
func BenchmarkParseStatus(b *testing.B) {
	verbose := string(readTestdata(b, "status-verbose-0.36.2-odd.txt"))
	numbered := string(readTestdata(b, "status-numbered-0.36.2-odd.txt"))
	for b.Loop() {
		v, err := ParseStatus(verbose)
		if err != nil {
			b.Fatal(err)
		}
		n, err := ParseStatus(numbered)
		if err != nil {
			b.Fatal(err)
		}
		if !Renumber(v.Rules, n.Rules) {
			b.Fatal("no counterpart for a rule")
		}
	}
}
