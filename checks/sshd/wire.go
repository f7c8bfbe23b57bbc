// Package sshd gathers the facts of the SSH checklist items: what the SSH
// server offers on the wire, and (to come) its effective configuration,
// host keys and authorized keys.
package sshd

import (
	"bufio"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"time"

	"golang.org/x/crypto/ssh"
)

// Offer is what an SSH server offers before any login: its version line
// and the algorithm lists of its first key-exchange message (KEXINIT,
// RFC 4253 section 7.1).
type Offer struct {
	Version         string   `json:"version"`
	Kex             []string `json:"kex"`
	HostKeys        []string `json:"host_key_algorithms"`
	CiphersToClient []string `json:"ciphers"`
	MACsToClient    []string `json:"macs"`
	Compression     []string `json:"compression"`
}

const (
	maxVersionLines = 32    // lines a server may send before its version (RFC 4253 4.2)
	maxLine         = 255   // the version line's limit
	maxPacket       = 35000 // RFC 4253 6.1: implementations must accept 35000 bytes
	msgKexInit      = 20
)

// Probe connects through dial to addr and reads what the server offers.
// It sends only a version line: no key exchange, no login.
func Probe(ctx context.Context, dial func(ctx context.Context, addr string) (net.Conn, error), addr string, timeout time.Duration) (Offer, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	conn, err := dial(ctx, addr)
	if err != nil {
		return Offer{}, fmt.Errorf("connect to %s: %w", addr, err)
	}
	defer conn.Close()
	if deadline, ok := ctx.Deadline(); ok {
		conn.SetDeadline(deadline)
	}
	if _, err := io.WriteString(conn, "SSH-2.0-audit_probe\r\n"); err != nil {
		return Offer{}, fmt.Errorf("probe %s: %w", addr, err)
	}
	offer, err := ReadOffer(bufio.NewReader(conn))
	if err != nil {
		return Offer{}, fmt.Errorf("probe %s: %w", addr, err)
	}
	return offer, nil
}

// ReadOffer reads a server's version line and its KEXINIT packet.
func ReadOffer(r *bufio.Reader) (Offer, error) {
	var o Offer
	for i := 0; ; i++ {
		if i == maxVersionLines {
			return o, errors.New("no SSH version line")
		}
		line, err := readLine(r)
		if err != nil {
			return o, fmt.Errorf("read the version line: %w", err)
		}
		if strings.HasPrefix(line, "SSH-") {
			o.Version = line
			break
		}
	}
	if !strings.HasPrefix(o.Version, "SSH-2.0-") && !strings.HasPrefix(o.Version, "SSH-1.99-") {
		return o, fmt.Errorf("not an SSH 2 server: %q", o.Version)
	}
	var header [5]byte
	if _, err := io.ReadFull(r, header[:]); err != nil {
		return o, fmt.Errorf("read KEXINIT: %w", err)
	}
	length := binary.BigEndian.Uint32(header[:4])
	padding := uint32(header[4])
	if length < 2 || length > maxPacket || padding+1 > length {
		return o, fmt.Errorf("bad packet length %d", length)
	}
	packet := make([]byte, length-1)
	if _, err := io.ReadFull(r, packet); err != nil {
		return o, fmt.Errorf("read KEXINIT: %w", err)
	}
	return o, parseKexInit(packet[:len(packet)-int(padding)], &o)
}

// readLine reads one CRLF- or LF-ended line of at most maxLine bytes.
func readLine(r *bufio.Reader) (string, error) {
	var b strings.Builder
	for b.Len() <= maxLine {
		c, err := r.ReadByte()
		if err != nil {
			return "", err
		}
		if c == '\n' {
			return strings.TrimSuffix(b.String(), "\r"), nil
		}
		b.WriteByte(c)
	}
	return "", errors.New("line too long")
}

// parseKexInit reads the name-lists of a KEXINIT payload.
func parseKexInit(p []byte, o *Offer) error {
	if len(p) < 17 || p[0] != msgKexInit {
		return errors.New("the first packet is not KEXINIT")
	}
	p = p[17:] // message number and 16-byte cookie
	lists := make([][]string, 10)
	for i := range lists {
		if len(p) < 4 {
			return errors.New("KEXINIT ends early")
		}
		n := binary.BigEndian.Uint32(p)
		p = p[4:]
		if uint64(n) > uint64(len(p)) {
			return errors.New("KEXINIT name-list overruns the packet")
		}
		if n > 0 {
			lists[i] = strings.Split(string(p[:n]), ",")
		}
		p = p[n:]
	}
	o.Kex, o.HostKeys = lists[0], lists[1]
	o.CiphersToClient, o.MACsToClient, o.Compression = lists[3], lists[5], lists[7]
	return nil
}

// errProbeStop ends a probe handshake as soon as a method proves offered:
// no credential is ever sent.
var errProbeStop = errors.New("audit probe: method offered")

// AuthMethods asks the server which of password, keyboard-interactive and
// publickey it offers, the way a client learns it: a "none" request for a
// user that does not exist, one connection per method, and no credential
// sent. The host key is not checked: nothing is trusted or sent.
func AuthMethods(ctx context.Context, dial func(ctx context.Context, addr string) (net.Conn, error), addr string, timeout time.Duration) ([]string, error) {
	user := fmt.Sprintf("audit-probe-%d", time.Now().UnixNano()%1_000_000)
	var offered []string
	for _, m := range []string{"password", "keyboard-interactive", "publickey"} {
		var called bool
		var method ssh.AuthMethod
		switch m {
		case "password":
			method = ssh.PasswordCallback(func() (string, error) { called = true; return "", errProbeStop })
		case "keyboard-interactive":
			method = ssh.KeyboardInteractive(func(string, string, []string, []bool) ([]string, error) {
				called = true
				return nil, errProbeStop
			})
		case "publickey":
			method = ssh.PublicKeysCallback(func() ([]ssh.Signer, error) { called = true; return nil, errProbeStop })
		}
		err := tryAuth(ctx, dial, addr, timeout, user, method)
		msg := ""
		if err != nil {
			msg = err.Error()
		}
		switch {
		// x/crypto tries a method only when the server lists it.
		case called, strings.Contains(msg, "attempted methods [none "+m+"]"),
			// keyboard-interactive listed, then refused without a challenge
			// (no PAM): still offered.
			m == "keyboard-interactive" && strings.Contains(msg, "unexpected message type 51"):
			offered = append(offered, m)
		case strings.Contains(msg, "no supported methods remain"):
		default:
			return offered, fmt.Errorf("ask %s for its auth methods: %w", addr, err)
		}
	}
	return offered, nil
}

func tryAuth(ctx context.Context, dial func(ctx context.Context, addr string) (net.Conn, error), addr string, timeout time.Duration, user string, method ssh.AuthMethod) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	conn, err := dial(ctx, addr)
	if err != nil {
		return err
	}
	defer conn.Close()
	if deadline, ok := ctx.Deadline(); ok {
		conn.SetDeadline(deadline)
	}
	config := &ssh.ClientConfig{
		User:            user,
		Auth:            []ssh.AuthMethod{method},
		HostKeyCallback: ssh.InsecureIgnoreHostKey(), // a probe: nothing is trusted or sent
		Timeout:         timeout,
	}
	c, _, _, err := ssh.NewClientConn(conn, addr, config)
	if err == nil {
		c.Close()
		return errors.New("the server let an unknown user in without credentials")
	}
	return err
}
