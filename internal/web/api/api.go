package api

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"strings"
	"time"

	"uglymugs/internal/account"
	"uglymugs/internal/scheme"
	"uglymugs/internal/web/core"
)

// The JSON API under /api/v1, for the mobile app, partner tools and
// acceptance tests; documented in docs/openapi.yaml. Errors are
// {"error":{"code":…,"message":…,"fields":{…}}}.

// withJSON reads the request's JSON into In and answers with what do
// returns: a status and a value written as JSON. A body that does not read,
// or an error from do, is the API's error answer instead.
func withJSON[In any](s *server, do func(r *http.Request, u scheme.User, in In) (int, any, error)) core.Handler {
	return func(w http.ResponseWriter, r *http.Request, u scheme.User) error {
		var in In
		if err := decode(r, &in); err != nil {
			return err
		}
		status, out, err := do(r, u, in)
		if err != nil {
			return err
		}
		core.WriteJSON(w, status, out)
		return nil
	}
}

// public serves h to anyone: nobody is signed in.
func (s *server) public(h core.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r, scheme.User{}); err != nil {
			s.APIFail(w, r, err)
		}
	})
}

// decode reads a JSON body into v, refusing unknown fields and trailing
// data, with a message that says what is wrong.
func decode(r *http.Request, v any) error {
	if ct := r.Header.Get("Content-Type"); ct != "" && !strings.HasPrefix(ct, "application/json") {
		return scheme.Errorf(scheme.CodeInvalid, "Send JSON, with Content-Type: application/json.")
	}
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var mbe *http.MaxBytesError
		var ute *json.UnmarshalTypeError
		switch {
		case errors.As(err, &mbe):
			return scheme.Errorf(scheme.CodeInvalid, "The request is too large.")
		case errors.As(err, &ute):
			return &scheme.Error{Code: scheme.CodeInvalid, Message: "A field has the wrong type.",
				Fields: map[string]string{ute.Field: fmt.Sprintf("Expected %s.", ute.Type)}}
		case errors.Is(err, io.EOF):
			return scheme.Errorf(scheme.CodeInvalid, "The request body is empty: send a JSON object.")
		case strings.HasPrefix(err.Error(), "json: unknown field "):
			f := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
			return &scheme.Error{Code: scheme.CodeInvalid, Message: "Unknown field.", Fields: map[string]string{f: "This field is not part of the API."}}
		}
		return scheme.Errorf(scheme.CodeInvalid, "The request body is not valid JSON.")
	}
	if dec.More() {
		return scheme.Errorf(scheme.CodeInvalid, "Send one JSON object only.")
	}
	normaliseText(reflect.ValueOf(v))
	return nil
}

// normaliseText makes the line breaks of every string decode filled in
// "\n", as normaliseForms does for forms: text enters by every door with
// one kind of line break.
func normaliseText(v reflect.Value) {
	switch v.Kind() {
	case reflect.Pointer:
		if !v.IsNil() {
			normaliseText(v.Elem())
		}
	case reflect.Interface:
		if v.IsNil() || !v.CanSet() {
			return
		}
		c := reflect.New(v.Elem().Type()).Elem()
		c.Set(v.Elem())
		normaliseText(c)
		v.Set(c)
	case reflect.String:
		if v.CanSet() {
			v.SetString(scheme.NormaliseLineBreaks(v.String()))
		}
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				normaliseText(v.Field(i))
			}
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			normaliseText(v.Index(i))
		}
	case reflect.Map:
		iter := v.MapRange()
		for iter.Next() {
			c := reflect.New(iter.Value().Type()).Elem()
			c.Set(iter.Value())
			normaliseText(c)
			v.SetMapIndex(iter.Key(), c)
		}
	}
}

// bearer returns the API token of a request.
func bearer(r *http.Request) string {
	authScheme, token, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	if !ok || !strings.EqualFold(authScheme, "Bearer") {
		return ""
	}
	return strings.TrimSpace(token)
}

