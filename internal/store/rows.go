package store

import "database/sql"

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

// scanStrings reads a one-column result.
func scanStrings(rows *sql.Rows) ([]string, error) {
	var out []string
	err := eachRow(rows, func() error {
		var s string
		if err := rows.Scan(&s); err != nil {
			return err
		}
		out = append(out, s)
		return nil
	})
	return out, err
}
