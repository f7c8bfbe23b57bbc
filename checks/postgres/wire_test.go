package postgres_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"io"
	"net"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"audit/checks/postgres"
	"audit/checks/postgres/pgtest"
)

// localDial is the local host's Dialer.
func localDial(ctx context.Context, addr string) (net.Conn, error) {
	var d net.Dialer
	return d.DialContext(ctx, "tcp", addr)
}

func TestProbeTLSReal(t *testing.T) {
	t.Parallel()
	pgtest.Require(t)
	weak := []string{"ssl_min_protocol_version = 'TLSv1'", "ssl_ciphers = 'DEFAULT:@SECLEVEL=0'"}
	tests := []struct {
		name         string
		opts         pgtest.Options
		answer       string
		versions     map[string]bool
		wantExpired  bool
		wantValidFor time.Duration
	}{
		{
			name:   "ssl off",
			opts:   pgtest.Options{},
			answer: "N",
		},
		{
			name:         "ssl on, default TLSv1.2 floor",
			opts:         pgtest.Options{SSL: true},
			answer:       "S",
			versions:     map[string]bool{"TLSv1": false, "TLSv1.1": false, "TLSv1.2": true, "TLSv1.3": true},
			wantValidFor: 365 * 24 * time.Hour,
		},
		{
			name:     "TLSv1 floor and SECLEVEL=0",
			opts:     pgtest.Options{SSL: true, Conf: weak},
			answer:   "S",
			versions: map[string]bool{"TLSv1": true, "TLSv1.1": true, "TLSv1.2": true, "TLSv1.3": true},
		},
		{
			// OpenSSL 3 refuses TLS 1.0/1.1 at security level 1 and up,
			// whatever ssl_min_protocol_version says.
			name:     "TLSv1 floor alone",
			opts:     pgtest.Options{SSL: true, Conf: weak[:1]},
			answer:   "S",
			versions: map[string]bool{"TLSv1": false, "TLSv1.1": false, "TLSv1.2": true, "TLSv1.3": true},
		},
		{
			// SECLEVEL=0 alone: the default TLSv1.2 floor still holds.
			name:     "SECLEVEL=0 alone",
			opts:     pgtest.Options{SSL: true, Conf: weak[1:]},
			answer:   "S",
			versions: map[string]bool{"TLSv1": false, "TLSv1.1": false, "TLSv1.2": true, "TLSv1.3": true},
		},
		{
			name:     "TLSv1.3 only",
			opts:     pgtest.Options{SSL: true, Conf: []string{"ssl_min_protocol_version = 'TLSv1.3'"}},
			answer:   "S",
			versions: map[string]bool{"TLSv1": false, "TLSv1.1": false, "TLSv1.2": false, "TLSv1.3": true},
		},
		{
			name:     "TLSv1.2 ceiling",
			opts:     pgtest.Options{SSL: true, Conf: []string{"ssl_max_protocol_version = 'TLSv1.2'"}},
			answer:   "S",
			versions: map[string]bool{"TLSv1": false, "TLSv1.1": false, "TLSv1.2": true, "TLSv1.3": false},
		},
		{
			name:        "expired certificate",
			opts:        pgtest.Options{SSL: true, CertValidFor: -48 * time.Hour},
			answer:      "S",
			versions:    map[string]bool{"TLSv1": false, "TLSv1.1": false, "TLSv1.2": true, "TLSv1.3": true},
			wantExpired: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := pgtest.Start(t, tt.opts)
			before := time.Now()
			got := postgres.ProbeTLS(t.Context(), localDial, c.Addr())
			t.Logf("ProbeTLS took %v", time.Since(before))
			if got.Error != "" {
				t.Fatalf("Error = %q", got.Error)
			}
			if got.Answer != tt.answer {
				t.Errorf("Answer = %q, want %q", got.Answer, tt.answer)
			}
			if diff := cmp.Diff(tt.versions, got.Versions); diff != "" {
				t.Errorf("Versions (-want +got):\n%s", diff)
			}
			if tt.answer == "N" {
				if got.Handshake || got.HandshakeError != "" || got.Certificate != nil {
					t.Errorf("handshake recorded after N: %+v", got)
				}
				return
			}
			if !got.Handshake {
				t.Errorf("Handshake = false: %s", got.HandshakeError)
			}
			cert := got.Certificate
			if cert == nil {
				t.Fatal("no certificate recorded")
			}
			want := postgres.Certificate{
				Subject: "CN=127.0.0.1,O=pgtest", Issuer: "CN=127.0.0.1,O=pgtest",
				IPs: []string{"127.0.0.1"}, SelfSigned: true,
				NotBefore: cert.NotBefore, NotAfter: cert.NotAfter, // checked below
			}
			if diff := cmp.Diff(want, *cert); diff != "" {
				t.Errorf("Certificate (-want +got):\n%s", diff)
			}
			notBefore, err1 := time.Parse(time.RFC3339, cert.NotBefore)
			notAfter, err2 := time.Parse(time.RFC3339, cert.NotAfter)
			if err1 != nil || err2 != nil || !strings.HasSuffix(cert.NotAfter, "Z") {
				t.Fatalf("dates not RFC 3339 UTC: %q %q", cert.NotBefore, cert.NotAfter)
			}
			if !notBefore.Before(notAfter) {
				t.Errorf("NotBefore %s is not before NotAfter %s", cert.NotBefore, cert.NotAfter)
			}
			if expired := notAfter.Before(time.Now()); expired != tt.wantExpired {
				t.Errorf("NotAfter %s: expired = %v, want %v", cert.NotAfter, expired, tt.wantExpired)
			}
			if tt.wantValidFor != 0 {
				if d := notAfter.Sub(before) - tt.wantValidFor; d < -time.Minute || d > time.Minute {
					t.Errorf("NotAfter %s is not %v from now", cert.NotAfter, tt.wantValidFor)
				}
			}
		})
	}
}

