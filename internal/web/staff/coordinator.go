package staff

import (
	"cmp"
	"maps"
	"net/http"
	"slices"
	"strings"

	"uglymugs/internal/notify"
	"uglymugs/internal/scheme"
	"uglymugs/internal/web/core"
)

// QueueView is the vetting queue.
type QueueView struct {
	Items     []queueRow
	FlagName  map[scheme.Flag]string
	TypeNames map[scheme.MembershipType]string
	Pager     core.Pager
}

type queueRow struct {
	Type                           scheme.MembershipType
	ID, Status, Submitted, Waiting string
	Flags                          []scheme.Flag
}

func (s *server) queuePage(w http.ResponseWriter, r *http.Request, u scheme.User) error {
	page := core.PageFrom(r)
	items, err := s.Accounts.Queue(r.Context(), scheme.ApplicationFilter{}, page)
	if err != nil {
		return err
	}
	v := QueueView{FlagName: scheme.FlagName, TypeNames: core.TypeNames, Pager: core.NewPager(r.URL.Query(), "/coordinator/applications", page, items.Total)}
	for _, it := range items.Items {
		v.Items = append(v.Items, queueRow{ID: it.ID, Type: it.Type, Status: string(it.Status),
			Submitted: s.Time(it.SubmittedAt, core.WeekdayTimeThisYear), Waiting: it.Waiting, Flags: it.Flags})
	}
	s.Render(w, r, http.StatusOK, viewQueue, core.FormView{Extra: v, Notice: map[string]string{
		"approve":      "Approved: the applicant has been told and can sign in as a member.",
		"reject":       "Rejected: the applicant has been told and sees your reason when they sign in.",
		"request-info": "Your question has been sent: the application comes back here when they answer.",
	}[r.URL.Query().Get("done")]})
	return nil
}

// ApplicationView is one application opened by a coordinator, with names
// for the codes it holds and what raised its flags.
type ApplicationView struct {
	App         scheme.Application
	Waiting     string // in working time, in words
	Flags       []vettingFlag
	TypeName    string
	Submitted   string // in the scheme's time zone
	RegionNames map[string]string
	SectorNames map[string]string
	GenderNames map[string]string
}

func (s *server) applicationPage(w http.ResponseWriter, r *http.Request, u scheme.User) error {
	return s.renderApplication(w, r, u, http.StatusOK, nil, nil)
}

func (s *server) renderApplication(w http.ResponseWriter, r *http.Request, u scheme.User, status int, values, errs map[string]string) error {
	a, err := s.Accounts.Application(r.Context(), u, r.PathValue("id"))
	if err != nil {
		return err
	}
	vet, err := s.Accounts.Vetting(r.Context(), u, a)
	if err != nil {
		return err
	}
	v := ApplicationView{App: a, Waiting: vet.Waiting, Flags: vettingFlags(vet.Flags), TypeName: core.TypeNames[a.Type],
		Submitted:   s.Time(a.SubmittedAt, core.WeekdayTime),
		RegionNames: map[string]string{}, SectorNames: map[string]string{}, GenderNames: map[string]string{}}
	lists, err := s.Content.Lists(r.Context())
	if err != nil {
		return err
	}
	for _, x := range lists.Regions {
		v.RegionNames[x.Slug] = x.Name
	}
	for _, x := range lists.Sectors {
		v.SectorNames[x.Slug] = x.Name
	}
	for _, g := range lists.Genders {
		v.GenderNames[g.Slug] = g.Name
	}
	s.Render(w, r, status, viewApplication, core.FormView{Values: values, Errors: errs, Extra: v})
	return nil
}

// vettingFlag is a vetting flag as the application page shows it: what it means,
// then each thing that raised it, linked to where the coordinator can
// look (the other member's application, the offender profile).
type vettingFlag struct {
	Text  string
	Items []vettingItem
	Note  string
}

// vettingItem is one sentence: Before, then LinkText linked to Href (or, with
// no Href, in bold), then After.
type vettingItem struct {
	Before, LinkText, Href, After string
}

var (
	flagFieldNames = map[string]string{"email": "email", "mobile": "mobile number", "organisation_email": "organisation's official email"}
	flagRoleNames  = map[scheme.Role]string{scheme.RoleApplicant: "applicant", scheme.RoleMember: "member", scheme.RoleOrgContact: "organisation's key contact",
		scheme.RoleOrgStaff: "organisation's staff login", scheme.RoleCoordinator: "coordinator", scheme.RoleAdmin: "admin"}
	flagStatusNames = map[string]string{scheme.StatusApplicant: "not yet decided", scheme.StatusActive: "active", scheme.StatusDisabled: "switched off",
		scheme.StatusRevoked: "revoked", scheme.StatusRejected: "not accepted"}
)

