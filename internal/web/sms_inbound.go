package web

import (
	"crypto/hmac"
	"crypto/sha1" // #nosec G505 -- Twilio signs webhooks with HMAC-SHA1; we verify what they send
	"encoding/base64"
	"encoding/xml"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"uglymugs/internal/check"
	"uglymugs/internal/scheme"
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

// smsNeutral is the answer to everything that is not a check we can run,
// whoever sent it.
const smsNeutral = "Send CHECK and the whole number, email, registration or username."

// twilioSignature is Twilio's webhook signature: base64 of the HMAC-SHA1,
// keyed with the account's auth token, of the full URL the provider called
// followed by each POST parameter's name and value, sorted by name
// (https://www.twilio.com/docs/usage/webhooks/webhooks-security).
func twilioSignature(token, u string, form url.Values) string {
	names := make([]string, 0, len(form))
	for k := range form {
		names = append(names, k)
	}
	slices.Sort(names)
	var b strings.Builder
	b.WriteString(u)
	for _, k := range names {
		for _, v := range form[k] {
			b.WriteString(k)
			b.WriteString(v)
		}
	}
	m := hmac.New(sha1.New, []byte(token))
	m.Write([]byte(b.String()))
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

func (s *Server) smsInbound() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		cfg := s.Config.SMSInbound
		// The signature covers the values as the provider sent them, before
		// their line breaks were normalised.
		if err := r.ParseForm(); err != nil || cfg.AuthToken == "" || cfg.URL == "" ||
			!hmac.Equal([]byte(r.Header.Get("X-Twilio-Signature")), []byte(twilioSignature(cfg.AuthToken, cfg.URL, FormAsSent(r)))) {
			http.Error(w, "Forbidden", http.StatusForbidden)
			return
		}
		sid := r.PostForm.Get("MessageSid")
		if sid == "" {
			// The provider always sends one; without it a replay could not
			// be told from a new text.
			http.Error(w, "Bad Request", http.StatusBadRequest)
			return
		}
		first, err := s.Checks.FirstText(r.Context(), sid)
		if err != nil {
			s.Log.ErrorContext(r.Context(), "sms check: recording the message id", "id", RequestID(r.Context()), "err", err)
			http.Error(w, "Internal Server Error", http.StatusInternalServerError)
			return
		}
		var b strings.Builder
		b.WriteString(`<?xml version="1.0" encoding="UTF-8"?><Response>`)
		if first {
			reply := s.smsCheck(r, r.PostForm.Get("From"), r.PostForm.Get("Body"))
			b.WriteString(`<Message>`)
			_ = xml.EscapeText(&b, []byte(reply)) // a strings.Builder does not fail
			b.WriteString(`</Message>`)
		}
		b.WriteString(`</Response>`)
		w.Header().Set("Content-Type", "text/xml; charset=utf-8")
		_, _ = w.Write([]byte(b.String())) // the provider went away
	})
}

// smsCheck answers one text. The sender is looked up whatever the text
// says, so an unregistered sender's answer takes the same path.
func (s *Server) smsCheck(r *http.Request, from, body string) string {
	member, err := s.Accounts.MemberByMobile(r.Context(), from)
	if err != nil && scheme.ErrorCode(err) != scheme.CodeNotFound {
		s.Log.ErrorContext(r.Context(), "sms check: looking up the sender", "err", err)
	}
	found := err == nil
	value, ok := parseCheckCommand(body)
	if !found || !ok {
		return smsNeutral
	}
	res, err := s.Checks.Member(r.Context(), member, check.ChannelSMS, "", value)
	var le *check.LimitError
	switch {
	case errors.As(err, &le) && le.Daily:
		return "You have used today's checks. Try again tomorrow."
	case errors.As(err, &le):
		return "Too many checks at once. Try again in a minute."
	case err != nil:
		if scheme.ErrorCode(err) == scheme.CodeInternal {
			s.Log.ErrorContext(r.Context(), "sms check", "err", err)
		}
		return smsNeutral
	case len(res.Alerts) == 0:
		return "Nothing reported. That does not mean safe: trust your instincts."
	case len(res.Alerts) == 1:
		return "Reported in 1 alert. Sign in to read it. Stay safe."
	}
	return "Reported in " + strconv.Itoa(len(res.Alerts)) + " alerts. Sign in to read them. Stay safe."
}

