package ufw

// testdata/iptables-save-ufw-docker.txt and testdata/ip6tables-save-ufw.txt
// are real outputs of iptables-save and ip6tables-save v1.8.9 (nf_tables),
// recorded in a throw-away network namespace (Debian 12) after
//
//	ufw --force reset; ufw limit 22/tcp; ufw allow 443/tcp; ufw --force enable
//	iptables -A INPUT -p tcp --dport 5432 -j ACCEPT
//
// and the chains and rules dockerd sets up for docker0 with a container
// publishing 8080->80 on every address and another 6379 on 127.0.0.1 only
// (DOCKER, DOCKER-USER, DOCKER-ISOLATION-STAGE-1/2 in filter; PREROUTING,
// OUTPUT, POSTROUTING and DOCKER in nat), added by hand with iptables.
//
// testdata/iptables-save-ufw-chains.txt and iptables-save-ufw-chains-v6.txt
// (the output of ip6tables-save) are real outputs of the same versions,
// recorded the same way after
//
//	ufw --force reset; ufw limit 22/tcp; ufw --force enable
//	iptables -N MYCHAIN
//	iptables -A MYCHAIN -p tcp --dport 5432 -j ACCEPT
//	iptables -I INPUT -s 10.0.0.0/8 -j MYCHAIN
//	iptables -I ufw-before-input -p tcp --dport 9000 -j ACCEPT
//	iptables -t nat -N NETAVARK-HOSTPORT-DNAT
//	iptables -t nat -A NETAVARK-HOSTPORT-DNAT -p tcp --dport 8443 -j DNAT --to-destination 10.88.0.2:443
//	ip6tables -A ufw6-after-input -p udp --dport 51820 -j ACCEPT
//
// testdata/iptables-save-ufw-kernel.txt and iptables-save-ufw-kernel-v6.txt
// (the output of ip6tables-save) are real outputs of the same versions (ufw
// 0.36.2), recorded in a network namespace with copies of /etc/ufw and
// /etc/default/ufw bind-mounted over the originals, after
//
//	ufw --force reset; ufw limit 22/tcp; ufw allow 443/tcp
//	ufw allow from 10.0.0.5 to any port 5432 proto tcp; ufw --force enable
//	iptables -I ufw-user-input -p tcp --dport 6432 -j ACCEPT
//	iptables -t nat -A PREROUTING -i eth0 -p tcp --dport 8081 -j DNAT --to-destination 10.0.0.2:80
//	iptables -t nat -N DOCKER
//	iptables -t nat -A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER
//	iptables -t nat -A DOCKER ! -i docker0 -p tcp --dport 8000:8010 -j DNAT --to-destination 172.17.0.2:80
//
// testdata/iptables-save-ufw-kernel-kube.txt and
// iptables-save-ufw-kernel-kube-v6.txt were recorded the same way after
//
//	ufw --force reset; ufw logging high; ufw limit 22/tcp; ufw allow log 80/tcp
//	ufw allow in on eth0 to any port 8443 proto tcp; ufw deny 23/tcp
//	ufw allow 1000:2000/udp; ufw allow from 192.168.1.0/24; ufw --force enable
//	iptables -I INPUT -p udp --dport 4789 -m conntrack --ctstate UNTRACKED -j ACCEPT
//
// and kube-proxy's nat chains for a ClusterIP service (kube-dns, 10.96.0.10
// tcp/53) and a NodePort one (web, 10.96.0.20 tcp/80, node port 30080),
// added by hand with iptables -t nat (KUBE-SERVICES, KUBE-NODEPORTS,
// KUBE-SVC-*, KUBE-SEP-*, KUBE-EXT-WEB, KUBE-MARK-MASQ), and a PREROUTING
// DNAT on 127.0.0.1.
//
// testdata/iptables-save-ufw-kernel-nft.txt is iptables-save's output
// after
//
//	ufw --force reset; ufw allow 443/tcp; ufw --force enable
//	nft add rule ip filter INPUT tcp dport vmap { 5432 : accept }
//
// (the vmap rule is printed "-A INPUT -p tcp"), and
// iptables-save-ufw-kernel-incompatible.txt the same with
//
//	nft add rule ip filter INPUT ct state new,untracked tcp dport 82 accept
//
// instead (the whole filter table is then a comment).

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// iptTestdata are the recorded outputs, v6 for ip6tables-save.
var iptTestdata = []struct {
	name string
	v6   bool
}{
	{"iptables-save-ufw-docker.txt", false},
	{"ip6tables-save-ufw.txt", true},
	{"iptables-save-ufw-chains.txt", false},
	{"iptables-save-ufw-chains-v6.txt", true},
	{"iptables-save-ufw-kernel.txt", false},
	{"iptables-save-ufw-kernel-v6.txt", true},
	{"iptables-save-ufw-kernel-kube.txt", false},
	{"iptables-save-ufw-kernel-kube-v6.txt", true},
	{"iptables-save-ufw-kernel-nft.txt", false},
	{"iptables-save-ufw-kernel-incompatible.txt", false},
}

func iptRead(t testing.TB, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// iptIgnore ignores what Rule keeps for other parsers.
var iptIgnore = cmpopts.IgnoreUnexported(Rule{})

func iptPR(from, to int) PortRange { return PortRange{From: from, To: to} }

// TestParseIptablesSaveRecorded spells out what the recorded outputs give:
// the kernel's copy of ufw's rules (UFW), with the rule added by hand to
// ufw-user-input; the foreign INPUT rules, the ACCEPTs added to a user
// chain INPUT jumps to and to ufw's before/after chains; the DNATs of
// PREROUTING, of a NodePort and of the ports Docker and podman publish on
// every address. Not the stock rules of ufw, before.rules, after.rules,
// before6.rules and after6.rules, nor the DNATs on 127.0.0.1 or to a
// ClusterIP.
func TestParseIptablesSaveRecorded(t *testing.T) {
	// r is an incoming allow from anywhere, of line n of File, tcp to ports
	// when any; edit changes it.
	r := func(v6 bool, n int, chain, text string, ports []PortRange, edit func(*Rule)) Rule {
		rule := Rule{
			File: "iptables-save", Line: n, Text: text, Action: "allow", Direction: "in",
			Ports: ports, Proto: "tcp", FromAnywhere: true, Chain: chain, UFW: strings.HasPrefix(chain, "ufw"),
		}
		if v6 {
			rule.File, rule.V6 = "ip6tables-save", true
		}
		if edit != nil {
			edit(&rule)
		}
		return rule
	}
	port := func(p int) []PortRange { return []PortRange{iptPR(p, p)} }
	tests := []struct {
		name string
		v6   bool
		want []Rule
	}{{
		name: "iptables-save-ufw-docker.txt",
		want: []Rule{
			r(false, 48, "INPUT", "-A INPUT -p tcp -m tcp --dport 5432 -j ACCEPT", port(5432), nil),
			r(false, 121, "ufw-user-input", "-A ufw-user-input -p tcp -m tcp --dport 443 -j ACCEPT", port(443), nil),
			r(false, 124, "ufw-user-limit-accept", "-A ufw-user-limit-accept -j ACCEPT", port(22), nil),
			r(false, 139, "DOCKER", "-A DOCKER ! -i docker0 -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172.17.0.2:80", port(8080), nil),
		},
	}, {
		name: "ip6tables-save-ufw.txt",
		v6:   true,
		want: []Rule{
			r(true, 142, "ufw6-user-input", "-A ufw6-user-input -p tcp -m tcp --dport 443 -j ACCEPT", port(443), nil),
			r(true, 145, "ufw6-user-limit-accept", "-A ufw6-user-limit-accept -j ACCEPT", port(22), nil),
		},
	}, {
		name: "iptables-save-ufw-chains.txt",
		want: []Rule{
			r(false, 58, "MYCHAIN", "-A MYCHAIN -p tcp -m tcp --dport 5432 -j ACCEPT", port(5432), func(r *Rule) { r.From, r.FromAnywhere = "10.0.0.0/8", false }),
			r(false, 74, "ufw-before-input", "-A ufw-before-input -p tcp -m tcp --dport 9000 -j ACCEPT", port(9000), func(r *Rule) { r.UFW = false }),
			r(false, 109, "ufw-user-limit-accept", "-A ufw-user-limit-accept -j ACCEPT", port(22), nil),
			r(false, 119, "NETAVARK-HOSTPORT-DNAT", "-A NETAVARK-HOSTPORT-DNAT -p tcp -m tcp --dport 8443 -j DNAT --to-destination 10.88.0.2:443", port(8443), nil),
		},
	}, {
		name: "iptables-save-ufw-chains-v6.txt",
		v6:   true,
		want: []Rule{
			r(true, 61, "ufw6-after-input", "-A ufw6-after-input -p udp -m udp --dport 51820 -j ACCEPT", port(51820), func(r *Rule) { r.Proto, r.UFW = "udp", false }),
			r(true, 145, "ufw6-user-limit-accept", "-A ufw6-user-limit-accept -j ACCEPT", port(22), nil),
		},
	}, {
		name: "iptables-save-ufw-kernel.txt",
		want: []Rule{
			r(false, 100, "ufw-user-input", "-A ufw-user-input -p tcp -m tcp --dport 6432 -j ACCEPT", port(6432), nil),
			r(false, 104, "ufw-user-input", "-A ufw-user-input -p tcp -m tcp --dport 443 -j ACCEPT", port(443), nil),
			r(false, 105, "ufw-user-input", "-A ufw-user-input -s 10.0.0.5/32 -p tcp -m tcp --dport 5432 -j ACCEPT", port(5432), func(r *Rule) { r.From, r.FromAnywhere = "10.0.0.5/32", false }),
			r(false, 108, "ufw-user-limit-accept", "-A ufw-user-limit-accept -j ACCEPT", port(22), nil),
			r(false, 118, "PREROUTING", "-A PREROUTING -i eth0 -p tcp -m tcp --dport 8081 -j DNAT --to-destination 10.0.0.2:80", port(8081), func(r *Rule) { r.Interface = "eth0" }),
			r(false, 120, "DOCKER", "-A DOCKER ! -i docker0 -p tcp -m tcp --dport 8000:8010 -j DNAT --to-destination 172.17.0.2:80", []PortRange{iptPR(8000, 8010)}, nil),
		},
	}, {
		name: "iptables-save-ufw-kernel-v6.txt",
		v6:   true,
		want: []Rule{
			r(true, 142, "ufw6-user-input", "-A ufw6-user-input -p tcp -m tcp --dport 443 -j ACCEPT", port(443), nil),
			r(true, 145, "ufw6-user-limit-accept", "-A ufw6-user-limit-accept -j ACCEPT", port(22), nil),
		},
	}, {
		name: "iptables-save-ufw-kernel-kube.txt",
		want: []Rule{
			r(false, 38, "INPUT", "-A INPUT -p udp -m udp --dport 4789 -m conntrack --ctstate UNTRACKED -j ACCEPT", port(4789), func(r *Rule) { r.Proto = "udp" }),
			r(false, 109, "ufw-user-input", "-A ufw-user-input -p tcp -m tcp --dport 80 -j ACCEPT", port(80), nil),
			r(false, 110, "ufw-user-input", "-A ufw-user-input -i eth0 -p tcp -m tcp --dport 8443 -j ACCEPT", port(8443), func(r *Rule) { r.Interface = "eth0" }),
			r(false, 112, "ufw-user-input", "-A ufw-user-input -p udp -m multiport --dports 1000:2000 -j ACCEPT", []PortRange{iptPR(1000, 2000)}, func(r *Rule) { r.Proto = "udp" }),
			r(false, 113, "ufw-user-input", "-A ufw-user-input -s 192.168.1.0/24 -j ACCEPT", nil, func(r *Rule) { r.Proto, r.From, r.FromAnywhere = "", "192.168.1.0/24", false }),
			r(false, 116, "ufw-user-limit-accept", "-A ufw-user-limit-accept -j ACCEPT", port(22), nil),
			r(false, 143, "KUBE-SEP-WEB", "-A KUBE-SEP-WEB -p tcp -m tcp -j DNAT --to-destination 10.244.0.6:80", port(30080), nil),
		},
	}, {
		name: "iptables-save-ufw-kernel-kube-v6.txt",
		v6:   true,
		want: []Rule{
			r(true, 147, "ufw6-user-input", "-A ufw6-user-input -p tcp -m tcp --dport 80 -j ACCEPT", port(80), nil),
			r(true, 148, "ufw6-user-input", "-A ufw6-user-input -i eth0 -p tcp -m tcp --dport 8443 -j ACCEPT", port(8443), func(r *Rule) { r.Interface = "eth0" }),
			r(true, 150, "ufw6-user-input", "-A ufw6-user-input -p udp -m multiport --dports 1000:2000 -j ACCEPT", []PortRange{iptPR(1000, 2000)}, func(r *Rule) { r.Proto = "udp" }),
			r(true, 153, "ufw6-user-limit-accept", "-A ufw6-user-limit-accept -j ACCEPT", port(22), nil),
		},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := iptRead(t, tt.name)
			got, err := ParseIptablesSave(out, tt.v6)
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tt.want, got, iptIgnore); d != "" {
				t.Errorf("(-want +got)\n%s", d)
			}
			// Read as the other family, only File and V6 change.
			other, err := ParseIptablesSave(out, !tt.v6)
			if err != nil {
				t.Fatal(err)
			}
			if len(other) != len(got) {
				t.Fatalf("%d rules as v6=%v, %d as v6=%v", len(got), tt.v6, len(other), !tt.v6)
			}
			for k := range other {
				if other[k].V6 == got[k].V6 || other[k].File == got[k].File {
					t.Errorf("rule %d: same V6 or File as v6=%v and v6=%v", k, tt.v6, !tt.v6)
				}
			}
		})
	}
}

