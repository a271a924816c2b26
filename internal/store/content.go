package store

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"uglymugs/internal/audit"
	"uglymugs/internal/i18n"
	"uglymugs/internal/imaging"
	"uglymugs/internal/outbox"
	"uglymugs/internal/scheme"
	"uglymugs/internal/vault"
)

// Content returns the newest version of a page in a language; ok is
// false when no admin has saved one (content.Service.Page says what
// shows instead).
func (area Content) Content(ctx context.Context, slug, lang string) (scheme.ContentVersion, bool, error) {
	db := area.db

	c := scheme.ContentVersion{Slug: slug, Lang: lang}
	err := db.read.QueryRowContext(ctx, `SELECT version, body, edited_by, edited_at FROM content_versions
		WHERE slug = $1 AND lang = $2 ORDER BY version DESC LIMIT 1`, slug, lang).Scan(&c.Version, &c.Body, &c.EditedBy, &c.EditedAt)
	if err == sql.ErrNoRows {
		return c, false, nil
	}
	return c, err == nil, err
}

// ContentLanguages are, for each page, the languages it has a saved
// version in, in the order of their codes.
func (area Content) ContentLanguages(ctx context.Context) (map[string][]string, error) {
	db := area.db

	out := map[string][]string{}
	rows, err := db.read.QueryContext(ctx, `SELECT DISTINCT slug, lang FROM content_versions ORDER BY slug, lang`)
	if err != nil {
		return nil, err
	}
	err = eachRow(rows, func() error {
		var slug, lang string
		if err := rows.Scan(&slug, &lang); err != nil {
			return err
		}
		out[slug] = append(out[slug], lang)
		return nil
	})
	return out, err
}

// ContentHistory returns page p of the versions of a page in a language,
// newest first.
func (area Content) ContentHistory(ctx context.Context, slug, lang string, p scheme.Page) (scheme.Listed[scheme.ContentVersion], error) {
	db := area.db

	return listPage(ctx, db, p, func(rows rowScanner) (c scheme.ContentVersion, err error) {
		c = scheme.ContentVersion{Slug: slug, Lang: lang}
		if err := rows.Scan(&c.Version, &c.Body, &c.EditedBy, &c.EditedAt); err != nil {
			return c, err
		}
		return c, nil
	}, `SELECT version, body, edited_by, edited_at FROM content_versions
		WHERE slug = $1 AND lang = $2`, `version DESC`, slug, lang)
}

// SaveContent adds a version of a page in a language (the older ones
// stay) and its audit entry; content.Service.SavePage checks the text and
// the language first.
func (area Content) SaveContent(ctx context.Context, actor, slug, lang, body string) (scheme.ContentVersion, error) {
	db := area.db

	body = strings.TrimSpace(strings.ReplaceAll(body, "\r\n", "\n"))
	if !scheme.IsContentPage(slug) {
		return scheme.ContentVersion{}, scheme.ErrNotFound
	}
	c := scheme.ContentVersion{Slug: slug, Lang: lang, Body: body, EditedBy: actor, EditedAt: db.now().UTC()}
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) + 1 FROM content_versions WHERE slug = $1 AND lang = $2`, slug, lang).Scan(&c.Version); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO content_versions (slug, lang, version, body, edited_by, edited_at) VALUES ($1, $2, $3, $4, $5, $6)`,
			slug, lang, c.Version, body, actor, c.EditedAt); err != nil {
			return mapErr(err)
		}
		detail, err := json.Marshal(map[string]any{"version": c.Version, "language": lang})
		if err != nil {
			return err
		}
		return db.appendAudit(ctx, tx, audit.Entry{Actor: actor, Action: "content.save", SubjectType: "page", SubjectID: slug, Detail: string(detail)})
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

