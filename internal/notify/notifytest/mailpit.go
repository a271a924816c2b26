// Package notifytest gives tests real places to send notifications to: a
// mailpit SMTP server (a separate binary) and an in-process stub of a
// Twilio-compatible SMS endpoint.
package notifytest

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"go/build"
	"math/big"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// MailpitVersion is the mailpit these helpers are known to work with.
const MailpitVersion = "v1.27.11"

// EnvMailpit set to "required" turns a missing mailpit binary from a skip
// into a failure (CI sets it, so that CI never skips).
const EnvMailpit = "UGLYMUGS_TEST_MAILPIT"

// waitLimit bounds every wait here: a guard against hanging, not a timing
// assertion.
const waitLimit = 20 * time.Second

// TLSMode says how a mailpit offers TLS on SMTP.
type TLSMode int

const (
	TLSNone     TLSMode = iota // plain SMTP; authentication allowed in the clear
	TLSStartTLS                // STARTTLS offered and required before any mail
	TLSImplicit                // TLS from the first byte (smtps)
)

// MailpitOptions configure StartMailpitWith.
type MailpitOptions struct {
	TLS TLSMode
}

// Mailpit is a running mailpit.
type Mailpit struct {
	smtpAddr string
	api      string
	tls      TLSMode
	roots    *x509.CertPool
	client   *http.Client
}

// Message is an email mailpit received.
type Message struct {
	ID      string
	From    string
	To      string // the recipients' addresses, joined with ", "
	Subject string
	Text    string
	Headers map[string][]string
}

// StartMailpit starts a plain-SMTP mailpit that accepts any SMTP credentials.
func StartMailpit(t testing.TB) *Mailpit {
	t.Helper()
	return StartMailpitWith(t, MailpitOptions{})
}

// StartMailpitWith starts mailpit on free loopback ports with a database in
// a temporary directory, waits until it is ready, and stops it when the test
// ends. It skips the test when mailpit is not installed (fails, when
// UGLYMUGS_TEST_MAILPIT=required). With TLS, mailpit serves a fresh
// self-signed certificate for 127.0.0.1; RootCAs trusts it.
func StartMailpitWith(t testing.TB, o MailpitOptions) *Mailpit {
	t.Helper()
	bin := findMailpit()
	if bin == "" {
		msg := "mailpit not found on PATH or in $(go env GOPATH)/bin; install it with: go install github.com/axllent/mailpit@" + MailpitVersion
		if os.Getenv(EnvMailpit) == "required" {
			t.Fatal(msg + " (" + EnvMailpit + "=required)")
		}
		t.Skip(msg)
	}
	dir := t.TempDir()
	m := &Mailpit{tls: o.TLS, client: &http.Client{Timeout: 5 * time.Second}}
	args := []string{
		"--disable-version-check",
		"--database", filepath.Join(dir, "mailpit.db"),
		"--smtp-auth-accept-any",
		"--smtp-disable-rdns",
		"--enable-chaos",
		"--quiet",
	}
	switch o.TLS {
	case TLSNone:
		args = append(args, "--smtp-auth-allow-insecure")
	case TLSStartTLS, TLSImplicit:
		cert, key, roots := selfSigned(t, dir)
		m.roots = roots
		args = append(args, "--smtp-tls-cert", cert, "--smtp-tls-key", key)
		if o.TLS == TLSStartTLS {
			args = append(args, "--smtp-require-starttls")
		} else {
			args = append(args, "--smtp-require-tls")
		}
	}

	// Free ports are found by listening and closing, so another process may
	// take one before mailpit does; start again on new ports if so.
	var lastErr error
	for range 3 {
		smtpPort, httpPort := freePort(t), freePort(t)
		m.smtpAddr = net.JoinHostPort("127.0.0.1", strconv.Itoa(smtpPort))
		m.api = "http://" + net.JoinHostPort("127.0.0.1", strconv.Itoa(httpPort))
		full := append(slices.Clone(args), "--smtp", m.smtpAddr, "--listen", "127.0.0.1:"+strconv.Itoa(httpPort))
		lastErr = m.start(t, bin, full)
		if lastErr == nil {
			return m
		}
	}
	t.Fatalf("notifytest: mailpit did not start: %v", lastErr)
	return nil
}

func (m *Mailpit) start(t testing.TB, bin string, args []string) error {
	out := &syncBuffer{}
	cmd := exec.Command(bin, args...) // #nosec G204 -- mailpit, found above, with arguments made by this file
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		return err
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }() // stopped by us: its exit status says nothing
	stop := func() {
		_ = cmd.Process.Signal(syscall.SIGTERM) // it may have exited already; exited says
		select {
		case <-exited:
		case <-time.After(5 * time.Second):
			_ = cmd.Process.Kill()
			<-exited
		}
	}

	deadline := time.Now().Add(waitLimit)
	for {
		select {
		case <-exited:
			return fmt.Errorf("mailpit exited: %s", strings.TrimSpace(out.String()))
		default:
		}
		if m.ready() {
			break
		}
		if time.Now().After(deadline) {
			stop()
			return fmt.Errorf("mailpit not ready after %s: %s", waitLimit, strings.TrimSpace(out.String()))
		}
		time.Sleep(25 * time.Millisecond)
	}
	t.Cleanup(func() {
		stop()
		if t.Failed() {
			if s := strings.TrimSpace(out.String()); s != "" {
				t.Logf("mailpit output:\n%s", s)
			}
		}
	})
	return nil
}

