package site

import (
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"uglymugs/internal/web/core"
)

// The contact form and the images of the public pages.

// Spam without third parties: a field people do not see (bots fill it in),
// and a timestamp signed with the site's keys (every instance alike) — a form sent less
// than a few seconds after it was served, or long after, is refused —
// besides the per-address throttle on the route.
const (
	contactMinAge = 3 * time.Second
	contactMaxAge = 24 * time.Hour
	contactMaxLen = 5000
)

// contactForm is the form's data: what was typed, its problems and a
// fresh stamp.
func (s *server) contactForm(r *http.Request, values, errs map[string]string) core.FormView {
	if values == nil {
		values = map[string]string{}
	}
	values["t"] = s.Content.Stamp(time.Now())
	f := core.FormView{Values: values, Errors: errs}
	if r.URL.Query().Get("done") == "sent" {
		f.Notice = "Thank you: your message is on its way to us. We answer during working hours."
	}
	return f
}

func (s *server) contactSend() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		vals := map[string]string{"name": strings.TrimSpace(r.PostFormValue("name")), "reply": strings.TrimSpace(r.PostFormValue("reply")),
			"message": strings.TrimSpace(r.PostFormValue("message"))}
		if r.PostFormValue("website") != "" {
			// The hidden field was filled in: a bot. Answer as if sent.
			core.SeeOther(w, r, "/contact?done=sent#contact-form")
			return
		}
		errs := map[string]string{}
		switch n := utf8.RuneCountInString(vals["message"]); {
		case n == 0:
			errs["message"] = "Write your message."
		case n > contactMaxLen:
			errs["message"] = "Keep your message under 5,000 characters."
		}
		if utf8.RuneCountInString(vals["name"]) > 100 {
			errs["name"] = "Keep this under 100 characters."
		}
		if utf8.RuneCountInString(vals["reply"]) > 200 {
			errs["reply"] = "Keep this under 200 characters."
		}
		if age, ok := s.Content.StampAge(r.PostFormValue("t"), time.Now()); !ok || age < contactMinAge || age > contactMaxAge {
			errs["form"] = "Please check your message and send it again."
		}
		if len(errs) > 0 {
			s.renderContact(w, r, http.StatusUnprocessableEntity, s.contactForm(r, vals, errs))
			return
		}
		params := map[string]string{"name": cmpOrDash(vals["name"]), "reply": cmpOrDash(vals["reply"]), "message": vals["message"], "url": s.SiteURL(r)}
		if err := s.Content.Contact(r.Context(), s.Scheme(r.Context()).ContactEmail, params); err != nil {
			s.Fail(w, r, err)
			return
		}
		core.SeeOther(w, r, "/contact?done=sent#contact-form")
	})
}

func cmpOrDash(s string) string {
	if s == "" {
		return "(not given)"
	}
	return s
}

func (s *server) renderContact(w http.ResponseWriter, r *http.Request, status int, f core.FormView) {
	h, translated, err := s.contentHTML(r, "contact")
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	lines, err := s.helplines(r)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	s.Render(w, r, status, viewContact, ContentView{Slug: "contact", Title: "Contact us", HTML: h, InEnglish: !translated, Form: f, Helplines: lines})
}

// image serves a page image. Images never change, so they are cached.
func (s *server) image() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		img, err := s.Content.Image(r.Context(), r.PathValue("id"))
		if err != nil {
			s.Fail(w, r, err)
			return
		}
		w.Header().Set("Content-Type", img.ContentType)
		w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
		w.Header().Set("Content-Length", strconv.Itoa(len(img.Data)))
		_, _ = w.Write(img.Data) // the client went away
	})
}
