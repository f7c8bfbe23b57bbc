package postgres

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"net/netip"
	"os"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"
)

// The wire probes speak just enough of the PostgreSQL frontend/backend
// protocol (version 3.0) to see what a client meets before it logs in: the
// answer to an SSLRequest, the TLS versions and certificate behind it, and
// what a startup message without TLS gets. They never send a credential.

// Dialer opens a TCP connection to addr as the audited host sees it
// (host.Host's Dial has this signature).
type Dialer func(ctx context.Context, addr string) (net.Conn, error)

// ProbeTimeout bounds each probe connection, from dialling to the last
// byte read, unless the caller's context ends sooner.
const ProbeTimeout = 10 * time.Second

// maxMessage bounds the length of a server message the probes accept.
const maxMessage = 1 << 20

// maxResponse bounds the server text kept in PlainProbe.Response and errors.
const maxResponse = 1000

const (
	sslRequestCode  = 80877103
	protocolVersion = 3 << 16 // 3.0, 196608
)

// tlsVersions are the protocol versions ProbeTLS tries one by one, under
// the names PostgreSQL's ssl_min_protocol_version uses.
var tlsVersions = []struct {
	name    string
	version uint16
}{
	{"TLSv1", tls.VersionTLS10},
	{"TLSv1.1", tls.VersionTLS11},
	{"TLSv1.2", tls.VersionTLS12},
	{"TLSv1.3", tls.VersionTLS13},
}

// ProbeTLS sends an SSLRequest to addr and records the answer. When it is
// S, it performs a TLS handshake with the client's default versions
// (recording the leaf certificate), and one handshake per protocol version
// TLS 1.0, 1.1, 1.2 and 1.3, each on its own connection with that version
// only, recording in Versions whether the server accepted it. The probes run
// in parallel; certificates are not verified, since the audit judges them
// rather than trusts them. The per-version handshakes offer every cipher
// suite Go implements, insecure ones included, so that a version counts as
// refused only when the server refuses it, not for want of a common suite
// (TLS 1.3 suites are not configurable in Go). A version whose probe could
// not run (a timeout, a failed connection) is left out of Versions and
// named in Error.
func ProbeTLS(ctx context.Context, dial Dialer, addr string) TLSProbe {
	var p TLSProbe
	s, err := connect(ctx, dial, addr)
	if err != nil {
		p.Error = err.Error()
		return p
	}
	defer s.close()
	answer, err := s.sslRequest()
	if err != nil {
		p.Error = err.Error()
		return p
	}
	p.Answer = answer
	if answer != "S" {
		return p
	}

	var (
		mu       sync.Mutex
		wg       sync.WaitGroup
		failures = map[string]string{}
		leaves   = map[string]*x509.Certificate{}
	)
	p.Versions = map[string]bool{}
	wg.Go(func() {
		leaf, err := s.handshake(&tls.Config{InsecureSkipVerify: true, ServerName: hostOf(addr)})
		mu.Lock()
		defer mu.Unlock()
		if err != nil {
			p.HandshakeError = err.Error()
			return
		}
		p.Handshake = true
		leaves[""] = leaf
	})
	for _, v := range tlsVersions {
		wg.Go(func() {
			accepted, leaf, err := probeVersion(ctx, dial, addr, v.version)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				failures[v.name] = err.Error()
				return
			}
			p.Versions[v.name] = accepted
			if leaf != nil {
				leaves[v.name] = leaf
			}
		})
	}
	wg.Wait()

	// The certificate of the default handshake, else of the newest version
	// that got one.
	for _, name := range []string{"", "TLSv1.3", "TLSv1.2", "TLSv1.1", "TLSv1"} {
		if leaf := leaves[name]; leaf != nil {
			p.Certificate = describeCertificate(leaf)
			break
		}
	}
	var msgs []string
	for _, v := range tlsVersions {
		if msg, ok := failures[v.name]; ok {
			msgs = append(msgs, fmt.Sprintf("probe %s: %s", v.name, msg))
		}
	}
	p.Error = strings.Join(msgs, "; ")
	return p
}

