package member

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"uglymugs/internal/check"
	"uglymugs/internal/scheme"
	"uglymugs/internal/web/core"
)

// Alerts, as members see them: the feed of alerts they received (filters,
// paging, unread marked), one alert with what other members added, adding
// to it, searching one's alerts for an identifier, and the printable
// bulletin organisations pass on. A member who did not receive an alert
// gets the same 404 as for one that does not exist. Alert pages are never
// indexed (X-Robots-Tag here; the meta tag in each view's "head") and,
// like every page, never cached.

// memberRoles receive alerts; orgRoles may also print bulletins.
var (
	memberRoles = []scheme.Role{scheme.RoleMember, scheme.RoleOrgContact, scheme.RoleOrgStaff}
	orgRoles    = []scheme.Role{scheme.RoleOrgContact, scheme.RoleOrgStaff}
)

const bulletinDays = 30

// membersOnly runs next for an active member who receives alerts.
func (s *server) membersOnly(next core.Handler, roles ...scheme.Role) http.Handler {
	if len(roles) == 0 {
		roles = memberRoles
	}
	return core.NoIndex(s.SignedIn(next, roles...))
}

func isOrg(u scheme.User) bool { return slices.Contains(orgRoles, u.Role) }

// ident is an identifier published with an alert; CheckKind is its kind
// for the check ("" for a name, which the check does not take).
type ident struct{ Kind, Value, Extra, CheckKind string }

func alertIdents(ids []scheme.Identifier) []ident {
	out := make([]ident, 0, len(ids))
	for _, id := range ids {
		extra := strings.Join(slices.DeleteFunc([]string{id.Make, id.Colour}, func(s string) bool { return strings.TrimSpace(s) == "" }), ", ")
		it := ident{Kind: core.AlertKindName(id.Kind), Value: id.Value, Extra: extra}
		if slices.Contains(check.Kinds, id.Kind) && !id.Partial {
			it.CheckKind = id.Kind
		}
		out = append(out, it)
	}
	return out
}

// AlertFeedView is the member's list of alerts, with the filters and the
// identifier search.
type AlertFeedView struct {
	Items                    []core.AlertItemView
	Unread                   int
	Org                      bool
	Region, Type, From, To   string // the filters as given
	Regions, Types           []core.Option
	Filtered, FilterProblems bool
	Errors                   map[string]string // the filters' problems, by field
	Pager                    core.Pager        // keeps the filters
}

// alertFeed shows the feed as the query asks (filters and page).
func (s *server) alertFeed(w http.ResponseWriter, r *http.Request, u scheme.User) error {
	ctx, q, loc := r.Context(), r.URL.Query(), core.Loc(r)
	l, err := s.Content.Lists(r.Context())
	if err != nil {
		return err
	}
	v := AlertFeedView{Org: isOrg(u), Errors: map[string]string{},
		Region: strings.TrimSpace(q.Get("region")), Type: strings.TrimSpace(q.Get("type")),
		From: strings.TrimSpace(q.Get("from")), To: strings.TrimSpace(q.Get("to"))}
	var f scheme.MemberAlertFilter
	if v.Region != "" {
		if l.RegionName(v.Region) != "" {
			f.Region = v.Region
		} else {
			v.Errors["region"] = loc.T("Choose a region from the list.")
		}
	}
	if v.Type != "" {
		if l.TypeName(v.Type) != "" {
			f.Type = v.Type
		} else {
			v.Errors["type"] = loc.T("Choose a kind of incident from the list.")
		}
	}
	day := func(name, value string) time.Time {
		if value == "" {
			return time.Time{}
		}
		d, err := time.ParseInLocation(time.DateOnly, value, s.Location())
		if err != nil {
			v.Errors[name] = loc.T("Give the date as year-month-day, for example {{.Example}}.", map[string]any{"Example": time.Now().In(s.Location()).Format(time.DateOnly)})
		}
		return d
	}
	f.Since = day("from", v.From)
	if to := day("to", v.To); !to.IsZero() {
		f.Until = to.AddDate(0, 0, 1)
	}
	if !f.Since.IsZero() && !f.Until.IsZero() && !f.Since.Before(f.Until) {
		v.Errors["to"] = loc.T("The last day must be the same as or after the first day.")
		f.Until = time.Time{}
	}
	v.FilterProblems = len(v.Errors) > 0
	v.Filtered = v.Region != "" || v.Type != "" || v.From != "" || v.To != ""
	page := core.PageFrom(r)
	items, err := s.Alerts.FeedPage(ctx, u, f, page)
	if err != nil {
		return err
	}
	v.Pager = core.NewPager(r.URL.Query(), "/alerts", page, items.Total)
	for _, a := range items.Items {
		v.Items = append(v.Items, alertItem(r, s.AlertItem(core.Loc(r), a, l), a))
	}
	if v.Unread, err = s.Alerts.Unread(ctx, u); err != nil {
		return err
	}
	v.Regions, v.Types = core.RegionChoices(l, v.Region), core.TypeChoices(l, v.Type)
	s.Render(w, r, http.StatusOK, viewAlertFeed, v)
	return nil
}

// alertItem is it in r's language: the kinds of incident, the regions and
// the words for an alert that cannot be read (the dates, and the alert's
// own words, stay as they are).
func alertItem(r *http.Request, it core.AlertItemView, a scheme.Alert) core.AlertItemView {
	if a.Status == scheme.AlertPublished && !a.Unreadable {
		it.Title, _, it.TextLang = core.AlertText(r, a)
	}
	return it
}

