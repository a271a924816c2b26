package core

import (
	"cmp"
	"net/http"
	"strings"
	"time"

	"uglymugs/internal/i18n"
	"uglymugs/internal/scheme"
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

// Location is the scheme's time zone, in which dates are shown and read.
func (s *Server) Location() *time.Location { return cmp.Or(s.Alerts.Loc, time.UTC) }

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
	Urgent           bool   // published out of hours by the coordinator on call, alone
	Types            string // names, comma-separated
	Area             string
	Regions          string // "London, Wales", or "All regions"
	Happened         string // the incident's date, in full
	HappenedShort    string
	Sent, Withdrawal string
	// TextLang is the language of the title and body when it is not the
	// page's (an alert not yet translated into the reader's): the original.
	TextLang string
}

// UnreadableAlert is what a list says of an alert whose stored text does
// not open (damaged): the rest of the list is shown as usual.
const UnreadableAlert = "This alert could not be read"

// AlertItem is a in a list, its fixed parts (incident types, regions,
// dates) in loc's language; its title is the original (see AlertText for
// a member's).
func (s *Server) AlertItem(loc *i18n.Localizer, a scheme.Alert, l scheme.Lists) AlertItemView {
	types := l.TypeNameList(a.IncidentTypes)
	for i, name := range types {
		types[i] = loc.T(name)
	}
	title := a.Title
	if a.Unreadable {
		title = loc.T(UnreadableAlert)
	}
	return AlertItemView{SeverityView: SeverityOf(a.Severity), ID: a.ID, Title: title, Withdrawn: a.Status == scheme.AlertWithdrawn,
		Notice: a.Notice, Unread: a.ReadAt.IsZero(), Urgent: a.Urgent, Types: strings.Join(types, loc.T(", ")), Area: a.Area,
		Regions: AlertRegions(loc, a, l), Happened: s.Date(loc, a.IncidentAt, Weekday), HappenedShort: s.Date(loc, a.IncidentAt, WeekdayShort),
		Sent: s.Date(loc, a.PublishedAt, WeekdayShort), Withdrawal: s.Date(loc, a.WithdrawnAt, WeekdayShort)}
}

// AlertText is a's title and body in r's language when a coordinator
// translated them into it; else the original, with its language (for the
// lang attribute and the line saying it is not yet translated) when that
// is not r's. An unreadable alert's title is the plain words above.
func AlertText(r *http.Request, a scheme.Alert) (title, body, lang string) {
	if a.Unreadable {
		return Loc(r).T(UnreadableAlert), "", ""
	}
	l, _ := i18n.FromContext(r.Context())
	title, body, translated := a.In(l.Code)
	if !translated && l.Code != scheme.OriginalLanguage {
		lang = scheme.OriginalLanguage
	}
	return title, body, lang
}

func AlertRegions(loc *i18n.Localizer, a scheme.Alert, l scheme.Lists) string {
	if a.Nationwide {
		return loc.T("All regions")
	}
	names := make([]string, len(a.Regions))
	for i, r := range a.Regions {
		names[i] = loc.T(cmp.Or(l.RegionName(r), r))
	}
	return strings.Join(names, loc.T(", "))
}

// Option is one choice in a select or a list of boxes.
type Option struct {
	Value, Label string
	Selected     bool
}

// RegionChoices are a filter's regions: "Any region", then each region,
// with the one chosen selected.
func RegionChoices(l scheme.Lists, chosen string) []Option {
	return choices("Any region", chosen, len(l.Regions), func(i int) (string, string) { return l.Regions[i].Slug, l.Regions[i].Name })
}

// TypeChoices are a filter's incident types: "Any kind", then each type,
// most severe first, with the one chosen selected.
func TypeChoices(l scheme.Lists, chosen string) []Option {
	return choices("Any kind", chosen, len(l.Types), func(i int) (string, string) { return l.Types[i].Slug, l.Types[i].Name })
}

func choices(anyLabel, chosen string, n int, item func(i int) (slug, name string)) []Option {
	out := append(make([]Option, 0, n+1), Option{Value: "", Label: anyLabel, Selected: chosen == ""})
	for i := range n {
		slug, name := item(i)
		out = append(out, Option{Value: slug, Label: name, Selected: slug == chosen})
	}
	return out
}