// iptFilter is a filter table with the given rules, which start on line 3.
func iptFilter(rules ...string) string {
	return "*filter\n:INPUT DROP [0:0]\n" + strings.Join(rules, "\n") + "\nCOMMIT\n"
}

// iptChainOf is the chain of a "-A CHAIN …" line.
func iptChainOf(line string) string {
	if f := strings.Fields(line); len(f) > 1 {
		return f[1]
	}
	return ""
}

// iptNat is a nat table with the given rules, which start on line 3.
func iptNat(rules ...string) string {
	return "*nat\n:DOCKER - [0:0]\n" + strings.Join(rules, "\n") + "\nCOMMIT\n"
}

func TestParseIptablesSave(t *testing.T) {
	// accept is the rule a line on line 3 gives, from anywhere, on every port,
	// for every protocol; edit changes it.
	accept := func(line string, edit func(*Rule)) []Rule {
		r := Rule{File: "iptables-save", Line: 3, Text: line, Action: "allow", Direction: "in", FromAnywhere: true, Chain: iptChainOf(line)}
		if edit != nil {
			edit(&r)
		}
		return []Rule{r}
	}
	tcp := func(ports ...PortRange) func(*Rule) {
		return func(r *Rule) { r.Proto, r.Ports = "tcp", ports }
	}
	none := []Rule{}
	tests := []struct {
		name string
		in   string
		v6   bool
		want []Rule
	}{
		{name: "empty", in: "", want: none},
		{name: "blank lines and comments", in: "\n# Generated by iptables-save\n\n", want: none},
		{name: "empty table", in: "*filter\nCOMMIT\n", want: none},
		{
			name: "tcp port",
			in:   iptFilter("-A INPUT -p tcp -m tcp --dport 5432 -j ACCEPT"),
			want: accept("-A INPUT -p tcp -m tcp --dport 5432 -j ACCEPT", tcp(iptPR(5432, 5432))),
		},
		{
			name: "udp port range",
			in:   iptFilter("-A INPUT -p udp -m udp --dport 60000:61000 -j ACCEPT"),
			want: accept("-A INPUT -p udp -m udp --dport 60000:61000 -j ACCEPT", func(r *Rule) { r.Proto, r.Ports = "udp", []PortRange{iptPR(60000, 61000)} }),
		},
		{
			name: "open-ended ranges",
			in:   iptFilter("-A INPUT -p tcp -m tcp --dport 1024: -j ACCEPT"),
			want: accept("-A INPUT -p tcp -m tcp --dport 1024: -j ACCEPT", tcp(iptPR(1024, 65535))),
		},
		{
			name: "multiport",
			in:   iptFilter("-A INPUT -p tcp -m multiport --dports 80,443,1000:2000 -j ACCEPT"),
			want: accept("-A INPUT -p tcp -m multiport --dports 80,443,1000:2000 -j ACCEPT", tcp(iptPR(80, 80), iptPR(443, 443), iptPR(1000, 2000))),
		},
		{
			name: "long forms",
			in:   iptFilter("-A INPUT --protocol tcp --match tcp --destination-port 22 --jump ACCEPT"),
			want: accept("-A INPUT --protocol tcp --match tcp --destination-port 22 --jump ACCEPT", tcp(iptPR(22, 22))),
		},
		{
			name: "multiport long form",
			in:   iptFilter("-A INPUT -p tcp -m multiport --destination-ports 25,587 -j ACCEPT"),
			want: accept("-A INPUT -p tcp -m multiport --destination-ports 25,587 -j ACCEPT", tcp(iptPR(25, 25), iptPR(587, 587))),
		},
		{
			name: "both --dport and --dports: the ports in both",
			in:   iptFilter("-A INPUT -p tcp -m tcp --dport 400:500 -m multiport --dports 443,450:460,8080 -j ACCEPT"),
			want: accept("-A INPUT -p tcp -m tcp --dport 400:500 -m multiport --dports 443,450:460,8080 -j ACCEPT", tcp(iptPR(443, 443), iptPR(450, 460))),
		},
		{
			name: "no port in both",
			in:   iptFilter("-A INPUT -p tcp -m tcp --dport 22 -m multiport --dports 80,443 -j ACCEPT"),
			want: none,
		},
		{
			name: "negated port: every port",
			in:   iptFilter("-A INPUT -p tcp -m tcp ! --dport 22 -j ACCEPT"),
			want: accept("-A INPUT -p tcp -m tcp ! --dport 22 -j ACCEPT", tcp()),
		},
		{
			name: "negated port, before iptables 1.4.3",
			in:   iptFilter("-A INPUT -p tcp -m tcp --dport ! 22 -j ACCEPT"),
			want: accept("-A INPUT -p tcp -m tcp --dport ! 22 -j ACCEPT", tcp()),
		},
		{
			name: "negated multiport",
			in:   iptFilter("-A INPUT -p tcp -m multiport ! --dports 22,25 -j ACCEPT"),
			want: accept("-A INPUT -p tcp -m multiport ! --dports 22,25 -j ACCEPT", tcp()),
		},
		{
			name: "--ports matches the source port too: every port",
			in:   iptFilter("-A INPUT -p tcp -m multiport --ports 80,443 -j ACCEPT"),
			want: accept("-A INPUT -p tcp -m multiport --ports 80,443 -j ACCEPT", tcp()),
		},
		{
			name: "source port only: every port",
			in:   iptFilter("-A INPUT -p udp -m udp --sport 53 -j ACCEPT"),
			want: accept("-A INPUT -p udp -m udp --sport 53 -j ACCEPT", func(r *Rule) { r.Proto = "udp" }),
		},
		{
			name: "everything",
			in:   iptFilter("-A INPUT -j ACCEPT"),
			want: accept("-A INPUT -j ACCEPT", nil),
		},
		{
			name: "protocol numbers",
			in:   iptFilter("-A INPUT -p 6 -m tcp --dport 80 -j ACCEPT"),
			want: accept("-A INPUT -p 6 -m tcp --dport 80 -j ACCEPT", tcp(iptPR(80, 80))),
		},
		{
			name: "all protocols",
			in:   iptFilter("-A INPUT -p all -j ACCEPT"),
			want: accept("-A INPUT -p all -j ACCEPT", nil),
		},
		{
			name: "all protocols but icmp",
			in:   iptFilter("-A INPUT ! -p icmp -j ACCEPT"),
			want: accept("-A INPUT ! -p icmp -j ACCEPT", nil),
		},
		{
			name: "all protocols but udp",
			in:   iptFilter("-A INPUT ! -p udp -j ACCEPT"),
			want: accept("-A INPUT ! -p udp -j ACCEPT", tcp()),
		},
		{name: "icmp", in: iptFilter("-A INPUT -p icmp -m icmp --icmp-type 8 -j ACCEPT"), want: none},
		{name: "ipv6-icmp", in: iptFilter("-A INPUT -p ipv6-icmp -m icmp6 --icmpv6-type 128 -j ACCEPT"), v6: true, want: none},
		{name: "sctp", in: iptFilter("-A INPUT -p sctp -m sctp --dport 9899 -j ACCEPT"), want: none},
		{name: "esp", in: iptFilter("-A INPUT -p esp -j ACCEPT"), want: none},
		{
			name: "source",
			in:   iptFilter("-A INPUT -s 10.0.0.0/8 -p tcp -m tcp --dport 5432 -j ACCEPT"),
			want: accept("-A INPUT -s 10.0.0.0/8 -p tcp -m tcp --dport 5432 -j ACCEPT", func(r *Rule) {
				tcp(iptPR(5432, 5432))(r)
				r.From, r.FromAnywhere = "10.0.0.0/8", false
			}),
		},
		{
			name: "source anywhere",
			in:   iptFilter("-A INPUT -s 0.0.0.0/0 -p tcp -m tcp --dport 5432 -j ACCEPT"),
			want: accept("-A INPUT -s 0.0.0.0/0 -p tcp -m tcp --dport 5432 -j ACCEPT", tcp(iptPR(5432, 5432))),
		},
		{
			name: "v6 source anywhere",
			in:   iptFilter("-A INPUT -s ::/0 -p tcp -m tcp --dport 5432 -j ACCEPT"),
			v6:   true,
			want: accept("-A INPUT -s ::/0 -p tcp -m tcp --dport 5432 -j ACCEPT", func(r *Rule) {
				tcp(iptPR(5432, 5432))(r)
				r.File, r.V6 = "ip6tables-save", true
			}),
		},
		{
			name: "negated source: from anywhere",
			in:   iptFilter("-A INPUT ! -s 192.0.2.0/24 -p tcp -m tcp --dport 5432 -j ACCEPT"),
			want: accept("-A INPUT ! -s 192.0.2.0/24 -p tcp -m tcp --dport 5432 -j ACCEPT", tcp(iptPR(5432, 5432))),
		},
		{
			name: "v6 source",
			in:   iptFilter("-A INPUT -s 2001:db8::/32 -p tcp -m tcp --dport 22 -j ACCEPT"),
			v6:   true,
			want: accept("-A INPUT -s 2001:db8::/32 -p tcp -m tcp --dport 22 -j ACCEPT", func(r *Rule) {
				tcp(iptPR(22, 22))(r)
				r.From, r.FromAnywhere, r.File, r.V6 = "2001:db8::/32", false, "ip6tables-save", true
			}),
		},
		{
			name: "destination",
			in:   iptFilter("-A INPUT -d 192.168.1.10/32 -p tcp -m tcp --dport 80 -j ACCEPT"),
			want: accept("-A INPUT -d 192.168.1.10/32 -p tcp -m tcp --dport 80 -j ACCEPT", func(r *Rule) {
				tcp(iptPR(80, 80))(r)
				r.To = "192.168.1.10/32"
			}),
		},
		{
			name: "interface",
			in:   iptFilter("-A INPUT -i eth0 -p tcp -m tcp --dport 80 -j ACCEPT"),
			want: accept("-A INPUT -i eth0 -p tcp -m tcp --dport 80 -j ACCEPT", func(r *Rule) {
				tcp(iptPR(80, 80))(r)
				r.Interface = "eth0"
			}),
		},
		{
			name: "negated interface: any",
			in:   iptFilter("-A INPUT ! -i docker0 -p tcp -m tcp --dport 80 -j ACCEPT"),
			want: accept("-A INPUT ! -i docker0 -p tcp -m tcp --dport 80 -j ACCEPT", tcp(iptPR(80, 80))),
		},
		{name: "loopback", in: iptFilter("-A INPUT -i lo -j ACCEPT"), want: none},
		{
			name: "all but loopback",
			in:   iptFilter("-A INPUT ! -i lo -j ACCEPT"),
			want: accept("-A INPUT ! -i lo -j ACCEPT", nil),
		},
		{name: "conntrack established", in: iptFilter("-A INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT"), want: none},
		{name: "state established", in: iptFilter("-A INPUT -m state --state ESTABLISHED,RELATED -j ACCEPT"), want: none},
		{name: "established only", in: iptFilter("-A INPUT -p tcp -m tcp --dport 80 -m conntrack --ctstate ESTABLISHED -j ACCEPT"), want: none},
		{name: "invalid", in: iptFilter("-A INPUT -m conntrack --ctstate INVALID -j ACCEPT"), want: none},
		{
			name: "all but new: untracked ones may be new",
			in:   iptFilter("-A INPUT -m conntrack ! --ctstate NEW -j ACCEPT"),
			want: accept("-A INPUT -m conntrack ! --ctstate NEW -j ACCEPT", nil),
		},
		{name: "all but new and untracked", in: iptFilter("-A INPUT -m conntrack ! --ctstate NEW,UNTRACKED,INVALID -j ACCEPT"), want: none},
		{
			name: "untracked",
			in:   iptFilter("-A INPUT -p udp -m udp --dport 4789 -m conntrack --ctstate UNTRACKED -j ACCEPT"),
			want: accept("-A INPUT -p udp -m udp --dport 4789 -m conntrack --ctstate UNTRACKED -j ACCEPT", func(r *Rule) { r.Proto, r.Ports = "udp", []PortRange{iptPR(4789, 4789)} }),
		},
		{
			name: "state untracked",
			in:   iptFilter("-A INPUT -p tcp -m state --state ESTABLISHED,untracked -j ACCEPT"),
			want: accept("-A INPUT -p tcp -m state --state ESTABLISHED,untracked -j ACCEPT", tcp()),
		},
		{
			name: "DNATed: new ones too",
			in:   iptFilter("-A INPUT -m conntrack --ctstate DNAT -j ACCEPT"),
			want: accept("-A INPUT -m conntrack --ctstate DNAT -j ACCEPT", nil),
		},
		{name: "established, then new", in: iptFilter("-A INPUT -m conntrack --ctstate NEW -m state --state ESTABLISHED -j ACCEPT"), want: none},
		{
			name: "new",
			in:   iptFilter("-A INPUT -p tcp -m tcp --dport 80 -m conntrack --ctstate NEW -j ACCEPT"),
			want: accept("-A INPUT -p tcp -m tcp --dport 80 -m conntrack --ctstate NEW -j ACCEPT", tcp(iptPR(80, 80))),
		},
		{
			name: "new and established",
			in:   iptFilter("-A INPUT -p tcp -m tcp --dport 80 -m state --state NEW,ESTABLISHED -j ACCEPT"),
			want: accept("-A INPUT -p tcp -m tcp --dport 80 -m state --state NEW,ESTABLISHED -j ACCEPT", tcp(iptPR(80, 80))),
		},
		{
			name: "all but invalid",
			in:   iptFilter("-A INPUT -m conntrack ! --ctstate INVALID -j ACCEPT"),
			want: accept("-A INPUT -m conntrack ! --ctstate INVALID -j ACCEPT", nil),
		},
		{name: "ufw's jump", in: iptFilter("-A INPUT -j ufw-before-input"), want: none},
		{name: "drop", in: iptFilter("-A INPUT -p tcp -m tcp --dport 23 -j DROP"), want: none},
		{name: "reject", in: iptFilter("-A INPUT -p tcp -m tcp --dport 23 -j REJECT --reject-with tcp-reset"), want: none},
		{name: "user chain without rules", in: iptFilter("-A INPUT -p tcp -m tcp --dport 22 -j f2b-sshd"), want: none},
		{name: "goto a chain without rules", in: iptFilter("-A INPUT -g ACCEPT-chain"), want: none},
		{name: "no target: ufw's limit", in: iptFilter("-A INPUT -p tcp -m tcp --dport 22 -m recent --set --name DEFAULT --mask 255.255.255.255 --rsource"), want: none},
		{name: "no target on lo", in: iptFilter("-A INPUT -i lo -p tcp"), want: none},
		{name: "no target for established connections", in: iptFilter("-A INPUT -m conntrack --ctstate ESTABLISHED"), want: none},
		{name: "no target in a chain INPUT does not reach", in: iptFilter("-A FORWARD -p tcp", "-A LONELY -p tcp"), want: none},
		{name: "no target in a chain of a jump of another protocol", in: iptFilter("-A INPUT -p udp -j A", "-A A -p tcp"), want: none},
		{name: "no target, legacy backend", in: "# Generated by iptables-save v1.8.7 (legacy) on Fri Dec  4 17:06:49 2026\n" + iptFilter("-A INPUT -p tcp -m tcp --dport 80"), want: none},
		{name: "ufw's rule, not reached", in: iptFilter("-A ufw-user-input -p tcp -m tcp --dport 22 -j ACCEPT"), want: none},
		{name: "ufw6's rule, not reached", in: iptFilter("-A ufw6-user-input -p tcp -m tcp --dport 22 -j ACCEPT"), v6: true, want: none},
		{name: "another table incompatible", in: "# Table `mangle' is incompatible, use 'nft' tool.\n" + iptFilter("-A INPUT -j DROP"), want: none},
		{name: "another built-in chain", in: iptFilter("-A FORWARD -i docker0 ! -o docker0 -j ACCEPT"), want: none},
		{name: "filter's DOCKER chain", in: iptFilter("-A DOCKER -d 172.17.0.2/32 ! -i docker0 -o docker0 -p tcp -m tcp --dport 80 -j ACCEPT"), want: none},
		{
			name: "comment",
			in:   iptFilter(`-A INPUT -p tcp -m tcp --dport 9100 -m comment --comment "node exporter, \"metrics\" \\ -j DROP" -j ACCEPT`),
			want: accept(`-A INPUT -p tcp -m tcp --dport 9100 -m comment --comment "node exporter, \"metrics\" \\ -j DROP" -j ACCEPT`, func(r *Rule) {
				tcp(iptPR(9100, 9100))(r)
				r.Comment = `node exporter, "metrics" \ -j DROP`
			}),
		},
		{
			name: "a quoted word is never an option",
			in:   iptFilter(`-A INPUT -p tcp -m tcp --dport 80 -m comment --comment "-j" -j ACCEPT`),
			want: accept(`-A INPUT -p tcp -m tcp --dport 80 -m comment --comment "-j" -j ACCEPT`, func(r *Rule) {
				tcp(iptPR(80, 80))(r)
				r.Comment = "-j"
			}),
		},
		{
			name: "empty comment",
			in:   iptFilter(`-A INPUT -m comment --comment "" -j ACCEPT`),
			want: accept(`-A INPUT -m comment --comment "" -j ACCEPT`, nil),
		},
		{
			name: "options after the target, unknown options",
			in:   iptFilter("-A INPUT -p tcp -m tcp --dport 80 --tcp-flags FIN,SYN,RST,ACK SYN -m limit --limit 3/min -j ACCEPT"),
			want: accept("-A INPUT -p tcp -m tcp --dport 80 --tcp-flags FIN,SYN,RST,ACK SYN -m limit --limit 3/min -j ACCEPT", tcp(iptPR(80, 80))),
		},
		{
			name: "CRLF",
			in:   "*filter\r\n:INPUT DROP [0:0]\r\n-A INPUT -p tcp -m tcp --dport 80 -j ACCEPT\r\nCOMMIT\r\n",
			want: accept("-A INPUT -p tcp -m tcp --dport 80 -j ACCEPT", tcp(iptPR(80, 80))),
		},
		{
			name: "v6",
			in:   iptFilter("-A INPUT -p udp -m udp --dport 51820 -j ACCEPT"),
			v6:   true,
			want: accept("-A INPUT -p udp -m udp --dport 51820 -j ACCEPT", func(r *Rule) {
				r.Proto, r.Ports, r.File, r.V6 = "udp", []PortRange{iptPR(51820, 51820)}, "ip6tables-save", true
			}),
		},
		{name: "unknown table", in: "*mangle\n:INPUT ACCEPT [0:0]\n-A INPUT -j ACCEPT\nCOMMIT\n*raw\n-A PREROUTING -j CT --notrack\nCOMMIT\n", want: none},
		{
			name: "Docker's DNAT",
			in:   iptNat("-A DOCKER ! -i docker0 -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172.17.0.2:80"),
			want: accept("-A DOCKER ! -i docker0 -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172.17.0.2:80", tcp(iptPR(8080, 8080))),
		},
		{
			name: "Docker's DNAT on one address",
			in:   iptNat("-A DOCKER -d 192.168.1.10/32 ! -i docker0 -p udp -m udp --dport 53 -j DNAT --to-destination 172.17.0.4:53"),
			want: accept("-A DOCKER -d 192.168.1.10/32 ! -i docker0 -p udp -m udp --dport 53 -j DNAT --to-destination 172.17.0.4:53", func(r *Rule) {
				r.Proto, r.Ports, r.To = "udp", []PortRange{iptPR(53, 53)}, "192.168.1.10/32"
			}),
		},
		{
			name: "Docker's DNAT of a range",
			in:   iptNat("-A DOCKER ! -i br-1a2b3c4d5e6f -p tcp -m tcp --dport 8000:8010 -j DNAT --to-destination 172.18.0.2:8000-8010"),
			want: accept("-A DOCKER ! -i br-1a2b3c4d5e6f -p tcp -m tcp --dport 8000:8010 -j DNAT --to-destination 172.18.0.2:8000-8010", tcp(iptPR(8000, 8010))),
		},
		{
			name: "Docker's DNAT, v6",
			in:   iptNat("-A DOCKER ! -i docker0 -p tcp -m tcp --dport 8080 -j DNAT --to-destination [fd00::2]:80"),
			v6:   true,
			want: accept("-A DOCKER ! -i docker0 -p tcp -m tcp --dport 8080 -j DNAT --to-destination [fd00::2]:80", func(r *Rule) {
				tcp(iptPR(8080, 8080))(r)
				r.File, r.V6 = "ip6tables-save", true
			}),
		},
		{name: "DNAT on 127.0.0.1", in: iptNat("-A DOCKER -d 127.0.0.1/32 ! -i docker0 -p tcp -m tcp --dport 6379 -j DNAT --to-destination 172.17.0.3:6379"), want: none},
		{name: "DNAT on 127.0.0.0/8", in: iptNat("-A DOCKER -d 127.0.0.0/8 ! -i docker0 -p tcp -m tcp --dport 6379 -j DNAT --to-destination 172.17.0.3:6379"), want: none},
		{name: "DNAT on 127.0.0.0/255.0.0.0", in: iptNat("-A DOCKER -d 127.0.0.0/255.0.0.0 -p tcp -m tcp --dport 6379 -j DNAT --to-destination 172.17.0.3:6379"), want: none},
		{name: "DNAT on ::1", in: iptNat("-A DOCKER -d ::1/128 ! -i docker0 -p tcp -m tcp --dport 6379 -j DNAT --to-destination [fd00::3]:6379"), v6: true, want: none},
		{
			name: "DNAT on all but loopback",
			in:   iptNat("-A DOCKER ! -d 127.0.0.0/8 -p tcp -m tcp --dport 3000 -j DNAT --to-destination 172.17.0.5:3000"),
			want: accept("-A DOCKER ! -d 127.0.0.0/8 -p tcp -m tcp --dport 3000 -j DNAT --to-destination 172.17.0.5:3000", tcp(iptPR(3000, 3000))),
		},
		{
			name: "DNAT on a network wider than loopback",
			in:   iptNat("-A DOCKER -d 0.0.0.0/1 -p tcp -m tcp --dport 3000 -j DNAT --to-destination 172.17.0.5:3000"),
			want: accept("-A DOCKER -d 0.0.0.0/1 -p tcp -m tcp --dport 3000 -j DNAT --to-destination 172.17.0.5:3000", func(r *Rule) {
				tcp(iptPR(3000, 3000))(r)
				r.To = "0.0.0.0/1"
			}),
		},
		{name: "Docker's RETURN", in: iptNat("-A DOCKER -i docker0 -j RETURN"), want: none},
		{name: "DNAT on lo", in: iptNat("-A DOCKER -i lo -p tcp -m tcp --dport 80 -j DNAT --to-destination 172.17.0.2:80"), want: none},
		{name: "DNAT of sctp", in: iptNat("-A DOCKER ! -i docker0 -p sctp -m sctp --dport 9899 -j DNAT --to-destination 172.17.0.2:9899"), want: none},
		{
			name: "DNAT in PREROUTING",
			in:   iptNat("-A PREROUTING -p tcp -m tcp --dport 80 -j DNAT --to-destination 10.0.0.2:80"),
			want: accept("-A PREROUTING -p tcp -m tcp --dport 80 -j DNAT --to-destination 10.0.0.2:80", tcp(iptPR(80, 80))),
		},
		{name: "DNAT in a chain no one jumps to", in: iptNat("-A PORTFWD -p tcp -m tcp --dport 80 -j DNAT --to-destination 10.0.0.2:80"), want: none},
		{name: "nat's INPUT", in: iptNat("-A INPUT -p tcp -m tcp --dport 80 -j ACCEPT"), want: none},
		{name: "masquerade", in: iptNat("-A POSTROUTING -s 172.17.0.0/16 ! -o docker0 -j MASQUERADE"), want: none},
		{
			name: "line numbers across tables",
			in:   "# Generated by iptables-save\n" + iptNat("-A DOCKER ! -i docker0 -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172.17.0.2:80") + iptFilter("-A INPUT -j ufw-before-input", "-A INPUT -p tcp -m tcp --dport 5432 -j ACCEPT"),
			want: []Rule{
				accept("-A DOCKER ! -i docker0 -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172.17.0.2:80", func(r *Rule) { tcp(iptPR(8080, 8080))(r); r.Line = 4 })[0],
				accept("-A INPUT -p tcp -m tcp --dport 5432 -j ACCEPT", func(r *Rule) { tcp(iptPR(5432, 5432))(r); r.Line = 9 })[0],
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseIptablesSave(tt.in, tt.v6)
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tt.want, got, iptIgnore); d != "" {
				t.Errorf("(-want +got)\n%s", d)
			}
		})
	}
}

