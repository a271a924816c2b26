package store

import "github.com/pressly/goose/v3"

// Goose is db's migrations, for tests that go down and up again.
func Goose(db *DB) (*goose.Provider, error) { return db.db.goose() }

// OpenField opens one stored value as the store does.
func OpenField(db *DB, table, column, id string, ct []byte) (string, error) {
	return db.db.open(table, column, id, ct)
}

// ForgetKeysInMemory empties the cache of members' opened keys, as a
// fresh process starts.
func ForgetKeysInMemory(db *DB) { db.db.keys.Purge() }

// SealWithSchemeKey seals as accounts were sealed before members' keys.
func SealWithSchemeKey(db *DB, table, column, id, plaintext string) ([]byte, error) {
	return db.db.seal(table, column, id, plaintext)
}