// probeVersion tells whether the server at addr completes a TLS handshake
// with only that version offered. err means the probe could not tell.
func probeVersion(ctx context.Context, dial Dialer, addr string, version uint16) (bool, *x509.Certificate, error) {
	s, err := connect(ctx, dial, addr)
	if err != nil {
		return false, nil, err
	}
	defer s.close()
	answer, err := s.sslRequest()
	if err != nil {
		return false, nil, err
	}
	if answer != "S" {
		return false, nil, fmt.Errorf("server answered %s to the SSLRequest", answer)
	}
	leaf, err := s.handshake(&tls.Config{
		InsecureSkipVerify: true,
		ServerName:         hostOf(addr),
		MinVersion:         version,
		MaxVersion:         version,
		CipherSuites:       allCipherSuites,
	})
	if err != nil {
		if s.ctx.Err() != nil || isTimeout(err) {
			return false, nil, err // no answer is not a refusal
		}
		return false, nil, nil
	}
	return true, leaf, nil
}

// allCipherSuites are all the TLS 1.0–1.2 suites Go implements.
var allCipherSuites = func() []uint16 {
	var ids []uint16
	for _, s := range slices.Concat(tls.CipherSuites(), tls.InsecureCipherSuites()) {
		ids = append(ids, s.ID)
	}
	return ids
}()

// ProbePlain sends a protocol 3.0 StartupMessage for user (default
// postgres) and database (omitted when empty, so the server uses the user
// name) without TLS, and records the server's first answer: an
// ErrorResponse is a refusal, with its severity, SQLSTATE and message in
// Response; AuthenticationOk means the server let the probe in without a
// credential (trust, or ident); any other authentication request is not a
// refusal, and Response names the credential asked for. The probe never
// sends a credential: it sends Terminate and closes.
//
// From is the probe's local address as the connection reports it ("" when
// the dialer cannot tell, as through an SSH tunnel). FromLoopback is true
// when the target is a loopback address (its IP, or the name localhost):
// a connection to a loopback address comes from a loopback address, so
// pg_hba rules for remote clients were not what the server applied.
func ProbePlain(ctx context.Context, dial Dialer, addr, user, database string) PlainProbe {
	if user == "" {
		user = "postgres"
	}
	p := PlainProbe{User: user, FromLoopback: isLoopbackTarget(addr)}
	s, err := connect(ctx, dial, addr)
	if err != nil {
		p.Error = err.Error()
		return p
	}
	defer s.close()
	p.From = localAddr(s.conn)

	if err := s.write("send StartupMessage", startupMessage(user, database)); err != nil {
		p.Error = err.Error()
		return p
	}
	// Terminate, best effort: the server may have closed already.
	defer s.write("send Terminate", []byte{'X', 0, 0, 0, 4})
	for range 16 {
		typ, body, err := s.readMessage()
		if err != nil {
			p.Error = err.Error()
			return p
		}
		switch typ {
		case 'E':
			p.Refused = true
			p.Response = clip(parseError(body))
			return p
		case 'R':
			p.Response, err = describeAuth(body)
			if err != nil {
				p.Error = err.Error()
				p.Response = ""
			}
			return p
		case 'N', 'v': // NoticeResponse, NegotiateProtocolVersion: not an answer yet
			continue
		default:
			p.Error = fmt.Sprintf("read answer to StartupMessage from %s: unexpected message type %q", addr, typ)
			return p
		}
	}
	p.Error = fmt.Sprintf("read answer to StartupMessage from %s: no answer after 16 messages", addr)
	return p
}

// startupMessage is a protocol 3.0 StartupMessage.
func startupMessage(user, database string) []byte {
	b := binary.BigEndian.AppendUint32(make([]byte, 0, 64), 0) // length, set below
	b = binary.BigEndian.AppendUint32(b, protocolVersion)
	params := []string{"user", user}
	if database != "" {
		params = append(params, "database", database)
	}
	for _, s := range params {
		b = append(append(b, s...), 0)
	}
	b = append(b, 0)
	binary.BigEndian.PutUint32(b, uint32(len(b)))
	return b
}

// describeAuth says what an Authentication message asks for.
func describeAuth(body []byte) (string, error) {
	if len(body) < 4 {
		return "", fmt.Errorf("short Authentication message (%d bytes)", len(body))
	}
	switch code := binary.BigEndian.Uint32(body); code {
	case 0:
		return "logged in without a password (trust or ident)", nil
	case 2:
		return "asked for Kerberos V5", nil
	case 3:
		return "asked for a cleartext password", nil
	case 5:
		return "asked for an MD5 password", nil
	case 7:
		return "asked for GSSAPI", nil
	case 9:
		return "asked for SSPI", nil
	case 10:
		mechs := cstrings(body[4:])
		if slices.Contains(mechs, "SCRAM-SHA-256") {
			return clip("asked for a SCRAM-SHA-256 password (SASL " + strings.Join(mechs, ", ") + ")"), nil
		}
		return clip("asked for SASL (" + strings.Join(mechs, ", ") + ")"), nil
	default:
		return fmt.Sprintf("asked for authentication type %d", code), nil
	}
}

