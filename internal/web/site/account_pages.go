package site

import (
	"net/http"

	"uglymugs/internal/scheme"
	"uglymugs/internal/web/core"
)

func (s *server) resetPage() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.Render(w, r, http.StatusOK, viewReset, core.FormView{})
	})
}

func (s *server) startReset() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		username := r.PostFormValue("username")
		if username == "" {
			s.Render(w, r, http.StatusUnprocessableEntity, viewReset, core.FormView{Errors: map[string]string{"username": "Enter your username."}})
			return
		}
		if err := s.Accounts.StartReset(r.Context(), username); err != nil {
			s.Fail(w, r, err)
			return
		}
		s.Render(w, r, http.StatusOK, viewResetCode, core.FormView{Values: map[string]string{"username": username}})
	})
}

func (s *server) finishReset() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		username := r.PostFormValue("username")
		err := s.Accounts.FinishReset(r.Context(), username, r.PostFormValue("code"), r.PostFormValue("password"))
		if err != nil {
			if scheme.ErrorCode(err) == scheme.CodeInternal {
				s.ServerError(w, r, err)
				return
			}
			s.Render(w, r, core.StatusFor(scheme.ErrorCode(err)), viewResetCode, core.FormView{Values: map[string]string{"username": username}, Errors: core.FormErrors(err)})
			return
		}
		s.Render(w, r, http.StatusOK, viewSignin, core.FormView{Values: map[string]string{"username": username},
			Notice: "Your password is changed. Sign in with it now."})
	})
}
