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

func formErrors(err error) map[string]string {
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
		if u, ok := userFrom(r); ok {
			seeOther(w, r, homeFor(u))
			return
		}
		s.render(w, r, http.StatusOK, "signin", FormView{})
	})
}

func (s *Server) signIn() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		in := account.SignInInput{Username: r.PostFormValue("username"), Password: r.PostFormValue("password")}
		sess, err := s.accounts.SignIn(r.Context(), in, scheme.SessionWeb)
		switch scheme.ErrorCode(err) {
		case "":
		case scheme.CodeOTPRequired:
			s.setSessionCookie(w, true, sess.Token)
			seeOther(w, r, "/signin/code")
			return
		case scheme.CodeInternal:
			s.serverError(w, r, err)
			return
		default:
			// The password is never echoed back.
			setRetryAfter(w, err)
			s.render(w, r, statusFor(scheme.ErrorCode(err)), "signin", FormView{
				Values: map[string]string{"username": in.Username},
				Errors: map[string]string{"form": scheme.ErrorMessage(err)},
			})
			return
		}
		s.startWebSession(w, r, sess)
	})
}

func (s *Server) startWebSession(w http.ResponseWriter, r *http.Request, sess account.Session) {
	s.setSessionCookie(w, false, sess.Token)
	dest := homeFor(sess.User)
	if sess.SetUpSecondFactor {
		dest = "/account/second-factor"
	}
	seeOther(w, r, dest)
}

func (s *Server) codePage() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.sessionToken(r, true) == "" {
			seeOther(w, r, "/signin")
			return
		}
		s.render(w, r, http.StatusOK, "signin-code", FormView{})
	})
}

func (s *Server) code() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sess, err := s.accounts.CompleteSignIn(r.Context(), s.sessionToken(r, true), strings.TrimSpace(r.PostFormValue("code")), scheme.SessionWeb)
		switch scheme.ErrorCode(err) {
		case "":
			s.clearSessionCookie(w, true)
			s.startWebSession(w, r, sess)
		case scheme.CodeOTPRequired, scheme.CodeTooMany:
			setRetryAfter(w, err)
			s.render(w, r, statusFor(scheme.ErrorCode(err)), "signin-code", FormView{Errors: map[string]string{"code": scheme.ErrorMessage(err)}})
		case scheme.CodeInternal:
			s.serverError(w, r, err)
		default:
			s.clearSessionCookie(w, true)
			s.render(w, r, http.StatusUnauthorized, "signin", FormView{Errors: map[string]string{"form": scheme.ErrorMessage(err)}})
		}
	})
}

func (s *Server) signOut() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if tok := s.sessionToken(r, false); tok != "" {
			if err := s.accounts.SignOut(r.Context(), tok); err != nil {
				s.serverError(w, r, err)
				return
			}
		}
		s.clearSessionCookie(w, false)
		clearSiteData(w)
		seeOther(w, r, "/")
	})
}