// cstrings splits a list of NUL-terminated strings ended by an empty one
// (or by the end of b).
func cstrings(b []byte) []string {
	var out []string
	for len(b) > 0 && b[0] != 0 {
		s, rest, _ := bytes.Cut(b, []byte{0})
		out = append(out, string(s))
		b = rest
	}
	return out
}

// parseError renders an ErrorResponse body as "FATAL 28000: message".
func parseError(body []byte) string {
	fields := map[byte]string{}
	for len(body) > 0 && body[0] != 0 {
		value, rest, _ := bytes.Cut(body[1:], []byte{0})
		fields[body[0]] = string(value)
		body = rest
	}
	severity := fields['V'] // not localized, unlike S
	if severity == "" {
		severity = fields['S']
	}
	var b strings.Builder
	b.WriteString(severity)
	if c := fields['C']; c != "" {
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(c)
	}
	if b.Len() > 0 {
		b.WriteString(": ")
	}
	if m := fields['M']; m != "" {
		b.WriteString(m)
	} else {
		b.WriteString("(no message)")
	}
	return b.String()
}

// session is one probe connection, bounded in time: its context carries
// the deadline, and ending it closes the connection, which also unblocks
// connections that do not support deadlines (SSH channels).
type session struct {
	conn   net.Conn
	addr   string
	ctx    context.Context
	cancel context.CancelFunc
	stop   func() bool
}

func connect(ctx context.Context, dial Dialer, addr string) (*session, error) {
	ctx, cancel := context.WithTimeout(ctx, ProbeTimeout)
	conn, err := dial(ctx, addr)
	if err != nil {
		err = fmt.Errorf("connect to %s: %s", addr, describe(ctx, err, true))
		cancel()
		return nil, err
	}
	if d, ok := ctx.Deadline(); ok {
		conn.SetDeadline(d) // unsupported by some conns; the AfterFunc covers those
	}
	s := &session{conn: conn, addr: addr, ctx: ctx, cancel: cancel}
	s.stop = context.AfterFunc(ctx, func() { conn.Close() })
	return s, nil
}

func (s *session) close() {
	s.stop()
	s.cancel()
	s.conn.Close()
}

func (s *session) fail(what string, err error) error {
	return fmt.Errorf("%s (%s): %s", what, s.addr, describe(s.ctx, err, false))
}

func (s *session) write(what string, b []byte) error {
	if _, err := s.conn.Write(b); err != nil {
		return s.fail(what, err)
	}
	return nil
}

// sslRequest sends an SSLRequest and returns the server's one-byte answer,
// "S" or "N", or "E" with an error when the server answered with an error.
func (s *session) sslRequest() (string, error) {
	req := binary.BigEndian.AppendUint32(binary.BigEndian.AppendUint32(nil, 8), sslRequestCode)
	if err := s.write("send SSLRequest", req); err != nil {
		return "", err
	}
	var b [1]byte
	if _, err := io.ReadFull(s.conn, b[:]); err != nil {
		return "", s.fail("read answer to SSLRequest", err)
	}
	switch b[0] {
	case 'S', 'N':
		return string(b[:]), nil
	case 'E':
		// A 3.0 server that fails early sends an ErrorResponse; read it
		// if it is one.
		msg := "an error"
		if body, err := s.readBody('E'); err == nil {
			msg = clip(parseError(body))
		}
		return "E", fmt.Errorf("server at %s answered the SSLRequest with %s", s.addr, msg)
	default:
		return "", fmt.Errorf("server at %s answered the SSLRequest with %q, not S or N: not PostgreSQL?", s.addr, b[0])
	}
}

