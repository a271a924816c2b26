package notifytest

import (
	"testing"

	"uglymugs/internal/smtpsink"
)

// SMTPSink is an SMTP server that accepts every message and counts how many
// times each Message-ID arrived (internal/smtpsink), for tests that send
// tens of thousands of messages and must count the ones that arrive twice.
type SMTPSink struct{ *smtpsink.Sink }

// StartSMTPSink listens on a free loopback port until the test ends.
func StartSMTPSink(t testing.TB) *SMTPSink {
	t.Helper()
	s, err := smtpsink.Start(true)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return &SMTPSink{s}
}

// URL is the sink's address as --smtp-url takes it.
func (s *SMTPSink) URL() string { return "smtp://" + s.Addr() }

// Total is how many messages were accepted.
func (s *SMTPSink) Total() int { return int(s.Received()) }
