package store

import (
	"context"
	"database/sql"
	"fmt"

	"uglymugs/internal/scheme"
)

// listPage runs one page of a list and counts the rows of the whole list,
// both in one snapshot, so that "26–30 of 30" holds together. sel is the
// list's query without its order (SELECT … FROM … WHERE …, with any GROUP
// BY); order is its ORDER BY, which must end in a unique column (an id) so
// that rows tied on the rest keep one order and pages neither overlap nor
// skip. args are sel's ($1…); the page's limit and offset follow them.
// The zero Page gives the whole list, uncounted.
func listPage[T any](ctx context.Context, db *core, p scheme.Page, scan func(rowScanner) (T, error), sel, order string, args ...any) (scheme.Listed[T], error) {
	if p.Whole() {
		items, err := queryRows(ctx, db.read, scan, sel+` ORDER BY `+order, args...)
		return scheme.Listed[T]{Items: items, Total: len(items)}, err
	}
	var out scheme.Listed[T]
	err := db.snapshot(ctx, func(tx *sql.Tx) error {
		n := len(args)
		// #nosec G201 -- sel and order are constant fragments with $n placeholders; values are arguments
		items, err := queryRows(ctx, tx, scan, fmt.Sprintf(`%s ORDER BY %s LIMIT $%d OFFSET $%d`, sel, order, n+1, n+2),
			append(args[:n:n], p.Size, p.Offset())...)
		if err != nil {
			return err
		}
		out.Items = items
		// A page that is neither full nor empty is the last: it tells
		// the total without counting.
		if len(items) > 0 && len(items) < p.Size {
			out.Total = p.Offset() + len(items)
			return nil
		}
		// #nosec G202 -- sel is a constant fragment with $n placeholders
		return tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM (`+sel+`) listed`, args...).Scan(&out.Total)
	})
	return out, err
}

// snapshot runs fn in a read-only transaction that sees one state of the
// database throughout (SQLite's WAL gives a reader one anyway; PostgreSQL
// needs REPEATABLE READ for it).
func (db *core) snapshot(ctx context.Context, fn func(tx *sql.Tx) error) error {
	var opts *sql.TxOptions
	if db.dialect == Postgres {
		opts = &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true}
	}
	tx, err := db.read.BeginTx(ctx, opts)
	if err != nil {
		return err
	}
	defer tx.Rollback() //nolint:errcheck // read only
	return fn(tx)
}
