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

// Support holds the scheme's directory of support services and the
// referrals caseworkers make to them from reports (referrals.go).
type Support struct{ db *core }

const serviceColumns = `s.id, s.name, s.national, s.helpline, s.phone, s.website, s.email, s.hours, s.description, s.confirmed_on, s.updated_at, s.retired_at`

func scanService(rows rowScanner) (scheme.SupportService, error) {
	var s scheme.SupportService
	var retired sql.NullTime
	err := rows.Scan(&s.ID, &s.Name, &s.National, &s.Helpline, &s.Phone, &s.Website, &s.Email, &s.Hours, &s.Description, &s.ConfirmedOn, &s.UpdatedAt, &retired)
	s.RetiredAt = retired.Time
	return s, err
}

// Services lists page p of the directory's services that match f: local
// ones before national ones, then by name.
func (area Support) Services(ctx context.Context, f scheme.ServiceFilter, p scheme.Page) (scheme.Listed[scheme.SupportService], error) {
	db := area.db

	sel := `SELECT ` + serviceColumns + ` FROM support_services s WHERE 1 = 1`
	var args []any
	arg := func(v any) string { args = append(args, v); return fmt.Sprintf("$%d", len(args)) }
	if !f.Retired {
		sel += ` AND s.retired_at IS NULL`
	}
	if f.Helpline {
		sel += ` AND s.helpline = ` + arg(true) + ` AND s.national = ` + arg(true)
	}
	if len(f.Regions) > 0 {
		in := make([]string, len(f.Regions))
		for i, r := range f.Regions {
			in[i] = arg(r)
		}
		sel += ` AND (s.national = ` + arg(true) + ` OR EXISTS (SELECT 1 FROM support_service_regions r WHERE r.service_id = s.id AND r.region IN (` + strings.Join(in, ", ") + `)))`
	}
	if f.Kind != "" {
		sel += ` AND EXISTS (SELECT 1 FROM support_service_kinds k WHERE k.service_id = s.id AND k.kind = ` + arg(f.Kind) + `)`
	}
	if f.Language != "" {
		sel += ` AND EXISTS (SELECT 1 FROM support_service_languages l WHERE l.service_id = s.id AND l.base = ` + arg(languageBase(f.Language)) + `)`
	}
	out, err := listPage(ctx, db, p, scanService, sel, `s.national, LOWER(s.name), s.id`, args...)
	if err != nil {
		return out, err
	}
	return out, db.serviceLists(ctx, db.read, out.Items)
}

// Service returns one service, retired or not.
func (area Support) Service(ctx context.Context, id string) (scheme.SupportService, error) {
	db := area.db

	s, err := scanService(db.read.QueryRowContext(ctx, `SELECT `+serviceColumns+` FROM support_services s WHERE s.id = $1`, id))
	if err != nil {
		return s, mapErr(err)
	}
	one := []scheme.SupportService{s}
	err = db.serviceLists(ctx, db.read, one)
	return one[0], err
}

// serviceLists fills in each service's kinds, regions, towns and languages.
func (db *core) serviceLists(ctx context.Context, q queryer, services []scheme.SupportService) error {
	if len(services) == 0 {
		return nil
	}
	at := map[string]int{}
	ids := make([]any, len(services))
	in := make([]string, len(services))
	for i, s := range services {
		at[s.ID], ids[i], in[i] = i, s.ID, fmt.Sprintf("$%d", i+1)
		services[i].Kinds, services[i].Regions, services[i].Towns, services[i].Languages = []string{}, []string{}, []string{}, []string{}
	}
	list := strings.Join(in, ", ")
	for _, x := range []struct {
		query string
		into  func(*scheme.SupportService, string)
	}{
		{`SELECT service_id, kind FROM support_service_kinds WHERE service_id IN (` + list + `) ORDER BY service_id, position`,
			func(s *scheme.SupportService, v string) { s.Kinds = append(s.Kinds, v) }},
		{`SELECT service_id, region FROM support_service_regions WHERE service_id IN (` + list + `) ORDER BY service_id, region`,
			func(s *scheme.SupportService, v string) { s.Regions = append(s.Regions, v) }},
		{`SELECT service_id, town FROM support_service_towns WHERE service_id IN (` + list + `) ORDER BY service_id, town`,
			func(s *scheme.SupportService, v string) { s.Towns = append(s.Towns, v) }},
		{`SELECT service_id, language FROM support_service_languages WHERE service_id IN (` + list + `) ORDER BY service_id, language`,
			func(s *scheme.SupportService, v string) { s.Languages = append(s.Languages, v) }},
	} {
		if err := eachPair(ctx, q, func(id, v string) { x.into(&services[at[id]], v) }, x.query, ids...); err != nil {
			return err
		}
	}
	return nil
}

