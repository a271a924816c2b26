package bench

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Profile is where the server's time went during one phase: the top of
// a CPU profile taken from its profiler (--profile-addr).
type Profile struct {
	Phase string
	Top   string // go tool pprof -top, trimmed
}

// profileCPU takes a CPU profile of the server for d, starting now, and
// returns a function that waits for it and summarises it.
func (s *server) profileCPU(ctx context.Context, c Config, phase string, d time.Duration) func() (Profile, error) {
	done := make(chan error, 1)
	file := filepath.Join(c.Dir, strings.NewReplacer(" ", "-", ",", "").Replace(strings.ToLower(phase))+".pprof")
	go func() {
		secs := max(1, int(d.Round(time.Second)/time.Second))
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, fmt.Sprintf("http://%s/debug/pprof/profile?seconds=%d", s.profile, secs), nil)
		if err != nil {
			done <- err
			return
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			done <- err
			return
		}
		defer resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			done <- fmt.Errorf("profiler answered %d", resp.StatusCode)
			return
		}
		f, err := os.Create(file) // #nosec G304 -- in our work directory
		if err != nil {
			done <- err
			return
		}
		if _, err := io.Copy(f, resp.Body); err != nil {
			_ = f.Close()
			done <- err
			return
		}
		done <- f.Close()
	}()
	return func() (Profile, error) {
		if err := <-done; err != nil {
			return Profile{}, fmt.Errorf("profile of %s: %w", phase, err)
		}
		out, err := exec.CommandContext(ctx, "go", "tool", "pprof", "-top", "-nodecount=15", c.Binary, file).Output() // #nosec G204 -- our binary and profile
		if err != nil {
			return Profile{}, fmt.Errorf("pprof of %s: %w", phase, err)
		}
		return Profile{Phase: phase, Top: trimTop(out)}, nil
	}
}

// trimTop keeps pprof's summary line and table, without the file names
// and build details above them.
func trimTop(out []byte) string {
	var keep []string
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		l := sc.Text()
		if strings.HasPrefix(l, "File:") || strings.HasPrefix(l, "Build ID:") || strings.HasPrefix(l, "Type:") || strings.HasPrefix(l, "Time:") {
			continue
		}
		keep = append(keep, l)
	}
	return strings.Join(keep, "\n")
}

// cpuTime is the server's CPU time so far (user and system), from /proc:
// Linux counts it in clock ticks of 1/100 s.
func (s *server) cpuTime() time.Duration {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", s.cmd.Process.Pid))
	if err != nil {
		return 0
	}
	// The command name, in parentheses, may hold spaces: fields start after it.
	_, rest, ok := bytes.Cut(b, []byte(") "))
	if !ok {
		return 0
	}
	f := strings.Fields(string(rest))
	if len(f) < 13 {
		return 0
	}
	utime, _ := strconv.ParseInt(f[11], 10, 64)
	stime, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(utime+stime) * 10 * time.Millisecond
}