// tokenAuth runs next with the token's user if their role is one of roles
// (any role when none are given).
func (s *server) tokenAuth(next core.Handler, roles ...scheme.Role) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u, err := s.Accounts.Authenticate(r.Context(), bearer(r), scheme.SessionAPI)
		if err != nil {
			w.Header().Set("WWW-Authenticate", `Bearer realm="uglymugs"`)
			s.APIFail(w, r, err)
			return
		}
		r = core.AsUser(r, u, s.Words)
		if !core.Allowed(u, roles) {
			s.APIFail(w, r, core.ErrForbidden)
			return
		}
		if !termsFree[r.Pattern] {
			if err := s.termsGate(r, u); err != nil {
				s.APIFail(w, r, err)
				return
			}
		}
		if err := next(w, r, u); err != nil {
			s.APIFail(w, r, err)
		}
	})
}

// A member who has not accepted the current terms may do nothing else
// until she does, as on the web (core.TermsGate), but read her account,
// the terms, accept them, choose her language (a change of her details
// waits: patchMe), download her data, leave and sign out.
var (
	termsFree = map[string]bool{"GET /api/v1/me": true, "PATCH /api/v1/me": true, "POST /api/v1/me/terms": true, "GET /api/v1/me/export": true,
		"DELETE /api/v1/me": true, "DELETE /api/v1/session": true}
	errTermsChanged error = scheme.Errorf(scheme.CodeForbidden, "The terms and conditions have changed: read the current version and accept it.")
)

// termsGate refuses u while she has terms to accept.
func (s *server) termsGate(r *http.Request, u scheme.User) error {
	v, err := s.Content.TermsToAccept(r.Context(), u)
	if err != nil || v != 0 {
		return cmp.Or(err, errTermsChanged)
	}
	return nil
}

func (s *server) signIn() http.Handler {
	return s.public(withJSON(s, func(r *http.Request, _ scheme.User, in account.SignInInput) (int, any, error) {
		sess, err := s.Accounts.SignIn(r.Context(), in, scheme.SessionAPI)
		return http.StatusCreated, map[string]any{"token": sess.Token, "expires_at": sess.Expires.UTC().Format(time.RFC3339)}, err
	}))
}

func (s *server) signOut(w http.ResponseWriter, r *http.Request, _ scheme.User) error {
	if err := s.Accounts.SignOut(r.Context(), bearer(r)); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *server) getTerms() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t, err := s.Content.CurrentTerms(r.Context())
		if err != nil {
			s.APIFail(w, r, err)
			return
		}
		core.WriteJSON(w, http.StatusOK, map[string]any{"version": t.Version, "text": t.Body, "published_at": t.PublishedAt.UTC().Format(time.RFC3339)})
	})
}

// regionJSON is a region with the towns it offers (GET /api/v1/regions).
type regionJSON struct {
	Slug        string     `json:"slug"`
	Name        string     `json:"name"`
	PhoneRegion string     `json:"phone_region"`
	Towns       []townJSON `json:"towns"`
}

type townJSON struct {
	Slug string `json:"slug"`
	Name string `json:"name"`
}

func (s *server) listRegions() http.Handler {
	return s.public(func(w http.ResponseWriter, r *http.Request, _ scheme.User) error {
		l, err := s.Content.Lists(r.Context())
		if err != nil {
			return err
		}
		l = l.Offered() // a retired region is offered no more
		all, err := s.Towns.All(r.Context())
		if err != nil {
			return err
		}
		out := make([]regionJSON, len(l.Regions))
		for i, x := range l.Regions {
			out[i] = regionJSON{Slug: x.Slug, Name: x.Name, PhoneRegion: x.Phone, Towns: []townJSON{}}
			for _, t := range all.Offered(x.Slug) {
				out[i].Towns = append(out[i].Towns, townJSON{Slug: t.Slug, Name: t.Name})
			}
		}
		core.WriteJSON(w, http.StatusOK, out)
		return nil
	})
}

func (s *server) apply() http.Handler {
	return s.public(withJSON(s, func(r *http.Request, _ scheme.User, in account.ApplicationInput) (int, any, error) {
		in.Language = core.Loc(r).Language.Code
		a, err := s.Accounts.Apply(r.Context(), in)
		return http.StatusCreated, map[string]string{"id": a.ID, "status": string(a.Status)}, err
	}))
}

