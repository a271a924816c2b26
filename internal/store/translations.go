package store

import (
	"context"
	"database/sql"
	"encoding/json"

	"uglymugs/internal/audit"
	"uglymugs/internal/scheme"
)

// Translations holds admins' corrections of the catalogues' words, every
// version of each (internal/translation checks them first).
type Translations struct{ db *core }

// SaveCorrection adds a version of a message's correction in a language
// (the older ones stay) and its audit entry, which names the language and
// the message only. A correction without forms puts the catalogue's text
// back.
func (area Translations) SaveCorrection(ctx context.Context, actor string, c scheme.Correction) (scheme.Correction, error) {
	db := area.db

	forms := ""
	if !c.Reverted() {
		b, err := json.Marshal(c.Forms)
		if err != nil {
			return c, err
		}
		forms = string(b)
	}
	c.EditedBy, c.EditedAt = actor, db.now().UTC()
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) + 1 FROM translation_corrections
			WHERE lang = $1 AND message_id = $2`, c.Lang, c.MessageID).Scan(&c.Version); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO translation_corrections (lang, message_id, version, forms, edited_by, edited_at)
			VALUES ($1, $2, $3, $4, $5, $6)`, c.Lang, c.MessageID, c.Version, forms, actor, c.EditedAt); err != nil {
			return mapErr(err)
		}
		detail, err := json.Marshal(map[string]any{"message": c.MessageID, "version": c.Version})
		if err != nil {
			return err
		}
		action := "translation.correct"
		if c.Reverted() {
			action = "translation.revert"
		}
		return db.appendAudit(ctx, tx, audit.Entry{Actor: actor, Action: action, SubjectType: "language", SubjectID: c.Lang, Detail: string(detail)})
	})
	return c, err
}

// Corrections are the corrections in force (each message's newest
// version, unless it put the catalogue's text back), and the number of
// versions ever saved, read together: the number grows with every save,
// so an instance that polls it knows when to read the corrections again.
func (area Translations) Corrections(ctx context.Context) (current []scheme.Correction, saved int, err error) {
	db := area.db

	err = db.snapshot(ctx, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM translation_corrections`).Scan(&saved); err != nil {
			return err
		}
		current, err = queryRows(ctx, tx, scanCorrection, `SELECT lang, message_id, version, forms, edited_by, edited_at
			FROM translation_corrections c
			WHERE version = (SELECT MAX(version) FROM translation_corrections n WHERE n.lang = c.lang AND n.message_id = c.message_id)
				AND forms <> ''
			ORDER BY lang, message_id`)
		return err
	})
	return current, saved, err
}

// CorrectionsSaved is the number of versions ever saved (see Corrections).
func (area Translations) CorrectionsSaved(ctx context.Context) (int, error) {
	db := area.db

	var n int
	err := db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM translation_corrections`).Scan(&n)
	return n, err
}

// CorrectionHistory is page p of the versions of a message's correction
// in a language, newest first.
func (area Translations) CorrectionHistory(ctx context.Context, lang, messageID string, p scheme.Page) (scheme.Listed[scheme.Correction], error) {
	db := area.db

	return listPage(ctx, db, p, scanCorrection, `SELECT lang, message_id, version, forms, edited_by, edited_at
		FROM translation_corrections WHERE lang = $1 AND message_id = $2`, `version DESC`, lang, messageID)
}

func scanCorrection(rows rowScanner) (scheme.Correction, error) {
	var c scheme.Correction
	var forms string
	if err := rows.Scan(&c.Lang, &c.MessageID, &c.Version, &forms, &c.EditedBy, &c.EditedAt); err != nil {
		return c, err
	}
	if forms == "" {
		return c, nil
	}
	return c, json.Unmarshal([]byte(forms), &c.Forms)
}
