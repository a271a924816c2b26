package notify

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/mail"
	"net/textproto"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"
	gosmtp "github.com/wneessen/go-mail/smtp"
)

// safeID is what a caller's Message-ID local part or SMS idempotency key
// may hold: nothing that could bend a header.
var safeID = regexp.MustCompile(`^[A-Za-z0-9._-]{1,128}$`)

// smtpTimeout bounds each SMTP conversation (dial, and every command after
// it) when the caller's context allows longer.
const smtpTimeout = 20 * time.Second

// SMTPMailer sends plain-text email through one SMTP server. It is safe for
// concurrent use: each message takes a kept connection, or opens one.
type SMTPMailer struct {
	host     string
	port     int
	implicit bool // smtps://: TLS from the first byte
	policy   gomail.TLSPolicy
	user     string
	pass     string
	from     string
	domain   string // of the From address, for Message-IDs
	roots    *x509.CertPool

	// Connections kept open between messages (an alert goes to thousands
	// at once; a new connection, with its TLS handshake, for each would
	// cost more than the message).
	idle chan *pooledConn
}

// pooledConn is an open SMTP connection waiting for the next message.
type pooledConn struct {
	c    *smtpConn
	used time.Time
}

const (
	smtpMaxIdle     = 8                // connections kept open
	smtpIdleTimeout = 30 * time.Second // one idle longer is closed, not reused
)

// SMTPOption adjusts an SMTPMailer.
type SMTPOption func(*SMTPMailer)

// WithRootCAs makes the mailer trust only the given certificate authorities
// instead of the system's, for a relay with a private CA (and for tests).
func WithRootCAs(pool *x509.CertPool) SMTPOption {
	return func(m *SMTPMailer) { m.roots = pool }
}

// NewSMTP returns a mailer for rawURL, sending as from.
//
// rawURL is smtp://[user:pass@]host[:port][?tls=required] or
// smtps://[user:pass@]host[:port]. smtp:// (port 587 by default) upgrades with
// STARTTLS whenever the server offers it; with ?tls=required it refuses to
// send unless it can. smtps:// (port 465 by default) uses TLS from the start.
// A user name and password are only ever sent encrypted: with credentials,
// smtp:// to any host other than a loopback one requires STARTTLS; a local
// test sink (localhost, 127.0.0.1, ::1) may take them in the clear.
// from is an address, optionally with a display name ("Name <a@b.example>").
func NewSMTP(rawURL, from string, opts ...SMTPOption) (*SMTPMailer, error) {
	const want = "expected smtp://[user:pass@]host:port[?tls=required] or smtps://[user:pass@]host:port"
	// url.Parse's errors quote the whole URL, password included: say what is
	// expected instead of passing them on.
	u, err := url.Parse(rawURL)
	if err != nil || u.Opaque != "" {
		return nil, fmt.Errorf("notify: the SMTP URL is not a valid URL; %s", want)
	}
	m := &SMTPMailer{policy: gomail.TLSOpportunistic}
	switch u.Scheme {
	case "smtp":
		m.port = 587
	case "smtps":
		m.port, m.implicit = 465, true
	case "":
		return nil, fmt.Errorf("notify: the SMTP URL has no scheme; %s", want)
	default:
		return nil, fmt.Errorf("notify: the SMTP URL scheme %q is not supported; %s", u.Scheme, want)
	}
	m.host = u.Hostname()
	if m.host == "" {
		return nil, fmt.Errorf("notify: the SMTP URL has no host; %s", want)
	}
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			return nil, fmt.Errorf("notify: the SMTP URL's port must be a number from 1 to 65535")
		}
		m.port = n
	}
	if (u.Path != "" && u.Path != "/") || u.Fragment != "" {
		return nil, fmt.Errorf("notify: the SMTP URL must not have a path or fragment; %s", want)
	}
	q, err := url.ParseQuery(u.RawQuery)
	if err != nil {
		return nil, fmt.Errorf("notify: the SMTP URL's query cannot be read; %s", want)
	}
	for k, vs := range q {
		if k != "tls" {
			return nil, fmt.Errorf("notify: the SMTP URL option %q is not known; the only option is tls=required", k)
		}
		if len(vs) != 1 || vs[0] != "required" {
			return nil, fmt.Errorf("notify: the SMTP URL option tls must be \"required\" (or left out)")
		}
		m.policy = gomail.TLSMandatory
	}
	if u.User != nil {
		m.user = u.User.Username()
		m.pass, _ = u.User.Password()
		if m.user == "" || m.pass == "" {
			return nil, fmt.Errorf("notify: the SMTP URL must give both a user name and a password, or neither")
		}
		if !isLoopback(m.host) {
			m.policy = gomail.TLSMandatory
		}
	}

	addr, err := mail.ParseAddress(from)
	if err != nil {
		return nil, fmt.Errorf("notify: the sender address %q is not a valid email address", from)
	}
	at := strings.LastIndexByte(addr.Address, '@')
	if at < 1 || at == len(addr.Address)-1 {
		return nil, fmt.Errorf("notify: the sender address %q needs a domain", from)
	}
	m.from, m.domain = addr.String(), addr.Address[at+1:]
	m.idle = make(chan *pooledConn, smtpMaxIdle)
	for _, o := range opts {
		o(m)
	}
	return m, nil
}

