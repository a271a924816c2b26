package notifytest

import (
	"io"
	"net"
	"sync"
	"testing"
	"time"
)

// FaultProxy stands on the network between a sender and a provider (the
// SMTP server, the SMS API) and can make the provider look down or slow,
// as a real outage would: the sender under test is not told and does not
// change.
type FaultProxy struct {
	target string
	ln     net.Listener

	mu     sync.Mutex
	down   bool
	delay  time.Duration
	open   map[net.Conn]bool // the client side of open connections
	opened int
}

// StartFaultProxy listens on a free loopback port and forwards every
// connection to target until the test ends.
func StartFaultProxy(t testing.TB, target string) *FaultProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &FaultProxy{target: target, ln: ln, open: map[net.Conn]bool{}}
	go p.accept()
	t.Cleanup(func() { _ = ln.Close() }) // the accept loop ends with it
	return p
}

// Addr is where to connect instead of the target.
func (p *FaultProxy) Addr() string { return p.ln.Addr().String() }

// SetDown makes the provider unreachable: every new connection is reset at
// once (open ones are left to finish).
func (p *FaultProxy) SetDown(down bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.down = down
}

// SetDelay holds every chunk the provider sends back for d: a slow
// provider or a congested link.
func (p *FaultProxy) SetDelay(d time.Duration) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.delay = d
}

// Opened is how many connections the proxy has accepted and passed on.
func (p *FaultProxy) Opened() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.opened
}

// DropAll closes every open connection, as a provider does to idle ones.
func (p *FaultProxy) DropAll() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for c := range p.open {
		_ = c.Close() // its serve goroutine ends with it
	}
}

func (p *FaultProxy) state() (bool, time.Duration) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.down, p.delay
}

func (p *FaultProxy) accept() {
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		go p.serve(c)
	}
}

func (p *FaultProxy) serve(c net.Conn) {
	defer c.Close()
	if down, _ := p.state(); down {
		if tc, ok := c.(*net.TCPConn); ok {
			_ = tc.SetLinger(0) // close with a reset, as a host with nothing listening does
		}
		return
	}
	up, err := net.Dial("tcp", p.target)
	if err != nil {
		return
	}
	defer up.Close()
	p.mu.Lock()
	p.open[c] = true
	p.opened++
	p.mu.Unlock()
	defer func() {
		p.mu.Lock()
		delete(p.open, c)
		p.mu.Unlock()
	}()
	done := make(chan struct{}, 2)
	go func() { _, _ = io.Copy(up, c); done <- struct{}{} }() // either side closing ends the pair
	go func() {
		buf := make([]byte, 32<<10)
		for {
			n, err := up.Read(buf)
			if n > 0 {
				if _, d := p.state(); d > 0 {
					time.Sleep(d)
				}
				if _, werr := c.Write(buf[:n]); werr != nil {
					break
				}
			}
			if err != nil {
				break
			}
		}
		done <- struct{}{}
	}()
	<-done
}
