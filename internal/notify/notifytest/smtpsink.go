package notifytest

import (
	"bufio"
	"maps"
	"net"
	"strings"
	"sync"
	"testing"
	"time"
)

// SMTPSink is a minimal SMTP server that accepts every message and keeps
// only how many times each Message-ID arrived: for tests that send tens of
// thousands of messages and must count the ones that arrive twice (mailpit
// stores and indexes every message, which is far slower). It offers no TLS
// and no authentication.
type SMTPSink struct {
	ln net.Listener
	wg sync.WaitGroup

	mu    sync.Mutex
	ids   map[string]int
	total int
}

// StartSMTPSink listens on a free loopback port until the test ends.
func StartSMTPSink(t testing.TB) *SMTPSink {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &SMTPSink{ln: ln, ids: map[string]int{}}
	s.wg.Add(1)
	go s.accept()
	t.Cleanup(func() {
		_ = s.ln.Close() // stops accept
		s.wg.Wait()
	})
	return s
}

// URL is the sink's address as --smtp-url takes it.
func (s *SMTPSink) URL() string { return "smtp://" + s.ln.Addr().String() }

// Total is how many messages were accepted.
func (s *SMTPSink) Total() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.total
}

// Counts returns how many times each Message-ID arrived, by its local
// part (before the "@").
func (s *SMTPSink) Counts() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return maps.Clone(s.ids)
}

func (s *SMTPSink) accept() {
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
func (s *SMTPSink) serve(c net.Conn) {
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
			if !reply("250-sink\r\n250-8BITMIME\r\n250 SMTPUTF8") {
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
			id, headers := "", true
			for {
				l, err := r.ReadString('\n')
				if err != nil {
					return // cut off: not accepted, not counted
				}
				if l == ".\r\n" || l == ".\n" {
					break
				}
				if strings.TrimSpace(l) == "" {
					headers = false
				}
				if name, value, ok := strings.Cut(l, ":"); headers && ok && strings.EqualFold(name, "Message-ID") {
					id, _, _ = strings.Cut(strings.Trim(strings.TrimSpace(value), "<>"), "@")
				}
			}
			s.mu.Lock()
			s.ids[id]++
			s.total++
			s.mu.Unlock()
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
