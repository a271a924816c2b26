// Package content is what the scheme says to everyone: the public pages
// (Markdown that admins edit, every version kept, or the built-in text
// until they do), their images, the reference lists that reports, alerts
// and members take their codes from, the newsletter, the contact form, and
// the outbox of messages no sender has taken.
package content

import (
	"context"
	"crypto/hmac"
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"uglymugs/internal/audit"
	"uglymugs/internal/i18n"
	"uglymugs/internal/imaging"
	"uglymugs/internal/scheme"
	"uglymugs/internal/store"
)

// Service is the content's one entry point for every door.
type Service struct {
	db *store.DB
}

// New returns the content service over db (migrated).
func New(ctx context.Context, db *store.DB) (*Service, error) {
	return &Service{db: db}, nil
}

// Page is the Markdown a page shows now to a reader of language lang:
// the latest version admins saved in it; else, with translated false,
// the latest English version or the built-in (English) text.
func (s *Service) Page(ctx context.Context, slug, lang string) (body string, translated bool, err error) {
	if l, ok := i18n.Find(lang); ok && l.Code != i18n.English.Code {
		c, ok, err := s.db.Content.Content(ctx, slug, l.Code)
		if err != nil || ok {
			return c.Body, ok, err
		}
	}
	translated = lang == i18n.English.Code
	c, ok, err := s.db.Content.Content(ctx, slug, i18n.English.Code)
	if err != nil || !ok {
		return scheme.DefaultContent(slug), translated, err
	}
	return c.Body, translated, nil
}

// Version is a page's latest saved version in a language; false while
// there is none.
func (s *Service) Version(ctx context.Context, slug, lang string) (scheme.ContentVersion, bool, error) {
	return s.db.Content.Content(ctx, slug, lang)
}

// Languages are, for each page, the languages it has a saved version in.
func (s *Service) Languages(ctx context.Context) (map[string][]string, error) {
	return s.db.Content.ContentLanguages(ctx)
}

// History is page p of the saved versions of a page in a language,
// newest first.
func (s *Service) History(ctx context.Context, slug, lang string, p scheme.Page) (scheme.Listed[scheme.ContentVersion], error) {
	return s.db.Content.ContentHistory(ctx, slug, lang, p)
}

// SavePage keeps a new version of a page in a language (a code of
// i18n.Languages), written by an admin.
func (s *Service) SavePage(ctx context.Context, u scheme.User, slug, lang, body string) (scheme.ContentVersion, error) {
	if u.Role != scheme.RoleAdmin {
		return scheme.ContentVersion{}, scheme.Errorf(scheme.CodeForbidden, "Only admins edit the public pages.")
	}
	if l, ok := i18n.Find(lang); !ok || l.Code != lang || l.Code == i18n.Pseudo.Code {
		return scheme.ContentVersion{}, scheme.Invalid(map[string]string{"lang": "Choose one of the languages the service speaks."})
	}
	if scheme.IsContentPage(slug) { // an unknown page is not found, by the store
		if err := scheme.PageProblem(scheme.KeptText(body)); err != nil {
			return scheme.ContentVersion{}, err
		}
	}
	return s.db.Content.SaveContent(ctx, u.ID, slug, lang, body)
}

// Images are the pages' images, newest first.
func (s *Service) Images(ctx context.Context) ([]scheme.StoredImage, error) {
	return s.db.Content.Images(ctx)
}

// Image is one page image, for anyone to see.
func (s *Service) Image(ctx context.Context, id string) (scheme.StoredImage, error) {
	return s.db.Content.Image(ctx, id)
}

// SaveImage keeps an image an admin uploaded, already re-encoded without
// its metadata.
func (s *Service) SaveImage(ctx context.Context, u scheme.User, img imaging.Image) (scheme.StoredImage, error) {
	if u.Role != scheme.RoleAdmin {
		return scheme.StoredImage{}, scheme.Errorf(scheme.CodeForbidden, "Only admins add images to the public pages.")
	}
	return s.db.Content.SaveImage(ctx, u.ID, img)
}

// Lists are the scheme's reference lists, retired values too (Offered
// leaves them out), read afresh: admins change them while the service
// runs, on any instance (internal/vocab), and the four small tables are
// one quick query, like the towns.
func (s *Service) Lists(ctx context.Context) (scheme.Lists, error) { return s.db.Content.Lists(ctx) }

