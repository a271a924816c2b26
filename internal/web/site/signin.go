package site

import (
	"cmp"
	"net/http"
	"net/url"
	"strings"

	"uglymugs/internal/account"
	"uglymugs/internal/scheme"
	"uglymugs/internal/web/core"
)

// homeFor is where a user lands after signing in when she was not on her
// way somewhere: the work queue for staff, the alerts for members, her
// account for an applicant.
func homeFor(u scheme.User) string {
	switch {
	case u.Role.Staff():
		return "/coordinator/reports"
	case u.Status == scheme.StatusActive:
		return "/alerts"
	}
	return "/account"
}

func (s *server) signInPage() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if u, ok := core.UserFrom(r); ok {
			core.SeeOther(w, r, cmp.Or(core.Next(r), homeFor(u)))
			return
		}
		s.Render(w, r, http.StatusOK, viewSignin, core.FormView{Values: map[string]string{"next": core.Next(r)}})
	})
}

func (s *server) signIn() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		in := account.SignInInput{Username: r.PostFormValue("username"), Password: r.PostFormValue("password")}
		sess, err := s.Accounts.SignIn(r.Context(), in, scheme.SessionWeb)
		switch scheme.ErrorCode(err) {
		case "":
		case scheme.CodeOTPRequired:
			s.SetSessionCookie(w, true, sess.Token)
			code := "/signin/code"
			if next := core.Next(r); next != "" {
				code += "?next=" + url.QueryEscape(next)
			}
			core.SeeOther(w, r, code)
			return
		case scheme.CodeInternal:
			s.ServerError(w, r, err)
			return
		default:
			// The password is never echoed back.
			core.SetRetryAfter(w, err)
			s.Render(w, r, core.StatusFor(scheme.ErrorCode(err)), viewSignin, core.FormView{
				Values: map[string]string{"username": in.Username, "next": core.Next(r)},
				Errors: map[string]string{"form": scheme.ErrorMessage(err)},
			})
			return
		}
		s.startWebSession(w, r, sess)
	})
}

func (s *server) startWebSession(w http.ResponseWriter, r *http.Request, sess account.Session) {
	s.SetSessionCookie(w, false, sess.Token)
	dest := cmp.Or(core.Next(r), homeFor(sess.User))
	if sess.SetUpSecondFactor {
		dest = "/account/second-factor"
	}
	core.SeeOther(w, r, dest)
}

func (s *server) codePage() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.SessionToken(r, true) == "" {
			core.SeeOther(w, r, "/signin")
			return
		}
		s.Render(w, r, http.StatusOK, viewSigninCode, core.FormView{Values: map[string]string{"next": core.Next(r)}})
	})
}

func (s *server) code() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sess, err := s.Accounts.CompleteSignIn(r.Context(), s.SessionToken(r, true), strings.TrimSpace(r.PostFormValue("code")), scheme.SessionWeb)
		switch scheme.ErrorCode(err) {
		case "":
			s.ClearSessionCookie(w, true)
			s.startWebSession(w, r, sess)
		case scheme.CodeOTPRequired, scheme.CodeTooMany:
			core.SetRetryAfter(w, err)
			s.Render(w, r, core.StatusFor(scheme.ErrorCode(err)), viewSigninCode, core.FormView{Values: map[string]string{"next": core.Next(r)},
				Errors: map[string]string{"code": scheme.ErrorMessage(err)}})
		case scheme.CodeInternal:
			s.ServerError(w, r, err)
		default:
			s.ClearSessionCookie(w, true)
			s.Render(w, r, http.StatusUnauthorized, viewSignin, core.FormView{Errors: map[string]string{"form": scheme.ErrorMessage(err)}})
		}
	})
}

func (s *server) signOut() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if tok := s.SessionToken(r, false); tok != "" {
			if err := s.Accounts.SignOut(r.Context(), tok); err != nil {
				s.ServerError(w, r, err)
				return
			}
		}
		s.ClearSessionCookie(w, false)
		core.ClearSiteData(w)
		core.SeeOther(w, r, "/")
	})
}