// languageBase is a BCP 47 tag's language ("pt" of "pt-BR"), which the
// members' filter matches: a service that speaks Portuguese serves a
// Brazilian member too.
func languageBase(tag string) string {
	base, _, _ := strings.Cut(tag, "-")
	return strings.ToLower(base)
}

// SaveService adds s (s.ID "") or replaces the service s.ID with it,
// keeping it retired or not as it was. s has been checked by the support
// service; the store checks only that its regions and towns exist.
func (area Support) SaveService(ctx context.Context, actor string, s scheme.SupportService) (scheme.SupportService, error) {
	db := area.db

	now := db.now().UTC()
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		action := "support.update"
		if s.ID == "" {
			s.ID, action = newID(), "support.add"
			if _, err := tx.ExecContext(ctx, `INSERT INTO support_services (id, name, national, helpline, phone, website, email, hours, description, confirmed_on, created_at, updated_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11)`,
				s.ID, s.Name, s.National, s.Helpline, s.Phone, s.Website, s.Email, s.Hours, s.Description, s.ConfirmedOn, now); err != nil {
				return err
			}
		} else {
			res, err := tx.ExecContext(ctx, `UPDATE support_services SET name = $1, national = $2, helpline = $3, phone = $4, website = $5, email = $6, hours = $7,
				description = $8, confirmed_on = $9, updated_at = $10 WHERE id = $11`,
				s.Name, s.National, s.Helpline, s.Phone, s.Website, s.Email, s.Hours, s.Description, s.ConfirmedOn, now, s.ID)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n != 1 {
				return scheme.ErrNotFound
			}
			for _, t := range []string{"support_service_kinds", "support_service_regions", "support_service_towns", "support_service_languages"} {
				// #nosec G202 -- t is one of the four table names just above
				if _, err := tx.ExecContext(ctx, `DELETE FROM `+t+` WHERE service_id = $1`, s.ID); err != nil {
					return err
				}
			}
		}
		s.UpdatedAt = now
		if err := db.saveServiceLists(ctx, tx, s); err != nil {
			return err
		}
		return db.appendAudit(ctx, tx, audit.Entry{Actor: actor, Action: action, SubjectType: "support_service", SubjectID: s.ID})
	})
	return s, err
}

func (db *core) saveServiceLists(ctx context.Context, tx *sql.Tx, s scheme.SupportService) error {
	for i, k := range s.Kinds {
		if _, err := tx.ExecContext(ctx, `INSERT INTO support_service_kinds (service_id, kind, position) VALUES ($1, $2, $3)`, s.ID, k, i+1); err != nil {
			return err
		}
	}
	for _, r := range s.Regions {
		var ok int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM regions WHERE slug = $1`, r).Scan(&ok); err != nil {
			return err
		}
		if ok == 0 {
			return scheme.Invalid(map[string]string{"regions": "Choose regions from the list."})
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO support_service_regions (service_id, region) VALUES ($1, $2)`, s.ID, r); err != nil {
			return err
		}
	}
	for _, t := range s.Towns {
		var region string
		if err := tx.QueryRowContext(ctx, `SELECT region FROM towns WHERE slug = $1`, t).Scan(&region); err == sql.ErrNoRows {
			return scheme.Invalid(map[string]string{"towns": "Choose towns from the list."})
		} else if err != nil {
			return err
		}
		if !s.National && !slices.Contains(s.Regions, region) {
			return scheme.Invalid(map[string]string{"towns": "Choose towns in the regions the service covers."})
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO support_service_towns (service_id, town) VALUES ($1, $2)`, s.ID, t); err != nil {
			return err
		}
	}
	for _, l := range s.Languages {
		if _, err := tx.ExecContext(ctx, `INSERT INTO support_service_languages (service_id, language, base) VALUES ($1, $2, $3)`, s.ID, l, languageBase(l)); err != nil {
			return err
		}
	}
	return nil
}

// RetireService stops offering a service to members (retired true) or
// offers it again. Referrals to it stay.
func (area Support) RetireService(ctx context.Context, actor, id string, retired bool) error {
	db := area.db

	return db.inTx(ctx, func(tx *sql.Tx) error {
		var at any
		action := "support.restore"
		if retired {
			at, action = db.now().UTC(), "support.retire"
		}
		res, err := tx.ExecContext(ctx, `UPDATE support_services SET retired_at = $1, updated_at = $2 WHERE id = $3`, at, db.now().UTC(), id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return scheme.ErrNotFound
		}
		detail, err := json.Marshal(map[string]bool{"retired": retired})
		if err != nil {
			return err
		}
		return db.appendAudit(ctx, tx, audit.Entry{Actor: actor, Action: action, SubjectType: "support_service", SubjectID: id, Detail: string(detail)})
	})
}
