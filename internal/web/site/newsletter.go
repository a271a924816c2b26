package site

import (
	"net/http"
	"strings"
	"time"

	"uglymugs/internal/identifier"
	"uglymugs/internal/scheme"
	"uglymugs/internal/web/core"
)

// The newsletter, for anyone (not only members): signing up with an email
// address, confirmed by a link in an email (double opt-in); unsubscribing
// in one click, from a link or from the mail program (RFC 8058). Links
// hold a secret token, never the address. The confirmation and
// unsubscribe pages need a button press (a POST), because mail scanners
// open links; the one-click POST from mail programs needs none.

// NewsletterView is the newsletter's public pages.
type NewsletterView struct {
	Form    core.FormView
	Step    string // "", "sent", "confirm", "confirmed", "unsubscribe", "unsubscribed", "gone"
	Token   string
	Already bool
}

func (s *server) newsletterPage() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.Render(w, r, http.StatusOK, viewNewsletter, NewsletterView{Form: core.FormView{Values: map[string]string{"t": s.Content.Stamp(time.Now())}}})
	})
}

func (s *server) newsletterSignup() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		email := strings.TrimSpace(r.PostFormValue("email"))
		if r.PostFormValue("website") != "" {
			s.Render(w, r, http.StatusOK, viewNewsletter, NewsletterView{Step: "sent"})
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
			s.Render(w, r, http.StatusUnprocessableEntity, viewNewsletter, NewsletterView{Form: core.FormView{
				Values: map[string]string{"email": email, "t": s.Content.Stamp(time.Now())}, Errors: errs}})
			return
		}
		if err := s.Content.Subscribe(r.Context(), norm, s.NewsletterLinks(r)); err != nil {
			s.Fail(w, r, err)
			return
		}
		// The same answer whether the address was new, waiting or already
		// subscribed: the form says nothing about who reads the newsletter.
		s.Render(w, r, http.StatusOK, viewNewsletter, NewsletterView{Step: "sent"})
	})
}

func (s *server) newsletterConfirmPage() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tok := r.PathValue("token")
		status, err := s.Content.Subscription(r.Context(), tok)
		s.confirmStep(w, r, err, NewsletterView{Step: "confirm", Token: tok, Already: status == "confirmed"})
	})
}

// confirmStep shows the confirmation's next step, v, unless the link's
// token is unknown (gone, or never sent) or the lookup failed.
func (s *server) confirmStep(w http.ResponseWriter, r *http.Request, err error, v NewsletterView) {
	switch {
	case scheme.ErrorCode(err) == scheme.CodeNotFound:
		s.Render(w, r, http.StatusNotFound, viewNewsletter, NewsletterView{Step: "gone"})
	case err != nil:
		s.Fail(w, r, err)
	default:
		s.Render(w, r, http.StatusOK, viewNewsletter, v)
	}
}

func (s *server) newsletterConfirm() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		err := s.Content.Confirm(r.Context(), r.PathValue("token"))
		s.confirmStep(w, r, err, NewsletterView{Step: "confirmed", Token: r.PathValue("token")})
	})
}

func (s *server) newsletterUnsubscribePage() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tok := r.PathValue("token")
		if _, err := s.Content.Subscription(r.Context(), tok); err != nil {
			if scheme.ErrorCode(err) == scheme.CodeNotFound {
				s.Render(w, r, http.StatusOK, viewNewsletter, NewsletterView{Step: "unsubscribed"})
				return
			}
			s.Fail(w, r, err)
			return
		}
		s.Render(w, r, http.StatusOK, viewNewsletter, NewsletterView{Step: "unsubscribe", Token: tok})
	})
}

// newsletterUnsubscribe is the button on the page and the mail program's
// one-click POST alike. Unsubscribing twice is not an error.
func (s *server) newsletterUnsubscribe() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		err := s.Content.Unsubscribe(r.Context(), r.PathValue("token"))
		if err != nil && scheme.ErrorCode(err) != scheme.CodeNotFound {
			s.Fail(w, r, err)
			return
		}
		s.Render(w, r, http.StatusOK, viewNewsletter, NewsletterView{Step: "unsubscribed"})
	})
}