// AlertPageView is one alert as a member reads it.
type AlertPageView struct {
	core.AlertItemView
	Body        string
	Identifiers []ident
	Additions   []addition
	Org         bool
	Towns       string // the towns it names, as the scheme calls them
	// The "add information" form.
	AddBody, AddError string
	Added             bool
}

// addition is something a member added to the alert.
type addition struct {
	Body, When string
	Mine       bool
	Status     string
	Lang       string // the language it was written in, if known
}

func (s *server) alertPage(w http.ResponseWriter, r *http.Request, u scheme.User) error {
	s.renderAlert(w, r, u, http.StatusOK, AlertPageView{Added: r.URL.Query().Get("done") == "added"})
	return nil
}

// renderAlert shows one alert the member received (and marks it read);
// anyone else gets not found.
func (s *server) renderAlert(w http.ResponseWriter, r *http.Request, u scheme.User, status int, v AlertPageView) {
	ctx := r.Context()
	a, err := s.Alerts.Open(ctx, u, r.PathValue("id"))
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	l, err := s.Content.Lists(r.Context())
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	v.AlertItemView, v.Org = alertItem(r, s.AlertItem(core.Loc(r), a, l), a), isOrg(u)
	if a.Status == scheme.AlertPublished {
		_, v.Body, _ = core.AlertText(r, a)
		v.Identifiers = alertIdents(a.Identifiers)
		if len(a.Towns) > 0 {
			all, err := s.Towns.All(ctx)
			if err != nil {
				s.Fail(w, r, err)
				return
			}
			names := make([]string, len(a.Towns))
			for i, t := range a.Towns {
				names[i] = all.Name(t)
			}
			v.Towns = strings.Join(names, core.Loc(r).T(", "))
		}
		ads, err := s.Alerts.Additions(ctx, u, a.ID)
		if err != nil {
			s.Fail(w, r, err)
			return
		}
		for _, ad := range ads {
			v.Additions = append(v.Additions, addition{Body: ad.Body, When: s.Date(core.Loc(r), ad.CreatedAt, core.Weekday), Mine: ad.Mine, Status: ad.Status, Lang: ad.Language})
		}
	}
	s.Render(w, r, status, viewAlertView, v)
}

func (s *server) addAddition(w http.ResponseWriter, r *http.Request, u scheme.User) error {
	id, body := r.PathValue("id"), r.PostFormValue("body")
	if _, err := s.Alerts.AddAddition(r.Context(), u, id, body); err != nil {
		if scheme.ErrorCode(err) != scheme.CodeInvalid {
			return err
		}
		s.renderAlert(w, r, u, http.StatusUnprocessableEntity, AlertPageView{AddBody: body, AddError: core.FormErrors(err)["body"]})
		return nil
	}
	core.SeeOther(w, r, "/alerts/"+url.PathEscape(id)+"?done=added#additions")
	return nil
}

// AlertPrintView is one alert, or the bulletin of recent ones, laid out
// for paper.
type AlertPrintView struct {
	Items     []printItem
	Single    bool
	Printed   string
	Days      int
	Withdrawn bool // the one alert asked for was withdrawn
}

type printItem struct {
	core.AlertItemView
	Body        string
	Identifiers []ident
	Additions   []addition
}

func (s *server) printItemOf(r *http.Request, a scheme.Alert, l scheme.Lists) (printItem, error) {
	ctx := r.Context()
	it := printItem{AlertItemView: alertItem(r, s.AlertItem(core.Loc(r), a, l), a), Identifiers: alertIdents(a.Identifiers)}
	_, it.Body, _ = core.AlertText(r, a)
	// Only what coordinators approved goes on paper.
	ads, err := s.Alerts.ApprovedAdditions(ctx, a.ID)
	if err != nil {
		return it, err
	}
	for _, ad := range ads {
		it.Additions = append(it.Additions, addition{Body: ad.Body, When: s.Date(core.Loc(r), ad.CreatedAt, core.Weekday), Status: ad.Status, Lang: ad.Language})
	}
	return it, nil
}

func (s *server) alertPrint(w http.ResponseWriter, r *http.Request, u scheme.User) error {
	ctx := r.Context()
	a, err := s.Alerts.Open(ctx, u, r.PathValue("id"))
	if err != nil {
		return err
	}
	l, err := s.Content.Lists(r.Context())
	if err != nil {
		return err
	}
	v := AlertPrintView{Single: true, Printed: s.Date(core.Loc(r), time.Now(), core.Weekday)}
	it, err := s.printItemOf(r, a, l)
	if err != nil {
		return err
	}
	v.Items, v.Withdrawn = []printItem{it}, a.Status == scheme.AlertWithdrawn
	s.Render(w, r, http.StatusOK, viewAlertPrint, v)
	return nil
}

func (s *server) alertBulletin(w http.ResponseWriter, r *http.Request, u scheme.User) error {
	ctx := r.Context()
	// On paper: every alert of the last days, on as many sheets as it takes.
	as, err := s.Alerts.FeedPage(ctx, u, scheme.MemberAlertFilter{Since: time.Now().AddDate(0, 0, -bulletinDays)}, scheme.Page{})
	if err != nil {
		return err
	}
	l, err := s.Content.Lists(r.Context())
	if err != nil {
		return err
	}
	v := AlertPrintView{Printed: s.Date(core.Loc(r), time.Now(), core.Weekday), Days: bulletinDays}
	for _, a := range as.Items {
		if a.Status != scheme.AlertPublished {
			continue
		}
		it, err := s.printItemOf(r, a, l)
		if err != nil {
			return err
		}
		v.Items = append(v.Items, it)
	}
	s.Render(w, r, http.StatusOK, viewAlertPrint, v)
	return nil
}
