package web

import (
	"html/template"
	"net/http"
	"net/url"
	"strings"
	"time"

	"uglymugs/internal/identifier"
	"uglymugs/internal/markdown"
	"uglymugs/internal/scheme"
)

// The newsletter, for anyone (not only members): signing up with an email
// address, confirmed by a link in an email (double opt-in); unsubscribing
// in one click, from a link or from the mail program (RFC 8058). Links
// hold a secret token, never the address. The confirmation and
// unsubscribe pages need a button press (a POST), because mail scanners
// open links; the one-click POST from mail programs needs none.

func (s *Server) NewsletterLinks(r *http.Request) scheme.NewsletterLinks {
	base := s.SiteURL(r)
	return scheme.NewsletterLinks{
		Confirm:     func(t string) string { return base + "/newsletter/confirm/" + url.PathEscape(t) },
		Unsubscribe: func(t string) string { return base + "/newsletter/unsubscribe/" + url.PathEscape(t) },
	}
}

// NewsletterView is the newsletter's public pages.
type NewsletterView struct {
	Form    FormView
	Step    string // "", "sent", "confirm", "confirmed", "unsubscribe", "unsubscribed", "gone"
	Token   string
	Already bool
}

func (s *Server) newsletterPage() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.Render(w, r, http.StatusOK, "newsletter", NewsletterView{Form: FormView{Values: map[string]string{"t": s.Content.Stamp(time.Now())}}})
	})
}

func (s *Server) newsletterSignup() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		email := strings.TrimSpace(r.PostFormValue("email"))
		if r.PostFormValue("website") != "" {
			s.Render(w, r, http.StatusOK, "newsletter", NewsletterView{Step: "sent"})
			return
		}
		errs := map[string]string{}
		norm, err := identifier.EmailAddress(email)
		if err != nil {
			errs["email"] = "Give an email address, like name@example.org."
		}
		if age, ok := s.Content.StampAge(r.PostFormValue("t"), time.Now()); !ok || age < time.Second || age > contactMaxAge {
			errs["form"] = "Please check your address and send it again."
		}
		if len(errs) > 0 {
			s.Render(w, r, http.StatusUnprocessableEntity, "newsletter", NewsletterView{Form: FormView{
				Values: map[string]string{"email": email, "t": s.Content.Stamp(time.Now())}, Errors: errs}})
			return
		}
		if err := s.Content.Subscribe(r.Context(), norm, s.NewsletterLinks(r)); err != nil {
			s.Fail(w, r, err)
			return
		}
		// The same answer whether the address was new, waiting or already
		// subscribed: the form says nothing about who reads the newsletter.
		s.Render(w, r, http.StatusOK, "newsletter", NewsletterView{Step: "sent"})
	})
}

func (s *Server) newsletterConfirmPage() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tok := r.PathValue("token")
		status, err := s.Content.Subscription(r.Context(), tok)
		switch {
		case scheme.ErrorCode(err) == scheme.CodeNotFound:
			s.Render(w, r, http.StatusNotFound, "newsletter", NewsletterView{Step: "gone"})
		case err != nil:
			s.Fail(w, r, err)
		default:
			s.Render(w, r, http.StatusOK, "newsletter", NewsletterView{Step: "confirm", Token: tok, Already: status == "confirmed"})
		}
	})
}

func (s *Server) newsletterConfirm() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		err := s.Content.Confirm(r.Context(), r.PathValue("token"))
		switch {
		case scheme.ErrorCode(err) == scheme.CodeNotFound:
			s.Render(w, r, http.StatusNotFound, "newsletter", NewsletterView{Step: "gone"})
		case err != nil:
			s.Fail(w, r, err)
		default:
			s.Render(w, r, http.StatusOK, "newsletter", NewsletterView{Step: "confirmed", Token: r.PathValue("token")})
		}
	})
}

