package staff

import (
	"html/template"
	"net/http"

	"uglymugs/internal/markdown"
	"uglymugs/internal/scheme"
	"uglymugs/internal/web/core"
)

// NewsletterAdminView is the admins' newsletter page.
type NewsletterAdminView struct {
	Confirmed, Pending int
	Issues             []newsletterIssueRow
	Pager              core.Pager // of the issues
	Preview            template.HTML
	Previewing         bool
	Notice             string
}

type newsletterIssueRow struct {
	Subject, Sent                 string
	Recipients, Delivered, Queued int
	Failed, Outbox                int
}

func (s *server) renderNewsletterAdmin(w http.ResponseWriter, r *http.Request, status int, f core.FormView, v NewsletterAdminView) error {
	ctx := r.Context()
	var err error
	if v.Confirmed, v.Pending, err = s.Content.Subscribers(ctx); err != nil {
		return err
	}
	page := core.PageFrom(r)
	issues, err := s.Content.Issues(ctx, page)
	if err != nil {
		return err
	}
	v.Pager = core.NewPager(r.URL.Query(), "/admin/newsletter", page, issues.Total)
	for _, is := range issues.Items {
		v.Issues = append(v.Issues, newsletterIssueRow{Subject: is.Subject, Sent: s.Time(is.SentAt, core.DateTimeShort),
			Recipients: is.Recipients, Delivered: is.Deliveries["sent"], Queued: is.Deliveries["queued"] + is.Deliveries["sending"],
			Failed: is.Deliveries["failed"], Outbox: is.Deliveries["outbox"]})
	}
	f.Extra = v
	s.Render(w, r, status, viewNewsletterAdmin, f)
	return nil
}

func (s *server) newsletterAdmin() http.Handler {
	return core.NoIndex(s.SignedIn(func(w http.ResponseWriter, r *http.Request, u scheme.User) error {
		return s.renderNewsletterAdmin(w, r, http.StatusOK, core.FormView{}, NewsletterAdminView{
			Notice: map[string]string{"sent": "Sent: the emails are on their way, paced by the email rate limit."}[r.URL.Query().Get("done")]})
	}, scheme.RoleAdmin))
}

func (s *server) sendIssue() http.Handler {
	return core.NoIndex(s.SignedIn(func(w http.ResponseWriter, r *http.Request, u scheme.User) error {
		vals := map[string]string{"subject": r.PostFormValue("subject"), "body": r.PostFormValue("body")}
		sv := s.Scheme(r.Context())
		if r.PostFormValue("action") != "send" {
			h, err := markdown.HTML(vals["body"], sv.Name, sv.Region)
			if err != nil {
				return err
			}
			return s.renderNewsletterAdmin(w, r, http.StatusOK, core.FormView{Values: vals}, NewsletterAdminView{Preview: h, Previewing: true})
		}
		links := s.NewsletterLinks(r)
		_, err := s.Content.SendIssue(r.Context(), u, vals["subject"], markdown.Text(vals["body"], sv.Name, sv.Region), links.Unsubscribe)
		return s.answer(w, r, err, vals, func(f core.FormView) error {
			return s.renderNewsletterAdmin(w, r, http.StatusUnprocessableEntity, f, NewsletterAdminView{})
		}, "/admin/newsletter?done=sent")
	}, scheme.RoleAdmin))
}
