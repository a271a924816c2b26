package main

import (
	"context"
	"errors"
	"fmt"
	"os"

	"uglymugs/internal/store"
)

// ensureKeys proves that the key file opens this database (recording the
// proof the first time) before a command writes anything with it: data
// sealed with another installation's keys could never be read back.
func (c common) ensureKeys(ctx context.Context, db *store.DB) error {
	return c.keysProblem(db.EnsureKeys(ctx))
}

// keysProblem words a wrong key file for the operator: which file, that it
// is not this database's, and what to do.
func (c common) keysProblem(err error) error {
	var wk *store.WrongKeysError
	if !errors.As(err, &wk) {
		return err
	}
	src, _ := c.source()
	return fmt.Errorf("the key file %s does not belong to the database %s (%s). Nothing was written. "+
		"Give --keys (UGLYMUGS_KEYS) the key file this database was set up with: data encrypted with other keys cannot be read",
		*c.keys, src, wk.Reason)
}

// haveKeys says whether the key file exists, for commands that use it
// only when it is there (migrate).
func (c common) haveKeys() bool {
	_, err := os.Stat(*c.keys)
	return err == nil
}
