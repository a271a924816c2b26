package member

import (
	"errors"
	"net/http"
	"strings"

	"uglymugs/internal/check"
	"uglymugs/internal/scheme"
	"uglymugs/internal/web/core"
)

// The check: "has this number, email, registration or username been
// reported?", answered from published alerts only, within an allowance,
// logged without the value. The form is a POST so that the value never
// appears in an address, a log line or the browser's history.

// CheckView is the check page.
type CheckView struct {
	Kind, Value string
	Kinds       []core.Option
	Errors      map[string]string
	Left        int // checks left today
	PerDay      int
	Limited     string // the allowance is used up: why, and when to come back
	Done        bool
	CheckedAs   string // "phone number", …
	Alerts      []checkAlert
	// In the reader's language: what the check found ("This phone number
	// is named in this alert. …"), or how it read the value.
	Named, CheckedAsSentence string
}

// checkWords are, for each kind, the message saying the value is named in
// alerts (CLDR plural forms, in *.en.toml) and the sentence saying how it
// was read when nothing names it.
var checkWords = map[string]struct{ named, checkedAs string }{
	"phone":    {"check-named-phone", "We checked it as a phone number."},
	"email":    {"check-named-email", "We checked it as a email address."},
	"vehicle":  {"check-named-vehicle", "We checked it as a vehicle registration."},
	"username": {"check-named-username", "We checked it as a username."},
}

type checkAlert struct {
	core.SeverityView
	ID, Title, Sent string
	TextLang        string // the title's language, when not the page's
}

var checkKindOptions = []struct{ Value, Label string }{
	{"", "Work it out for me"}, {"phone", "Phone number"}, {"email", "Email address"},
	{"vehicle", "Vehicle registration"}, {"username", "Username (website or app)"},
}

func (s *server) checkView(kind, value string) CheckView {
	v := CheckView{Kind: kind, Value: value, PerDay: s.Checks.Limits.PerDay}
	for _, k := range checkKindOptions {
		v.Kinds = append(v.Kinds, core.Option{Value: k.Value, Label: k.Label, Selected: k.Value == kind})
	}
	return v
}

func (s *server) renderCheck(w http.ResponseWriter, r *http.Request, u scheme.User, status int, v CheckView) {
	left, err := s.Checks.Left(r.Context(), u)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	v.Left = left
	s.Render(w, r, status, viewCheck, v)
}

func (s *server) checkPage(w http.ResponseWriter, r *http.Request, u scheme.User) error {
	s.renderCheck(w, r, u, http.StatusOK, s.checkView("", ""))
	return nil
}

func (s *server) check(w http.ResponseWriter, r *http.Request, u scheme.User) error {
	v := s.checkView(strings.TrimSpace(r.PostFormValue("kind")), r.PostFormValue("value"))
	res, err := s.Checks.Member(r.Context(), u, check.ChannelWeb, v.Kind, v.Value)
	var le *check.LimitError
	switch {
	case errors.As(err, &le):
		w.Header().Set("Retry-After", core.RetryAfter(le.RetryAfter))
		v.Limited, v.Left = core.LimitMessage(r, le), le.Left
		s.Render(w, r, http.StatusTooManyRequests, viewCheck, v)
		return nil
	case scheme.ErrorCode(err) == scheme.CodeInvalid:
		v.Errors = core.FormErrors(err)
		s.renderCheck(w, r, u, http.StatusUnprocessableEntity, v)
		return nil
	case err != nil:
		return err
	}
	v.Done, v.CheckedAs = true, check.KindNames[res.Kind]
	loc := core.Loc(r)
	if w, ok := checkWords[res.Kind]; ok {
		v.Named, v.CheckedAsSentence = loc.N(w.named, len(res.Alerts)), loc.T(w.checkedAs)
	}
	for _, a := range res.Alerts {
		title, _, lang := core.AlertText(r, a)
		v.Alerts = append(v.Alerts, checkAlert{SeverityView: core.SeverityOf(a.Severity), ID: a.ID, Title: title, TextLang: lang, Sent: s.Date(core.Loc(r), a.PublishedAt, core.Weekday)})
	}
	v.Left = res.Left
	s.Render(w, r, http.StatusOK, viewCheck, v)
	return nil
}
