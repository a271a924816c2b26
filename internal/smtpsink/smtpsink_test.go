package smtpsink

import (
	"fmt"
	"net/smtp"
	"testing"
)

// Every message sent is counted once, and by its Message-ID when asked; a
// header-like line in the body is not taken for the Message-ID.
func TestSink_CountsEachMessageAndItsID(t *testing.T) {
	for _, byID := range []bool{false, true} {
		s, err := Start(byID)
		if err != nil {
			t.Fatal(err)
		}
		c, err := smtp.Dial(s.Addr())
		if err != nil {
			t.Fatal(err)
		}
		for i, id := range []string{"a1", "b2", "a1"} {
			if err := c.Mail("from@example.org"); err != nil {
				t.Fatal(err)
			}
			if err := c.Rcpt("to@example.org"); err != nil {
				t.Fatal(err)
			}
			w, err := c.Data()
			if err != nil {
				t.Fatal(err)
			}
			fmt.Fprintf(w, "Subject: test %d\r\nMessage-ID: <%s@example.org>\r\n\r\nMessage-ID: <body@example.org>\r\n", i, id)
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
		}
		if err := c.Quit(); err != nil {
			t.Fatal(err)
		}
		if got := s.Received(); got != 3 {
			t.Errorf("byID %v: received %d, want 3", byID, got)
		}
		counts := s.Counts()
		if byID && (counts["a1"] != 2 || counts["b2"] != 1 || len(counts) != 2) {
			t.Errorf("counts by Message-ID: %v", counts)
		}
		if !byID && len(counts) != 0 {
			t.Errorf("counted ids without being asked: %v", counts)
		}
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
	}
}