// TestParseIptablesSaveChains: the ACCEPTs of user chains reached from
// INPUT and of ufw's before/after chains, with the restrictions of the
// jumps; the DNATs of podman's chains.
func TestParseIptablesSaveChains(t *testing.T) {
	// at is the rule of line n, from anywhere, on every port, for every
	// protocol; edit changes it.
	at := func(n int, line string, edit func(*Rule)) Rule {
		r := Rule{File: "iptables-save", Line: n, Text: line, Action: "allow", Direction: "in", FromAnywhere: true, Chain: iptChainOf(line)}
		if edit != nil {
			edit(&r)
		}
		return r
	}
	tcp := func(ports ...PortRange) func(*Rule) {
		return func(r *Rule) { r.Proto, r.Ports = "tcp", ports }
	}
	udp := func(ports ...PortRange) func(*Rule) {
		return func(r *Rule) { r.Proto, r.Ports = "udp", ports }
	}
	ufw := func(r *Rule) { r.UFW = true }
	from := func(src string, edit func(*Rule)) func(*Rule) {
		return func(r *Rule) {
			if edit != nil {
				edit(r)
			}
			r.From, r.FromAnywhere = src, false
		}
	}
	// nested are n chains C1 … Cn, INPUT jumping to C1 from 10.0.0.0/8,
	// Cn accepting on line n+3.
	nested := func(n int) string {
		rules := []string{"-A INPUT -s 10.0.0.0/8 -j C1"}
		for k := 1; k < n; k++ {
			rules = append(rules, fmt.Sprintf("-A C%d -j C%d", k, k+1))
		}
		return iptFilter(append(rules, fmt.Sprintf("-A C%d -p tcp -m tcp --dport 22 -j ACCEPT", n))...)
	}
	none := []Rule{}
	tests := []struct {
		name string
		in   string
		want []Rule
	}{
		{
			name: "the source of the jump",
			in:   iptFilter("-A INPUT -s 10.0.0.0/8 -j MYCHAIN", "-A MYCHAIN -p tcp -m tcp --dport 5432 -j ACCEPT"),
			want: []Rule{at(4, "-A MYCHAIN -p tcp -m tcp --dport 5432 -j ACCEPT", from("10.0.0.0/8", tcp(iptPR(5432, 5432))))},
		},
		{
			name: "goto",
			in:   iptFilter("-A INPUT -s 10.0.0.0/8 -g MYCHAIN", "-A MYCHAIN -j ACCEPT"),
			want: []Rule{at(4, "-A MYCHAIN -j ACCEPT", from("10.0.0.0/8", nil))},
		},
		{
			name: "long forms",
			in:   iptFilter("-A INPUT --source 10.0.0.0/8 --jump A", "-A A --goto B", "-A B --jump ACCEPT"),
			want: []Rule{at(5, "-A B --jump ACCEPT", from("10.0.0.0/8", nil))},
		},
		{
			name: "the rule's own source",
			in:   iptFilter("-A INPUT -s 10.0.0.0/8 -j MYCHAIN", "-A MYCHAIN -s 10.1.0.0/16 -j ACCEPT"),
			want: []Rule{at(4, "-A MYCHAIN -s 10.1.0.0/16 -j ACCEPT", from("10.1.0.0/16", nil))},
		},
		{
			name: "negated source of the jump: from anywhere",
			in:   iptFilter("-A INPUT ! -s 10.0.0.0/8 -j MYCHAIN", "-A MYCHAIN -p tcp -m tcp --dport 80 -j ACCEPT"),
			want: []Rule{at(4, "-A MYCHAIN -p tcp -m tcp --dport 80 -j ACCEPT", tcp(iptPR(80, 80)))},
		},
		{
			name: "interface, destination, protocol and ports of the jump",
			in:   iptFilter("-A INPUT -d 192.0.2.1/32 -i eth0 -p tcp -m multiport --dports 80,443,8000:9000 -j WEB", "-A WEB -j ACCEPT"),
			want: []Rule{at(4, "-A WEB -j ACCEPT", func(r *Rule) {
				tcp(iptPR(80, 80), iptPR(443, 443), iptPR(8000, 9000))(r)
				r.Interface, r.To = "eth0", "192.0.2.1/32"
			})},
		},
		{
			name: "the ports of both",
			in:   iptFilter("-A INPUT -p tcp -m multiport --dports 80,443,8000:9000 -j WEB", "-A WEB -p tcp -m tcp --dport 8080:9100 -j ACCEPT"),
			want: []Rule{at(4, "-A WEB -p tcp -m tcp --dport 8080:9100 -j ACCEPT", tcp(iptPR(8080, 9000)))},
		},
		{
			name: "the ports of the rule",
			in:   iptFilter("-A INPUT -i eth1 -j WEB", "-A WEB -i eth0 -p tcp -m tcp --dport 443 -j ACCEPT"),
			want: []Rule{at(4, "-A WEB -i eth0 -p tcp -m tcp --dport 443 -j ACCEPT", func(r *Rule) { tcp(iptPR(443, 443))(r); r.Interface = "eth0" })},
		},
		{name: "no port in both", in: iptFilter("-A INPUT -p tcp -m tcp --dport 80 -j WEB", "-A WEB -p tcp -m tcp --dport 22 -j ACCEPT"), want: none},
		{name: "another protocol than the jump's", in: iptFilter("-A INPUT -p tcp -j A", "-A A -p udp -m udp --dport 53 -j ACCEPT"), want: none},
		{name: "jump on lo", in: iptFilter("-A INPUT -i lo -j A", "-A A -p tcp -m tcp --dport 80 -j ACCEPT"), want: none},
		{name: "jump for established connections", in: iptFilter("-A INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j A", "-A A -j ACCEPT"), want: none},
		{name: "jump of icmp", in: iptFilter("-A INPUT -p icmp -j A", "-A A -j ACCEPT"), want: none},
		{name: "lo below a jump", in: iptFilter("-A INPUT -s 10.0.0.0/8 -j A", "-A A -i lo -j ACCEPT"), want: none},
		{
			name: "udp jump, rule of any protocol",
			in:   iptFilter("-A INPUT -p udp -m udp --dport 51820 -j VPN", "-A VPN -j ACCEPT"),
			want: []Rule{at(4, "-A VPN -j ACCEPT", udp(iptPR(51820, 51820)))},
		},
		{
			name: "nested, the nearest restriction",
			in:   iptFilter("-A INPUT -s 10.0.0.0/8 -i eth0 -j A", "-A A -s 10.1.0.0/16 -p tcp -j B", "-A B -m tcp --dport 22 -j ACCEPT"),
			want: []Rule{at(5, "-A B -m tcp --dport 22 -j ACCEPT", from("10.1.0.0/16", func(r *Rule) { tcp(iptPR(22, 22))(r); r.Interface = "eth0" }))},
		},
		{
			name: "chains filled after they are referenced",
			in:   iptFilter("-A B -p tcp -m tcp --dport 3306 -j ACCEPT", "-A INPUT -j A", "-A A -s 192.168.0.0/16 -j B"),
			want: []Rule{at(3, "-A B -p tcp -m tcp --dport 3306 -j ACCEPT", from("192.168.0.0/16", tcp(iptPR(3306, 3306))))},
		},
		{
			name: "DROP, REJECT and RETURN before: still counted",
			in:   iptFilter("-A INPUT -j DROP", "-A INPUT -j A", "-A A -p tcp -j REJECT", "-A A -j RETURN", "-A A -p tcp -m tcp --dport 80 -j ACCEPT"),
			want: []Rule{at(7, "-A A -p tcp -m tcp --dport 80 -j ACCEPT", tcp(iptPR(80, 80)))},
		},
		{
			name: "reached twice alike: once",
			in:   iptFilter("-A INPUT -j A", "-A INPUT -p tcp -j B", "-A B -j A", "-A A -p tcp -j ACCEPT"),
			want: []Rule{at(6, "-A A -p tcp -j ACCEPT", tcp())},
		},
		{
			name: "reached with other restrictions: once for each",
			in:   iptFilter("-A INPUT -s 10.0.0.0/8 -j A", "-A INPUT -s 192.168.0.0/16 -j A", "-A INPUT -s 10.0.0.0/8 -j A", "-A A -p tcp -m tcp --dport 22 -j ACCEPT"),
			want: []Rule{
				at(6, "-A A -p tcp -m tcp --dport 22 -j ACCEPT", from("10.0.0.0/8", tcp(iptPR(22, 22)))),
				at(6, "-A A -p tcp -m tcp --dport 22 -j ACCEPT", from("192.168.0.0/16", tcp(iptPR(22, 22)))),
			},
		},
		{
			name: "loop",
			in:   iptFilter("-A INPUT -s 10.0.0.0/8 -j A", "-A A -j B", "-A B -p tcp -j A", "-A B -j ACCEPT", "-A A -j A"),
			want: []Rule{
				at(6, "-A B -j ACCEPT", from("10.0.0.0/8", nil)),
				at(6, "-A B -j ACCEPT", from("10.0.0.0/8", tcp())),
			},
		},
		{
			name: "16 nested jumps",
			in:   nested(16),
			want: []Rule{at(19, "-A C16 -p tcp -m tcp --dport 22 -j ACCEPT", from("10.0.0.0/8", tcp(iptPR(22, 22))))},
		},
		{
			name: "17 nested jumps: from anywhere",
			in:   nested(17),
			want: []Rule{at(20, "-A C17 -p tcp -m tcp --dport 22 -j ACCEPT", tcp(iptPR(22, 22)))},
		},
		{name: "a chain of FORWARD", in: iptFilter("-A FORWARD -j A", "-A A -j ACCEPT"), want: none},
		{name: "a chain no one jumps to", in: iptFilter("-A f2b-sshd -j ACCEPT"), want: none},
		{name: "jump to a built-in chain", in: iptFilter("-A INPUT -j FORWARD", "-A FORWARD -j ACCEPT"), want: none},
		{
			name: "ufw's user chains: UFW",
			in:   iptFilter("-A INPUT -j ufw-user-input", "-A INPUT -j ufw6-user-input", "-A ufw-user-input -j ACCEPT", "-A ufw6-user-input -j ACCEPT"),
			want: []Rule{at(5, "-A ufw-user-input -j ACCEPT", ufw), at(6, "-A ufw6-user-input -j ACCEPT", ufw)},
		},
		{
			name: "ufw's user chain from a user chain",
			in:   iptFilter("-A INPUT -s 10.0.0.0/8 -j A", "-A A -j ufw-user-limit-accept", "-A ufw-user-limit-accept -j ACCEPT"),
			want: []Rule{at(5, "-A ufw-user-limit-accept -j ACCEPT", from("10.0.0.0/8", ufw))},
		},
		{
			name: "a user chain from ufw's user chain: UFW",
			in:   iptFilter("-A INPUT -j ufw-before-input", "-A ufw-before-input -j ufw-user-input", "-A ufw-user-input -p tcp -m tcp --dport 8080 -j MINE", "-A MINE -j ACCEPT"),
			want: []Rule{at(6, "-A MINE -j ACCEPT", func(r *Rule) { tcp(iptPR(8080, 8080))(r); ufw(r) })},
		},
		{
			name: "a user chain from ufw's user chain and from INPUT: both",
			in:   iptFilter("-A INPUT -j MINE", "-A ufw-before-input -j ufw-user-input", "-A ufw-user-input -j MINE", "-A MINE -p tcp -m tcp --dport 8080 -j ACCEPT"),
			want: []Rule{
				at(6, "-A MINE -p tcp -m tcp --dport 8080 -j ACCEPT", tcp(iptPR(8080, 8080))),
				at(6, "-A MINE -p tcp -m tcp --dport 8080 -j ACCEPT", func(r *Rule) { tcp(iptPR(8080, 8080))(r); ufw(r) }),
			},
		},
		{
			name: "ufw limit",
			in: iptFilter("-A INPUT -j ufw-before-input", "-A ufw-before-input -j ufw-user-input",
				"-A ufw-user-input -p tcp -m tcp --dport 22 -m conntrack --ctstate NEW -m recent --set --name DEFAULT --mask 255.255.255.255 --rsource",
				"-A ufw-user-input -p tcp -m tcp --dport 22 -m conntrack --ctstate NEW -m recent --update --seconds 30 --hitcount 6 --name DEFAULT --mask 255.255.255.255 --rsource -j ufw-user-limit",
				"-A ufw-user-input -p tcp -m tcp --dport 22 -j ufw-user-limit-accept",
				`-A ufw-user-limit -m limit --limit 3/min -j LOG --log-prefix "[UFW LIMIT BLOCK] "`,
				"-A ufw-user-limit -j REJECT --reject-with icmp-port-unreachable",
				"-A ufw-user-limit-accept -j ACCEPT"),
			want: []Rule{at(10, "-A ufw-user-limit-accept -j ACCEPT", func(r *Rule) { tcp(iptPR(22, 22))(r); ufw(r) })},
		},
		{
			name: "ufw allow from: exact",
			in:   iptFilter("-A INPUT -j ufw-before-input", "-A ufw-before-input -j ufw-user-input", "-A ufw-user-input -s 10.0.0.5/32 -p tcp -m tcp --dport 5432 -j ACCEPT"),
			want: []Rule{at(5, "-A ufw-user-input -s 10.0.0.5/32 -p tcp -m tcp --dport 5432 -j ACCEPT", from("10.0.0.5/32", func(r *Rule) { tcp(iptPR(5432, 5432))(r); ufw(r) }))},
		},
		{
			// ufw-track-input mirrors the default incoming policy (it
			// accepts every new connection under default allow), which
			// the policies judge from the kernel's INPUT policy.
			name: "ufw's other chains, not UFW",
			in: iptFilter("-A INPUT -j ufw-before-logging-input", "-A INPUT -j ufw-track-input", "-A INPUT -j ufw-reject-input",
				"-A ufw-before-logging-input -p tcp -m tcp --dport 1 -j ACCEPT", "-A ufw-track-input -p tcp -m tcp --dport 2 -j ACCEPT", "-A ufw-reject-input -p tcp -m tcp --dport 3 -j ACCEPT"),
			want: []Rule{
				at(6, "-A ufw-before-logging-input -p tcp -m tcp --dport 1 -j ACCEPT", tcp(iptPR(1, 1))),
				at(8, "-A ufw-reject-input -p tcp -m tcp --dport 3 -j ACCEPT", tcp(iptPR(3, 3))),
			},
		},
		{
			name: "ufw's chains that mirror the policy or log: not followed",
			in: iptFilter("-A INPUT -j ufw-skip-to-policy-input", "-A INPUT -j ufw6-skip-to-policy-input", "-A INPUT -j ufw-logging-allow", "-A INPUT -j ufw6-logging-deny",
				"-A ufw-skip-to-policy-input -j ACCEPT", "-A ufw6-skip-to-policy-input -j ACCEPT", "-A ufw-logging-allow -j ACCEPT", "-A ufw6-logging-deny -j ACCEPT",
				"-A ufw-logging-allow -p tcp", "-A ufw-skip-to-policy-input -p tcp"),
			want: none,
		},
		{
			name: "ufw's before and after chains",
			in: iptFilter("-A ufw-before-input -p tcp -m tcp --dport 9000 -j ACCEPT", "-A ufw-after-input -s 203.0.113.0/24 -j ACCEPT",
				"-A ufw6-before-input -p udp -m udp --dport 51820 -j ACCEPT", "-A ufw6-after-input -p tcp -m tcp --dport 25 -j ACCEPT"),
			want: []Rule{
				at(3, "-A ufw-before-input -p tcp -m tcp --dport 9000 -j ACCEPT", tcp(iptPR(9000, 9000))),
				at(4, "-A ufw-after-input -s 203.0.113.0/24 -j ACCEPT", from("203.0.113.0/24", nil)),
				at(5, "-A ufw6-before-input -p udp -m udp --dport 51820 -j ACCEPT", udp(iptPR(51820, 51820))),
				at(6, "-A ufw6-after-input -p tcp -m tcp --dport 25 -j ACCEPT", tcp(iptPR(25, 25))),
			},
		},
		{
			name: "a user chain of ufw's before chain",
			in:   iptFilter("-A ufw-before-input -j ufw-not-local", "-A ufw-not-local -j ACCEPT", "-A ufw-before-input -i eth0 -j ADMIN", "-A ADMIN -p tcp -m tcp --dport 8080 -j ACCEPT"),
			want: []Rule{
				at(4, "-A ufw-not-local -j ACCEPT", nil),
				at(6, "-A ADMIN -p tcp -m tcp --dport 8080 -j ACCEPT", func(r *Rule) { tcp(iptPR(8080, 8080))(r); r.Interface = "eth0" }),
			},
		},
		{
			name: "ufw's stock ACCEPTs",
			in: iptFilter("-A ufw-before-input -i lo -j ACCEPT",
				"-A ufw-before-input -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT",
				"-A ufw-before-input -m state --state RELATED,ESTABLISHED -j ACCEPT",
				"-A ufw-before-input -p icmp -m icmp --icmp-type 8 -j ACCEPT",
				"-A ufw-before-input -p udp -m udp --sport 67 --dport 68 -j ACCEPT",
				"-A ufw-before-input -d 224.0.0.251/32 -p udp -m udp --dport 5353 -j ACCEPT",
				"-A ufw-before-input -d 239.255.255.250/32 -p udp -m udp --dport 1900 -j ACCEPT",
				"-A ufw-before-input -p udp -d 224.0.0.251 --dport 5353 -j ACCEPT",
				"-A ufw6-before-input -p ipv6-icmp -m icmp6 --icmpv6-type 128 -j ACCEPT",
				"-A ufw6-before-input -s fe80::/10 -d fe80::/10 -p udp -m udp --sport 547 --dport 546 -j ACCEPT",
				"-A ufw6-before-input -d ff02::fb/128 -p udp -m udp --dport 5353 -j ACCEPT",
				"-A ufw6-before-input -d ff02::f/128 -p udp -m udp --dport 1900 -j ACCEPT",
				"-A ufw-after-input -p udp -m udp --dport 137 -j ufw-skip-to-policy-input",
				"-A ufw-after-input -m addrtype --dst-type BROADCAST -j ufw-skip-to-policy-input",
				"-A ufw-skip-to-policy-input -j ACCEPT"),
			want: none,
		},
		{
			name: "narrower than ufw's stock ACCEPTs",
			in: iptFilter("-A ufw-before-input -i eth0 -p udp -m udp --sport 67 --dport 68 -j ACCEPT",
				"-A ufw-before-input -p udp -m multiport --sports 67 -m udp --dport 68 -j ACCEPT",
				"-A ufw6-before-input -s fe80::1/128 -d fe80::/64 -p udp -m udp --sport 547 --dport 546 -j ACCEPT"),
			want: none,
		},
		{
			name: "broader than ufw's stock ACCEPTs",
			in: iptFilter("-A ufw-before-input -p udp -m udp --dport 68 -j ACCEPT",
				"-A ufw-before-input -p udp -m udp ! --sport 67 --dport 68 -j ACCEPT",
				"-A ufw-before-input -p udp -m udp --sport 67:1024 --dport 68 -j ACCEPT",
				"-A ufw-before-input -p udp -m multiport --ports 67 -m udp --dport 68 -j ACCEPT",
				"-A ufw-before-input -d 224.0.0.0/4 -p udp -m udp --dport 5353 -j ACCEPT",
				"-A ufw-before-input ! -d 224.0.0.251/32 -p udp -m udp --dport 5353 -j ACCEPT",
				"-A ufw-before-input -d 224.0.0.251/32 -p udp -m udp --dport 5354 -j ACCEPT",
				"-A ufw-before-input -d 224.0.0.251/32 -p tcp -m tcp --dport 5353 -j ACCEPT",
				"-A ufw-before-input -d 224.0.0.251/32 -p udp -j ACCEPT",
				"-A ufw6-before-input -d fe80::/10 -p udp -m udp --sport 547 --dport 546 -j ACCEPT",
				"-A ufw-after-input -p udp -m udp --sport 67 --dport 68 -j ACCEPT",
				"-A DHCP -p udp -m udp --sport 67 --dport 68 -j ACCEPT",
				"-A INPUT -j DHCP"),
			want: []Rule{
				at(3, "-A ufw-before-input -p udp -m udp --dport 68 -j ACCEPT", udp(iptPR(68, 68))),
				at(4, "-A ufw-before-input -p udp -m udp ! --sport 67 --dport 68 -j ACCEPT", udp(iptPR(68, 68))),
				at(5, "-A ufw-before-input -p udp -m udp --sport 67:1024 --dport 68 -j ACCEPT", udp(iptPR(68, 68))),
				at(6, "-A ufw-before-input -p udp -m multiport --ports 67 -m udp --dport 68 -j ACCEPT", udp(iptPR(68, 68))),
				at(7, "-A ufw-before-input -d 224.0.0.0/4 -p udp -m udp --dport 5353 -j ACCEPT", func(r *Rule) { udp(iptPR(5353, 5353))(r); r.To = "224.0.0.0/4" }),
				at(8, "-A ufw-before-input ! -d 224.0.0.251/32 -p udp -m udp --dport 5353 -j ACCEPT", udp(iptPR(5353, 5353))),
				at(9, "-A ufw-before-input -d 224.0.0.251/32 -p udp -m udp --dport 5354 -j ACCEPT", func(r *Rule) { udp(iptPR(5354, 5354))(r); r.To = "224.0.0.251/32" }),
				at(10, "-A ufw-before-input -d 224.0.0.251/32 -p tcp -m tcp --dport 5353 -j ACCEPT", func(r *Rule) { tcp(iptPR(5353, 5353))(r); r.To = "224.0.0.251/32" }),
				at(11, "-A ufw-before-input -d 224.0.0.251/32 -p udp -j ACCEPT", func(r *Rule) { udp()(r); r.To = "224.0.0.251/32" }),
				at(12, "-A ufw6-before-input -d fe80::/10 -p udp -m udp --sport 547 --dport 546 -j ACCEPT", func(r *Rule) { udp(iptPR(546, 546))(r); r.To = "fe80::/10" }),
				at(13, "-A ufw-after-input -p udp -m udp --sport 67 --dport 68 -j ACCEPT", udp(iptPR(68, 68))),
				at(14, "-A DHCP -p udp -m udp --sport 67 --dport 68 -j ACCEPT", udp(iptPR(68, 68))),
			},
		},
		{
			name: "podman's published ports",
			in: "*nat\n:NETAVARK-HOSTPORT-DNAT - [0:0]\n:CNI-HOSTPORT-DNAT - [0:0]\n" +
				"-A NETAVARK-HOSTPORT-DNAT -p tcp -m tcp --dport 8080 -m comment --comment \"dnat name: podman id: 6a4f\" -j NETAVARK-DN-1D8721804F16F\n" +
				"-A NETAVARK-DN-1D8721804F16F -s 10.88.0.0/16 -p tcp -m tcp --dport 8080 -j NETAVARK-HOSTPORT-SETMARK\n" +
				"-A NETAVARK-DN-1D8721804F16F -p tcp -m tcp --dport 8080 -j DNAT --to-destination 10.88.0.2:80\n" +
				"-A CNI-HOSTPORT-DNAT -p tcp -m multiport --dports 8443 -j CNI-DN-4e5e0dd6b1e3e0d3b5a8a\n" +
				"-A CNI-DN-4e5e0dd6b1e3e0d3b5a8a -p tcp -m tcp --dport 8443 -j DNAT --to-destination 10.88.0.3:443\n" +
				"-A CNI-DN-4e5e0dd6b1e3e0d3b5a8a -d 127.0.0.1/32 -p tcp -m tcp --dport 6379 -j DNAT --to-destination 10.88.0.4:6379\n" +
				"-A NETAVARK-HOSTPORT-DNAT -p udp -m udp --dport 53 -j DNAT --to-destination 10.89.0.2:53\n" +
				"-A CNI-HOSTPORT-DNAT -d 192.0.2.1/32 -p tcp -m tcp --dport 80 -j DNAT --to-destination 10.88.0.5:80\n" +
				"-A CNI-HOSTPORT-MASQ -j MASQUERADE\n" +
				"-A PODMAN-OTHER -p tcp -m tcp --dport 81 -j DNAT --to-destination 10.88.0.6:80\n" +
				"COMMIT\n",
			want: []Rule{
				at(6, "-A NETAVARK-DN-1D8721804F16F -p tcp -m tcp --dport 8080 -j DNAT --to-destination 10.88.0.2:80", tcp(iptPR(8080, 8080))),
				at(8, "-A CNI-DN-4e5e0dd6b1e3e0d3b5a8a -p tcp -m tcp --dport 8443 -j DNAT --to-destination 10.88.0.3:443", tcp(iptPR(8443, 8443))),
				at(10, "-A NETAVARK-HOSTPORT-DNAT -p udp -m udp --dport 53 -j DNAT --to-destination 10.89.0.2:53", udp(iptPR(53, 53))),
				at(11, "-A CNI-HOSTPORT-DNAT -d 192.0.2.1/32 -p tcp -m tcp --dport 80 -j DNAT --to-destination 10.88.0.5:80", func(r *Rule) { tcp(iptPR(80, 80))(r); r.To = "192.0.2.1/32" }),
			},
		},
		{
			name: "in the order of lines, across tables",
			in: iptFilter("-A A -j ACCEPT", "-A INPUT -p tcp -m tcp --dport 1 -j ACCEPT", "-A INPUT -j A") +
				iptNat("-A DOCKER -p tcp -m tcp --dport 2 -j DNAT --to-destination 172.17.0.2:2") +
				iptFilter("-A INPUT -p tcp -m tcp --dport 3 -j ACCEPT"),
			want: []Rule{
				at(3, "-A A -j ACCEPT", nil),
				at(4, "-A INPUT -p tcp -m tcp --dport 1 -j ACCEPT", tcp(iptPR(1, 1))),
				at(9, "-A DOCKER -p tcp -m tcp --dport 2 -j DNAT --to-destination 172.17.0.2:2", tcp(iptPR(2, 2))),
				at(13, "-A INPUT -p tcp -m tcp --dport 3 -j ACCEPT", tcp(iptPR(3, 3))),
			},
		},
		{name: "chains of another table", in: iptFilter("-A INPUT -j A") + "*mangle\n-A A -j ACCEPT\nCOMMIT\n", want: none},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseIptablesSave(tt.in, false)
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tt.want, got, iptIgnore); d != "" {
				t.Errorf("(-want +got)\n%s", d)
			}
		})
	}
}

