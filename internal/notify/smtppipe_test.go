package notify_test

import (
	"bufio"
	"errors"
	"net"
	"strings"
	"sync"
	"testing"

	"uglymugs/internal/notify"
)

// pipeServer is an SMTP server that offers PIPELINING and answers RCPT
// with rcpt (e.g. "550 5.1.1 <x> unknown"), DATA with 503 after a refused
// recipient, and records the commands it got and the messages it took.
type pipeServer struct {
	ln   net.Listener
	rcpt string

	mu       sync.Mutex
	commands []string
	taken    int
}

func startPipeServer(t *testing.T, rcpt string) *pipeServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &pipeServer{ln: ln, rcpt: rcpt}
	t.Cleanup(func() { _ = ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go s.serve(c)
		}
	}()
	return s
}

func (s *pipeServer) serve(c net.Conn) {
	defer c.Close()
	r, w := bufio.NewReader(c), bufio.NewWriter(c)
	say := func(l string) { _, _ = w.WriteString(l + "\r\n"); _ = w.Flush() }
	say("220 pipe ESMTP")
	refused := false
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		cmd := strings.ToUpper(strings.TrimSpace(line))
		s.mu.Lock()
		s.commands = append(s.commands, strings.Fields(cmd)[0])
		s.mu.Unlock()
		switch {
		case strings.HasPrefix(cmd, "EHLO"):
			say("250-pipe\r\n250-PIPELINING\r\n250-ENHANCEDSTATUSCODES\r\n250 8BITMIME")
		case strings.HasPrefix(cmd, "RCPT"):
			say(s.rcpt)
			refused = !strings.HasPrefix(s.rcpt, "2")
		case cmd == "DATA" && refused:
			say("503 5.5.1 no valid recipients")
		case cmd == "DATA":
			say("354 go on")
			for {
				l, err := r.ReadString('\n')
				if err != nil {
					return
				}
				if l == ".\r\n" {
					break
				}
			}
			s.mu.Lock()
			s.taken++
			s.mu.Unlock()
			say("250 2.0.0 taken")
		case cmd == "QUIT":
			say("221 bye")
			return
		default:
			say("250 ok")
		}
	}
}

// With PIPELINING, MAIL, RCPT and DATA go together; a refused recipient
// is still a permanent failure with its reply code, nothing is taken, and
// the error quotes neither the address nor the text.
func TestSMTP_PipelinedRefusalIsPermanentAndAcceptanceTakesTheMessage(t *testing.T) {
	to := "refused.person@example.net"
	for _, tc := range []struct {
		name, rcpt string
		permanent  bool
		want       string
	}{
		{"refused", "550 5.1.1 <" + to + "> unknown", true, "reply 550 5.1.1"},
		{"not now", "451 4.3.0 <" + to + "> try later", false, "reply 451 4.3.0"},
		{"taken", "250 2.1.5 ok", false, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := startPipeServer(t, tc.rcpt)
			m, err := notify.NewSMTP("smtp://"+s.ln.Addr().String(), "alerts@example.org")
			if err != nil {
				t.Fatal(err)
			}
			for range 2 { // the second on the kept connection, without RSET between
				err = m.SendEmail(ctxT(t), notify.Email{To: to, Subject: "s", Text: "secret text"})
				if tc.want == "" {
					if err != nil {
						t.Fatalf("taken: %v", err)
					}
					continue
				}
				if err == nil || errors.Is(err, notify.ErrPermanent) != tc.permanent || !strings.Contains(err.Error(), tc.want) {
					t.Fatalf("err = %v; want permanent %v with %q", err, tc.permanent, tc.want)
				}
				for _, secret := range []string{to, "refused.person", "secret text"} {
					if strings.Contains(err.Error(), secret) {
						t.Errorf("error %q quotes %q", err, secret)
					}
				}
			}
			s.mu.Lock()
			defer s.mu.Unlock()
			if want := map[bool]int{true: 2, false: 0}[tc.want == ""]; s.taken != want {
				t.Errorf("the server took %d messages, want %d", s.taken, want)
			}
			for _, c := range s.commands {
				if c == "RSET" {
					t.Errorf("commands %v: RSET sent", s.commands)
				}
			}
		})
	}
}
