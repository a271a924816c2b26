package api

import (
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"uglymugs/internal/alert"
	"uglymugs/internal/i18n"
	"uglymugs/internal/scheme"
	"uglymugs/internal/web/core"
)

// Alerts in the JSON API (docs/openapi.yaml, tag "alerts"). Coordinators
// write, approve, publish, edit and withdraw them and follow their
// delivery; members read the alerts they received and add to them. A
// member asking for an alert they did not receive gets 404, as for one
// that does not exist, so that alert ids reveal nothing.

// memberRoles are the accounts that receive alerts; coordinators and
// admins read the same endpoints with the coordinators' view.
var memberRoles = []scheme.Role{scheme.RoleMember, scheme.RoleOrgContact, scheme.RoleOrgStaff}

// readerRoles may read alerts: active members, and coordinators.
var readerRoles = append(slices.Clone(memberRoles), scheme.RoleCoordinator)

// staffView reports whether u gets the coordinators' view of alerts.
func staffView(u scheme.User) bool { return core.Allowed(u, []scheme.Role{scheme.RoleCoordinator}) }

// staffAlertJSON is an alert as coordinators see it: everything, with the
// lists that are empty written as [] rather than left out.
type staffAlertJSON struct {
	scheme.Alert
	ReportIDs        []string              `json:"report_ids"`
	Flags            []scheme.AlertFlag    `json:"anonymisation_flags"`
	ApprovalRequired *bool                 `json:"approval_required,omitempty"`
	Audience         *scheme.Audience      `json:"audience,omitempty"`
	Versions         []scheme.AlertVersion `json:"versions,omitzero"`
	Additions        []scheme.Addition     `json:"additions,omitzero"`
}