// ready reports whether both the API and the SMTP port answer.
func (m *Mailpit) ready() bool {
	resp, err := m.client.Get(m.api + "/readyz")
	if err != nil {
		return false
	}
	_ = resp.Body.Close() // a probe: only the status matters
	if resp.StatusCode != http.StatusOK {
		return false
	}
	c, err := net.DialTimeout("tcp", m.smtpAddr, time.Second)
	if err != nil {
		return false
	}
	_ = c.Close() // a probe: the connection was accepted
	return true
}

// SMTPURL is the URL to give notify.NewSMTP, with a user name and password
// (mailpit accepts any): smtps:// for TLSImplicit, smtp:// otherwise.
func (m *Mailpit) SMTPURL() string {
	scheme := "smtp"
	if m.tls == TLSImplicit {
		scheme = "smtps"
	}
	return scheme + "://tester:secret-pass@" + m.smtpAddr
}

// RootCAs trusts the mailpit's certificate (nil without TLS).
func (m *Mailpit) RootCAs() *x509.CertPool { return m.roots }

// Messages returns every message received, oldest first, with its text body
// and headers.
func (m *Mailpit) Messages(t testing.TB) []Message {
	t.Helper()
	var list struct {
		Messages []struct{ ID string }
	}
	m.get(t, "/api/v1/messages?limit=1000", &list)
	out := make([]Message, 0, len(list.Messages))
	for _, s := range slices.Backward(list.Messages) {
		out = append(out, m.message(t, s.ID))
	}
	return out
}

func (m *Mailpit) message(t testing.TB, id string) Message {
	t.Helper()
	type addr struct{ Address string }
	var full struct {
		ID      string
		From    addr
		To      []addr
		Subject string
		Text    string
	}
	m.get(t, "/api/v1/message/"+url.PathEscape(id), &full)
	to := make([]string, len(full.To))
	for i, a := range full.To {
		to[i] = a.Address
	}
	msg := Message{ID: full.ID, From: full.From.Address, To: strings.Join(to, ", "), Subject: full.Subject, Text: full.Text}
	m.get(t, "/api/v1/message/"+url.PathEscape(id)+"/headers", &msg.Headers)
	return msg
}

// WaitFor returns the first message to the address to, polling for up to 20
// seconds.
func (m *Mailpit) WaitFor(t testing.TB, to string) Message {
	t.Helper()
	deadline := time.Now().Add(waitLimit)
	for {
		for _, msg := range m.Messages(t) {
			if slices.Contains(strings.Split(msg.To, ", "), to) {
				return msg
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("notifytest: no message to %s reached mailpit within %s", to, waitLimit)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// Chaos makes mailpit's SMTP server reply with an error code (400–599) at
// one stage of every conversation; 0 leaves a stage alone.
type Chaos struct {
	Sender, Recipient, Authentication int
}

// SetChaos sets the errors mailpit's SMTP server gives from now on;
// SetChaos(t, Chaos{}) turns them off.
func (m *Mailpit) SetChaos(t testing.TB, c Chaos) {
	t.Helper()
	type trigger struct{ ErrorCode, Probability int }
	tr := func(code int) trigger {
		if code == 0 {
			return trigger{}
		}
		return trigger{code, 100}
	}
	body, _ := json.Marshal(map[string]trigger{
		"Sender": tr(c.Sender), "Recipient": tr(c.Recipient), "Authentication": tr(c.Authentication),
	})
	req, err := http.NewRequest(http.MethodPut, m.api+"/api/v1/chaos", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := m.client.Do(req)
	if err != nil {
		t.Fatalf("notifytest: setting mailpit chaos: %v", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("notifytest: setting mailpit chaos: status %d", resp.StatusCode)
	}
}

func (m *Mailpit) get(t testing.TB, path string, v any) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, m.api+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := m.client.Do(req)
	if err != nil {
		t.Fatalf("notifytest: mailpit GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("notifytest: mailpit GET %s: status %d", path, resp.StatusCode)
	}
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		t.Fatalf("notifytest: mailpit GET %s: %v", path, err)
	}
}

// findMailpit looks on PATH, then in $GOBIN and $(go env GOPATH)/bin.
func findMailpit() string {
	if p, err := exec.LookPath("mailpit"); err == nil {
		return p
	}
	var dirs []string
	if gobin := os.Getenv("GOBIN"); gobin != "" {
		dirs = append(dirs, gobin)
	}
	gopath := build.Default.GOPATH
	if out, err := exec.Command("go", "env", "GOPATH").Output(); err == nil && strings.TrimSpace(string(out)) != "" {
		gopath = strings.TrimSpace(string(out))
	}
	for _, p := range filepath.SplitList(gopath) {
		dirs = append(dirs, filepath.Join(p, "bin"))
	}
	for _, d := range dirs {
		p := filepath.Join(d, "mailpit")
		// #nosec G703 -- looking for the test's SMTP server on $PATH and in $GOPATH/bin
		if fi, err := os.Stat(p); err == nil && !fi.IsDir() && fi.Mode()&0o111 != 0 {
			return p
		}
	}
	return ""
}

func freePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// selfSigned writes a certificate and key for 127.0.0.1 and localhost into
// dir and returns their paths and a pool that trusts the certificate.
func selfSigned(t testing.TB, dir string) (certPath, keyPath string, roots *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(time.Now().UnixNano()),
		Subject:               pkix.Name{CommonName: "notifytest mailpit"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(24 * time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback},
		DNSNames:              []string{"localhost"},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	kder, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	certPath, keyPath = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if err := os.WriteFile(certPath, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyPath, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: kder}), 0o600); err != nil {
		t.Fatal(err)
	}
	roots = x509.NewCertPool()
	roots.AddCert(cert)
	return certPath, keyPath, roots
}

// syncBuffer collects a process's output from the goroutines exec starts.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
