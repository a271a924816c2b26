package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"uglymugs/internal/audit"
	"uglymugs/internal/scheme"
)

// newExportReference is "UMX-" and 8 random base32 characters (40 bits):
// short enough to read out on the phone, not guessable, not a count.
func newExportReference() string { return "UMX-" + rand.Text()[:8] }

// CreatePoliceExport records an export and its audit entry in one
// transaction, with a fresh reference.
func (area Police) CreatePoliceExport(ctx context.Context, e scheme.PoliceExport) (scheme.PoliceExport, error) {
	db := area.db

	e.ID, e.CreatedAt = newID(), db.now().UTC()
	s := &sealer{db: db, table: "police_exports", id: e.ID}
	purpose, recipient := s.seal("purpose", e.Purpose), s.seal("recipient", e.Recipient)
	if s.err != nil {
		return e, s.err
	}
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		for try := 0; ; try++ {
			e.Reference = newExportReference()
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM police_exports WHERE reference = $1`, e.Reference).Scan(&n); err != nil {
				return err
			}
			if n == 0 {
				break
			}
			if try > 5 {
				return fmt.Errorf("store: no free export reference")
			}
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO police_exports (id, reference, format, profile_id, purpose_ct, recipient_ct, created_by, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
			e.ID, e.Reference, e.Format, nullable(e.ProfileID), purpose, recipient, e.CreatedBy, e.CreatedAt); err != nil {
			return err
		}
		for _, set := range []struct {
			ids []string
			in  bool
		}{{e.Included, true}, {e.Excluded, false}} {
			for _, id := range set.ids {
				if _, err := tx.ExecContext(ctx, `INSERT INTO police_export_reports (export_id, report_id, included) VALUES ($1, $2, $3)`,
					e.ID, id, set.in); err != nil {
					return err
				}
			}
		}
		return db.appendAudit(ctx, tx, audit.Entry{Actor: e.CreatedBy, Action: "police.export", SubjectType: "police_export", SubjectID: e.ID,
			Detail: fmt.Sprintf(`{"reference":%q,"format":%q,"included":%d,"excluded":%d}`, e.Reference, e.Format, len(e.Included), len(e.Excluded))})
	})
	return e, err
}

const exportColumns = `id, reference, format, profile_id, purpose_ct, recipient_ct, created_by, created_at`

func (db *core) scanExport(sc rowScanner) (scheme.PoliceExport, error) {
	var e scheme.PoliceExport
	var profile sql.NullString
	var purpose, recipient []byte
	if err := sc.Scan(&e.ID, &e.Reference, &e.Format, &profile, &purpose, &recipient, &e.CreatedBy, &e.CreatedAt); err != nil {
		return e, mapErr(err)
	}
	e.ProfileID = profile.String
	var err error
	if e.Purpose, err = db.open("police_exports", "purpose", e.ID, purpose); err != nil {
		return e, err
	}
	e.Recipient, err = db.open("police_exports", "recipient", e.ID, recipient)
	return e, err
}

// PoliceExport returns an export's record with its report lists.
func (area Police) PoliceExport(ctx context.Context, id string) (scheme.PoliceExport, error) {
	db := area.db

	e, err := db.scanExport(db.read.QueryRowContext(ctx, `SELECT `+exportColumns+` FROM police_exports WHERE id = $1`, id))
	if err != nil {
		return e, err
	}
	rows, err := db.read.QueryContext(ctx, `SELECT x.report_id, x.included FROM police_export_reports x
		LEFT JOIN reports r ON r.id = x.report_id WHERE x.export_id = $1 ORDER BY r.incident_at, x.report_id`, id)
	if err != nil {
		return e, err
	}
	defer rows.Close()
	for rows.Next() {
		var rid string
		var in bool
		if err := rows.Scan(&rid, &in); err != nil {
			return e, err
		}
		if in {
			e.Included = append(e.Included, rid)
		} else {
			e.Excluded = append(e.Excluded, rid)
		}
	}
	return e, rows.Err()
}

// PoliceExports lists exports, newest first.
func (area Police) PoliceExports(ctx context.Context, limit int) ([]scheme.ExportSummary, error) {
	db := area.db

	// #nosec G202 -- a constant column list
	return queryRows(ctx, db.read, func(rows rowScanner) (s scheme.ExportSummary, err error) {
		var inc, exc int
		e, err := db.scanExport(scanTail{rows, []any{&inc, &exc}})
		if err != nil {
			return s, err
		}
		s.PoliceExport, s.IncludedCount, s.ExcludedCount = e, inc, exc
		return s, nil
	}, `SELECT `+prefixed("e.", exportColumns)+`,
			(SELECT COUNT(*) FROM police_export_reports x WHERE x.export_id = e.id AND x.included),
			(SELECT COUNT(*) FROM police_export_reports x WHERE x.export_id = e.id AND NOT x.included)
		FROM police_exports e ORDER BY e.created_at DESC, e.id LIMIT $1`, limit)
}

// prefixed puts p before every column of a comma-separated list.
func prefixed(p, cols string) string {
	parts := strings.Split(cols, ",")
	for i, c := range parts {
		parts[i] = p + strings.TrimSpace(c)
	}
	return strings.Join(parts, ", ")
}

// ProfileReports returns the ids of the reports an offender profile links,
// oldest incident first.
func (area Police) ProfileReports(ctx context.Context, profileID string) ([]string, error) {
	db := area.db

	out, err := queryRows(ctx, db.read, func(rows rowScanner) (id string, err error) {
		var at time.Time
		if err := rows.Scan(&id, &at); err != nil {
			return id, err
		}
		return id, nil
	}, `SELECT DISTINCT r.id, r.incident_at FROM offenders o JOIN reports r ON r.id = o.report_id
		WHERE o.profile_id = $1 ORDER BY r.incident_at, r.id`, profileID)
	if err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, scheme.ErrNotFound
	}
	return out, nil
}
