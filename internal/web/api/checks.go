package api

import (
	"errors"
	"net/http"
	"strings"
	"time"

	"uglymugs/internal/check"
	"uglymugs/internal/scheme"
	"uglymugs/internal/web/core"
)

// postCheck is POST /api/v1/checks: for members (a session token) the
// alerts that name the value; for partner sites (an API key, "umpk_…")
// only whether it was reported and the highest severity.
func (s *server) postCheck() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var in struct {
			Value *string `json:"value"`
			Kind  string  `json:"kind"`
		}
		token := bearer(r)
		if strings.HasPrefix(token, scheme.APIKeyPrefix) {
			key, err := s.Checks.APIKey(r.Context(), token)
			if err != nil {
				w.Header().Set("WWW-Authenticate", `Bearer realm="uglymugs"`)
				s.APIFail(w, r, scheme.Errorf(scheme.CodeUnauthenticated, "That API key is not valid, or has been revoked."))
				return
			}
			if err := decode(r, &in); err != nil {
				s.APIFail(w, r, err)
				return
			}
			res, err := s.Checks.Partner(r.Context(), key, in.Kind, deref(in.Value))
			if s.checkFailed(w, r, err) {
				return
			}
			out := struct {
				Reported        bool    `json:"reported"`
				HighestSeverity *string `json:"highest_severity"`
			}{Reported: res.Reported()}
			if res.Reported() {
				sev := string(res.Highest)
				out.HighestSeverity = &sev
			}
			core.WriteJSON(w, http.StatusOK, out)
			return
		}
		s.tokenAuth(func(w http.ResponseWriter, r *http.Request, u scheme.User) error {
			if err := decode(r, &in); err != nil {
				return err
			}
			res, err := s.Checks.Member(r.Context(), u, check.ChannelAPI, in.Kind, deref(in.Value))
			if s.checkFailed(w, r, err) {
				return nil
			}
			type match struct {
				AlertID     string          `json:"alert_id"`
				Title       string          `json:"title"`
				PublishedAt time.Time       `json:"published_at"`
				Severity    scheme.Severity `json:"severity"`
			}
			out := struct {
				Kind    string  `json:"kind"`
				Matches []match `json:"matches"`
			}{Kind: res.Kind, Matches: []match{}}
			for _, a := range res.Alerts {
				title, _, _ := core.AlertText(r, a) // hers, when translated
				out.Matches = append(out.Matches, match{AlertID: a.ID, Title: title, PublishedAt: a.PublishedAt.UTC(), Severity: a.Severity})
			}
			core.WriteJSON(w, http.StatusOK, out)
			return nil
		}).ServeHTTP(w, r)
	})
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// checkFailed answers a failed check (429 with Retry-After for a used
// allowance) and reports whether it did.
func (s *server) checkFailed(w http.ResponseWriter, r *http.Request, err error) bool {
	if err == nil {
		return false
	}
	var le *check.LimitError
	if errors.As(err, &le) {
		w.Header().Set("Retry-After", core.RetryAfter(le.RetryAfter))
		core.WriteJSON(w, http.StatusTooManyRequests, map[string]core.APIError{"error": {Code: scheme.CodeTooMany, Message: core.LimitMessage(r, le)}})
		return true
	}
	s.APIFail(w, r, err)
	return true
}