// String describes the mailer for start-up logs, without credentials.
func (m *SMTPMailer) String() string {
	mode := "STARTTLS when offered"
	switch {
	case m.implicit:
		mode = "TLS"
	case m.policy == gomail.TLSMandatory:
		mode = "STARTTLS required"
	}
	auth := "no authentication"
	if m.user != "" {
		auth = "authenticated"
	}
	return fmt.Sprintf("smtp %s (%s, %s)", net.JoinHostPort(m.host, strconv.Itoa(m.port)), mode, auth)
}

// SendEmail sends e as a plain-text UTF-8 message. A refused recipient or
// message (a 5xx reply to RCPT or DATA) wraps ErrPermanent; anything else
// (network, TLS, authentication, 4xx) is temporary. Errors never include the
// address or the text.
func (m *SMTPMailer) SendEmail(ctx context.Context, e Email) error {
	msg := gomail.NewMsg(gomail.WithNoDefaultUserAgent(), gomail.WithCharset(gomail.CharsetUTF8),
		gomail.WithEncoding(gomail.EncodingQP))
	if err := msg.From(m.from); err != nil {
		return fmt.Errorf("smtp: sender address refused: %w", ErrPermanent)
	}
	if _, err := mail.ParseAddress(e.To); err != nil || strings.ContainsAny(e.To, "<>,") {
		return fmt.Errorf("%w: smtp: the recipient is not a valid email address", ErrPermanent)
	}
	if err := msg.To(e.To); err != nil {
		return fmt.Errorf("%w: smtp: the recipient is not a valid email address", ErrPermanent)
	}
	msg.Subject(e.Subject)
	msg.SetDateWithValue(time.Now().UTC())
	id := e.ID
	if id == "" {
		id = rand.Text()
	} else if !safeID.MatchString(id) {
		return fmt.Errorf("%w: smtp: the message id may hold only letters, digits, dots, dashes and underscores", ErrPermanent)
	}
	msg.SetMessageIDWithValue(id + "@" + m.domain)
	if e.Unsubscribe != "" {
		msg.SetGenHeader(gomail.HeaderListUnsubscribe, "<"+e.Unsubscribe+">")
		msg.SetGenHeader(gomail.HeaderListUnsubscribePost, "List-Unsubscribe=One-Click")
	}
	msg.SetBodyString(gomail.TypeTextPlain, e.Text)

	c, reused, err := m.conn(ctx)
	if err != nil {
		return smtpError(err, e.To, m.pass)
	}
	delivered, err := c.send(msg)
	if err != nil && reused && !delivered && smtpErrorCode(err) == 0 {
		// The server closed the connection while it waited: once more on a
		// new one (nothing was accepted, so nothing can arrive twice).
		c.close() // already broken
		if c, err = m.dial(ctx); err != nil {
			return smtpError(err, e.To, m.pass)
		}
		delivered, err = c.send(msg)
	}
	if err == nil {
		m.release(c)
		return nil
	}
	c.close() // a connection that failed is not reused
	if delivered {
		// The server accepted the message; a failure afterwards must not
		// make the job send it again.
		return nil
	}
	return smtpError(err, e.To, m.pass)
}

// smtpConn is an open SMTP connection: go-mail's client made it (TLS,
// authentication) and sends on it, one transaction after another.
type smtpConn struct {
	g       *gomail.Client
	sc      *gosmtp.Client
	timeout time.Duration
	broken  bool // closed without QUIT
}

// stageError is a failed SMTP command: the stage (as go-mail names it)
// and the server's reply or the connection's error.
type stageError struct {
	stage gomail.SendErrReason
	err   error
	esc   bool // the server gives enhanced status codes
}

func (e *stageError) Error() string { return e.stage.String() } // never the reply: it may quote the address
func (e *stageError) Unwrap() error { return e.err }