// TermsHistory lists page p of the versions of the terms, newest first.
func (area Content) TermsHistory(ctx context.Context, p scheme.Page) (scheme.Listed[scheme.Terms], error) {
	db := area.db

	return listPage(ctx, db, p, func(rows rowScanner) (t scheme.Terms, err error) {
		err = rows.Scan(&t.Version, &t.Body, &t.PublishedAt)
		return t, err
	}, `SELECT version, body, published_at FROM terms_versions`, `version DESC`)
}

// TermsToAccept returns the version of the terms a member must accept
// before going on, or 0 when they accepted the current one (or have no
// profile: the scheme's staff accept the terms by their role).
func (area Content) TermsToAccept(ctx context.Context, userID string) (int, error) {
	db := area.db

	var accepted sql.NullInt64
	var current int
	st, err := db.readStmt(ctx, `SELECT p.terms_version, (SELECT MAX(version) FROM terms_versions)
		FROM profiles p WHERE p.user_id = $1`)
	if err != nil {
		return 0, err
	}
	err = st.QueryRowContext(ctx, userID).Scan(&accepted, &current)
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

// SaveImage stores a cleaned image and its audit entry.
func (area Content) SaveImage(ctx context.Context, actor string, img imaging.Image) (scheme.StoredImage, error) {
	db := area.db

	s := scheme.StoredImage{ID: newID(), ContentType: img.ContentType, Data: img.Data, Width: img.Width, Height: img.Height, UploadedAt: db.now().UTC()}
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO images (id, content_type, data, width, height, uploaded_by, uploaded_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7)`, s.ID, s.ContentType, s.Data, s.Width, s.Height, actor, s.UploadedAt); err != nil {
			return err
		}
		return db.appendAudit(ctx, tx, audit.Entry{Actor: actor, Action: "image.upload", SubjectType: "image", SubjectID: s.ID,
			Detail: fmt.Sprintf(`{"bytes":%d}`, len(s.Data))})
	})
	return s, err
}

// Image returns an image with its bytes.
func (area Content) Image(ctx context.Context, id string) (scheme.StoredImage, error) {
	db := area.db

	s := scheme.StoredImage{ID: id}
	err := db.read.QueryRowContext(ctx, `SELECT content_type, data, width, height, uploaded_at FROM images WHERE id = $1`, id).
		Scan(&s.ContentType, &s.Data, &s.Width, &s.Height, &s.UploadedAt)
	return s, mapErr(err)
}

// Images lists the images, newest first, without their bytes.
func (area Content) Images(ctx context.Context) ([]scheme.StoredImage, error) {
	db := area.db

	return queryRows(ctx, db.read, func(rows rowScanner) (s scheme.StoredImage, err error) {
		err = rows.Scan(&s.ID, &s.ContentType, &s.Width, &s.Height, &s.UploadedAt)
		return s, err
	}, `SELECT id, content_type, width, height, uploaded_at FROM images ORDER BY uploaded_at DESC, id`)
}

// QueueContactMessage queues a message from the contact form to the
// scheme's inbox, as a notification (address and text encrypted, erased
// once sent) with its sending job, in one transaction.
func (area Content) QueueContactMessage(ctx context.Context, inbox string, params map[string]string) error {
	db := area.db

	return db.inTx(ctx, func(tx *sql.Tx) error {
		return db.enqueueNotification(ctx, tx, "", "email", inbox, "contact_message", params)
	})
}

// CurrentTerms returns the newest published terms and conditions.
func (area Content) CurrentTerms(ctx context.Context) (scheme.Terms, error) {
	db := area.db

	var t scheme.Terms
	err := db.read.QueryRowContext(ctx, `SELECT version, body, published_at FROM terms_versions
		ORDER BY version DESC LIMIT 1`).Scan(&t.Version, &t.Body, &t.PublishedAt)
	return t, mapErr(err)
}

// Regions returns the scheme's regions in display order, retired ones too.
func (area Content) Regions(ctx context.Context) ([]scheme.Region, error) {
	l, err := area.Lists(ctx)
	return l.Regions, err
}

// Sectors returns the sectors of work in display order, retired ones too.
func (area Content) Sectors(ctx context.Context) ([]scheme.Sector, error) {
	l, err := area.Lists(ctx)
	return l.Sectors, err
}

// IncidentTypes returns the kinds of incident with their severities, most
// severe first, retired ones too.
func (area Content) IncidentTypes(ctx context.Context) ([]scheme.IncidentType, error) {
	l, err := area.Lists(ctx)
	return l.Types, err
}

// listsTTL is how long the lists are kept at most. Every report, sign-up
// and alert reads them; a change made through this process (Vocab) drops
// them at once, one made on another instance sharing the database takes
// effect within listsTTL.
const listsTTL = 5 * time.Second

// keptLists are the lists as read at a Vocab.Version.
type keptLists struct {
	version uint64
	at      time.Time
	lists   scheme.Lists
}

// Lists returns the scheme's reference lists, retired values too:
// incident types most severe first, the others in display order. They are
// read in one query and kept (listsTTL); each caller gets its own copy.
func (area Content) Lists(ctx context.Context) (scheme.Lists, error) {
	db := area.db
	version, now := db.listsGen.Load(), time.Now()
	if k := db.lists.Load(); k != nil && k.version == version && now.Sub(k.at) < listsTTL && !now.Before(k.at) {
		return k.lists.Clone(), nil
	}
	l, err := db.readLists(ctx)
	if err != nil {
		return l, err
	}
	if db.listsGen.Load() == version { // nothing changed while they were read
		db.lists.Store(&keptLists{version: version, at: now, lists: l.Clone()})
	}
	return l, nil
}

func (db *core) readLists(ctx context.Context) (scheme.Lists, error) {
	var l scheme.Lists
	rows, err := db.read.QueryContext(ctx, `SELECT 1, slug, name, severity, position, retired_at IS NOT NULL FROM incident_types
		UNION ALL SELECT 2, slug, name, phone_region, position, retired_at IS NOT NULL FROM regions
		UNION ALL SELECT 3, slug, name, '', position, retired_at IS NOT NULL FROM sectors
		UNION ALL SELECT 4, slug, name, '', position, retired_at IS NOT NULL FROM genders
		ORDER BY 1, 5, 2`)
	if err != nil {
		return l, err
	}
	err = eachRow(rows, func() error {
		var list, position int
		var slug, name, extra string
		var retired bool
		if err := rows.Scan(&list, &slug, &name, &extra, &position, &retired); err != nil {
			return err
		}
		switch list {
		case 1:
			l.Types = append(l.Types, scheme.IncidentType{Slug: slug, Name: name, Severity: scheme.Severity(extra), Retired: retired})
		case 2:
			l.Regions = append(l.Regions, scheme.Region{Slug: slug, Name: name, Phone: extra, Retired: retired})
		case 3:
			l.Sectors = append(l.Sectors, scheme.Sector{Slug: slug, Name: name, Retired: retired})
		default:
			l.Genders = append(l.Genders, scheme.Gender{Slug: slug, Name: name, Retired: retired})
		}
		return nil
	})
	slices.SortStableFunc(l.Types, func(a, b scheme.IncidentType) int {
		return scheme.SeverityRank[b.Severity] - scheme.SeverityRank[a.Severity]
	})
	return l, err
}

// Newsletter subscribers are not members: they hold an email address
// (encrypted, with a blind index so that signing up twice is one
// subscriber) and one secret token, for the confirmation and unsubscribe
// links. Nothing else; unsubscribing deletes them.

func tokenHash(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}

// Subscribe takes a signup (email already normalised by the caller). A new
// address gets a confirmation email (double opt-in); one waiting for
// confirmation gets it again; a confirmed one gets a note that it is
// already subscribed, with the way out. The caller answers the same in
// every case, so the form says nothing about who subscribes.
func (area Content) Subscribe(ctx context.Context, email string, links scheme.NewsletterLinks) error {
	db := area.db

	idx, err := db.index(vault.KindEmail, email)
	if err != nil {
		return err
	}
	return db.inTx(ctx, func(tx *sql.Tx) error {
		var id, status string
		var tokenCT []byte
		err := tx.QueryRowContext(ctx, `SELECT id, status, token_ct FROM newsletter_subscribers WHERE email_idx = $1`, idx).Scan(&id, &status, &tokenCT)
		switch {
		case err == sql.ErrNoRows:
			id, status = newID(), "new"
			token := rand.Text() + rand.Text()
			emailCT, err := db.seal("newsletter_subscribers", "email", id, email)
			if err != nil {
				return err
			}
			if tokenCT, err = db.seal("newsletter_subscribers", "token", id, token); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO newsletter_subscribers (id, email_idx, email_ct, token_hash, token_ct, status, created_at)
				VALUES ($1, $2, $3, $4, $5, 'pending', $6)`, id, idx, emailCT, tokenHash(token), tokenCT, db.now().UTC()); err != nil {
				return mapErr(err)
			}
		case err != nil:
			return err
		}
		token, err := db.open("newsletter_subscribers", "token", id, tokenCT)
		if err != nil {
			return err
		}
		// In the language of the page she signed up on.
		lang, _ := i18n.FromContext(ctx)
		if status == "confirmed" {
			return db.queueNotification(ctx, tx, "", scheme.ChannelEmail, email, outbox.TemplateNewsletterSubscribed,
				map[string]string{"url": links.Unsubscribe(token)}, "", lang.Code)
		}
		return db.queueNotification(ctx, tx, "", scheme.ChannelEmail, email, outbox.TemplateNewsletterConfirm,
			map[string]string{"url": links.Confirm(token)}, "", lang.Code)
	})
}