// handshake runs a TLS handshake over the session's connection and
// returns the server's leaf certificate.
func (s *session) handshake(cfg *tls.Config) (*x509.Certificate, error) {
	tc := tls.Client(s.conn, cfg)
	if err := tc.HandshakeContext(s.ctx); err != nil {
		return nil, s.fail("TLS handshake", err)
	}
	certs := tc.ConnectionState().PeerCertificates
	if len(certs) == 0 {
		return nil, fmt.Errorf("TLS handshake (%s): no server certificate", s.addr)
	}
	return certs[0], nil
}

// readMessage reads one backend message: a type byte, an int32 length
// counting itself, a body.
func (s *session) readMessage() (byte, []byte, error) {
	var t [1]byte
	if _, err := io.ReadFull(s.conn, t[:]); err != nil {
		return 0, nil, s.fail("read answer to StartupMessage", err)
	}
	body, err := s.readBody(t[0])
	return t[0], body, err
}

// readBody reads a message's length and body, refusing lengths over
// maxMessage.
func (s *session) readBody(typ byte) ([]byte, error) {
	var l [4]byte
	if _, err := io.ReadFull(s.conn, l[:]); err != nil {
		return nil, s.fail("read answer to StartupMessage", err)
	}
	n := binary.BigEndian.Uint32(l[:])
	if n < 4 || n > maxMessage {
		return nil, fmt.Errorf("read answer to StartupMessage (%s): message %q claims %d bytes: not PostgreSQL?", s.addr, typ, n)
	}
	body := make([]byte, n-4)
	if _, err := io.ReadFull(s.conn, body); err != nil {
		return nil, s.fail("read answer to StartupMessage", err)
	}
	return body, nil
}

// describe says why a connection operation failed, in words: timeouts and
// early closes by name, dial errors without Go's "dial tcp ADDR:" prefix.
func describe(ctx context.Context, err error, dialing bool) string {
	switch {
	case errors.Is(ctx.Err(), context.Canceled):
		return "canceled"
	case ctx.Err() != nil || isTimeout(err):
		return "timed out"
	case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF):
		return "connection closed by the server"
	case !dialing && errors.Is(err, syscall.ECONNRESET):
		return "connection reset by the server"
	}
	if dialing {
		var op *net.OpError
		if errors.As(err, &op) && op.Err != nil {
			err = op.Err
			var sys *os.SyscallError
			if errors.As(err, &sys) {
				err = sys.Err
			}
		}
	}
	return err.Error()
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.Is(err, os.ErrDeadlineExceeded) || errors.Is(err, context.DeadlineExceeded) ||
		errors.As(err, &ne) && ne.Timeout()
}

// describeCertificate records a certificate's identity and validity.
func describeCertificate(c *x509.Certificate) *Certificate {
	out := &Certificate{
		Subject:   c.Subject.String(),
		Issuer:    c.Issuer.String(),
		DNSNames:  c.DNSNames,
		NotBefore: c.NotBefore.UTC().Format(time.RFC3339),
		NotAfter:  c.NotAfter.UTC().Format(time.RFC3339),
		// Self-signed: the issuer is the subject and the certificate's own
		// key verifies its signature (CheckSignatureFrom would also demand
		// that it be a CA).
		SelfSigned: bytes.Equal(c.RawIssuer, c.RawSubject) &&
			c.CheckSignature(c.SignatureAlgorithm, c.RawTBSCertificate, c.Signature) == nil,
	}
	for _, ip := range c.IPAddresses {
		out.IPs = append(out.IPs, ip.String())
	}
	return out
}

// hostOf is addr's host, for SNI.
func hostOf(addr string) string {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return addr
	}
	return host
}

// localAddr is conn's local address, "" when it is unknown or unspecified
// (SSH channels report 0.0.0.0:0).
func localAddr(conn net.Conn) string {
	la := conn.LocalAddr()
	if la == nil {
		return ""
	}
	if tcp, ok := la.(*net.TCPAddr); ok && (tcp == nil || tcp.IP == nil || tcp.IP.IsUnspecified()) {
		return ""
	}
	return la.String()
}

// isLoopbackTarget tells whether addr's host is a loopback IP or localhost.
func isLoopbackTarget(addr string) bool {
	host := hostOf(addr)
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip, err := netip.ParseAddr(host)
	return err == nil && ip.Unmap().IsLoopback()
}

// clip bounds server-provided text and makes it valid UTF-8.
func clip(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	if len(s) > maxResponse {
		s = strings.ToValidUTF8(s[:maxResponse], "") + "…"
	}
	return s
}