// TestParseIptablesSaveNat: the DNATs of PREROUTING and of the chains it
// reaches, to any address, to the host's (--dst-type LOCAL) or in a
// container runtime's chain; not those to another address only.
func TestParseIptablesSaveNat(t *testing.T) {
	// at is the DNAT of line n, from anywhere, tcp to ports; edit changes it.
	at := func(n int, line string, ports []PortRange, edit func(*Rule)) Rule {
		r := Rule{File: "iptables-save", Line: n, Text: line, Action: "allow", Direction: "in", FromAnywhere: true, Chain: iptChainOf(line), Proto: "tcp", Ports: ports}
		if edit != nil {
			edit(&r)
		}
		return r
	}
	port := func(p int) []PortRange { return []PortRange{iptPR(p, p)} }
	to := func(addr string) func(*Rule) { return func(r *Rule) { r.To = addr } }
	// nested are n chains C1 … Cn, PREROUTING jumping to C1 for
	// 192.0.2.1, Cn DNATing on line n+3.
	nested := func(n int) string {
		rules := []string{"-A PREROUTING -d 192.0.2.1/32 -j C1"}
		for k := 1; k < n; k++ {
			rules = append(rules, fmt.Sprintf("-A C%d -j C%d", k, k+1))
		}
		return iptNat(append(rules, fmt.Sprintf("-A C%d -p tcp -m tcp --dport 80 -j DNAT --to-destination 10.0.0.2:80", n))...)
	}
	none := []Rule{}
	tests := []struct {
		name string
		in   string
		v6   bool
		want []Rule
	}{
		{
			name: "ufw's before.rules port forward",
			in:   iptNat("-A PREROUTING -i eth0 -p tcp -m tcp --dport 80 -j DNAT --to-destination 10.0.0.2:80"),
			want: []Rule{at(3, "-A PREROUTING -i eth0 -p tcp -m tcp --dport 80 -j DNAT --to-destination 10.0.0.2:80", port(80), func(r *Rule) { r.Interface = "eth0" })},
		},
		{
			name: "a port range",
			in:   iptNat("-A PREROUTING -p tcp -m tcp --dport 8000:8010 -j DNAT --to-destination 10.0.0.2"),
			want: []Rule{at(3, "-A PREROUTING -p tcp -m tcp --dport 8000:8010 -j DNAT --to-destination 10.0.0.2", []PortRange{iptPR(8000, 8010)}, nil)},
		},
		{
			name: "v6",
			in:   iptNat("-A PREROUTING -p tcp -m tcp --dport 443 -j DNAT --to-destination [fd00::2]:443"),
			v6:   true,
			want: []Rule{at(3, "-A PREROUTING -p tcp -m tcp --dport 443 -j DNAT --to-destination [fd00::2]:443", port(443), func(r *Rule) { r.File, r.V6 = "ip6tables-save", true })},
		},
		{
			name: "a user chain's DNAT, with the restrictions of the jump",
			in:   iptNat("-A PREROUTING -s 203.0.113.0/24 -i eth0 -p tcp -m tcp --dport 80:90 -j FWD", "-A FWD -p tcp -m tcp --dport 85:100 -j DNAT --to-destination 10.0.0.2"),
			want: []Rule{at(4, "-A FWD -p tcp -m tcp --dport 85:100 -j DNAT --to-destination 10.0.0.2", []PortRange{iptPR(85, 90)}, func(r *Rule) {
				r.From, r.FromAnywhere, r.Interface = "203.0.113.0/24", false, "eth0"
			})},
		},
		{name: "to another address only", in: iptNat("-A PREROUTING -d 192.0.2.1/32 -p tcp -m tcp --dport 80 -j DNAT --to-destination 10.0.0.2:80"), want: none},
		{name: "to another address, from the jump", in: iptNat("-A PREROUTING -d 192.0.2.0/24 -j FWD", "-A FWD -p tcp -m tcp --dport 80 -j DNAT --to-destination 10.0.0.2:80"), want: none},
		{
			name: "to an address of the host's",
			in:   iptNat("-A PREROUTING -d 192.0.2.1/32 -p tcp -m tcp --dport 80 -m addrtype --dst-type LOCAL -j DNAT --to-destination 10.0.0.2:80"),
			want: []Rule{at(3, "-A PREROUTING -d 192.0.2.1/32 -p tcp -m tcp --dport 80 -m addrtype --dst-type LOCAL -j DNAT --to-destination 10.0.0.2:80", port(80), to("192.0.2.1/32"))},
		},
		{
			name: "to an address of the host's, from the jump",
			in:   iptNat("-A PREROUTING -m addrtype --dst-type UNICAST,LOCAL -j FWD", "-A FWD -d 192.0.2.1/32 -p tcp -m tcp --dport 80 -j DNAT --to-destination 10.0.0.2:80"),
			want: []Rule{at(4, "-A FWD -d 192.0.2.1/32 -p tcp -m tcp --dport 80 -j DNAT --to-destination 10.0.0.2:80", port(80), to("192.0.2.1/32"))},
		},
		{name: "not to the host's", in: iptNat("-A PREROUTING -m addrtype ! --dst-type LOCAL -j FWD", "-A FWD -d 192.0.2.1/32 -p tcp -m tcp --dport 80 -j DNAT --to-destination 10.0.0.2:80"), want: none},
		{name: "source type LOCAL", in: iptNat("-A PREROUTING -m addrtype --src-type LOCAL -j FWD", "-A FWD -d 192.0.2.1/32 -p tcp -m tcp --dport 80 -j DNAT --to-destination 10.0.0.2:80"), want: none},
		{name: "to loopback, from the jump", in: iptNat("-A PREROUTING -d 127.0.0.1/32 -m addrtype --dst-type LOCAL -j FWD", "-A FWD -p tcp -m tcp --dport 80 -j DNAT --to-destination 10.0.0.2:80"), want: none},
		{name: "to loopback, the host's", in: iptNat("-A PREROUTING -m addrtype --dst-type LOCAL -j FWD", "-A FWD -d 127.0.0.1/32 -p tcp -m tcp --dport 80 -j DNAT --to-destination 10.0.0.2:80"), want: none},
		{
			name: "in a container runtime's chain, to an address",
			in:   iptNat("-A PREROUTING -d 192.0.2.1/32 -j NETAVARK-FW", "-A NETAVARK-FW -p tcp -m tcp --dport 80 -j DNAT --to-destination 10.88.0.2:80"),
			want: []Rule{at(4, "-A NETAVARK-FW -p tcp -m tcp --dport 80 -j DNAT --to-destination 10.88.0.2:80", port(80), to("192.0.2.1/32"))},
		},
		{
			name: "kube-proxy: a NodePort, not the ClusterIPs",
			in: iptNat("-A PREROUTING -m comment --comment \"kubernetes service portals\" -j KUBE-SERVICES",
				"-A KUBE-SERVICES -d 10.96.0.10/32 -p tcp -m tcp --dport 53 -j KUBE-SVC-X",
				"-A KUBE-SVC-X -j KUBE-SEP-Y",
				"-A KUBE-SEP-Y -s 10.244.0.5/32 -j KUBE-MARK-MASQ",
				"-A KUBE-SEP-Y -p tcp -m tcp -j DNAT --to-destination 10.244.0.5:53",
				"-A KUBE-SERVICES -d 10.96.0.20/32 -p tcp -m tcp --dport 80 -j KUBE-SVC-W",
				"-A KUBE-SERVICES -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS",
				"-A KUBE-NODEPORTS -p tcp -m tcp --dport 30080 -j KUBE-SVC-W",
				"-A KUBE-NODEPORTS -p tcp -m tcp --dport 30081 -j KUBE-SVC-W",
				"-A KUBE-SVC-W -j KUBE-SEP-W",
				"-A KUBE-SEP-W -p tcp -m tcp -j DNAT --to-destination 10.244.0.6:80",
				"-A KUBE-MARK-MASQ -j MARK --set-xmark 0x4000/0x4000"),
			want: []Rule{
				at(13, "-A KUBE-SEP-W -p tcp -m tcp -j DNAT --to-destination 10.244.0.6:80", port(30080), nil),
				at(13, "-A KUBE-SEP-W -p tcp -m tcp -j DNAT --to-destination 10.244.0.6:80", port(30081), nil),
			},
		},
		{
			name: "Docker's chain from PREROUTING and on its own: once",
			in:   iptNat("-A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER", "-A DOCKER ! -i docker0 -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172.17.0.2:80"),
			want: []Rule{at(4, "-A DOCKER ! -i docker0 -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172.17.0.2:80", port(8080), nil)},
		},
		{
			name: "Docker's chain from a narrower jump: as on its own",
			in:   iptNat("-A PREROUTING -i eth0 -s 10.0.0.0/8 -j DOCKER", "-A DOCKER -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172.17.0.2:80"),
			want: []Rule{at(4, "-A DOCKER -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172.17.0.2:80", port(8080), nil)},
		},
		{name: "nat's ACCEPT, REDIRECT, MASQUERADE", in: iptNat("-A PREROUTING -p tcp -m tcp --dport 80 -j REDIRECT --to-ports 8080", "-A PREROUTING -j ACCEPT", "-A POSTROUTING -j MASQUERADE"), want: none},
		{name: "OUTPUT's DNAT", in: iptNat("-A OUTPUT -p tcp -m tcp --dport 80 -j DNAT --to-destination 10.0.0.2:80", "-A OUTPUT -j FWD", "-A FWD -j DNAT --to-destination 10.0.0.3"), want: none},
		{name: "16 nested jumps, to another address", in: nested(16), want: none},
		{
			name: "17 nested jumps: to any address",
			in:   nested(17),
			want: []Rule{at(20, "-A C17 -p tcp -m tcp --dport 80 -j DNAT --to-destination 10.0.0.2:80", port(80), nil)},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseIptablesSave(tt.in, tt.v6)
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tt.want, got, iptIgnore); d != "" {
				t.Errorf("(-want +got)\n%s", d)
			}
		})
	}
}

