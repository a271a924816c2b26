package site

import (
	"net/http"

	"uglymugs/internal/i18n"
	"uglymugs/internal/web/core"
)

// languagePage lists the languages, each a button: the header's language
// link leads here, one tap from any page.
func (s *server) languagePage() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.Render(w, r, http.StatusOK, viewLanguage, map[string]string{"Return": core.LocalPath(r.URL.Query().Get("return"))})
	})
}

// chooseLanguage keeps the language chosen: in a cookie (no account
// needed) and, for a member signed in, in her profile, where it decides
// her emails and SMS too. Then back to the page she was on.
func (s *server) chooseLanguage() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		l, ok := i18n.Find(r.PostFormValue("lang"))
		if !ok {
			s.RenderError(w, r, http.StatusBadRequest, "Please choose a language", "Choose one of the languages listed.")
			return
		}
		if u, signedIn := core.UserFrom(r); signedIn {
			if _, err := s.Accounts.SetLanguage(r.Context(), u, l.Code); err != nil {
				s.Fail(w, r, err)
				return
			}
		}
		// #nosec G124 -- Secure whenever the site is served over https; only the local demo runs on plain http.
		http.SetCookie(w, &http.Cookie{Name: core.LangCookie, Value: l.Code, Path: "/", MaxAge: 365 * 24 * 3600,
			HttpOnly: true, Secure: s.Config.TLS, SameSite: http.SameSiteLaxMode})
		core.SeeOther(w, r, r.PostFormValue("return"))
	})
}
