package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"uglymugs/internal/audit"
	"uglymugs/internal/scheme"
)

// Towns holds the towns or areas within each region, which admins keep,
// and the towns members narrow their alerts to. (An alert's towns are
// saved with its other targets, in alerts.go.)
type Towns struct{ db *core }

// All returns every town, retired ones too, by region (in the regions'
// order), then position.
func (area Towns) All(ctx context.Context) (scheme.Towns, error) {
	db := area.db

	return queryRows(ctx, db.read, scanTown, `SELECT t.slug, t.region, t.name, t.position, t.retired_at
		FROM towns t JOIN regions r ON r.slug = t.region ORDER BY r.position, r.slug, t.position, t.slug`)
}

func scanTown(rows rowScanner) (scheme.Town, error) {
	var t scheme.Town
	var retired sql.NullTime
	err := rows.Scan(&t.Slug, &t.Region, &t.Name, &t.Position, &retired)
	t.RetiredAt = retired.Time
	return t, err
}

// townAudit records a change to a town, naming it by slug and region (the
// scheme's data, never a person's).
func (db *core) townAudit(ctx context.Context, tx *sql.Tx, actor, action string, t scheme.Town) error {
	detail, err := json.Marshal(map[string]string{"region": t.Region})
	if err != nil {
		return err
	}
	return db.appendAudit(ctx, tx, audit.Entry{Actor: actor, Action: action, SubjectType: "town", SubjectID: t.Slug, Detail: string(detail)})
}

// sameNameInRegion refuses a name another town of the region has, in any
// case (two "Camden"s could not be told apart on a form).
func sameNameInRegion(ctx context.Context, tx *sql.Tx, region, name, except string) error {
	names, err := queryStrings(ctx, tx, `SELECT name FROM towns WHERE region = $1 AND slug <> $2`, region, except)
	if err != nil {
		return err
	}
	for _, n := range names {
		if strings.EqualFold(strings.TrimSpace(n), name) {
			return scheme.Invalid(map[string]string{"name": "This region already has a town of that name."})
		}
	}
	return nil
}

// AddTown adds a town at the end of its region's list. Its slug is base,
// or base with a number after it when another town has that slug.
func (area Towns) AddTown(ctx context.Context, actor, region, name, base string) (scheme.Town, error) {
	db := area.db

	t := scheme.Town{Region: region, Name: name}
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		var ok int
		if err := tx.QueryRowContext(ctx, `SELECT 1 FROM regions WHERE slug = $1`, region).Scan(&ok); err != nil {
			if err == sql.ErrNoRows {
				return scheme.Invalid(map[string]string{"region": "Choose one of the scheme's regions."})
			}
			return err
		}
		if err := sameNameInRegion(ctx, tx, region, name, ""); err != nil {
			return err
		}
		taken, err := queryStrings(ctx, tx, `SELECT slug FROM towns WHERE slug = $1 OR slug LIKE $2`, base, base+"-%")
		if err != nil {
			return err
		}
		t.Slug = base
		for n := 2; slices.Contains(taken, t.Slug); n++ {
			t.Slug = fmt.Sprintf("%s-%d", base, n)
		}
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(position), 0) + 1 FROM towns WHERE region = $1`, region).Scan(&t.Position); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO towns (slug, region, name, position) VALUES ($1, $2, $3, $4)`,
			t.Slug, t.Region, t.Name, t.Position); err != nil {
			return mapErr(err)
		}
		return db.townAudit(ctx, tx, actor, "town.add", t)
	})
	return t, err
}

// town reads one town in tx, locked for the change that follows on
// PostgreSQL.
func (db *core) town(ctx context.Context, tx *sql.Tx, slug string) (scheme.Town, error) {
	q := `SELECT slug, region, name, position, retired_at FROM towns WHERE slug = $1`
	if db.dialect == Postgres {
		q += ` FOR UPDATE`
	}
	t, err := scanTown(tx.QueryRowContext(ctx, q, slug))
	return t, mapErr(err)
}