func (s *Server) newsletterUnsubscribePage() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tok := r.PathValue("token")
		if _, err := s.Content.Subscription(r.Context(), tok); err != nil {
			if scheme.ErrorCode(err) == scheme.CodeNotFound {
				s.Render(w, r, http.StatusOK, "newsletter", NewsletterView{Step: "unsubscribed"})
				return
			}
			s.Fail(w, r, err)
			return
		}
		s.Render(w, r, http.StatusOK, "newsletter", NewsletterView{Step: "unsubscribe", Token: tok})
	})
}

// newsletterUnsubscribe is the button on the page and the mail program's
// one-click POST alike. Unsubscribing twice is not an error.
func (s *Server) newsletterUnsubscribe() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		err := s.Content.Unsubscribe(r.Context(), r.PathValue("token"))
		if err != nil && scheme.ErrorCode(err) != scheme.CodeNotFound {
			s.Fail(w, r, err)
			return
		}
		s.Render(w, r, http.StatusOK, "newsletter", NewsletterView{Step: "unsubscribed"})
	})
}

// --- Admins ---

// NewsletterAdminView is the admins' newsletter page.
type NewsletterAdminView struct {
	Confirmed, Pending int
	Issues             []newsletterIssueRow
	Preview            template.HTML
	Previewing         bool
	Notice             string
}

type newsletterIssueRow struct {
	Subject, Sent                 string
	Recipients, Delivered, Queued int
	Failed, Outbox                int
}

func (s *Server) renderNewsletterAdmin(w http.ResponseWriter, r *http.Request, status int, f FormView, v NewsletterAdminView) {
	ctx := r.Context()
	var err error
	if v.Confirmed, v.Pending, err = s.Content.Subscribers(ctx); err != nil {
		s.Fail(w, r, err)
		return
	}
	issues, err := s.Content.Issues(ctx)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	for _, is := range issues {
		v.Issues = append(v.Issues, newsletterIssueRow{Subject: is.Subject, Sent: is.SentAt.In(s.Location()).Format("2 Jan 2006 15:04"),
			Recipients: is.Recipients, Delivered: is.Deliveries["sent"], Queued: is.Deliveries["queued"] + is.Deliveries["sending"],
			Failed: is.Deliveries["failed"], Outbox: is.Deliveries["outbox"]})
	}
	f.Extra = v
	s.Render(w, r, status, "newsletter-admin", f)
}

func (s *Server) newsletterAdmin() http.Handler {
	return NoIndex(s.SignedIn(func(w http.ResponseWriter, r *http.Request, u scheme.User) {
		s.renderNewsletterAdmin(w, r, http.StatusOK, FormView{}, NewsletterAdminView{
			Notice: map[string]string{"sent": "Sent: the emails are on their way, paced by the email rate limit."}[r.URL.Query().Get("done")]})
	}, scheme.RoleAdmin))
}

func (s *Server) sendIssue() http.Handler {
	return NoIndex(s.SignedIn(func(w http.ResponseWriter, r *http.Request, u scheme.User) {
		vals := map[string]string{"subject": r.PostFormValue("subject"), "body": r.PostFormValue("body")}
		if r.PostFormValue("action") != "send" {
			h, err := markdown.HTML(vals["body"], s.Config.Scheme.Name, s.Config.Scheme.Region)
			if err != nil {
				s.Fail(w, r, err)
				return
			}
			s.renderNewsletterAdmin(w, r, http.StatusOK, FormView{Values: vals}, NewsletterAdminView{Preview: h, Previewing: true})
			return
		}
		links := s.NewsletterLinks(r)
		_, err := s.Content.SendIssue(r.Context(), u, vals["subject"], markdown.Text(vals["body"], s.Config.Scheme.Name, s.Config.Scheme.Region), links.Unsubscribe)
		if scheme.ErrorCode(err) == scheme.CodeInvalid {
			s.renderNewsletterAdmin(w, r, http.StatusUnprocessableEntity, FormView{Values: vals, Errors: FormErrors(err)}, NewsletterAdminView{})
			return
		}
		if err != nil {
			s.Fail(w, r, err)
			return
		}
		SeeOther(w, r, "/admin/newsletter?done=sent")
	}, scheme.RoleAdmin))
}