// applicationJSON is an application in the vetting queue.
type applicationJSON struct {
	ID                  string        `json:"id"`
	UserID              string        `json:"user_id"`
	Type                string        `json:"type"`
	Status              string        `json:"status"`
	SubmittedAt         string        `json:"submitted_at"`
	WaitingWorkingHours float64       `json:"waiting_working_hours"`
	Flags               []scheme.Flag `json:"flags"`
}

func (s *server) listApplications(w http.ResponseWriter, r *http.Request, u scheme.User) error {
	var f scheme.ApplicationFilter
	if st := r.URL.Query().Get("status"); st != "" {
		switch scheme.ApplicationStatus(st) {
		case scheme.ApplicationPending, scheme.ApplicationInfoRequested, scheme.ApplicationApproved, scheme.ApplicationRejected:
			f.Statuses = []scheme.ApplicationStatus{scheme.ApplicationStatus(st)}
		default:
			s.APIFail(w, r, &scheme.Error{Code: scheme.CodeInvalid, Message: "Unknown status.",
				Fields: map[string]string{"status": "Use pending, info_requested, approved or rejected."}})
			return nil
		}
	}
	apps, err := s.Accounts.Queue(r.Context(), f, scheme.Page{}) // the whole list: the API has no pages
	if err != nil {
		return err
	}
	items := make([]applicationJSON, len(apps.Items))
	for i, a := range apps.Items {
		items[i] = applicationJSON{ID: a.ID, UserID: a.UserID, Type: string(a.Type), Status: string(a.Status),
			SubmittedAt: a.SubmittedAt.UTC().Format(time.RFC3339), WaitingWorkingHours: a.WaitingHours, Flags: a.Flags}
		if items[i].Flags == nil {
			items[i].Flags = []scheme.Flag{}
		}
	}
	core.WriteJSON(w, http.StatusOK, map[string]any{"items": items})
	return nil
}

func (s *server) decide(d scheme.Decision) http.Handler {
	return s.tokenAuth(func(w http.ResponseWriter, r *http.Request, u scheme.User) error {
		var in struct {
			Reason   string `json:"reason"`
			Question string `json:"question"`
		}
		if body, err := io.ReadAll(r.Body); err != nil {
			return scheme.Errorf(scheme.CodeInvalid, "The request is too large.")
		} else if len(strings.TrimSpace(string(body))) > 0 {
			r.Body = io.NopCloser(strings.NewReader(string(body)))
			if err := decode(r, &in); err != nil {
				return err
			}
		}
		text := in.Reason
		if d == scheme.RequestInfo {
			text = in.Question
		}
		a, err := s.Accounts.Decide(r.Context(), u.ID, r.PathValue("id"), d, text)
		if err != nil {
			return err
		}
		core.WriteJSON(w, http.StatusOK, map[string]string{"id": a.ID, "status": string(a.Status)})
		return nil
	}, scheme.RoleCoordinator)
}

func (s *server) getMe(w http.ResponseWriter, r *http.Request, u scheme.User) error {
	me, err := s.Accounts.Me(r.Context(), u)
	if err != nil {
		return err
	}
	out, err := s.withDiscreet(r, u, me)
	if err != nil {
		return err
	}
	core.WriteJSON(w, http.StatusOK, out)
	return nil
}

func (s *server) exportMine(w http.ResponseWriter, r *http.Request, u scheme.User) error {
	e, err := s.Accounts.ExportData(r.Context(), u)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Disposition", `attachment; filename="my-data.json"`)
	core.WriteJSON(w, http.StatusOK, e)
	return nil
}

func (s *server) leave(w http.ResponseWriter, r *http.Request, u scheme.User) error {
	if err := s.Accounts.Leave(r.Context(), u); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *server) revokeMember(w http.ResponseWriter, r *http.Request, u scheme.User) error {
	var in struct {
		Reason string `json:"reason"`
	}
	if err := decode(r, &in); err != nil {
		return err
	}
	if err := s.Accounts.Revoke(r.Context(), u, r.PathValue("id"), in.Reason); err != nil {
		return err
	}
	core.WriteJSON(w, http.StatusOK, map[string]string{"id": r.PathValue("id"), "status": scheme.StatusRevoked})
	return nil
}

func (s *server) notFound() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.APIFail(w, r, scheme.Errorf(scheme.CodeNotFound, "There is no such API endpoint."))
	})
}
