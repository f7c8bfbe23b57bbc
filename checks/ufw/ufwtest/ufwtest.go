// Package ufwtest runs a real ufw for tests without touching the machine's
// own firewall: in a network namespace the test creates (ip netns add), a
// private mount namespace where copies of /etc/ufw and /etc/default/ufw
// are bind-mounted over the originals, and a PID namespace so that a host
// audit inside sees only the processes started there. Commands run inside both through
// nsenter; the namespaces and the copies go away when the test ends.
//
// It needs root, ip, unshare, nsenter and ufw; without them a test is
// skipped loudly, and fails under CI=true.
package ufwtest

import (
	"bufio"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Require fails the test when ufw cannot be run in a namespace here, or
// skips it with a loud message outside CI.
func Require(t testing.TB) {
	t.Helper()
	var why string
	for _, tool := range []string{"ufw", "ip", "unshare", "nsenter", "iptables"} {
		if _, err := exec.LookPath(tool); err != nil {
			if _, err2 := os.Stat("/usr/sbin/" + tool); err2 != nil {
				why = tool + " is not installed (apt-get install ufw iproute2 util-linux)"
			}
		}
	}
	if why == "" && os.Geteuid() != 0 {
		why = "network namespaces need root"
	}
	if why == "" {
		return
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("CI=true and %s: the ufw integration tests must run in CI", why)
	}
	t.Skipf("SKIPPED ufw integration test: %s", why)
}

// Namespace is a network namespace and a private mount namespace in which
// ufw reads and writes copies of its configuration.
type Namespace struct {
	// Name is the network namespace's name; Dir holds the copies.
	Name, Dir string
	// User, when Options.User was set, is a login user that exists only
	// inside the namespace, with passwordless sudo; Home is its home.
	User, Home string
	holder     *exec.Cmd
	// pid is the holder's process inside the namespaces.
	pid int
}

// Options shape a namespace.
type Options struct {
	// User adds a login user with this name inside the namespace only
	// (copies of /etc/passwd, /etc/shadow, /etc/group and /etc/sudoers
	// are bind-mounted too), with passwordless sudo.
	User string
}

// New makes a namespace and resets ufw in it to its defaults, inactive.
func New(t testing.TB, o Options) *Namespace {
	t.Helper()
	Require(t)
	suffix := make([]byte, 4)
	rand.Read(suffix)
	n := &Namespace{Name: "audit-ufw-" + hex.EncodeToString(suffix), Dir: t.TempDir()}
	if err := os.Chmod(n.Dir, 0o755); err != nil {
		t.Fatal(err)
	}
	run := func(argv ...string) {
		if out, err := exec.Command(argv[0], argv[1:]...).CombinedOutput(); err != nil {
			t.Fatalf("%s: %v\n%s", strings.Join(argv, " "), err, out)
		}
	}
	run("cp", "-a", "/etc/ufw", filepath.Join(n.Dir, "etc-ufw"))
	run("cp", "-a", "/etc/default/ufw", filepath.Join(n.Dir, "default-ufw"))
	binds := [][2]string{{filepath.Join(n.Dir, "etc-ufw"), "/etc/ufw"}, {filepath.Join(n.Dir, "default-ufw"), "/etc/default/ufw"}}
	if o.User != "" {
		binds = append(binds, n.addUser(t, o.User)...)
	}
	run("ip", "netns", "add", n.Name)
	t.Cleanup(func() { exec.Command("ip", "netns", "del", n.Name).Run() })

	var script strings.Builder
	script.WriteString("set -e\n")
	for _, b := range binds {
		fmt.Fprintf(&script, "mount --bind %q %q\n", b[0], b[1])
	}
	script.WriteString("ip link set lo up\necho ready\nexec sleep infinity\n")
	// A PID namespace too, with its own /proc: ps inside sees only the
	// processes started there, not other tests' servers on this machine.
	// The holder is unshare's child, pid 1 of the new namespace.
	n.holder = exec.Command("ip", "netns", "exec", n.Name, "unshare", "-m", "-p", "--fork", "--mount-proc", "--propagation", "private", "sh", "-c", script.String())
	n.holder.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	stdout, err := n.holder.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	n.holder.Stderr = &stderr
	if err := n.holder.Start(); err != nil {
		t.Fatalf("start the namespace holder: %v", err)
	}
	t.Cleanup(func() {
		syscall.Kill(-n.holder.Process.Pid, syscall.SIGKILL)
		n.holder.Wait()
	})
	ready := make(chan bool, 1)
	go func() {
		line, _ := bufio.NewReader(stdout).ReadString('\n')
		ready <- strings.TrimSpace(line) == "ready"
	}()
	select {
	case ok := <-ready:
		if !ok {
			n.holder.Wait()
			t.Fatalf("the namespace holder failed: %s", stderr.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatalf("the namespace holder did not start: %s", stderr.String())
	}
	pid := n.holder.Process.Pid
	children, err := os.ReadFile(fmt.Sprintf("/proc/%d/task/%d/children", pid, pid))
	if err != nil {
		t.Fatalf("the namespace holder's pid: %v", err)
	}
	if n.pid, err = strconv.Atoi(strings.TrimSpace(string(children))); err != nil {
		t.Fatalf("the namespace holder's pid (children of unshare %d: %q): %v", pid, children, err)
	}
	n.MustRun(t, "ufw", "--force", "reset")
	return n
}

// Wrap is the command prefix that runs a command inside the namespaces.
func (n *Namespace) Wrap() []string {
	return []string{"nsenter", "-t", strconv.Itoa(n.pid), "-m", "-n", "-p", "--"}
}

// Command returns argv run inside the namespaces.
func (n *Namespace) Command(argv ...string) *exec.Cmd {
	full := append(n.Wrap(), argv...)
	return exec.Command(full[0], full[1:]...)
}

// MustRun runs argv inside the namespaces and fails the test if it fails.
func (n *Namespace) MustRun(t testing.TB, argv ...string) string {
	t.Helper()
	out, err := n.Command(argv...).CombinedOutput()
	if err != nil {
		t.Fatalf("in %s: %s: %v\n%s", n.Name, strings.Join(argv, " "), err, out)
	}
	return string(out)
}

// UFW runs each ufw command line (e.g. "limit 22/tcp", "--force enable")
// inside the namespaces.
func (n *Namespace) UFW(t testing.TB, commands ...string) {
	t.Helper()
	for _, c := range commands {
		n.MustRun(t, append([]string{"ufw"}, splitArgs(c)...)...)
	}
}

// splitArgs splits a command line on spaces, keeping "quoted words" whole.
func splitArgs(s string) []string {
	var args []string
	var cur strings.Builder
	quoted, any := false, false
	for _, r := range s {
		switch {
		case r == '"':
			quoted, any = !quoted, true
		case r == ' ' && !quoted:
			if any {
				args = append(args, cur.String())
			}
			cur.Reset()
			any = false
		default:
			cur.WriteRune(r)
			any = true
		}
	}
	if any {
		args = append(args, cur.String())
	}
	return args
}

// addUser writes copies of the account files with the user added, and
// returns the bind mounts that put them in place inside the namespace.
func (n *Namespace) addUser(t testing.TB, user string) [][2]string {
	t.Helper()
	n.User, n.Home = user, filepath.Join(n.Dir, "home-"+user)
	if err := os.MkdirAll(n.Home, 0o755); err != nil {
		t.Fatal(err)
	}
	const uid = "64100"
	var binds [][2]string
	for _, f := range []struct{ path, line string }{
		{"/etc/passwd", fmt.Sprintf("%s:x:%s:%s::%s:/bin/sh", user, uid, uid, n.Home)},
		{"/etc/group", fmt.Sprintf("%s:x:%s:", user, uid)},
		{"/etc/shadow", user + ":*:20000:0:99999:7:::"},
		{"/etc/sudoers", user + " ALL=(ALL) NOPASSWD: ALL"},
	} {
		orig, err := os.ReadFile(f.path)
		if err != nil {
			t.Fatal(err)
		}
		info, _ := os.Stat(f.path)
		copyPath := filepath.Join(n.Dir, filepath.Base(f.path))
		content := strings.TrimRight(string(orig), "\n") + "\n" + f.line + "\n"
		if err := os.WriteFile(copyPath, []byte(content), info.Mode().Perm()); err != nil {
			t.Fatal(err)
		}
		if st, ok := info.Sys().(*syscall.Stat_t); ok {
			os.Chown(copyPath, int(st.Uid), int(st.Gid))
		}
		binds = append(binds, [2]string{copyPath, f.path})
	}
	if err := os.Chown(n.Home, 64100, 64100); err != nil {
		t.Fatal(err)
	}
	return binds
}
