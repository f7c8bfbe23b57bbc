// Package ufw collects the "ufw" facts of a host: whether UFW is installed,
// active and enabled at boot, its default policies, logging and rules (from
// `ufw status verbose`, the server's own view, or from its rules files when
// ufw cannot be run), the TCP sockets listening on the host, and other
// firewall frameworks that may be active. It never judges: the policies
// NET-01..06 do.
package ufw

// Namespace is the key of the policy input this check fills.
const Namespace = "ufw"

// Data is the "ufw" namespace of the policy input.
type Data struct {
	// Installed is true when the ufw command exists (configuration files
	// left by a removed package do not count), or when whether it does
	// could not be told: then StatusError says why.
	Installed bool `json:"installed"`
	// Others are other firewall frameworks found active on the host
	// (firewalld, nftables or iptables rules UFW did not write, …), each
	// described in a few words.
	Others []string `json:"others,omitempty"`
	// Status is what UFW enforces; StatusFrom is "ufw status" or "files"
	// (the rules files, when ufw cannot be run); StatusError says why
	// neither could be read.
	Status      Status `json:"status"`
	StatusFrom  string `json:"status_from,omitempty"`
	StatusError string `json:"status_error,omitempty"`
	// EnabledAtBoot is ENABLED in /etc/ufw/ufw.conf; BootError says why
	// it is unknown.
	EnabledAtBoot bool   `json:"enabled_at_boot"`
	BootError     string `json:"boot_error,omitempty"`
	// BootUnit is systemd's state of ufw.service when it keeps ufw from
	// starting at boot whatever ENABLED says ("disabled", "masked").
	BootUnit string `json:"boot_unit,omitempty"`
	// IPv6 is IPV6 in /etc/default/ufw: whether UFW filters IPv6 too.
	IPv6 bool `json:"ipv6"`
	// Bypass are the kernel's rules that accept incoming connections
	// (ParseIptablesSave): ACCEPTs in INPUT and every chain it reaches
	// (before.rules, chains added by hand, and ufw's own user chains, whose
	// rules have UFW set), and the DNATs of port forwards and of the ports
	// Docker, Podman or CNI publish. The policies judge those ufw status
	// does not show. BypassError says why they are unknown.
	Bypass      []Rule `json:"bypass"`
	BypassError string `json:"bypass_error,omitempty"`
	// InputPolicy and ForwardPolicy are the policies of the kernel's INPUT
	// and FORWARD chains ("DROP", "ACCEPT") by family ("ipv4", "ipv6"),
	// read with Bypass: what the kernel does with what no rule matches,
	// whatever ufw's configuration says.
	InputPolicy   map[string]string `json:"input_policy,omitempty"`
	ForwardPolicy map[string]string `json:"forward_policy,omitempty"`
	// KernelHooked says by family whether the kernel's INPUT chain jumps to
	// ufw's chains: false when ufw's rules are not loaded, whatever ufw
	// status says.
	KernelHooked map[string]bool `json:"kernel_hooked,omitempty"`
	// Listening are the TCP sockets listening on the host; ListeningError
	// says why they are unknown.
	Listening      []Socket `json:"listening"`
	ListeningError string   `json:"listening_error,omitempty"`
}

// Status is UFW's state as `ufw status verbose` reports it.
type Status struct {
	Active bool `json:"active"`
	// Logging is "off", or the level: "low", "medium", "high", "full".
	Logging string `json:"logging"`
	// Defaults are the default policies: allow, deny, reject, or
	// disabled (routed only).
	Incoming string `json:"incoming"`
	Outgoing string `json:"outgoing"`
	Routed   string `json:"routed"`
	Rules    []Rule `json:"rules"`
	// Numbered is true when the rules' numbers are ufw's own, the ones
	// `ufw status numbered` shows and `ufw delete N` takes; else they only
	// keep the rules' order.
	Numbered bool `json:"numbered"`
}

// Rule is one UFW rule.
type Rule struct {
	// Number is its place in `ufw status numbered` (1-based) when
	// Status.Numbered, else in the listing it was read from; File and
	// Line locate it when it was read from user.rules/user6.rules.
	Number int    `json:"number"`
	File   string `json:"file,omitempty"`
	Line   int    `json:"line,omitempty"`
	// Text is the rule as ufw shows it ("22/tcp LIMIT IN Anywhere").
	Text string `json:"text"`
	// Action is allow, deny, reject or limit; Direction in, out or fwd.
	Action    string `json:"action"`
	Direction string `json:"direction"`
	// Ports are the destination ports the rule covers, as ranges; empty
	// for every port. Proto is tcp, udp or "" (both).
	Ports []PortRange `json:"ports,omitempty"`
	Proto string      `json:"proto,omitempty"`
	// App is the application profile it came from ("OpenSSH"), when any.
	App string `json:"app,omitempty"`
	// To is the destination address ("" for any); From the source
	// ("" or "Anywhere" for any: then FromAnywhere is true).
	To           string `json:"to,omitempty"`
	From         string `json:"from"`
	FromAnywhere bool   `json:"from_anywhere"`
	// V6 is true for the IPv6 twin of a rule.
	V6 bool `json:"v6"`
	// Interface is the interface the rule is limited to ("on eth0").
	Interface string `json:"interface,omitempty"`
	Comment   string `json:"comment,omitempty"`
	// Chain is the iptables chain of a rule read from iptables-save; UFW
	// is true when it was reached through ufw's own user chains
	// (ufw-user-input…): the kernel's copy of a rule ufw status shows,
	// unless ufw's files and the kernel disagree.
	Chain string `json:"chain,omitempty"`
	UFW   bool   `json:"ufw,omitempty"`
	// key identifies a rule read from ufw status alike in its verbose and
	// numbered forms (Renumber).
	key string
}

// PortRange is a port or an inclusive range of ports.
type PortRange struct {
	From int `json:"from"`
	To   int `json:"to"`
}

// Socket is a TCP socket listening on the host.
type Socket struct {
	Addr string `json:"addr"`
	Port int    `json:"port"`
	// Loopback is true for 127.0.0.0/8 and ::1: not reachable from outside.
	Loopback bool `json:"loopback"`
	// V6Only is true for a socket on :: known to take IPv6 alone (ss shows
	// [::] for it and * for one that takes IPv4 too); /proc/net/tcp6 does
	// not tell.
	V6Only bool `json:"v6only,omitempty"`
	// Process is the program that listens, when known.
	Process string `json:"process,omitempty"`
}
