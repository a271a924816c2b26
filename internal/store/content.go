package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"uglymugs/internal/audit"
	"uglymugs/internal/scheme"
)

// Content returns the newest version of a page; ok is false when no admin
// has saved one (the built-in text applies).
func (area Content) Content(ctx context.Context, slug string) (scheme.ContentVersion, bool, error) {
	db := area.db

	c := scheme.ContentVersion{Slug: slug}
	err := db.read.QueryRowContext(ctx, `SELECT version, body, edited_by, edited_at FROM content_versions
		WHERE slug = $1 ORDER BY version DESC LIMIT 1`, slug).Scan(&c.Version, &c.Body, &c.EditedBy, &c.EditedAt)
	if err == sql.ErrNoRows {
		return c, false, nil
	}
	return c, err == nil, err
}

// ContentHistory returns every version of a page, newest first.
func (area Content) ContentHistory(ctx context.Context, slug string) ([]scheme.ContentVersion, error) {
	db := area.db

	return queryRows(ctx, db.read, func(rows rowScanner) (c scheme.ContentVersion, err error) {
		c = scheme.ContentVersion{Slug: slug}
		if err := rows.Scan(&c.Version, &c.Body, &c.EditedBy, &c.EditedAt); err != nil {
			return c, err
		}
		return c, nil
	}, `SELECT version, body, edited_by, edited_at FROM content_versions
		WHERE slug = $1 ORDER BY version DESC`, slug)
}

// SaveContent adds a version of a page (the older ones stay) and its audit
// entry; content.Service.SavePage checks the text first.
func (area Content) SaveContent(ctx context.Context, actor, slug, body string) (scheme.ContentVersion, error) {
	db := area.db

	body = strings.TrimSpace(strings.ReplaceAll(body, "\r\n", "\n"))
	if !scheme.IsContentPage(slug) {
		return scheme.ContentVersion{}, scheme.ErrNotFound
	}
	c := scheme.ContentVersion{Slug: slug, Body: body, EditedBy: actor, EditedAt: db.now().UTC()}
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) + 1 FROM content_versions WHERE slug = $1`, slug).Scan(&c.Version); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO content_versions (slug, version, body, edited_by, edited_at) VALUES ($1, $2, $3, $4, $5)`,
			slug, c.Version, body, actor, c.EditedAt); err != nil {
			return mapErr(err)
		}
		return db.appendAudit(ctx, tx, audit.Entry{Actor: actor, Action: "content.save", SubjectType: "page", SubjectID: slug,
			Detail: fmt.Sprintf(`{"version":%d}`, c.Version)})
	})
	return c, err
}

// PublishTerms publishes a new version of the terms and conditions: every
// member is asked to accept it when they next use the site.
// account.Service.PublishTerms checks the text first.
func (area Content) PublishTerms(ctx context.Context, actor, body string) (scheme.Terms, error) {
	db := area.db

	body = strings.TrimSpace(strings.ReplaceAll(body, "\r\n", "\n"))
	t := scheme.Terms{Body: body, PublishedAt: db.now().UTC()}
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		var current string
		if err := tx.QueryRowContext(ctx, `SELECT version, body FROM terms_versions ORDER BY version DESC LIMIT 1`).Scan(&t.Version, &current); err != nil && err != sql.ErrNoRows {
			return err
		}
		if err := scheme.CanPublishTerms(current, body); err != nil {
			return err
		}
		t.Version++
		if _, err := tx.ExecContext(ctx, `INSERT INTO terms_versions (version, body, published_at, published_by) VALUES ($1, $2, $3, $4)`,
			t.Version, body, t.PublishedAt, actor); err != nil {
			return mapErr(err)
		}
		return db.appendAudit(ctx, tx, audit.Entry{Actor: actor, Action: "terms.publish", SubjectType: "terms", SubjectID: fmt.Sprint(t.Version)})
	})
	return t, err
}

// TermsHistory lists every version of the terms, newest first.
func (area Content) TermsHistory(ctx context.Context) ([]scheme.Terms, error) {
	db := area.db

	return queryRows(ctx, db.read, func(rows rowScanner) (t scheme.Terms, err error) {
		err = rows.Scan(&t.Version, &t.Body, &t.PublishedAt)
		return t, err
	}, `SELECT version, body, published_at FROM terms_versions ORDER BY version DESC`)
}

// TermsToAccept returns the version of the terms a member must accept
// before going on, or 0 when they accepted the current one (or have no
// profile: the scheme's staff accept the terms by their role).
func (area Content) TermsToAccept(ctx context.Context, userID string) (int, error) {
	db := area.db

	var accepted sql.NullInt64
	var current int
	err := db.read.QueryRowContext(ctx, `SELECT p.terms_version, (SELECT MAX(version) FROM terms_versions)
		FROM profiles p WHERE p.user_id = $1`, userID).Scan(&accepted, &current)
	if err == sql.ErrNoRows {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	// Organisations' staff logins never accepted terms themselves (their
	// key contact did, for the organisation): nothing to ask them.
	if !accepted.Valid || int(accepted.Int64) >= current {
		return 0, nil
	}
	return current, nil
}

// AcceptTerms records that a member accepted a version of the terms; only
// the current version can be accepted.
func (area Content) AcceptTerms(ctx context.Context, userID string, version int) error {
	db := area.db

	return db.inTx(ctx, func(tx *sql.Tx) error {
		var current int
		if err := tx.QueryRowContext(ctx, `SELECT MAX(version) FROM terms_versions`).Scan(&current); err != nil {
			return err
		}
		if version != current {
			return scheme.Errorf(scheme.CodeConflict, "The terms changed again while you were reading them: please read the new version.")
		}
		res, err := tx.ExecContext(ctx, `UPDATE profiles SET terms_version = $1, terms_accepted_at = $2 WHERE user_id = $3`, version, db.now().UTC(), userID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return scheme.ErrNotFound
		}
		return db.appendAudit(ctx, tx, audit.Entry{Actor: userID, Action: "terms.accept", SubjectType: "terms", SubjectID: fmt.Sprint(version)})
	})
}
