package core

import (
	"context"
	"net/http"
	"net/url"
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
	if s.Config.TLS {
		return "__Host-" + name
	}
	return name
}

func (s *Server) SetSessionCookie(w http.ResponseWriter, mfa bool, token string) {
	// #nosec G124 -- Secure (and the __Host- prefix) whenever the site is served over https; only the local demo runs on plain http.
	http.SetCookie(w, &http.Cookie{Name: s.cookieName(mfa), Value: token, Path: "/", HttpOnly: true, Secure: s.Config.TLS, SameSite: http.SameSiteLaxMode})
}

func (s *Server) ClearSessionCookie(w http.ResponseWriter, mfa bool) {
	// #nosec G124 -- as above
	http.SetCookie(w, &http.Cookie{Name: s.cookieName(mfa), Value: "", Path: "/", MaxAge: -1, HttpOnly: true, Secure: s.Config.TLS, SameSite: http.SameSiteLaxMode})
}

// ClearSiteData asks the browser to forget everything this site left in
// it (cached pages, cookies, storage) when someone signs out or leaves: on
// a shared or checked phone, nothing of the visit should stay behind.
func ClearSiteData(w http.ResponseWriter) {
	w.Header().Set("Clear-Site-Data", `"cache", "cookies", "storage"`)
}

func (s *Server) SessionToken(r *http.Request, mfa bool) string {
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
		if tok := s.SessionToken(r, false); tok != "" && !isAPI(r) && !noUserNeeded(r.URL.Path) {
			u, err := s.Accounts.Authenticate(r.Context(), tok, scheme.SessionWeb)
			switch {
			case err == nil:
				r = r.WithContext(context.WithValue(r.Context(), userKey, u))
			case scheme.ErrorCode(err) == scheme.CodeUnauthenticated:
				s.ClearSessionCookie(w, false)
			default:
				s.ServerError(w, r, err)
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

// UserFrom returns the signed-in user, if any.
func UserFrom(r *http.Request) (scheme.User, bool) {
	u, ok := r.Context().Value(userKey).(scheme.User)
	return u, ok
}

// A Handler answers a signed-in user's request. It returns the error that
// stopped it, and its guard shows that (the error page, or the API's JSON):
// a handler that cannot go on says only `return err`.
type Handler func(w http.ResponseWriter, r *http.Request, u scheme.User) error

// SignedIn runs next for a signed-in user with one of roles (any active or
// applying user when none are given); others are sent to sign in, or told
// they cannot.
func (s *Server) SignedIn(next Handler, roles ...scheme.Role) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u, ok := UserFrom(r)
		if !ok {
			SeeOther(w, r, SignInTo(r))
			return
		}
		// Staff without a second factor may do nothing until they set one up.
		if u.Role.Staff() && !u.SecondFactor && r.URL.Path != "/account/second-factor" {
			SeeOther(w, r, "/account/second-factor")
			return
		}
		if s.TermsGate(w, r, u) {
			return
		}
		if !Allowed(u, roles) {
			s.Fail(w, r, ErrForbidden)
			return
		}
		if err := next(w, r, u); err != nil {
			s.Fail(w, r, err)
		}
	})
}

// ContextWithoutUser is r's context with the signed-in user removed.
func ContextWithoutUser(r *http.Request) context.Context {
	return context.WithValue(r.Context(), userKey, nil)
}

func noUserNeeded(path string) bool {
	return strings.HasPrefix(path, "/static/") || path == "/healthz" || path == "/metrics"
}

// SignInTo is the sign-in page that returns, once signed in, to the page
// r asked for: its path only (a query may hold what was typed), and only
// for a page one opens (GET), never a form's action.
func SignInTo(r *http.Request) string {
	if r.Method != http.MethodGet || r.URL.Path == "/" {
		return "/signin"
	}
	return "/signin?next=" + url.QueryEscape(r.URL.Path)
}

// Next is the page to return to after signing in, from a form's or a
// link's "next": a path on this site, else "".
func Next(r *http.Request) string {
	next := r.FormValue("next")
	if next == "" || LocalPath(next) != next || next == "/" || strings.HasPrefix(next, "/signin") {
		return ""
	}
	return next
}