// SubscriptionStatus is "pending" or "confirmed" for a token, or
// scheme.ErrNotFound.
func (area Content) SubscriptionStatus(ctx context.Context, token string) (string, error) {
	db := area.db

	var status string
	err := db.read.QueryRowContext(ctx, `SELECT status FROM newsletter_subscribers WHERE token_hash = $1`, tokenHash(token)).Scan(&status)
	return status, mapErr(err)
}

// ConfirmSubscription confirms the subscriber whose token this is.
func (area Content) ConfirmSubscription(ctx context.Context, token string) error {
	db := area.db

	return db.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE newsletter_subscribers SET status = 'confirmed', confirmed_at = COALESCE(confirmed_at, $1)
			WHERE token_hash = $2`, db.now().UTC(), tokenHash(token))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return scheme.ErrNotFound
		}
		return nil
	})
}

// Unsubscribe deletes the subscriber whose token this is, and with them
// their address. (An issue already queued to them still goes: its queued
// copy holds the address until it is sent, then erases it.)
func (area Content) Unsubscribe(ctx context.Context, token string) error {
	db := area.db

	return db.inTx(ctx, func(tx *sql.Tx) error {
		var id string
		if err := tx.QueryRowContext(ctx, `SELECT id FROM newsletter_subscribers WHERE token_hash = $1`, tokenHash(token)).Scan(&id); err != nil {
			return mapErr(err)
		}
		_, err := tx.ExecContext(ctx, `DELETE FROM newsletter_subscribers WHERE id = $1`, id)
		return err
	})
}

// NewsletterCounts counts subscribers by status.
func (area Content) NewsletterCounts(ctx context.Context) (confirmed, pending int, err error) {
	db := area.db

	err = db.read.QueryRowContext(ctx, `SELECT COALESCE(SUM(CASE WHEN status = 'confirmed' THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN status = 'pending' THEN 1 ELSE 0 END), 0) FROM newsletter_subscribers`).Scan(&confirmed, &pending)
	return confirmed, pending, err
}

// SendIssue writes an issue and sends it, in one transaction, to every
// confirmed subscriber: one queued email each, with its own unsubscribe
// link, through the durable sending job at a lower priority than members'
// messages (the sender paces them with the newsletter's rate limit).
// content.Service.SendIssue checks the subject and body first.
func (area Content) SendIssue(ctx context.Context, actor, subject, body string, unsubscribe func(token string) string) (scheme.Issue, error) {
	db := area.db

	subject, body = strings.TrimSpace(subject), strings.TrimSpace(strings.ReplaceAll(body, "\r\n", "\n"))
	is := scheme.Issue{ID: newID(), Subject: subject, Body: body, Status: "sent", CreatedBy: actor, SentBy: actor, CreatedAt: db.now().UTC()}
	is.SentAt = is.CreatedAt
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		type sub struct {
			id           string
			email, token []byte
		}
		subs, err := queryRows(ctx, tx, func(rows rowScanner) (s sub, err error) {
			err = rows.Scan(&s.id, &s.email, &s.token)
			return s, err
		}, `SELECT id, email_ct, token_ct FROM newsletter_subscribers WHERE status = 'confirmed' ORDER BY id`)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO newsletter_issues (id, subject, body, status, created_by, created_at, sent_by, sent_at, recipients)
			VALUES ($1, $2, $3, 'sent', $4, $5, $4, $5, $6)`, is.ID, subject, body, actor, is.CreatedAt, len(subs)); err != nil {
			return err
		}
		for _, s := range subs {
			email, err := db.open("newsletter_subscribers", "email", s.id, s.email)
			if err != nil {
				return err
			}
			token, err := db.open("newsletter_subscribers", "token", s.id, s.token)
			if err != nil {
				return err
			}
			if err := db.queueNotification(ctx, tx, "", scheme.ChannelEmail, email, outbox.TemplateNewsletterIssue,
				map[string]string{"subject": subject, "body": body, "url": unsubscribe(token)}, is.ID, ""); err != nil {
				return err
			}
		}
		is.Recipients = len(subs)
		return db.appendAudit(ctx, tx, audit.Entry{Actor: actor, Action: "newsletter.send", SubjectType: "newsletter_issue", SubjectID: is.ID,
			Detail: fmt.Sprintf(`{"recipients":%d}`, len(subs))})
	})
	return is, err
}

