package bench

import (
	"bufio"
	"net"
	"net/smtp"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Sink is an SMTP server that accepts every message and keeps nothing but
// a count: the fastest a receiving server can be, so that what is measured
// against it is the sender's own speed (a mail catcher that stores and
// indexes messages tops out far lower).
type Sink struct {
	ln       net.Listener
	received atomic.Int64
	wg       sync.WaitGroup
}

// StartSink listens on a free loopback port.
func StartSink() (*Sink, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	s := &Sink{ln: ln}
	s.wg.Add(1)
	go s.accept()
	return s, nil
}

// Addr is host:port.
func (s *Sink) Addr() string { return s.ln.Addr().String() }

// Received is how many messages were accepted.
func (s *Sink) Received() int64 { return s.received.Load() }

// Close stops accepting connections.
func (s *Sink) Close() error {
	err := s.ln.Close()
	s.wg.Wait()
	return err
}

func (s *Sink) accept() {
	defer s.wg.Done()
	for {
		c, err := s.ln.Accept()
		if err != nil {
			return
		}
		go s.serve(c)
	}
}

// serve speaks just enough SMTP (RFC 5321) for a client that does not ask
// for TLS or authentication.
func (s *Sink) serve(c net.Conn) {
	defer c.Close()
	r, w := bufio.NewReader(c), bufio.NewWriter(c)
	reply := func(line string) bool {
		_, err := w.WriteString(line + "\r\n")
		return err == nil && w.Flush() == nil
	}
	if !reply("220 sink ESMTP") {
		return
	}
	for {
		_ = c.SetReadDeadline(time.Now().Add(time.Minute)) // an idle client is dropped
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		cmd := strings.ToUpper(strings.TrimSpace(line))
		switch {
		case strings.HasPrefix(cmd, "EHLO"):
			if !reply("250-sink\r\n250-PIPELINING\r\n250-8BITMIME\r\n250 SMTPUTF8") {
				return
			}
		case strings.HasPrefix(cmd, "HELO"), strings.HasPrefix(cmd, "MAIL"), strings.HasPrefix(cmd, "RCPT"),
			strings.HasPrefix(cmd, "RSET"), strings.HasPrefix(cmd, "NOOP"):
			if !reply("250 ok") {
				return
			}
		case cmd == "DATA":
			if !reply("354 go on") {
				return
			}
			for {
				l, err := r.ReadString('\n')
				if err != nil {
					return
				}
				if l == ".\r\n" || l == ".\n" {
					break
				}
			}
			s.received.Add(1)
			if !reply("250 ok") {
				return
			}
		case cmd == "QUIT":
			reply("221 bye")
			return
		default:
			if !reply("502 not here") {
				return
			}
		}
	}
}

// RawRate sends n small messages to addr over conns reused connections
// with net/smtp and returns messages a second: the floor the service's
// own sender is compared with.
func RawRate(addr string, n, conns int) (float64, error) {
	msg := []byte("From: a@example.org\r\nTo: b@example.org\r\nSubject: New safety alert\r\n\r\nNew safety alert for your area. Sign in to read it.\r\n")
	var next atomic.Int64
	errs := make(chan error, conns)
	start := time.Now()
	for range conns {
		go func() {
			c, err := smtp.Dial(addr)
			if err != nil {
				errs <- err
				return
			}
			defer c.Close()
			for next.Add(1) <= int64(n) {
				if err := c.Mail("a@example.org"); err != nil {
					errs <- err
					return
				}
				if err := c.Rcpt("b@example.org"); err != nil {
					errs <- err
					return
				}
				wc, err := c.Data()
				if err != nil {
					errs <- err
					return
				}
				if _, err := wc.Write(msg); err != nil {
					errs <- err
					return
				}
				if err := wc.Close(); err != nil {
					errs <- err
					return
				}
			}
			errs <- c.Quit()
		}()
	}
	for range conns {
		if err := <-errs; err != nil {
			return 0, err
		}
	}
	return float64(n) / time.Since(start).Seconds(), nil
}