// RenameTown gives a town a new name; its slug, and so every member's
// and alert's choice of it, stays.
func (area Towns) RenameTown(ctx context.Context, actor, slug, name string) error {
	db := area.db

	return db.inTx(ctx, func(tx *sql.Tx) error {
		t, err := db.town(ctx, tx, slug)
		if err != nil {
			return err
		}
		if t.Name == name {
			return nil
		}
		if err := sameNameInRegion(ctx, tx, t.Region, name, slug); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE towns SET name = $1 WHERE slug = $2`, name, slug); err != nil {
			return mapErr(err)
		}
		return db.townAudit(ctx, tx, actor, "town.rename", t)
	})
}

// MoveTown swaps a town with the one before it (up) or after it in its
// region's list; at either end it stays where it is.
func (area Towns) MoveTown(ctx context.Context, actor, slug string, up bool) error {
	db := area.db

	return db.inTx(ctx, func(tx *sql.Tx) error {
		t, err := db.town(ctx, tx, slug)
		if err != nil {
			return err
		}
		q := `SELECT slug, region, name, position, retired_at FROM towns WHERE region = $1 AND (position > $2 OR (position = $2 AND slug > $3))
			ORDER BY position, slug LIMIT 1`
		if up {
			q = `SELECT slug, region, name, position, retired_at FROM towns WHERE region = $1 AND (position < $2 OR (position = $2 AND slug < $3))
				ORDER BY position DESC, slug DESC LIMIT 1`
		}
		other, err := scanTown(tx.QueryRowContext(ctx, q, t.Region, t.Position, t.Slug))
		if err == sql.ErrNoRows {
			return nil
		} else if err != nil {
			return err
		}
		pt, po := other.Position, t.Position
		if pt == po { // tied positions (never written by AddTown): make them distinct
			if up {
				po++
			} else {
				pt++
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE towns SET position = $1 WHERE slug = $2`, pt, t.Slug); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE towns SET position = $1 WHERE slug = $2`, po, other.Slug); err != nil {
			return err
		}
		return db.townAudit(ctx, tx, actor, "town.move", t)
	})
}

// RetireTown stops offering a town (retired) or offers it again. Members
// and alerts that chose it keep it (see targetFrom for what that means).
func (area Towns) RetireTown(ctx context.Context, actor, slug string, retired bool) error {
	db := area.db

	return db.inTx(ctx, func(tx *sql.Tx) error {
		t, err := db.town(ctx, tx, slug)
		if err != nil {
			return err
		}
		if t.Retired() == retired {
			return nil
		}
		var at any
		action := "town.restore"
		if retired {
			at, action = db.now().UTC(), "town.retire"
		}
		if _, err := tx.ExecContext(ctx, `UPDATE towns SET retired_at = $1 WHERE slug = $2`, at, slug); err != nil {
			return err
		}
		return db.townAudit(ctx, tx, actor, action, t)
	})
}

// SetMemberTowns replaces the towns a member narrows her alerts to (the
// caller has checked them: town.Service.SetMine).
func (area Towns) SetMemberTowns(ctx context.Context, userID string, towns []string) error {
	db := area.db

	return db.inTx(ctx, func(tx *sql.Tx) error {
		if err := db.setTowns(ctx, tx, userID, towns); err != nil {
			return err
		}
		return db.appendAudit(ctx, tx, audit.Entry{Actor: userID, Action: "profile.towns", SubjectType: "user", SubjectID: userID})
	})
}

func (db *core) setTowns(ctx context.Context, tx *sql.Tx, userID string, towns []string) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM profile_towns WHERE user_id = $1`, userID); err != nil {
		return err
	}
	for _, t := range compact(towns) {
		if _, err := tx.ExecContext(ctx, `INSERT INTO profile_towns (user_id, town) VALUES ($1, $2)`, userID, t); err != nil {
			return fmt.Errorf("town %q: %w", t, err)
		}
	}
	return nil
}

// profileTowns are the towns a member chose, by slug.
func profileTowns(ctx context.Context, q queryer, userID string) ([]string, error) {
	return queryStrings(ctx, q, `SELECT town FROM profile_towns WHERE user_id = $1 ORDER BY town`, userID)
}
