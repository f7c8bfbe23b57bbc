package sshd

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"net"
	"slices"
	"strings"
	"testing"
	"time"

	"audit/checks/host/sshdtest"
)

// kexInit builds a server's version line and KEXINIT packet.
func kexInit(version string, lists [10]string) []byte {
	var payload bytes.Buffer
	payload.WriteByte(msgKexInit)
	payload.Write(make([]byte, 16))
	for _, l := range lists {
		binary.Write(&payload, binary.BigEndian, uint32(len(l)))
		payload.WriteString(l)
	}
	payload.Write([]byte{0, 0, 0, 0, 0})
	padding := 8 - (payload.Len()+5)%8 + 4
	var out bytes.Buffer
	out.WriteString(version + "\r\n")
	binary.Write(&out, binary.BigEndian, uint32(payload.Len()+padding+1))
	out.WriteByte(byte(padding))
	out.Write(payload.Bytes())
	out.Write(make([]byte, padding))
	return out.Bytes()
}

func TestReadOffer(t *testing.T) {
	lists := [10]string{"curve25519-sha256,diffie-hellman-group1-sha1", "ssh-ed25519,ssh-rsa", "aes128-ctr", "aes256-cbc,aes128-ctr", "hmac-sha2-256", "hmac-sha1", "none", "none,zlib@openssh.com", "", ""}
	o, err := ReadOffer(bufio.NewReader(bytes.NewReader(append([]byte("banner line\r\n"), kexInit("SSH-2.0-OpenSSH_9.2", lists)...))))
	if err != nil {
		t.Fatal(err)
	}
	if o.Version != "SSH-2.0-OpenSSH_9.2" || !slices.Equal(o.Kex, []string{"curve25519-sha256", "diffie-hellman-group1-sha1"}) ||
		!slices.Equal(o.HostKeys, []string{"ssh-ed25519", "ssh-rsa"}) || !slices.Equal(o.CiphersToClient, []string{"aes256-cbc", "aes128-ctr"}) ||
		!slices.Equal(o.MACsToClient, []string{"hmac-sha1"}) {
		t.Errorf("offer = %+v", o)
	}
	for name, input := range map[string][]byte{
		"empty":         nil,
		"SSH 1":         []byte("SSH-1.5-old\r\n"),
		"endless lines": bytes.Repeat([]byte("x\n"), 100),
		"long line":     bytes.Repeat([]byte("x"), 1000),
		"huge packet":   append([]byte("SSH-2.0-x\r\n"), 0x7f, 0xff, 0xff, 0xff, 4),
		"not KEXINIT":   append([]byte("SSH-2.0-x\r\n"), 0, 0, 0, 12, 4, 21, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0),
		"truncated":     kexInit("SSH-2.0-x", lists)[:40],
	} {
		if _, err := ReadOffer(bufio.NewReader(bytes.NewReader(input))); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

// FuzzReadOffer: no input panics or hangs the parser.
func FuzzReadOffer(f *testing.F) {
	f.Add(kexInit("SSH-2.0-x", [10]string{"a", "b", "c", "d", "e", "f", "g", "h", "", ""}))
	f.Add([]byte("SSH-2.0-x\r\n\x00\x00\x00\x0c\x04\x14"))
	f.Fuzz(func(t *testing.T, b []byte) {
		ReadOffer(bufio.NewReader(bytes.NewReader(b)))
	})
}

// TestProbeRealServer reads what a real sshd offers, as configured.
func TestProbeRealServer(t *testing.T) {
	s := sshdtest.Start(t, sshdtest.Options{
		HostKeyTypes: []string{"ed25519", "rsa"},
		Extra:        "Ciphers aes128-ctr,aes256-cbc\nMACs hmac-sha2-256,hmac-sha1\nKexAlgorithms curve25519-sha256,diffie-hellman-group14-sha1\n",
	})
	var d net.Dialer
	o, err := Probe(context.Background(), func(ctx context.Context, addr string) (net.Conn, error) { return d.DialContext(ctx, "tcp", addr) }, s.Addr(), 3*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(o.Version, "SSH-2.0-OpenSSH") || !slices.Contains(o.Kex, "diffie-hellman-group14-sha1") ||
		!slices.Contains(o.CiphersToClient, "aes256-cbc") || !slices.Contains(o.MACsToClient, "hmac-sha1") ||
		!slices.Contains(o.HostKeys, "ssh-ed25519") || !slices.Contains(o.HostKeys, "rsa-sha2-512") {
		t.Errorf("offer = %+v", o)
	}
	// A closed port is an error, within the timeout.
	start := time.Now()
	if _, err := Probe(context.Background(), func(ctx context.Context, addr string) (net.Conn, error) { return d.DialContext(ctx, "tcp", addr) }, "127.0.0.1:1", time.Second); err == nil || time.Since(start) > 3*time.Second {
		t.Errorf("closed port: %v after %s", err, time.Since(start))
	}
}

// TestAuthMethods: what a real sshd offers, learnt without credentials.
func TestAuthMethods(t *testing.T) {
	var d net.Dialer
	dial := func(ctx context.Context, addr string) (net.Conn, error) { return d.DialContext(ctx, "tcp", addr) }
	for _, tc := range []struct {
		extra string
		want  []string
	}{
		{"PasswordAuthentication yes\n", []string{"password", "keyboard-interactive", "publickey"}},
		{"PasswordAuthentication no\nKbdInteractiveAuthentication no\n", []string{"publickey"}},
	} {
		s := sshdtest.Start(t, sshdtest.Options{Extra: tc.extra})
		got, err := AuthMethods(context.Background(), dial, s.Addr(), 3*time.Second)
		if err != nil || !slices.Equal(got, tc.want) {
			t.Errorf("%q: AuthMethods = %v, %v; want %v", tc.extra, got, err, tc.want)
		}
	}
}