// send runs one mail transaction (MAIL, RCPT, DATA) and reports whether
// the server accepted the message. Unlike go-mail's Send it does not send
// RSET after a message accepted: a new MAIL starts the next transaction
// (RFC 5321 §4.1.1.2), one round trip fewer for each message.
func (c *smtpConn) send(msg *gomail.Msg) (delivered bool, err error) {
	esc, _ := c.sc.Extension("ENHANCEDSTATUSCODES")
	fail := func(stage gomail.SendErrReason, err error) (bool, error) {
		return false, &stageError{stage: stage, err: err, esc: esc}
	}
	if err := c.sc.UpdateDeadline(c.timeout); err != nil {
		return fail(gomail.ErrConnCheck, err)
	}
	from, err := msg.GetSender(false)
	if err != nil {
		return fail(gomail.ErrGetSender, err)
	}
	rcpts, err := msg.GetRecipients()
	if err != nil {
		return fail(gomail.ErrGetRcpts, err)
	}
	if ok, _ := c.sc.Extension("PIPELINING"); ok {
		return c.pipelined(from, rcpts, msg, fail)
	}
	if err := c.sc.Mail(from); err != nil {
		return fail(gomail.ErrSMTPMailFrom, err)
	}
	for _, r := range rcpts {
		if err := c.sc.Rcpt(r); err != nil {
			return fail(gomail.ErrSMTPRcptTo, err)
		}
	}
	w, err := c.sc.Data()
	if err != nil {
		return fail(gomail.ErrSMTPData, err)
	}
	if _, err := msg.WriteTo(w); err != nil {
		return fail(gomail.ErrWriteContent, err)
	}
	if err := w.Close(); err != nil {
		return fail(gomail.ErrSMTPDataClose, err)
	}
	return true, nil
}

// pipelined sends MAIL, RCPT and DATA together, in one write, and then
// reads their replies (RFC 2920), one wait for the server instead of
// three; after the 354 the content and its final dot go in a second
// write (DATA must end a group: the content may only follow its 354). On
// any refusal it stops (the caller closes the connection, so a DATA the
// server took anyway ends with nothing sent).
func (c *smtpConn) pipelined(from string, rcpts []string, msg *gomail.Msg, fail func(gomail.SendErrReason, error) (bool, error)) (bool, error) {
	for _, a := range append([]string{from}, rcpts...) {
		if strings.ContainsAny(a, "\r\n") {
			return fail(gomail.ErrSMTPMailFrom, errors.New("smtp: an address holds a line break"))
		}
	}
	t := c.sc.Text
	type step struct {
		stage gomail.SendErrReason
		code  int
		id    uint
	}
	steps := make([]step, 0, len(rcpts)+2)
	// Each command is written to the connection's buffer in its turn of
	// textproto's pipeline, and the buffer is sent once, after DATA.
	cmd := func(stage gomail.SendErrReason, code int, parts ...string) {
		id := t.Next()
		t.StartRequest(id)
		for _, p := range parts {
			_, _ = t.W.WriteString(p)
		}
		_, _ = t.W.WriteString("\r\n")
		t.EndRequest(id)
		steps = append(steps, step{stage, code, id})
	}
	mail := []string{"MAIL FROM:", from}
	if ok, _ := c.sc.Extension("8BITMIME"); ok {
		mail = append(mail, " BODY=8BITMIME")
	}
	if ok, _ := c.sc.Extension("SMTPUTF8"); ok {
		mail = append(mail, " SMTPUTF8")
	}
	cmd(gomail.ErrSMTPMailFrom, 250, mail...)
	for _, r := range rcpts {
		cmd(gomail.ErrSMTPRcptTo, 25, "RCPT TO:", r)
	}
	cmd(gomail.ErrSMTPData, 354, "DATA")
	if err := t.W.Flush(); err != nil {
		c.broken = true
		return fail(gomail.ErrSMTPMailFrom, err)
	}
	var first error
	var stage gomail.SendErrReason
	for _, s := range steps {
		// Every reply is read, after a refusal too, to keep the replies in
		// step with the commands.
		t.StartResponse(s.id)
		_, _, err := t.ReadResponse(s.code)
		t.EndResponse(s.id)
		if err != nil && first == nil {
			first, stage = err, s.stage
		}
	}
	if first != nil {
		// A DATA the server took anyway waits for a message: the
		// connection is closed without a word, so nothing is sent.
		c.broken = true
		return fail(stage, first)
	}
	w := t.DotWriter()
	if _, err := msg.WriteTo(w); err != nil {
		return fail(gomail.ErrWriteContent, err)
	}
	if err := w.Close(); err != nil {
		return fail(gomail.ErrWriteContent, err)
	}
	if _, _, err := t.ReadResponse(250); err != nil {
		return fail(gomail.ErrSMTPDataClose, err)
	}
	return true, nil
}

func (c *smtpConn) close() {
	if c.broken {
		_ = c.sc.Close()
		return
	}
	_ = c.g.CloseWithSMTPClient(c.sc)
}