// TestParseIptablesSaveManyWalks: jumps that reach chains with ever new
// restrictions end, and what is past iptMaxSteps is counted from anywhere.
func TestParseIptablesSaveManyWalks(t *testing.T) {
	// 4000 sources jump to C0; C0 reaches C1 twice; C1 reaches C2 twice…
	var rules []string
	for k := 0; k < 4000; k++ {
		rules = append(rules, fmt.Sprintf("-A INPUT -s 10.%d.%d.0/24 -j C0", k/256, k%256))
	}
	for c := 0; c < 30; c++ {
		rules = append(rules, fmt.Sprintf("-A C%d -p tcp -j C%d", c, c+1), fmt.Sprintf("-A C%d -i eth%d -j C%d", c, c, c+1))
	}
	rules = append(rules, "-A C30 -p tcp -m tcp --dport 22 -j ACCEPT")
	got, err := ParseIptablesSave(iptFilter(rules...), false)
	if err != nil {
		t.Fatal(err)
	}
	anywhere := false
	for _, r := range got {
		if r.Line != len(rules)+2 || r.Proto != "tcp" || len(r.Ports) != 1 || r.Ports[0] != iptPR(22, 22) {
			t.Fatalf("rule %+v", r)
		}
		anywhere = anywhere || (r.FromAnywhere && r.Interface == "")
	}
	if !anywhere || len(got) > iptMaxSteps {
		t.Errorf("%d rules, one from anywhere on any interface: %v", len(got), anywhere)
	}
}