// Issues lists page p of the newsletter issues, newest first, with their
// deliveries counted by status.
func (area Content) Issues(ctx context.Context, p scheme.Page) (scheme.Listed[scheme.Issue], error) {
	db := area.db

	out, err := listPage(ctx, db, p, func(rows rowScanner) (is scheme.Issue, err error) {
		var sent sql.NullTime
		if err := rows.Scan(&is.ID, &is.Subject, &is.Body, &is.Status, &is.CreatedBy, &is.CreatedAt, &sent, &is.Recipients); err != nil {
			return is, err
		}
		is.SentAt, is.Deliveries = sent.Time, map[string]int{}
		return is, nil
	}, `SELECT id, subject, body, status, created_by, created_at, sent_at, recipients FROM newsletter_issues`, `created_at DESC, id`)
	if err != nil || len(out.Items) == 0 {
		return out, err
	}
	// The page's issues' deliveries in one query.
	var args []any
	arg := func(v any) string { args = append(args, v); return fmt.Sprintf("$%d", len(args)) }
	ids := make([]string, len(out.Items))
	for i, is := range out.Items {
		ids[i] = is.ID
	}
	counts := map[string]map[string]int{}
	// #nosec G202 -- only $n placeholders are joined in; the values are arguments
	if err := addCounts(ctx, db.read, counts, `SELECT batch, status, COUNT(*) FROM notifications
		WHERE batch IN (`+inList(arg, ids)+`) GROUP BY batch, status`, args...); err != nil {
		return out, err
	}
	for i, is := range out.Items {
		if c := counts[is.ID]; c != nil {
			out.Items[i].Deliveries = c
		}
	}
	return out, nil
}