// conn takes an open connection, or opens one.
func (m *SMTPMailer) conn(ctx context.Context) (*smtpConn, bool, error) {
	for {
		select {
		case p := <-m.idle:
			if time.Since(p.used) < smtpIdleTimeout {
				return p.c, true, nil
			}
			p.c.close() // stale: the server may have dropped it already
		default:
			c, err := m.dial(ctx)
			return c, false, err
		}
	}
}

// release keeps c for the next message, or closes it if enough are kept.
func (m *SMTPMailer) release(c *smtpConn) {
	select {
	case m.idle <- &pooledConn{c: c, used: time.Now()}:
	default:
		c.close() // enough kept open
	}
}

func (m *SMTPMailer) dial(ctx context.Context) (*smtpConn, error) {
	timeout := smtpTimeout
	if d, ok := ctx.Deadline(); ok {
		timeout = min(timeout, max(time.Until(d), time.Second))
	}
	copts := []gomail.Option{
		gomail.WithPort(m.port),
		gomail.WithTimeout(timeout),
		gomail.WithoutNoop(), // a dead kept connection shows on send, and is replaced
		gomail.WithTLSConfig(&tls.Config{ServerName: m.host, MinVersion: tls.VersionTLS12, RootCAs: m.roots}),
	}
	if m.implicit {
		copts = append(copts, gomail.WithSSL())
	} else {
		copts = append(copts, gomail.WithTLSPolicy(m.policy))
	}
	if m.user != "" {
		// PLAIN and LOGIN refuse to run over an unencrypted connection except
		// to a loopback host; the SCRAM mechanisms never reveal the password.
		copts = append(copts, gomail.WithUsername(m.user), gomail.WithPassword(m.pass),
			gomail.WithOpportunisticSMTPAuth(gomail.SMTPAuthSCRAMSHA256PLUS, gomail.SMTPAuthSCRAMSHA256,
				gomail.SMTPAuthSCRAMSHA1PLUS, gomail.SMTPAuthSCRAMSHA1, gomail.SMTPAuthPlain, gomail.SMTPAuthLogin))
	}
	c, err := gomail.NewClient(m.host, copts...)
	if err != nil {
		return nil, err
	}
	sc, err := c.DialToSMTPClientWithContext(ctx)
	if err != nil {
		return nil, err
	}
	return &smtpConn{g: c, sc: sc, timeout: timeout}, nil
}

// smtpErrorCode is the SMTP reply code in err (4xx or 5xx), 0 when there
// was none (the connection failed).
func smtpErrorCode(err error) int {
	var tp *textproto.Error
	if errors.As(err, &tp) && tp.Code >= 400 && tp.Code < 600 {
		return tp.Code
	}
	return 0
}

// enhancedCode is an enhanced status code (RFC 3463) in a reply.
var enhancedCode = regexp.MustCompile(`\b([245])\.\d{1,3}\.\d{1,3}\b`)

// smtpError turns a failed send into an error that is safe to log and
// store: its text names the stage and the reply code only, because a
// server's reply often quotes the recipient's address.
func smtpError(err error, to, pass string) error {
	var se *stageError
	if !errors.As(err, &se) {
		return fmt.Errorf("smtp: %v", scrub(err.Error(), to, pass))
	}
	code := smtpErrorCode(se.err)
	detail := "no reply code"
	if code != 0 {
		detail = "reply " + strconv.Itoa(code)
		var tp *textproto.Error
		if errors.As(se.err, &tp) && se.esc {
			if esc := enhancedCode.FindString(tp.Msg); esc != "" {
				detail += " " + esc
			}
		}
	}
	switch se.stage {
	case gomail.ErrSMTPRcptTo:
		if code >= 500 {
			return fmt.Errorf("%w: smtp: the server refused the recipient (%s)", ErrPermanent, detail)
		}
		return fmt.Errorf("smtp: the server did not take the recipient now (%s)", detail)
	case gomail.ErrSMTPData, gomail.ErrSMTPDataClose, gomail.ErrWriteContent:
		if code >= 500 {
			return fmt.Errorf("%w: smtp: the server refused the message (%s)", ErrPermanent, detail)
		}
		return fmt.Errorf("smtp: the server did not take the message now (%s)", detail)
	case gomail.ErrSMTPMailFrom:
		// A refused sender is the configuration's fault, not the message's:
		// keep retrying while someone mends it.
		return fmt.Errorf("smtp: the server refused the sender address (%s)", detail)
	default:
		return fmt.Errorf("smtp: %s (%s)", se.stage, detail)
	}
}

// scrub removes the recipient address and the password from an error text
// that did not come from a stage where the server quotes them, as a second
// line of defence.
func scrub(s, to, pass string) string {
	if to != "" {
		s = strings.ReplaceAll(s, to, "<recipient>")
	}
	if pass != "" {
		s = strings.ReplaceAll(s, pass, "<password>")
	}
	return s
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
