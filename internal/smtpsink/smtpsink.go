// Package smtpsink is an SMTP server that accepts every message and keeps
// only counts: the fastest a receiving server can be, for the benchmark
// (what is measured against it is the sender's own speed) and for tests
// that send tens of thousands of messages and must count the ones that
// arrive twice (a mail catcher that stores and indexes every message, such
// as mailpit, tops out far lower). It offers no TLS and no authentication.
package smtpsink

import (
	"bufio"
	"maps"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Sink is a running SMTP sink.
type Sink struct {
	ln       net.Listener
	wg       sync.WaitGroup
	received atomic.Int64
	byID     bool

	mu  sync.Mutex
	ids map[string]int
}

// Start listens on a free loopback port. With byID, the sink also counts
// how many times each Message-ID arrived (Counts).
func Start(byID bool) (*Sink, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	s := &Sink{ln: ln, byID: byID, ids: map[string]int{}}
	s.wg.Add(1)
	go s.accept()
	return s, nil
}

// Addr is host:port.
func (s *Sink) Addr() string { return s.ln.Addr().String() }

// Received is how many messages were accepted.
func (s *Sink) Received() int64 { return s.received.Load() }

// Counts returns how many times each Message-ID arrived, by its local
// part (before the "@"); empty unless started with byID.
func (s *Sink) Counts() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return maps.Clone(s.ids)
}

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
			id, headers := "", s.byID
			for {
				l, err := r.ReadString('\n')
				if err != nil {
					return // cut off: not accepted, not counted
				}
				if l == ".\r\n" || l == ".\n" {
					break
				}
				if !headers {
					continue
				}
				if strings.TrimSpace(l) == "" {
					headers = false
				} else if name, value, ok := strings.Cut(l, ":"); ok && strings.EqualFold(name, "Message-ID") {
					id, _, _ = strings.Cut(strings.Trim(strings.TrimSpace(value), "<>"), "@")
				}
			}
			if s.byID {
				s.mu.Lock()
				s.ids[id]++
				s.mu.Unlock()
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