func TestProbePlainReal(t *testing.T) {
	t.Parallel()
	pgtest.Require(t)
	tests := []struct {
		name     string
		opts     pgtest.Options
		user     string
		refused  bool
		response []string // substrings of Response
	}{
		{
			name:     "scram from loopback",
			opts:     pgtest.Options{},
			refused:  false,
			response: []string{"asked for a SCRAM-SHA-256 password"},
		},
		{
			name:     "hostssl only",
			opts:     pgtest.Options{SSL: true, HBA: "local all all trust\nhostssl all all 127.0.0.1/32 scram-sha-256\n"},
			refused:  true,
			response: []string{"FATAL 28000: no pg_hba.conf entry", `user "postgres"`, "no encryption"},
		},
		{
			name:     "trust",
			opts:     pgtest.Options{HBA: "local all all trust\nhost all all 127.0.0.1/32 trust\n"},
			response: []string{"without a password"},
		},
		{
			name: "md5",
			opts: pgtest.Options{
				HBA:  "local all all trust\nhost all all 127.0.0.1/32 md5\n",
				Conf: []string{"password_encryption = md5"},
			},
			response: []string{"asked for an MD5 password"},
		},
		{
			name:     "password",
			opts:     pgtest.Options{HBA: "local all all trust\nhost all all 127.0.0.1/32 password\n"},
			response: []string{"asked for a cleartext password"},
		},
		{
			name:     "reject",
			opts:     pgtest.Options{HBA: "local all all trust\nhost all all 127.0.0.1/32 reject\n"},
			refused:  true,
			response: []string{"FATAL 28000: pg_hba.conf rejects connection"},
		},
		{
			name:     "user not in hba",
			opts:     pgtest.Options{HBA: "local all all trust\nhost all app 127.0.0.1/32 scram-sha-256\n"},
			user:     "nobody'\"x",
			refused:  true,
			response: []string{"no pg_hba.conf entry", `user "nobody'"x"`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := pgtest.Start(t, tt.opts)
			user := tt.user
			if user == "" {
				user = "postgres"
			}
			got := postgres.ProbePlain(t.Context(), localDial, c.Addr(), user, "postgres")
			if got.Error != "" {
				t.Fatalf("Error = %q", got.Error)
			}
			if got.Refused != tt.refused {
				t.Errorf("Refused = %v, want %v (Response %q)", got.Refused, tt.refused, got.Response)
			}
			for _, want := range tt.response {
				if !strings.Contains(got.Response, want) {
					t.Errorf("Response = %q, want it to contain %q", got.Response, want)
				}
			}
			if got.User != user || !got.FromLoopback || !strings.HasPrefix(got.From, "127.0.0.1:") {
				t.Errorf("User %q From %q FromLoopback %v", got.User, got.From, got.FromLoopback)
			}
		})
	}
}