// Outbox is page p of the messages that failed for good or wait for a
// sender to be set up (the failed first, each part newest first), for an
// admin to read; the reading is audited ("outbox.view": a message may be
// a plea for help).
func (s *Service) Outbox(ctx context.Context, u scheme.User, p scheme.Page) (scheme.Listed[scheme.Notification], error) {
	if u.Role != scheme.RoleAdmin {
		return scheme.Listed[scheme.Notification]{}, scheme.Errorf(scheme.CodeForbidden, "Only admins read the outbox.")
	}
	ns, err := s.db.Deliveries.Outbox(ctx, p)
	if err != nil {
		return ns, err
	}
	return ns, s.db.Audit(ctx, audit.Entry{Actor: u.ID, Action: "outbox.view"})
}

// --- The contact form and the newsletter ---

// Stamp is a form's timestamp, signed with the site's keys (every instance
// alike), so a form sent too soon after it was served, or long after, can
// be refused without a third party (see StampAge).
func (s *Service) Stamp(t time.Time) string {
	ts := strconv.FormatInt(t.Unix(), 10)
	sig, err := s.db.Sessions.Sign("contact", ts)
	if err != nil {
		return ts + ".unsigned" // never accepted: StampAge recomputes and fails alike
	}
	return ts + "." + base64.RawURLEncoding.EncodeToString(sig)
}

// StampAge checks a form stamp and returns how long before now it was made.
func (s *Service) StampAge(stamp string, now time.Time) (time.Duration, bool) {
	ts, _, ok := strings.Cut(stamp, ".")
	n, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		n = 0
	}
	want := s.Stamp(time.Unix(n, 0))
	if !ok || strings.HasSuffix(want, ".unsigned") || !hmac.Equal([]byte(stamp), []byte(want)) {
		return 0, false
	}
	return now.Sub(time.Unix(n, 0)), true
}

// Contact queues a visitor's message for the scheme's inbox; what they
// wrote stays encrypted until it is sent.
func (s *Service) Contact(ctx context.Context, inbox string, params map[string]string) error {
	return s.db.Content.QueueContactMessage(ctx, inbox, params)
}

// Subscribe signs an address up to the newsletter and sends the
// confirmation (or, if already subscribed, a note with the unsubscribe
// link): the caller answers the same either way.
func (s *Service) Subscribe(ctx context.Context, email string, links scheme.NewsletterLinks) error {
	return s.db.Content.Subscribe(ctx, email, links)
}

// Subscription is the status of the subscription a link's token names.
func (s *Service) Subscription(ctx context.Context, token string) (string, error) {
	return s.db.Content.SubscriptionStatus(ctx, token)
}

// Confirm confirms the subscription a link's token names.
func (s *Service) Confirm(ctx context.Context, token string) error {
	return s.db.Content.ConfirmSubscription(ctx, token)
}

// Unsubscribe ends the subscription a link's token names.
func (s *Service) Unsubscribe(ctx context.Context, token string) error {
	return s.db.Content.Unsubscribe(ctx, token)
}

// Subscribers counts confirmed and pending subscriptions.
func (s *Service) Subscribers(ctx context.Context) (confirmed, pending int, err error) {
	return s.db.Content.NewsletterCounts(ctx)
}

// Issues are page p of the newsletter's issues, newest first.
func (s *Service) Issues(ctx context.Context, p scheme.Page) (scheme.Listed[scheme.Issue], error) {
	return s.db.Content.Issues(ctx, p)
}

// SendIssue sends an issue, written by an admin, to every confirmed
// subscriber, each with their own unsubscribe link.
func (s *Service) SendIssue(ctx context.Context, u scheme.User, subject, body string, unsubscribe func(token string) string) (scheme.Issue, error) {
	if u.Role != scheme.RoleAdmin {
		return scheme.Issue{}, scheme.Errorf(scheme.CodeForbidden, "Only admins send the newsletter.")
	}
	subject, kept := strings.TrimSpace(subject), scheme.KeptText(body)
	p := map[string]string{}
	switch {
	case subject == "":
		p["subject"] = "Write a subject line."
	case utf8.RuneCountInString(subject) > 150 || strings.ContainsAny(subject, "\r\n"):
		p["subject"] = "Keep the subject to one line under 150 characters."
	}
	switch {
	case kept == "":
		p["body"] = "Write the newsletter."
	case utf8.RuneCountInString(kept) > scheme.MaxContent:
		p["body"] = fmt.Sprintf("Keep the newsletter under %d characters.", scheme.MaxContent)
	}
	if len(p) > 0 {
		return scheme.Issue{}, scheme.Invalid(p)
	}
	return s.db.Content.SendIssue(ctx, u.ID, subject, body, unsubscribe)
}