// memberAlertJSON is an alert as members see it (scheme.Alert.ForMembers):
// no reports, flags or authors; a withdrawn alert carries only its notice.
// Its title and body are in the reader's language when a coordinator
// translated them (translated true), else the original; language says
// which language they are in.
type memberAlertJSON struct {
	scheme.Alert
	Language   string            `json:"language"`
	Translated bool              `json:"translated"`
	Additions  []scheme.Addition `json:"additions,omitzero"`
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

func fillLists(a *scheme.Alert) {
	a.Regions, a.Sectors, a.Genders = nonNil(a.Regions), nonNil(a.Sectors), nonNil(a.Genders)
	a.IncidentTypes, a.Identifiers = nonNil(a.IncidentTypes), nonNil(a.Identifiers)
}

func staffAlert(a scheme.Alert) staffAlertJSON {
	fillLists(&a)
	return staffAlertJSON{Alert: a, ReportIDs: nonNil(a.ReportIDs), Flags: nonNil(a.Flags)}
}

// memberAlert is a as a reader of language code sees it.
func memberAlert(a scheme.Alert, code string) memberAlertJSON {
	a = a.ForMembers()
	fillLists(&a)
	out := memberAlertJSON{Language: scheme.OriginalLanguage}
	if a.Status == scheme.AlertPublished {
		if a.Title, a.Body, out.Translated = a.In(code); out.Translated {
			out.Language = code
		}
	}
	a.Translations = nil // only the text in her language
	// Identifiers as published, without the indexed forms (as reporters
	// see their own).
	ids := make([]scheme.Identifier, len(a.Identifiers))
	for i, id := range a.Identifiers {
		id.Normalised = ""
		ids[i] = id
	}
	a.Identifiers = ids
	out.Alert = a
	return out
}

// readerLanguage is the code of the language r is answered in.
func readerLanguage(r *http.Request) string {
	l, _ := i18n.FromContext(r.Context())
	return l.Code
}

// staffAlertDetail adds to one alert what a coordinator needs beside it:
// whether publishing waits for a second coordinator, who it would reach
// (drafts), its published versions and the members' additions.
func (s *server) staffAlertDetail(r *http.Request, a scheme.Alert, viewer scheme.User) (staffAlertJSON, error) {
	out := staffAlert(a)
	ctx := r.Context()
	if a.Status == scheme.AlertDraft {
		req, err := s.Alerts.RequireApproval(ctx)
		if err != nil {
			return out, err
		}
		aud, err := s.Alerts.Audience(ctx, a.ID)
		if err != nil {
			return out, err
		}
		out.ApprovalRequired, out.Audience = &req, &aud
	}
	vs, err := s.Alerts.Versions(ctx, a.ID)
	if err != nil {
		return out, err
	}
	ads, err := s.Alerts.AllAdditions(ctx, viewer, a.ID)
	if err != nil {
		return out, err
	}
	out.Versions, out.Additions = nonNil(vs), nonNil(ads)
	return out, nil
}

func (s *server) createAlert() http.Handler {
	return s.tokenAuth(withJSON(s, func(r *http.Request, u scheme.User, in alert.Input) (int, any, error) {
		a, created, err := s.Alerts.Write(r.Context(), u, in)
		if err != nil {
			return 0, nil, err
		}
		status := http.StatusCreated
		if !created {
			status = http.StatusOK // the draft these reports already have
		}
		out, err := s.storedAlert(r, a.ID, u)
		return status, out, err
	}), scheme.RoleCoordinator)
}

// writeStaffAlert answers with the alert as it is now stored, in full.
func (s *server) writeStaffAlert(w http.ResponseWriter, r *http.Request, status int, id string, u scheme.User) {
	out, err := s.storedAlert(r, id, u)
	if err != nil {
		s.APIFail(w, r, err)
		return
	}
	core.WriteJSON(w, status, out)
}

// storedAlert is the alert as it is now stored, in full, for staff.
func (s *server) storedAlert(r *http.Request, id string, u scheme.User) (any, error) {
	a, err := s.Alerts.Alert(r.Context(), id)
	if err != nil {
		return nil, err
	}
	return s.staffAlertDetail(r, a, u)
}

func (s *server) listAlerts(w http.ResponseWriter, r *http.Request, u scheme.User) error {
	q := r.URL.Query()
	if staffView(u) {
		var f scheme.AlertFilter
		if st := q.Get("status"); st != "" {
			switch scheme.AlertStatus(st) {
			case scheme.AlertDraft, scheme.AlertPublished, scheme.AlertWithdrawn:
				f.Statuses = []scheme.AlertStatus{scheme.AlertStatus(st)}
			default:
				s.APIFail(w, r, &scheme.Error{Code: scheme.CodeInvalid, Message: "Unknown status.",
					Fields: map[string]string{"status": "Use draft, published or withdrawn."}})
				return nil
			}
		}
		var as []scheme.Alert
		switch review := q.Get("review"); review {
		case "":
			list, err := s.Alerts.List(r.Context(), u, f)
			if err != nil {
				return err
			}
			as = list
		case scheme.ReviewPending:
			queue, err := s.Alerts.Urgent.ReviewQueue(r.Context(), u, scheme.Page{})
			if err != nil {
				return err
			}
			as = queue.Items
		default:
			return &scheme.Error{Code: scheme.CodeInvalid, Message: "Unknown review state.", Fields: map[string]string{"review": "Use pending, for the urgent alerts waiting for review."}}
		}
		items := make([]staffAlertJSON, len(as))
		for i, a := range as {
			items[i] = staffAlert(a)
		}
		core.WriteJSON(w, http.StatusOK, map[string]any{"items": items})
		return nil
	}
	f, err := s.feedFilter(r)
	if err != nil {
		return err
	}
	as, err := s.Alerts.Feed(r.Context(), u, f)
	if err != nil {
		return err
	}
	items := make([]memberAlertJSON, len(as))
	for i, a := range as {
		items[i] = memberAlert(a, readerLanguage(r))
	}
	out := map[string]any{"items": items}
	if len(as) == f.Limit {
		out["next_before"] = as[len(as)-1].PublishedAt.UTC().Format(time.RFC3339Nano)
	}
	core.WriteJSON(w, http.StatusOK, out)
	return nil
}

const (
	defaultFeedLimit = 50
	maxFeedLimit     = 100
)

// feedFilter reads a member's feed filters from the query, naming every
// problem at once. Dates are days on the scheme's clock: since is the
// first day shown, until the last.
func (s *server) feedFilter(r *http.Request) (scheme.MemberAlertFilter, error) {
	q := r.URL.Query()
	f := scheme.MemberAlertFilter{Region: strings.TrimSpace(q.Get("region")), Type: strings.TrimSpace(q.Get("type")), Limit: defaultFeedLimit}
	problems := map[string]string{}
	l, err := s.Content.Lists(r.Context())
	if err != nil {
		return scheme.MemberAlertFilter{}, err
	}
	if f.Region != "" && !slices.ContainsFunc(l.Regions, func(x scheme.Region) bool { return x.Slug == f.Region }) {
		problems["region"] = "Use a region slug from GET /api/v1/regions."
	}
	if f.Type != "" {
		if !slices.ContainsFunc(l.Types, func(x scheme.IncidentType) bool { return x.Slug == f.Type }) {
			problems["type"] = "Use one of the scheme's incident type slugs."
		}
	}
	day := func(name string) time.Time {
		v := strings.TrimSpace(q.Get(name))
		if v == "" {
			return time.Time{}
		}
		d, err := time.ParseInLocation(time.DateOnly, v, s.Alerts.Loc)
		if err != nil {
			problems[name] = "Give a date as year-month-day, e.g. 2025-03-07."
		}
		return d
	}
	f.Since = day("since")
	if until := day("until"); !until.IsZero() {
		f.Until = until.AddDate(0, 0, 1)
	}
	if !f.Since.IsZero() && !f.Until.IsZero() && !f.Since.Before(f.Until) {
		problems["until"] = "The last day must not be before the first."
	}
	if v := strings.TrimSpace(q.Get("before")); v != "" {
		t, err := time.Parse(time.RFC3339Nano, v)
		if err != nil {
			problems["before"] = "Give the next_before of the previous page (an RFC 3339 time)."
		}
		f.Before = t
	}
	if v := strings.TrimSpace(q.Get("limit")); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxFeedLimit {
			problems["limit"] = "Give a number from 1 to 100."
		}
		f.Limit = n
	}
	if len(problems) > 0 {
		return f, scheme.Invalid(problems)
	}
	return f, nil
}

