package store

import (
	"context"
	"database/sql"
)

// eachRow calls scan for every row and closes rows before it returns, so
// that the connection is free for the next statement of a transaction
// (PostgreSQL's wire protocol and SQLite's single writer both need that).
// It returns the first error from scan, from reading the rows or from
// closing them.
func eachRow(rows *sql.Rows, scan func() error) error {
	defer rows.Close()
	for rows.Next() {
		if err := scan(); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	return rows.Close()
}

// queryer runs queries: the pool or a transaction.
type queryer interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// rowScanner is a row to scan: *sql.Row or *sql.Rows.
type rowScanner = interface{ Scan(dest ...any) error }

// scanTail scans a row into the caller's destinations and then extra ones.
type scanTail struct {
	rows  rowScanner
	extra []any
}

func (s scanTail) Scan(dest ...any) error { return s.rows.Scan(append(dest, s.extra...)...) }

// queryRows runs query and returns what scan makes of each row, in order,
// having closed the rows (see eachRow).
func queryRows[T any](ctx context.Context, q queryer, scan func(rowScanner) (T, error), query string, args ...any) ([]T, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	var out []T
	err = eachRow(rows, func() error {
		v, err := scan(rows)
		if err != nil {
			return err
		}
		out = append(out, v)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// eachPair runs a query of two string columns and calls f with each row's.
func eachPair(ctx context.Context, q queryer, f func(a, b string), query string, args ...any) error {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	return eachRow(rows, func() error {
		var a, b string
		if err := rows.Scan(&a, &b); err != nil {
			return err
		}
		f(a, b)
		return nil
	})
}

// addCounts runs a query of (key, state, count) rows and adds each count
// to into[key][state].
func addCounts(ctx context.Context, q queryer, into map[string]map[string]int, query string, args ...any) error {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	return eachRow(rows, func() error {
		var key, state string
		var n int
		if err := rows.Scan(&key, &state, &n); err != nil {
			return err
		}
		if into[key] == nil {
			into[key] = map[string]int{}
		}
		into[key][state] += n
		return nil
	})
}

// queryStrings runs a one-column query.
func queryStrings(ctx context.Context, q queryer, query string, args ...any) ([]string, error) {
	return queryRows(ctx, q, func(rows rowScanner) (s string, err error) {
		err = rows.Scan(&s)
		return s, err
	}, query, args...)
}
