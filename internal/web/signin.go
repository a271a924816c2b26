package web

import (
	"net/http"
	"strings"

	"uglymugs/internal/account"
	"uglymugs/internal/scheme"
)

// FormView is the data of a form page: what was typed, what is wrong.
type FormView struct {
	Values map[string]string
	Errors map[string]string
	Notice string
	Extra  any
}

func FormErrors(err error) map[string]string {
	if se, ok := err.(*scheme.Error); ok && len(se.Fields) > 0 {
		return se.Fields
	}
	return map[string]string{"form": scheme.ErrorMessage(err)}
}

// homeFor is where a user lands after signing in.
func homeFor(u scheme.User) string {
	switch u.Role {
	case scheme.RoleCoordinator, scheme.RoleAdmin:
		return "/coordinator/applications"
	}
	return "/account"
}

func (s *Server) signInPage() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if u, ok := UserFrom(r); ok {
			SeeOther(w, r, homeFor(u))
			return
		}
		s.Render(w, r, http.StatusOK, "signin", FormView{})
	})
}

func (s *Server) signIn() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		in := account.SignInInput{Username: r.PostFormValue("username"), Password: r.PostFormValue("password")}
		sess, err := s.Accounts.SignIn(r.Context(), in, scheme.SessionWeb)
		switch scheme.ErrorCode(err) {
		case "":
		case scheme.CodeOTPRequired:
			s.SetSessionCookie(w, true, sess.Token)
			SeeOther(w, r, "/signin/code")
			return
		case scheme.CodeInternal:
			s.ServerError(w, r, err)
			return
		default:
			// The password is never echoed back.
			SetRetryAfter(w, err)
			s.Render(w, r, StatusFor(scheme.ErrorCode(err)), "signin", FormView{
				Values: map[string]string{"username": in.Username},
				Errors: map[string]string{"form": scheme.ErrorMessage(err)},
			})
			return
		}
		s.startWebSession(w, r, sess)
	})
}

func (s *Server) startWebSession(w http.ResponseWriter, r *http.Request, sess account.Session) {
	s.SetSessionCookie(w, false, sess.Token)
	dest := homeFor(sess.User)
	if sess.SetUpSecondFactor {
		dest = "/account/second-factor"
	}
	SeeOther(w, r, dest)
}

func (s *Server) codePage() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.SessionToken(r, true) == "" {
			SeeOther(w, r, "/signin")
			return
		}
		s.Render(w, r, http.StatusOK, "signin-code", FormView{})
	})
}

func (s *Server) code() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sess, err := s.Accounts.CompleteSignIn(r.Context(), s.SessionToken(r, true), strings.TrimSpace(r.PostFormValue("code")), scheme.SessionWeb)
		switch scheme.ErrorCode(err) {
		case "":
			s.ClearSessionCookie(w, true)
			s.startWebSession(w, r, sess)
		case scheme.CodeOTPRequired, scheme.CodeTooMany:
			SetRetryAfter(w, err)
			s.Render(w, r, StatusFor(scheme.ErrorCode(err)), "signin-code", FormView{Errors: map[string]string{"code": scheme.ErrorMessage(err)}})
		case scheme.CodeInternal:
			s.ServerError(w, r, err)
		default:
			s.ClearSessionCookie(w, true)
			s.Render(w, r, http.StatusUnauthorized, "signin", FormView{Errors: map[string]string{"form": scheme.ErrorMessage(err)}})
		}
	})
}

func (s *Server) signOut() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if tok := s.SessionToken(r, false); tok != "" {
			if err := s.Accounts.SignOut(r.Context(), tok); err != nil {
				s.ServerError(w, r, err)
				return
			}
		}
		s.ClearSessionCookie(w, false)
		ClearSiteData(w)
		SeeOther(w, r, "/")
	})
}
