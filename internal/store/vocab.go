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

// Vocab holds the scheme's lists — regions, incident types, sectors and
// the gender answers — as admins keep them: values are added, renamed,
// reordered and retired, never deleted (reports, alerts and members hold
// their slugs). Content.Lists reads them.
type Vocab struct{ db *core }

// listTables are the lists' tables: the only table names these queries
// are built with.
var listTables = map[scheme.ListKind]string{
	scheme.ListRegions: "regions", scheme.ListTypes: "incident_types",
	scheme.ListSectors: "sectors", scheme.ListGenders: "genders",
}

func listTable(kind scheme.ListKind) (string, error) {
	t, ok := listTables[kind]
	if !ok {
		return "", scheme.ErrNotFound
	}
	return t, nil
}

// ListValue is what an admin gives a value: its name, and an incident
// type's severity or a region's phone numbering plan (ignored for the
// other lists).
type ListValue struct {
	Name     string
	Severity scheme.Severity
	Phone    string
}

// listRow is one value as stored.
type listRow struct {
	Slug, Name, Severity, Phone string
	Position                    int
	Retired                     bool
}

// listRowOf reads one value of a list in tx, locked for the change that
// follows on PostgreSQL.
func (db *core) listRowOf(ctx context.Context, tx *sql.Tx, table, slug string) (listRow, error) {
	q := `SELECT slug, name, ` + extraColumn(table) + `, position, retired_at IS NOT NULL FROM ` + table + ` WHERE slug = $1`
	if db.dialect == Postgres {
		q += ` FOR UPDATE`
	}
	var r listRow
	var extra string
	err := tx.QueryRowContext(ctx, q, slug).Scan(&r.Slug, &r.Name, &extra, &r.Position, &r.Retired)
	r.Severity, r.Phone = extra, extra
	return r, mapErr(err)
}

// extraColumn is the column a list has beside its name (” when none).
func extraColumn(table string) string {
	switch table {
	case "incident_types":
		return "severity"
	case "regions":
		return "phone_region"
	}
	return "''"
}

// listAudit records a change to a list, naming the value by list and slug
// (the scheme's data, never a person's) and what changed.
func (db *core) listAudit(ctx context.Context, tx *sql.Tx, actor, action string, kind scheme.ListKind, slug string, changed ...string) error {
	d := map[string]any{"list": string(kind)}
	if len(changed) > 0 {
		d["changed"] = changed
	}
	detail, err := json.Marshal(d)
	if err != nil {
		return err
	}
	return db.appendAudit(ctx, tx, audit.Entry{Actor: actor, Action: action, SubjectType: "list_value", SubjectID: string(kind) + "/" + slug, Detail: string(detail)})
}

// sameNameInList refuses a name another value of the list has, in any
// case, retired ones too (two "Escort"s could not be told apart on a
// form, or in statistics).
func sameNameInList(ctx context.Context, tx *sql.Tx, table, name, except string) error {
	names, err := queryStrings(ctx, tx, `SELECT name FROM `+table+` WHERE slug <> $1`, except)
	if err != nil {
		return err
	}
	for _, n := range names {
		if strings.EqualFold(strings.TrimSpace(n), name) {
			return scheme.Invalid(map[string]string{"name": "The list already has a value of that name (perhaps retired: offer that one again instead)."})
		}
	}
	return nil
}

