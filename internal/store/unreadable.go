package store

import (
	"context"
	"errors"
	"fmt"

	"uglymugs/internal/vault"
)

// One damaged ciphertext (a flipped bit on disk, a bad restore) must cost
// that one value, not every page that lists it. Every decryption goes
// through DB.open, which reports a value that does not open to the
// OnUnreadable hook (serve counts and logs it, ids only); list reads then
// mark the item unreadable and go on with the rest, while a page about that
// one object still fails. ScanUnreadable finds them all (uglymugs
// check-data).

// OnUnreadable sets what happens when a read meets an unreadable value
// (the web server counts it and logs it).
func (d *DB) OnUnreadable(fn func(vault.Field)) {
	db := d.db
	db.onUnreadable.Store(&fn)
}

// unreadable reports whether err means the value does not open (damaged,
// moved, or sealed with a key not in the key file).
func unreadable(err error) bool { return errors.Is(err, vault.ErrDecrypt) }

func (db *core) reportUnreadable(table, column, id string) {
	if fn := db.onUnreadable.Load(); fn != nil && *fn != nil {
		(*fn)(vault.Field{Table: table, Column: column, RowID: id})
	}
}

// sealedColumn is one encrypted column: the field name bound into its
// ciphertexts (vault.Field.Column) and the SQL giving the row id bound.
type sealedColumn struct {
	table, column, field, rowID string
}

// sealedColumns is every encrypted column in the schema (a test checks
// that none is missing).
var sealedColumns = []sealedColumn{
	{"users", "username_ct", "username", "id"},
	{"users", "totp_secret_ct", "totp_secret", "id"},
	{"organisations", "name_ct", "name", "id"},
	{"organisations", "website_ct", "website", "id"},
	{"organisations", "email_ct", "email", "id"},
	{"organisations", "key_contact_ct", "key_contact", "id"},
	{"organisations", "description_ct", "description", "id"},
	{"profiles", "work_name_ct", "work_name", "user_id"},
	{"profiles", "real_name_ct", "real_name", "user_id"},
	{"profiles", "email_ct", "email", "user_id"},
	{"profiles", "mobile_ct", "mobile", "user_id"},
	{"profiles", "area_ct", "area", "user_id"},
	{"applications", "reason_ct", "reason", "id"},
	{"applications", "question_ct", "question", "id"},
	{"applications", "answer_ct", "answer", "id"},
	{"revocations", "reason_ct", "reason", "user_id"},
	{"data_exports", "purpose_ct", "purpose", "id"},
	{"notifications", "to_ct", "to", "id"},
	{"notifications", "params_ct", "params", "id"},
	{"reports", "original_ct", "original", "id"},
	{"reports", "working_ct", "working", "id"},
	{"reports", "reason_ct", "reason", "id"},
	{"offender_identifiers", "value_ct", "value", "id"},
	{"report_events", "body_ct", "body", "id"},
	{"case_tasks", "title_ct", "title", "id"},
	{"report_messages", "body_ct", "body", "id"},
	{"report_drafts", "data_ct", "data", "id"},
	{"alerts", "content_ct", "content", "id"},
	{"alerts", "flags_ct", "flags", "id"},
	{"alerts", "override_ct", "override", "id"},
	{"alerts", "notice_ct", "notice", "id"},
	{"alert_versions", "content_ct", "content", "alert_id || '/' || CAST(version AS TEXT)"},
	{"alert_additions", "body_ct", "body", "id"},
	{"police_exports", "purpose_ct", "purpose", "id"},
	{"police_exports", "recipient_ct", "recipient", "id"},
	{"police_enquiries", "unit_ct", "unit", "id"},
	{"police_enquiries", "reference_ct", "reference", "id"},
	{"police_enquiries", "request_ct", "request", "id"},
	{"police_enquiries", "outcome_ct", "outcome", "id"},
	{"disclosures", "what_ct", "what", "id"},
	{"disclosures", "recipient_ct", "recipient", "id"},
	{"disclosures", "justification_ct", "justification", "id"},
	{"disclosures", "no_notify_ct", "no_notify", "id"},
	{"disclosures", "decision_ct", "decision", "id"},
	{"newsletter_subscribers", "email_ct", "email", "id"},
	{"newsletter_subscribers", "token_ct", "token", "id"},
	{"key_canary", "sealed", "sealed", "CAST(id AS TEXT)"},
}

// EncryptedColumns lists every encrypted column as "table.column".
func EncryptedColumns() []string {
	out := make([]string, len(sealedColumns))
	for i, c := range sealedColumns {
		out[i] = c.table + "." + c.column
	}
	return out
}

// ScanUnreadable tries to open every encrypted value in the database and
// calls fn for each that does not open, table by table in a stable order.
// It reads one row at a time, so memory stays flat however large the
// database; it returns how many values it tried.
func (d *DB) ScanUnreadable(ctx context.Context, fn func(vault.Field) error) (int, error) {
	db := d.db

	if db.vault == nil {
		return 0, errNoVault
	}
	n := 0
	for _, c := range sealedColumns {
		// Names come from the list above, never from input.
		rows, err := db.read.QueryContext(ctx, `SELECT `+c.rowID+`, `+c.column+` FROM `+c.table+ // #nosec G202 -- constant identifiers from sealedColumns
			` WHERE `+c.column+` IS NOT NULL ORDER BY 1`)
		if err != nil {
			return n, fmt.Errorf("read %s.%s: %w", c.table, c.column, err)
		}
		err = eachRow(rows, func() error {
			var id string
			var ct []byte
			if err := rows.Scan(&id, &ct); err != nil {
				return err
			}
			if len(ct) == 0 {
				return nil
			}
			n++
			if _, err := db.vault.Open(vault.Field{Table: c.table, Column: c.field, RowID: id}, ct); err != nil {
				if !unreadable(err) {
					return err
				}
				return fn(vault.Field{Table: c.table, Column: c.field, RowID: id})
			}
			return nil
		})
		if err != nil {
			return n, err
		}
	}
	return n, nil
}