func TestParseIptablesSaveErrors(t *testing.T) {
	long := "-A INPUT -m comment --comment \"" + strings.Repeat("x", 200) + "\" -p tcp -m tcp --dport " + strings.Repeat("9", 200) + " -j ACCEPT"
	tests := []struct {
		name, in, want string
	}{
		{"rule before any table", "-A INPUT -j ACCEPT\n", "line 1 "},
		{"chain before any table", ":INPUT ACCEPT [0:0]\n*filter\nCOMMIT\n", "line 1 "},
		{"COMMIT outside a table", "*filter\nCOMMIT\nCOMMIT\n", "line 3 "},
		{"not iptables-save at all", "Chain INPUT (policy DROP)\ntarget     prot opt source               destination\n", "line 1 "},
		{"unknown line in a table", "*filter\n-I INPUT -j ACCEPT\nCOMMIT\n", "line 2 "},
		{"table in a table", "*filter\n*nat\nCOMMIT\n", "line 2 "},
		{"no COMMIT", "*filter\n-A INPUT -j ACCEPT\n", "table filter of line 1 without COMMIT"},
		{"no table name", "*\nCOMMIT\n", "line 1 "},
		{"bad chain line", "*filter\n:INPUT\nCOMMIT\n", "line 2 "},
		{"-A alone", iptFilter("-A"), "line 3 "},
		{"unterminated quote", iptFilter(`-A INPUT -m comment --comment "web -j ACCEPT`), "line 3 "},
		{"quote ending in a backslash", iptFilter(`-A INPUT -m comment --comment "web\`), "line 3 "},
		{"port not a number", iptFilter("-A INPUT -p tcp -m tcp --dport ssh -j ACCEPT"), `line 3 "-A INPUT -p tcp -m tcp --dport ssh -j ACCEPT": bad port "ssh"`},
		{"port too big", iptFilter("-A INPUT -p tcp -m tcp --dport 65536 -j ACCEPT"), `bad port "65536"`},
		{"signed port", iptFilter("-A INPUT -p tcp -m tcp --dport +80 -j ACCEPT"), `bad port "+80"`},
		{"reversed range", iptFilter("-A INPUT -p tcp -m tcp --dport 2000:1000 -j ACCEPT"), `bad port "2000:1000"`},
		{"empty range", iptFilter("-A INPUT -p tcp -m tcp --dport : -j ACCEPT"), `bad port ":"`},
		{"comma in --dport", iptFilter("-A INPUT -p tcp -m tcp --dport 80,443 -j ACCEPT"), `bad port "80,443"`},
		{"empty multiport entry", iptFilter("-A INPUT -p tcp -m multiport --dports 80,,443 -j ACCEPT"), `bad port ""`},
		{"bad port in nat", iptNat("-A DOCKER ! -i docker0 -p tcp -m tcp --dport 8o80 -j DNAT --to-destination 172.17.0.2:80"), `line 3 `},
		{"bad port in a skipped rule", iptFilter("-A INPUT -i lo -p tcp -m tcp --dport x -j ACCEPT"), `line 3 `},
		{"no port", iptFilter("-A INPUT -p tcp -m tcp --dport"), "--dport without a value"},
		{"no target", iptFilter("-A INPUT -p tcp -j"), "-j without a value"},
		{"dangling !", iptFilter("-A INPUT -j ACCEPT !"), `"!" at the end`},
		{"double !", iptFilter("-A INPUT ! ! -s 10.0.0.1 -j ACCEPT"), `"! !"`},
		{"v6", "-A INPUT -j ACCEPT\n", "parse ip6tables-save: line 1 "},
		{"long line", iptFilter(long), "line 3 "},
		{"rule without a target", iptFilter("-A INPUT -p tcp"), `line 3 "-A INPUT -p tcp": rule without a target: iptables cannot show this nftables rule (read it with nft list ruleset)`},
		{"without a target in a chain INPUT reaches", iptFilter("-A INPUT -s 10.0.0.0/8 -j A", "-A A -p tcp"), "line 4 "},
		{"without a target in ufw's user chain", iptFilter("-A INPUT -j ufw-before-input", "-A ufw-before-input -j ufw-user-input", "-A ufw-user-input -p tcp -m tcp --dport 5432"), "line 5 "},
		{"without a target, recent but no --set", iptFilter("-A INPUT -p tcp -m recent --update --seconds 30"), "line 3 "},
		{"without a target, --set but no recent", iptFilter("-A INPUT -p tcp -m comment --comment x --set"), "line 3 "},
		{"without a target, backend not told", "# Generated by iptables-save v1.6.1 on Fri Dec  4 17:06:49 2026\n" + iptFilter("-A INPUT -p tcp"), "line 4 "},
		{"without a target in PREROUTING", iptNat("-A PREROUTING -p tcp"), "line 3 "},
		{"without a target in Docker's chain", iptNat("-A DOCKER -p tcp -m tcp --dport 80"), "line 3 "},
		{"recorded vmap rule", iptRead(t, "iptables-save-ufw-kernel-nft.txt"), `line 44 "-A INPUT -p tcp": rule without a target`},
		{"filter incompatible", "# Table `filter' is incompatible, use 'nft' tool.\n", "line 1 \"# Table `filter' is incompatible, use 'nft' tool.\": table filter is incompatible with iptables"},
		{"nat incompatible", iptFilter("-A INPUT -j DROP") + "# Table `nat' is incompatible, use 'nft' tool.\n", "line 5 "},
		{"recorded incompatible table", iptRead(t, "iptables-save-ufw-kernel-incompatible.txt"), "line 1 "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseIptablesSave(tt.in, tt.name == "v6")
			if err == nil {
				t.Fatalf("got %+v, want an error", got)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q, want %q in it", err, tt.want)
			}
			if strings.Contains(err.Error(), strings.Repeat("x", 61)) || strings.Contains(err.Error(), strings.Repeat("9", 21)) {
				t.Errorf("error %q: too much of the line", err)
			}
		})
	}
}

