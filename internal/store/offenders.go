package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
	"unicode"

	"uglymugs/internal/audit"
	"uglymugs/internal/scheme"
)

// Offenders and their profiles: each offender of a report starts in a
// profile of their own; reports that share a full identifier are linked
// into one profile, and coordinators move offenders by hand.

// insertOffender stores an offender in a new profile of their own, and
// their identifiers; it returns the profile id.
func (db *core) insertOffender(ctx context.Context, tx *sql.Tx, reportID string, pos int, o scheme.Offender) (string, error) {
	pid := newID()
	now := db.now().UTC()
	if _, err := tx.ExecContext(ctx, `INSERT INTO offender_profiles (id, created_at) VALUES ($1, $2)`, pid, now); err != nil {
		return "", err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO offenders (id, report_id, position, profile_id) VALUES ($1, $2, $3, $4)`, o.ID, reportID, pos, pid); err != nil {
		return "", err
	}
	return pid, db.insertIdentifiers(ctx, tx, reportID, o)
}

func (db *core) insertIdentifiers(ctx context.Context, tx *sql.Tx, reportID string, o scheme.Offender) error {
	now := db.now().UTC()
	for _, id := range o.Identifiers {
		k, ok := indexKind[id.Kind]
		if !ok {
			return fmt.Errorf("unknown identifier kind %q", id.Kind)
		}
		iid := newID()
		s := &sealer{db: db, table: "offender_identifiers", id: iid}
		// Partial values are indexed as given (trimmed), so a coordinator
		// can find the same partial value typed the same way.
		value := id.Normalised
		if id.Partial || value == "" {
			value = strings.TrimSpace(id.Value)
		}
		ct, idx := s.seal("value", value), s.index(k, value)
		if s.err != nil {
			return s.err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO offender_identifiers (id, offender_id, report_id, kind, value_idx, value_ct, partial, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, iid, o.ID, reportID, id.Kind, idx, ct, id.Partial, now); err != nil {
			return err
		}
	}
	return nil
}

// autoLink joins an offender's profile with every profile holding an
// offender who shares a full (not partial) identifier with them: the oldest
// profile absorbs the others. Offenders placed by hand (pinned) stay where a
// coordinator put them. It returns the offender's profile.
func (db *core) autoLink(ctx context.Context, tx *sql.Tx, offenderID, own string) (string, error) {
	if err := db.lockProfiles(ctx, tx); err != nil {
		return "", err
	}
	var pinned bool
	var ownAt time.Time
	if err := tx.QueryRowContext(ctx, `SELECT o.pinned, p.created_at FROM offenders o JOIN offender_profiles p ON p.id = o.profile_id WHERE o.id = $1`,
		offenderID).Scan(&pinned, &ownAt); err != nil {
		return "", err
	}
	if pinned {
		return own, nil // placed by hand: automatic linking leaves them there
	}
	rows, err := tx.QueryContext(ctx, `SELECT DISTINCT o.profile_id, p.created_at FROM offender_identifiers mine
		JOIN offender_identifiers other ON other.kind = mine.kind AND other.value_idx = mine.value_idx AND other.partial = $2 AND other.offender_id <> mine.offender_id
		JOIN offenders o ON o.id = other.offender_id
		JOIN offender_profiles p ON p.id = o.profile_id
		WHERE mine.offender_id = $1 AND mine.partial = $2`, offenderID, false)
	if err != nil {
		return "", err
	}
	type prof struct {
		id string
		at time.Time
	}
	var found []prof
	err = eachRow(rows, func() error {
		var p prof
		if err := rows.Scan(&p.id, &p.at); err != nil {
			return err
		}
		if p.id != own {
			found = append(found, p)
		}
		return nil
	})
	if err != nil || len(found) == 0 {
		return own, err
	}
	target := prof{id: own, at: ownAt}
	for _, p := range found {
		if p.at.Before(target.at) || p.at.Equal(target.at) && p.id < target.id {
			target = p
		}
	}
	merge := []string{own}
	for _, p := range found {
		if p.id != target.id {
			merge = append(merge, p.id)
		}
	}
	for _, from := range merge {
		if _, err := tx.ExecContext(ctx, `UPDATE offenders SET profile_id = $1 WHERE profile_id = $2 AND (pinned = $3 OR id = $4)`,
			target.id, from, false, offenderID); err != nil { // offenderID itself is not pinned (checked above)
			return "", err
		}
		if err := deleteEmptyProfile(ctx, tx, from); err != nil {
			return "", err
		}
	}
	return target.id, nil
}

// profilesLockKey serialises changes to which profile an offender is in,
// on PostgreSQL (SQLite's single writer already does). Without it two
// reports naming the same person at once could each merge the profile the
// other was moving its offender into: one transaction deleted a profile
// the other had just linked to, and that report was refused with a 500.
const profilesLockKey = 0x75676c7970726f66 // "uglyprof"

// lockProfiles holds the profiles lock until tx ends.
func (db *core) lockProfiles(ctx context.Context, tx *sql.Tx) error {
	if db.dialect != Postgres {
		return nil
	}
	_, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, int64(profilesLockKey))
	return err
}

func deleteEmptyProfile(ctx context.Context, tx *sql.Tx, id string) error {
	_, err := tx.ExecContext(ctx, `DELETE FROM offender_profiles WHERE id = $1 AND NOT EXISTS (SELECT 1 FROM offenders WHERE profile_id = $1)`, id)
	return err
}

// OffenderProfile returns an offender profile. The caller checks who may
// see it and records the view (report.Service.OffenderProfile).
func (area Reports) OffenderProfile(ctx context.Context, id string) (scheme.OffenderProfile, error) {
	db := area.db

	p := scheme.OffenderProfile{ID: id, ReportIDs: []string{}, Identifiers: []scheme.Identifier{}, Regions: []string{}}
	rows, err := db.read.QueryContext(ctx, `SELECT DISTINCT r.id, r.incident_at, r.region FROM offenders o JOIN reports r ON r.id = o.report_id
		WHERE o.profile_id = $1 ORDER BY r.incident_at, r.id`, id)
	if err != nil {
		return p, err
	}
	regions := map[string]bool{}
	err = eachRow(rows, func() error {
		var rid, region string
		var at time.Time
		if err := rows.Scan(&rid, &at, &region); err != nil {
			return err
		}
		if len(p.ReportIDs) == 0 {
			p.FirstSeen = at
		}
		p.LastSeen = at
		p.ReportIDs = append(p.ReportIDs, rid)
		if !regions[region] {
			regions[region] = true
			p.Regions = append(p.Regions, region)
		}
		return nil
	})
	if err != nil {
		return p, err
	}
	if len(p.ReportIDs) == 0 {
		return p, scheme.ErrNotFound
	}
	rows, err = db.read.QueryContext(ctx, `SELECT i.id, i.kind, i.value_ct, i.partial FROM offender_identifiers i JOIN offenders o ON o.id = i.offender_id
		WHERE o.profile_id = $1 ORDER BY i.kind, i.created_at`, id)
	if err != nil {
		return p, err
	}
	seen := map[string]bool{}
	err = eachRow(rows, func() error {
		var iid, kind string
		var ct []byte
		var partial bool
		if err := rows.Scan(&iid, &kind, &ct, &partial); err != nil {
			return err
		}
		v, err := db.open("offender_identifiers", "value", iid, ct)
		if err != nil {
			return err
		}
		if !seen[kind+"\x00"+v] {
			seen[kind+"\x00"+v] = true
			p.Identifiers = append(p.Identifiers, scheme.Identifier{Kind: kind, Value: v, Partial: partial})
		}
		return nil
	})
	if err != nil {
		return p, err
	}
	return p, nil
}

// MoveOffender links an offender by hand into another profile (or, with
// to "", unlinks them into a profile of their own), with a reason; they stay
// there (pinned) whatever automatic linking finds later.
func (area Reports) MoveOffender(ctx context.Context, actor, offenderID, to, reason string) (string, error) {
	db := area.db

	err := db.inTx(ctx, func(tx *sql.Tx) error {
		if err := db.lockProfiles(ctx, tx); err != nil {
			return err
		}
		var reportID, from string
		if err := tx.QueryRowContext(ctx, `SELECT report_id, profile_id FROM offenders WHERE id = $1`, offenderID).Scan(&reportID, &from); err != nil {
			return mapErr(err)
		}
		if to == "" {
			to = newID()
			if _, err := tx.ExecContext(ctx, `INSERT INTO offender_profiles (id, created_at) VALUES ($1, $2)`, to, db.now().UTC()); err != nil {
				return err
			}
		} else {
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM offender_profiles WHERE id = $1`, to).Scan(&n); err != nil || n == 0 {
				return firstErr(err, scheme.ErrNotFound)
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE offenders SET profile_id = $1, pinned = $2 WHERE id = $3`, to, true, offenderID); err != nil {
			return err
		}
		if err := deleteEmptyProfile(ctx, tx, from); err != nil {
			return err
		}
		detail := fmt.Sprintf(`{"offender":%q,"from":%q,"to":%q}`, offenderID, from, to)
		if err := db.reportEvent(ctx, tx, reportID, actor, "link", detail, reason); err != nil {
			return err
		}
		return db.appendAudit(ctx, tx, audit.Entry{Actor: actor, Action: "offender.move", SubjectType: "report", SubjectID: reportID, Detail: detail})
	})
	return to, err
}

// comparable keeps what matters when comparing a partial value with a
// full one: digits for phones, letters and digits (upper-cased) otherwise.
func comparable(kind, s string) string {
	var b strings.Builder
	for _, r := range strings.ToUpper(s) {
		if unicode.IsDigit(r) || kind != "phone" && unicode.IsLetter(r) {
			b.WriteRune(r)
		}
	}
	out := b.String()
	if kind == "phone" {
		// Compare national numbers: "07700 90" and "+447700900123" both
		// start 7700 90 once the trunk 0 or country code 44 is dropped.
		out = strings.TrimPrefix(strings.TrimPrefix(out, "44"), "0")
	}
	return out
}

// SuggestedMatches finds partial identifiers in other profiles that are the
// start of one of this profile's full identifiers of the same kind (a
// partial phone "07700 90…" fits "+447700900123"). It decrypts identifiers
// to compare them, so it is for coordinators' eyes, one profile at a time;
// the caller has already audited the profile view.
func (area Reports) SuggestedMatches(ctx context.Context, profileID string) ([]scheme.Suggestion, error) {
	db := area.db

	type ident struct{ id, kind, profile, report, offender, value string }
	load := func(q string, args ...any) ([]ident, error) {
		return queryRows(ctx, db.read, func(rows rowScanner) (i ident, err error) {
			var ct []byte
			if err := rows.Scan(&i.id, &i.kind, &i.profile, &i.report, &i.offender, &ct); err != nil {
				return i, err
			}
			if i.value, err = db.open("offender_identifiers", "value", i.id, ct); err != nil {
				return i, err
			}
			return i, nil
		}, q, args...)
	}
	const cols = `SELECT i.id, i.kind, o.profile_id, i.report_id, i.offender_id, i.value_ct FROM offender_identifiers i JOIN offenders o ON o.id = i.offender_id`
	mine, err := load(cols+` WHERE o.profile_id = $1 AND i.partial = $2`, profileID, false)
	if err != nil || len(mine) == 0 {
		return nil, err
	}
	partials, err := load(cols+` WHERE o.profile_id <> $1 AND i.partial = $2`, profileID, true)
	if err != nil {
		return nil, err
	}
	var out []scheme.Suggestion
	seen := map[string]bool{}
	for _, p := range partials {
		pc := comparable(p.kind, p.value)
		if len(pc) < 3 {
			continue // too little to suggest anything
		}
		for _, m := range mine {
			if m.kind != p.kind || !strings.HasPrefix(comparable(m.kind, m.value), pc) || seen[p.offender] {
				continue
			}
			seen[p.offender] = true
			out = append(out, scheme.Suggestion{ProfileID: p.profile, ReportID: p.report, OffenderID: p.offender, Kind: p.kind, Partial: p.value, Matches: m.value})
		}
	}
	return out, nil
}

// FindReportsByIdentifier returns the reports holding an identifier of the
// given kind equal to any of values (normalised values and values as typed,
// so that a partial value typed the same way is found too), by blind index.
// The caller audits the search (report.Service.Search).
func (area Reports) FindReportsByIdentifier(ctx context.Context, kind string, values ...string) ([]scheme.Report, error) {
	db := area.db

	k, ok := indexKind[kind]
	if !ok { // report.Service.Search refuses it first
		return nil, fmt.Errorf("find reports: unknown identifier kind %q", kind)
	}
	seen := map[string]bool{}
	var ids []string
	for _, v := range values {
		v = strings.TrimSpace(v)
		if v == "" {
			continue
		}
		idx, err := db.index(k, v)
		if err != nil {
			return nil, err
		}
		rows, err := db.read.QueryContext(ctx, `SELECT DISTINCT report_id FROM offender_identifiers WHERE kind = $1 AND value_idx = $2`, kind, idx)
		if err != nil {
			return nil, err
		}
		err = eachRow(rows, func() error {
			var id string
			if err := rows.Scan(&id); err != nil {
				return err
			}
			if !seen[id] {
				seen[id] = true
				ids = append(ids, id)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	if len(ids) == 0 {
		return nil, nil
	}
	return db.top.Reports.Reports(ctx, scheme.ReportFilter{IDs: ids})
}