func vettingFlags(flags []scheme.RaisedFlag) []vettingFlag {
	var out []vettingFlag
	for _, f := range flags {
		v := vettingFlag{Text: scheme.FlagText[f.Flag]}
		for _, m := range f.Matches {
			v.Items = append(v.Items, vettingItemOf(m))
		}
		switch {
		case f.Flag == scheme.FlagEmailDomainMismatch:
			v.Items = append(v.Items, vettingItem{Before: "The official email is on ", LinkText: cmp.Or(f.EmailDomain, "no domain"),
				After: "; the website is on " + cmp.Or(f.WebsiteDomain, "no domain we could read") + "."})
		case len(f.Matches) == 0:
			v.Note = "What raised it is no longer on record."
		case f.MatchedNow:
			v.Note = "Matched again as you opened it: this application is older than the record of what raised its warnings, so this may differ from then."
		}
		out = append(out, v)
	}
	return out
}

func vettingItemOf(m scheme.FlagMatch) vettingItem {
	field := flagFieldNames[m.Field]
	switch {
	case m.Flag == scheme.FlagPossibleOffender && m.Gone:
		return vettingItem{Before: "Their " + field + " matched an offender in a report that has since been deleted."}
	case m.Flag == scheme.FlagPossibleOffender:
		return vettingItem{Before: "Their " + field + " is an identifier of an offender in a report: ", LinkText: "open the offender profile",
			Href: "/coordinator/offenders/" + m.ProfileID, After: "."}
	case m.Gone:
		return vettingItem{Before: "Their " + field + " matched someone who is no longer on record (they left)."}
	}
	whose := "the details of "
	if m.Organisation != "" {
		whose = "the official email of the organisation that "
	}
	it := vettingItem{Before: "Their " + field + " matches " + whose, LinkText: m.Username}
	if m.Organisation != "" {
		it.After = " applied for"
	}
	it.After += " (" + flagRoleNames[m.Role] + ", " + flagStatusNames[m.Status]
	if m.ApplicationID == "" {
		it.After += "; no application to open: find them under Members"
	} else {
		it.Href = "/coordinator/applications/" + m.ApplicationID
	}
	it.After += ")."
	return it
}

func (s *server) decide(d scheme.Decision) http.Handler {
	return s.SignedIn(func(w http.ResponseWriter, r *http.Request, u scheme.User) error {
		text := strings.TrimSpace(r.PostFormValue("text"))
		_, err := s.Accounts.Decide(r.Context(), u.ID, r.PathValue("id"), d, text)
		if err != nil {
			if code := scheme.ErrorCode(err); code == scheme.CodeInvalid {
				errs := map[string]string{}
				for _, msg := range core.FormErrors(err) {
					errs[string(d)] = msg
				}
				return s.renderApplication(w, r, u, core.StatusFor(code), map[string]string{string(d): text}, errs)
			}
			return err
		}
		core.SeeOther(w, r, "/coordinator/applications?done="+string(d))
		return nil
	}, scheme.RoleCoordinator)
}

// OutboxView lists the messages that failed for good, with why, and those
// held for want of a provider.
type OutboxView struct {
	Failed, Held []outboxRow // this page's: the failed come first
	Pager        core.Pager
}

type outboxRow struct {
	When, Channel, To, Subject, Text, Reason string
}

func (s *server) outboxPage(w http.ResponseWriter, r *http.Request, u scheme.User) error {
	ns, pager, err := core.ListPage(r, u, "/admin/outbox", s.Content.Outbox)
	if err != nil {
		return err
	}
	v := OutboxView{Pager: pager}
	for _, n := range ns {
		subject, text, err := notify.Render(n)
		if err != nil {
			// What could not be made is still shown, so that nothing
			// anyone wrote is lost: its parts as they were given.
			subject, text = n.Template, outboxParams(n.Params)
		}
		row := outboxRow{When: s.Time(n.CreatedAt, core.DateTimeThisYear),
			Channel: string(n.Channel), To: n.To, Subject: subject, Text: text, Reason: n.Error}
		if n.Status == notify.StatusFailed {
			v.Failed = append(v.Failed, row)
		} else {
			v.Held = append(v.Held, row)
		}
	}
	s.Render(w, r, http.StatusOK, viewOutbox, core.FormView{Extra: v})
	return nil
}

// outboxParams lists a message's params, one "name: value" a line, by name.
func outboxParams(p map[string]string) string {
	var b strings.Builder
	for _, k := range slices.Sorted(maps.Keys(p)) {
		b.WriteString(k + ": " + p[k] + "\n")
	}
	return b.String()
}
