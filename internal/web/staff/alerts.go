package staff

import (
	"context"
	"net/http"
	"net/url"

	"uglymugs/internal/alert"
	"uglymugs/internal/i18n"
	"uglymugs/internal/scheme"
	"uglymugs/internal/web/core"
)

// Alerts, as coordinators write and track them: the list (drafts,
// published, withdrawn), a new draft from a report, the editor (the
// anonymisation check beside the text, who it reaches, the reports behind
// it, approval by a second coordinator, publishing, editing a published
// alert as a new version, withdrawing), delivery tracking, the queue of
// members' additions, and the approval setting for admins.

// coordinatorsOnly runs next for an active coordinator or admin, on a page that is
// never indexed.
func (s *server) coordinatorsOnly(next core.Handler) http.Handler {
	return core.NoIndex(s.SignedIn(next, scheme.RoleCoordinator))
}

func editorURL(id, done, section string) string {
	u := "/coordinator/alerts/" + url.PathEscape(id)
	if done != "" {
		u += "?done=" + done
	}
	if section != "" {
		u += "#" + section
	}
	return u
}

// staffNameCache looks up coordinators' usernames, once each per page.
type staffNameCache struct {
	s     *server
	ctx   context.Context
	names map[string]string
}

func (s *server) nameCache(ctx context.Context) *staffNameCache {
	return &staffNameCache{s: s, ctx: ctx, names: map[string]string{}}
}

func (n *staffNameCache) of(id string) string {
	if id == "" {
		return ""
	}
	if name, ok := n.names[id]; ok {
		return name
	}
	name := "a former coordinator"
	if username, staff, err := n.s.Accounts.Username(n.ctx, id); err == nil && staff {
		name = username
	}
	n.names[id] = name
	return name
}

// channelNames are the delivery channels in words, in the order shown.
var channelNames = []struct{ Key, Name string }{{"in_app", "On the website"}, {"email", "Email"}, {"sms", "SMS"}, {"push", "Push to phones and browsers"}}

func channelName(key string) string {
	for _, c := range channelNames {
		if c.Key == key {
			return c.Name
		}
	}
	return key
}

// stateNames are the delivery states in words, in the order shown.
var stateNames = []struct{ Key, Name string }{
	{"delivered", "Delivered, not opened yet"}, {"read", "Opened"}, // on the website
	{scheme.DeliveryQueued, "Queued"}, {scheme.DeliverySending, "Sending now"}, {scheme.DeliverySent, "Sent"},
	{scheme.DeliveryRetrying, "Waiting to retry"}, {scheme.DeliveryFailed, "Failed"}, {scheme.DeliveryCancelled, "Cancelled"},
	{scheme.DeliveryOutbox, "In the outbox (no provider set up)"},
}

// pause is a delivery channel that stopped itself after too many
// failures.
type pause struct {
	Channel, Name, Since, Reason string
}

func (s *server) pauses(ctx context.Context) ([]pause, error) {
	ps, err := s.Alerts.DeliveryPauses(ctx)
	if err != nil {
		return nil, err
	}
	return s.pausesOf(ps), nil
}

func (s *server) pausesOf(ps []scheme.DeliveryPause) []pause {
	var out []pause
	for _, p := range ps {
		out = append(out, pause{Channel: p.Channel, Name: channelName(p.Channel), Since: s.caseDayTime(p.PausedAt), Reason: p.Reason})
	}
	return out
}

// AlertListView is the coordinators' list of alerts.
type AlertListView struct {
	Drafts, Published, Withdrawn []alertRow
	Pauses                       []pause
	PendingAdditions             int
	Review                       []reviewRow // urgent alerts waiting for a second coordinator
	ReviewTotal                  int
	RequireApproval              bool
	Notice                       string
	Pager                        core.Pager
}

type alertRow struct {
	core.AlertItemView
	Writer, Updated string
	Approved        bool
	Flags, Version  int
}

func (s *server) alertList(w http.ResponseWriter, r *http.Request, u scheme.User) error {
	ctx := r.Context()
	page := core.PageFrom(r)
	as, err := s.Alerts.ListPage(ctx, u, scheme.AlertFilter{}, page)
	if err != nil {
		return err
	}
	l, err := s.Content.Lists(r.Context())
	if err != nil {
		return err
	}
	v := AlertListView{Notice: map[string]string{
		"discarded": "The draft was discarded.",
		"resumed":   "Sending has resumed on that channel.",
	}[r.URL.Query().Get("done")], Pager: core.NewPager(r.URL.Query(), "/coordinator/alerts", page, as.Total)}
	if v.RequireApproval, err = s.Alerts.RequireApproval(ctx); err != nil {
		return err
	}
	if v.Pauses, err = s.pauses(ctx); err != nil {
		return err
	}
	// Only the count is shown: a page of one row gives it.
	pending, err := s.Alerts.PendingAdditions(ctx, scheme.Page{Number: 1, Size: 1})
	if err != nil {
		return err
	}
	v.PendingAdditions = pending.Total
	if v.Review, v.ReviewTotal, err = s.reviewQueue(r, u); err != nil {
		return err
	}
	names := s.nameCache(ctx)
	for _, a := range as.Items {
		row := alertRow{AlertItemView: s.AlertItem(s.Words.Localizer(i18n.English), a, l), Writer: names.of(a.CreatedBy), Updated: s.caseShort(a.UpdatedAt, true),
			Approved: a.ApprovedBy != "", Flags: len(a.Flags), Version: a.Version}
		switch a.Status {
		case scheme.AlertDraft:
			v.Drafts = append(v.Drafts, row)
		case scheme.AlertPublished:
			v.Published = append(v.Published, row)
		default:
			v.Withdrawn = append(v.Withdrawn, row)
		}
	}
	s.Render(w, r, http.StatusOK, viewAlertList, v)
	return nil
}

// newAlert starts a draft from one or more reports (a report's case page
// posts its id) and opens it in the editor; or opens the draft those
// reports already have.
func (s *server) newAlert(w http.ResponseWriter, r *http.Request, u scheme.User) error {
	if err := r.ParseForm(); err != nil {
		return scheme.Errorf(scheme.CodeInvalid, "We could not read that form.")
	}
	a, created, err := s.Alerts.Write(r.Context(), u, alert.Input{ReportIDs: r.PostForm["report_ids"]})
	if err != nil {
		// The only field is the choice of reports, made on another
		// page: say what is wrong in words.
		if se, ok := err.(*scheme.Error); ok && se.Fields["report_ids"] != "" {
			err = &scheme.Error{Code: se.Code, Message: se.Fields["report_ids"], Err: se.Err}
		}
		return err
	}
	done := "created"
	if !created {
		done = "existing"
	}
	core.SeeOther(w, r, editorURL(a.ID, done, ""))
	return nil
}