func TestReadFilterTablePolicies(t *testing.T) {
	tests := []struct {
		name, in string
		want     map[string]string
	}{
		{"iptables-save", iptRead(t, "iptables-save-ufw-docker.txt"), map[string]string{"INPUT": "DROP", "FORWARD": "DROP", "OUTPUT": "ACCEPT"}},
		{"ip6tables-save", iptRead(t, "ip6tables-save-ufw.txt"), map[string]string{"INPUT": "DROP", "FORWARD": "DROP", "OUTPUT": "ACCEPT"}},
		{"iptables-save with a user chain", iptRead(t, "iptables-save-ufw-chains.txt"), map[string]string{"INPUT": "DROP", "FORWARD": "DROP", "OUTPUT": "ACCEPT"}},
		{"ip6tables-save, chains", iptRead(t, "iptables-save-ufw-chains-v6.txt"), map[string]string{"INPUT": "DROP", "FORWARD": "DROP", "OUTPUT": "ACCEPT"}},
		{"ip6tables-save by hand", "*filter\n:INPUT ACCEPT [3:240]\n:FORWARD DROP [0:0]\n:OUTPUT ACCEPT [0:0]\n:ufw6-before-input - [0:0]\n-A INPUT -j ufw6-before-input\n-A ufw6-before-input -s fe80::/10 -p ipv6-icmp -j ACCEPT\nCOMMIT\n*nat\n:PREROUTING ACCEPT [0:0]\nCOMMIT\n",
			map[string]string{"INPUT": "ACCEPT", "FORWARD": "DROP", "OUTPUT": "ACCEPT"}},
		{"empty", "", map[string]string{}},
		{"no filter table", "*nat\n:PREROUTING ACCEPT [0:0]\nCOMMIT\n", map[string]string{}},
		{"filter after nat", "*nat\n:INPUT DROP [0:0]\nCOMMIT\n*filter\n:INPUT ACCEPT [12:3456]\n:FORWARD DROP [0:0]\n:OUTPUT ACCEPT [0:0]\n:DOCKER - [0:0]\nCOMMIT\n",
			map[string]string{"INPUT": "ACCEPT", "FORWARD": "DROP", "OUTPUT": "ACCEPT"}},
		{"CRLF", "*filter\r\n:INPUT DROP [0:0]\r\nCOMMIT\r\n", map[string]string{"INPUT": "DROP"}},
		{"garbage", ":\n*\n: x\n*filter\n:\n:INPUT\n", map[string]string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if d := cmp.Diff(tt.want, ReadFilterTable(tt.in).Policies); d != "" {
				t.Errorf("(-want +got)\n%s", d)
			}
		})
	}
}