func (s *server) getAlert(w http.ResponseWriter, r *http.Request, u scheme.User) error {
	id := r.PathValue("id")
	if staffView(u) {
		s.writeStaffAlert(w, r, http.StatusOK, id, u)
		return nil
	}
	a, err := s.Alerts.Open(r.Context(), u, id)
	if err != nil {
		return err
	}
	out := memberAlert(a, readerLanguage(r))
	if a.Status == scheme.AlertPublished {
		ads, err := s.Alerts.Additions(r.Context(), u, a.ID)
		if err != nil {
			return err
		}
		out.Additions = nonNil(ads)
	}
	core.WriteJSON(w, http.StatusOK, out)
	return nil
}

func (s *server) updateAlert() http.Handler {
	return s.tokenAuth(withJSON(s, func(r *http.Request, u scheme.User, in alert.Input) (int, any, error) {
		a, err := s.Alerts.Update(r.Context(), u, r.PathValue("id"), in)
		if err != nil {
			return 0, nil, err
		}
		out, err := s.storedAlert(r, a.ID, u)
		return http.StatusOK, out, err
	}), scheme.RoleCoordinator)
}

func (s *server) approveAlert(w http.ResponseWriter, r *http.Request, u scheme.User) error {
	if err := s.Alerts.Approve(r.Context(), u, r.PathValue("id")); err != nil {
		return err
	}
	s.writeStaffAlert(w, r, http.StatusOK, r.PathValue("id"), u)
	return nil
}

// decodeOptional decodes a body into v if there is one: an empty body is
// the same as {}.
func decodeOptional(r *http.Request, v any) error {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return scheme.Errorf(scheme.CodeInvalid, "The request is too large.")
	}
	if len(strings.TrimSpace(string(body))) == 0 {
		return nil
	}
	r.Body = io.NopCloser(strings.NewReader(string(body)))
	return decode(r, v)
}