func TestProbeClosedPort(t *testing.T) {
	t.Parallel()
	addr := closedLoopbackPort(t)
	want := "connect to " + addr + ": connection refused"
	tp := postgres.ProbeTLS(t.Context(), localDial, addr)
	if tp.Error != want || tp.Answer != "" || tp.Versions != nil {
		t.Errorf("ProbeTLS = %+v, want Error %q", tp, want)
	}
	pp := postgres.ProbePlain(t.Context(), localDial, addr, "postgres", "postgres")
	if pp.Error != want || pp.Refused || pp.Response != "" || !pp.FromLoopback {
		t.Errorf("ProbePlain = %+v, want Error %q", pp, want)
	}
}

// closedLoopbackPort is a loopback address where nothing listens: a socket bound
// to it, not listening, so that no other test can take the port meanwhile.
func closedLoopbackPort(t *testing.T) string {
	t.Helper()
	fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_STREAM|syscall.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { syscall.Close(fd) })
	if err := syscall.Bind(fd, &syscall.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}); err != nil {
		t.Fatal(err)
	}
	sa, err := syscall.Getsockname(fd)
	if err != nil {
		t.Fatal(err)
	}
	return net.JoinHostPort("127.0.0.1", strconv.Itoa(sa.(*syscall.SockaddrInet4).Port))
}

// fakePGServer accepts connections on 127.0.0.1 and hands each to serve.
func fakePGServer(t *testing.T, serve func(c net.Conn)) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	var conns []net.Conn
	wg.Go(func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
			wg.Go(func() {
				defer c.Close()
				serve(c)
			})
		}
	})
	t.Cleanup(func() {
		l.Close()
		mu.Lock()
		for _, c := range conns {
			c.Close()
		}
		mu.Unlock()
		wg.Wait()
	})
	return l.Addr().String()
}

// fakeReadStartup reads an SSLRequest or StartupMessage.
func fakeReadStartup(c net.Conn) ([]byte, error) {
	var l [4]byte
	if _, err := io.ReadFull(c, l[:]); err != nil {
		return nil, err
	}
	n := binary.BigEndian.Uint32(l[:])
	if n < 8 || n > 10000 {
		return nil, errors.New("bad length")
	}
	b := make([]byte, n-4)
	_, err := io.ReadFull(c, b)
	return b, err
}

func backendMsg(typ byte, body ...byte) []byte {
	return append(binary.BigEndian.AppendUint32([]byte{typ}, uint32(4+len(body))), body...)
}

