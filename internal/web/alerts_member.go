package web

import (
	"cmp"
	"context"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"uglymugs/internal/scheme"
)

// Alerts, as members see them: the feed of alerts they received (filters,
// paging, unread marked), one alert with what other members added, adding
// to it, searching one's alerts for an identifier, and the printable
// bulletin organisations pass on. A member who did not receive an alert
// gets the same 404 as for one that does not exist. Alert pages are never
// indexed (X-Robots-Tag here; the meta tag in each view's "head") and,
// like every page, never cached.

// alMemberRoles receive alerts; alOrgRoles may also print bulletins.
var (
	alMemberRoles = []scheme.Role{scheme.RoleMember, scheme.RoleOrgContact, scheme.RoleOrgStaff}
	alOrgRoles    = []scheme.Role{scheme.RoleOrgContact, scheme.RoleOrgStaff}
)

const (
	alPageSize     = 20
	alBulletinDays = 30
)

// AlertKinds are the kinds of identifier, in words.
var AlertKinds = []struct{ Value, Label string }{
	{"phone", "Phone number"}, {"email", "Email address"}, {"vehicle", "Vehicle registration"},
	{"name", "Name or alias used"}, {"username", "Website or app username"},
}

func AlertKindName(kind string) string {
	for _, k := range AlertKinds {
		if k.Value == kind {
			return k.Label
		}
	}
	return kind
}

// NoIndex asks search engines not to index or follow anything on an
// alert page (the pages are members-only anyway: this is for a page that
// ever leaks through a proxy or a shared link).
func NoIndex(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Robots-Tag", "noindex, nofollow")
		next.ServeHTTP(w, r)
	})
}

// alMember runs next for an active member who receives alerts.
func (s *Server) alMember(next func(w http.ResponseWriter, r *http.Request, u scheme.User), roles ...scheme.Role) http.Handler {
	if len(roles) == 0 {
		roles = alMemberRoles
	}
	return NoIndex(s.SignedIn(next, roles...))
}

func alIsOrg(u scheme.User) bool { return slices.Contains(alOrgRoles, u.Role) }

// Location is the scheme's time zone, in which dates are shown and read.
func (s *Server) Location() *time.Location { return cmp.Or(s.Alerts.Loc, time.UTC) }

// AlertDate is a date without the time ("Monday 2 March 2026").
func (s *Server) AlertDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(s.Location()).Format("Monday 2 January 2006")
}

// ShortDate is a short date ("Mon 2 Mar 2026").
func (s *Server) ShortDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(s.Location()).Format("Mon 2 Jan 2006")
}

// SeverityView is a severity in words with its rank (for the bars).
type SeverityView struct {
	Severity     scheme.Severity
	SeverityName string
	SeverityRank int
}

func SeverityOf(sv scheme.Severity) SeverityView {
	return SeverityView{Severity: sv, SeverityName: cmp.Or(CaseSeverityNames[sv], string(sv)), SeverityRank: scheme.SeverityRank[sv]}
}

// AlertItemView is one alert in a list (the feed, search results, staff lists).
type AlertItemView struct {
	SeverityView
	ID, Title        string
	Withdrawn        bool
	Notice           string
	Unread           bool
	Types            string // names, comma-separated
	Area             string
	Regions          string // "London, Wales", or "All regions"
	Happened         string // the incident's date, in full
	HappenedShort    string
	Sent, Withdrawal string
}

// UnreadableAlert is what a list says of an alert whose stored text does
// not open (damaged): the rest of the list is shown as usual.
const UnreadableAlert = "This alert could not be read"

// AlertTitle is an alert's title in a list, or the plain words above.
func AlertTitle(a scheme.Alert) string {
	if a.Unreadable {
		return UnreadableAlert
	}
	return a.Title
}

func (s *Server) AlertItem(a scheme.Alert, l Lookups) AlertItemView {
	return AlertItemView{SeverityView: SeverityOf(a.Severity), ID: a.ID, Title: AlertTitle(a), Withdrawn: a.Status == scheme.AlertWithdrawn,
		Notice: a.Notice, Unread: a.ReadAt.IsZero(), Types: l.TypeList(a.IncidentTypes), Area: a.Area,
		Regions: AlertRegions(a, l), Happened: s.AlertDate(a.IncidentAt), HappenedShort: s.ShortDate(a.IncidentAt), Sent: s.ShortDate(a.PublishedAt), Withdrawal: s.ShortDate(a.WithdrawnAt)}
}

func AlertRegions(a scheme.Alert, l Lookups) string {
	if a.Nationwide {
		return "All regions"
	}
	names := make([]string, len(a.Regions))
	for i, r := range a.Regions {
		names[i] = cmp.Or(l.regionName[r], r)
	}
	return strings.Join(names, ", ")
}

// Option is one choice in a select or a list of boxes.
type Option struct {
	Value, Label string
	Selected     bool
}

// alIdent is an identifier published with an alert.
type alIdent struct{ Kind, Value, Extra string }

