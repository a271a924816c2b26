package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"uglymugs/internal/store"
	"uglymugs/internal/vault"
)

// checkDataCmd tries every encrypted value in the database with the key
// file and lists, one a line, those that do not open: table, column and
// row id, never contents. It only reads, so it runs beside serve. The
// exit status is 1 if any is unreadable.
type checkDataCmd struct{ noFlags }

func (cmd checkDataCmd) run(ctx context.Context, c common, stdin io.Reader, stdout, stderr io.Writer) error {
	db, done, err := c.openDB(ctx, false, true)
	if err != nil {
		return err
	}
	defer done()
	if err := schemaCurrent(ctx, db); err != nil {
		return err
	}
	// With another database's key file nothing would open: say that once
	// rather than list every value.
	if err := db.CheckKeys(ctx); err != nil && !errors.Is(err, store.ErrNoKeyCanary) {
		return c.keysProblem(err)
	}
	bad := 0
	n, err := db.ScanUnreadable(ctx, func(u vault.Field) error {
		if bad == 0 {
			fmt.Fprintln(stdout, "table\tcolumn\trow id")
		}
		bad++
		_, err := fmt.Fprintf(stdout, "%s\t%s\t%s\n", u.Table, u.Column, u.RowID)
		return err
	})
	if err != nil {
		return err
	}
	if bad > 0 {
		return fmt.Errorf("%d of %d encrypted values cannot be read with the key file %s (listed above): "+
			"they were damaged or sealed with a key the file does not hold; restore those rows from a backup, or the key file they were written with", bad, n, *c.keys)
	}
	fmt.Fprintf(stdout, "all %d encrypted values open with the key file %s\n", n, *c.keys)
	return nil
}
