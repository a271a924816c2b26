package staff

import (
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
	FlagText  map[scheme.Flag]string
	TypeNames map[scheme.MembershipType]string
	Pager     core.Pager
}

type queueRow struct {
	Type                  scheme.MembershipType
	ID, Status, Submitted string
	Waiting               float64
	Flags                 []scheme.Flag
}

func (s *server) queuePage(w http.ResponseWriter, r *http.Request, u scheme.User) error {
	page := core.PageFrom(r)
	items, err := s.Accounts.Queue(r.Context(), scheme.ApplicationFilter{}, page)
	if err != nil {
		return err
	}
	v := QueueView{FlagText: scheme.FlagText, TypeNames: core.TypeNames, Pager: core.NewPager(r.URL.Query(), "/coordinator/applications", page, items.Total)}
	for _, it := range items.Items {
		v.Items = append(v.Items, queueRow{ID: it.ID, Type: it.Type, Status: string(it.Status),
			Submitted: s.Time(it.SubmittedAt, core.WeekdayTimeThisYear), Waiting: it.WaitingHours, Flags: it.Flags})
	}
	s.Render(w, r, http.StatusOK, viewQueue, core.FormView{Extra: v, Notice: map[string]string{
		"approve":      "Approved: the applicant has been told and can sign in as a member.",
		"reject":       "Rejected: the applicant has been told and sees your reason when they sign in.",
		"request-info": "Your question has been sent: the application comes back here when they answer.",
	}[r.URL.Query().Get("done")]})
	return nil
}

// ApplicationView is one application opened by a coordinator, with names
// for the codes it holds.
type ApplicationView struct {
	App         scheme.Application
	FlagText    map[scheme.Flag]string
	TypeName    string
	Submitted   string // in the scheme's time zone
	RegionNames map[string]string
	SectorNames map[string]string
	GenderNames map[string]string
}

func (s *server) applicationPage(w http.ResponseWriter, r *http.Request, u scheme.User) error {
	s.renderApplication(w, r, u, http.StatusOK, nil, nil)
	return nil
}

func (s *server) renderApplication(w http.ResponseWriter, r *http.Request, u scheme.User, status int, values, errs map[string]string) {
	a, err := s.Accounts.Application(r.Context(), u, r.PathValue("id"))
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	v := ApplicationView{App: a, FlagText: scheme.FlagText, TypeName: core.TypeNames[a.Type],
		Submitted:   s.Time(a.SubmittedAt, core.WeekdayTime),
		RegionNames: map[string]string{}, SectorNames: map[string]string{}, GenderNames: map[string]string{}}
	lists := s.Content.Lists()
	for _, x := range lists.Regions {
		v.RegionNames[x.Slug] = x.Name
	}
	for _, x := range lists.Sectors {
		v.SectorNames[x.Slug] = x.Name
	}
	for _, g := range scheme.Genders {
		v.GenderNames[g.Slug] = g.Name
	}
	s.Render(w, r, status, viewApplication, core.FormView{Values: values, Errors: errs, Extra: v})
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
				s.renderApplication(w, r, u, core.StatusFor(code), map[string]string{string(d): text}, errs)
				return nil
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
	page := core.PageFrom(r)
	ns, err := s.Content.Outbox(r.Context(), u, page)
	if err != nil {
		return err
	}
	v := OutboxView{Pager: core.NewPager(r.URL.Query(), "/admin/outbox", page, ns.Total)}
	for _, n := range ns.Items {
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