func alIdents(ids []scheme.Identifier) []alIdent {
	out := make([]alIdent, 0, len(ids))
	for _, id := range ids {
		extra := strings.Join(slices.DeleteFunc([]string{id.Make, id.Colour}, func(s string) bool { return strings.TrimSpace(s) == "" }), ", ")
		out = append(out, alIdent{Kind: AlertKindName(id.Kind), Value: id.Value, Extra: extra})
	}
	return out
}

// --- The feed ---

// AlertFeedView is the member's list of alerts, with the filters and the
// identifier search.
type AlertFeedView struct {
	Items                    []AlertItemView
	Unread                   int
	Org                      bool
	Region, Type, From, To   string // the filters as given
	Regions, Types           []Option
	Filtered, FilterProblems bool
	Errors                   map[string]string // the filters' problems, by field
	Older, Newest            string            // paging links
}

func (s *Server) alertFeed() http.Handler {
	return s.alMember(func(w http.ResponseWriter, r *http.Request, u scheme.User) {
		s.alRenderFeed(w, r, u, http.StatusOK, r.URL.Query())
	})
}

// alRenderFeed shows the feed as q asks (filters and page).
func (s *Server) alRenderFeed(w http.ResponseWriter, r *http.Request, u scheme.User, status int, q url.Values) {
	ctx := r.Context()
	l, err := s.Lookups(ctx)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	v := AlertFeedView{Org: alIsOrg(u), Errors: map[string]string{},
		Region: strings.TrimSpace(q.Get("region")), Type: strings.TrimSpace(q.Get("type")),
		From: strings.TrimSpace(q.Get("from")), To: strings.TrimSpace(q.Get("to"))}
	f := scheme.MemberAlertFilter{Limit: alPageSize + 1}
	if v.Region != "" {
		if _, ok := l.regionName[v.Region]; ok {
			f.Region = v.Region
		} else {
			v.Errors["region"] = "Choose a region from the list."
		}
	}
	if v.Type != "" {
		if _, ok := l.typeName[v.Type]; ok {
			f.Type = v.Type
		} else {
			v.Errors["type"] = "Choose a kind of incident from the list."
		}
	}
	day := func(name, value string) time.Time {
		if value == "" {
			return time.Time{}
		}
		d, err := time.ParseInLocation(time.DateOnly, value, s.Location())
		if err != nil {
			v.Errors[name] = "Give the date as year-month-day, for example " + time.Now().In(s.Location()).Format(time.DateOnly) + "."
		}
		return d
	}
	f.Since = day("from", v.From)
	if to := day("to", v.To); !to.IsZero() {
		f.Until = to.AddDate(0, 0, 1)
	}
	if !f.Since.IsZero() && !f.Until.IsZero() && !f.Since.Before(f.Until) {
		v.Errors["to"] = "The last day must be the same as or after the first day."
		f.Until = time.Time{}
	}
	if b := q.Get("before"); b != "" {
		if t, err := time.Parse(time.RFC3339Nano, b); err == nil {
			f.Before = t
		}
	}
	v.FilterProblems = len(v.Errors) > 0
	v.Filtered = v.Region != "" || v.Type != "" || v.From != "" || v.To != ""
	items, err := s.Alerts.Feed(ctx, u, f)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	// Paging keeps the filters: only the cursor (a time) changes.
	link := func(before time.Time) string {
		q := url.Values{}
		for k, val := range map[string]string{"region": v.Region, "type": v.Type, "from": v.From, "to": v.To} {
			if val != "" {
				q.Set(k, val)
			}
		}
		if !before.IsZero() {
			q.Set("before", before.UTC().Format(time.RFC3339Nano))
		}
		if len(q) == 0 {
			return "/alerts"
		}
		return "/alerts?" + q.Encode()
	}
	if len(items) > alPageSize {
		items = items[:alPageSize]
		v.Older = link(items[len(items)-1].PublishedAt)
	}
	if !f.Before.IsZero() {
		v.Newest = link(time.Time{})
	}
	for _, a := range items {
		v.Items = append(v.Items, s.AlertItem(a, l))
	}
	if v.Unread, err = s.Alerts.Unread(ctx, u); err != nil {
		s.Fail(w, r, err)
		return
	}
	v.Regions = []Option{{Value: "", Label: "Any region", Selected: v.Region == ""}}
	for _, x := range l.regions {
		v.Regions = append(v.Regions, Option{Value: x.Slug, Label: x.Name, Selected: x.Slug == v.Region})
	}
	v.Types = []Option{{Value: "", Label: "Any kind", Selected: v.Type == ""}}
	for _, x := range l.types {
		v.Types = append(v.Types, Option{Value: x.Slug, Label: x.Name, Selected: x.Slug == v.Type})
	}
	s.Render(w, r, status, "alert-feed", v)
}

// --- One alert ---

// AlertPageView is one alert as a member reads it.
type AlertPageView struct {
	AlertItemView
	Body        string
	Identifiers []alIdent
	Additions   []alAddition
	Org         bool
	// The "add information" form.
	AddBody, AddError string
	Added             bool
}