// AddValue adds a value at the end of a list (for incident types, the end
// of its severity's) and returns its slug: base, or base with a number
// after it when the list has that slug already.
func (area Vocab) AddValue(ctx context.Context, actor string, kind scheme.ListKind, base string, v ListValue) (string, error) {
	db := area.db
	defer db.listsChanged() // once committed

	table, err := listTable(kind)
	if err != nil {
		return "", err
	}
	var slug string
	err = db.inTx(ctx, func(tx *sql.Tx) error {
		if err := sameNameInList(ctx, tx, table, v.Name, ""); err != nil {
			return err
		}
		taken, err := queryStrings(ctx, tx, `SELECT slug FROM `+table+` WHERE slug = $1 OR slug LIKE $2`, base, base+"-%")
		if err != nil {
			return err
		}
		slug = base
		for n := 2; slices.Contains(taken, slug); n++ {
			slug = fmt.Sprintf("%s-%d", base, n)
		}
		var position int
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(position), 0) + 1 FROM `+table).Scan(&position); err != nil {
			return err
		}
		switch table {
		case "incident_types":
			_, err = tx.ExecContext(ctx, `INSERT INTO incident_types (slug, name, severity, position) VALUES ($1, $2, $3, $4)`, slug, v.Name, string(v.Severity), position)
		case "regions":
			_, err = tx.ExecContext(ctx, `INSERT INTO regions (slug, name, phone_region, position) VALUES ($1, $2, $3, $4)`, slug, v.Name, v.Phone, position)
		default:
			// #nosec G202 -- table is one of the lists' own tables (listTable), never input
			_, err = tx.ExecContext(ctx, `INSERT INTO `+table+` (slug, name, position) VALUES ($1, $2, $3)`, slug, v.Name, position)
		}
		if err != nil {
			return mapErr(err)
		}
		return db.listAudit(ctx, tx, actor, "list.add", kind, slug)
	})
	return slug, err
}

// EditValue renames a value and sets an incident type's severity or a
// region's numbering plan. Its slug, and so every record that holds it,
// stays; a report keeps the severity it was given when it was made.
func (area Vocab) EditValue(ctx context.Context, actor string, kind scheme.ListKind, slug string, v ListValue) error {
	db := area.db
	defer db.listsChanged() // once committed

	table, err := listTable(kind)
	if err != nil {
		return err
	}
	return db.inTx(ctx, func(tx *sql.Tx) error {
		old, err := db.listRowOf(ctx, tx, table, slug)
		if err != nil {
			return err
		}
		var changed []string
		if old.Name != v.Name {
			if err := sameNameInList(ctx, tx, table, v.Name, slug); err != nil {
				return err
			}
			// #nosec G202 -- table is one of the lists' own tables (listTable), never input
			if _, err := tx.ExecContext(ctx, `UPDATE `+table+` SET name = $1 WHERE slug = $2`, v.Name, slug); err != nil {
				return mapErr(err)
			}
			changed = append(changed, "name")
		}
		if table == "incident_types" && old.Severity != string(v.Severity) {
			if _, err := tx.ExecContext(ctx, `UPDATE incident_types SET severity = $1 WHERE slug = $2`, string(v.Severity), slug); err != nil {
				return mapErr(err)
			}
			changed = append(changed, "severity")
		}
		if table == "regions" && old.Phone != v.Phone {
			if _, err := tx.ExecContext(ctx, `UPDATE regions SET phone_region = $1 WHERE slug = $2`, v.Phone, slug); err != nil {
				return mapErr(err)
			}
			changed = append(changed, "phone_region")
		}
		if len(changed) == 0 {
			return nil
		}
		return db.listAudit(ctx, tx, actor, "list.edit", kind, slug, changed...)
	})
}

// MoveValue swaps a value with the one before it (up) or after it in its
// list; at either end it stays where it is. Incident types are shown most
// severe first, so one moves among those of its severity.
func (area Vocab) MoveValue(ctx context.Context, actor string, kind scheme.ListKind, slug string, up bool) error {
	db := area.db
	defer db.listsChanged() // once committed

	table, err := listTable(kind)
	if err != nil {
		return err
	}
	return db.inTx(ctx, func(tx *sql.Tx) error {
		v, err := db.listRowOf(ctx, tx, table, slug)
		if err != nil {
			return err
		}
		where, args := ``, []any{v.Position, v.Slug}
		if table == "incident_types" {
			where, args = `severity = $3 AND `, append(args, v.Severity)
		}
		q := `SELECT slug, position FROM ` + table + ` WHERE ` + where + `(position > $1 OR (position = $1 AND slug > $2))
			ORDER BY position, slug LIMIT 1`
		if up {
			q = `SELECT slug, position FROM ` + table + ` WHERE ` + where + `(position < $1 OR (position = $1 AND slug < $2))
				ORDER BY position DESC, slug DESC LIMIT 1`
		}
		var other string
		var po int
		err = tx.QueryRowContext(ctx, q, args...).Scan(&other, &po)
		if err == sql.ErrNoRows {
			return nil
		} else if err != nil {
			return err
		}
		pv := v.Position
		if po == pv { // tied positions (never written by AddValue): make them distinct
			if up {
				pv++
			} else {
				po++
			}
		}
		// #nosec G202 -- table is one of the lists' own tables (listTable), never input
		if _, err := tx.ExecContext(ctx, `UPDATE `+table+` SET position = $1 WHERE slug = $2`, po, v.Slug); err != nil {
			return err
		}
		// #nosec G202 -- table is one of the lists' own tables (listTable), never input
		if _, err := tx.ExecContext(ctx, `UPDATE `+table+` SET position = $1 WHERE slug = $2`, pv, other); err != nil {
			return err
		}
		return db.listAudit(ctx, tx, actor, "list.move", kind, slug)
	})
}

// RetireValue stops offering a value (retired) or offers it again. The
// records that hold it keep it and show its name.
func (area Vocab) RetireValue(ctx context.Context, actor string, kind scheme.ListKind, slug string, retired bool) error {
	db := area.db
	defer db.listsChanged() // once committed

	table, err := listTable(kind)
	if err != nil {
		return err
	}
	return db.inTx(ctx, func(tx *sql.Tx) error {
		v, err := db.listRowOf(ctx, tx, table, slug)
		if err != nil {
			return err
		}
		if v.Retired == retired {
			return nil
		}
		var at any
		action := "list.restore"
		if retired {
			at, action = db.now().UTC(), "list.retire"
		}
		// #nosec G202 -- table is one of the lists' own tables (listTable), never input
		if _, err := tx.ExecContext(ctx, `UPDATE `+table+` SET retired_at = $1 WHERE slug = $2`, at, slug); err != nil {
			return err
		}
		return db.listAudit(ctx, tx, actor, action, kind, slug)
	})
}

// Version changes whenever, in this process, a list or a member's regions
// have changed: what is worked out from them (the numbering plan a
// member's checks read phone numbers by) can be kept until it does. Other
// instances' changes do not move it; keep such things only briefly.
func (area Vocab) Version() uint64 { return area.db.listsGen.Load() }

// listsChanged moves Version on, once a change is committed.
func (db *core) listsChanged() { db.listsGen.Add(1) }

// MemberRegions are the regions a member's alerts come from: her own, or,
// for an organisation's staff, her key contact's as well (as the alerts'
// targeting has it).
func (area Vocab) MemberRegions(ctx context.Context, userID string) ([]string, error) {
	db := area.db

	return queryStrings(ctx, db.read, `SELECT region FROM profile_regions WHERE user_id = $1
		UNION SELECT pr.region FROM users u JOIN users k ON k.organisation_id = u.organisation_id AND k.role = 'org_contact'
			JOIN profile_regions pr ON pr.user_id = k.id
		WHERE u.id = $1 AND u.organisation_id IS NOT NULL
		ORDER BY 1`, userID)
}
