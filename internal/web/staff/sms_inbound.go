package staff

import (
	"net/http"
	"strconv"
	"strings"

	"uglymugs/internal/scheme"
	"uglymugs/internal/web/core"
)

// The check by SMS: the SMS provider posts each text sent to the scheme's
// number here (Twilio's inbound webhook). "CHECK <value>" from an active
// member's registered mobile gets a one-line answer; anything else, from
// anyone, gets the same neutral line, which says nothing about who is a
// member. Nothing of the sender or the text is logged.
//
// The signature proves a request came from the provider, not that it is
// new: one captured (or retried by the provider) can be sent again, and
// would count another check and send another reply. So the provider's
// message id is remembered for a day, in the database that every instance
// shares, and a request carrying one seen before is answered with no
// reply and no check.

// APIKeysView is the admins' page of partner keys.
type APIKeysView struct {
	Keys     []apiKeyRow
	NewToken string // shown once, just after it is made
	NewName  string
}

type apiKeyRow struct {
	scheme.APIKey
	Created, LastUsed, Revoked string
}

func (s *server) renderAPIKeys(w http.ResponseWriter, r *http.Request, u scheme.User, status int, f core.FormView, v APIKeysView) {
	keys, err := s.Checks.APIKeys(r.Context(), u)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	date := func(t interface{ IsZero() bool }, s string) string {
		if t.IsZero() {
			return ""
		}
		return s
	}
	for _, k := range keys {
		v.Keys = append(v.Keys, apiKeyRow{APIKey: k, Created: s.Time(k.CreatedAt, core.DateShort),
			LastUsed: date(k.LastUsedAt, s.Time(k.LastUsedAt, core.DateTimeShort)),
			Revoked:  date(k.RevokedAt, s.Time(k.RevokedAt, core.DateTimeShort))})
	}
	if f.Values == nil {
		f.Values = map[string]string{"per_minute": "60", "per_day": "5000"}
	}
	f.Extra = v
	s.Render(w, r, status, viewApiKeys, f)
}

func (s *server) keysPage() http.Handler {
	return core.NoIndex(s.SignedIn(func(w http.ResponseWriter, r *http.Request, u scheme.User) error {
		s.renderAPIKeys(w, r, u, http.StatusOK, core.FormView{Notice: map[string]string{"revoked": "The key is revoked: it stopped working at once."}[r.URL.Query().Get("done")]}, APIKeysView{})
		return nil
	}, scheme.RoleAdmin))
}

func (s *server) createAPIKey() http.Handler {
	return core.NoIndex(s.SignedIn(func(w http.ResponseWriter, r *http.Request, u scheme.User) error {
		vals := map[string]string{"name": r.PostFormValue("name"), "per_minute": r.PostFormValue("per_minute"), "per_day": r.PostFormValue("per_day")}
		perMinute, err1 := strconv.Atoi(strings.TrimSpace(vals["per_minute"]))
		perDay, err2 := strconv.Atoi(strings.TrimSpace(vals["per_day"]))
		k, token, err := s.Checks.CreateAPIKey(r.Context(), u, vals["name"], perMinute, perDay)
		if err1 != nil || err2 != nil || scheme.ErrorCode(err) == scheme.CodeInvalid {
			errs := map[string]string{}
			if se, ok := err.(*scheme.Error); ok {
				errs = se.Fields
			}
			if err1 != nil {
				errs["per_minute"] = "Give a whole number of checks a minute."
			}
			if err2 != nil {
				errs["per_day"] = "Give a whole number of checks a day."
			}
			s.renderAPIKeys(w, r, u, http.StatusUnprocessableEntity, core.FormView{Values: vals, Errors: errs}, APIKeysView{})
			return nil
		}
		if err != nil {
			return err
		}
		// The key is shown on this response only (no-store, like every
		// page): it is never stored and cannot be shown again.
		s.renderAPIKeys(w, r, u, http.StatusCreated, core.FormView{}, APIKeysView{NewToken: token, NewName: k.Name})
		return nil
	}, scheme.RoleAdmin))
}

func (s *server) revokeAPIKey() http.Handler {
	return core.NoIndex(s.SignedIn(func(w http.ResponseWriter, r *http.Request, u scheme.User) error {
		if err := s.Checks.RevokeAPIKey(r.Context(), u, r.PathValue("id")); err != nil {
			return err
		}
		core.SeeOther(w, r, "/admin/api-keys?done=revoked")
		return nil
	}, scheme.RoleAdmin))
}