// alAddition is something a member added to the alert.
type alAddition struct {
	Body, When string
	Mine       bool
	Status     string
}

func (s *Server) alertPage() http.Handler {
	return s.alMember(func(w http.ResponseWriter, r *http.Request, u scheme.User) {
		s.alRenderAlert(w, r, u, http.StatusOK, AlertPageView{Added: r.URL.Query().Get("done") == "added"})
	})
}

// alRenderAlert shows one alert the member received (and marks it read);
// anyone else gets not found.
func (s *Server) alRenderAlert(w http.ResponseWriter, r *http.Request, u scheme.User, status int, v AlertPageView) {
	ctx := r.Context()
	a, err := s.Alerts.Open(ctx, u, r.PathValue("id"))
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	l, err := s.Lookups(ctx)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	v.AlertItemView, v.Org = s.AlertItem(a, l), alIsOrg(u)
	if a.Status == scheme.AlertPublished {
		v.Body, v.Identifiers = a.Body, alIdents(a.Identifiers)
		ads, err := s.Alerts.Additions(ctx, u, a.ID)
		if err != nil {
			s.Fail(w, r, err)
			return
		}
		for _, ad := range ads {
			v.Additions = append(v.Additions, alAddition{Body: ad.Body, When: s.AlertDate(ad.CreatedAt), Mine: ad.Mine, Status: ad.Status})
		}
	}
	s.Render(w, r, status, "alert-view", v)
}

func (s *Server) addAddition() http.Handler {
	return s.alMember(func(w http.ResponseWriter, r *http.Request, u scheme.User) {
		id, body := r.PathValue("id"), r.PostFormValue("body")
		if _, err := s.Alerts.AddAddition(r.Context(), u, id, body); err != nil {
			if scheme.ErrorCode(err) != scheme.CodeInvalid {
				s.Fail(w, r, err)
				return
			}
			s.alRenderAlert(w, r, u, http.StatusUnprocessableEntity, AlertPageView{AddBody: body, AddError: FormErrors(err)["body"]})
			return
		}
		SeeOther(w, r, "/alerts/"+url.PathEscape(id)+"?done=added#additions")
	})
}

// --- Printing ---

// AlertPrintView is one alert, or the bulletin of recent ones, laid out
// for paper.
type AlertPrintView struct {
	Items     []alPrintItem
	Single    bool
	Printed   string
	Days      int
	Withdrawn bool // the one alert asked for was withdrawn
}

type alPrintItem struct {
	AlertItemView
	Body        string
	Identifiers []alIdent
	Additions   []alAddition
}

func (s *Server) alPrintItemOf(ctx context.Context, a scheme.Alert, l Lookups) (alPrintItem, error) {
	it := alPrintItem{AlertItemView: s.AlertItem(a, l), Body: a.Body, Identifiers: alIdents(a.Identifiers)}
	// Only what coordinators approved goes on paper.
	ads, err := s.Alerts.ApprovedAdditions(ctx, a.ID)
	if err != nil {
		return it, err
	}
	for _, ad := range ads {
		it.Additions = append(it.Additions, alAddition{Body: ad.Body, When: s.AlertDate(ad.CreatedAt), Status: ad.Status})
	}
	return it, nil
}

func (s *Server) alertPrint() http.Handler {
	return s.alMember(func(w http.ResponseWriter, r *http.Request, u scheme.User) {
		ctx := r.Context()
		a, err := s.Alerts.Open(ctx, u, r.PathValue("id"))
		if err != nil {
			s.Fail(w, r, err)
			return
		}
		l, err := s.Lookups(ctx)
		if err != nil {
			s.Fail(w, r, err)
			return
		}
		v := AlertPrintView{Single: true, Printed: s.AlertDate(time.Now())}
		it, err := s.alPrintItemOf(ctx, a, l)
		if err != nil {
			s.Fail(w, r, err)
			return
		}
		v.Items, v.Withdrawn = []alPrintItem{it}, a.Status == scheme.AlertWithdrawn
		s.Render(w, r, http.StatusOK, "alert-print", v)
	}, alOrgRoles...)
}

func (s *Server) alertBulletin() http.Handler {
	return s.alMember(func(w http.ResponseWriter, r *http.Request, u scheme.User) {
		ctx := r.Context()
		as, err := s.Alerts.Feed(ctx, u, scheme.MemberAlertFilter{Since: time.Now().AddDate(0, 0, -alBulletinDays), Limit: 200})
		if err != nil {
			s.Fail(w, r, err)
			return
		}
		l, err := s.Lookups(ctx)
		if err != nil {
			s.Fail(w, r, err)
			return
		}
		v := AlertPrintView{Printed: s.AlertDate(time.Now()), Days: alBulletinDays}
		for _, a := range as {
			if a.Status != scheme.AlertPublished {
				continue
			}
			it, err := s.alPrintItemOf(ctx, a, l)
			if err != nil {
				s.Fail(w, r, err)
				return
			}
			v.Items = append(v.Items, it)
		}
		s.Render(w, r, http.StatusOK, "alert-print", v)
	}, alOrgRoles...)
}
