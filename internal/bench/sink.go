package bench

import (
	"net/smtp"
	"sync/atomic"
	"time"
)

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