func TestProbeFakeServers(t *testing.T) {
	t.Parallel()
	huge := binary.BigEndian.AppendUint32([]byte{'E'}, 0x7fffffff)
	tests := []struct {
		name      string
		serve     func(c net.Conn)
		tlsError  string // substring of TLSProbe.Error or HandshakeError
		plainErr  string // substring of PlainProbe.Error
		plainResp string
	}{
		{
			name:     "closes at once",
			serve:    func(c net.Conn) {},
			tlsError: "by the server",
			plainErr: "by the server", // closed, or reset when the startup message was unread
		},
		{
			name: "HTTP server",
			serve: func(c net.Conn) {
				c.Write([]byte("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n"))
			},
			tlsError: `answered the SSLRequest with 'H', not S or N`,
			plainErr: "claims",
		},
		{
			name: "huge length",
			serve: func(c net.Conn) {
				fakeReadStartup(c)
				c.Write(huge)
			},
			tlsError: "answered the SSLRequest with an error",
			plainErr: "message 'E' claims 2147483647 bytes",
		},
		{
			name: "length below 4",
			serve: func(c net.Conn) {
				fakeReadStartup(c)
				c.Write([]byte{'R', 0, 0, 0, 2})
			},
			tlsError: `answered the SSLRequest with 'R'`,
			plainErr: "claims 2 bytes",
		},
		{
			name: "truncated body",
			serve: func(c net.Conn) {
				fakeReadStartup(c)
				c.Write([]byte{'E', 0, 0, 0, 100, 'S', 'F'})
			},
			tlsError: "answered the SSLRequest with an error",
			plainErr: "connection closed by the server",
		},
		{
			name: "empty authentication message",
			serve: func(c net.Conn) {
				fakeReadStartup(c)
				c.Write(backendMsg('R'))
			},
			tlsError: `answered the SSLRequest with 'R'`,
			plainErr: "short Authentication message",
		},
		{
			name: "S then garbage",
			serve: func(c net.Conn) {
				fakeReadStartup(c)
				c.Write([]byte("S\x00\xff\xff\xffgarbage"))
			},
			tlsError: "TLS handshake",
			plainErr: "message 'S' claims 16777215 bytes",
		},
		{
			name: "unterminated error fields and SASL list",
			serve: func(c net.Conn) {
				b, _ := fakeReadStartup(c)
				if binary.BigEndian.Uint32(b) == 80877103 {
					c.Write([]byte("N"))
					return
				}
				c.Write(backendMsg('N', []byte("Mnotice\x00\x00")...))
				c.Write(backendMsg('R', 0, 0, 0, 10, 'X', 'Y'))
			},
			plainResp: "asked for SASL (XY)",
		},
		{
			name: "error without fields",
			serve: func(c net.Conn) {
				fakeReadStartup(c)
				c.Write(backendMsg('E', 0))
			},
			tlsError:  "answered the SSLRequest with (no message)",
			plainResp: "(no message)",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			addr := fakePGServer(t, tt.serve)
			ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
			defer cancel()
			start := time.Now()
			tp := postgres.ProbeTLS(ctx, localDial, addr)
			errs := tp.Error + " | " + tp.HandshakeError
			if tt.tlsError != "" && !strings.Contains(errs, tt.tlsError) {
				t.Errorf("ProbeTLS errors %q, want %q", errs, tt.tlsError)
			}
			if tp.Handshake {
				t.Errorf("ProbeTLS: handshake with a fake server: %+v", tp)
			}
			pp := postgres.ProbePlain(ctx, localDial, addr, "postgres", "")
			if tt.plainErr != "" && !strings.Contains(pp.Error, tt.plainErr) {
				t.Errorf("ProbePlain Error %q, want %q", pp.Error, tt.plainErr)
			}
			if tt.plainErr == "" && pp.Error != "" {
				t.Errorf("ProbePlain Error %q", pp.Error)
			}
			if tt.plainResp != "" && !strings.Contains(pp.Response, tt.plainResp) {
				t.Errorf("ProbePlain Response %q, want %q", pp.Response, tt.plainResp)
			}
			if d := time.Since(start); d > 3*time.Second {
				t.Errorf("probes took %v", d)
			}
		})
	}
}

