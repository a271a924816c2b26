package store

import "github.com/pressly/goose/v3"

// Goose is db's migrations, for tests that go down and up again.
func Goose(db *DB) (*goose.Provider, error) { return db.db.goose() }