func FuzzParseIptablesSave(f *testing.F) {
	for _, td := range iptTestdata {
		f.Add(iptRead(f, td.name), td.v6)
	}
	f.Add(iptFilter(`-A INPUT ! -s 10.0.0.0/8 ! -i lo -p tcp -m multiport --dports 80,443,1000:2000 -m tcp --dport 400:1500 -m conntrack ! --ctstate INVALID -m comment --comment "a \"b\" \\" -j ACCEPT`), false)
	f.Add(iptNat("-A DOCKER -d ::1/128 ! -i docker0 -p tcp -m tcp --dport ! 8080 -j DNAT --to-destination [fd00::2]:80\r"), true)
	f.Add(iptFilter("-A INPUT -s 10.0.0.0/8 -i eth0 -p tcp -m multiport --dports 80,443 -j A", "-A A -g B", "-A B -p tcp -m tcp --dport 443 -j ACCEPT", "-A B -j A",
		"-A ufw-before-input -p udp -m udp --sport 67 --dport 68 -j ACCEPT", "-A ufw-before-input -j ufw-user-input", "-A ufw-user-input -j ACCEPT"), false)
	f.Add(iptNat("-A NETAVARK-HOSTPORT-DNAT -p tcp -m tcp --dport 8080 -j NETAVARK-DN-1D8721804F16F", "-A NETAVARK-DN-1D8721804F16F -p tcp -m tcp --dport 8080 -j DNAT --to-destination 10.88.0.2:80"), false)
	f.Add(iptNat("-A PREROUTING -d 10.96.0.10/32 -p tcp -m tcp --dport 53 -j KUBE-SVC-X", "-A PREROUTING -m addrtype --dst-type LOCAL -p tcp -m tcp --dport 30053 -j KUBE-SVC-X", "-A KUBE-SVC-X -j KUBE-SEP-Y", "-A KUBE-SEP-Y -p tcp -m tcp -j DNAT --to-destination 10.244.0.5:53", "-A PREROUTING -i eth0 -j DOCKER", "-A DOCKER -p udp -j DNAT --to-destination 172.17.0.2"), false)
	f.Add("# Generated by iptables-save v1.8.7 (legacy) on Fri Dec  4 17:06:49 2026\n"+iptFilter("-A INPUT -j ufw-user-input", "-A ufw-user-input -m recent --set", "-A ufw-user-input -p tcp -m conntrack ! --ctstate NEW,UNTRACKED", "-A ufw-user-input -j MINE", "-A MINE -j ACCEPT")+"# Table `mangle' is incompatible, use 'nft' tool.\n", false)
	f.Fuzz(func(t *testing.T, out string, v6 bool) {
		_ = ReadFilterTable(out)
		rules, err := ParseIptablesSave(out, v6)
		if err != nil {
			return
		}
		lines := strings.Split(out, "\n")
		file := map[bool]string{false: "iptables-save", true: "ip6tables-save"}[v6]
		for _, r := range rules {
			if r.Line < 1 || r.Line > len(lines) || r.Text != strings.TrimSuffix(lines[r.Line-1], "\r") {
				t.Fatalf("rule %+v: bad line or text", r)
			}
			if r.File != file || r.V6 != v6 || r.Action != "allow" || r.Direction != "in" {
				t.Fatalf("rule %+v: bad file, v6, action or direction", r)
			}
			if r.Proto != "" && r.Proto != "tcp" && r.Proto != "udp" {
				t.Fatalf("rule %+v: bad protocol", r)
			}
			if r.FromAnywhere != (r.From == "") || r.Interface == "lo" {
				t.Fatalf("rule %+v: bad from or interface", r)
			}
			if toks, err := iptTokens(r.Text); err != nil || len(toks) < 2 || toks[1].s != r.Chain {
				t.Fatalf("rule %+v: not of its chain", r)
			}
			for _, p := range r.Ports {
				if p.From < 0 || p.From > p.To || p.To > 65535 {
					t.Fatalf("rule %+v: bad port range", r)
				}
			}
		}
	})
}

// BenchmarkParseIptablesSave reads a recorded iptables-save of a host with
// ufw, hand-added chains and a container runtime's DNATs: what every host
// audit with ufw active reads.
func BenchmarkParseIptablesSave(b *testing.B) {
	out := string(readTestdata(b, "iptables-save-ufw-chains.txt"))
	for b.Loop() {
		if _, err := ParseIptablesSave(out, false); err != nil {
			b.Fatal(err)
		}
	}
}

func TestReadFilterTable(t *testing.T) {
	for _, tc := range []struct {
		name             string
		out              string
		hooked, fwdAllOK bool
	}{
		{"recorded ufw", string(readTestdata(t, "iptables-save-ufw-docker.txt")), true, false},
		{"recorded ufw, IPv6", string(readTestdata(t, "ip6tables-save-ufw.txt")), true, false},
		{"flushed", "*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\nCOMMIT\n", false, false},
		{"forward accepts all", "*filter\n:INPUT DROP [0:0]\n-A INPUT -j ufw-before-input\n-A FORWARD -j ACCEPT\nCOMMIT\n", true, true},
		{"forward accepts docker0 only", "*filter\n-A FORWARD -i docker0 ! -o docker0 -j ACCEPT\nCOMMIT\n", false, false},
		{"jump in another table", "*raw\n-A INPUT -j ufw-before-input\nCOMMIT\n", false, false},
	} {
		ft := ReadFilterTable(tc.out)
		if ft.UFWHooked != tc.hooked || ft.ForwardAcceptsAll != tc.fwdAllOK {
			t.Errorf("%s: ReadFilterTable = %+v; want hooked %v, forward accepts all %v", tc.name, ft, tc.hooked, tc.fwdAllOK)
		}
	}
}