// TestProbeSilentServer: a server that never answers holds neither probe
// past the context's deadline, even over a connection without deadline
// support (as SSH channels are).
func TestProbeSilentServer(t *testing.T) {
	t.Parallel()
	addr := fakePGServer(t, func(c net.Conn) { io.Copy(io.Discard, c) })
	dials := map[string]postgres.Dialer{
		"tcp": localDial,
		"no deadlines": func(ctx context.Context, addr string) (net.Conn, error) {
			c, err := localDial(ctx, addr)
			return noDeadlineConn{c}, err
		},
	}
	for name, d := range dials {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			start := time.Now()
			ctx, cancel := context.WithTimeout(t.Context(), 300*time.Millisecond)
			defer cancel()
			tp := postgres.ProbeTLS(ctx, d, addr)
			ctx, cancel = context.WithTimeout(t.Context(), 300*time.Millisecond)
			defer cancel()
			pp := postgres.ProbePlain(ctx, d, addr, "postgres", "postgres")
			if elapsed := time.Since(start); elapsed > 2*time.Second {
				t.Errorf("probes took %v", elapsed)
			}
			want := "read answer to SSLRequest (" + addr + "): timed out"
			if tp.Error != want {
				t.Errorf("ProbeTLS Error %q, want %q", tp.Error, want)
			}
			if want := "read answer to StartupMessage (" + addr + "): timed out"; pp.Error != want {
				t.Errorf("ProbePlain Error %q", pp.Error)
			}
			if name == "no deadlines" && pp.From != "" {
				t.Errorf("From = %q for a conn with an unspecified local address", pp.From)
			}
		})
	}
}

// noDeadlineConn is a conn like an SSH channel: no deadlines, zero addresses.
type noDeadlineConn struct{ net.Conn }

func (noDeadlineConn) SetDeadline(time.Time) error      { return errors.New("deadline not supported") }
func (noDeadlineConn) SetReadDeadline(time.Time) error  { return errors.New("deadline not supported") }
func (noDeadlineConn) SetWriteDeadline(time.Time) error { return errors.New("deadline not supported") }
func (noDeadlineConn) LocalAddr() net.Addr              { return &net.TCPAddr{IP: net.IPv4zero} }
func (noDeadlineConn) RemoteAddr() net.Addr             { return &net.TCPAddr{IP: net.IPv4zero} }

// TestProbePlainWire checks the bytes: a protocol 3.0 StartupMessage with
// user and database, and after an authentication request no credential,
// only Terminate.
func TestProbePlainWire(t *testing.T) {
	t.Parallel()
	type seen struct {
		startup []byte
		after   []byte
	}
	got := make(chan seen, 1)
	addr := fakePGServer(t, func(c net.Conn) {
		b, err := fakeReadStartup(c)
		if err != nil {
			return
		}
		c.Write(backendMsg('R', 0, 0, 0, 3)) // AuthenticationCleartextPassword
		c.SetReadDeadline(time.Now().Add(2 * time.Second))
		rest, _ := io.ReadAll(c)
		got <- seen{b, rest}
	})
	pp := postgres.ProbePlain(t.Context(), localDial, addr, "alice", "db1")
	if pp.Error != "" || pp.Refused || pp.Response != "asked for a cleartext password" {
		t.Errorf("ProbePlain = %+v", pp)
	}
	s := <-got
	wantStartup := append(binary.BigEndian.AppendUint32(nil, 196608), "user\x00alice\x00database\x00db1\x00\x00"...)
	if !bytes.Equal(s.startup, wantStartup) {
		t.Errorf("startup message %q, want %q", s.startup, wantStartup)
	}
	if want := []byte{'X', 0, 0, 0, 4}; !bytes.Equal(s.after, want) {
		t.Errorf("after the authentication request the probe sent %q, want only Terminate %q", s.after, want)
	}
}

func TestProbePlainLoopback(t *testing.T) {
	t.Parallel()
	// The target decides; no server is needed to tell.
	for addr, want := range map[string]bool{
		"127.0.0.1:1": true, "127.8.9.10:1": true, "[::1]:1": true, "localhost:1": true,
		"[::ffff:127.0.0.1]:1": true, "192.0.2.1:1": false, "[2001:db8::1]:1": false, "db.example:1": false,
	} {
		failing := func(ctx context.Context, a string) (net.Conn, error) { return nil, errors.New("no route") }
		got := postgres.ProbePlain(t.Context(), failing, addr, "", "")
		if got.FromLoopback != want || got.User != "postgres" || got.Error != "connect to "+addr+": no route" {
			t.Errorf("%s: %+v, want FromLoopback %v", addr, got, want)
		}
	}
}