// parseCheckCommand reads "CHECK <value>" (any case, any spaces, tabs or
// line breaks between) and returns the value; ok is false for anything
// else.
func parseCheckCommand(body string) (value string, ok bool) {
	body = strings.TrimSpace(body)
	i := strings.IndexFunc(body, unicode.IsSpace)
	if i < 0 || !strings.EqualFold(body[:i], "check") {
		return "", false
	}
	value = strings.TrimSpace(body[i:])
	return value, value != ""
}

// --- Partner keys (admins) ---

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

func (s *Server) renderAPIKeys(w http.ResponseWriter, r *http.Request, u scheme.User, status int, f FormView, v APIKeysView) {
	keys, err := s.Accounts.APIKeys(r.Context(), u)
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
		v.Keys = append(v.Keys, apiKeyRow{APIKey: k, Created: k.CreatedAt.In(s.Location()).Format("2 Jan 2006"),
			LastUsed: date(k.LastUsedAt, k.LastUsedAt.In(s.Location()).Format("2 Jan 2006 15:04")),
			Revoked:  date(k.RevokedAt, k.RevokedAt.In(s.Location()).Format("2 Jan 2006 15:04"))})
	}
	if f.Values == nil {
		f.Values = map[string]string{"per_minute": "60", "per_day": "5000"}
	}
	f.Extra = v
	s.Render(w, r, status, "api-keys", f)
}

func (s *Server) apiKeysPage() http.Handler {
	return NoIndex(s.SignedIn(func(w http.ResponseWriter, r *http.Request, u scheme.User) {
		s.renderAPIKeys(w, r, u, http.StatusOK, FormView{Notice: map[string]string{"revoked": "The key is revoked: it stopped working at once."}[r.URL.Query().Get("done")]}, APIKeysView{})
	}, scheme.RoleAdmin))
}

func (s *Server) createAPIKey() http.Handler {
	return NoIndex(s.SignedIn(func(w http.ResponseWriter, r *http.Request, u scheme.User) {
		vals := map[string]string{"name": r.PostFormValue("name"), "per_minute": r.PostFormValue("per_minute"), "per_day": r.PostFormValue("per_day")}
		perMinute, err1 := strconv.Atoi(strings.TrimSpace(vals["per_minute"]))
		perDay, err2 := strconv.Atoi(strings.TrimSpace(vals["per_day"]))
		k, token, err := s.Accounts.CreateAPIKey(r.Context(), u, vals["name"], perMinute, perDay)
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
			s.renderAPIKeys(w, r, u, http.StatusUnprocessableEntity, FormView{Values: vals, Errors: errs}, APIKeysView{})
			return
		}
		if err != nil {
			s.Fail(w, r, err)
			return
		}
		// The key is shown on this response only (no-store, like every
		// page): it is never stored and cannot be shown again.
		s.renderAPIKeys(w, r, u, http.StatusCreated, FormView{}, APIKeysView{NewToken: token, NewName: k.Name})
	}, scheme.RoleAdmin))
}

func (s *Server) revokeAPIKey() http.Handler {
	return NoIndex(s.SignedIn(func(w http.ResponseWriter, r *http.Request, u scheme.User) {
		if err := s.Accounts.RevokeAPIKey(r.Context(), u, r.PathValue("id")); err != nil {
			s.Fail(w, r, err)
			return
		}
		SeeOther(w, r, "/admin/api-keys?done=revoked")
	}, scheme.RoleAdmin))
}