// publishAlert publishes a draft: the usual way, or {"urgent": true}
// alone out of office hours by a coordinator on call (refused, with the
// reason, otherwise).
func (s *server) publishAlert(w http.ResponseWriter, r *http.Request, u scheme.User) error {
	var in alert.PublishInput
	if err := decodeOptional(r, &in); err != nil {
		return err
	}
	id := r.PathValue("id")
	aud, err := s.Alerts.PublishWith(r.Context(), u, id, in)
	if err != nil {
		return err
	}
	out := map[string]any{"id": id, "status": scheme.AlertPublished, "recipients": aud, "urgent": in.Urgent}
	if in.Urgent {
		a, err := s.Alerts.Alert(r.Context(), id)
		if err != nil {
			return err
		}
		out["review"] = a.Review
	}
	core.WriteJSON(w, http.StatusOK, out)
	return nil
}

// confirmAlert is a second coordinator's review of an urgent alert: it
// stands as it is. (To change it, PATCH it; to take it back, withdraw it.)
func (s *server) confirmAlert(w http.ResponseWriter, r *http.Request, u scheme.User) error {
	if err := s.Alerts.Urgent.Confirm(r.Context(), u, r.PathValue("id")); err != nil {
		return err
	}
	s.writeStaffAlert(w, r, http.StatusOK, r.PathValue("id"), u)
	return nil
}

func (s *server) withdrawAlert() http.Handler {
	return s.tokenAuth(withJSON(s, func(r *http.Request, u scheme.User, in struct {
		Notice string `json:"notice"`
	}) (int, any, error) {
		if err := s.Alerts.Withdraw(r.Context(), u, r.PathValue("id"), in.Notice); err != nil {
			return 0, nil, err
		}
		out, err := s.storedAlert(r, r.PathValue("id"), u)
		return http.StatusOK, out, err
	}), scheme.RoleCoordinator)
}

// deliveryStates are the states of email and SMS deliveries: each is
// counted, 0 when there are none, so that clients need not guess.
var deliveryStates = []string{scheme.DeliveryQueued, scheme.DeliverySending, scheme.DeliverySent, scheme.DeliveryRetrying,
	scheme.DeliveryFailed, scheme.DeliveryCancelled, scheme.DeliveryOutbox}

func (s *server) listDeliveries(w http.ResponseWriter, r *http.Request, u scheme.User) error {
	d, err := s.Alerts.Deliveries(r.Context(), u, r.PathValue("id"), scheme.Page{}) // the latest MaxFailuresShown
	if err != nil {
		return err
	}
	counts := d.Counts
	for _, ch := range []string{"email", "sms", "push"} {
		if counts[ch] == nil {
			counts[ch] = map[string]int{}
		}
		for _, st := range deliveryStates {
			counts[ch][st] += 0
		}
	}
	for _, st := range []string{"delivered", "read"} {
		counts["in_app"][st] += 0
	}
	core.WriteJSON(w, http.StatusOK, map[string]any{"id": d.Alert.ID, "status": d.Alert.Status, "counts": counts,
		"failures": nonNil(d.Failures.Items), "paused": nonNil(d.Paused)})
	return nil
}

func (s *server) retryDeliveries() http.Handler {
	return s.tokenAuth(withJSON(s, func(r *http.Request, u scheme.User, in struct {
		Channel string `json:"channel"`
	}) (int, any, error) {
		id := r.PathValue("id")
		n, err := s.Alerts.RetryDeliveries(r.Context(), u, id, in.Channel)
		return http.StatusOK, map[string]any{"id": id, "channel": in.Channel, "queued": n}, err
	}), scheme.RoleCoordinator)
}

func (s *server) addAddition() http.Handler {
	return s.tokenAuth(withJSON(s, func(r *http.Request, u scheme.User, in struct {
		Body string `json:"body"`
	}) (int, any, error) {
		ad, err := s.Alerts.AddAddition(r.Context(), u, r.PathValue("id"), in.Body)
		return http.StatusCreated, ad, err
	}), memberRoles...)
}
