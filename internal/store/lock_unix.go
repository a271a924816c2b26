//go:build unix

package store

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// Lock is the claim of one process on a SQLite database: the service
// assumes it is SQLite's only writer of note (one writer connection, one
// job queue, one heartbeat). It is an flock(2) on a file beside the
// database, which the kernel releases when the process ends however it
// ends, SIGKILL included, so a stale lock never outlives its holder.
type Lock struct{ f *os.File }

// LockPath is the lock file of a SQLite database.
func LockPath(dbPath string) string { return dbPath + ".lock" }

// Lock takes the database's exclusive lock, or says who holds it. On
// PostgreSQL, where several instances share one database by design, it
// takes nothing and returns a nil *Lock (whose Release does nothing).
func (s Source) Lock() (*Lock, error) {
	if s.Dialect != SQLite {
		return nil, nil
	}
	if dir := filepath.Dir(s.Path); dir != "" {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, fmt.Errorf("create database directory: %w", err)
		}
	}
	path := LockPath(s.Path)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600) // #nosec G304 -- beside the operator's --db
	if err != nil {
		return nil, fmt.Errorf("open the lock file %s: %w", path, err)
	}
	fd := int(f.Fd()) // #nosec G115 -- a file descriptor fits an int
	if err := syscall.Flock(fd, syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		holder := ""
		if b, rerr := os.ReadFile(path); rerr == nil { // #nosec G304 -- the same lock file
			if pid, perr := strconv.Atoi(strings.TrimSpace(string(b))); perr == nil {
				holder = fmt.Sprintf(" (process %d)", pid)
			}
		}
		_ = f.Close() // the error that matters is the lock's
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, fmt.Errorf("another uglymugs process%s is already using the database %s: it holds the lock file %s. "+
				"Stop that process first; one SQLite database takes one service at a time (several instances need PostgreSQL)", holder, s, path)
		}
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	// Say who holds it, for the next process to name.
	if err := f.Truncate(0); err == nil {
		_, _ = f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0) // only a name for a message
	}
	return &Lock{f: f}, nil
}

// Release gives the lock up (ending the process does too).
func (l *Lock) Release() error {
	if l == nil {
		return nil
	}
	return l.f.Close()
}
