package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"uglymugs/internal/check"
	"uglymugs/internal/scheme"
)

// The check: "has this number, email, registration or username been
// reported?", answered from published alerts only, within an allowance,
// logged without the value. The form is a POST so that the value never
// appears in an address, a log line or the browser's history.

// CheckView is the check page.
type CheckView struct {
	Kind, Value string
	Kinds       []Option
	Errors      map[string]string
	Left        int // checks left today
	PerDay      int
	Limited     string // the allowance is used up: why, and when to come back
	Done        bool
	CheckedAs   string // "phone number", …
	Alerts      []checkAlert
}

type checkAlert struct {
	SeverityView
	ID, Title, Sent string
}

var checkKindOptions = []struct{ Value, Label string }{
	{"", "Work it out for me"}, {"phone", "Phone number"}, {"email", "Email address"},
	{"vehicle", "Vehicle registration"}, {"username", "Username (website or app)"},
}

func (s *Server) checkView(kind, value string) CheckView {
	v := CheckView{Kind: kind, Value: value, PerDay: s.Checks.Limits.PerDay}
	for _, k := range checkKindOptions {
		v.Kinds = append(v.Kinds, Option{Value: k.Value, Label: k.Label, Selected: k.Value == kind})
	}
	return v
}

func (s *Server) renderCheck(w http.ResponseWriter, r *http.Request, u scheme.User, status int, v CheckView) {
	left, err := s.Checks.Left(r.Context(), u)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	v.Left = left
	s.Render(w, r, status, "check", v)
}

func (s *Server) checkPage() http.Handler {
	return s.alMember(func(w http.ResponseWriter, r *http.Request, u scheme.User) {
		s.renderCheck(w, r, u, http.StatusOK, s.checkView("", ""))
	})
}

func (s *Server) check() http.Handler {
	return s.alMember(func(w http.ResponseWriter, r *http.Request, u scheme.User) {
		v := s.checkView(strings.TrimSpace(r.PostFormValue("kind")), r.PostFormValue("value"))
		res, err := s.Checks.Member(r.Context(), u, check.ChannelWeb, v.Kind, v.Value)
		var le *check.LimitError
		switch {
		case errors.As(err, &le):
			w.Header().Set("Retry-After", RetryAfter(le.RetryAfter))
			v.Limited, v.Left = le.Error(), le.Left
			s.Render(w, r, http.StatusTooManyRequests, "check", v)
			return
		case scheme.ErrorCode(err) == scheme.CodeInvalid:
			v.Errors = FormErrors(err)
			s.renderCheck(w, r, u, http.StatusUnprocessableEntity, v)
			return
		case err != nil:
			s.Fail(w, r, err)
			return
		}
		v.Done, v.CheckedAs = true, check.KindNames[res.Kind]
		for _, a := range res.Alerts {
			v.Alerts = append(v.Alerts, checkAlert{SeverityView: SeverityOf(a.Severity), ID: a.ID, Title: AlertTitle(a), Sent: s.AlertDate(a.PublishedAt)})
		}
		v.Left = res.Left
		s.Render(w, r, http.StatusOK, "check", v)
	})
}

// RetryAfter is a Retry-After header's value: whole seconds, at least one.
func RetryAfter(d time.Duration) string {
	return strconv.Itoa(max(int((d+time.Second-1)/time.Second), 1))
}

// apiCheck is POST /api/v1/checks: for members (a session token) the
// alerts that name the value; for partner sites (an API key, "umpk_…")
// only whether it was reported and the highest severity.
func (s *Server) apiCheck() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var in struct {
			Value *string `json:"value"`
			Kind  string  `json:"kind"`
		}
		token := bearer(r)
		if strings.HasPrefix(token, scheme.APIKeyPrefix) {
			key, err := s.Accounts.APIKey(r.Context(), token)
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
			if s.apiCheckFailed(w, r, err) {
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
			WriteJSON(w, http.StatusOK, out)
			return
		}
		s.apiAuth(func(w http.ResponseWriter, r *http.Request, u scheme.User) {
			if err := decode(r, &in); err != nil {
				s.APIFail(w, r, err)
				return
			}
			res, err := s.Checks.Member(r.Context(), u, check.ChannelAPI, in.Kind, deref(in.Value))
			if s.apiCheckFailed(w, r, err) {
				return
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
				out.Matches = append(out.Matches, match{AlertID: a.ID, Title: AlertTitle(a), PublishedAt: a.PublishedAt.UTC(), Severity: a.Severity})
			}
			WriteJSON(w, http.StatusOK, out)
		}).ServeHTTP(w, r)
	})
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// apiCheckFailed answers a failed check (429 with Retry-After for a used
// allowance) and reports whether it did.
func (s *Server) apiCheckFailed(w http.ResponseWriter, r *http.Request, err error) bool {
	if err == nil {
		return false
	}
	var le *check.LimitError
	if errors.As(err, &le) {
		w.Header().Set("Retry-After", RetryAfter(le.RetryAfter))
		WriteJSON(w, http.StatusTooManyRequests, map[string]APIError{"error": {Code: scheme.CodeTooMany, Message: le.Error()}})
		return true
	}
	s.APIFail(w, r, err)
	return true
}

// CheckFlagsView is the coordinators' page of unusual checking.
type CheckFlagsView struct {
	Flags                                   []checkFlagRow
	WindowDays, Distinct, Repeats, Reported int
}

type checkFlagRow struct {
	scheme.CheckingFlag
	Last string
}

// checkFlags lists members whose checking looks unusual. Showing who they
// are is a view of personal data, so it is audited.
func (s *Server) checkFlags() http.Handler {
	return s.SignedIn(func(w http.ResponseWriter, r *http.Request, u scheme.User) {
		flags, err := s.Checks.Unusual(r.Context(), u)
		if err != nil {
			s.Fail(w, r, err)
			return
		}
		v := CheckFlagsView{WindowDays: int(scheme.UnusualWindow / (24 * time.Hour)), Distinct: scheme.UnusualDistinct,
			Repeats: scheme.UnusualRepeats, Reported: scheme.UnusualReportedCheck}
		for _, f := range flags {
			v.Flags = append(v.Flags, checkFlagRow{CheckingFlag: f, Last: f.LastCheck.In(s.Location()).Format("2 Jan 2006 15:04")})
		}
		s.Render(w, r, http.StatusOK, "check-flags", v)
	}, scheme.RoleCoordinator)
}
