package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"maps"
	"slices"

	"uglymugs/internal/audit"
)

// Settings holds the scheme's settings (internal/settings says what they
// are): one row per key, read whole.
type Settings struct{ db *core }

// All returns every stored setting, by key.
func (area Settings) All(ctx context.Context) (map[string]string, error) {
	db := area.db

	out := map[string]string{}
	rows, err := db.read.QueryContext(ctx, `SELECT key, value FROM settings`)
	if err != nil {
		return nil, err
	}
	err = eachRow(rows, func() error {
		var k, v string
		if err := rows.Scan(&k, &v); err != nil {
			return err
		}
		out[k] = v
		return nil
	})
	return out, err
}

// SaveSettings stores changed settings and one audit entry saying what
// changed, in one transaction. shown holds the new values the entry may
// show (the caller leaves out any that could be someone's details); the
// other keys are named without their values.
func (area Settings) SaveSettings(ctx context.Context, actor string, changed, shown map[string]string) error {
	db := area.db

	return db.inTx(ctx, func(tx *sql.Tx) error {
		keys := slices.Sorted(maps.Keys(changed))
		for _, k := range keys {
			if err := db.putSetting(ctx, tx, actor, k, changed[k]); err != nil {
				return err
			}
		}
		detail, err := json.Marshal(struct {
			Changed []string          `json:"changed"`
			Values  map[string]string `json:"values,omitempty"`
		}{keys, shown})
		if err != nil {
			return err
		}
		return db.appendAudit(ctx, tx, audit.Entry{Actor: actor, Action: "settings.change", SubjectType: "settings", SubjectID: "scheme", Detail: string(detail)})
	})
}

// SeedSettings stores each of values whose key has no row yet (the first
// run's settings, from the command line) and returns the keys stored.
// Keys already stored keep their value: the database's settings win.
func (area Settings) SeedSettings(ctx context.Context, values map[string]string) ([]string, error) {
	db := area.db

	var seeded []string
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		seeded = nil
		for _, k := range slices.Sorted(maps.Keys(values)) {
			res, err := tx.ExecContext(ctx, `INSERT INTO settings (key, value, updated_by, updated_at) VALUES ($1, $2, 'first-run', $3)
				ON CONFLICT (key) DO NOTHING`, k, values[k], db.now().UTC())
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n > 0 {
				seeded = append(seeded, k)
			}
		}
		if len(seeded) == 0 {
			return nil
		}
		detail, err := json.Marshal(struct {
			Seeded []string `json:"seeded"`
		}{seeded})
		if err != nil {
			return err
		}
		return db.appendAudit(ctx, tx, audit.Entry{Actor: "system", Action: "settings.seed", SubjectType: "settings", SubjectID: "scheme", Detail: string(detail)})
	})
	return seeded, err
}

func (db *core) putSetting(ctx context.Context, tx *sql.Tx, actor, key, value string) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO settings (key, value, updated_by, updated_at) VALUES ($1, $2, $3, $4)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
		key, value, actor, db.now().UTC())
	return err
}
