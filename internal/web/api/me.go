package api

import (
	"net/http"
	"time"

	"uglymugs/internal/account"
	"uglymugs/internal/scheme"
	"uglymugs/internal/web/core"
)

// The caller's own account, as the web's /account pages have it: her
// details and language, password, second factor, the terms, and the
// answer to a question about her application.

// patchMe changes the caller's details and language (PATCH /api/v1/me):
// what is left out stays as it is; on any problem nothing changes.
func (s *server) patchMe() http.Handler {
	return s.tokenAuth(withJSON(s, func(r *http.Request, u scheme.User, in account.MeChange) (int, any, error) {
		if in.Profile != nil {
			if err := s.termsGate(r, u); err != nil {
				return 0, nil, err
			}
		}
		me, err := account.OwnOf(s.Accounts).Change(r.Context(), u, in)
		return http.StatusOK, me, err
	}))
}

// changePassword sets a new password. Every session ends with the change,
// this token too; like the web page, it signs her in afresh and answers
// with the new token (not when her second factor would need a code: then
// she signs in again).
func (s *server) changePassword() http.Handler {
	return s.tokenAuth(withJSON(s, func(r *http.Request, u scheme.User, in struct {
		Current  string `json:"current"`
		Password string `json:"password"`
		OTP      string `json:"otp"`
	}) (int, any, error) {
		if err := s.Accounts.ChangePassword(r.Context(), u, in.Current, in.Password); err != nil {
			return 0, nil, err
		}
		sess, err := s.Accounts.SignIn(r.Context(), account.SignInInput{Username: u.Username, Password: in.Password, OTP: in.OTP}, scheme.SessionAPI)
		if err != nil {
			return http.StatusOK, map[string]any{"signed_out": true}, nil
		}
		return http.StatusOK, map[string]any{"signed_out": false, "token": sess.Token, "expires_at": sess.Expires.UTC().Format(time.RFC3339)}, nil
	}))
}

// newSecondFactor makes a new secret for an authenticator app; nothing
// changes until confirmSecondFactor gets a code made from it.
func (s *server) newSecondFactor(w http.ResponseWriter, r *http.Request, u scheme.User) error {
	key, err := s.Accounts.SetUpTOTP(u.Username)
	if err != nil {
		return err
	}
	core.WriteJSON(w, http.StatusOK, map[string]string{"secret": key.Secret(), "otpauth_url": key.URL()})
	return nil
}

// confirmSecondFactor turns the second factor on and answers with ten new
// recovery codes, shown this once.
func (s *server) confirmSecondFactor() http.Handler {
	return s.tokenAuth(withJSON(s, func(r *http.Request, u scheme.User, in struct {
		Secret string `json:"secret"`
		Code   string `json:"code"`
	}) (int, any, error) {
		codes, err := s.Accounts.ConfirmTOTP(r.Context(), u.ID, in.Secret, in.Code)
		return http.StatusOK, map[string]any{"recovery_codes": codes}, err
	}))
}

// acceptTerms records that she accepts the current terms.
func (s *server) acceptTerms() http.Handler {
	return s.tokenAuth(withJSON(s, func(r *http.Request, u scheme.User, in struct {
		Version int `json:"version"`
	}) (int, any, error) {
		if err := s.Content.AcceptTerms(r.Context(), u, in.Version); err != nil {
			return 0, nil, err
		}
		return s.meNow(r, u)
	}))
}

// answerQuestion answers the question vetting asked about her application.
func (s *server) answerQuestion() http.Handler {
	return s.tokenAuth(withJSON(s, func(r *http.Request, u scheme.User, in struct {
		Answer string `json:"answer"`
	}) (int, any, error) {
		if err := s.Accounts.AnswerApplication(r.Context(), u, in.Answer); err != nil {
			return 0, nil, err
		}
		return s.meNow(r, u)
	}))
}

// meNow is the caller's account as it is after a change.
func (s *server) meNow(r *http.Request, u scheme.User) (int, any, error) {
	me, err := s.Accounts.Me(r.Context(), u)
	return http.StatusOK, me, err
}
