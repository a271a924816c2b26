package web

import (
	"context"
	"net/http"
	"strings"

	"uglymugs/internal/scheme"
)

// Browser sessions live in a cookie holding the session token. It has no
// expiry of its own, so it goes when the browser closes; the server ends it
// sooner when idle (account.DefaultWebTTL). "__Host-" pins it to this
// host over HTTPS.
func (s *Server) cookieName(mfa bool) string {
	name := "um"
	if mfa {
		name = "um_code"
	}
	if s.cfg.TLS {
		return "__Host-" + name
	}
	return name
}

func (s *Server) setSessionCookie(w http.ResponseWriter, mfa bool, token string) {
	// #nosec G124 -- Secure (and the __Host- prefix) whenever the site is served over https; only the local demo runs on plain http.
	http.SetCookie(w, &http.Cookie{Name: s.cookieName(mfa), Value: token, Path: "/", HttpOnly: true, Secure: s.cfg.TLS, SameSite: http.SameSiteLaxMode})
}

func (s *Server) clearSessionCookie(w http.ResponseWriter, mfa bool) {
	// #nosec G124 -- as above
	http.SetCookie(w, &http.Cookie{Name: s.cookieName(mfa), Value: "", Path: "/", MaxAge: -1, HttpOnly: true, Secure: s.cfg.TLS, SameSite: http.SameSiteLaxMode})
}

// clearSiteData asks the browser to forget everything this site left in
// it (cached pages, cookies, storage) when someone signs out or leaves: on
// a shared or checked phone, nothing of the visit should stay behind.
func clearSiteData(w http.ResponseWriter) {
	w.Header().Set("Clear-Site-Data", `"cache", "cookies", "storage"`)
}

func (s *Server) sessionToken(r *http.Request, mfa bool) string {
	c, err := r.Cookie(s.cookieName(mfa))
	if err != nil {
		return ""
	}
	return c.Value
}

// withUser finds the signed-in user, if any, for every page.
func (s *Server) withUser(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Static files, health and metrics need no user: skip the lookup.
		if tok := s.sessionToken(r, false); tok != "" && !isAPI(r) && !noUserNeeded(r.URL.Path) {
			u, err := s.accounts.Authenticate(r.Context(), tok, scheme.SessionWeb)
			switch {
			case err == nil:
				r = r.WithContext(context.WithValue(r.Context(), userKey, u))
			case scheme.ErrorCode(err) == scheme.CodeUnauthenticated:
				s.clearSessionCookie(w, false)
			default:
				s.serverError(w, r, err)
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

// userFrom returns the signed-in user, if any.
func userFrom(r *http.Request) (scheme.User, bool) {
	u, ok := r.Context().Value(userKey).(scheme.User)
	return u, ok
}

// signedIn runs next for a signed-in user with one of roles (any active or
// applying user when none are given); others are sent to sign in, or told
// they cannot.
func (s *Server) signedIn(next func(w http.ResponseWriter, r *http.Request, u scheme.User), roles ...scheme.Role) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u, ok := userFrom(r)
		if !ok {
			seeOther(w, r, "/signin")
			return
		}
		// Staff without a second factor may do nothing until they set one up.
		if u.Role.Staff() && !u.SecondFactor && r.URL.Path != "/account/second-factor" {
			seeOther(w, r, "/account/second-factor")
			return
		}
		if s.termsGate(w, r, u) {
			return
		}
		if !allowed(u, roles) {
			s.fail(w, r, errForbidden)
			return
		}
		next(w, r, u)
	})
}

// contextWithoutUser is r's context with the signed-in user removed.
func contextWithoutUser(r *http.Request) context.Context {
	return context.WithValue(r.Context(), userKey, nil)
}

func noUserNeeded(path string) bool {
	return strings.HasPrefix(path, "/static/") || path == "/healthz" || path == "/metrics"
}
