//go:build !unix

package store

// Lock would be the claim of one process on a SQLite database; without
// flock(2) nothing is locked on this platform.
type Lock struct{}

// LockPath is the lock file of a SQLite database.
func LockPath(dbPath string) string { return dbPath + ".lock" }

// Lock takes nothing on this platform.
func (s Source) Lock() (*Lock, error) { return nil, nil }

// Release does nothing.
func (l *Lock) Release() error { return nil }
