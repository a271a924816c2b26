package site

import (
	"html/template"
	"net/http"

	"uglymugs/internal/scheme"
	"uglymugs/internal/web/core"
)

// handlePage serves a page that needs nothing but the common data.
// HomeView is what the home page adds for someone signed in: for a
// member, the check and her newest alerts.
type HomeView struct {
	Member bool
	Staff  bool
	Alerts []core.AlertItemView
}

// homeAlerts is how many of her newest alerts a member sees at home.
const homeAlerts = 3

// home is the public home page, or, for a member signed in, the check
// and her newest alerts first.
func (s *server) home() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u, ok := core.UserFrom(r)
		v := HomeView{Staff: ok && u.Role.Staff(), Member: ok && !u.Role.Staff() && u.Status == scheme.StatusActive}
		if v.Member {
			as, err := s.Alerts.Feed(r.Context(), u, scheme.MemberAlertFilter{Limit: homeAlerts})
			if err != nil {
				s.Fail(w, r, err)
				return
			}
			l, err := s.Content.Lists(r.Context())
			if err != nil {
				s.Fail(w, r, err)
				return
			}
			for _, a := range as {
				it := s.AlertItem(core.Loc(r), a, l)
				if a.Status == scheme.AlertPublished {
					it.Title, _, it.TextLang = core.AlertText(r, a)
				}
				v.Alerts = append(v.Alerts, it)
			}
		}
		s.Render(w, r, http.StatusOK, viewHome, v)
	})
}

// TermsView is the data of the terms page.
type TermsView struct {
	Version   int
	Published string // when, in the reader's words
	HTML      template.HTML
}

func (s *server) handleTerms() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t, err := s.Content.CurrentTerms(r.Context())
		if err != nil {
			s.Fail(w, r, err)
			return
		}
		html, err := s.TermsHTML(r.Context(), t.Version, t.Body)
		if err != nil {
			s.Fail(w, r, err)
			return
		}
		s.Render(w, r, http.StatusOK, viewTerms, TermsView{Version: t.Version, Published: s.Date(core.Loc(r), t.PublishedAt, core.DateLong), HTML: html})
	})
}

// handleTheme stores the colour choice in a cookie (no account needed) and
// goes back to the page the form was on.
func (s *server) handleTheme() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		theme := r.PostFormValue("theme")
		// #nosec G124 -- Secure whenever the site is served over https; only the local demo runs on plain http.
		c := &http.Cookie{Name: core.ThemeCookie, Path: "/", HttpOnly: true, Secure: s.Config.TLS, SameSite: http.SameSiteLaxMode}
		switch theme {
		case "light", "dark":
			c.Value, c.MaxAge = theme, 365*24*3600
		case "system":
			c.MaxAge = -1
		default:
			s.RenderError(w, r, http.StatusBadRequest, "Please choose a colour setting",
				"Choose “Match device”, “Light” or “Dark”.")
			return
		}
		http.SetCookie(w, c)
		core.SeeOther(w, r, r.PostFormValue("return"))
	})
}
